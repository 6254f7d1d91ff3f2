//! JS values to and from the core's types.

use wasm_bindgen::{JsCast, JsValue};
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

/// Any JS value as JSON data, through `JSON.stringify` (as `params_from_js`);
/// `what` names it in the `TypeError` for a value that is not.
pub fn json_from_js(value: &JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| type_error(&format!("{what} cannot be read as JSON")))?;
    let text: String = text
        .as_string()
        .ok_or_else(|| type_error(&format!("{what} cannot be read as JSON")))?;
    serde_json::from_str(&text)
        .map_err(|e| type_error(&format!("{what} cannot be read as JSON: {e}")))
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
/// Response headers from a plain object of strings (as
/// `Object.fromEntries(response.headers)` gives).
pub fn headers_from_js(headers: &JsValue) -> Result<http::HeaderMap, JsValue> {
    let mut out = http::HeaderMap::new();
    if headers.is_undefined() || headers.is_null() {
        return Ok(out);
    }
    let object = headers
        .dyn_ref::<js_sys::Object>()
        .ok_or_else(|| type_error("headers must be an object of strings"))?;
    for entry in js_sys::Object::entries(object).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair
            .get(1)
            .as_string()
            .ok_or_else(|| type_error(&format!("header `{name}` must be a string")))?;
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| type_error(&format!("`{name}` is not a valid header name")))?;
        let value = http::HeaderValue::from_str(&value)
            .map_err(|_| type_error(&format!("the value of header `{name}` is not valid")))?;
        out.append(name, value);
    }
    Ok(out)
}

/// An HTTP status: an integer from 100 to 999 (wasm-bindgen would silently
/// wrap anything else into a u16).
pub fn status_from_js(status: &JsValue) -> Result<http::StatusCode, JsValue> {
    status
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (100.0..=999.0).contains(s))
        .and_then(|s| http::StatusCode::from_u16(s as u16).ok())
        .ok_or_else(|| type_error("status must be an integer HTTP status (100-999)"))
}

/// A response body: `Uint8Array`, `ArrayBuffer`, or `null`/`undefined` for none.
pub fn bytes_from_js(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    if body.is_undefined() || body.is_null() {
        return Ok(Vec::new());
    }
    if let Some(bytes) = body.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = body.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(buffer).to_vec());
    }
    Err(type_error("body must be a Uint8Array or an ArrayBuffer"))
}

/// A JSON value as a JS value, through `JSON.parse`: one pass, and the
/// result is plain objects and arrays exactly as JSON defines them.
pub fn json_to_js(value: &serde_json::Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&value.to_string())
}

/// `{ status, trackingId, rateLimit, kind, body, contentType?, location? }`.
pub fn output_to_js(output: &zoom_phone::response::Output) -> Result<JsValue, JsValue> {
    use zoom_phone::response::Body;
    let out = js_sys::Object::new();
    set(&out, "status", &output.status.into());
    let tracking = output
        .tracking_id
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from);
    set(&out, "trackingId", &tracking);
    let rate_limit = crate::session::rate_limit_json(&output.rate_limit);
    set(&out, "rateLimit", &json_to_js(&rate_limit)?);
    let (kind, body) = match &output.body {
        Body::Json(value) => ("json", json_to_js(value)?),
        Body::Empty => ("empty", JsValue::NULL),
        Body::Binary {
            content_type,
            bytes,
        } => {
            let ct = content_type.as_deref().map_or(JsValue::NULL, JsValue::from);
            set(&out, "contentType", &ct);
            ("binary", js_sys::Uint8Array::from(bytes.as_slice()).into())
        }
        Body::Text { content_type, text } => {
            let ct = content_type.as_deref().map_or(JsValue::NULL, JsValue::from);
            set(&out, "contentType", &ct);
            ("text", JsValue::from_str(text))
        }
        Body::Redirect { location } => {
            set(&out, "location", &location.into());
            ("redirect", JsValue::NULL)
        }
    };
    set(&out, "kind", &kind.into());
    set(&out, "body", &body);
    Ok(out.into())
}

/// Milliseconds since the epoch from JS (`Date.now()`): a whole-enough,
/// non-negative, safe-integer number.
pub fn timestamp(now: f64) -> Result<zoom_phone::Timestamp, JsValue> {
    if now.is_finite() && (0.0..=9_007_199_254_740_991.0).contains(&now) {
        Ok(zoom_phone::Timestamp::from_millis(now as u64))
    } else {
        Err(type_error("now must be milliseconds since the epoch"))
    }
}
