//! Core results as the JSON the vector files hold.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use zoom_phone::Error;
use zoom_phone::response::{Body, Output};

/// `null`, `{"utf8": text}` or `{"base64": ...}`.
pub fn bytes(data: &[u8]) -> Value {
    if data.is_empty() {
        return Value::Null;
    }
    match std::str::from_utf8(data) {
        Ok(text) => json!({ "utf8": text }),
        Err(_) => json!({ "base64": base64::engine::general_purpose::STANDARD.encode(data) }),
    }
}

/// The bytes a body value of the files stands for.
pub fn from_bytes(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Object(m) => match (m.get("utf8"), m.get("base64")) {
            (Some(Value::String(s)), None) => Ok(s.clone().into_bytes()),
            (None, Some(Value::String(s))) => base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| format!("bad base64 body: {e}")),
            _ => Err(format!(
                "a body is null, {{utf8}} or {{base64}}, not {value}"
            )),
        },
        other => Err(format!(
            "a body is null, {{utf8}} or {{base64}}, not {other}"
        )),
    }
}

/// Header names to values, repeated names joined with ", " (as both hosts do).
pub fn headers(map: &http::HeaderMap) -> Value {
    let mut out = Map::new();
    for name in map.keys() {
        let joined = map
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        out.insert(name.as_str().to_owned(), Value::String(joined));
    }
    // Sorted: the order of headers is not part of the contract.
    let mut sorted: Vec<_> = out.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(sorted.into_iter().collect())
}

pub fn request(request: &http::Request<Vec<u8>>) -> Value {
    json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": headers(request.headers()),
        "body": bytes(request.body()),
    })
}

pub fn output(output: &Output) -> Value {
    let mut out = json!({
        "status": output.status,
        "tracking_id": output.tracking_id,
        "rate_limit": serde_json::to_value(&output.rate_limit).unwrap_or(Value::Null),
    });
    let (kind, body) = match &output.body {
        Body::Json(v) => ("json", v.clone()),
        Body::Empty => ("empty", Value::Null),
        Body::Binary {
            content_type,
            bytes: data,
        } => {
            out["content_type"] = json!(content_type);
            ("binary", bytes(data))
        }
        Body::Text { content_type, text } => {
            out["content_type"] = json!(content_type);
            ("text", json!({ "utf8": text }))
        }
        Body::Redirect { location } => {
            out["location"] = json!(location);
            ("redirect", Value::Null)
        }
    };
    out["kind"] = json!(kind);
    out["body"] = body;
    out
}

/// The core's one description of an error (`class`, `code`, `message` and
/// the evidence): what every host must report for it.
pub fn error(error: &Error) -> Value {
    error.to_json()
}

/// `{"ok": ...}` or `{"error": ...}`.
pub fn result(outcome: Result<Value, Error>) -> Value {
    match outcome {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": error(&e) }),
    }
}
