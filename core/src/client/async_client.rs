//! The async client: the driver's host loop over reqwest and tokio.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde_json::Value;
use tokio::sync::{Notify, OnceCell};

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
use super::store::{AsyncTokenStore, StoreLock};
use super::transport_reqwest as transport;
use super::{Download, ResumeToken, clock, into_download, store_error};

/// A future returned by a [`TokenProvider`].
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<TokenSet, OAuthError>> + Send>>;

/// The host's own source of access tokens (a vault, another service), asked
/// whenever the session needs a token. Any `Fn() -> impl Future<Output =
/// Result<TokenSet, OAuthError>>` is one.
pub trait TokenProvider: Send + Sync {
    fn fetch(&self) -> TokenFuture;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<TokenSet, OAuthError>> + Send + 'static,
{
    fn fetch(&self) -> TokenFuture {
        Box::pin(self())
    }
}

/// An async Zoom Phone client. Clones share one session.
#[derive(Clone)]
pub struct ZoomPhone {
    inner: Arc<Inner>,
}

struct Inner {
    session: Mutex<Session>,
    /// Fired after every receive and cancel: calls waiting for another
    /// call's progress (a token request in flight) poll again.
    progress: Notify,
    http: reqwest::Client,
    timeouts: Timeouts,
    store: Option<Arc<dyn AsyncTokenStore>>,
    loaded: OnceCell<()>,
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
    pub fn token_store(mut self, store: impl AsyncTokenStore + 'static) -> Self {
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
        let http = transport::client(timeouts.connect)?;
        Ok(ZoomPhone {
            inner: Arc::new(Inner {
                session: Mutex::new(Session::new(config)?),
                progress: Notify::new(),
                http,
                timeouts,
                store: self.store,
                loaded: OnceCell::new(),
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

/// Cancels the call in the session when its future is dropped before the
/// end (a caller's own timeout, a `select!`): a token fetch it was doing for
/// the others is then restarted by them instead of awaited forever.
struct CancelOnDrop<'a> {
    inner: &'a Inner,
    id: CallId,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        // A no-op for a call that is done: ids are never reused.
        self.inner.session().cancel(self.id);
        self.inner.progress.notify_waiters();
    }
}

impl ZoomPhone {
    pub fn builder() -> Builder<ZoomPhone> {
        Builder::new()
    }

    /// Calls `operation` (Zoom's operationId, `listCallQueues`, or its
    /// snake_case name, `list_call_queues`) with path and query parameters by
    /// their spec names and the request body under `"body"`.
    pub async fn call(&self, operation: &str, params: Value) -> Result<Output, Error> {
        self.call_with(operation, params, self.options()).await
    }

    /// [`ZoomPhone::call`] with per-call options (deadline, retrying writes).
    pub async fn call_with(
        &self,
        operation: &str,
        params: Value,
        opts: CallOptions,
    ) -> Result<Output, Error> {
        self.load_tokens().await?;
        let id = self
            .inner
            .session()
            .start(operation, params, opts.clone(), clock::now());
        self.drive(id, opts.deadline).await
    }

    /// Calls the operation of a typed request (`zoom_phone::ops::<tag>::<OperationId>`)
    /// and decodes its answer. The same calls by tag:
    /// `zp.call_queues().list_call_queues(&request)`.
    #[cfg(feature = "typed-base")]
    #[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
    pub async fn send<E: crate::typed::Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        let params = crate::typed::to_params(request)?;
        let output = self.call(E::OPERATION_ID, params).await?;
        super::typed_body::<E>(output)
    }

    /// Calls a download operation (`downloadPhoneRecording`, ...) and
    /// returns the file.
    pub async fn download(&self, operation: &str, params: Value) -> Result<Download, Error> {
        let output = self.call(operation, params).await?;
        into_download(operation, output)
    }

    /// Downloads a `download_url` from an earlier answer (a recording's, a
    /// voicemail's). Redirects are followed; the token goes only to Zoom.
    pub async fn download_url(&self, url: &str) -> Result<Download, Error> {
        self.load_tokens().await?;
        let opts = self.options();
        let id = self
            .inner
            .session()
            .start_download(url, opts.clone(), clock::now());
        let output = self.drive(id, opts.deadline).await?;
        into_download("download", output)
    }

    /// Every item of a listing, page after page, as a stream. Items are
    /// JSON values; see [`Pages`] for a limit and resuming.
    pub fn paginate(&self, operation: &str, params: Value) -> Pages {
        Pages::new(self.clone(), operation, params)
    }

    /// OAuth flows (authorization code with PKCE, refresh, revoke, device)
    /// over this client's HTTP connection pool.
    pub fn oauth(&self, config: OAuthConfig) -> OAuth {
        OAuth {
            config,
            http: self.inner.http.clone(),
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

    /// Seeds the session from the token store, once per client.
    async fn load_tokens(&self) -> Result<(), Error> {
        let Some(store) = &self.inner.store else {
            return Ok(());
        };
        self.inner
            .loaded
            .get_or_try_init(|| async {
                if let Some(tokens) = store.load().await.map_err(store_error)? {
                    self.inner.session().load_tokens(tokens);
                }
                Ok::<(), Error>(())
            })
            .await
            .map(|_| ())
    }

    /// The host loop of one call.
    async fn drive(&self, id: CallId, deadline: Option<Timestamp>) -> Result<Output, Error> {
        let inner = &*self.inner;
        let _cancel = CancelOnDrop { inner, id };
        // The store's lock while this call renews the session's token.
        let mut lock: Option<StoreLock> = None;
        loop {
            // Registered before polling, so progress made between the poll
            // and the wait is not missed.
            let notified = inner.progress.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let action = inner.session().poll(id, clock::now());
            match action {
                Action::Send { attempt, request } => {
                    let timeout = attempt_timeout(inner.timeouts.attempt, deadline);
                    let limit = inner.session().response_limit(id);
                    let received =
                        transport::send(&inner.http, request, Some(timeout), limit).await;
                    received.deliver(&mut inner.session(), id, attempt, clock::now());
                    inner.progress.notify_waiters();
                    self.persist().await?;
                    if !inner.session().renewing(id) {
                        lock = None;
                    }
                }
                Action::LoadTokens { attempt } => {
                    let stored = match &inner.store {
                        Some(store) => {
                            if lock.is_none() {
                                lock = Some(lock_store(&**store).await.map_err(store_error)?);
                            }
                            store.load().await.map_err(|e| e.to_string())
                        }
                        None => Ok(None),
                    };
                    inner
                        .session()
                        .receive_stored(id, attempt, stored, clock::now());
                    inner.progress.notify_waiters();
                    if !inner.session().renewing(id) {
                        lock = None;
                    }
                }
                Action::FetchToken { attempt } => {
                    let outcome = match &inner.provider {
                        Some(provider) => provider.fetch().await,
                        None => Err(OAuthError::RenewalFailed {
                            message: "no token source was configured".to_owned(),
                        }),
                    };
                    inner
                        .session()
                        .receive_token(id, attempt, outcome, clock::now());
                    inner.progress.notify_waiters();
                    self.persist().await?;
                }
                Action::Wait { until } => {
                    // Past the deadline the next poll ends the call.
                    let wake = match (until, deadline) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    match wake {
                        Some(t) => {
                            let _ = tokio::time::timeout(clock::until(t), notified).await;
                        }
                        None => notified.await,
                    }
                }
                Action::Done(result) => return result,
            }
        }
    }

    async fn persist(&self) -> Result<(), Error> {
        let tokens = self.inner.session().take_persist();
        match (tokens, &self.inner.store) {
            (Some(tokens), Some(store)) => store.save(&tokens).await.map_err(store_error),
            _ => Ok(()),
        }
    }
}

/// How often a client waiting for another one's store lock looks again.
const LOCK_RETRY: Duration = Duration::from_millis(5);

/// Takes the store's lock, waiting (without blocking the runtime) while
/// another client holds it for its refresh.
async fn lock_store(store: &dyn AsyncTokenStore) -> std::io::Result<StoreLock> {
    loop {
        if let Some(lock) = store.try_lock()? {
            return Ok(lock);
        }
        tokio::time::sleep(LOCK_RETRY).await;
    }
}

/// The time one request may take: the attempt limit, or what is left
/// before the call's deadline.
fn attempt_timeout(limit: Duration, deadline: Option<Timestamp>) -> Duration {
    match deadline {
        Some(d) => clock::until(d).min(limit),
        None => limit,
    }
}

type CallFuture = Pin<Box<dyn Future<Output = Result<Output, Error>> + Send>>;

/// The items of a listing as a [`Stream`] of `Result<Value, Error>`: each
/// page is fetched when the previous one is used up. An error ends the
/// stream.
///
/// ```no_run
/// # #[cfg(feature = "async-client")]
/// # async fn demo(zp: zoom_phone::client::ZoomPhone) -> Result<(), zoom_phone::Error> {
/// use futures_util::StreamExt;
/// let mut records = zp
///     .paginate("getAccountCallHistory", serde_json::json!({ "page_size": 300 }))
///     .limit(1000);
/// while let Some(record) = records.next().await {
///     println!("{}", record?["id"]);
/// }
/// # Ok(()) }
/// ```
pub struct Pages {
    client: ZoomPhone,
    operation: String,
    pager: Result<Pager, Option<Error>>,
    buffer: VecDeque<Value>,
    in_flight: Option<CallFuture>,
}

impl fmt::Debug for Pages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation)
            .field("buffered", &self.buffer.len())
            .field("in_flight", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
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
            in_flight: None,
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
        if !self.buffer.is_empty() || self.in_flight.is_some() {
            return None;
        }
        let (token, issued_at) = self.pager.as_ref().ok()?.token()?;
        Some(ResumeToken {
            token: token.to_owned(),
            issued_at,
        })
    }

    /// Items handed out so far.
    pub fn yielded(&self) -> u64 {
        let pending = self.buffer.len() as u64;
        self.pager
            .as_ref()
            .map_or(0, |p| p.yielded().saturating_sub(pending))
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<Value, Error>>> {
        self.in_flight = None;
        self.buffer.clear();
        self.pager = Err(None);
        Poll::Ready(Some(Err(error)))
    }
}

impl Stream for Pages {
    type Item = Result<Value, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let pager = match &mut this.pager {
                Ok(pager) => pager,
                Err(error) => return Poll::Ready(error.take().map(Err)),
            };
            if let Some(call) = &mut this.in_flight {
                let result = match call.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.in_flight = None;
                match result {
                    Ok(output) => {
                        let items = pager.accept(&output, clock::now());
                        this.buffer.extend(items.iter().cloned());
                    }
                    // The driver already turned Zoom's expired-token answer
                    // into Error::PageTokenExpired.
                    Err(error) => return this.fail(error),
                }
                continue;
            }
            match pager.next_params(clock::now()) {
                Ok(None) => return Poll::Ready(None),
                Ok(Some(params)) => {
                    let client = this.client.clone();
                    let operation = this.operation.clone();
                    this.in_flight =
                        Some(Box::pin(
                            async move { client.call(&operation, params).await },
                        ));
                }
                Err(error) => return this.fail(error),
            }
        }
    }
}

/// OAuth flows over the client's HTTP connection pool: the requests come
/// from [`zoom_phone::auth`](crate::auth), the answers go back to it.
#[derive(Debug, Clone)]
pub struct OAuth {
    config: OAuthConfig,
    http: reqwest::Client,
    timeout: Duration,
}

/// A device authorization waiting for the user: show [`prompt`], then
/// [`DeviceAuthorization::wait`].
///
/// [`prompt`]: DeviceAuthorization::prompt
#[derive(Debug)]
pub struct DeviceAuthorization {
    flow: DeviceFlow,
    http: reqwest::Client,
    timeout: Duration,
}

impl OAuth {
    /// Without a [`ZoomPhone`]: for getting a user's first tokens.
    pub fn new(config: OAuthConfig) -> Result<OAuth, Error> {
        let timeouts = Builder::<ZoomPhone>::new().timeouts();
        let http = transport::client(timeouts.connect)?;
        Ok(OAuth {
            config,
            http,
            timeout: timeouts.attempt,
        })
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
    pub async fn exchange_code(
        &self,
        callback_url: &str,
        authorization: &AuthorizationRequest,
    ) -> Result<TokenSet, Error> {
        let code = auth::parse_callback(callback_url, &authorization.state)?;
        let request =
            auth::code_exchange_request(&self.config, &code, &authorization.code_verifier)?;
        let response = self.send(request).await?;
        Ok(auth::parse_token_response(&response, clock::now())?)
    }

    /// A new token set for `refresh_token` (which is then dead: Zoom rotates).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, Error> {
        let request = auth::refresh_request(&self.config, refresh_token)?;
        let response = self.send(request).await?;
        Ok(auth::parse_refresh_response(
            &response,
            Some(refresh_token),
            clock::now(),
        )?)
    }

    /// Revokes an access or refresh token.
    pub async fn revoke(&self, token: &Secret) -> Result<(), Error> {
        let request = auth::revoke_request(&self.config, token)?;
        let response = self.send(request).await?;
        Ok(auth::parse_revoke_response(&response)?)
    }

    /// Starts the device flow (RFC 8628): a code for the user to enter.
    pub async fn device_authorization(&self) -> Result<DeviceAuthorization, Error> {
        let request = auth::device_authorization_request(&self.config)?;
        let response = self.send(request).await?;
        let flow = DeviceFlow::start(&self.config, &response, clock::now())?;
        Ok(DeviceAuthorization {
            flow,
            http: self.http.clone(),
            timeout: self.timeout,
        })
    }

    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        send_token_request(&self.http, request, self.timeout).await
    }
}

impl DeviceAuthorization {
    /// What to show the user: the code and where to enter it.
    pub fn prompt(&self) -> &DeviceCodePrompt {
        self.flow.prompt()
    }

    /// Polls Zoom at the interval it asks for until the user approves,
    /// refuses, or the code expires.
    pub async fn wait(mut self) -> Result<TokenSet, Error> {
        loop {
            match self.flow.poll(clock::now()) {
                DeviceStep::Send(request) => {
                    let response = send_token_request(&self.http, request, self.timeout).await?;
                    self.flow.receive(&response, clock::now());
                }
                DeviceStep::WaitUntil(t) => tokio::time::sleep(clock::until(t)).await,
                DeviceStep::Done(result) => return Ok(result?),
            }
        }
    }
}

async fn send_token_request(
    http: &reqwest::Client,
    request: http::Request<Vec<u8>>,
    timeout: Duration,
) -> Result<http::Response<Vec<u8>>, Error> {
    let limit = crate::driver::DEFAULT_API_BODY_LIMIT;
    transport::send(http, request, Some(timeout), limit)
        .await
        .into_result(limit)
}
