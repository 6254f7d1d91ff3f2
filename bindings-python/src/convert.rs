//! Python objects to and from JSON values, and HTTP parts to and from the
//! shapes httpx takes and gives. A value that cannot become JSON (bytes, a
//! lone surrogate, an integer beyond 64 bits, NaN) is a problem of the
//! caller's input: it is reported as the package's `BuildError`, naming
//! where the value sits (`body.members[2]`), never as a builtin exception.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

/// Deeper than any Zoom body; stops a self-containing list from recursing
/// until the stack overflows.
const MAX_DEPTH: usize = 128;

/// A Python value as JSON, or why not: `(path, problem)`, the path in
/// `a.b[2]` form relative to the value (empty for the value itself).
pub fn to_json(value: &Bound<'_, PyAny>) -> Result<serde_json::Value, (String, String)> {
    to_json_at(value, &mut String::new(), 0)
}

fn to_json_at(
    value: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> Result<serde_json::Value, (String, String)> {
    use serde_json::Value;
    let fail = |path: &str, problem: String| Err((path.to_owned(), problem));
    if depth > MAX_DEPTH {
        return fail(path, format!("is nested deeper than {MAX_DEPTH} levels"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: Python's bool is a subclass of int.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return fail(path, "is an integer beyond the 64-bit range".to_owned());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return match serde_json::Number::from_f64(f.value()) {
            Some(n) => Ok(Value::Number(n)),
            None => fail(
                path,
                "is NaN or infinite, which JSON cannot hold".to_owned(),
            ),
        };
    }
    if let Ok(s) = value.cast::<PyString>() {
        return match s.to_cow() {
            Ok(text) => Ok(Value::String(text.into_owned())),
            Err(_) => fail(
                path,
                "is not valid Unicode text (it holds a lone surrogate)".to_owned(),
            ),
        };
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        let len = path.len();
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return fail(
                    path,
                    format!("has a key of type {}: keys must be str", type_name(&k)),
                );
            };
            let Ok(key) = key.to_cow() else {
                return fail(path, "has a key that is not valid Unicode text".to_owned());
            };
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            let child = to_json_at(&v, path, depth + 1)?;
            path.truncate(len);
            map.insert(key.into_owned(), child);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        let len = path.len();
        let iter = value
            .try_iter()
            .map_err(|_| (path.clone(), "cannot be iterated".to_owned()))?;
        for (i, item) in iter.enumerate() {
            let item = item.map_err(|_| (path.clone(), "cannot be iterated".to_owned()))?;
            path.push_str(&format!("[{i}]"));
            items.push(to_json_at(&item, path, depth + 1)?);
            path.truncate(len);
        }
        return Ok(Value::Array(items));
    }
    fail(
        path,
        format!(
            "is {}, not a JSON value (use dict, list, str, int, float, bool or None)",
            type_name(value)
        ),
    )
}

pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "this value".to_owned())
}

/// A JSON value as Python objects.
pub fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// JSON text (the embedded catalog) as Python objects.
pub fn json_str_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| PyValueError::new_err(format!("invalid JSON: {e}")))?;
    json_to_py(py, &value)
}

/// `{"method", "url", "headers", "body"}` for an HTTP client such as httpx.
/// Repeated header names are joined with ", ".
pub fn request_to_py<'py>(
    py: Python<'py>,
    request: &http::Request<Vec<u8>>,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("method", request.method().as_str())?;
    out.set_item("url", request.uri().to_string())?;
    let headers = PyDict::new(py);
    for name in request.headers().keys() {
        let joined = request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        headers.set_item(name.as_str(), joined)?;
    }
    out.set_item("headers", headers)?;
    if request.body().is_empty() {
        out.set_item("body", py.None())?;
    } else {
        out.set_item("body", PyBytes::new(py, request.body()))?;
    }
    Ok(out)
}

/// An HTTP status from 100 to 999.
pub fn status_from_py(status: u16) -> PyResult<http::StatusCode> {
    http::StatusCode::from_u16(status)
        .map_err(|_| PyValueError::new_err(format!("{status} is not an HTTP status (100-999)")))
}

/// Response headers from any mapping of str to str (a dict, or httpx's
/// `Headers`, whose repeated names arrive joined).
pub fn headers_from_py(headers: &Bound<'_, PyAny>) -> PyResult<http::HeaderMap> {
    let mapping = headers
        .cast::<PyMapping>()
        .map_err(|_| PyTypeError::new_err("headers must be a mapping of str to str"))?;
    let mut out = http::HeaderMap::new();
    for item in mapping.items()?.iter() {
        let (name, value): (String, String) = item
            .extract()
            .map_err(|_| PyTypeError::new_err("headers must be a mapping of str to str"))?;
        let header = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| PyValueError::new_err(format!("`{name}` is not a valid header name")))?;
        let value = http::HeaderValue::from_str(&value).map_err(|_| {
            PyValueError::new_err(format!("the value of header `{name}` is not valid"))
        })?;
        out.append(header, value);
    }
    Ok(out)
}

/// The headers the core reads ([`zoom_phone::response::HEADERS_READ`]) out
/// of httpx's raw list (`response.headers.raw`: `(name, value)` bytes in the
/// server's case); the rest stay on the host's own response object. A dict
/// or other mapping works too (tests, hand-made answers).
pub fn read_headers(headers: &Bound<'_, PyAny>) -> PyResult<http::HeaderMap> {
    let Ok(list) = headers.cast::<PyList>() else {
        let mut all = headers_from_py(headers)?;
        let mut out = http::HeaderMap::new();
        for name in zoom_phone::response::HEADERS_READ {
            for value in all.get_all(name) {
                out.append(name, value.clone());
            }
            all.remove(name);
        }
        return Ok(out);
    };
    let mut out = http::HeaderMap::new();
    for item in list.iter() {
        let pair = item
            .cast::<PyTuple>()
            .map_err(|_| PyTypeError::new_err("raw headers are (bytes, bytes) pairs"))?;
        let name = pair.get_item(0)?;
        let name = name
            .cast::<PyBytes>()
            .map_err(|_| PyTypeError::new_err("raw headers are (bytes, bytes) pairs"))?
            .as_bytes();
        let Some(known) = zoom_phone::response::HEADERS_READ
            .iter()
            .find(|k| k.as_bytes().eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let value = pair.get_item(1)?;
        let value = value
            .cast::<PyBytes>()
            .map_err(|_| PyTypeError::new_err("raw headers are (bytes, bytes) pairs"))?
            .as_bytes();
        // A value that is not a valid header value is left out, as if the
        // server had not sent it (the core reads nothing from it).
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            out.append(*known, value);
        }
    }
    Ok(out)
}

/// `{"status", "tracking_id", "rate_limit", "kind", "body", ...}`: the
/// pure `parse_response` (a JSON body as Python objects).
pub fn output_to_py<'py>(
    py: Python<'py>,
    output: &zoom_phone::response::Output,
) -> PyResult<Bound<'py, PyDict>> {
    use zoom_phone::response::Body;
    let out = PyDict::new(py);
    out.set_item("status", output.status)?;
    out.set_item("tracking_id", &output.tracking_id)?;
    let rate_limit = serde_json::to_value(&output.rate_limit)
        .map_err(|e| PyValueError::new_err(format!("rate-limit headers: {e}")))?;
    out.set_item("rate_limit", json_to_py(py, &rate_limit)?)?;
    match &output.body {
        Body::Json(value) => {
            out.set_item("kind", "json")?;
            out.set_item("body", json_to_py(py, value)?)?;
        }
        Body::Empty => {
            out.set_item("kind", "empty")?;
            out.set_item("body", py.None())?;
        }
        Body::Binary {
            content_type,
            bytes,
        } => {
            out.set_item("kind", "binary")?;
            out.set_item("body", PyBytes::new(py, bytes))?;
            out.set_item("content_type", content_type)?;
        }
        Body::Text { content_type, text } => {
            out.set_item("kind", "text")?;
            out.set_item("body", text)?;
            out.set_item("content_type", content_type)?;
        }
        Body::Redirect { location } => {
            out.set_item("kind", "redirect")?;
            out.set_item("body", py.None())?;
            out.set_item("location", location)?;
        }
    }
    Ok(out)
}
