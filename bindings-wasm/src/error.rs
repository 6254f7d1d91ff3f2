//! Core errors as thrown JavaScript values.

use wasm_bindgen::JsValue;
use zoom_phone::Error;
use zoom_phone::ratelimit::RetryAfter;

use crate::error_info::describe;

/// The JS `Error` thrown for a core error: `name`, `code`, and where known
/// `status`, `zoomCode` and `trackingId`.
pub fn to_js(error: &Error) -> JsValue {
    let info = describe(error);
    let js = js_sys::Error::new(&info.message);
    js.set_name(info.name);
    let object: &js_sys::Object = js.as_ref();
    set(object, "code", &info.code.into());
    if let Some(status) = info.status {
        set(object, "status", &status.into());
    }
    if let Some(code) = info.zoom_code {
        // Zoom's codes are small; f64 holds them exactly.
        set(object, "zoomCode", &(code as f64).into());
    }
    if let Some(id) = info.tracking_id {
        set(object, "trackingId", &id.into());
    }
    match error {
        Error::Api(api) => api_details(object, api),
        Error::DailyLimitExceeded { reset_at: Some(at) } => {
            set(object, "retryAfter", &retry_after_js(RetryAfter::At(*at)))
        }
        _ => {}
    }
    js.into()
}

/// Zoom's per-field `errors`, its message, the rate-limit headers, and
/// `retryAfter` for a 429.
fn api_details(object: &js_sys::Object, api: &zoom_phone::response::ApiError) {
    let errors = js_sys::Array::new();
    for e in &api.errors {
        let entry = js_sys::Object::new();
        set(&entry, "field", &e.field.as_str().into());
        set(&entry, "message", &e.message.as_str().into());
        errors.push(&entry);
    }
    set(object, "errors", &errors.into());
    let rate_limit = serde_json::to_value(&api.rate_limit)
        .ok()
        .and_then(|v| js_sys::JSON::parse(&v.to_string()).ok())
        .unwrap_or(JsValue::NULL);
    set(object, "rateLimit", &rate_limit);
    if let Some(message) = &api.message {
        set(object, "zoomMessage", &message.as_str().into());
    }
    if let Some(after) = api.rate_limit.retry_after {
        set(object, "retryAfter", &retry_after_js(after));
    }
}

/// `{ delayMs }` or `{ at }` (ms since the epoch), as Zoom sent it.
fn retry_after_js(after: RetryAfter) -> JsValue {
    let out = js_sys::Object::new();
    match after {
        RetryAfter::Delay { millis } => set(&out, "delayMs", &(millis as f64).into()),
        RetryAfter::At(t) => set(&out, "at", &(t.as_millis() as f64).into()),
    }
    out.into()
}

/// A JS `TypeError` for an argument of the wrong shape (not a core error:
/// the host passed something the API does not accept).
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

pub(crate) fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    // Reflect.set only fails on frozen objects or throwing setters; these
    // objects are fresh and plain.
    let _ = js_sys::Reflect::set(object, &key.into(), value);
}
