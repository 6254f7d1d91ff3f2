//! `Session` and `Pager`: the core's call driver and page walker as JS
//! classes. The JS layer (bindings-wasm/js/client.js) is a small interpreter
//! of the actions; every decision is the core's.
//!
//! Steps cross as one JSON text each (one string, parsed by `JSON.parse` in
//! JS): cheaper than building objects field by field through the boundary.
//! Outcomes come in through one method per kind, each a single
//! `Session::handle`. A call with a valid token is `start` then `respond`:
//! two crossings.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;
use zoom_phone::auth::TokenSet;
use zoom_phone::catalog::RateLimitCategory;
use zoom_phone::config::HostConfig;
use zoom_phone::driver::{
    self, Action, CallId, CallOptions, CallRequest, Cancelled, Outcome, Step,
};
use zoom_phone::error::TransportFailure;
use zoom_phone::paginate::Pager as CorePager;
use zoom_phone::ratelimit::{LimitType, RateLimitInfo};
use zoom_phone::response::{RawBody, Reply};
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Timestamp};

use crate::convert::{self, timestamp};
use crate::error::{self, type_error};

/// One client's session: its token, limiter and retry schedule.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Session {
    inner: driver::Session,
    /// The body of the last `send` whose body is not UTF-8 (uploads), for
    /// `takeBody`; UTF-8 bodies travel inside the step's JSON.
    binary_body: Option<Vec<u8>>,
}

#[wasm_bindgen]
impl Session {
    /// A session from the client's options, as the core's `HostConfig`
    /// reads them (camelCase accepted). Throws the core's `build` error
    /// (code `invalid_config`) naming a bad or unknown option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] config: JsValue,
    ) -> Result<Session, JsValue> {
        let value = convert::json_from_js(&config, "config")?;
        let config = HostConfig::from_json(&value).map_err(|e| error::to_js(&Error::from(e)))?;
        let inner = driver::Session::new(config).map_err(|e| error::to_js(&e))?;
        Ok(Session {
            inner,
            binary_body: None,
        })
    }

    /// Starts a call of an operation; the step's JSON (its `id` included).
    pub fn start(
        &mut self,
        operation: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        options: JsValue,
        now: f64,
    ) -> Result<String, JsValue> {
        let params = convert::params_from_js(&params)?;
        self.begin(CallRequest::operation(operation, params), &options, now)
    }

    /// Starts a download of a `download_url`.
    pub fn download(
        &mut self,
        url: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        options: JsValue,
        now: f64,
    ) -> Result<String, JsValue> {
        self.begin(CallRequest::download(url), &options, now)
    }

    /// The answer to a `send`: its status, the headers the core reads
    /// (`name\nvalue\n...`, see `headersRead`), and the body.
    pub fn respond(
        &mut self,
        id: f64,
        status: u16,
        headers: &str,
        body: Vec<u8>,
        now: f64,
    ) -> Result<String, JsValue> {
        let response = response_from(status, headers, body)?;
        self.handle(id, Outcome::Response(response), now)
    }

    /// A `send` that got no answer: `kind` is `connect`, `reset`, `timeout`
    /// or `other`; `message` the platform's description and cause.
    pub fn fail(
        &mut self,
        id: f64,
        kind: &str,
        message: &str,
        now: f64,
    ) -> Result<String, JsValue> {
        let kind = match kind {
            "connect" => TransportErrorKind::Connect,
            "reset" => TransportErrorKind::Reset,
            "timeout" => TransportErrorKind::Timeout,
            _ => TransportErrorKind::Other,
        };
        self.handle(
            id,
            Outcome::Failed(TransportFailure::new(kind, message)),
            now,
        )
    }

    /// An outcome without data: `too_large`, `locked`, `written`,
    /// `unlocked`, `woken` or `expired`.
    pub fn report(&mut self, id: f64, outcome: &str, now: f64) -> Result<String, JsValue> {
        let outcome = match outcome {
            "too_large" => Outcome::TooLarge,
            "locked" => Outcome::Locked,
            "written" => Outcome::Written,
            "unlocked" => Outcome::Unlocked,
            "woken" => Outcome::Woken,
            "expired" => Outcome::Expired,
            other => return Err(type_error(&format!("unknown outcome `{other}`"))),
        };
        self.handle(id, outcome, now)
    }

    /// The token source's answer (a string or `{accessToken, expiresIn, ...}`),
    /// or `error`: why it failed ("VaultError: sealed").
    pub fn token(
        &mut self,
        id: f64,
        #[wasm_bindgen(unchecked_param_type = "unknown")] answer: JsValue,
        error: Option<String>,
        now: f64,
    ) -> Result<String, JsValue> {
        let at = timestamp(now)?;
        let result = match error {
            Some(e) => Err(e),
            None => match convert::json_from_js(&answer, "the token source's answer") {
                Ok(value) => TokenSet::from_source_answer(&value, at),
                Err(_) => Err("the token source's answer is not JSON data".to_owned()),
            },
        };
        self.handle(id, Outcome::Token(result), now)
    }

    /// What the token store holds: its JSON text, or `null` for nothing.
    pub fn stored(&mut self, id: f64, tokens: Option<String>, now: f64) -> Result<String, JsValue> {
        let outcome = match tokens {
            None => Outcome::Stored(None),
            Some(text) => match TokenSet::from_store_json(text.as_bytes()) {
                Ok(t) => Outcome::Stored(Some(t)),
                Err(e) => Outcome::StoreFailed(format!("the stored tokens cannot be read: {e}")),
            },
        };
        self.handle(id, outcome, now)
    }

    /// A store action that failed (the store's own description).
    #[wasm_bindgen(js_name = storeFailed)]
    pub fn store_failed(&mut self, id: f64, message: &str, now: f64) -> Result<String, JsValue> {
        self.handle(id, Outcome::StoreFailed(message.to_owned()), now)
    }

    /// The caller gave up: `{"cancelled": "gone"|"finishing"}`, or a step to
    /// perform in the background with `"cancelled": "perform"`.
    pub fn cancel(&mut self, id: f64, now: f64) -> Result<String, JsValue> {
        let cancelled = self.inner.cancel(call_id(id)?, timestamp(now)?);
        Ok(match cancelled {
            Cancelled::Gone => r#"{"cancelled":"gone"}"#.to_owned(),
            Cancelled::Finishing => r#"{"cancelled":"finishing"}"#.to_owned(),
            Cancelled::Perform(step) => {
                let mut v = self.step_json(None, *step);
                v["cancelled"] = json!("perform");
                v.to_string()
            }
        })
    }

    /// The host cannot finish the call's detached action: the action to
    /// perform still (releasing the store lock), as JSON, or `null`.
    pub fn abandon(&mut self, id: f64, now: f64) -> Result<Option<String>, JsValue> {
        let action = self.inner.abandon(call_id(id)?, timestamp(now)?);
        Ok(action.map(|a| self.action_json(a).to_string()))
    }

    /// The body of the last `send` whose step said `binaryBody`.
    #[wasm_bindgen(js_name = takeBody)]
    pub fn take_body(&mut self) -> Option<Vec<u8>> {
        self.binary_body.take()
    }

    /// How many times start/handle/cancel/abandon crossed into the core.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.entries() as f64
    }

    /// Calls in progress.
    #[wasm_bindgen(getter, js_name = activeCalls)]
    pub fn active_calls(&self) -> usize {
        self.inner.active_calls()
    }
}

impl Session {
    fn begin(&mut self, call: CallRequest, options: &JsValue, now: f64) -> Result<String, JsValue> {
        let now = timestamp(now)?;
        let options = if options.is_undefined() || options.is_null() {
            Ok(CallOptions::default())
        } else {
            convert::json_from_js(options, "options")
                .and_then(|v| CallOptions::from_json(&v).map_err(|e| error::to_js(&e)))
        };
        match options {
            Ok(options) => {
                let (id, step) = self.inner.start(call.with_options(options), now);
                Ok(self.step_text(Some(id), step))
            }
            // Bad options end the call before it has an id.
            Err(e) => Err(e),
        }
    }

    fn handle(&mut self, id: f64, outcome: Outcome, now: f64) -> Result<String, JsValue> {
        let step = self.inner.handle(call_id(id)?, outcome, timestamp(now)?);
        Ok(self.step_text(None, step))
    }

    fn step_json(&mut self, id: Option<CallId>, step: Step) -> Value {
        serde_json::from_str(&self.step_text(id, step)).unwrap_or(Value::Null)
    }

    /// The step as the JSON text JS parses: written straight from borrowed
    /// fields (no `Value` tree), since this is on every call's path.
    fn step_text(&mut self, id: Option<CallId>, step: Step) -> String {
        let events: Vec<Value> = step.events.iter().map(driver::Event::to_json).collect();
        let extra = Extra {
            id: id.map(|c| c.0),
            wake: step.wake,
            events: &events,
            expires_at_ms: step.action.expires_at().map(Timestamp::as_millis),
        };
        let text = match step.action {
            Action::Send(send) => {
                let (parts, body) = send.request.into_parts();
                let (body, binary_body) = match String::from_utf8(body) {
                    Ok(text) if text.is_empty() => (None, false),
                    Ok(text) => (Some(text), false),
                    Err(e) => {
                        self.binary_body = Some(e.into_bytes());
                        (None, true)
                    }
                };
                serde_json::to_string(&SendJson {
                    kind: "send",
                    method: parts.method.as_str(),
                    url: parts.uri.to_string(),
                    headers: Headers(&parts.headers),
                    body: body.as_deref(),
                    binary_body,
                    body_limit: send.body_limit,
                    timeout_ms: u64::try_from(send.timeout.as_millis()).unwrap_or(u64::MAX),
                    detached: send.detached,
                    extra,
                })
            }
            Action::Done(Ok(reply)) => serde_json::to_string(&ReplyJson::new(&reply, extra)),
            other => {
                let mut v = self.action_json(other);
                if let (Value::Object(map), Value::Object(more)) = (&mut v, json!(extra)) {
                    map.extend(more);
                }
                Ok(v.to_string())
            }
        };
        // Serializing plain strings and numbers cannot fail.
        text.unwrap_or_default()
    }

    fn action_json(&mut self, action: Action) -> Value {
        let expires = action.expires_at().map(Timestamp::as_millis);
        let mut v = match action {
            Action::Send(send) => {
                let (parts, body) = send.request.into_parts();
                let mut headers = Map::new();
                for (name, value) in &parts.headers {
                    let value = String::from_utf8_lossy(value.as_bytes());
                    match headers.get_mut(name.as_str()) {
                        // Repeated names joined as `fetch`'s Headers does.
                        Some(Value::String(s)) => {
                            s.push_str(", ");
                            s.push_str(&value);
                        }
                        _ => {
                            headers.insert(name.as_str().to_owned(), json!(value));
                        }
                    }
                }
                let mut v = json!({
                    "type": "send",
                    "method": parts.method.as_str(),
                    "url": parts.uri.to_string(),
                    "headers": headers,
                    "bodyLimit": send.body_limit as f64,
                    "timeoutMs": u64::try_from(send.timeout.as_millis()).unwrap_or(u64::MAX) as f64,
                    "detached": send.detached,
                });
                if !body.is_empty() {
                    match String::from_utf8(body) {
                        Ok(text) => v["body"] = json!(text),
                        Err(e) => {
                            self.binary_body = Some(e.into_bytes());
                            v["binaryBody"] = json!(true);
                        }
                    }
                }
                v
            }
            Action::FetchToken { .. } => json!({"type": "fetch_token"}),
            Action::LockStore { .. } => json!({"type": "lock_store"}),
            Action::ReadStore { .. } => json!({"type": "read_store"}),
            Action::WriteStore { tokens, .. } => json!({
                "type": "write_store",
                "tokens": serde_json::from_slice::<Value>(&tokens.to_store_json()).unwrap_or(Value::Null),
            }),
            Action::UnlockStore => json!({"type": "unlock_store"}),
            Action::Wait { until } => json!({"type": "wait", "untilMs": until.as_millis()}),
            Action::Done(Ok(reply)) => reply_json(&reply),
            Action::Done(Err(e)) => json!({"type": "done", "error": e.to_json()}),
            other => json!({"type": other.name()}),
        };
        if let Some(at) = expires {
            v["expiresAtMs"] = json!(at);
        }
        v
    }
}

/// What every step may carry besides its action.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extra<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    wake: bool,
    #[serde(skip_serializing_if = "<[Value]>::is_empty")]
    events: &'a [Value],
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at_ms: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    method: &'a str,
    url: String,
    headers: Headers<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    binary_body: bool,
    body_limit: u64,
    timeout_ms: u64,
    detached: bool,
    #[serde(flatten)]
    extra: Extra<'a>,
}

/// Request headers as one JSON object; repeated names joined with ", " as
/// `fetch`'s `Headers` does.
struct Headers<'a>(&'a http::HeaderMap);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.keys_len()))?;
        for name in self.0.keys() {
            let mut values = self.0.get_all(name).iter();
            let first = values.next().map(|v| String::from_utf8_lossy(v.as_bytes()));
            match values.next() {
                None => map.serialize_entry(name.as_str(), &first.unwrap_or_default())?,
                Some(second) => {
                    let mut joined = first.unwrap_or_default().into_owned();
                    for v in std::iter::once(second).chain(values) {
                        joined.push_str(", ");
                        joined.push_str(&String::from_utf8_lossy(v.as_bytes()));
                    }
                    map.serialize_entry(name.as_str(), &joined)?;
                }
            }
        }
        map.end()
    }
}

/// A finished call's answer. The body of `json` and `binary` answers is the
/// bytes the host itself handed to `respond` last, so they do not cross
/// back; a transcript's text does.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplyJson<'a> {
    #[serde(rename = "type")]
    step: &'static str,
    status: u16,
    tracking_id: Option<&'a str>,
    rate_limit: RateLimitJson,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(flatten)]
    extra: Extra<'a>,
}

impl<'a> ReplyJson<'a> {
    fn new(reply: &'a Reply, extra: Extra<'a>) -> Self {
        let (kind, content_type, text) = match &reply.body {
            RawBody::Json(_) => ("json", None, None),
            RawBody::Empty => ("empty", None, None),
            RawBody::Binary { content_type, .. } => ("binary", Some(content_type.as_deref()), None),
            RawBody::Text { content_type, text } => {
                ("text", Some(content_type.as_deref()), Some(text.as_str()))
            }
        };
        ReplyJson {
            step: "done",
            status: reply.status,
            tracking_id: reply.tracking_id.as_deref(),
            rate_limit: RateLimitJson::new(&reply.rate_limit),
            kind,
            content_type,
            location: reply.location.as_deref(),
            text,
            extra,
        }
    }
}

fn reply_json(reply: &Reply) -> Value {
    let extra = Extra {
        id: None,
        wake: false,
        events: &[],
        expires_at_ms: None,
    };
    json!(ReplyJson::new(reply, extra))
}

/// The rate-limit headers of an answer in the documented shape errors use
/// too: `{category, type, limit, remaining}` (absent ones `null`).
#[derive(Serialize)]
struct RateLimitJson {
    category: Option<&'static str>,
    #[serde(rename = "type")]
    limit_type: Option<&'static str>,
    limit: Option<u64>,
    remaining: Option<u64>,
}

impl RateLimitJson {
    fn new(info: &RateLimitInfo) -> Self {
        RateLimitJson {
            category: info.category.map(|c| match c {
                RateLimitCategory::Light => "light",
                RateLimitCategory::Medium => "medium",
                RateLimitCategory::Heavy => "heavy",
                RateLimitCategory::ResourceIntensive => "resource_intensive",
            }),
            limit_type: info.limit_type.map(|t| match t {
                LimitType::Qps => "qps",
                LimitType::Daily => "daily",
            }),
            limit: info.limit,
            remaining: info.remaining,
        }
    }
}

/// The rate-limit headers of an answer as JSON (see [`RateLimitJson`]).
pub(crate) fn rate_limit_json(info: &RateLimitInfo) -> Value {
    json!(RateLimitJson::new(info))
}

/// A response from its status, the headers the core reads (`name\nvalue\n...`)
/// and its body.
fn response_from(
    status: u16,
    headers: &str,
    body: Vec<u8>,
) -> Result<http::Response<Vec<u8>>, JsValue> {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status)
        .map_err(|_| type_error("status must be an HTTP status (100-999)"))?;
    let map = response.headers_mut();
    let mut lines = headers.split('\n');
    while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
        // A header the platform let through but `http` refuses is left out,
        // as if absent: the core treats a malformed one the same.
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            map.append(n, v);
        }
    }
    Ok(response)
}

/// Classifies an answer of an operation without parsing a success body:
/// the reply's JSON (as a `done` step; the host parses a `json` body
/// itself), or a thrown core error (Zoom's error answer, a bad body).
#[wasm_bindgen(js_name = classifyResponse)]
pub fn classify_response(
    operation: &str,
    status: u16,
    headers: &str,
    body: Vec<u8>,
) -> Result<String, JsValue> {
    let op = zoom_phone::operation(operation).ok_or_else(|| {
        let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
        error::to_js(&unknown.into())
    })?;
    let response = response_from(status, headers, body)?;
    let reply = zoom_phone::response::classify(op, response).map_err(|e| error::to_js(&e))?;
    Ok(reply_json(&reply).to_string())
}

fn call_id(id: f64) -> Result<CallId, JsValue> {
    if id.is_finite() && id >= 0.0 && id.fract() == 0.0 {
        Ok(CallId(id as u64))
    } else {
        Err(type_error("a call id is a non-negative integer"))
    }
}

/// The headers the core reads of a response, so the host passes only those.
#[wasm_bindgen(js_name = headersRead)]
pub fn headers_read() -> Vec<String> {
    zoom_phone::response::HEADERS_READ
        .iter()
        .map(|h| (*h).to_owned())
        .collect()
}

/// The core's `DecodeError` for a JSON body the host's parser refused, as
/// `Error::to_json()`: every host reports the same.
#[wasm_bindgen(js_name = decodeError, unchecked_return_type = "Record<string, unknown>")]
pub fn decode_error(
    operation: &str,
    status: u16,
    #[wasm_bindgen(js_name = trackingId)] tracking_id: Option<String>,
    body: &[u8],
) -> Result<JsValue, JsValue> {
    let e = zoom_phone::response::decode_error(operation, status, tracking_id, body);
    js_sys::JSON::parse(&e.to_json().to_string())
}

/// The pages of one listing: which parameters to call next, and which items
/// of a page the host parsed to hand out.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Pager {
    inner: CorePager,
}

#[wasm_bindgen]
impl Pager {
    /// Throws the core's `build` error for an unknown operation.
    #[wasm_bindgen(constructor)]
    pub fn new(
        operation: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        limit: Option<f64>,
    ) -> Result<Pager, JsValue> {
        let op = zoom_phone::operation(operation).ok_or_else(|| {
            let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
            error::to_js(&unknown.into())
        })?;
        let params = convert::params_from_js(&params)?;
        let mut inner = CorePager::new(op, params);
        if let Some(n) = limit {
            if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
                return Err(type_error("limit must be a non-negative integer"));
            }
            inner = inner.limit(n as u64);
        }
        Ok(Pager { inner })
    }

    /// The next page's parameters, or `null` when the walk is over. Throws
    /// the core's `page_token_expired` error for a stale token.
    #[wasm_bindgen(js_name = nextParams, unchecked_return_type = "Record<string, unknown> | null")]
    pub fn next_params(&mut self, now: f64) -> Result<JsValue, JsValue> {
        match self.inner.next_params(timestamp(now)?) {
            Ok(Some(params)) => convert::json_to_js(&params),
            Ok(None) => Ok(JsValue::NULL),
            Err(e) => Err(error::to_js(&e)),
        }
    }

    /// The field of a page that holds the next page's token.
    #[wasm_bindgen(getter, js_name = tokenField)]
    pub fn token_field(&self) -> Option<String> {
        self.inner.token_field().map(str::to_owned)
    }

    /// The field of a page that holds its items.
    #[wasm_bindgen(getter, js_name = itemsField)]
    pub fn items_field(&self) -> Option<String> {
        self.inner.items_field().map(str::to_owned)
    }

    /// Takes a page the host parsed (its next-page token and how many items
    /// it has); `[start, end]`: the items to hand out.
    #[wasm_bindgen(js_name = acceptPage)]
    pub fn accept_page(
        &mut self,
        token: Option<String>,
        items: u32,
        now: f64,
    ) -> Result<Vec<u32>, JsValue> {
        let range = self
            .inner
            .accept_page(token.as_deref(), items as usize, timestamp(now)?);
        Ok(vec![range.start as u32, range.end as u32])
    }
}
