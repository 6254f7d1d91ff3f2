//! Parsing HTTP responses into results or typed errors.
//!
//! [`parse`] turns an `http::Response<Vec<u8>>` of an operation into an
//! [`Output`] (status, Zoom's tracking id, rate-limit headers and a [`Body`]
//! shaped by the operation's [`ResponseKind`]) or an [`Error`]:
//! - any status that is not a success, and also a 2xx whose JSON body is
//!   exactly Zoom's error object (`code` + `message`, optionally `errors`,
//!   nothing else), is an [`ApiError`];
//! - a success body that is not the JSON the operation promises (truncated,
//!   HTML from a proxy) is a [`DecodeError`].
//!
//! Both keep the evidence: the operation id, the tracking id and, where the
//! body is not Zoom's JSON, a snippet of at most [`SNIPPET_LIMIT`] bytes.
//!
//! A 3xx with a `Location` answers the redirect operation (transcript
//! download) and also a binary download whose host did not follow Zoom's
//! redirect; a host that follows the redirect itself gets the bytes as
//! [`Body::Binary`].

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::catalog::{Operation, ResponseKind};
use crate::ratelimit::RateLimitInfo;

/// Longest raw-body excerpt an error keeps, in bytes.
pub const SNIPPET_LIMIT: usize = 512;
/// Zoom's per-response tracking header; users quote it to Zoom support.
pub const TRACKING_HEADER: &str = "x-zm-trackingid";

/// The `x-zm-trackingid` of an answer, for Zoom support; `None` when absent
/// or not text.
pub fn tracking_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(TRACKING_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A successful response: status, headers, Zoom's tracking id and
/// rate-limit headers, and the body (`T`: [`Body`] parsed, [`RawBody`] as
/// the driver hands it to hosts, or a typed model).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Output<T = Body> {
    pub status: u16,
    /// The response's headers (bindings may pass only [`HEADERS_READ`]).
    pub headers: http::HeaderMap,
    /// `x-zm-trackingid`, when present.
    pub tracking_id: Option<String>,
    pub rate_limit: RateLimitInfo,
    /// Where a redirect sent the request (the transcript's signed URL, a
    /// recording's download host), if one was followed.
    pub location: Option<String>,
    pub body: T,
}

impl<T> Output<T> {
    /// The same metadata with another body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Output<U> {
        Output {
            status: self.status,
            headers: self.headers,
            tracking_id: self.tracking_id,
            rate_limit: self.rate_limit,
            location: self.location,
            body: f(self.body),
        }
    }

    /// The same metadata with a body computed by a fallible `f`.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Output<U>, E> {
        let body = f(self.body)?;
        Ok(Output {
            status: self.status,
            headers: self.headers,
            tracking_id: self.tracking_id,
            rate_limit: self.rate_limit,
            location: self.location,
            body,
        })
    }
}

/// What a successful response carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    /// No content (204, or an empty success body).
    Empty,
    /// A download: the bytes exactly as received.
    Binary {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
    /// A text download (the transcript's VTT).
    Text {
        content_type: Option<String>,
        text: String,
    },
    /// A 3xx whose `Location` is the result (only from [`parse`] of a
    /// redirect a host did not follow).
    Redirect {
        location: String,
    },
}

/// A success body as the driver hands it to hosts: classified, not parsed.
/// Each host parses [`RawBody::Json`] with its own parser (`serde_json`,
/// `JSON.parse`, `json.loads`), once.
#[derive(Clone, PartialEq)]
pub enum RawBody {
    /// JSON text, not yet parsed (not an error object: that was checked).
    Json(Vec<u8>),
    Empty,
    Binary {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
    Text {
        content_type: Option<String>,
        text: String,
    },
}

impl fmt::Debug for RawBody {
    // Bodies can be megabytes; show their size, not their bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawBody::Json(b) => write!(f, "Json({} bytes)", b.len()),
            RawBody::Empty => f.write_str("Empty"),
            RawBody::Binary {
                content_type,
                bytes,
            } => write!(f, "Binary({} bytes, {content_type:?})", bytes.len()),
            RawBody::Text { content_type, text } => {
                write!(f, "Text({} bytes, {content_type:?})", text.len())
            }
        }
    }
}

/// A classified success, as [`classify`] and the driver give it.
pub type Reply = Output<RawBody>;

/// The headers the core reads from a response. A binding may pass only
/// these across its boundary (each costs a conversion); the host keeps the
/// whole response for its users.
pub const HEADERS_READ: [&str; 9] = [
    "content-type",
    "content-length",
    "location",
    "x-zm-trackingid",
    "retry-after",
    "x-ratelimit-category",
    "x-ratelimit-type",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
];

/// One entry of a Zoom validation error's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct FieldError {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub message: String,
}

impl FieldError {
    /// A field and what is wrong with it.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Zoom answered with an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
#[non_exhaustive]
pub struct ApiError {
    pub status: u16,
    /// Zoom's own error number (`124` invalid token, `1001` user not found, ...);
    /// it does not follow the HTTP status.
    pub code: Option<i64>,
    pub message: Option<String>,
    /// Per-field problems of a validation error.
    pub errors: Vec<FieldError>,
    pub rate_limit: RateLimitInfo,
    pub tracking_id: Option<String>,
    /// The operationId of the call.
    pub operation: String,
    /// The start of the body when it is not Zoom's JSON error object (HTML
    /// from a proxy, XML, text); `None` for an empty body or Zoom's JSON.
    pub snippet: Option<String>,
    /// When the answer arrived, if the driver knows (it resolves
    /// `Retry-After` against it: [`Error::retry_after`]).
    pub received_at: Option<crate::Timestamp>,
}

impl ApiError {
    fn describe(&self) -> String {
        let mut s = format!(
            "Zoom API error in `{}`: HTTP {}",
            self.operation, self.status
        );
        if let Some(code) = self.code {
            s.push_str(&format!(", code {code}"));
        }
        if let Some(message) = &self.message {
            s.push_str(": ");
            s.push_str(message);
        }
        for e in &self.errors {
            s.push_str(&format!("; {}: {}", e.field, e.message));
        }
        if let Some(id) = &self.tracking_id {
            s.push_str(&format!(" (tracking id {id})"));
        }
        s
    }
}

/// A success body that does not match what the operation returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the response of `{operation}` at `{path}`: {message}")]
#[non_exhaustive]
pub struct DecodeError {
    pub operation: String,
    pub status: u16,
    /// JSON path of the failure (`call_queues[3].site.id`); `.` for the root.
    pub path: String,
    pub message: String,
    /// The start of the body (at most [`SNIPPET_LIMIT`] bytes).
    pub snippet: Option<String>,
    pub tracking_id: Option<String>,
}

impl DecodeError {
    /// A decode failure at the root of the body, with no snippet; for hosts
    /// that decode a reply themselves (the fields can grow, so there is no
    /// struct literal outside this crate).
    pub fn new(
        operation: impl Into<String>,
        status: u16,
        message: impl Into<String>,
        tracking_id: Option<String>,
    ) -> Self {
        DecodeError {
            operation: operation.into(),
            status,
            path: ".".to_owned(),
            message: message.into(),
            snippet: None,
            tracking_id,
        }
    }
}

/// Classifies a response of `op` without parsing a success body: a
/// non-success status, or a 2xx whose body is exactly Zoom's error object,
/// is an [`ApiError`]; a success carries its body as [`RawBody`], JSON still
/// text (the caller parses it once, with [`decode_json`] or its own parser).
pub fn classify(op: &Operation, response: http::Response<Vec<u8>>) -> Result<Reply, Error> {
    let (parts, bytes) = response.into_parts();
    let status = parts.status.as_u16();
    let header = |name: http::header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let tracking_id = tracking_id(&parts.headers);
    let rate_limit = RateLimitInfo::from_headers(&parts.headers);
    let content_type = header(http::header::CONTENT_TYPE);
    let meta = Meta {
        operation: &op.id,
        status,
        tracking_id: &tracking_id,
        rate_limit: &rate_limit,
    };
    if !(200..=299).contains(&status) {
        return Err(meta.api_error(&bytes).into());
    }
    let body = success_body(op, &meta, content_type, bytes)?;
    Ok(Output {
        status,
        headers: parts.headers,
        tracking_id,
        rate_limit,
        location: None,
        body,
    })
}

/// Parses a response of `op`: [`classify`], with a JSON body parsed into a
/// [`Value`]. A 3xx with a `Location` answers the download operations (a
/// host that did not follow Zoom's redirect gets [`Body::Redirect`]).
pub fn parse(op: &Operation, response: http::Response<Vec<u8>>) -> Result<Output, Error> {
    let status = response.status().as_u16();
    let redirectable = matches!(op.response, ResponseKind::Redirect | ResponseKind::Binary);
    if (300..=399).contains(&status) && redirectable {
        if let Some(location) = response
            .headers()
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
        {
            let (parts, _) = response.into_parts();
            return Ok(Output {
                status,
                tracking_id: tracking_id(&parts.headers),
                rate_limit: RateLimitInfo::from_headers(&parts.headers),
                headers: parts.headers,
                location: Some(location.clone()),
                body: Body::Redirect { location },
            });
        }
    }
    let reply = classify(op, response)?;
    into_value(&op.id, reply)
}

/// A classified reply with its JSON parsed into a [`Value`].
pub fn into_value(operation: &str, reply: Reply) -> Result<Output, Error> {
    let (status, tracking_id) = (reply.status, reply.tracking_id.clone());
    reply.try_map(|body| {
        Ok(match body {
            RawBody::Json(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => Body::Json(v),
                Err(_) => return Err(decode_error(operation, status, tracking_id, &bytes)),
            },
            RawBody::Empty => Body::Empty,
            RawBody::Binary {
                content_type,
                bytes,
            } => Body::Binary {
                content_type,
                bytes,
            },
            RawBody::Text { content_type, text } => Body::Text { content_type, text },
        })
    })
}

/// The error for a success body a host's JSON parser refused: the core
/// parses it again to word the problem the same way in every host (this
/// is the rare path; the parser's own message is not used).
pub fn decode_error(
    operation: &str,
    status: u16,
    tracking_id: Option<String>,
    bytes: &[u8],
) -> Error {
    let message = match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => "the body is JSON this client could not read".to_owned(),
        Err(e) if e.is_eof() => format!("the JSON body is truncated ({e})"),
        Err(e) => format!("the body is not JSON ({e})"),
    };
    DecodeError {
        operation: operation.to_owned(),
        status,
        path: ".".to_owned(),
        message,
        snippet: snippet(bytes),
        tracking_id,
    }
    .into()
}

/// Deserializes a classified reply's JSON into `T` straight from the bytes
/// ([`crate::decode::decode_json`]: a mismatch names its JSON path). An
/// empty body reads as `null` (so `Option<T>` and `()` work for operations
/// without content).
pub fn decode_json<T: DeserializeOwned>(operation: &str, reply: Reply) -> Result<Output<T>, Error> {
    let (status, tracking_id) = (reply.status, reply.tracking_id.clone());
    reply.try_map(|body| {
        let bytes = match body {
            RawBody::Json(bytes) => bytes,
            RawBody::Empty => b"null".to_vec(),
            RawBody::Binary { .. } | RawBody::Text { .. } => {
                return Err(DecodeError {
                    operation: operation.to_owned(),
                    status,
                    path: ".".to_owned(),
                    message: "the response is not JSON (a download)".to_owned(),
                    snippet: None,
                    tracking_id,
                }
                .into());
            }
        };
        crate::decode::decode_json(operation, status, tracking_id.as_deref(), &bytes)
            .map_err(Error::from)
    })
}

/// Parses a response of `op` and deserializes its JSON body into `T`,
/// reporting the JSON path of a mismatch. An empty success body reads as
/// `null` (so `Option<T>` and `()` work for operations without content).
pub fn parse_json<T: DeserializeOwned>(
    op: &Operation,
    response: http::Response<Vec<u8>>,
) -> Result<Output<T>, Error> {
    decode_json(&op.id, classify(op, response)?)
}

struct Meta<'a> {
    operation: &'a str,
    status: u16,
    tracking_id: &'a Option<String>,
    rate_limit: &'a RateLimitInfo,
}

impl Meta<'_> {
    fn api_error(&self, bytes: &[u8]) -> ApiError {
        let mut error = ApiError {
            status: self.status,
            code: None,
            message: None,
            errors: Vec::new(),
            rate_limit: self.rate_limit.clone(),
            tracking_id: self.tracking_id.clone(),
            operation: self.operation.to_owned(),
            snippet: None,
            received_at: None,
        };
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) if map.contains_key("code") || map.contains_key("message") => {
                error.code = map.get("code").and_then(code_number);
                error.message = map
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                error.errors = map
                    .get("errors")
                    .and_then(|e| serde_json::from_value(e.clone()).ok())
                    .unwrap_or_default();
            }
            // The token endpoint's `{"reason": ..., "error": ...}` shape.
            Ok(Value::Object(map)) if map.contains_key("reason") || map.contains_key("error") => {
                error.message = ["reason", "error_description", "error"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_str))
                    .map(str::to_owned);
                error.snippet = snippet(bytes);
            }
            _ => error.snippet = snippet(bytes),
        }
        error
    }

    fn decode_error(&self, path: &str, message: String, bytes: &[u8]) -> DecodeError {
        DecodeError {
            operation: self.operation.to_owned(),
            status: self.status,
            path: path.to_owned(),
            message,
            snippet: snippet(bytes),
            tracking_id: self.tracking_id.clone(),
        }
    }
}

fn success_body(
    op: &Operation,
    meta: &Meta<'_>,
    content_type: Option<String>,
    bytes: Vec<u8>,
) -> Result<RawBody, Error> {
    let is_json_type = content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    if (is_json_type || matches!(op.response, ResponseKind::Json | ResponseKind::Empty))
        && probe_error_object(&bytes)
    {
        return Err(meta.api_error(&bytes).into());
    }
    match op.response {
        ResponseKind::Binary => Ok(RawBody::Binary {
            content_type,
            bytes,
        }),
        ResponseKind::Redirect => match String::from_utf8(bytes) {
            Ok(text) => Ok(RawBody::Text { content_type, text }),
            Err(e) => Err(meta
                .decode_error(".", "the text is not UTF-8".to_owned(), e.as_bytes())
                .into()),
        },
        ResponseKind::Json | ResponseKind::Empty => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(RawBody::Empty);
            }
            // Content the spec does not promise and that is not JSON: ignore
            // it (such bodies are small; checking them costs nothing).
            if op.response == ResponseKind::Empty
                && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err()
            {
                return Ok(RawBody::Empty);
            }
            Ok(RawBody::Json(bytes))
        }
    }
}

/// Whether a success body is exactly Zoom's error object, at a cost that
/// does not grow with the body: the probe accepts only the keys `code`,
/// `message` and `errors`, so any other body fails at its first other key.
fn probe_error_object(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        code: Value,
        message: Value,
        #[serde(default)]
        errors: Option<Value>,
    }
    if !first_key_may_be_error_field(bytes) {
        return false;
    }
    match serde_json::from_slice::<Probe>(bytes) {
        Ok(p) => code_number(&p.code).is_some() && p.message.is_string(),
        Err(_) => false,
    }
}

/// Whether a body could still be the error object after its first key: an
/// object whose first key is `code`, `message` or `errors` (or is escaped,
/// for serde to read). Every success body is refused here, before serde,
/// whose refusal of the first unknown key formats an error message on
/// every call. `false` only where the probe would fail too.
fn first_key_may_be_error_field(bytes: &[u8]) -> bool {
    let skip = |b: &[u8]| -> usize { b.iter().take_while(|c| c.is_ascii_whitespace()).count() };
    let rest = &bytes[skip(bytes)..];
    let Some(rest) = rest.strip_prefix(b"{") else {
        return false;
    };
    let Some(key) = rest[skip(rest)..].strip_prefix(b"\"") else {
        return false;
    };
    match key.iter().position(|&b| b == b'"' || b == b'\\') {
        Some(end) if key[end] == b'"' => matches!(&key[..end], b"code" | b"message" | b"errors"),
        _ => true,
    }
}

/// Exactly Zoom's error object: an integer `code` and a string `message`,
/// optionally `errors`, nothing else.
pub fn is_error_object(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    map.get("code").and_then(code_number).is_some()
        && map.get("message").is_some_and(Value::is_string)
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "code" | "message" | "errors"))
}

/// Zoom's `code` is a number; tolerate it as a numeric string.
fn code_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// At most [`SNIPPET_LIMIT`] bytes of `bytes` as text, cut on a UTF-8
/// boundary; invalid UTF-8 shows as U+FFFD. `None` for an empty body.
pub fn snippet(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let prefix = bytes.get(..bytes.len().min(SNIPPET_LIMIT)).unwrap_or(bytes);
    let text = match std::str::from_utf8(prefix) {
        Ok(s) => s.to_owned(),
        // Only the last character was cut: drop its partial bytes.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(prefix.get(..e.valid_up_to()).unwrap_or_default()).into_owned()
        }
        Err(_) => String::from_utf8_lossy(prefix).into_owned(),
    };
    let mut end = text.len().min(SNIPPET_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text.get(..end).unwrap_or_default().to_owned())
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(v) => write!(f, "{v}"),
            Body::Empty => f.write_str("(empty)"),
            Body::Binary { bytes, .. } => write!(f, "({} bytes)", bytes.len()),
            Body::Text { text, .. } => write!(f, "({} bytes of text)", text.len()),
            Body::Redirect { location } => write!(f, "(redirect to {location})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_bounded_and_cut_on_char_boundaries() {
        assert_eq!(snippet(b""), None);
        let long = "é".repeat(400); // 800 bytes
        let s = snippet(long.as_bytes()).unwrap();
        assert!(s.len() <= SNIPPET_LIMIT);
        assert_eq!(s, "é".repeat(256));
        let mut odd = vec![b'a'];
        odd.extend_from_slice("é".repeat(300).as_bytes()); // 'a' + 600 bytes
        let s = snippet(&odd).unwrap();
        assert_eq!(s, format!("a{}", "é".repeat(255)));
        assert_eq!(snippet(&[0xff, b'x']).unwrap(), "\u{fffd}x");
    }

    #[test]
    fn the_probe_finds_exactly_the_error_objects_serde_reads() {
        let bodies: [&[u8]; 14] = [
            br#"{"code":124,"message":"Invalid access token."}"#,
            b" \n\t{ \r\n \"message\" : \"m\", \"code\": 300}",
            br#"{"errors":[],"code":"300","message":"m"}"#,
            // An escaped first key is left to serde, which reads it as `code`.
            br#"{"\u0063ode":300,"message":"m"}"#,
            br#"{"id":"us1","code":300,"message":"m"}"#,
            br#"{"code":300,"message":"m","id":"x"}"#,
            br#"{"users":[],"next_page_token":""}"#,
            br#"{"codex":1,"message":"m"}"#,
            br#"{"code":300}"#,
            b"{}",
            b"[]",
            b"",
            b"{",
            br#"{"code"#,
        ];
        for body in bodies {
            let by_value = serde_json::from_slice::<Value>(body).is_ok_and(|v| is_error_object(&v));
            assert_eq!(
                probe_error_object(body),
                by_value,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(probe_error_object(bodies[1]) && probe_error_object(bodies[3]));
    }

    #[test]
    fn error_objects_are_exactly_code_message_errors() {
        assert!(is_error_object(
            &serde_json::json!({"code": 300, "message": "m"})
        ));
        assert!(is_error_object(
            &serde_json::json!({"code": 300, "message": "m", "errors": []})
        ));
        assert!(!is_error_object(
            &serde_json::json!({"code": 300, "message": "m", "id": "x"})
        ));
        assert!(!is_error_object(
            &serde_json::json!({"code": "A1", "message": "m"})
        ));
        assert!(!is_error_object(&serde_json::json!({"message": "m"})));
    }
}
