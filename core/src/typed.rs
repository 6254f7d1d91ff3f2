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
use crate::catalog::{self, Operation};
use crate::request::{self, BuildError, RequestConfig};
use crate::response::{self, Body, DecodeError, Output};

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

/// Reads a response of `operation` into `T`, through [`response::parse`]
/// (the one place that tells success from Zoom's errors and keeps the
/// tracking id and rate-limit headers).
pub trait Decode<T> {
    fn decode(operation: &Operation, response: http::Response<Vec<u8>>)
    -> Result<Output<T>, Error>;
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
    fn decode(
        operation: &Operation,
        response: http::Response<Vec<u8>>,
    ) -> Result<Output<T>, Error> {
        response::parse_json(operation, response)
    }
}

impl Decode<()> for NoBody {
    fn decode(
        operation: &Operation,
        response: http::Response<Vec<u8>>,
    ) -> Result<Output<()>, Error> {
        // Whatever a success carries, the operation promises nothing.
        map_body(operation, response::parse(operation, response)?, |_| Ok(()))
    }
}

impl Decode<Binary> for Bytes {
    fn decode(
        operation: &Operation,
        response: http::Response<Vec<u8>>,
    ) -> Result<Output<Binary>, Error> {
        map_body(
            operation,
            response::parse(operation, response)?,
            |body| match body {
                Body::Binary {
                    content_type,
                    bytes,
                } => Ok(Binary {
                    bytes,
                    content_type,
                }),
                Body::Empty => Ok(Binary {
                    bytes: Vec::new(),
                    content_type: None,
                }),
                Body::Text { content_type, text } => Ok(Binary {
                    bytes: text.into_bytes(),
                    content_type,
                }),
                // The location may carry a signed token: not in the message.
                Body::Redirect { .. } => Err("a redirect the host did not follow"),
                Body::Json(_) => Err("JSON instead of the file's bytes"),
            },
        )
    }
}

impl Decode<Redirect> for Location {
    fn decode(
        operation: &Operation,
        response: http::Response<Vec<u8>>,
    ) -> Result<Output<Redirect>, Error> {
        map_body(
            operation,
            response::parse(operation, response)?,
            |body| match body {
                Body::Redirect { location } => Ok(Redirect { location }),
                _ => Err("no redirect with a Location header"),
            },
        )
    }
}

/// The typed body of a success, or a [`DecodeError`] with `f`'s reason
/// and the response's evidence.
fn map_body<T>(
    operation: &Operation,
    output: Output,
    f: impl FnOnce(Body) -> Result<T, &'static str>,
) -> Result<Output<T>, Error> {
    let (status, tracking_id) = (output.status, output.tracking_id.clone());
    output.try_map(f).map_err(|message| {
        DecodeError {
            operation: operation.id.clone(),
            status,
            path: ".".to_owned(),
            message: message.to_owned(),
            snippet: None,
            tracking_id,
        }
        .into()
    })
}

/// The request parameters of `endpoint` as JSON, as the catalog path takes them.
pub fn to_params<E: Endpoint>(endpoint: &E) -> Result<serde_json::Value, Error> {
    serde_json::to_value(endpoint).map_err(|e| {
        // Generated models hold only strings, numbers, booleans, lists and
        // string-keyed maps, which always serialize; keep the evidence anyway.
        Error::from(BuildError::InvalidParameter {
            operation: E::OPERATION_ID.to_owned(),
            field: ".".to_owned(),
            problem: e.to_string(),
        })
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

/// Parses the response of a typed call: an error status (or a 2xx carrying
/// Zoom's error object) gives [`Error::Api`], a body that does not match the
/// model gives [`Error::Decode`]; success keeps the tracking id and
/// rate-limit headers beside the typed body.
pub fn parse_typed<E: Endpoint>(
    response: http::Response<Vec<u8>>,
) -> Result<Output<E::Response>, Error> {
    let operation = catalog::operation(E::OPERATION_ID)
        .ok_or_else(|| BuildError::UnknownOperation(E::OPERATION_ID.to_owned()))?;
    E::Decoder::decode(operation, response)
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

/// A file part of a multipart body (the fax upload), in the JSON form
/// [`request::build`] encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilePart {
    pub filename: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The bytes in standard base64.
    pub data_base64: String,
}

impl FilePart {
    pub fn from_bytes(
        filename: impl Into<String>,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> Self {
        use base64::Engine as _;
        Self {
            filename: filename.into(),
            content_type: content_type.map(str::to_owned),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
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
