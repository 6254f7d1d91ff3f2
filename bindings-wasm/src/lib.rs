//! JavaScript bindings of the zoom-phone core, published to npm as
//! `zoom-phone`.
//!
//! The exports only translate between JS values and the core's types: every
//! decision (how a request is built, what a response means, which error it
//! is) is the core's. Errors are thrown as JS `Error`s with `name`, `code`
//! and `status` (see `error_info`). Nothing here panics on input: every
//! conversion returns a `Result` that becomes a thrown error.

mod convert;
mod defaults;
mod error;
mod error_info;

use wasm_bindgen::prelude::*;

pub use error_info::{ErrorInfo, describe};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Path and query parameters by their spec name; the JSON request body under `body`. */
export type Params = Record<string, unknown>;

/** Where requests go and how the SDK identifies itself; every field is optional. */
export interface RequestConfig {
  baseUrl?: string;
  fileBaseUrl?: string;
  userAgent?: string;
}

/** A request ready for `fetch(url, { method, headers, body })`. No `Authorization` header. */
export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** `null` when the request has no body (GET, DELETE...). */
  body: Uint8Array | null;
}

/** A parsed response. `body` is the JSON value (`kind: "json"`), the bytes
 * (`"binary"`), or `null` (`"empty"`, and `"redirect"` whose result is `location`). */
export interface ParsedResponse {
  status: number;
  trackingId: string | null;
  /** What the `X-RateLimit-*` and `Retry-After` headers said (snake_case keys, as the core serializes it). */
  rateLimit: Record<string, unknown>;
  kind: "json" | "empty" | "binary" | "redirect";
  body: unknown;
  contentType?: string | null;
  location?: string;
}

/** What every error thrown by this package carries besides `message`. */
export interface ZoomPhoneError extends Error {
  name: "BuildError" | "ApiError" | "DecodeError" | "OAuthError" | "WebhookError"
    | "TransportError" | "TimeoutError" | "DailyLimitExceededError" | "PageTokenExpiredError"
    | "ZoomPhoneError";
  /** Stable snake_case code, e.g. `unknown_operation`. */
  code: string;
  /** HTTP status of the response that failed, where there was one. */
  status?: number;
  /** Zoom's own error number (`ApiError`), e.g. 1001. */
  zoomCode?: number;
  /** Zoom's `x-zm-trackingid`, for Zoom support. */
  trackingId?: string;
}
"#;

/// Sends panic messages to `console.error`: `panic = "abort"` on wasm turns a
/// panic into an opaque `RuntimeError: unreachable`, and the message is the
/// only evidence of what went wrong. Input never panics by design; this is
/// for the bug we did not foresee.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Every operation of the API as data (the generated catalog).
#[wasm_bindgen(
    unchecked_return_type = "{ spec_version: string; operations: Array<Record<string, unknown>> }"
)]
pub fn catalog() -> Result<JsValue, JsValue> {
    // JSON.parse of the embedded text is one pass and the fastest way to hand
    // a large document to JS.
    js_sys::JSON::parse(zoom_phone::catalog::catalog_json())
}

/// Builds the HTTP request for an operation (Zoom's operationId or its
/// snake_case name). Throws `BuildError` for an unknown operation or bad
/// parameters, `TypeError` for arguments of the wrong shape.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "BuiltRequest")]
pub fn build_request(
    #[wasm_bindgen(js_name = operationId)] operation_id: &str,
    #[wasm_bindgen(unchecked_param_type = "Params | undefined")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestConfig | undefined")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let params = convert::params_from_js(&params)?;
    let config = convert::config_from_js(&config)?;
    let request =
        zoom_phone::request::build(operation_id, &params, &config).map_err(|e| error::to_js(&e))?;
    Ok(convert::request_to_js(&request))
}

/// Reads a response of an operation: the body as the operation returns it,
/// or a thrown `ApiError` (Zoom's error, with `status` and `zoomCode`) or
/// `DecodeError`. `headers` is a plain object, e.g.
/// `Object.fromEntries(response.headers)`.
#[wasm_bindgen(js_name = parseResponse, unchecked_return_type = "ParsedResponse")]
pub fn parse_response(
    #[wasm_bindgen(js_name = operationId)] operation_id: &str,
    #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
    body: JsValue,
) -> Result<JsValue, JsValue> {
    let op = zoom_phone::operation(operation_id).ok_or_else(|| {
        let unknown = zoom_phone::request::BuildError::UnknownOperation(operation_id.to_owned());
        error::to_js(&unknown.into())
    })?;
    let mut response = http::Response::new(convert::bytes_from_js(&body)?);
    *response.status_mut() = convert::status_from_js(&status)?;
    *response.headers_mut() = convert::headers_from_js(&headers)?;
    let output = zoom_phone::response::parse(op, response).map_err(|e| error::to_js(&e))?;
    convert::output_to_js(&output)
}
