//! The settings both clients are built from: a [`Builder`] only translates
//! Rust's idiom (`Duration`s, typed policies) into the core's one
//! [`HostConfig`], which decides credentials, defaults and limits for every
//! host alike. Each client adds its own token store, token source and
//! transport, and `build()`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use zoom_phone::Secret;
use zoom_phone::auth::{LifecycleSettings, OAuthConfig, OsRandom, RandomSource, TokenSet};
use zoom_phone::config::{ConfigError, Credentials, HostConfig, LogLevel, StoreMode};
use zoom_phone::driver::{BodyLimits, Session};
use zoom_phone::error::Error;
use zoom_phone::limiter::PlanLimits;
use zoom_phone::retry::RetryPolicy;

use crate::source::TokenProvider;
use crate::store::AsyncTokenStore;
use crate::transport::Transport;

mod sealed {
    pub trait Sealed {}
}

/// A client type a [`Builder`] builds: the async `ZoomPhone` or the
/// `blocking::ZoomPhone`.
pub trait Client: sealed::Sealed {}

#[cfg(feature = "async")]
impl sealed::Sealed for crate::ZoomPhone {}
#[cfg(feature = "async")]
impl Client for crate::ZoomPhone {}

#[cfg(feature = "blocking")]
impl sealed::Sealed for crate::blocking::ZoomPhone {}
#[cfg(feature = "blocking")]
impl Client for crate::blocking::ZoomPhone {}

/// Builds a `ZoomPhone` (async, feature `async`) or a `blocking::ZoomPhone`
/// (feature `blocking`). Credentials are the one thing required.
///
/// ```
/// # #[cfg(feature = "async")]
/// # fn demo() -> Result<(), zoom_phone_client::Error> {
/// use std::time::Duration;
/// let zp = zoom_phone_client::ZoomPhone::builder()
///     .server_to_server("account-id", "client-id", "client-secret")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Builder<C: Client> {
    /// Everything but the credentials (those are set at `build`).
    pub(crate) config: HostConfig,
    pub(crate) credentials: Option<Credentials>,
    /// `oauth_base` was set on the builder: it wins over a user app's.
    oauth_base_set: bool,
    pub(crate) store: Option<Arc<dyn AsyncTokenStore>>,
    pub(crate) source: Option<Arc<dyn TokenProvider>>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) native_roots: bool,
    #[cfg(feature = "redis")]
    redis: Option<crate::RedisFleet>,
    log: Option<LogLevel>,
    client: PhantomData<fn() -> C>,
}

impl<C: Client> fmt::Debug for Builder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("credentials", &self.credentials)
            .field("request", &self.config.request)
            .field("oauth_base", &self.config.oauth_base)
            .field("retry", &self.config.retry)
            .field("rate_limits", &self.config.rate_limits)
            .field("timeouts", &self.config.timeouts)
            .field("has_store", &self.store.is_some())
            .field("has_token_source", &self.source.is_some())
            .field("has_transport", &self.transport.is_some())
            .field("fleet", &self.config.fleet)
            .finish_non_exhaustive()
    }
}

/// What `build()` needs besides the IO it adds.
pub(crate) struct Parts {
    pub(crate) session: Session,
    pub(crate) store: Option<Arc<dyn AsyncTokenStore>>,
    pub(crate) source: Option<Arc<dyn TokenProvider>>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) native_roots: bool,
    pub(crate) connect_timeout: Duration,
    /// The fleet's settings and its Redis.
    #[cfg(feature = "redis")]
    pub(crate) redis: Option<(zoom_phone::fleet::FleetConfig, crate::RedisFleet)>,
}

impl<C: Client> Builder<C> {
    pub(crate) fn new() -> Self {
        Builder {
            // The carrier of every other setting; the credentials are
            // chosen at `build`.
            config: HostConfig::new(Credentials::TokenSource),
            credentials: None,
            oauth_base_set: false,
            store: None,
            source: None,
            transport: None,
            native_roots: false,
            #[cfg(feature = "redis")]
            redis: None,
            log: None,
            client: PhantomData,
        }
    }

    /// Server-to-server OAuth: the client fetches (and renews) account
    /// tokens with these credentials.
    #[must_use]
    pub fn server_to_server(
        mut self,
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(Credentials::ServerToServer {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// The client credentials grant (chatbot-style apps).
    #[must_use]
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// A user's tokens (from `OAuth::exchange_code` or a
    /// device flow), renewed with the refresh grant of `app` (its OAuth
    /// server too, unless [`Builder::oauth_base`] names one). Zoom rotates
    /// refresh tokens: give the client a token store so the new ones
    /// survive the process.
    #[must_use]
    pub fn user_tokens(mut self, app: OAuthConfig, tokens: TokenSet) -> Self {
        if !self.oauth_base_set {
            self.config.oauth_base = app.oauth_base.clone();
        }
        self.credentials = Some(Credentials::UserTokens {
            client_id: app.client_id,
            client_secret: app.client_secret,
            tokens,
        });
        self
    }

    /// One access token, used as long as Zoom accepts it and never renewed.
    #[must_use]
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::AccessToken(token.into()));
        self
    }

    /// The API base URL (default `https://api.zoom.us/v2`). A token's
    /// `api_url` takes precedence, as Zoom asks.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.request.base_url = url.into();
        self
    }

    /// The base URL of Zoom's file API, where the fax upload goes (default
    /// `https://fileapi.zoom.us/v2`).
    #[must_use]
    pub fn file_base_url(mut self, url: impl Into<String>) -> Self {
        self.config.request.file_base_url = url.into();
        self
    }

    /// The OAuth server (default `https://zoom.us`).
    #[must_use]
    pub fn oauth_base(mut self, url: impl Into<String>) -> Self {
        self.config.oauth_base = url.into().trim_end_matches('/').to_owned();
        self.oauth_base_set = true;
        self
    }

    /// The `User-Agent` header (default `zoom-phone-rust/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.request.user_agent = user_agent.into();
        self
    }

    /// The largest response bodies read (default [`BodyLimits::default`]:
    /// 32 MiB of JSON, 1 GiB per download); a longer one fails the call
    /// with [`Error::ResponseTooLarge`] without being read whole.
    #[must_use]
    pub fn body_limits(mut self, limits: BodyLimits) -> Self {
        self.config.body_limits = limits;
        self
    }

    /// How failed attempts are retried (default [`RetryPolicy::default`]:
    /// 4 attempts; writes only when the policy or the call allows it).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Client-side rate limiting by Zoom's categories for the account's
    /// plan ([`PlanLimits::pro`], [`PlanLimits::business`]); off by default.
    #[must_use]
    pub fn rate_limits(mut self, plan: PlanLimits) -> Self {
        self.config.rate_limits = Some(plan);
        self
    }

    /// Join the fleet of an account: every client (in this process or
    /// another, on this machine or another) built with the same
    /// [`FleetConfig`](crate::FleetConfig) account and prefix on one Redis
    /// shares the account's rate-limit budget (with
    /// [`Builder::rate_limits`] naming the plan: per category per second,
    /// the daily quota, a pause for all after Zoom's 429, `share` of it
    /// for this fleet) and its tokens (one token request per expiry for
    /// all; a user's rotating refresh token renewed by exactly one). When
    /// Redis is out of reach the client works alone and says so once
    /// (the `fleet.degraded` log event), and rejoins when it is back.
    /// Not with [`token_store`](crate::Builder::token_store): the fleet
    /// keeps the tokens in Redis.
    ///
    /// ```no_run
    /// # #[cfg(feature = "async")]
    /// # fn demo() -> Result<(), zoom_phone_client::Error> {
    /// use zoom_phone_client::{FleetConfig, PlanLimits, RedisFleet, ZoomPhone};
    /// let zp = ZoomPhone::builder()
    ///     .server_to_server("account-id", "client-id", "client-secret")
    ///     .rate_limits(PlanLimits::pro())
    ///     .fleet(
    ///         FleetConfig::new("account-id").with_share(0.95),
    ///         RedisFleet::open("redis://127.0.0.1:6379")?,
    ///     )
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// The blocking client takes the same two
    /// (`zoom_phone_client::blocking::ZoomPhone::builder().fleet(..)`).
    #[cfg(feature = "redis")]
    #[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
    #[must_use]
    pub fn fleet(mut self, config: crate::FleetConfig, redis: crate::RedisFleet) -> Self {
        self.config.fleet = Some(config);
        self.redis = Some(redis);
        self
    }

    /// When to renew a token before it expires, and when a renewal counts
    /// as lost.
    #[must_use]
    pub fn token_lifecycle(mut self, settings: LifecycleSettings) -> Self {
        self.config.lifecycle = settings;
        self
    }

    /// A deadline for every call, retries, waits and token requests
    /// included (default: none beyond the retry policy's `max_elapsed`);
    /// a call's own [`CallOptions::timeout`](crate::CallOptions) overrides it.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.call = Some(timeout);
        self
    }

    /// The longest a single request may take, body included (default 120 s).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.attempt = timeout;
        self
    }

    /// The longest a connection may take to set up (default 10 s), for the
    /// client's own HTTP client (one passed in keeps its own setting).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.connect = timeout;
        self
    }

    /// Trust the platform's certificate store instead of the bundled
    /// Mozilla (webpki) roots, for the client's own HTTP client: what a
    /// TLS-inspecting corporate proxy needs (its CA is installed there).
    #[cfg(feature = "native-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-roots")))]
    #[must_use]
    pub fn native_roots(mut self, native: bool) -> Self {
        self.native_roots = native;
        self
    }

    /// Which of the core's log events reach `tracing` (default: what the
    /// subscriber in place when `build()` runs lets through).
    #[cfg(feature = "tracing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
    #[must_use]
    pub fn log_level(mut self, level: LogLevel) -> Self {
        self.log = Some(level);
        self
    }

    /// The session and the client-specific pieces; fails on a
    /// configuration the core refuses.
    pub(crate) fn into_parts(self) -> Result<Parts, Error> {
        let mut config = self.config;
        config.credentials = match (self.source.is_some(), self.credentials) {
            (true, _) => Credentials::TokenSource,
            (false, Some(credentials)) => credentials,
            (false, None) => {
                return Err(ConfigError::new(
                    "credentials",
                    "are missing: call server_to_server, client_credentials, user_tokens, \
                     access_token or token_source on the builder",
                )
                .into());
            }
        };
        // Any store may be shared (clones of a MemoryStore, one file for
        // several processes): renewals lock and re-read it first.
        config.token_store = if self.store.is_some() {
            StoreMode::Shared
        } else {
            StoreMode::None
        };
        config.seed = random_seed();
        config.log = crate::log::level(self.log);
        let connect_timeout = config.timeouts.connect;
        #[cfg(feature = "redis")]
        let redis = config.fleet.clone().zip(self.redis);
        Ok(Parts {
            session: Session::new(config)?,
            store: self.store,
            source: self.source,
            transport: self.transport,
            native_roots: self.native_roots,
            connect_timeout,
            #[cfg(feature = "redis")]
            redis,
        })
    }
}

/// Jitter must differ between processes, or clients restarted together
/// retry in lockstep.
pub(crate) fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without OS randomness the jitter is still spread over time, just
    // predictable: not worth failing the client for.
    if OsRandom.fill(&mut bytes).is_err() {
        return u64::from(std::process::id());
    }
    u64::from_le_bytes(bytes)
}
