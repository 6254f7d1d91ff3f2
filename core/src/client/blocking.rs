//! The blocking client: the driver's host loop over ureq on the calling
//! thread. No async runtime; share one client between threads by cloning.
//!
//! ```no_run
//! # fn demo() -> Result<(), zoom_phone::Error> {
//! use zoom_phone::client::blocking::ZoomPhone;
//! let zp = ZoomPhone::builder()
//!     .server_to_server("account-id", "client-id", "client-secret")
//!     .build()?;
//! for user in zp.paginate("listPhoneUsers", serde_json::json!({})).limit(50) {
//!     println!("{}", user?["email"]);
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;

use crate::auth::{
    self, AuthorizationRequest, DeviceCodePrompt, DeviceFlow, DeviceStep, OAuthConfig, OAuthError,
    OsRandom, TokenSet,
};
use crate::driver::{Action, CallId, CallOptions, Session};
use crate::error::Error;
use crate::paginate::Pager;
use crate::response::Output;
use crate::{Secret, Timestamp};

use super::builder::{Builder, Timeouts};
use super::store::{StoreLock, TokenStore};
use super::transport_ureq as transport;
use super::{Download, ResumeToken, clock, into_download, store_error};

/// The host's own source of access tokens (a vault, another service), asked
/// whenever the session needs a token. Any `Fn() -> Result<TokenSet,
/// OAuthError>` is one.
pub trait TokenProvider: Send + Sync {
    fn fetch(&self) -> Result<TokenSet, OAuthError>;
}

impl<F> TokenProvider for F
where
    F: Fn() -> Result<TokenSet, OAuthError> + Send + Sync,
{
    fn fetch(&self) -> Result<TokenSet, OAuthError> {
        self()
    }
}

/// A blocking Zoom Phone client. Clones share one session.
#[derive(Clone)]
pub struct ZoomPhone {
    inner: Arc<Inner>,
}

struct Inner {
    session: Mutex<Session>,
    /// Signalled after every receive and cancel, under the session lock:
    /// calls waiting for another call's progress poll again.
    progress: Condvar,
    agent: ureq::Agent,
    timeouts: Timeouts,
    store: Option<Arc<dyn TokenStore>>,
    /// Whether the store's tokens were loaded (held while loading, so two
    /// first calls do not both load).
    loaded: Mutex<bool>,
    provider: Option<Arc<dyn TokenProvider>>,
}

impl fmt::Debug for ZoomPhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZoomPhone")
            .field("session", &*self.inner.session())
            .field("has_store", &self.inner.store.is_some())
            .finish_non_exhaustive()
    }
}

impl Builder<ZoomPhone> {
    /// Save every new token set there, and start from the saved one.
    #[must_use]
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Ask `provider` for tokens instead of Zoom's OAuth server (overrides
    /// the other credentials).
    #[must_use]
    pub fn token_source(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    pub fn build(self) -> Result<ZoomPhone, Error> {
        let config = self.session_config()?;
        let timeouts = self.timeouts();
        Ok(ZoomPhone {
            inner: Arc::new(Inner {
                session: Mutex::new(Session::new(config)?),
                progress: Condvar::new(),
                agent: transport::agent(timeouts.connect),
                timeouts,
                store: self.store,
                loaded: Mutex::new(false),
                provider: self.provider,
            }),
        })
    }
}

impl Inner {
    fn session(&self) -> MutexGuard<'_, Session> {
        // The session is only touched in short, non-panicking sections; a
        // poisoned lock means a panic elsewhere, not a torn session.
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Cancels the call in the session if the loop is left early (a store
/// error, a panic): a token fetch it was doing for others is restarted by
/// them instead of awaited until its renewal timeout.
struct CancelOnDrop<'a> {
    inner: &'a Inner,
    id: CallId,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        // A no-op for a call that is done: ids are never reused.
        self.inner.session().cancel(self.id);
        self.inner.progress.notify_all();
    }
}

impl ZoomPhone {
    pub fn builder() -> Builder<ZoomPhone> {
        Builder::new()
    }

    /// Calls `operation` (Zoom's operationId, `listCallQueues`, or its
    /// snake_case name, `list_call_queues`) with path and query parameters by
    /// their spec names and the request body under `"body"`.
    pub fn call(&self, operation: &str, params: Value) -> Result<Output, Error> {
        self.call_with(operation, params, self.options())
    }

    /// [`ZoomPhone::call`] with per-call options (deadline, retrying writes).
    pub fn call_with(
        &self,
        operation: &str,
        params: Value,
        opts: CallOptions,
    ) -> Result<Output, Error> {
        self.load_tokens()?;
        let id = self
            .inner
            .session()
            .start(operation, params, opts.clone(), clock::now());
        self.drive(id, opts.deadline)
    }

    /// Calls the operation of a typed request (`zoom_phone::ops::<tag>::<OperationId>`)
    /// and decodes its answer. The same calls by tag:
    /// `zp.call_queues().list_call_queues(&request)`.
    #[cfg(feature = "typed-base")]
    #[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
    pub fn send<E: crate::typed::Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        let params = crate::typed::to_params(request)?;
        let output = self.call(E::OPERATION_ID, params)?;
        super::typed_body::<E>(output)
    }

    /// Calls a download operation (`downloadPhoneRecording`, ...) and
    /// returns the file.
    pub fn download(&self, operation: &str, params: Value) -> Result<Download, Error> {
        let output = self.call(operation, params)?;
        into_download(operation, output)
    }

    /// Downloads a `download_url` from an earlier answer (a recording's, a
    /// voicemail's). Redirects are followed; the token goes only to Zoom.
    pub fn download_url(&self, url: &str) -> Result<Download, Error> {
        self.load_tokens()?;
        let opts = self.options();
        let id = self
            .inner
            .session()
            .start_download(url, opts.clone(), clock::now());
        let output = self.drive(id, opts.deadline)?;
        into_download("download", output)
    }

    /// Every item of a listing, page after page, as an iterator of JSON
    /// values; see [`Pages`] for a limit and resuming.
    pub fn paginate(&self, operation: &str, params: Value) -> Pages {
        Pages::new(self.clone(), operation, params)
    }

    /// OAuth flows (authorization code with PKCE, refresh, revoke, device)
    /// over this client's connection pool.
    pub fn oauth(&self, config: OAuthConfig) -> OAuth {
        OAuth {
            config,
            agent: self.inner.agent.clone(),
            timeout: self.inner.timeouts.attempt,
        }
    }

    /// The token set in use, if any (`Debug` shows no token).
    pub fn tokens(&self) -> Option<TokenSet> {
        self.inner.session().tokens().cloned()
    }

    fn options(&self) -> CallOptions {
        CallOptions {
            deadline: self
                .inner
                .timeouts
                .call
                .map(|t| clock::now().saturating_add(t)),
            ..CallOptions::default()
        }
    }

    fn load_tokens(&self) -> Result<(), Error> {
        let Some(store) = &self.inner.store else {
            return Ok(());
        };
        let mut loaded = self
            .inner
            .loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !*loaded {
            if let Some(tokens) = store.load().map_err(store_error)? {
                self.inner.session().load_tokens(tokens);
            }
            *loaded = true;
        }
        Ok(())
    }

    /// The host loop of one call.
    fn drive(&self, id: CallId, deadline: Option<Timestamp>) -> Result<Output, Error> {
        let inner = &*self.inner;
        let _cancel = CancelOnDrop { inner, id };
        // The store's lock while this call renews the session's token.
        let mut lock: Option<StoreLock> = None;
        let mut session = inner.session();
        loop {
            match session.poll(id, clock::now()) {
                Action::Send { attempt, request } => {
                    let limit = session.response_limit(id);
                    drop(session);
                    let timeout = attempt_timeout(inner.timeouts.attempt, deadline);
                    let received = transport::send(&inner.agent, request, Some(timeout), limit);
                    session = inner.session();
                    received.deliver(&mut session, id, attempt, clock::now());
                    inner.progress.notify_all();
                    session = self.persist(session)?;
                    if !session.renewing(id) {
                        lock = None;
                    }
                }
                Action::LoadTokens { attempt } => {
                    drop(session);
                    let stored = match &inner.store {
                        Some(store) => {
                            if lock.is_none() {
                                lock = Some(lock_store(&**store).map_err(store_error)?);
                            }
                            store.load().map_err(|e| e.to_string())
                        }
                        None => Ok(None),
                    };
                    session = inner.session();
                    session.receive_stored(id, attempt, stored, clock::now());
                    inner.progress.notify_all();
                    if !session.renewing(id) {
                        lock = None;
                    }
                }
                Action::FetchToken { attempt } => {
                    drop(session);
                    let outcome = match &inner.provider {
                        Some(provider) => provider.fetch(),
                        None => Err(OAuthError::RenewalFailed {
                            message: "no token source was configured".to_owned(),
                        }),
                    };
                    session = inner.session();
                    session.receive_token(id, attempt, outcome, clock::now());
                    inner.progress.notify_all();
                    session = self.persist(session)?;
                }
                Action::Wait { until } => {
                    // Waiting on the condvar releases the session lock
                    // atomically, so no progress is missed in between.
                    let wake = match (until, deadline) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    session = match wake {
                        Some(t) => {
                            inner
                                .progress
                                .wait_timeout(session, clock::until(t))
                                .unwrap_or_else(PoisonError::into_inner)
                                .0
                        }
                        None => inner
                            .progress
                            .wait(session)
                            .unwrap_or_else(PoisonError::into_inner),
                    };
                }
                Action::Done(result) => return result,
            }
        }
    }

    /// Saves a new token set, with the session unlocked meanwhile.
    fn persist<'a>(
        &'a self,
        mut session: MutexGuard<'a, Session>,
    ) -> Result<MutexGuard<'a, Session>, Error> {
        let (Some(store), Some(tokens)) = (&self.inner.store, session.take_persist()) else {
            return Ok(session);
        };
        drop(session);
        store.save(&tokens).map_err(store_error)?;
        Ok(self.inner.session())
    }
}

/// The time one request may take: the attempt limit, or what is left
/// before the call's deadline.
/// How often a client waiting for another one's store lock looks again.
const LOCK_RETRY: Duration = Duration::from_millis(5);

/// Takes the store's lock, waiting while another client holds it for its
/// refresh.
fn lock_store(store: &dyn TokenStore) -> std::io::Result<StoreLock> {
    loop {
        if let Some(lock) = store.try_lock()? {
            return Ok(lock);
        }
        // The host side of the sans-IO boundary: a blocked thread waits.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(LOCK_RETRY);
    }
}

fn attempt_timeout(limit: Duration, deadline: Option<Timestamp>) -> Duration {
    match deadline {
        Some(d) => clock::until(d).min(limit),
        None => limit,
    }
}

/// The items of a listing as an [`Iterator`] of `Result<Value, Error>`:
/// each page is fetched when the previous one is used up. An error ends the
/// iteration.
#[derive(Debug)]
pub struct Pages {
    client: ZoomPhone,
    operation: String,
    pager: Result<Pager, Option<Error>>,
    buffer: VecDeque<Value>,
}

impl Pages {
    fn new(client: ZoomPhone, operation: &str, params: Value) -> Self {
        let pager = match crate::operation(operation) {
            Some(op) => Ok(Pager::new(op, params)),
            None => Err(Some(
                crate::request::BuildError::UnknownOperation(operation.to_owned()).into(),
            )),
        };
        Pages {
            client,
            operation: operation.to_owned(),
            pager,
            buffer: VecDeque::new(),
        }
    }

    /// Stop after `n` items.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.pager = self.pager.map(|p| p.limit(n));
        self
    }

    /// Go on from a [`Pages::resume_token`] saved earlier.
    #[must_use]
    pub fn resume(mut self, token: ResumeToken) -> Self {
        self.pager = self.pager.map(|p| p.resume(token.token, token.issued_at));
        self
    }

    /// Where to resume this listing later, once the items handed out so far
    /// are all that was wanted: `None` while items of the current page are
    /// still buffered (resuming would skip them) and when the listing is
    /// complete.
    pub fn resume_token(&self) -> Option<ResumeToken> {
        if !self.buffer.is_empty() {
            return None;
        }
        let (token, issued_at) = self.pager.as_ref().ok()?.token()?;
        Some(ResumeToken {
            token: token.to_owned(),
            issued_at,
        })
    }

    fn fail(&mut self, error: Error) -> Option<Result<Value, Error>> {
        self.buffer.clear();
        self.pager = Err(None);
        Some(Err(error))
    }
}

impl Iterator for Pages {
    type Item = Result<Value, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            let pager = match &mut self.pager {
                Ok(pager) => pager,
                Err(error) => return error.take().map(Err),
            };
            let params = match pager.next_params(clock::now()) {
                Ok(None) => return None,
                Ok(Some(params)) => params,
                Err(error) => return self.fail(error),
            };
            match self.client.call(&self.operation, params) {
                Ok(output) => {
                    let items = pager.accept(&output, clock::now());
                    self.buffer.extend(items.iter().cloned());
                }
                // The driver already turned Zoom's expired-token answer into
                // Error::PageTokenExpired.
                Err(error) => return self.fail(error),
            }
        }
    }
}

/// OAuth flows over the client's connection pool: the requests come from
/// [`zoom_phone::auth`](crate::auth), the answers go back to it.
#[derive(Debug, Clone)]
pub struct OAuth {
    config: OAuthConfig,
    agent: ureq::Agent,
    timeout: Duration,
}

/// A device authorization waiting for the user: show
/// [`DeviceAuthorization::prompt`], then [`DeviceAuthorization::wait`].
#[derive(Debug)]
pub struct DeviceAuthorization {
    flow: DeviceFlow,
    agent: ureq::Agent,
    timeout: Duration,
}

impl OAuth {
    /// Without a [`ZoomPhone`]: for getting a user's first tokens.
    pub fn new(config: OAuthConfig) -> OAuth {
        let timeouts = Builder::<ZoomPhone>::new().timeouts();
        OAuth {
            config,
            agent: transport::agent(timeouts.connect),
            timeout: timeouts.attempt,
        }
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// Where to send the user (PKCE and `state` included); keep the
    /// returned request for [`OAuth::exchange_code`].
    pub fn authorization_request(&self) -> Result<AuthorizationRequest, Error> {
        Ok(AuthorizationRequest::new(&self.config, &mut OsRandom)?)
    }

    /// Checks the redirect Zoom sent the user back with (`state`, errors)
    /// and trades its code for tokens.
    pub fn exchange_code(
        &self,
        callback_url: &str,
        authorization: &AuthorizationRequest,
    ) -> Result<TokenSet, Error> {
        let code = auth::parse_callback(callback_url, &authorization.state)?;
        let request =
            auth::code_exchange_request(&self.config, &code, &authorization.code_verifier)?;
        let response = send_token_request(&self.agent, request, self.timeout)?;
        Ok(auth::parse_token_response(&response, clock::now())?)
    }

    /// A new token set for `refresh_token` (which is then dead: Zoom rotates).
    pub fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, Error> {
        let request = auth::refresh_request(&self.config, refresh_token)?;
        let response = send_token_request(&self.agent, request, self.timeout)?;
        Ok(auth::parse_refresh_response(
            &response,
            Some(refresh_token),
            clock::now(),
        )?)
    }

    /// Revokes an access or refresh token.
    pub fn revoke(&self, token: &Secret) -> Result<(), Error> {
        let request = auth::revoke_request(&self.config, token)?;
        let response = send_token_request(&self.agent, request, self.timeout)?;
        Ok(auth::parse_revoke_response(&response)?)
    }

    /// Starts the device flow (RFC 8628): a code for the user to enter.
    pub fn device_authorization(&self) -> Result<DeviceAuthorization, Error> {
        let request = auth::device_authorization_request(&self.config)?;
        let response = send_token_request(&self.agent, request, self.timeout)?;
        let flow = DeviceFlow::start(&self.config, &response, clock::now())?;
        Ok(DeviceAuthorization {
            flow,
            agent: self.agent.clone(),
            timeout: self.timeout,
        })
    }
}

impl DeviceAuthorization {
    /// What to show the user: the code and where to enter it.
    pub fn prompt(&self) -> &DeviceCodePrompt {
        self.flow.prompt()
    }

    /// Polls Zoom at the interval it asks for until the user approves,
    /// refuses, or the code expires.
    pub fn wait(mut self) -> Result<TokenSet, Error> {
        loop {
            match self.flow.poll(clock::now()) {
                DeviceStep::Send(request) => {
                    let response = send_token_request(&self.agent, request, self.timeout)?;
                    self.flow.receive(&response, clock::now());
                }
                DeviceStep::WaitUntil(t) => clock::sleep(clock::until(t)),
                DeviceStep::Done(result) => return Ok(result?),
            }
        }
    }
}

fn send_token_request(
    agent: &ureq::Agent,
    request: http::Request<Vec<u8>>,
    timeout: Duration,
) -> Result<http::Response<Vec<u8>>, Error> {
    let limit = crate::driver::DEFAULT_API_BODY_LIMIT;
    transport::send(agent, request, Some(timeout), limit).into_result(limit)
}
