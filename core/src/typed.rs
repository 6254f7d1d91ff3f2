//! Typed requests and responses on top of the catalog.
//!
//! Each generated request struct (`zoom_phone::ops::<tag>::<OperationId>`)
//! implements [`Endpoint`]: it serializes to the same JSON parameters the
//! generic path takes, so [`build_typed`] is [`request::build`] and there is
//! one way to build a request. [`parse_typed`] turns the response into the
//! operation's response type; [`decode_json`] decodes a success body that a
//! host already told from an error.
//!
//! A JSON model is decoded straight from the response bytes
//! (`serde_json::from_slice`): no `serde_json::Value` in between, and one
//! instantiation of each model's decoder. Only when that fails is the
//! error's JSON path worked out, by a scan of the bytes up to where serde
//! stopped that is the same code for every model.
//!
//! ## Paying for what you use
//!
//! Each Zoom tag is a feature: `typed-users`, `typed-call-queues`, ...
//! (the module names of [`ops`](crate::ops), in kebab case), each bringing
//! that tag's models (the clients crate, `zoom-phone-client`, has the same
//! features, which add the tag's methods: `zp.users()`); `typed-events`
//! brings the webhook events, and `typed` (the default) all of them. An app
//! that uses three tags builds in a fraction of the time and memory of all
//! of them (docs/benchmarks.md, "Build cost"):
//!
//! ```toml
//! zoom-phone-client = { version = "0.1", default-features = false, features = ["async", "typed-users", "typed-call-queues"] }
//! ```
//!
//! ## Quick start
//!
//! Required parameters and body fields are arguments of `new`; the optional
//! ones are `Option` fields, documented with the spec's bounds.
//!
//! ```
//! # #[cfg(feature = "typed-external-contacts")] {
//! use zoom_phone::ops::external_contacts::AddExternalContact;
//! use zoom_phone::request::RequestConfig;
//! use zoom_phone::typed::{build_typed, parse_typed};
//!
//! let mut add = AddExternalContact::new("Front desk");
//! add.body.phone_numbers = Some(vec!["+12055550100".into()]);
//! let request = build_typed(&add, &RequestConfig::default())?;
//! assert_eq!(request.uri(), "https://api.zoom.us/v2/phone/external_contacts");
//!
//! // Send it with any HTTP client; read the answer as the model:
//! let answer = http::Response::builder()
//!     .status(201)
//!     .body(br#"{"external_contact_id": "ec1", "name": "Front desk"}"#.to_vec())?;
//! let added = parse_typed::<AddExternalContact>(answer)?;
//! assert_eq!(added.body.external_contact_id.as_deref(), Some("ec1"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With a client, the same call is a method of its tag's group:
//! `zp.external_contacts().add_external_contact(&add).await?`.
//!
//! A request whose required fields are missing does not compile: there is
//! no `Default` and no argument-less `new` for it.
//!
//! ```compile_fail
//! let add = zoom_phone::ops::external_contacts::AddExternalContact::default();
//! ```
//!
//! This module also holds what the generated models share: the
//! `string_enum!` / `int_enum!` macros (an enum plus an `Unknown(..)`
//! fallback, so a value Zoom adds later never fails to parse), the `oneOf`
//! variant choice ([`one_of_index`]), and the non-JSON response types.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::catalog::{self, Operation};
use crate::ratelimit::RateLimitInfo;
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
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(not_a_success(operation, response));
        }
        if may_be_error_object(response.body()) {
            // Rare: let the one classifier decide, and decode the bytes if
            // they were a model after all.
            let bytes = response.body().clone();
            let (parts, _) = response.into_parts();
            match response::parse(
                operation,
                http::Response::from_parts(parts.clone(), bytes.clone()),
            ) {
                Err(e) => return Err(e),
                Ok(_) => return decoded(operation, status, &parts.headers, &bytes),
            }
        }
        let (parts, bytes) = response.into_parts();
        decoded(operation, status, &parts.headers, &bytes)
    }
}

/// The typed output of a success that is not Zoom's error object.
fn decoded<T: DeserializeOwned>(
    operation: &Operation,
    status: u16,
    headers: &http::HeaderMap,
    bytes: &[u8],
) -> Result<Output<T>, Error> {
    let tracking_id = crate::response::tracking_id(headers);
    let body = decode_json(&operation.id, status, tracking_id.as_deref(), bytes)?;
    Ok(Output {
        status,
        headers: headers.clone(),
        tracking_id,
        rate_limit: RateLimitInfo::from_headers(headers),
        location: None,
        body,
    })
}

/// The error of a response that is not a success, from the one classifier
/// ([`response::parse`]), which reads Zoom's error object.
fn not_a_success(operation: &Operation, response: http::Response<Vec<u8>>) -> Error {
    let status = response.status().as_u16();
    match response::parse(operation, response) {
        Err(e) => e,
        // Only a redirect operation succeeds without a 2xx, and it has no JSON.
        Ok(output) => DecodeError {
            operation: operation.id.clone(),
            status,
            path: ".".to_owned(),
            message: "no JSON body in a response that is not a 2xx".to_owned(),
            snippet: None,
            tracking_id: output.tracking_id,
        }
        .into(),
    }
}

pub use crate::decode::decode_json;

/// Whether `bytes` may be Zoom's error object: a JSON object whose first
/// keys are only `code`, `message` and `errors`. It stops at the first other
/// key, so a model's body costs a few bytes of scanning.
fn may_be_error_object(bytes: &[u8]) -> bool {
    struct Probe;
    impl<'de> serde::Deserialize<'de> for Probe {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(Probe)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Probe {
        type Value = Probe;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Zoom's error object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
            let mut code = false;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match &*key {
                    "code" => code = true,
                    "message" | "errors" => {}
                    _ => return Err(serde::de::Error::custom("a model's key")),
                }
                map.next_value::<serde::de::IgnoredAny>()?;
            }
            if code {
                Ok(Probe)
            } else {
                Err(serde::de::Error::custom("no code"))
            }
        }
    }
    serde_json::from_slice::<Probe>(bytes).is_ok()
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
///
/// `Debug` shows the length and content type, not the bytes:
///
/// ```
/// let file = zoom_phone::typed::Binary::new(vec![0; 4976], Some("audio/mpeg".into()));
/// assert_eq!(
///     format!("{file:?}"),
///     r#"Binary { len: 4976, content_type: Some("audio/mpeg") }"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Binary {
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, where sent.
    pub content_type: Option<String>,
}

impl Binary {
    /// A file's bytes and the `Content-Type` they came with.
    pub fn new(bytes: Vec<u8>, content_type: Option<String>) -> Self {
        Binary {
            bytes,
            content_type,
        }
    }
}

impl std::fmt::Debug for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.bytes.len())
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// A `302` whose `Location` is the result (transcript download).
///
/// `Debug` leaves out the location's query, which may carry a signed token:
///
/// ```
/// let moved = zoom_phone::typed::Redirect::new("https://file.zoom.us/t.vtt?token=secret");
/// assert_eq!(
///     format!("{moved:?}"),
///     r#"Redirect { location: "https://file.zoom.us/t.vtt?…" }"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    pub location: String,
}

impl Redirect {
    /// Where the redirect pointed.
    pub fn new(location: impl Into<String>) -> Self {
        Redirect {
            location: location.into(),
        }
    }
}

impl std::fmt::Debug for Redirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match self.location.split_once('?') {
            Some((base, _)) => format!("{base}?…"),
            None => self.location.clone(),
        };
        f.debug_struct("Redirect")
            .field("location", &shown)
            .finish()
    }
}

/// A file part of a multipart body (the fax upload), in the JSON form
/// [`request::build`] encodes. `Debug` shows the name, content type and the
/// length of the base64 text, not the file.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FilePart {
    pub filename: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The bytes in standard base64.
    pub data_base64: String,
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("data_base64_len", &self.data_base64.len())
            .finish()
    }
}

impl FilePart {
    /// A part holding `bytes`, base64-encoded.
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

/// A JSON object key or string, borrowed from the input where it has no
/// escapes: what the generated decoders match field names and enum values
/// against without allocating.
#[doc(hidden)]
#[derive(Debug)]
pub struct Key<'de>(pub std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(Text)
    }
}

/// A required field's value, or serde's "missing field" error.
#[doc(hidden)]
pub fn required<T, E: serde::de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

/// A string enum whose unknown values land in `Unknown(String)`, with the
/// serde half of its role (`request`: `Serialize`, `response`: `Deserialize`).
///
/// ```text
/// string_enum! { response Status { Active = "active", Inactive = "inactive", } }
/// ```
// Used by the models of whichever tags are enabled: none with `typed-base` alone.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($role:ident $name:ident { $($variant:ident = $value:literal,)* }) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
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

        $crate::typed::string_enum!(@$role $name { $($variant = $value,)* });
    };
    (@request $name:ident { $($variant:ident = $value:literal,)* }) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
    (@response $name:ident { $($variant:ident = $value:literal,)* }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = $crate::typed::Key::deserialize(d)?;
                Ok(match s.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s.0.into_owned()),
                })
            }
        }
    };
}

/// An integer enum whose unknown values land in `Unknown(i64)`. Variants are
/// named `V<value>` (`VMinus<n>` for negatives): Zoom's spec gives them no names.
#[allow(unused_macros)]
macro_rules! int_enum {
    ($role:ident $name:ident { $($variant:ident = $value:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

        $crate::typed::int_enum!(@$role $name);
    };
    (@request $name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }
    };
    (@response $name:ident) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::from(<i64 as serde::Deserialize>::deserialize(d)?))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use {int_enum, string_enum};

#[cfg(test)]
mod tests {
    use super::*;

    use serde::Deserialize as _;

    string_enum! { response Color { Red = "red", DarkBlue = "dark-blue", } }
    string_enum! { request Shade { Light = "light", } }
    int_enum! { response Level { V1 = 1, VMinus2 = -2, } }
    int_enum! { request Step { V3 = 3, } }

    #[test]
    fn string_enums_keep_unknown_values() {
        let c: Vec<Color> =
            serde_json::from_str(r#"["red","dark-blue","teal","t\u0065al"]"#).unwrap_or_default();
        assert_eq!(
            c,
            [
                Color::Red,
                Color::DarkBlue,
                Color::Unknown("teal".into()),
                Color::Unknown("teal".into())
            ]
        );
        assert_eq!(Color::DarkBlue.as_str(), "dark-blue");
        let from_value = Color::deserialize(serde_json::json!("red")).ok();
        assert_eq!(from_value, Some(Color::Red));
        let shades = [Shade::Light, Shade::from("dark")];
        assert_eq!(
            serde_json::to_string(&shades).ok().as_deref(),
            Some(r#"["light","dark"]"#)
        );
    }

    #[test]
    fn int_enums_keep_unknown_values() {
        let l: Vec<Level> = serde_json::from_str("[1,-2,7]").unwrap_or_default();
        assert_eq!(l, [Level::V1, Level::VMinus2, Level::Unknown(7)]);
        assert_eq!(Level::Unknown(7).value(), 7);
        let steps = [Step::V3, Step::from(4)];
        assert_eq!(serde_json::to_string(&steps).ok().as_deref(), Some("[3,4]"));
    }

    #[test]
    fn the_error_probe_stops_at_a_models_key() {
        assert!(may_be_error_object(
            br#"{"code": 124, "message": "Invalid access token."}"#
        ));
        assert!(may_be_error_object(
            br#" {"message": "m", "errors": [], "code": 300}"#
        ));
        assert!(!may_be_error_object(br#"{"message": "m"}"#));
        assert!(!may_be_error_object(br#"{"code": 1, "next_page_token": "#));
        assert!(!may_be_error_object(b"[1]"));
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
