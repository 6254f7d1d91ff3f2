//! JS values to and from the core's types.

use wasm_bindgen::JsValue;
use zoom_phone::request::RequestConfig;

use crate::error::{set, type_error};

/// Parameters: a plain object (or `undefined`/`null` for none), read through
/// `JSON.stringify` so JS's own rules apply (`toJSON`, dropped `undefined`s)
/// and a cyclic object or a BigInt is a clean `TypeError` rather than a
/// runaway recursion.
pub fn params_from_js(params: &JsValue) -> Result<serde_json::Value, JsValue> {
    if params.is_undefined() || params.is_null() {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    if !params.is_object() || js_sys::Array::is_array(params) {
        return Err(type_error("params must be a plain object"));
    }
    let text: String = js_sys::JSON::stringify(params)?.into();
    serde_json::from_str(&text)
        .map_err(|e| type_error(&format!("params cannot be read as JSON: {e}")))
}

/// Request configuration: the core's defaults, with any field the host set.
pub fn config_from_js(config: &JsValue) -> Result<RequestConfig, JsValue> {
    let mut out = crate::defaults::request_config("js");
    if config.is_undefined() || config.is_null() {
        return Ok(out);
    }
    if !config.is_object() {
        return Err(type_error("config must be an object"));
    }
    for (key, field) in [
        ("baseUrl", &mut out.base_url),
        ("fileBaseUrl", &mut out.file_base_url),
        ("userAgent", &mut out.user_agent),
    ] {
        let value = js_sys::Reflect::get(config, &key.into())?;
        if value.is_undefined() {
            continue;
        }
        *field = value
            .as_string()
            .ok_or_else(|| type_error(&format!("config.{key} must be a string")))?;
    }
    Ok(out)
}

/// `{ method, url, headers, body }` for `fetch`. Repeated header names are
/// joined with ", " as `fetch`'s `Headers` does.
pub fn request_to_js(request: &http::Request<Vec<u8>>) -> JsValue {
    let out = js_sys::Object::new();
    set(&out, "method", &request.method().as_str().into());
    set(&out, "url", &request.uri().to_string().into());
    let headers = js_sys::Object::new();
    for name in request.headers().keys() {
        let joined = request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        set(&headers, name.as_str(), &joined.into());
    }
    set(&out, "headers", &headers.into());
    let body = if request.body().is_empty() {
        JsValue::NULL
    } else {
        js_sys::Uint8Array::from(request.body().as_slice()).into()
    };
    set(&out, "body", &body);
    out.into()
}
