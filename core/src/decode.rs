//! Decoding a JSON success body into a model, straight from the bytes, and
//! explaining a mismatch by its JSON path without a second, generic pass:
//! one non-generic scan of the bytes up to where serde_json stopped. Every
//! model (typed operations, a user's own types) shares this code.

use serde::de::DeserializeOwned;

use crate::response::{self, DecodeError};

/// Decodes the JSON success body of `operation` into `T`, straight from the
/// bytes: what a host calls once it knows the response is a success and not
/// Zoom's error object (the driver's classification). A body of only
/// whitespace reads as `null`, so `Option<T>` and `()` fit operations that
/// answer nothing.
///
/// On a mismatch the [`DecodeError`] names the JSON path
/// (`call_queues[1].extension_number`); on a body that is not JSON it keeps
/// a snippet of it. `status` and `tracking_id` go into the error as the
/// response's evidence.
///
/// ```
/// # #[cfg(feature = "typed-call-queues")] {
/// use zoom_phone::ops::call_queues::ListCallQueuesResponse;
/// use zoom_phone::typed::decode_json;
///
/// let body = br#"{"call_queues": [{"id": "cq1", "extension_number": 100}]}"#;
/// let page: ListCallQueuesResponse = decode_json("listCallQueues", 200, None, body)?;
/// assert_eq!(page.call_queues.map(|q| q.len()), Some(1));
///
/// let bad = br#"{"call_queues": [{"id": "cq1"}, {"id": 2}]}"#;
/// let err = decode_json::<ListCallQueuesResponse>("listCallQueues", 200, Some("t-1"), bad)
///     .unwrap_err();
/// assert_eq!(err.path, "call_queues[1].id");
/// assert_eq!(err.tracking_id.as_deref(), Some("t-1"));
/// # }
/// # Ok::<(), Box<zoom_phone::response::DecodeError>>(())
/// ```
pub fn decode_json<T: DeserializeOwned>(
    operation: &str,
    status: u16,
    tracking_id: Option<&str>,
    bytes: &[u8],
) -> Result<T, Box<DecodeError>> {
    let input: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(input)
        .map_err(|e| Box::new(explain(operation, status, tracking_id, bytes, &e)))
}

/// The [`DecodeError`] of a failed decode: the same code for every model.
fn explain(
    operation: &str,
    status: u16,
    tracking_id: Option<&str>,
    bytes: &[u8],
    error: &serde_json::Error,
) -> DecodeError {
    use serde_json::error::Category;
    let (path, message, snippet) = match error.classify() {
        Category::Eof => (
            ".".to_owned(),
            format!("the JSON body is truncated ({error})"),
            response::snippet(bytes),
        ),
        Category::Syntax | Category::Io => (
            ".".to_owned(),
            format!("the body is not JSON ({error})"),
            response::snippet(bytes),
        ),
        Category::Data => {
            let text = error.to_string();
            // serde_json appends where it stopped; the path says it better.
            let message = match text.rfind(" at line ") {
                Some(at) if error.line() > 0 => text.get(..at).unwrap_or(&text).to_owned(),
                _ => text,
            };
            // serde_json reports a wrong value just after it (or at its
            // opening bracket), and a missing field just after its object's
            // closing brace: either way the scan ends on the value at fault.
            let offset = byte_offset(bytes, error.line(), error.column());
            (
                json_path(bytes.get(..offset).unwrap_or(bytes)),
                message,
                None,
            )
        }
    };
    DecodeError {
        operation: operation.to_owned(),
        status,
        path,
        message,
        snippet,
        tracking_id: tracking_id.map(str::to_owned),
    }
}

/// The index of serde_json's (1-based line, 0-based byte column) in `bytes`.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column).min(bytes.len())
}

/// The JSON path (`a[3].b`, `.` for the root) where `prefix`, the start of
/// a JSON document, ends: a scan that tracks the open objects (and their
/// current key) and arrays (and their current index).
fn json_path(prefix: &[u8]) -> String {
    enum Frame {
        Object { key: Option<String>, in_value: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = prefix.get(i) {
        match b {
            b'{' => stack.push(Frame::Object {
                key: None,
                in_value: false,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { in_value, .. }) => *in_value = false,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while let Some(&c) = prefix.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                if let Some(Frame::Object { key, in_value }) = stack.last_mut()
                    && !*in_value
                {
                    let raw = prefix.get(start..=i.min(prefix.len().saturating_sub(1)));
                    *key = raw.and_then(|r| serde_json::from_slice::<String>(r).ok());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => {
                let _ = std::fmt::Write::write_fmt(&mut path, format_args!("[{index}]"));
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_come_from_the_prefix_the_decoder_read() {
        assert_eq!(json_path(br#"{"a": [1, {"b": 2"#), "a[1].b");
        assert_eq!(json_path(br#"{"a": [1, {"b": 2}"#), "a[1]");
        assert_eq!(json_path(br#"{"a,]": "x{", "c": "#), "c");
        assert_eq!(json_path(br#"{"a": {}}"#), ".");
        assert_eq!(json_path(b""), ".");
    }
}
