//! Webhook verification for JS hosts: `zoom_phone::webhook` over plain
//! headers objects and raw bytes, usable from a worker's `Request` and from
//! Node's `http` alike.

use wasm_bindgen::prelude::*;
use zoom_phone::Secret;
use zoom_phone::webhook::WebhookReceiver;

use crate::convert::{self, timestamp};
use crate::error::{self, set, type_error};

fn secrets_from_js(secrets: &JsValue) -> Result<Vec<Secret>, JsValue> {
    if let Some(one) = secrets.as_string() {
        return Ok(vec![Secret::new(one)]);
    }
    if !js_sys::Array::is_array(secrets) {
        return Err(type_error(
            "secrets must be a string or an array of strings",
        ));
    }
    js_sys::Array::from(secrets)
        .iter()
        .map(|s| {
            s.as_string()
                .map(Secret::new)
                .ok_or_else(|| type_error("secrets must be a string or an array of strings"))
        })
        .collect()
}

/// Verifies one webhook request and says how to answer it:
/// `{status, contentType, body, event, payload}` where `body` is the
/// acknowledgement to send now (the URL-validation answer, or empty for an
/// event) and `payload` the verified event (parsed JSON; `null` for URL
/// validation). Throws `WebhookError` (with `status`: the HTTP status to
/// answer with) when the request is not genuine.
#[wasm_bindgen(js_name = handleWebhook, unchecked_return_type = "WebhookResult")]
pub fn handle_webhook(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] raw_body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | string[]")] secrets: JsValue,
    now: f64,
) -> Result<JsValue, JsValue> {
    let headers = convert::headers_from_js(&headers)?;
    let body = match raw_body.as_string() {
        Some(text) => text.into_bytes(),
        None => convert::bytes_from_js(&raw_body)?,
    };
    let receiver = WebhookReceiver::new(secrets_from_js(&secrets)?);
    let received = receiver
        .handle(&headers, &body, timestamp(now)?)
        .map_err(|e| webhook_error(&e))?;
    let out = js_sys::Object::new();
    set(&out, "status", &received.ack.status().as_u16().into());
    let content_type = received
        .ack
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map_or(JsValue::NULL, JsValue::from);
    set(&out, "contentType", &content_type);
    set(
        &out,
        "body",
        &js_sys::Uint8Array::from(received.ack.body().as_slice()).into(),
    );
    set(&out, "event", &received.event.as_str().into());
    let payload = match &received.body {
        Some(bytes) => js_sys::JSON::parse(&String::from_utf8_lossy(bytes))?,
        None => JsValue::NULL,
    };
    set(&out, "payload", &payload);
    Ok(out.into())
}

/// Only checks the signature and timestamp of a webhook request; throws
/// `WebhookError` when it is not genuine.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] raw_body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | string[]")] secrets: JsValue,
    now: f64,
) -> Result<(), JsValue> {
    let headers = convert::headers_from_js(&headers)?;
    let body = match raw_body.as_string() {
        Some(text) => text.into_bytes(),
        None => convert::bytes_from_js(&raw_body)?,
    };
    zoom_phone::webhook::verify(
        &headers,
        &body,
        &secrets_from_js(&secrets)?,
        timestamp(now)?,
        zoom_phone::webhook::DEFAULT_WINDOW,
    )
    .map_err(|e| webhook_error(&e))
}

/// A webhook refusal carries the status to answer with.
fn webhook_error(e: &zoom_phone::webhook::WebhookError) -> JsValue {
    let status = e.http_status();
    let js = error::to_js(&e.clone().into());
    if let Some(object) = js.dyn_ref::<js_sys::Object>() {
        set(object, "status", &status.into());
    }
    js
}
