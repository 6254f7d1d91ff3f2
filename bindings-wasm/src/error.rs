//! Core errors as thrown JavaScript values: one conversion, the core's
//! `Error::to_json()` (class, code, message and the evidence), which the JS
//! layer (bindings-wasm/js/errors.js) maps to its class for `class`.

use wasm_bindgen::JsValue;
use zoom_phone::Error;

/// A JS `Error` with the core's message and `details`: `Error::to_json()` as
/// a plain object.
pub fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("ZoomPhoneCoreError");
    let details = js_sys::JSON::parse(&error.to_json().to_string()).unwrap_or(JsValue::NULL);
    set(js.as_ref(), "details", &details);
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
