//! Core errors as thrown JavaScript values.

use wasm_bindgen::JsValue;
use zoom_phone::Error;

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
    js.into()
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
