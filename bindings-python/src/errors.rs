//! Core errors as instances of the classes in `zoom_phone.exceptions`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoom_phone::Error;
use zoom_phone::ratelimit::RetryAfter;
use zoom_phone::response::ApiError;

use crate::convert;
use crate::error_info::{ErrorInfo, describe};

/// The exception for a core error: the class named by `describe` (an API
/// error narrowed to its subclass by status), with `code`, `status`,
/// `zoom_code` and `tracking_id`, and for API errors `errors`, `rate_limit`
/// and `retry_after` (seconds).
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match instantiate(py, error, &describe(error)) {
        Ok(err) => err,
        // The exceptions module is part of the package; failing to import it
        // means a broken install, and that failure is the better report.
        Err(import_failure) => import_failure,
    }
}

/// The subclass of `ApiError` a caller most likely catches.
fn api_class(e: &ApiError) -> &'static str {
    match (e.status, e.code) {
        (401, _) => "AuthenticationError",
        (403, _) => "PermissionDeniedError",
        (404, _) => "NotFoundError",
        (429, _) => "RateLimitError",
        (400, Some(300)) | (422, _) => "ValidationError",
        _ => "ApiError",
    }
}

fn retry_after_secs(r: &RetryAfter) -> f64 {
    match r {
        RetryAfter::Delay { millis } => *millis as f64 / 1000.0,
        // An absolute time (Zoom's daily reset): seconds from now. Bindings
        // may read the clock; only the core may not.
        RetryAfter::At(t) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as f64)
                .unwrap_or(0.0);
            ((t.as_millis() as f64 - now) / 1000.0).max(0.0)
        }
    }
}

fn instantiate(py: Python<'_>, error: &Error, info: &ErrorInfo) -> PyResult<PyErr> {
    let module = py.import("zoom_phone.exceptions")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", &info.code)?;
    kwargs.set_item("status", info.status)?;
    kwargs.set_item("zoom_code", info.zoom_code)?;
    kwargs.set_item("tracking_id", &info.tracking_id)?;
    let mut name = info.name;
    match error {
        Error::Api(api) => {
            name = api_class(api);
            let errors = serde_json::to_value(&api.errors).unwrap_or_default();
            kwargs.set_item("errors", convert::json_to_py(py, &errors)?)?;
            let rate_limit = serde_json::to_value(&api.rate_limit).unwrap_or_default();
            kwargs.set_item("rate_limit", convert::json_to_py(py, &rate_limit)?)?;
            kwargs.set_item(
                "retry_after",
                api.rate_limit.retry_after.as_ref().map(retry_after_secs),
            )?;
            kwargs.set_item("zoom_message", &api.message)?;
        }
        Error::DailyLimitExceeded { reset_at } => {
            kwargs.set_item(
                "retry_after",
                reset_at
                    .as_ref()
                    .map(|t| retry_after_secs(&RetryAfter::At(*t))),
            )?;
        }
        Error::Webhook(w) => {
            name = "WebhookVerificationError";
            // The status the receiver should answer with.
            kwargs.set_item("status", w.http_status())?;
        }
        _ => {}
    }
    let class = module.getattr(name)?;
    let instance = class.call((&info.message,), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}
