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

/// A successful response.
#[derive(Debug, Clone, PartialEq)]
pub struct Output<T = Body> {
    pub status: u16,
    /// `x-zm-trackingid`, when present.
    pub tracking_id: Option<String>,
    pub rate_limit: RateLimitInfo,
    pub body: T,
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
    /// A 3xx whose `Location` is the result.
    Redirect {
        location: String,
    },
}

/// One entry of a Zoom validation error's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub message: String,
}

/// Zoom answered with an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
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

/// Parses a response of `op`.
pub fn parse(op: &Operation, response: http::Response<Vec<u8>>) -> Result<Output, Error> {
    let (parts, bytes) = response.into_parts();
    let status = parts.status.as_u16();
    let tracking_id = parts
        .headers
        .get(TRACKING_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let rate_limit = RateLimitInfo::from_headers(&parts.headers);
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let location = parts
        .headers
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let meta = Meta {
        operation: &op.id,
        status,
        tracking_id: &tracking_id,
        rate_limit: &rate_limit,
    };

    let redirectable = matches!(op.response, ResponseKind::Redirect | ResponseKind::Binary);
    let body = match (status, location) {
        (300..=399, Some(location)) if redirectable => Body::Redirect { location },
        (200..=299, _) => success_body(op, &meta, content_type, bytes)?,
        _ => return Err(meta.api_error(&bytes).into()),
    };
    Ok(Output {
        status,
        tracking_id,
        rate_limit,
        body,
    })
}

/// Parses a response of `op` and deserializes its JSON body into `T`,
/// reporting the JSON path of a mismatch. An empty success body reads as
/// `null` (so `Option<T>` and `()` work for operations without content).
pub fn parse_json<T: DeserializeOwned>(
    op: &Operation,
    response: http::Response<Vec<u8>>,
) -> Result<Output<T>, Error> {
    let output = parse(op, response)?;
    let value = match output.body {
        Body::Json(v) => v,
        Body::Empty => Value::Null,
        Body::Binary { .. } | Body::Redirect { .. } => {
            return Err(DecodeError {
                operation: op.id.clone(),
                status: output.status,
                path: ".".to_owned(),
                message: "the response is not JSON (download or redirect)".to_owned(),
                snippet: None,
                tracking_id: output.tracking_id,
            }
            .into());
        }
    };
    let body = from_value(&op.id, value).map_err(|mut e| {
        e.status = output.status;
        e.tracking_id.clone_from(&output.tracking_id);
        Error::from(e)
    })?;
    Ok(Output {
        status: output.status,
        tracking_id: output.tracking_id,
        rate_limit: output.rate_limit,
        body,
    })
}

/// Deserializes a JSON value of `operation`'s response into `T`, naming the
/// JSON path of a mismatch.
pub fn from_value<T: DeserializeOwned>(
    operation: &str,
    value: Value,
) -> Result<T, Box<DecodeError>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        Box::new(DecodeError {
            operation: operation.to_owned(),
            status: 0,
            path,
            message: e.into_inner().to_string(),
            snippet: None,
            tracking_id: None,
        })
    })
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
) -> Result<Body, Error> {
    let is_json_type = content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    match op.response {
        ResponseKind::Binary | ResponseKind::Redirect => {
            // A download that turned out to be Zoom's error object.
            if is_json_type
                && let Ok(v) = serde_json::from_slice::<Value>(&bytes)
                && is_error_object(&v)
            {
                return Err(meta.api_error(&bytes).into());
            }
            Ok(Body::Binary {
                content_type,
                bytes,
            })
        }
        ResponseKind::Json | ResponseKind::Empty => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Body::Empty);
            }
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) if is_error_object(&v) => Err(meta.api_error(&bytes).into()),
                Ok(v) => Ok(Body::Json(v)),
                // Content the spec does not promise and that is not JSON: ignore it.
                Err(_) if op.response == ResponseKind::Empty => Ok(Body::Empty),
                Err(e) => {
                    let message = if e.is_eof() {
                        format!("the JSON body is truncated ({e})")
                    } else {
                        format!("the body is not JSON ({e})")
                    };
                    Err(meta.decode_error(".", message, &bytes).into())
                }
            }
        }
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
