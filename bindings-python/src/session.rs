//! `zoom_phone._core.Session`: the core driver behind a mutex, and
//! `zoom_phone._core.Pager`. Python runs the loop (send with httpx, sleep,
//! wake waiters); the core decides everything else.
//!
//! Time comes in as `now_ms` (ms since the Unix epoch) on every call, so the
//! Python layer owns the clock. The mutex is held only for the duration of
//! one core call, with the GIL released while the core parses a response.

use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use zoom_phone::Timestamp;
use zoom_phone::auth::{OAuthConfig, OAuthError, TokenSet};
use zoom_phone::driver::{
    Action, AttemptId, AuthConfig, CallId, CallOptions, Session as CoreSession, SessionConfig,
    TransportError,
};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::paginate::Pager as CorePager;
use zoom_phone::retry::TransportErrorKind;

use crate::{convert, errors};

/// One client's driver.
#[derive(Debug)]
#[pyclass(module = "zoom_phone._core")]
pub struct Session {
    inner: Mutex<CoreSession>,
}

/// Walks the pages of one listing.
#[derive(Debug)]
#[pyclass(module = "zoom_phone._core")]
pub struct Pager {
    inner: Mutex<CorePager>,
}

fn lock<T>(m: &Mutex<T>) -> PyResult<MutexGuard<'_, T>> {
    // A poisoned lock means a panic inside the core already surfaced as an
    // exception; the state may be half-updated, so refuse further use.
    m.lock()
        .map_err(|_| PyRuntimeError::new_err("the session is unusable after an internal error"))
}

fn now(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn oauth_config(
    client_id: Option<String>,
    client_secret: Option<String>,
    account_id: Option<String>,
    oauth_base: Option<String>,
) -> PyResult<OAuthConfig> {
    let client_id = client_id.ok_or_else(|| PyValueError::new_err("client_id is required"))?;
    let mut config = match client_secret {
        Some(secret) => OAuthConfig::new(client_id, secret),
        None => OAuthConfig::public(client_id),
    };
    config.account_id = account_id;
    if let Some(base) = oauth_base {
        config = config.with_oauth_base(base);
    }
    Ok(config)
}

fn tokens_from_store(py: Python<'_>, bytes: &[u8]) -> PyResult<TokenSet> {
    TokenSet::from_store_json(bytes).map_err(|e| errors::to_py(py, &e.into()))
}

#[pymethods]
impl Session {
    /// `auth` is one of `server_to_server` (client_id, client_secret,
    /// account_id), `client_credentials` (client_id, client_secret),
    /// `refresh_token` (client_id, client_secret or none for a PKCE app,
    /// tokens), `fixed` (access_token) or `external` (the host answers
    /// `fetch_token`). `tokens` is a token store's JSON (`take_persist`).
    #[new]
    #[pyo3(signature = (*, auth, client_id = None, client_secret = None, account_id = None,
        access_token = None, tokens = None, oauth_base = None, base_url = None,
        file_base_url = None, user_agent = None, max_attempts = None,
        retry_non_idempotent = false, rate_limits = None, seed = 0, shared_store = false,
        max_response_bytes = None, max_download_bytes = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        auth: &str,
        client_id: Option<String>,
        client_secret: Option<String>,
        account_id: Option<String>,
        access_token: Option<String>,
        tokens: Option<&Bound<'_, PyBytes>>,
        oauth_base: Option<String>,
        base_url: Option<String>,
        file_base_url: Option<String>,
        user_agent: Option<String>,
        max_attempts: Option<u32>,
        retry_non_idempotent: bool,
        rate_limits: Option<&str>,
        seed: u64,
        shared_store: bool,
        max_response_bytes: Option<u64>,
        max_download_bytes: Option<u64>,
    ) -> PyResult<Self> {
        let stored = tokens
            .map(|t| tokens_from_store(py, t.as_bytes()))
            .transpose()?;
        let mut auth = match auth {
            "server_to_server" => {
                if account_id.is_none() {
                    return Err(PyValueError::new_err(
                        "server_to_server needs account_id, client_id and client_secret",
                    ));
                }
                if client_secret.is_none() {
                    return Err(PyValueError::new_err("client_secret is required"));
                }
                AuthConfig::server_to_server(oauth_config(
                    client_id,
                    client_secret,
                    account_id,
                    oauth_base,
                )?)
            }
            "client_credentials" => {
                if client_secret.is_none() {
                    return Err(PyValueError::new_err("client_secret is required"));
                }
                AuthConfig::client_credentials(oauth_config(
                    client_id,
                    client_secret,
                    None,
                    oauth_base,
                )?)
            }
            "refresh_token" => {
                let tokens = stored.clone().ok_or_else(|| {
                    PyValueError::new_err("refresh_token needs the user's tokens")
                })?;
                AuthConfig::refresh_token(
                    oauth_config(client_id, client_secret, None, oauth_base)?,
                    tokens,
                )
            }
            "fixed" => {
                let token = access_token
                    .ok_or_else(|| PyValueError::new_err("access_token is required"))?;
                if token.is_empty() {
                    return Err(PyValueError::new_err("access_token is empty"));
                }
                AuthConfig::fixed(token)
            }
            "external" => AuthConfig::external(),
            other => {
                return Err(PyValueError::new_err(format!(
                    "auth must be server_to_server, client_credentials, refresh_token, fixed or external, not `{other}`"
                )));
            }
        };
        auth.shared_store = shared_store;
        let mut config = SessionConfig::new(auth);
        config.request = crate::defaults::request_config("python");
        if let Some(n) = max_response_bytes {
            config.body_limits.api = n;
        }
        if let Some(n) = max_download_bytes {
            config.body_limits.download = n;
        }
        if let Some(v) = base_url {
            config.request.base_url = v;
        }
        if let Some(v) = file_base_url {
            config.request.file_base_url = v;
        }
        if let Some(v) = user_agent {
            config.request.user_agent = v;
        }
        if let Some(n) = max_attempts {
            config.retry.max_attempts = n.max(1);
        }
        config.retry.retry_non_idempotent = retry_non_idempotent;
        config.limits = match rate_limits {
            None => None,
            Some("pro") => Some(PlanLimits::pro()),
            Some("business") => Some(PlanLimits::business()),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "rate_limits must be \"pro\" or \"business\", not `{other}`"
                )));
            }
        };
        config.seed = seed;
        let mut session = CoreSession::new(config).map_err(|e| errors::to_py(py, &e))?;
        if let Some(t) = stored {
            session.load_tokens(t);
        }
        Ok(Session {
            inner: Mutex::new(session),
        })
    }

    /// Starts a call; returns its id. Bad parameters surface on the first poll.
    #[pyo3(signature = (operation, params, now_ms, *, deadline_ms = None, retry_non_idempotent = false))]
    fn start(
        &self,
        operation: &str,
        params: Option<&Bound<'_, PyDict>>,
        now_ms: u64,
        deadline_ms: Option<u64>,
        retry_non_idempotent: bool,
    ) -> PyResult<u64> {
        let params = match params {
            Some(p) => convert::py_to_json(p.as_any())?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        let opts = CallOptions {
            deadline: deadline_ms.map(now),
            retry_non_idempotent,
        };
        Ok(lock(&self.inner)?
            .start(operation, params, opts, now(now_ms))
            .0)
    }

    /// Starts the download of a `download_url` from an earlier answer.
    #[pyo3(signature = (url, now_ms, *, deadline_ms = None))]
    fn start_download(&self, url: &str, now_ms: u64, deadline_ms: Option<u64>) -> PyResult<u64> {
        let opts = CallOptions {
            deadline: deadline_ms.map(now),
            retry_non_idempotent: false,
        };
        Ok(lock(&self.inner)?.start_download(url, opts, now(now_ms)).0)
    }

    /// The next step of a call, as a tuple:
    /// `("send", attempt, request)`, `("fetch_token", attempt)`,
    /// `("wait", until_ms_or_None)` or `("done", output)`. A failed call
    /// raises its exception. With `pager`, a successful answer is one page
    /// and the result is `("page", items)`.
    #[pyo3(signature = (call, now_ms, pager = None))]
    fn poll<'py>(
        &self,
        py: Python<'py>,
        call: u64,
        now_ms: u64,
        pager: Option<&Pager>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let action =
            py.detach(|| lock(&self.inner).map(|mut s| s.poll(CallId(call), now(now_ms))))?;
        match action {
            Action::Send { attempt, request } => {
                let req = convert::request_to_py(py, &request)?;
                PyTuple::new(
                    py,
                    [
                        "send".into_pyobject(py)?.into_any(),
                        attempt.0.into_pyobject(py)?.into_any(),
                        req.into_any(),
                    ],
                )
            }
            Action::FetchToken { attempt } => PyTuple::new(
                py,
                [
                    "fetch_token".into_pyobject(py)?.into_any(),
                    attempt.0.into_pyobject(py)?.into_any(),
                ],
            ),
            Action::LoadTokens { attempt } => PyTuple::new(
                py,
                [
                    "load_tokens".into_pyobject(py)?.into_any(),
                    attempt.0.into_pyobject(py)?.into_any(),
                ],
            ),
            Action::Wait { until } => {
                let until = match until {
                    Some(t) => t.as_millis().into_pyobject(py)?.into_any(),
                    None => py.None().into_bound(py),
                };
                PyTuple::new(py, ["wait".into_pyobject(py)?.into_any(), until])
            }
            Action::Done(Err(e)) => {
                if let Some(p) = pager {
                    if let zoom_phone::Error::Api(api) = &e {
                        if let Some(expired) = lock(&p.inner)?.receive_error(api) {
                            return Err(errors::to_py(py, &expired));
                        }
                    }
                }
                Err(errors::to_py(py, &e))
            }
            Action::Done(Ok(output)) => match pager {
                Some(p) => {
                    let items = PyList::empty(py);
                    let mut pager = lock(&p.inner)?;
                    for item in pager.accept(&output, now(now_ms)) {
                        items.append(convert::json_to_py(py, item)?)?;
                    }
                    PyTuple::new(py, ["page".into_pyobject(py)?.into_any(), items.into_any()])
                }
                None => {
                    let out = convert::output_to_py(py, &output)?;
                    PyTuple::new(py, ["done".into_pyobject(py)?.into_any(), out.into_any()])
                }
            },
        }
    }

    /// The HTTP answer to `attempt`. The core parses it with the GIL released.
    #[allow(clippy::too_many_arguments)]
    fn receive(
        &self,
        py: Python<'_>,
        call: u64,
        attempt: u64,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyBytes>,
        now_ms: u64,
    ) -> PyResult<()> {
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = convert::status_from_py(status)?;
        *response.headers_mut() = convert::headers_from_py(headers)?;
        py.detach(|| {
            lock(&self.inner).map(|mut s| {
                s.receive(CallId(call), AttemptId(attempt), Ok(response), now(now_ms));
            })
        })
    }

    /// `attempt` got no answer. `kind`: connect, reset, timeout or other.
    fn receive_error(
        &self,
        call: u64,
        attempt: u64,
        kind: &str,
        message: String,
        now_ms: u64,
    ) -> PyResult<()> {
        let kind = match kind {
            "connect" => TransportErrorKind::Connect,
            "reset" => TransportErrorKind::Reset,
            "timeout" => TransportErrorKind::Timeout,
            "other" => TransportErrorKind::Other,
            other => {
                return Err(PyValueError::new_err(format!(
                    "kind must be connect, reset, timeout or other, not `{other}`"
                )));
            }
        };
        let outcome = Err(TransportError::new(kind, message));
        lock(&self.inner)?.receive(CallId(call), AttemptId(attempt), outcome, now(now_ms));
        Ok(())
    }

    /// Answers `fetch_token`: the token store JSON of the new tokens, or
    /// `None` with `error` when the host's source failed.
    #[pyo3(signature = (call, attempt, tokens, now_ms, error = None))]
    fn receive_token(
        &self,
        py: Python<'_>,
        call: u64,
        attempt: u64,
        tokens: Option<&Bound<'_, PyBytes>>,
        now_ms: u64,
        error: Option<String>,
    ) -> PyResult<()> {
        let outcome = match tokens {
            Some(t) => Ok(tokens_from_store(py, t.as_bytes())?),
            None => Err(OAuthError::RenewalFailed {
                message: error.unwrap_or_else(|| "the token source gave no token".to_owned()),
            }),
        };
        lock(&self.inner)?.receive_token(CallId(call), AttemptId(attempt), outcome, now(now_ms));
        Ok(())
    }

    /// Answers `load_tokens`: the token store's JSON (`None`: empty), or
    /// `error` when the store could not be read.
    #[pyo3(signature = (call, attempt, tokens, now_ms, error = None))]
    fn receive_stored(
        &self,
        py: Python<'_>,
        call: u64,
        attempt: u64,
        tokens: Option<&Bound<'_, PyBytes>>,
        now_ms: u64,
        error: Option<String>,
    ) -> PyResult<()> {
        let stored = match (error, tokens) {
            (Some(message), _) => Err(message),
            (None, Some(t)) => Ok(Some(tokens_from_store(py, t.as_bytes())?)),
            (None, None) => Ok(None),
        };
        lock(&self.inner)?.receive_stored(CallId(call), AttemptId(attempt), stored, now(now_ms));
        Ok(())
    }

    /// Whether `call` is renewing the token: hold the store's lock meanwhile.
    fn renewing(&self, call: u64) -> PyResult<bool> {
        Ok(lock(&self.inner)?.renewing(CallId(call)))
    }

    /// The most body bytes to read for `call`'s request in flight.
    fn response_limit(&self, call: u64) -> PyResult<u64> {
        Ok(lock(&self.inner)?.response_limit(CallId(call)))
    }

    /// `attempt`'s body is longer than `response_limit`: the call fails
    /// with `ResponseTooLargeError`.
    fn receive_too_large(&self, call: u64, attempt: u64) -> PyResult<()> {
        lock(&self.inner)?.receive_too_large(CallId(call), AttemptId(attempt));
        Ok(())
    }

    /// Abandons a call (timeout, cancelled task).
    fn cancel(&self, call: u64) -> PyResult<()> {
        lock(&self.inner)?.cancel(CallId(call));
        Ok(())
    }

    /// Tokens to save to the token store (JSON bytes), once each.
    fn take_persist<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let tokens = lock(&self.inner)?.take_persist();
        Ok(tokens.map(|t| PyBytes::new(py, &t.to_store_json())))
    }

    /// Installs tokens from the token store (JSON bytes).
    fn load_tokens(&self, py: Python<'_>, tokens: &Bound<'_, PyBytes>) -> PyResult<()> {
        let tokens = tokens_from_store(py, tokens.as_bytes())?;
        lock(&self.inner)?.load_tokens(tokens);
        Ok(())
    }

    /// Calls in progress.
    fn active_calls(&self) -> PyResult<usize> {
        Ok(lock(&self.inner)?.active_calls())
    }

    fn __repr__(&self) -> String {
        "<zoom_phone._core.Session>".to_owned()
    }
}

#[pymethods]
impl Pager {
    /// A pager over `operation` starting from `params`; stops after `limit`
    /// items when given.
    #[new]
    #[pyo3(signature = (operation, params = None, *, limit = None))]
    fn new(
        py: Python<'_>,
        operation: &str,
        params: Option<&Bound<'_, PyDict>>,
        limit: Option<u64>,
    ) -> PyResult<Self> {
        let op = zoom_phone::operation(operation).ok_or_else(|| {
            let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
            errors::to_py(py, &unknown.into())
        })?;
        let params = match params {
            Some(p) => convert::py_to_json(p.as_any())?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut pager = CorePager::new(op, params);
        if let Some(n) = limit {
            pager = pager.limit(n);
        }
        Ok(Pager {
            inner: Mutex::new(pager),
        })
    }

    /// Parameters of the next page's call, or `None` when the listing is over.
    fn next_params<'py>(
        &self,
        py: Python<'py>,
        now_ms: u64,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let next = lock(&self.inner)?.next_params(now(now_ms));
        match next {
            Ok(Some(params)) => Ok(Some(convert::json_to_py(py, &params)?)),
            Ok(None) => Ok(None),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    }

    /// Items handed out so far.
    fn yielded(&self) -> PyResult<u64> {
        Ok(lock(&self.inner)?.yielded())
    }

    /// Pages received so far.
    fn pages(&self) -> PyResult<u64> {
        Ok(lock(&self.inner)?.pages())
    }
}
