//! `multipart/form-data` bodies (the fax upload), built from the generic JSON
//! form of a request body.
//!
//! A file part is given as `{"filename": "fax.zip", "content_type":
//! "application/zip", "data_base64": "<standard base64>"}`; `filename`
//! defaults to the field name and `content_type` to
//! `application/octet-stream`. Other fields become text parts (strings as
//! they are, anything else as JSON text).
//!
//! The boundary is derived from the content (FNV-1a hash plus a fixed-width
//! counter), with no clock or RNG, and is checked to be absent from every
//! part; equal inputs give byte-identical bodies.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::catalog::Schema;

/// A part that could not be encoded: the field and the problem (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartError {
    pub field: String,
    pub problem: &'static str,
}

/// The encoded body and its `Content-Type` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Encoded {
    pub content_type: String,
    pub body: Vec<u8>,
}

struct Part {
    headers: String,
    data: Vec<u8>,
}

/// Encodes the fields of `body`; `properties` says which are files.
pub fn encode(
    body: &Map<String, Value>,
    properties: Option<&std::collections::BTreeMap<String, Schema>>,
    path: &str,
) -> Result<Encoded, PartError> {
    let mut parts = Vec::new();
    for (name, value) in body {
        if value.is_null() {
            continue;
        }
        let field = format!("{path}.{name}");
        check_token(name, &field)?;
        let is_file = matches!(properties.and_then(|p| p.get(name)), Some(Schema::File));
        let part = if is_file {
            file_part(name, value, &field)?
        } else {
            let data = match value {
                Value::String(s) => s.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            Part {
                headers: format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
                data,
            }
        };
        parts.push(part);
    }
    let boundary = boundary(&parts);
    let mut out = Vec::new();
    for part in &parts {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part.headers.as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok(Encoded {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: out,
    })
}

fn file_part(name: &str, value: &Value, field: &str) -> Result<Part, PartError> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    let data = text("data_base64").ok_or_else(|| PartError {
        field: format!("{field}.data_base64"),
        problem: "is required",
    })?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| PartError {
            field: format!("{field}.data_base64"),
            problem: "is not valid standard base64",
        })?;
    let filename = text("filename").unwrap_or(name);
    check_token(filename, &format!("{field}.filename"))?;
    let content_type = text("content_type").unwrap_or("application/octet-stream");
    if content_type.is_empty() || content_type.chars().any(|c| c.is_control()) {
        return Err(PartError {
            field: format!("{field}.content_type"),
            problem: "must be a non-empty media type without control characters",
        });
    }
    Ok(Part {
        headers: format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n"
        ),
        data,
    })
}

/// Names and file names go inside a quoted header parameter: a quote or a
/// control character (CR/LF) would let the value forge headers or parts.
fn check_token(value: &str, field: &str) -> Result<(), PartError> {
    if value.is_empty()
        || value
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return Err(PartError {
            field: field.to_owned(),
            problem: "must be non-empty, without quotes, backslashes or control characters",
        });
    }
    Ok(())
}

fn boundary(parts: &[Part]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.headers.as_bytes().iter().chain(&part.data) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    first_absent(hash, parts)
}

fn candidate(hash: u64, counter: u64) -> String {
    format!("zoom-phone-{hash:016x}-{counter:016x}")
}

/// Candidates have one fixed length and differ from one another, so each
/// position of the content can rule out at most one of them: the loop ends
/// after at most (content length + 1) candidates.
fn first_absent(hash: u64, parts: &[Part]) -> String {
    let mut counter: u64 = 0;
    loop {
        let candidate = candidate(hash, counter);
        let taken = parts.iter().any(|p| {
            contains(p.headers.as_bytes(), candidate.as_bytes())
                || contains(&p.data, candidate.as_bytes())
        });
        if !taken {
            return candidate;
        }
        counter = counter.wrapping_add(1);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn file_props() -> BTreeMap<String, Schema> {
        BTreeMap::from([("file".to_owned(), Schema::File)])
    }

    fn encode_file(file: Value) -> Result<Encoded, PartError> {
        let body = json!({ "file": file });
        let Value::Object(map) = body else {
            unreachable!()
        };
        encode(&map, Some(&file_props()), "body")
    }

    #[test]
    fn file_part_carries_name_type_and_decoded_bytes() {
        let e = encode_file(json!({"filename": "fax.zip", "content_type": "application/zip", "data_base64": "UEsDBA=="}))
            .unwrap();
        let boundary = e
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fax.zip\"\r\nContent-Type: application/zip\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(b"PK\x03\x04");
        expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(e.body, expected);
        // Deterministic: the same input gives the same bytes.
        let again = encode_file(json!({"filename": "fax.zip", "content_type": "application/zip", "data_base64": "UEsDBA=="}))
            .unwrap();
        assert_eq!(again, e);
    }

    #[test]
    fn boundary_skips_candidates_found_in_the_content() {
        let data = format!("x{}y{}", candidate(7, 0), candidate(7, 1)).into_bytes();
        let parts = [Part {
            headers: String::new(),
            data,
        }];
        assert_eq!(first_absent(7, &parts), candidate(7, 2));
        assert_eq!(first_absent(8, &parts), candidate(8, 0));
    }

    #[test]
    fn header_injection_and_bad_base64_are_refused_by_field() {
        let e = encode_file(json!({"filename": "a\r\nX-Evil: 1", "data_base64": ""})).unwrap_err();
        assert_eq!(e.field, "body.file.filename");
        let e = encode_file(json!({"filename": "a\".zip", "data_base64": ""})).unwrap_err();
        assert_eq!(e.field, "body.file.filename");
        let e = encode_file(json!({"content_type": "a\nb", "data_base64": ""})).unwrap_err();
        assert_eq!(e.field, "body.file.content_type");
        let e = encode_file(json!({"data_base64": "***"})).unwrap_err();
        assert_eq!(e.field, "body.file.data_base64");
    }
}
