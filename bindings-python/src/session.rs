//! `zoom_phone._core.Session` (the core's driver session) and
//! `zoom_phone._core.Pager`: the host protocol for Python.
//!
//! Every crossing returns a *step* as one flat tuple, `(kind, wake, events,
//! ...)`, so the Python loop unpacks it without attribute lookups:
//!
//! An action to perform continues `detached, expires_at_ms` (whether it
//! is finished even when its call is given up, and the call's deadline that
//! a detached action may outlive; `None` when there is none), then its own
//! fields; `done` and `error` continue with theirs at once:
//!
//! | kind | its own fields |
//! |---|---|
//! | `"send"` | method, url, headers (tuple of `(str, str)`), body (`bytes` or `None`), body_limit, timeout (s) |
//! | `"fetch_token"`, `"lock_store"`, `"read_store"`, `"unlock_store"` | |
//! | `"write_store"` | tokens (store JSON `bytes`) |
//! | `"wait"` | until_ms |
//! | `"shared"` | the fleet script (`SharedOp::to_json`) |
//! | `"done"` | status, kind (`json`/`empty`/`binary`/`text`), body (JSON text as `bytes`, `bytes`, `str` or `None`), content_type, location, tracking_id, rate_limit (`(category, type, limit, remaining)`) |
//! | `"error"` | the exception (a `zoom_phone.exceptions` instance) |
//!
//! `events` is `None` or a list of the core's log records as dicts. Time is
//! ms since the Unix epoch, passed in by the host. The session sits behind a
//! mutex held only for one core call; the GIL is kept (a core call takes
//! microseconds), so calls from many threads simply take turns.

use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use pyo3::{IntoPyObjectExt, intern};
use zoom_phone::auth::{TokenSet, TokenSourceFailure};
use zoom_phone::catalog::RateLimitCategory;
use zoom_phone::config::HostConfig;
use zoom_phone::driver::{
    Action, CallId, CallOptions, CallRequest, Cancelled, Event, Outcome, Session as CoreSession,
    Step,
};
use zoom_phone::error::TransportFailure;
use zoom_phone::fleet::{FleetConfig, SharedReply};
use zoom_phone::paginate::{Pager as CorePager, ResumePoint};
use zoom_phone::ratelimit::{LimitType, RateLimitInfo};
use zoom_phone::response::{RawBody, Reply};
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Timestamp};

use crate::{convert, errors};

/// One client's driver session.
#[derive(Debug)]
#[pyclass(module = "zoom_phone._core", frozen)]
pub struct Session {
    inner: Mutex<CoreSession>,
    /// The fleet this session is part of, for the sharded jobs it makes.
    fleet: Option<FleetConfig>,
}

/// Walks the pages of one listing.
#[derive(Debug)]
#[pyclass(module = "zoom_phone._core", frozen)]
pub struct Pager {
    inner: Mutex<CorePager>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic inside the core (a bug) poisons the lock; PyO3 already raised
    // it as an exception. The state is the core's own and still consistent
    // enough to answer, so later calls go on rather than failing forever.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn ms(t: Option<Timestamp>) -> Option<u64> {
    t.map(Timestamp::as_millis)
}

fn options_from(py: Python<'_>, options: Option<&Bound<'_, PyAny>>) -> PyResult<CallOptions> {
    match options {
        None => Ok(CallOptions::default()),
        Some(o) if o.is_none() => Ok(CallOptions::default()),
        Some(o) => {
            let value = errors::params_json(py, o, "call options", "invalid_option")?;
            CallOptions::from_json(&value).map_err(|e| errors::to_py(py, &e))
        }
    }
}

fn events<'py>(py: Python<'py>, events: &[Event]) -> PyResult<Bound<'py, PyAny>> {
    if events.is_empty() {
        return Ok(py.None().into_bound(py));
    }
    let list = PyList::empty(py);
    for e in events {
        list.append(convert::json_to_py(py, &e.to_json())?)?;
    }
    Ok(list.into_any())
}

fn step_to_py<'py>(py: Python<'py>, step: Step) -> PyResult<Bound<'py, PyTuple>> {
    let wake = step.wake.into_bound_py_any(py)?;
    let events = events(py, &step.events)?;
    action_to_py(py, step.action, wake, events)
}

fn action_to_py<'py>(
    py: Python<'py>,
    action: Action,
    wake: Bound<'py, PyAny>,
    events: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let kind = |name: &'static str| -> Bound<'py, PyAny> { PyString::intern(py, name).into_any() };
    let none = || py.None().into_bound(py);
    // An action to perform leads with whether it is detached and its
    // deadline, both the core's answers: the host neither infers them per
    // kind nor looks for them in each kind's own fields.
    let detached = action.is_detached().into_bound_py_any(py)?;
    let expires_at = ms(action.expires_at()).into_bound_py_any(py)?;
    let perform = |name: &'static str, fields: Vec<Bound<'py, PyAny>>| {
        let mut items = Vec::with_capacity(5 + fields.len());
        items.extend([kind(name), wake.clone(), events.clone()]);
        items.extend([detached.clone(), expires_at.clone()]);
        items.extend(fields);
        PyTuple::new(py, items)
    };
    match action {
        Action::Send(send) => {
            let (parts, body) = send.request.into_parts();
            // A tuple: hashable, so the host can keep its merged headers for
            // requests whose headers repeat (most do: only the token varies).
            let mut headers = Vec::with_capacity(parts.headers.len());
            for (name, value) in &parts.headers {
                let value = String::from_utf8_lossy(value.as_bytes());
                headers.push(PyTuple::new(py, [name.as_str(), value.as_ref()])?);
            }
            let headers = PyTuple::new(py, headers)?;
            let body = if body.is_empty() {
                none()
            } else {
                PyBytes::new(py, &body).into_any()
            };
            perform(
                "send",
                vec![
                    parts.method.as_str().into_bound_py_any(py)?,
                    parts.uri.to_string().into_bound_py_any(py)?,
                    headers.into_any(),
                    body,
                    send.body_limit.into_bound_py_any(py)?,
                    send.timeout.as_secs_f64().into_bound_py_any(py)?,
                ],
            )
        }
        Action::FetchToken { .. } => perform("fetch_token", Vec::new()),
        Action::LockStore { .. } => perform("lock_store", Vec::new()),
        Action::ReadStore { .. } => perform("read_store", Vec::new()),
        Action::WriteStore { tokens, .. } => perform(
            "write_store",
            vec![PyBytes::new(py, &tokens.to_store_json()).into_any()],
        ),
        Action::UnlockStore => perform("unlock_store", Vec::new()),
        Action::Wait { until } => perform("wait", vec![until.as_millis().into_bound_py_any(py)?]),
        Action::Done(Ok(reply)) => {
            let mut items = vec![intern!(py, "done").clone().into_any(), wake, events];
            // Read before `reply_fields` takes the reply apart; last, so the
            // fields before it keep their places.
            let rate_limit = rate_limit_tuple(py, &reply.rate_limit)?;
            items.extend(reply_fields(py, reply)?);
            items.push(rate_limit);
            PyTuple::new(py, items)
        }
        Action::Done(Err(e)) => {
            PyTuple::new(py, [kind("error"), wake, events, errors::instance(py, &e)?])
        }
        // A fleet's Redis script: `{script, sha1, source, keys, args,
        // timeout_ms, detached}` (SharedOp::to_json); the host runs
        // EVALSHA, or EVAL with `source` after NOSCRIPT.
        Action::Shared(op) => perform("shared", vec![convert::json_to_py(py, &op.to_json())?]),
        other => Err(PyValueError::new_err(format!(
            "the core asked for `{}`, which this binding does not know (a bug)",
            other.name()
        ))),
    }
}

/// What the answer's `X-RateLimit-*` headers said, as
/// `(category, type, limit, remaining)` (each `None` when absent): a tuple,
/// so the host builds its dict only for a raw response that is asked.
fn rate_limit_tuple<'py>(py: Python<'py>, info: &RateLimitInfo) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyTuple::new(
        py,
        [
            info.category
                .map(RateLimitCategory::key)
                .into_bound_py_any(py)?,
            info.limit_type.map(LimitType::key).into_bound_py_any(py)?,
            info.limit.into_bound_py_any(py)?,
            info.remaining.into_bound_py_any(py)?,
        ],
    )?
    .into_any())
}

/// `status, kind, body, content_type, location, tracking_id` of a reply.
pub fn reply_fields<'py>(py: Python<'py>, reply: Reply) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let none = || py.None().into_bound(py);
    let (kind, body, content_type) = match reply.body {
        RawBody::Json(bytes) => (
            intern!(py, "json"),
            PyBytes::new(py, &bytes).into_any(),
            None,
        ),
        RawBody::Empty => (intern!(py, "empty"), none(), None),
        RawBody::Binary {
            content_type,
            bytes,
        } => (
            intern!(py, "binary"),
            PyBytes::new(py, &bytes).into_any(),
            content_type,
        ),
        RawBody::Text { content_type, text } => (
            intern!(py, "text"),
            PyString::new(py, &text).into_any(),
            content_type,
        ),
    };
    Ok(vec![
        reply.status.into_bound_py_any(py)?,
        kind.clone().into_any(),
        body,
        content_type.into_bound_py_any(py)?,
        reply.location.into_bound_py_any(py)?,
        reply.tracking_id.into_bound_py_any(py)?,
    ])
}

fn transport_kind(kind: &str) -> PyResult<TransportErrorKind> {
    Ok(match kind {
        "connect" => TransportErrorKind::Connect,
        "reset" => TransportErrorKind::Reset,
        "timeout" => TransportErrorKind::Timeout,
        "other" => TransportErrorKind::Other,
        other => {
            return Err(PyValueError::new_err(format!(
                "a transport failure is connect, reset, timeout or other, not `{other}`"
            )));
        }
    })
}

fn message(value: &Bound<'_, PyAny>) -> String {
    value
        .cast::<PyString>()
        .ok()
        .and_then(|s| s.to_cow().ok().map(|c| c.into_owned()))
        .unwrap_or_else(|| "(no description)".to_owned())
}

/// An outcome other than a response, from its name and value.
fn outcome_from(outcome: &str, value: &Bound<'_, PyAny>, now: Timestamp) -> PyResult<Outcome> {
    Ok(match outcome {
        "too_large" => Outcome::TooLarge,
        "failed" => {
            let (kind, text): (String, Bound<'_, PyAny>) = value.extract()?;
            Outcome::Failed(TransportFailure::new(
                transport_kind(&kind)?,
                message(&text),
            ))
        }
        "token" => Outcome::Token(match convert::to_json(value) {
            Ok(answer) => {
                TokenSet::from_source_answer(&answer, now).map_err(TokenSourceFailure::new)
            }
            Err((path, problem)) => Err(TokenSourceFailure::new(format!(
                "the token source answered a value that {}{problem}",
                if path.is_empty() {
                    String::new()
                } else {
                    format!("at `{path}` ")
                }
            ))),
        }),
        "token_error" => Outcome::Token(Err(TokenSourceFailure::new(message(value)))),
        "locked" => Outcome::Locked,
        "lock_busy" => Outcome::LockBusy,
        "stored" => {
            if value.is_none() {
                Outcome::Stored(None)
            } else {
                let bytes = value.cast::<PyBytes>().map_err(|_| {
                    pyo3::exceptions::PyTypeError::new_err(
                        "a token store's load() returns bytes or None",
                    )
                })?;
                match TokenSet::from_store_json(bytes.as_bytes()) {
                    Ok(tokens) => Outcome::Stored(Some(tokens)),
                    Err(e) => {
                        Outcome::StoreFailed(format!("the token store's content is unusable: {e}"))
                    }
                }
            }
        }
        "written" => Outcome::Written,
        "unlocked" => Outcome::Unlocked,
        "store_failed" => Outcome::StoreFailed(message(value)),
        "woken" => Outcome::Woken,
        "expired" => Outcome::Expired,
        // What Redis answered (None, int, str or a list of them) ...
        "shared" => Outcome::Shared(match convert::to_json(value) {
            Ok(reply) => SharedReply::from_json(&reply),
            Err((_, problem)) => Err(format!("the Redis reply {problem}")),
        }),
        // ... or why it did not (an error reply, a timeout, no connection).
        "shared_error" => Outcome::Shared(Err(message(value))),
        other => {
            return Err(PyValueError::new_err(format!("unknown outcome `{other}`")));
        }
    })
}

#[pymethods]
impl Session {
    /// A session from the host configuration (`zoom_phone::config`, keys as
    /// in its table); a bad one raises `BuildError` (code `invalid_config`).
    #[new]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value =
            errors::params_json(py, config, "invalid client configuration", "invalid_config")?;
        let config = HostConfig::from_json(&value).map_err(|e| errors::to_py(py, &e.into()))?;
        let fleet = config.fleet.clone();
        let session = CoreSession::new(config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Session {
            inner: Mutex::new(session),
            fleet,
        })
    }

    /// Starts a call of `operation` (operationId or snake_case name) with
    /// `params` by spec name; returns `(call_id, step)`. Values that cannot
    /// be JSON, and bad `options`, raise `BuildError` at once.
    #[pyo3(signature = (operation, params, options, now_ms))]
    fn start<'py>(
        &self,
        py: Python<'py>,
        operation: &str,
        params: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyAny>>,
        now_ms: u64,
    ) -> PyResult<(u64, Bound<'py, PyTuple>)> {
        let params = match params {
            Some(p) if !p.is_none() => {
                errors::params_json(py, p, &format!("`{operation}`"), "invalid_parameter")?
            }
            _ => serde_json::Value::Object(serde_json::Map::new()),
        };
        let options = options_from(py, options)?;
        let call = CallRequest::operation(operation, params).with_options(options);
        let (id, step) = lock(&self.inner).start(call, at(now_ms));
        Ok((id.0, step_to_py(py, step)?))
    }

    /// Starts the download of a `download_url` from an earlier answer.
    #[pyo3(signature = (url, options, now_ms))]
    fn start_download<'py>(
        &self,
        py: Python<'py>,
        url: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyAny>>,
        now_ms: u64,
    ) -> PyResult<(u64, Bound<'py, PyTuple>)> {
        let url = match errors::params_json(py, url, "the download URL", "invalid_parameter")? {
            serde_json::Value::String(u) => u,
            _ => {
                return Err(errors::build(
                    py,
                    "invalid_parameter",
                    "the download URL must be a str".into(),
                ));
            }
        };
        let options = options_from(py, options)?;
        let call = CallRequest::download(url).with_options(options);
        let (id, step) = lock(&self.inner).start(call, at(now_ms));
        Ok((id.0, step_to_py(py, step)?))
    }

    /// Starts the call of a listing's next page (one crossing for what would
    /// be `pager.next_params` and `start`); `None` when the listing is over.
    /// A page token past Zoom's 15 minutes raises `PageTokenExpiredError`.
    #[pyo3(signature = (pager, operation, options, now_ms))]
    fn start_page<'py>(
        &self,
        py: Python<'py>,
        pager: &Pager,
        operation: &str,
        options: Option<&Bound<'py, PyAny>>,
        now_ms: u64,
    ) -> PyResult<Option<(u64, Bound<'py, PyTuple>)>> {
        let options = options_from(py, options)?;
        let params = lock(&pager.inner)
            .next_params(at(now_ms))
            .map_err(|e| errors::to_py(py, &e))?;
        let Some(params) = params else {
            return Ok(None);
        };
        let call = CallRequest::operation(operation, params).with_options(options);
        let (id, step) = lock(&self.inner).start(call, at(now_ms));
        Ok(Some((id.0, step_to_py(py, step)?)))
    }

    /// Reports the HTTP answer to a `send`: status, headers (httpx's
    /// `response.headers.raw`, or a mapping) and the body read.
    fn respond<'py>(
        &self,
        py: Python<'py>,
        call: u64,
        status: u16,
        headers: &Bound<'py, PyAny>,
        body: &Bound<'py, PyBytes>,
        now_ms: u64,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let status = convert::status_from_py(status)?;
        let headers = convert::read_headers(headers)?;
        // The core takes the body as a Vec: a copy, freed when the core
        // hands it back. (Keeping it for the next answer saved no measurable
        // time and kept a page's size resident per client.)
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        let mut step =
            lock(&self.inner).handle(CallId(call), Outcome::Response(response), at(now_ms));
        // A JSON result is the body that arrived: hand back the caller's own
        // bytes object rather than a copy.
        let mut same = false;
        if let Action::Done(Ok(Reply {
            body: RawBody::Json(bytes),
            ..
        })) = &mut step.action
        {
            if bytes.as_slice() == body.as_bytes() {
                *bytes = Vec::new();
                same = true;
            }
        }
        let out = step_to_py(py, step)?;
        if !same {
            return Ok(out);
        }
        let mut items: Vec<Bound<'py, PyAny>> = out.iter().collect();
        if let Some(slot) = items.get_mut(5) {
            *slot = body.clone().into_any();
        }
        PyTuple::new(py, items)
    }

    /// Reports any other outcome: `too_large`, `failed` ((kind, message)),
    /// `token` (the source's answer), `token_error` (message), `locked`,
    /// `lock_busy`, `stored` (store JSON bytes or None), `written`, `unlocked`,
    /// `store_failed` (message), `woken`, `expired`.
    #[pyo3(signature = (call, outcome, value, now_ms))]
    fn report<'py>(
        &self,
        py: Python<'py>,
        call: u64,
        outcome: &str,
        value: &Bound<'py, PyAny>,
        now_ms: u64,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let now = at(now_ms);
        let outcome = outcome_from(outcome, value, now)?;
        let step = lock(&self.inner).handle(CallId(call), outcome, now);
        step_to_py(py, step)
    }

    /// The caller gave up: `("gone", None)`, `("finishing", None)` (finish
    /// the detached action out and what follows) or `("perform", step)`.
    fn cancel<'py>(
        &self,
        py: Python<'py>,
        call: u64,
        now_ms: u64,
    ) -> PyResult<(&'static str, Option<Bound<'py, PyTuple>>)> {
        let cancelled = lock(&self.inner).cancel(CallId(call), at(now_ms));
        Ok(match cancelled {
            Cancelled::Gone => ("gone", None),
            Cancelled::Finishing => ("finishing", None),
            Cancelled::Perform(step) => ("perform", Some(step_to_py(py, *step)?)),
        })
    }

    /// The host cannot finish the detached action out (interrupted): the
    /// renewal is given up; returns the step to do best effort (`unlock_store`)
    /// or `None`.
    fn abandon<'py>(
        &self,
        py: Python<'py>,
        call: u64,
        now_ms: u64,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let action = lock(&self.inner).abandon(CallId(call), at(now_ms));
        action
            .map(|a| {
                action_to_py(
                    py,
                    a,
                    false.into_bound_py_any(py)?,
                    py.None().into_bound(py),
                )
            })
            .transpose()
    }

    /// Crossings into the core so far (start, respond/report, cancel, abandon).
    #[getter]
    fn entries(&self) -> u64 {
        lock(&self.inner).entries()
    }

    /// Calls in progress.
    fn active_calls(&self) -> usize {
        lock(&self.inner).active_calls()
    }

    /// `(attempt, connect, call)` in seconds from the configuration; `call`
    /// is `None` without a call deadline.
    fn timeouts(&self) -> (f64, f64, Option<f64>) {
        let t = lock(&self.inner).timeouts();
        (
            t.attempt.as_secs_f64(),
            t.connect.as_secs_f64(),
            t.call.map(|d| d.as_secs_f64()),
        )
    }

    /// Installs tokens an OAuth flow gave (token-store JSON); not persisted.
    fn install_tokens(&self, py: Python<'_>, tokens: &Bound<'_, PyBytes>) -> PyResult<()> {
        let tokens = TokenSet::from_store_json(tokens.as_bytes())
            .map_err(|e| errors::to_py(py, &Error::from(e)))?;
        lock(&self.inner).install_tokens(tokens);
        Ok(())
    }

    /// A sharded job of this session's fleet over the dates `from..=to`
    /// (`YYYY-MM-DD`), cut into shards of `span` (`{"months": n}` or
    /// `{"days": n}`, default a month). Raises the core's `BuildError`
    /// without a fleet, or naming the bad job, worker, date or span.
    #[pyo3(signature = (job, worker, from_, to, span = None))]
    fn shard_job(
        &self,
        py: Python<'_>,
        job: &str,
        worker: &str,
        from_: &str,
        to: &str,
        span: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::shards::ShardJob> {
        let fleet = self.fleet.as_ref().ok_or_else(|| {
            let missing = zoom_phone::config::ConfigError::new(
                "fleet",
                "is not configured: sharded jobs need a fleet (the `fleet` option)",
            );
            errors::to_py(py, &missing.into())
        })?;
        crate::shards::ShardJob::new(py, fleet, job, worker, from_, to, span)
    }

    fn __repr__(&self) -> &'static str {
        "<zoom_phone._core.Session>"
    }
}

#[pymethods]
impl Pager {
    /// A pager over `operation` from the first page's `params`, stopping
    /// after `limit` items when given; `resume` is a point from
    /// `resume_point` to continue from.
    #[new]
    #[pyo3(signature = (operation, params = None, *, limit = None, resume = None))]
    fn new(
        py: Python<'_>,
        operation: &str,
        params: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
        resume: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let op = zoom_phone::operation(operation).ok_or_else(|| {
            let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
            errors::to_py(py, &unknown.into())
        })?;
        let params = match params {
            Some(p) if !p.is_none() => {
                errors::params_json(py, p, &format!("`{operation}`"), "invalid_parameter")?
            }
            _ => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut pager = CorePager::new(op, params);
        if let Some(limit) = limit.filter(|l| !l.is_none()) {
            let n = limit
                .extract::<u64>()
                .ok()
                .filter(|_| !limit.is_instance_of::<pyo3::types::PyBool>())
                .ok_or_else(|| {
                    errors::build(
                        py,
                        "invalid_option",
                        "`limit` must be a whole number of items, 0 or more".into(),
                    )
                })?;
            pager = pager.limit(n);
        }
        if let Some(point) = resume {
            let value =
                errors::params_json(py, point.as_any(), "the resume point", "invalid_option")?;
            let point = ResumePoint::from_json(&value).map_err(|e| errors::to_py(py, &e))?;
            pager = pager.resume_at(point);
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
        let next = lock(&self.inner).next_params(at(now_ms));
        match next {
            Ok(Some(params)) => Ok(Some(convert::json_to_py(py, &params)?)),
            Ok(None) => Ok(None),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    }

    /// Takes a parsed page: its next-page token and item count; returns the
    /// `(start, stop)` of the items to hand out.
    fn accept_page(
        &self,
        token: Option<&Bound<'_, PyAny>>,
        items: usize,
        now_ms: u64,
    ) -> (usize, usize) {
        let token = token.and_then(|t| t.cast::<PyString>().ok().and_then(|s| s.to_cow().ok()));
        let range = lock(&self.inner).accept_page(token.as_deref(), items, at(now_ms));
        (range.start, range.end)
    }

    /// The page's field with the next page's token (`next_page_token`).
    #[getter]
    fn token_field(&self) -> Option<String> {
        lock(&self.inner).token_field().map(str::to_owned)
    }

    /// The page's field with its items (`users`, `call_logs`, ...).
    #[getter]
    fn items_field(&self) -> Option<String> {
        lock(&self.inner).items_field().map(str::to_owned)
    }

    /// Where to continue later when `handed_out` items of the last page's
    /// range reached the caller: `{token, issued_at_ms, skip}`, or `None`.
    fn resume_point<'py>(
        &self,
        py: Python<'py>,
        handed_out: u64,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        lock(&self.inner)
            .resume_point(handed_out)
            .map(|p| convert::json_to_py(py, &p.to_json()))
            .transpose()
    }

    /// Items handed out so far.
    fn yielded(&self) -> u64 {
        lock(&self.inner).yielded()
    }

    /// Pages received so far.
    fn pages(&self) -> u64 {
        lock(&self.inner).pages()
    }
}
