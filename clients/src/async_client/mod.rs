//! The async client: the core's protocol interpreted over reqwest on tokio.

mod oauth;
mod pages;
mod reqwest;
mod runtime;
#[cfg(feature = "redis")]
mod shards;
mod sync;
#[cfg(feature = "typed-base")]
mod typed;

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
use crate::source::TokenProvider;
use crate::store::AsyncTokenStore;
use crate::transport::Transport;

pub use self::oauth::{DeviceAuthorization, OAuth};
pub use self::pages::Pages;
pub use self::reqwest::http_client_builder;
use self::runtime::Tokio;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::shards::Shards;
pub use self::sync::SyncRun;
#[cfg(feature = "typed-base")]
pub use self::typed::TypedCall;

/// An async Zoom Phone client (reqwest on tokio). Cheap to clone: clones
/// share one session (one token, one retry schedule, one rate limiter).
///
/// ```no_run
/// # async fn demo() -> Result<(), zoom_phone_client::Error> {
/// use zoom_phone_client::ZoomPhone;
/// let zp = ZoomPhone::builder()
///     .server_to_server("account-id", "client-id", "client-secret")
///     .build()?;
/// let page = zp.call("listPhoneUsers", serde_json::json!({ "page_size": 10 })).await?;
/// println!("{} (tracking id {:?})", page.status, page.tracking_id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ZoomPhone {
    core: Arc<Core<Tokio>>,
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
    /// processes can share it). A [`TokenStore`](crate::TokenStore) is one too.
    #[must_use]
    pub fn token_store(mut self, store: impl AsyncTokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Ask `source` for tokens instead of Zoom's OAuth server (overrides
    /// the other credentials).
    #[must_use]
    pub fn token_source(mut self, source: impl TokenProvider + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Send with this reqwest client (a proxy, a custom CA, your own
    /// settings). It must not follow redirects: build it from
    /// [`http_client_builder`] (a client that does is caught at the first
    /// redirect, which fails as a transport error).
    #[must_use]
    pub fn http_client(self, client: ::reqwest::Client) -> Self {
        self.transport(client)
    }

    /// Send through `transport`: your own middleware, or a test double.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    pub fn build(self) -> Result<ZoomPhone, Error> {
        let parts = self.into_parts()?;
        let transport = match parts.transport {
            Some(transport) => transport,
            None => Arc::new(reqwest::default_client(
                parts.connect_timeout,
                parts.native_roots,
            )?),
        };
        #[cfg(feature = "redis")]
        let fleet = parts.redis.map(|(config, redis)| crate::host::Fleet {
            runner: redis.tokio_runner(),
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
                Tokio::default(),
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
    pub async fn call(&self, operation: &str, params: Value) -> Result<Output, Error> {
        self.call_with(operation, params, CallOptions::default())
            .await
    }

    /// [`ZoomPhone::call`] with per-call options (a timeout, attempts,
    /// retrying a write, extra headers).
    pub async fn call_with(
        &self,
        operation: &str,
        params: Value,
        options: CallOptions,
    ) -> Result<Output, Error> {
        let call = CallRequest::operation(operation, params).with_options(options);
        reply::into_json(operation, drive(&self.core, call).await?)
    }

    /// Calls a download operation (`phoneDownloadRecordingFile`,
    /// `phoneDownloadRecordingTranscript`, ...) and returns the file.
    pub async fn download(&self, operation: &str, params: Value) -> Result<Download, Error> {
        let call = CallRequest::operation(operation, params);
        reply::into_download(operation, drive(&self.core, call).await?)
    }

    /// Downloads a `download_url` from an earlier answer (a recording's, a
    /// voicemail's). Redirects are followed by the core; the token goes to
    /// Zoom's hosts only.
    pub async fn download_url(&self, url: &str) -> Result<Download, Error> {
        let call = CallRequest::download(url);
        reply::into_download("download", drive(&self.core, call).await?)
    }

    /// Every item of a listing, page after page, as a
    /// [`Stream`](futures_core::Stream) of JSON values; see [`Pages`] for a
    /// limit, per-call options and resuming. (Typed:
    /// `zp.users().list_phone_users(&request).pages()`.)
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

    /// A listing spread over the workers of the client's fleet: the job's
    /// date range cut into shards (a month each unless set) that the
    /// workers, in this process or others, claim one at a time with a
    /// lease. Streams every item of the shards this worker claims, each
    /// shard walked from where the last worker on it stopped, its position
    /// saved in Redis after every page; ends when no shard is free. Fails
    /// before anything is sent (a `build` error) for a client without a
    /// [fleet](crate::Builder::fleet), an operation that is not a listing,
    /// or a bad job, worker or range.
    ///
    /// ```no_run
    /// # async fn demo(zp: zoom_phone_client::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
    /// use futures_util::StreamExt;
    /// use zoom_phone_client::{ShardOptions, Span};
    /// // Every worker of the job runs the same: together they see each record once.
    /// let job = ShardOptions::new("history-2025", "2025-01-01", "2025-12-31")
    ///     .worker("host-a-1")
    ///     .span(Span::Months(1));
    /// let mut records = zp.shards("accountCallHistory", serde_json::json!({ "page_size": 300 }), job)?;
    /// while let Some(record) = records.next().await {
    ///     println!("{:?} {}", records.shard(), record?["id"]);
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
    /// `.await` it, or set options first. The same calls by tag:
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
    /// process ran; they end a `reauthorization_required` state). Not
    /// written to the token store.
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
