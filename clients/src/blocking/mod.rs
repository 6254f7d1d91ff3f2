//! The blocking client: the core's protocol interpreted over ureq on the
//! calling thread. No async runtime; share one client between threads by
//! cloning it.
//!
//! ```no_run
//! # fn demo() -> Result<(), zoom_phone_client::Error> {
//! use zoom_phone_client::blocking::ZoomPhone;
//! let zp = ZoomPhone::builder()
//!     .server_to_server("account-id", "client-id", "client-secret")
//!     .build()?;
//! for user in zp.paginate("listPhoneUsers", serde_json::json!({})).limit(50) {
//!     println!("{}", user?["email"]);
//! }
//! # Ok(()) }
//! ```

mod oauth;
mod pages;
mod runtime;
#[cfg(feature = "redis")]
mod shards;
mod sync;
#[cfg(feature = "typed-base")]
mod typed;
mod ureq;

use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use zoom_phone::auth::{OAuthConfig, TokenSet};
use zoom_phone::driver::{CallOptions, CallRequest};
use zoom_phone::error::Error;
use zoom_phone::response::Output;

use crate::builder::Builder;
use crate::host::{Core, drive};
use crate::reply::{self, Download};
use crate::source::TokenFuture;
use crate::store::TokenStore;
use crate::transport::{BoxError, BoxFuture, SendOptions, SendResult};

pub use self::oauth::{DeviceAuthorization, OAuth};
pub use self::pages::Pages;
use self::runtime::{Threads, block_on};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::shards::Shards;
pub use self::sync::SyncRun;
#[cfg(feature = "typed-base")]
pub use self::typed::TypedCall;
/// The typed method groups of the blocking client (`zp.users()` returns a
/// [`groups::Users`]).
#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
pub use crate::groups::blocking as groups;

/// Sends requests for the blocking client; [`ureq::Agent`](::ureq::Agent)
/// implements it. Implement it for your own middleware or a test double:
/// send the request as it is (never following a redirect) within
/// `options.timeout`, reading at most `options.body_limit` body bytes.
pub trait Transport: Send + Sync + 'static {
    fn send(&self, request: http::Request<Vec<u8>>, options: SendOptions) -> SendResult;
}

/// The host's own source of access tokens for the blocking client. Any
/// `Fn() -> Result<TokenSet, BoxError>` is one.
pub trait TokenProvider: Send + Sync {
    fn fetch(&self) -> Result<TokenSet, BoxError>;
}

impl<F> TokenProvider for F
where
    F: Fn() -> Result<TokenSet, BoxError> + Send + Sync,
{
    fn fetch(&self) -> Result<TokenSet, BoxError> {
        self()
    }
}

/// A blocking transport or token source in the async form the shared
/// interpreter takes: its work is done when the future is made, which the
/// blocking client then polls once.
struct Ready<T>(T);

impl<T: Transport> crate::transport::Transport for Ready<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        options: SendOptions,
    ) -> BoxFuture<'_, SendResult> {
        Box::pin(std::future::ready(self.0.send(request, options)))
    }
}

impl<T: TokenProvider> crate::source::TokenProvider for Ready<T> {
    fn fetch(&self) -> TokenFuture {
        Box::pin(std::future::ready(self.0.fetch()))
    }
}

/// A blocking Zoom Phone client (ureq). Cheap to clone: clones share one
/// session (one token, one retry schedule, one rate limiter).
#[derive(Clone)]
pub struct ZoomPhone {
    core: Arc<Core<Threads>>,
}

impl fmt::Debug for ZoomPhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZoomPhone")
            .field("session", &*self.core.session())
            .finish_non_exhaustive()
    }
}

impl Builder<ZoomPhone> {
    /// Save every new token set there, start from the saved one, and lock
    /// and re-read it before each renewal (so several clients or
    /// processes can share it).
    #[must_use]
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Ask `source` for tokens instead of Zoom's OAuth server (overrides
    /// the other credentials).
    #[must_use]
    pub fn token_source(mut self, source: impl TokenProvider + 'static) -> Self {
        self.source = Some(Arc::new(Ready(source)));
        self
    }

    /// Send with this ureq agent (a proxy, custom TLS, your own settings).
    /// Each request overrides what the client must decide itself: every
    /// status is an answer, no redirect is followed, and the attempt's
    /// timeout applies.
    #[must_use]
    pub fn agent(self, agent: ::ureq::Agent) -> Self {
        self.transport(agent)
    }

    /// Send through `transport`: your own middleware, or a test double.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(Ready(transport)));
        self
    }

    pub fn build(self) -> Result<ZoomPhone, Error> {
        let parts = self.into_parts()?;
        let transport = match parts.transport {
            Some(transport) => transport,
            None => Arc::new(Ready(ureq::default_agent(
                parts.connect_timeout,
                parts.native_roots,
            )?)),
        };
        #[cfg(feature = "redis")]
        let fleet = parts.redis.map(|(config, redis)| crate::host::Fleet {
            runner: redis.blocking_runner(),
            config,
        });
        #[cfg(not(feature = "redis"))]
        let fleet = None;
        Ok(ZoomPhone {
            core: Arc::new(Core::new(
                parts.session,
                transport,
                parts.store,
                parts.source,
                fleet,
                Threads::default(),
            )),
        })
    }
}

impl ZoomPhone {
    pub fn builder() -> Builder<ZoomPhone> {
        Builder::new()
    }

    /// Calls `operation` (Zoom's operationId, `listCallQueues`, or its
    /// snake_case name, `list_call_queues`) with path and query parameters
    /// by their spec names and the request body under `"body"`.
    pub fn call(&self, operation: &str, params: Value) -> Result<Output, Error> {
        self.call_with(operation, params, CallOptions::default())
    }

    /// [`ZoomPhone::call`] with per-call options (a timeout, attempts,
    /// retrying a write, extra headers).
    pub fn call_with(
        &self,
        operation: &str,
        params: Value,
        options: CallOptions,
    ) -> Result<Output, Error> {
        let call = CallRequest::operation(operation, params).with_options(options);
        reply::into_json(operation, block_on(drive(&self.core, call))?)
    }

    /// Calls a download operation (`phoneDownloadRecordingFile`,
    /// `phoneDownloadRecordingTranscript`, ...) and returns the file.
    pub fn download(&self, operation: &str, params: Value) -> Result<Download, Error> {
        let call = CallRequest::operation(operation, params);
        reply::into_download(operation, block_on(drive(&self.core, call))?)
    }

    /// Downloads a `download_url` from an earlier answer (a recording's, a
    /// voicemail's). Redirects are followed by the core; the token goes to
    /// Zoom's hosts only.
    pub fn download_url(&self, url: &str) -> Result<Download, Error> {
        let call = CallRequest::download(url);
        reply::into_download("download", block_on(drive(&self.core, call))?)
    }

    /// Every item of a listing, page after page, as an iterator of JSON
    /// values; see [`Pages`] for a limit, per-call options and resuming.
    /// (Typed: `zp.users().list_phone_users(&request).pages()`.)
    pub fn paginate(&self, operation: &str, params: Value) -> Pages<Value> {
        Pages::new(Arc::clone(&self.core), operation, params)
    }

    /// An incremental sync of a sync operation (`syncUserCallLogs`,
    /// `syncUserCallHistory`, `smsSessionSync`, `GetSmsSessions`): its
    /// batches, each with the checkpoint to persist; [`SyncRun::resume`] a
    /// later run from it to get only what changed since.
    pub fn sync(&self, operation: &str, params: Value) -> SyncRun {
        SyncRun::new(Arc::clone(&self.core), operation, params)
    }

    /// A listing spread over the workers of the client's fleet, as an
    /// [`Iterator`]: see the async client's
    /// [`shards`](crate::ZoomPhone::shards). Stopping early (a `break`)
    /// saves the shard's exact position for the next worker.
    ///
    /// ```no_run
    /// # fn demo(zp: zoom_phone_client::blocking::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
    /// use zoom_phone_client::ShardOptions;
    /// let job = ShardOptions::new("history-2025", "2025-01-01", "2025-12-31").worker("host-b-1");
    /// for record in zp.shards("accountCallHistory", serde_json::json!({ "page_size": 300 }), job)? {
    ///     println!("{}", record?["id"]);
    /// }
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    pub fn shards(
        &self,
        operation: &str,
        params: Value,
        options: crate::ShardOptions,
    ) -> Result<Shards<Value>, Error> {
        Shards::new(Arc::clone(&self.core), operation, params, options)
    }

    /// Every item of a listing as `T`, decoded straight from each page.
    pub fn paginate_as<T: serde::de::DeserializeOwned>(
        &self,
        operation: &str,
        params: Value,
    ) -> Pages<T> {
        Pages::new(Arc::clone(&self.core), operation, params)
    }

    /// A typed call of `request` (`zoom_phone_client::ops::<tag>::<OperationId>`):
    /// `.send()` it, or set options first. The same calls by tag:
    /// `zp.call_queues().list_call_queues(&request)`.
    #[cfg(feature = "typed-base")]
    #[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
    pub fn request<E: zoom_phone::typed::Endpoint>(&self, request: &E) -> TypedCall<'_, E> {
        TypedCall::new(self, request)
    }

    /// OAuth flows (authorization code with PKCE, refresh, revoke, device)
    /// over this client's transport.
    pub fn oauth(&self, config: OAuthConfig) -> OAuth {
        let timeout = self.core.session().timeouts().attempt;
        OAuth::with(config, Arc::clone(&self.core.transport), timeout)
    }

    /// The token set in use, if any (`Debug` shows no token).
    pub fn tokens(&self) -> Option<TokenSet> {
        self.core.session().tokens().cloned()
    }

    /// Uses `tokens` from the next call on (tokens from an OAuth flow this
    /// process ran). Not written to the token store.
    pub fn install_tokens(&self, tokens: TokenSet) {
        self.core.session().install_tokens(tokens);
    }

    /// How many times this client crossed into the core's session (two per
    /// call on the fast path): a diagnostic for tests and benchmarks.
    #[doc(hidden)]
    pub fn entries(&self) -> u64 {
        self.core.session().entries()
    }
}
