//! Typed requests and responses on top of the catalog.
//!
//! Each generated request struct (`zoom_phone::ops::<tag>::<OperationId>`)
//! implements [`Endpoint`]: it serializes to the same JSON parameters the
//! generic path takes, so [`build_typed`] is [`request::build`] and there is
//! one way to build a request. [`parse_typed`] turns the response into the
//! operation's response type.
//!
//! This module also holds what the generated models share: the
//! `string_enum!` / `int_enum!` macros (an enum plus an `Unknown(..)`
//! fallback, so a value Zoom adds later never fails to parse), the `oneOf`
//! variant choice ([`one_of_index`]), and the non-JSON response types.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::request::{self, RequestConfig};
use crate::response::{ApiError, DecodeError};

/// One Zoom operation as a Rust type. Serializing the value gives the
/// request's parameters: path and query parameters by spec name at the top
/// level, the body under `"body"`.
pub trait Endpoint: Serialize {
    /// Zoom's `operationId`, the key into the catalog.
    const OPERATION_ID: &'static str;
    /// What a successful call returns.
    type Response;
    /// How the response is read: [`Json`], [`NoBody`], [`Bytes`] or [`Location`].
    ///
    /// A type-level choice rather than a method, so the decoding code of an
    /// operation is only compiled where the operation is used: the core does
    /// not monomorphize 220 JSON decoders nobody may call.
    type Decoder: Decode<Self::Response>;
}

/// Reads a successful response of operation `operation` into `T`.
pub trait Decode<T> {
    fn decode(operation: &str, response: &http::Response<Vec<u8>>) -> Result<T, Error>;
}

/// A JSON body; a mismatch is a [`DecodeError`] naming the JSON path.
#[derive(Debug)]
pub enum Json {}

/// No body (`204`).
#[derive(Debug)]
pub enum NoBody {}

/// The body's bytes (downloads).
#[derive(Debug)]
pub enum Bytes {}

/// The `Location` of a redirect.
#[derive(Debug)]
pub enum Location {}

impl<T: DeserializeOwned> Decode<T> for Json {
    fn decode(operation: &str, response: &http::Response<Vec<u8>>) -> Result<T, Error> {
        json_response(operation, response)
    }
}

impl Decode<()> for NoBody {
    fn decode(_: &str, response: &http::Response<Vec<u8>>) -> Result<(), Error> {
        success(response)
    }
}

impl Decode<Binary> for Bytes {
    fn decode(_: &str, response: &http::Response<Vec<u8>>) -> Result<Binary, Error> {
        binary_response(response)
    }
}

impl Decode<Redirect> for Location {
    fn decode(operation: &str, response: &http::Response<Vec<u8>>) -> Result<Redirect, Error> {
        redirect_response(operation, response)
    }
}

/// The request parameters of `endpoint` as JSON, as the catalog path takes them.
pub fn to_params<E: Endpoint>(endpoint: &E) -> Result<serde_json::Value, Error> {
    serde_json::to_value(endpoint).map_err(|e| {
        // Generated models hold only strings, numbers, booleans, lists and
        // string-keyed maps, which always serialize; keep the evidence anyway.
        Error::from(decode_error(E::OPERATION_ID, "", e.to_string(), &[]))
    })
}

/// Builds the HTTP request of a typed call: exactly [`request::build`] on the
/// endpoint's parameters.
pub fn build_typed<E: Endpoint>(
    endpoint: &E,
    config: &RequestConfig,
) -> Result<http::Request<Vec<u8>>, Error> {
    request::build(E::OPERATION_ID, &to_params(endpoint)?, config)
}

/// Parses the response of a typed call: an error status gives
/// [`Error::Api`], a body that does not match gives [`Error::Decode`].
pub fn parse_typed<E: Endpoint>(response: &http::Response<Vec<u8>>) -> Result<E::Response, Error> {
    E::Decoder::decode(E::OPERATION_ID, response)
}

/// A binary download (recording, voicemail, fax file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, where sent.
    pub content_type: Option<String>,
}

/// A `302` whose `Location` is the result (transcript download).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub location: String,
}

/// Fails with [`ApiError`] unless the status is a success.
fn success(response: &http::Response<Vec<u8>>) -> Result<(), Error> {
    let status = response.status();
    if status.is_success() || status.is_redirection() {
        Ok(())
    } else {
        Err(ApiError {
            status: status.as_u16(),
        }
        .into())
    }
}

fn decode_error(operation: &str, path: &str, message: String, body: &[u8]) -> DecodeError {
    DecodeError::new(operation, path, message, body)
}

/// A JSON body decoded into `T`; a mismatch names the JSON path.
fn json_response<T: DeserializeOwned>(
    operation: &str,
    response: &http::Response<Vec<u8>>,
) -> Result<T, Error> {
    success(response)?;
    let body = response.body();
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        decode_error(operation, &path, e.into_inner().to_string(), body)
    })?;
    de.end()
        .map_err(|e| decode_error(operation, "", e.to_string(), body))?;
    Ok(value)
}

/// A success whose body is the bytes of a file.
fn binary_response(response: &http::Response<Vec<u8>>) -> Result<Binary, Error> {
    success(response)?;
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Binary {
        bytes: response.body().clone(),
        content_type,
    })
}

/// A redirect whose `Location` is the result.
fn redirect_response(
    operation: &str,
    response: &http::Response<Vec<u8>>,
) -> Result<Redirect, Error> {
    success(response)?;
    match response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(location) => Ok(Redirect {
            location: location.to_owned(),
        }),
        None => Err(decode_error(
            operation,
            "",
            "the redirect carries no Location header".to_owned(),
            response.body(),
        )
        .into()),
    }
}

/// The keys one `oneOf` alternative declares and requires.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub properties: &'static [&'static str],
    pub required: &'static [&'static str],
}

/// Which alternative of a `oneOf` a JSON value is: among the alternatives
/// whose required keys are all present, the one that declares the most of
/// the value's keys (the first on a tie); with none eligible, the first.
/// Deterministic, and never picks an alternative that lacks a required key
/// when another has them all.
#[doc(hidden)]
pub fn one_of_index(value: &serde_json::Value, shapes: &[Shape]) -> usize {
    let Some(obj) = value.as_object() else {
        return 0;
    };
    let mut best: Option<(usize, usize)> = None;
    for (i, shape) in shapes.iter().enumerate() {
        if !shape.required.iter().all(|r| obj.contains_key(*r)) {
            continue;
        }
        let known = obj
            .keys()
            .filter(|k| shape.properties.contains(&k.as_str()))
            .count();
        if best.is_none_or(|(_, b)| known > b) {
            best = Some((i, known));
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// A string enum whose unknown values land in `Unknown(String)`.
///
/// ```text
/// string_enum! { Status { Active = "active", Inactive = "inactive" } }
/// ```
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)*
            /// A value this version of the SDK does not know.
            Unknown(String),
        }

        impl $name {
            /// The value as Zoom writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(match s.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s),
                })
            }
        }
    };
}

/// An integer enum whose unknown values land in `Unknown(i64)`. Variants are
/// named `V<value>` (`VMinus<n>` for negatives): Zoom's spec gives them no names.
macro_rules! int_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)*
            /// A value this version of the SDK does not know.
            Unknown(i64),
        }

        impl $name {
            /// The value as Zoom writes it.
            pub fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(v) => v,
                }
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                match v {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::from(i64::deserialize(d)?))
            }
        }
    };
}

pub(crate) use {int_enum, string_enum};

#[cfg(test)]
mod tests {
    use super::*;

    string_enum! { Color { Red = "red", DarkBlue = "dark-blue", } }
    int_enum! { Level { V1 = 1, VMinus2 = -2, } }

    #[test]
    fn string_enums_keep_unknown_values() {
        let c: Vec<Color> =
            serde_json::from_str(r#"["red","dark-blue","teal"]"#).unwrap_or_default();
        assert_eq!(
            c,
            [Color::Red, Color::DarkBlue, Color::Unknown("teal".into())]
        );
        assert_eq!(
            serde_json::to_string(&c).ok().as_deref(),
            Some(r#"["red","dark-blue","teal"]"#)
        );
    }

    #[test]
    fn int_enums_keep_unknown_values() {
        let l: Vec<Level> = serde_json::from_str("[1,-2,7]").unwrap_or_default();
        assert_eq!(l, [Level::V1, Level::VMinus2, Level::Unknown(7)]);
        assert_eq!(Level::Unknown(7).value(), 7);
    }

    #[test]
    fn one_of_prefers_the_alternative_that_explains_the_value() {
        let shapes = [
            Shape {
                properties: &["a", "b"],
                required: &[],
            },
            Shape {
                properties: &["c", "d"],
                required: &["c"],
            },
            Shape {
                properties: &["a", "c", "x"],
                required: &["x"],
            },
        ];
        let v = |j: &str| serde_json::from_str::<serde_json::Value>(j).unwrap_or_default();
        assert_eq!(one_of_index(&v(r#"{"a":1}"#), &shapes), 0);
        assert_eq!(one_of_index(&v(r#"{"c":1,"d":2}"#), &shapes), 1);
        // Would fit 1 by its required key, but 2 explains more keys.
        assert_eq!(one_of_index(&v(r#"{"a":1,"c":1,"x":0}"#), &shapes), 2);
        // Missing `c`: alternative 1 is never chosen.
        assert_eq!(one_of_index(&v(r#"{"d":1}"#), &shapes), 0);
        assert_eq!(one_of_index(&v("3"), &shapes), 0);
    }
}
