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
use zoom_phone::auth::{TokenSet, TokenSourceFailure};
use zoom_phone::catalog::RateLimitCategory;
use zoom_phone::config::{ConfigError, HostConfig};
use zoom_phone::date::Date;
use zoom_phone::driver::{
    self, Action, CallId, CallOptions, CallRequest, Cancelled, Outcome, Step,
};
use zoom_phone::error::TransportFailure;
use zoom_phone::fleet::shards::ShardJob as CoreShardJob;
use zoom_phone::fleet::{FleetConfig, SharedOp, SharedReply};
use zoom_phone::paginate::{Pager as CorePager, ResumePoint, Span};
use zoom_phone::ratelimit::{LimitType, RateLimitInfo};
use zoom_phone::response::{RawBody, Reply};
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::sync::{SyncCheckpoint, Syncer as CoreSyncer};
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
    /// The fleet this session is part of, for the sharded jobs it makes.
    fleet: Option<FleetConfig>,
    /// The scripts whose source a `shared` step already carried: the host
    /// keeps them (for `EVAL` after `NOSCRIPT`), so each crosses once.
    scripts_sent: Vec<&'static str>,
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
        let fleet = config.fleet.clone();
        let inner = driver::Session::new(config).map_err(|e| error::to_js(&e))?;
        Ok(Session {
            inner,
            binary_body: None,
            fleet,
            scripts_sent: Vec::new(),
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

    /// An outcome without data: `too_large`, `locked`, `lock_busy`,
    /// `written`, `unlocked`, `woken` or `expired`.
    pub fn report(&mut self, id: f64, outcome: &str, now: f64) -> Result<String, JsValue> {
        let outcome = match outcome {
            "too_large" => Outcome::TooLarge,
            "locked" => Outcome::Locked,
            "lock_busy" => Outcome::LockBusy,
            "written" => Outcome::Written,
            "unlocked" => Outcome::Unlocked,
            "woken" => Outcome::Woken,
            "expired" => Outcome::Expired,
            other => return Err(type_error(&format!("unknown outcome `{other}`"))),
        };
        self.handle(id, outcome, now)
    }

    /// The token source's answer (a string or `{accessToken, expiresIn, ...}`),
    /// or `error`: why it failed (the class of what the source threw: its
    /// message may quote what it handles).
    pub fn token(
        &mut self,
        id: f64,
        #[wasm_bindgen(unchecked_param_type = "unknown")] answer: JsValue,
        error: Option<String>,
        now: f64,
    ) -> Result<String, JsValue> {
        let at = timestamp(now)?;
        let result = match error {
            Some(e) => Err(TokenSourceFailure::new(e)),
            None => match convert::json_from_js(&answer, "the token source's answer") {
                Ok(value) => {
                    TokenSet::from_source_answer(&value, at).map_err(TokenSourceFailure::new)
                }
                Err(_) => Err(TokenSourceFailure::new(
                    "the token source's answer is not JSON data",
                )),
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

    /// What Redis answered to a `shared` step: the reply as JSON text
    /// (`null`, integers, strings, arrays), or `error`: why the command
    /// failed (a Redis error, a timeout, a lost connection).
    pub fn shared(
        &mut self,
        id: f64,
        reply: Option<String>,
        error: Option<String>,
        now: f64,
    ) -> Result<String, JsValue> {
        self.handle(id, Outcome::Shared(shared_reply(reply, error)), now)
    }

    /// A sharded job of this session's fleet over the dates `from..=to`
    /// (`YYYY-MM-DD`), cut into shards of `span` (`{months}` or `{days}`).
    /// Throws the core's `build` error without a fleet or for a bad range.
    #[wasm_bindgen(js_name = shardJob)]
    pub fn shard_job(
        &self,
        job: &str,
        worker: &str,
        from: &str,
        to: &str,
        #[wasm_bindgen(unchecked_param_type = "{ months?: number; days?: number }")] span: JsValue,
    ) -> Result<ShardJob, JsValue> {
        let fleet = self.fleet.as_ref().ok_or_else(|| {
            config_error(
                "fleet",
                "is not configured: sharded jobs need a fleet (the `fleet` option)",
            )
        })?;
        let date = |field: &str, text: &str| {
            Date::parse(text).ok_or_else(|| config_error(field, "must be a date YYYY-MM-DD"))
        };
        let span = span_from(&span)?;
        let inner = CoreShardJob::new(
            fleet,
            job,
            worker,
            date("from", from)?,
            date("to", to)?,
            span,
        )
        .map_err(|e| error::to_js(&e))?;
        Ok(ShardJob { inner })
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
            Action::Shared(op) => {
                let first = !self.scripts_sent.contains(&op.script.name);
                if first {
                    self.scripts_sent.push(op.script.name);
                }
                shared_op_json(&op, first)
            }
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
            category: info.category.map(RateLimitCategory::key),
            limit_type: info.limit_type.map(LimitType::key),
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
        #[wasm_bindgen(unchecked_param_type = "ResumePoint | null | undefined")] resume: JsValue,
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
        if !(resume.is_undefined() || resume.is_null()) {
            let point = convert::json_from_js(&resume, "resume")?;
            let point = ResumePoint::from_json(&point).map_err(|e| error::to_js(&e))?;
            inner = inner.resume_at(point);
        }
        Ok(Pager { inner })
    }

    /// Where to resume the listing later, once `handedOut` items of the
    /// last page's range reached the caller: `{token, issued_at_ms, skip}`,
    /// or `null` when nothing is left.
    #[wasm_bindgen(js_name = resumePoint, unchecked_return_type = "ResumePoint | null")]
    pub fn resume_point(
        &self,
        #[wasm_bindgen(js_name = handedOut)] handed_out: f64,
    ) -> Result<JsValue, JsValue> {
        let handed_out = whole(handed_out, "handedOut")?;
        match self.inner.resume_point(handed_out) {
            Some(point) => convert::json_to_js(&point.to_json()),
            None => Ok(JsValue::NULL),
        }
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

/// A non-negative whole number from JS.
fn whole(n: f64, what: &str) -> Result<u64, JsValue> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 {
        Ok(n as u64)
    } else {
        Err(type_error(&format!(
            "{what} must be a non-negative integer"
        )))
    }
}

fn config_error(field: &str, problem: &str) -> JsValue {
    error::to_js(&Error::from(ConfigError::new(field, problem)))
}

/// A Redis reply (its JSON text) or the failure the host saw, as the core
/// reads them.
fn shared_reply(reply: Option<String>, error: Option<String>) -> Result<SharedReply, String> {
    if let Some(e) = error {
        return Err(e);
    }
    let text = reply.unwrap_or_else(|| "null".to_owned());
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("the Redis reply cannot be read: {e}"))?;
    SharedReply::from_json(&value)
}

/// A script for the host to run: `{script, sha1, keys, args, timeoutMs,
/// detached}`, with its `source` when the host has not been given it yet.
fn shared_op_json(op: &SharedOp, with_source: bool) -> Value {
    let mut v = json!({
        "type": "shared",
        "script": op.script.name,
        "sha1": op.script.sha1(),
        "keys": op.keys,
        "args": op.args,
        "timeoutMs": u64::try_from(op.timeout.as_millis()).unwrap_or(u64::MAX),
        "detached": op.detached,
    });
    if with_source {
        v["source"] = json!(op.script.source);
    }
    v
}

fn span_from(span: &JsValue) -> Result<Span, JsValue> {
    let bad = || {
        config_error(
            "span",
            "must be {months: n} or {days: n} with n from 1 to 1000",
        )
    };
    if span.is_undefined() || span.is_null() {
        return Ok(Span::Months(1));
    }
    let value = convert::json_from_js(span, "span")?;
    let n = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_u64)
            .filter(|n| (1..=1000).contains(n))
            .map(|n| n as u32)
    };
    match value.as_object().map(|m| m.len()) {
        Some(1) => n("months")
            .map(Span::Months)
            .or_else(|| n("days").map(Span::Days))
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// One incremental sync of a sync operation (see `zoom_phone::sync`):
/// which parameters to call next, and where the sync stands after each
/// answer the host parsed.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Syncer {
    inner: CoreSyncer,
}

#[wasm_bindgen]
impl Syncer {
    /// A full sync of `operation` with `params` (never `sync_type` or
    /// `sync_token`: the syncer's), or, from a saved `checkpoint`, only what
    /// changed since. Throws the core's `build` error for an operation that
    /// is not a sync operation or a malformed checkpoint.
    #[wasm_bindgen(constructor)]
    pub fn new(
        operation: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SyncCheckpoint | null | undefined")]
        checkpoint: JsValue,
    ) -> Result<Syncer, JsValue> {
        let op = zoom_phone::operation(operation).ok_or_else(|| {
            let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
            error::to_js(&unknown.into())
        })?;
        let params = convert::params_from_js(&params)?;
        let mut inner = CoreSyncer::new(op, params).map_err(|e| error::to_js(&e))?;
        if !(checkpoint.is_undefined() || checkpoint.is_null()) {
            let value = convert::json_from_js(&checkpoint, "checkpoint")?;
            let at = SyncCheckpoint::from_json(&value).map_err(|e| error::to_js(&e))?;
            inner = inner.resume(at);
        }
        Ok(Syncer { inner })
    }

    /// The next batch: `{params, phase}` (`full`, `backward`,
    /// `incremental`), or `null` when caught up.
    #[wasm_bindgen(
        js_name = nextBatch,
        unchecked_return_type = "{ params: Record<string, unknown>; phase: SyncPhase } | null"
    )]
    pub fn next_batch(&mut self) -> Result<JsValue, JsValue> {
        match self.inner.next_params() {
            Some((params, phase)) => {
                convert::json_to_js(&json!({"params": params, "phase": phase.name()}))
            }
            None => Ok(JsValue::NULL),
        }
    }

    /// Takes the answer to the batch asked for: its `sync_token` and how
    /// many records it held (the items of `recordFields` together).
    pub fn accept(&mut self, token: Option<String>, records: u32) -> String {
        self.inner
            .accept(token.as_deref(), records as usize)
            .name()
            .to_owned()
    }

    /// Where the sync stands: `{forward, backward, backfilled}`, to save.
    #[wasm_bindgen(getter, unchecked_return_type = "SyncCheckpoint")]
    pub fn checkpoint(&self) -> Result<JsValue, JsValue> {
        convert::json_to_js(&self.inner.checkpoint().to_json())
    }

    /// The answer's arrays of records.
    #[wasm_bindgen(getter, js_name = recordFields)]
    pub fn record_fields(&self) -> Vec<String> {
        self.inner.record_fields().to_vec()
    }

    /// The answer's field with the next token.
    #[wasm_bindgen(getter, js_name = tokenField)]
    pub fn token_field(&self) -> String {
        self.inner.token_field().to_owned()
    }

    /// Nothing more to ask for now (a later run resumes from the checkpoint).
    #[wasm_bindgen(getter, js_name = caughtUp)]
    pub fn caught_up(&self) -> bool {
        self.inner.is_caught_up()
    }
}

/// A date range of a listing cut into shards that the workers of a fleet
/// claim one at a time (see `zoom_phone::fleet::shards`). Made by
/// `Session.shardJob`; its Redis scripts are run by the host.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ShardJob {
    inner: CoreShardJob,
}

#[wasm_bindgen]
impl ShardJob {
    /// Registers the job's shards (a no-op once any worker did).
    #[wasm_bindgen(js_name = planOp, unchecked_return_type = "SharedOpJson")]
    pub fn plan_op(&self) -> Result<JsValue, JsValue> {
        convert::json_to_js(&shared_op_json(&self.inner.plan_op(), true))
    }

    /// Claims the next free shard.
    #[wasm_bindgen(js_name = claimOp, unchecked_return_type = "SharedOpJson")]
    pub fn claim_op(&self) -> Result<JsValue, JsValue> {
        convert::json_to_js(&shared_op_json(&self.inner.claim_op(), true))
    }

    /// What the claim answered (its JSON text): `{shard, params, resume}`
    /// (`params`: `base` with the shard's `from`/`to`), or `null` when no
    /// shard is free.
    #[wasm_bindgen(
        unchecked_return_type = "{ shard: string; params: Record<string, unknown>; resume: ResumePoint } | null"
    )]
    pub fn claimed(
        &self,
        reply: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")] base: JsValue,
    ) -> Result<JsValue, JsValue> {
        let reply = shared_reply(Some(reply.to_owned()), None).map_err(|e| type_error(&e))?;
        let base = convert::params_from_js(&base)?;
        match self.inner.claimed(reply).map_err(|e| error::to_js(&e))? {
            Some(claim) => convert::json_to_js(&json!({
                "shard": claim.shard,
                "params": claim.params(&base),
                "resume": claim.resume.to_json(),
            })),
            None => Ok(JsValue::NULL),
        }
    }

    /// Saves where `shard` stands (`null`: it is done) and renews its lease.
    #[wasm_bindgen(js_name = checkpointOp, unchecked_return_type = "SharedOpJson")]
    pub fn checkpoint_op(
        &self,
        shard: &str,
        #[wasm_bindgen(unchecked_param_type = "ResumePoint | null")] point: JsValue,
    ) -> Result<JsValue, JsValue> {
        let point = if point.is_undefined() || point.is_null() {
            None
        } else {
            let value = convert::json_from_js(&point, "resume point")?;
            Some(ResumePoint::from_json(&value).map_err(|e| error::to_js(&e))?)
        };
        convert::json_to_js(&shared_op_json(
            &self.inner.checkpoint_op(shard, point.as_ref()),
            true,
        ))
    }

    /// Whether a checkpoint was saved (the reply's JSON text): `false` when
    /// the lease was lost to another worker (stop working on the shard).
    pub fn checkpointed(reply: &str) -> Result<bool, JsValue> {
        let reply = shared_reply(Some(reply.to_owned()), None).map_err(|e| type_error(&e))?;
        Ok(CoreShardJob::checkpointed(&reply))
    }

    /// The shards' names, in order (`2026-01-01..2026-01-31`).
    #[wasm_bindgen(getter)]
    pub fn shards(&self) -> Vec<String> {
        self.inner.shard_names()
    }
}
