//! `Session`: the core's call driver as a JS class. The JS layer (client.js)
//! runs the host loop around it with `fetch`; every decision stays here.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use zoom_phone::Timestamp;
use zoom_phone::auth::{OAuthConfig, OAuthError, TokenSet};
use zoom_phone::driver::{
    self, Action, AttemptId, AuthConfig, CallId, CallOptions, SessionConfig, TransportError,
};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::paginate::Pager as CorePager;
use zoom_phone::retry::{RetryPolicy, TransportErrorKind};

use crate::convert::{self, timestamp};
use crate::error::{self, set, type_error};

/// How the session gets its tokens (`type` picks the grant).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
enum AuthJs {
    #[serde(rename_all = "camelCase")]
    ServerToServer {
        account_id: String,
        client_id: String,
        client_secret: String,
    },
    #[serde(rename_all = "camelCase")]
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
    #[serde(rename_all = "camelCase")]
    RefreshToken {
        client_id: String,
        client_secret: Option<String>,
        tokens: serde_json::Value,
    },
    #[serde(rename_all = "camelCase")]
    Fixed {
        access_token: String,
    },
    External,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RetryJs {
    max_attempts: Option<u32>,
    max_elapsed_ms: Option<u64>,
    base_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    retry_non_idempotent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJs {
    auth: AuthJs,
    base_url: Option<String>,
    file_base_url: Option<String>,
    user_agent: Option<String>,
    oauth_base: Option<String>,
    #[serde(default)]
    retry: RetryJs,
    /// `"pro"`, `"business"`, or absent/null for no client-side limiting.
    rate_limits: Option<String>,
    #[serde(default)]
    seed: u64,
    /// The host's token store is shared with other clients: renewals
    /// start with `loadTokens`.
    #[serde(default)]
    shared_store: bool,
    max_response_bytes: Option<u64>,
    max_download_bytes: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CallOptionsJs {
    deadline_ms: Option<u64>,
    #[serde(default)]
    retry_non_idempotent: bool,
}

/// A JS object read as JSON into `T`; serde's message names the field.
fn from_js<T: serde::de::DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, JsValue> {
    let json = convert::params_from_js(value)
        .map_err(|_| type_error(&format!("{what} must be a plain object")))?;
    serde_json::from_value(json).map_err(|e| type_error(&format!("{what}: {e}")))
}

fn oauth(client_id: String, secret: Option<String>, base: Option<&str>) -> OAuthConfig {
    let config = match secret {
        Some(s) => OAuthConfig::new(client_id, s),
        None => OAuthConfig::public(client_id),
    };
    match base {
        Some(b) => config.with_oauth_base(b),
        None => config,
    }
}

fn tokens_from_json(value: &serde_json::Value) -> Result<TokenSet, JsValue> {
    let text = match value {
        serde_json::Value::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    };
    TokenSet::from_store_json(&text).map_err(|e| error::to_js(&e.into()))
}

fn session_config(config: ConfigJs) -> Result<SessionConfig, JsValue> {
    let base = config.oauth_base.as_deref();
    let auth = match config.auth {
        AuthJs::ServerToServer {
            account_id,
            client_id,
            client_secret,
        } => {
            let mut c = oauth(client_id, Some(client_secret), base);
            c.account_id = Some(account_id);
            AuthConfig::server_to_server(c)
        }
        AuthJs::ClientCredentials {
            client_id,
            client_secret,
        } => AuthConfig::client_credentials(oauth(client_id, Some(client_secret), base)),
        AuthJs::RefreshToken {
            client_id,
            client_secret,
            tokens,
        } => AuthConfig::refresh_token(
            oauth(client_id, client_secret, base),
            tokens_from_json(&tokens)?,
        ),
        AuthJs::Fixed { access_token } => AuthConfig::fixed(access_token),
        AuthJs::External => AuthConfig::external(),
    };
    let mut auth = auth;
    auth.shared_store = config.shared_store;
    let mut body_limits = driver::BodyLimits::default();
    if let Some(v) = config.max_response_bytes {
        body_limits.api = v;
    }
    if let Some(v) = config.max_download_bytes {
        body_limits.download = v;
    }
    let mut request = crate::defaults::request_config("js");
    if let Some(v) = config.base_url {
        request.base_url = v;
    }
    if let Some(v) = config.file_base_url {
        request.file_base_url = v;
    }
    if let Some(v) = config.user_agent {
        request.user_agent = v;
    }
    let mut retry = RetryPolicy::default();
    let r = config.retry;
    if let Some(v) = r.max_attempts {
        retry.max_attempts = v.max(1);
    }
    let ms = std::time::Duration::from_millis;
    if let Some(v) = r.max_elapsed_ms {
        retry.max_elapsed = ms(v);
    }
    if let Some(v) = r.base_delay_ms {
        retry.base_delay = ms(v);
    }
    if let Some(v) = r.max_delay_ms {
        retry.max_delay = ms(v);
    }
    if let Some(v) = r.retry_non_idempotent {
        retry.retry_non_idempotent = v;
    }
    let limits = match config.rate_limits.as_deref() {
        None | Some("off") => None,
        Some("pro") => Some(PlanLimits::pro()),
        Some("business") => Some(PlanLimits::business()),
        Some(other) => {
            return Err(type_error(&format!(
                "rateLimits must be \"pro\", \"business\" or \"off\", not `{other}`"
            )));
        }
    };
    Ok(SessionConfig {
        request,
        auth,
        retry,
        limits,
        seed: config.seed,
        body_limits,
    })
}

fn id(value: f64, what: &str) -> Result<u64, JsValue> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(type_error(&format!(
            "{what} must be an id handed out by the session"
        )))
    }
}

/// One client's calls, token and rate-limit state: `zoom_phone::driver::Session`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Session {
    inner: driver::Session,
}

#[wasm_bindgen]
impl Session {
    /// Throws `TypeError` for a config of the wrong shape, `BuildError` for
    /// unusable URLs, `OAuthError` for stored tokens that cannot be read.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SessionConfig")] config: JsValue,
    ) -> Result<Session, JsValue> {
        let config = session_config(from_js("config", &config)?)?;
        let inner = driver::Session::new(config).map_err(|e| error::to_js(&e))?;
        Ok(Session { inner })
    }

    /// Starts a call; invalid parameters make its first poll throw.
    pub fn start(
        &mut self,
        #[wasm_bindgen(js_name = operationId)] operation_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Params | undefined")] params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
        now: f64,
    ) -> Result<f64, JsValue> {
        let params = convert::params_from_js(&params)?;
        let opts = call_options(&options)?;
        let call = self
            .inner
            .start(operation_id, params, opts, timestamp(now)?);
        Ok(call.0 as f64)
    }

    /// Starts a download of a `download_url` from an earlier answer.
    #[wasm_bindgen(js_name = startDownload)]
    pub fn start_download(
        &mut self,
        url: &str,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
        now: f64,
    ) -> Result<f64, JsValue> {
        let opts = call_options(&options)?;
        let call = self.inner.start_download(url, opts, timestamp(now)?);
        Ok(call.0 as f64)
    }

    /// What to do next for `call`: `{type: "send", attempt, request}`,
    /// `{type: "fetchToken", attempt}`, `{type: "wait", until}` or
    /// `{type: "done", output}`; a failed call throws its error.
    #[wasm_bindgen(unchecked_return_type = "DriverAction")]
    pub fn poll(&mut self, call: f64, now: f64) -> Result<JsValue, JsValue> {
        self.poll_with(call, now, None)
    }

    /// `poll` for a call of a paginated walk: when it is done, `pager`
    /// takes the page in Rust and the answer carries the page's `items`
    /// (the body is not handed over, saving its round trip through JS).
    #[wasm_bindgen(js_name = pollPage, unchecked_return_type = "DriverAction")]
    pub fn poll_page(
        &mut self,
        call: f64,
        pager: &mut Pager,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        self.poll_with(call, now, Some(pager))
    }
}

impl Session {
    fn poll_with(
        &mut self,
        call: f64,
        now: f64,
        pager: Option<&mut Pager>,
    ) -> Result<JsValue, JsValue> {
        let call = CallId(id(call, "call")?);
        let now = timestamp(now)?;
        let out = js_sys::Object::new();
        match self.inner.poll(call, now) {
            Action::Send { attempt, request } => {
                set(&out, "type", &"send".into());
                set(&out, "attempt", &(attempt.0 as f64).into());
                set(&out, "request", &convert::request_to_js(&request));
            }
            Action::FetchToken { attempt } => {
                set(&out, "type", &"fetchToken".into());
                set(&out, "attempt", &(attempt.0 as f64).into());
            }
            Action::LoadTokens { attempt } => {
                set(&out, "type", &"loadTokens".into());
                set(&out, "attempt", &(attempt.0 as f64).into());
            }
            Action::Wait { until } => {
                set(&out, "type", &"wait".into());
                let until = until.map_or(JsValue::NULL, |t| (t.as_millis() as f64).into());
                set(&out, "until", &until);
            }
            Action::Done(Ok(output)) => {
                set(&out, "type", &"done".into());
                if let Some(pager) = pager {
                    let items = pager.inner.accept(&output, now);
                    set(&out, "items", &convert::json_items_to_js(items)?);
                    let head = zoom_phone::response::Output {
                        body: zoom_phone::response::Body::Empty,
                        ..output
                    };
                    set(&out, "output", &convert::output_to_js(&head)?);
                } else {
                    set(&out, "output", &convert::output_to_js(&output)?);
                }
            }
            Action::Done(Err(e)) => return Err(error::to_js(&e)),
        }
        Ok(out.into())
    }
}

#[wasm_bindgen]
impl Session {
    /// The HTTP answer to `attempt`. `headers` is a plain object
    /// (`Object.fromEntries(response.headers)`).
    pub fn receive(
        &mut self,
        call: f64,
        attempt: f64,
        #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
        body: JsValue,
        now: f64,
    ) -> Result<(), JsValue> {
        let mut response = http::Response::new(convert::bytes_from_js(&body)?);
        *response.status_mut() = convert::status_from_js(&status)?;
        *response.headers_mut() = convert::headers_from_js(&headers)?;
        self.inner.receive(
            CallId(id(call, "call")?),
            AttemptId(id(attempt, "attempt")?),
            Ok(response),
            timestamp(now)?,
        );
        Ok(())
    }

    /// `attempt` got no HTTP answer: `kind` is `"connect"` (nothing was
    /// sent), `"reset"`, `"timeout"` or `"other"`.
    #[wasm_bindgen(js_name = receiveFailure)]
    pub fn receive_failure(
        &mut self,
        call: f64,
        attempt: f64,
        #[wasm_bindgen(unchecked_param_type = "\"connect\" | \"reset\" | \"timeout\" | \"other\"")]
        kind: &str,
        message: &str,
        now: f64,
    ) -> Result<(), JsValue> {
        let kind = match kind {
            "connect" => TransportErrorKind::Connect,
            "reset" => TransportErrorKind::Reset,
            "timeout" => TransportErrorKind::Timeout,
            _ => TransportErrorKind::Other,
        };
        self.inner.receive(
            CallId(id(call, "call")?),
            AttemptId(id(attempt, "attempt")?),
            Err(TransportError::new(kind, message)),
            timestamp(now)?,
        );
        Ok(())
    }

    /// The host's token source answered `fetchToken` `attempt`: a stored
    /// token set (`{access_token, expires_at?, ...}` or its JSON text), or
    /// `null` with the reason it failed.
    #[wasm_bindgen(js_name = receiveToken)]
    pub fn receive_token(
        &mut self,
        call: f64,
        attempt: f64,
        #[wasm_bindgen(unchecked_param_type = "StoredTokens | string | null")] tokens: JsValue,
        failure: Option<String>,
        now: f64,
    ) -> Result<(), JsValue> {
        let outcome = if tokens.is_null() || tokens.is_undefined() {
            Err(OAuthError::RenewalFailed {
                message: failure.unwrap_or_else(|| "the token source gave no token".to_owned()),
            })
        } else {
            Ok(tokens_from_js(&tokens)?)
        };
        self.inner.receive_token(
            CallId(id(call, "call")?),
            AttemptId(id(attempt, "attempt")?),
            outcome,
            timestamp(now)?,
        );
        Ok(())
    }

    /// The host read its token store for `loadTokens` `attempt`: the
    /// stored tokens (object or JSON text), `null` when it is empty, or
    /// `null` with `failure` when it could not be read.
    #[wasm_bindgen(js_name = receiveStored)]
    pub fn receive_stored(
        &mut self,
        call: f64,
        attempt: f64,
        #[wasm_bindgen(unchecked_param_type = "StoredTokens | string | null")] tokens: JsValue,
        failure: Option<String>,
        now: f64,
    ) -> Result<(), JsValue> {
        let stored = match failure {
            Some(message) => Err(message),
            None if tokens.is_null() || tokens.is_undefined() => Ok(None),
            None => Ok(Some(tokens_from_js(&tokens)?)),
        };
        self.inner.receive_stored(
            CallId(id(call, "call")?),
            AttemptId(id(attempt, "attempt")?),
            stored,
            timestamp(now)?,
        );
        Ok(())
    }

    /// Whether `call` is renewing the token (from `loadTokens` until the
    /// renewal's answer): hold the token store's lock meanwhile.
    pub fn renewing(&self, call: f64) -> Result<bool, JsValue> {
        Ok(self.inner.renewing(CallId(id(call, "call")?)))
    }

    /// The most body bytes to read for `call`'s request in flight.
    #[wasm_bindgen(js_name = responseLimit)]
    pub fn response_limit(&self, call: f64) -> Result<f64, JsValue> {
        Ok(self.inner.response_limit(CallId(id(call, "call")?)) as f64)
    }

    /// `attempt`'s body is longer than `responseLimit`: the call fails with
    /// `ResponseTooLargeError`.
    #[wasm_bindgen(js_name = receiveTooLarge)]
    pub fn receive_too_large(&mut self, call: f64, attempt: f64) -> Result<(), JsValue> {
        self.inner.receive_too_large(
            CallId(id(call, "call")?),
            AttemptId(id(attempt, "attempt")?),
        );
        Ok(())
    }

    /// Abandons a call (timeout, abort); a token fetch it ran is handed on.
    pub fn cancel(&mut self, call: f64) -> Result<(), JsValue> {
        self.inner.cancel(CallId(id(call, "call")?));
        Ok(())
    }

    /// The token set to write to the host's store, once; `undefined` when
    /// nothing changed. The one place tokens leave the core in clear.
    #[wasm_bindgen(js_name = takePersist, unchecked_return_type = "StoredTokens | undefined")]
    pub fn take_persist(&mut self) -> Result<JsValue, JsValue> {
        match self.inner.take_persist() {
            None => Ok(JsValue::UNDEFINED),
            Some(t) => js_sys::JSON::parse(&String::from_utf8_lossy(&t.to_store_json())),
        }
    }

    /// Installs tokens read from the host's store (object or its JSON text).
    #[wasm_bindgen(js_name = loadTokens)]
    pub fn load_tokens(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StoredTokens | string")] tokens: JsValue,
    ) -> Result<(), JsValue> {
        let tokens = tokens_from_js(&tokens)?;
        self.inner.load_tokens(tokens);
        Ok(())
    }

    /// Calls started and not yet done or cancelled.
    #[wasm_bindgen(getter, js_name = activeCalls)]
    pub fn active_calls(&self) -> usize {
        self.inner.active_calls()
    }
}

fn tokens_from_js(tokens: &JsValue) -> Result<TokenSet, JsValue> {
    let text = match tokens.as_string() {
        Some(s) => s,
        None => String::from(js_sys::JSON::stringify(tokens)?),
    };
    TokenSet::from_store_json(text.as_bytes()).map_err(|e| error::to_js(&e.into()))
}

fn call_options(options: &JsValue) -> Result<CallOptions, JsValue> {
    let o: CallOptionsJs = from_js("options", options)?;
    Ok(CallOptions {
        deadline: o.deadline_ms.map(Timestamp::from_millis),
        retry_non_idempotent: o.retry_non_idempotent,
    })
}

/// Walks the pages of one listing: `zoom_phone::paginate::Pager`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Pager {
    inner: CorePager,
}

#[wasm_bindgen]
impl Pager {
    /// Throws `BuildError` for an unknown operation.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = operationId)] operation_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Params | undefined")] params: JsValue,
        limit: Option<f64>,
    ) -> Result<Pager, JsValue> {
        let op = zoom_phone::operation(operation_id).ok_or_else(|| {
            let unknown =
                zoom_phone::request::BuildError::UnknownOperation(operation_id.to_owned());
            error::to_js(&unknown.into())
        })?;
        let mut inner = CorePager::new(op, convert::params_from_js(&params)?);
        if let Some(n) = limit {
            inner = inner.limit(id(n, "limit")?);
        }
        Ok(Pager { inner })
    }

    /// Parameters of the next call, or `null` when the listing is complete.
    /// Throws `PageTokenExpiredError` for a token older than Zoom keeps.
    #[wasm_bindgen(js_name = nextParams, unchecked_return_type = "Params | null")]
    pub fn next_params(&mut self, now: f64) -> Result<JsValue, JsValue> {
        match self.inner.next_params(timestamp(now)?) {
            Ok(Some(params)) => convert::json_to_js(&params),
            Ok(None) => Ok(JsValue::NULL),
            Err(e) => Err(error::to_js(&e)),
        }
    }

    /// Takes one page's JSON body; returns its items.
    #[wasm_bindgen(unchecked_return_type = "unknown[]")]
    pub fn accept(&mut self, body: JsValue, now: f64) -> Result<JsValue, JsValue> {
        let text: String = js_sys::JSON::stringify(&body)?.into();
        let body: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| type_error(&format!("page body cannot be read as JSON: {e}")))?;
        let items = self.inner.receive(&body, timestamp(now)?);
        convert::json_items_to_js(items)
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_done()
    }

    /// The token the next call will use, to resume the listing later.
    #[wasm_bindgen(getter)]
    pub fn token(&self) -> Option<String> {
        self.inner.token().map(|(t, _)| t.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(value: serde_json::Value) -> Result<ConfigJs, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn every_auth_type_reads_into_a_session_config() {
        let cases = [
            serde_json::json!({"type": "serverToServer", "accountId": "a", "clientId": "c", "clientSecret": "s"}),
            serde_json::json!({"type": "clientCredentials", "clientId": "c", "clientSecret": "s"}),
            serde_json::json!({"type": "fixed", "accessToken": "t"}),
            serde_json::json!({"type": "external"}),
            serde_json::json!({"type": "refreshToken", "clientId": "c", "tokens": {"access_token": "t", "refresh_token": "r"}}),
        ];
        for auth in cases {
            let c = config(serde_json::json!({
                "auth": auth, "baseUrl": "http://127.0.0.1:9/v2", "oauthBase": "http://127.0.0.1:9/",
                "retry": {"maxAttempts": 2, "baseDelayMs": 5}, "rateLimits": "pro", "seed": 9_007_199_254_740_991u64,
            }))
            .expect("valid config");
            let s = session_config(c).unwrap_or_else(|_| panic!("session config"));
            assert_eq!(s.request.base_url, "http://127.0.0.1:9/v2");
            assert_eq!(s.retry.max_attempts, 2);
            assert_eq!(s.retry.base_delay, std::time::Duration::from_millis(5));
            assert!(s.limits.is_some());
            assert_eq!(s.seed, 9_007_199_254_740_991);
            assert!(s.request.user_agent.starts_with("zoom-phone-js/"));
        }
    }

    #[test]
    fn the_oauth_base_reaches_the_token_source() {
        let c = config(serde_json::json!({
            "auth": {"type": "serverToServer", "accountId": "a", "clientId": "c", "clientSecret": "s"},
            "oauthBase": "http://127.0.0.1:9/",
        }))
        .expect("valid config");
        let s = session_config(c).unwrap_or_else(|_| panic!("session config"));
        match s.auth.source {
            zoom_phone::auth::TokenSource::ServerToServer(o) => {
                assert_eq!(o.oauth_base, "http://127.0.0.1:9");
                assert_eq!(o.account_id.as_deref(), Some("a"));
            }
            other => panic!("unexpected source {other:?}"),
        }
    }

    #[test]
    fn misspelt_and_mistyped_fields_are_refused_without_echoing_secrets() {
        let err = config(
            serde_json::json!({"auth": {"type": "fixed", "accessToken": "t"}, "baseURL": "x"}),
        )
        .err()
        .expect("unknown field");
        assert!(err.to_string().contains("baseURL"), "{err}");
        let err = config(serde_json::json!({"auth": {"type": "fixed", "acessToken": "sekrit"}}))
            .err()
            .expect("unknown auth field");
        assert!(!err.to_string().contains("sekrit"), "{err}");
        assert!(config(serde_json::json!({"auth": {"type": "password"}})).is_err());
        assert!(config(serde_json::json!({"auth": {"type": "external"}, "seed": -1})).is_err());
    }
}
