//! Reads Zoom's spec directly with serde_json, so expectations are computed
//! independently of the generator and the catalog.

use serde_json::{Map, Value, json};
use std::path::PathBuf;

/// `$ZOOM_SPEC_DIR`, else `<repo root>/../shared/zoom-spec`.
pub fn spec_dir() -> PathBuf {
    match std::env::var_os("ZOOM_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/zoom-spec"),
    }
}

pub fn api_spec() -> Value {
    let path = spec_dir().join("phone-api.openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set ZOOM_SPEC_DIR)", path.display()));
    serde_json::from_str(&text).expect("spec is JSON")
}

/// One raw operation.
pub struct RawOp<'a> {
    pub path: &'a str,
    pub method: String,
    pub op: &'a Value,
}

impl RawOp<'_> {
    pub fn id(&self) -> &str {
        self.op["operationId"].as_str().expect("operationId")
    }

    pub fn params(&self) -> Vec<&Value> {
        self.op["parameters"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }

    /// (media type, schema) of the request body.
    pub fn body(&self) -> Option<(&str, &Value)> {
        let content = self.op.pointer("/requestBody/content")?.as_object()?;
        let (media, c) = content.iter().next()?;
        Some((media.as_str(), &c["schema"]))
    }

    /// (status, JSON schema) of the one 2xx/3xx response.
    pub fn success(&self) -> (u16, Option<&Value>) {
        let responses = self.op["responses"].as_object().expect("responses");
        let (status, r) = responses
            .iter()
            .find(|(s, _)| s.starts_with('2') || s.starts_with('3'))
            .expect("a success response");
        (
            status.parse().expect("numeric status"),
            r.pointer("/content/application~1json/schema"),
        )
    }
}

pub fn operations(spec: &Value) -> Vec<RawOp<'_>> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            out.push(RawOp {
                path,
                method: method.to_uppercase(),
                op,
            });
        }
    }
    out
}

/// An example value for a raw schema: the spec's example where it has the
/// right type (and, for enums, is allowed), else a made-up one. Objects get
/// every property; `allOf` parts are merged; `oneOf` takes the first variant.
pub fn example(schema: &Value) -> Value {
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(m) = example(part) {
                merged.extend(m);
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, v) in props {
                merged.insert(k.clone(), example(v));
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|v| v.first()) {
        return example(first);
    }
    let ex = &schema["example"];
    let enums = schema["enum"].as_array();
    let allowed = |v: &Value| enums.is_none_or(|e| e.contains(v));
    match schema["type"].as_str() {
        Some("string") => match ex {
            Value::String(s) if !s.is_empty() && allowed(ex) => ex.clone(),
            _ => enums
                .and_then(|e| e.first().cloned())
                .unwrap_or_else(|| json!("example")),
        },
        Some("integer") => match ex {
            Value::Number(n) if n.is_i64() && allowed(ex) => ex.clone(),
            _ => enums
                .and_then(|e| e.first().cloned())
                .unwrap_or_else(|| json!(1)),
        },
        Some("number") => match ex {
            Value::Number(_) => ex.clone(),
            _ => json!(1.5),
        },
        Some("boolean") => match ex {
            Value::Bool(_) => ex.clone(),
            _ => json!(true),
        },
        Some("array") => {
            let item = example(&schema["items"]);
            let fits = |v: &Value| std::mem::discriminant(v) == std::mem::discriminant(&item);
            match ex {
                Value::Array(a) if !a.is_empty() && a.iter().all(fits) => ex.clone(),
                // One item where the array must not repeat one (a validator
                // such as Prism rejects the request otherwise).
                _ if schema["uniqueItems"] == true => json!([item]),
                // Two items, so repeated query keys are exercised.
                _ => json!([item.clone(), item]),
            }
        }
        Some("object") | None if schema.get("properties").is_some() => {
            let mut m = Map::new();
            for (k, v) in schema["properties"].as_object().into_iter().flatten() {
                m.insert(k.clone(), example(v));
            }
            Value::Object(m)
        }
        Some("object") => json!({}),
        _ => {
            if ex.is_null() {
                json!("any")
            } else {
                ex.clone()
            }
        }
    }
}

/// RFC 3986 unreserved characters stay, every other byte is `%XX`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The text a scalar parameter has in a URL.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
