//! Python objects to and from JSON values, without a second JSON parse in
//! Python: dicts, lists, str, int, float, bool and None map one to one.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};

/// Deeper than any Zoom body; stops a self-containing list from recursing
/// until the stack overflows.
const MAX_DEPTH: usize = 128;

/// A Python value as JSON. `path` in errors names where the bad value sits
/// (`params.body.members[2]`).
pub fn py_to_json(value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    to_json(value, "params", 0)
}

fn to_json(value: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "{path}: nested deeper than {MAX_DEPTH} levels"
        )));
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
        return Err(PyValueError::new_err(format!(
            "{path}: integer out of the 64-bit range"
        )));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| {
                PyValueError::new_err(format!("{path}: NaN and infinity are not JSON"))
            });
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in dict.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!("{path}: keys must be str, not {}", type_name(&k)))
            })?;
            let key = key.to_cow()?.into_owned();
            let child = to_json(&v, &format!("{path}.{key}"), depth + 1)?;
            map.insert(key, child);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{path}: {} is not a JSON value (use dict, list, str, int, float, bool or None)",
        type_name(value)
    )))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
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

/// `{"status", "tracking_id", "rate_limit", "kind", "body", ...}`.
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
        Body::Redirect { location } => {
            out.set_item("kind", "redirect")?;
            out.set_item("body", py.None())?;
            out.set_item("location", location)?;
        }
    }
    Ok(out)
}
