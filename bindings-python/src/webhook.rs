//! Webhook verification for Python receivers (any framework): the core's
//! `WebhookReceiver` over headers, raw body and secrets.

use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PySequence, PyString};
use zoom_phone::webhook::WebhookReceiver;
use zoom_phone::{Secret, Timestamp};

use crate::{convert, errors};

/// One `str` is one secret; a sequence of `str` (old and new during a
/// rotation) is several. A `str` is itself a sequence of one-character
/// strings, so iterating it would make each of its characters a key that
/// verifies: it is taken whole, before any sequence handling.
fn secrets_from_py(secrets: &Bound<'_, PyAny>) -> PyResult<Vec<Secret>> {
    if let Ok(one) = secrets.cast::<PyString>() {
        return Ok(vec![secret_from_py(one)?]);
    }
    let not_secrets = || {
        PyTypeError::new_err(format!(
            "secrets must be a str or a sequence of str, not {}",
            convert::type_name(secrets)
        ))
    };
    if secrets.is_instance_of::<PyBytes>() || secrets.is_instance_of::<PyByteArray>() {
        return Err(not_secrets());
    }
    let sequence = secrets.cast::<PySequence>().map_err(|_| not_secrets())?;
    sequence
        .try_iter()?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            let text = item.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "secrets[{i}] must be a str, not {}",
                    convert::type_name(&item)
                ))
            })?;
            secret_from_py(text)
        })
        .collect()
}

fn secret_from_py(text: &Bound<'_, PyString>) -> PyResult<Secret> {
    // The message never quotes the value: it is a secret.
    text.to_cow()
        .map(|t| Secret::new(t.into_owned()))
        .map_err(|_| PyValueError::new_err("a webhook secret is not valid Unicode text"))
}

/// Verifies a webhook request and decides the answer. Returns a dict:
/// `event` (name), `payload` (the parsed body, `None` for URL validation),
/// `status`, `headers` and `body` (bytes) of the response to send.
/// Raises `WebhookVerificationError` for anything not genuine.
#[pyfunction]
#[pyo3(signature = (headers, body, secrets, now_ms, *, window_secs = None))]
pub fn handle_webhook<'py>(
    py: Python<'py>,
    headers: &Bound<'py, PyAny>,
    body: &Bound<'py, PyBytes>,
    secrets: &Bound<'py, PyAny>,
    now_ms: u64,
    window_secs: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let window = match window_secs {
        Some(value) => window_from_py(py, value)?,
        None => Duration::from_secs(300),
    };
    let headers = convert::headers_from_py(headers)?;
    let secrets = secrets_from_py(secrets)?;
    let receiver = WebhookReceiver::new(secrets).with_window(window);
    let raw = body.as_bytes();
    let received = receiver
        .handle(&headers, raw, Timestamp::from_millis(now_ms))
        .map_err(|e| errors::to_py(py, &e.into()))?;
    let out = PyDict::new(py);
    out.set_item("event", &received.event)?;
    match &received.body {
        Some(bytes) => {
            let value: serde_json::Value =
                py.detach(|| serde_json::from_slice(bytes)).map_err(|e| {
                    let err = zoom_phone::webhook::WebhookError::MalformedBody {
                        problem: e.to_string(),
                    };
                    errors::to_py(py, &err.into())
                })?;
            out.set_item("payload", convert::json_to_py(py, &value)?)?;
        }
        None => out.set_item("payload", py.None())?,
    }
    out.set_item("status", received.ack.status().as_u16())?;
    let ack_headers = PyDict::new(py);
    for (name, value) in received.ack.headers() {
        ack_headers.set_item(name.as_str(), String::from_utf8_lossy(value.as_bytes()))?;
    }
    out.set_item("headers", ack_headers)?;
    out.set_item("body", PyBytes::new(py, received.ack.body()))?;
    Ok(out)
}

/// The replay window: whole seconds, 0 to a day. A negative, fractional or
/// huge value (or a bool) is the caller's mistake, so a `BuildError` naming
/// it rather than a builtin `OverflowError` from the conversion.
fn window_from_py(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    const MAX_SECS: u64 = 86_400;
    let secs = if value.is_instance_of::<pyo3::types::PyBool>() {
        None
    } else {
        value.extract::<i128>().ok()
    };
    match secs {
        Some(s) if (0..=i128::from(MAX_SECS)).contains(&s) => {
            Ok(Duration::from_secs(u64::try_from(s).unwrap_or(MAX_SECS)))
        }
        _ => Err(errors::build(
            py,
            "invalid_parameter",
            format!("`window_secs` must be a whole number of seconds from 0 to {MAX_SECS}"),
        )),
    }
}
