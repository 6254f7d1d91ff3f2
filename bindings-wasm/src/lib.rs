//! JavaScript bindings of the zoom-phone core, published to npm as
//! `zoom-phone`.
//!
//! The exports only translate between JS values and the core's types: every
//! decision (how a request is built, what a response means, which error it
//! is) is the core's. Errors are thrown as JS `Error`s whose `details` is the
//! core's `Error::to_json()` (see `error`). Nothing here panics on input: every
//! conversion returns a `Result` that becomes a thrown error.

mod convert;
mod defaults;
mod error;
mod oauth;
mod session;
mod webhook;

use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::*;

pub use oauth::DeviceFlow;
pub use session::{
    Pager, Session, ShardJob, Syncer, classify_response, decode_error, headers_read,
};
pub use webhook::{handle_webhook, verify_webhook};

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
  /** What the `X-RateLimit-*` headers said. */
  rateLimit: RateLimit;
  kind: "json" | "empty" | "binary" | "text" | "redirect";
  body: unknown;
  contentType?: string | null;
  location?: string;
}

/** The core's error as data (`Error::to_json()`): what every host's error carries. */
export interface CoreErrorJson {
  /** `authentication`, `permission_denied`, `not_found`, `validation`, `conflict`, `rate_limit`,
   * `daily_limit`, `server`, `api`, `transport`, `timeout`, `decode`, `build`, `webhook`,
   * `token_store`, `page_token_expired`, `response_too_large`, `cancelled`, `internal`. */
  class: string;
  code: string;
  message: string;
  operation?: string;
  status?: number;
  zoom_code?: number;
  zoom_message?: string;
  errors?: Array<{ field: string; message: string }>;
  tracking_id?: string;
  rate_limit?: RateLimit;
  retry_after_ms?: number;
  retry_at_ms?: number;
  transport?: { kind: "connect" | "reset" | "timeout" | "other"; target?: string | null };
  limit?: number;
}

/** What an answer's `X-RateLimit-*` headers said (absent ones `null`). */
export interface RateLimit {
  category: "light" | "medium" | "heavy" | "resource_intensive" | null;
  type: "qps" | "daily" | null;
  limit: number | null;
  remaining: number | null;
}

/** A token set as the token store keeps it (snake_case, as the core writes it). */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string | null;
  token_type?: string;
  scopes?: string[];
  /** Milliseconds since the epoch. */
  expires_at?: number | null;
  api_url?: string | null;
}

/** Retry policy; every field optional (defaults: 4 attempts, 2 min, 500 ms base, 30 s cap). */
export interface RetryOptions {
  maxAttempts?: number;
  maxElapsedMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Also retry POST/PATCH after a 5xx or timeout (the write may apply twice). */
  retryNonIdempotent?: boolean;
}

/** One step of the core's driver, as `Session` hands it out (JSON). */
export type DriverStep = (
  | { type: "send"; method: string; url: string; headers: Record<string, string>; body?: string; binaryBody?: true;
      bodyLimit: number; timeoutMs: number; detached: boolean }
  | { type: "fetch_token" | "lock_store" | "read_store" | "unlock_store" }
  | { type: "write_store"; tokens: StoredTokens }
  | { type: "wait"; untilMs: number }
  | SharedOpJson
  | { type: "done"; error: CoreErrorJson }
  | { type: "done"; error?: undefined; status: number; trackingId: string | null; rateLimit: RateLimit;
      kind: "json" | "empty" | "binary" | "text"; contentType?: string | null; location?: string; text?: string }
) & { id?: number; wake?: true; events?: Array<Record<string, unknown>>; expiresAtMs?: number; cancelled?: "perform" };

/** A Redis script the core hands the host to run: `EVALSHA sha1 keys.length ...keys ...args`,
 * `EVAL source ...` after `NOSCRIPT`, within `timeoutMs`. `source` comes once per script. */
export interface SharedOpJson {
  type: "shared";
  script: string;
  sha1: string;
  source?: string;
  keys: string[];
  args: string[];
  timeoutMs: number;
  detached: boolean;
}

/** Where to continue a listing: the token of the page to fetch (`null`: the first page),
 * when Zoom issued it (tokens live 15 minutes), and how many of its items were already handed out. */
export interface ResumePoint {
  token: string | null;
  issued_at_ms: number | null;
  skip: number;
}

/** Which kind of sync a batch came from: the newest records (`full`), older ones until the
 * history is complete (`backward`), then what changed (`incremental`). */
export type SyncPhase = "full" | "backward" | "incremental";

/** Where an incremental sync stands, to save and resume from. */
export interface SyncCheckpoint {
  forward: string | null;
  backward: string | null;
  backfilled: boolean;
}

/** An OAuth app: public PKCE clients have no secret; `redirectUri` for the code flow. */
export interface OAuthApp {
  clientId: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Default `https://zoom.us`. */
  oauthBase?: string;
}

/** A verified webhook request: send `status`/`body` now, process `payload` after. */
export interface WebhookResult {
  status: number;
  contentType: string | null;
  body: Uint8Array;
  event: string;
  /** The verified event; `null` for `endpoint.url_validation`. */
  payload: { event: string; event_ts?: number; payload?: unknown } | null;
}
"#;

/// Panics: the message goes to `console.error` (`panic = "abort"` on wasm
/// turns a panic into an opaque `RuntimeError: unreachable`, and the message
/// is the only evidence of what went wrong), and the instance is scheduled
/// for reinitialization: the next call into the module runs on a fresh
/// instance, so a bug costs the calls in flight, not the process (objects of
/// the old instance throw when used; client.js rebuilds its session). Input
/// never panics by design; this is for the bug we did not foresee.
#[wasm_bindgen(start)]
fn start() {
    // Random, so a fresh instance is told apart from the one it replaced.
    let id = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    INSTANCE_ID.store(id.max(1), Ordering::Relaxed);
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        wasm_bindgen::handler::schedule_reinit();
    }));
}

static INSTANCE_ID: AtomicU32 = AtomicU32::new(0);

/// Which wasm instance is running: it changes when a panic replaced the
/// instance. Objects (sessions, pagers) belong to the instance that made
/// them; the JS layer checks this before touching one, since a stale object
/// used on a fresh instance would point into unrelated memory.
#[wasm_bindgen(js_name = instanceId)]
pub fn instance_id() -> u32 {
    INSTANCE_ID.load(Ordering::Relaxed)
}

/// Panics on purpose, so the package's tests can check the recovery from a
/// panic (nothing else can make this crate panic). Not part of the API.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests, skip_typescript)]
pub fn panic_for_tests() {
    panic!("panic requested by a test of the panic recovery");
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
