//! The settings both clients are built from. `Builder<C>` carries them for
//! client type `C`; each client adds its own token store, token source and
//! `build()`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::Secret;
use crate::auth::{LifecycleSettings, OAuthConfig, OsRandom, RandomSource, TokenSet};
use crate::driver::{AuthConfig, BodyLimits, SessionConfig};
use crate::error::Error;
use crate::limiter::PlanLimits;
use crate::request::RequestConfig;
use crate::retry::RetryPolicy;

/// How a client gets its tokens.
#[derive(Debug, Clone)]
pub(crate) enum AuthChoice {
    None,
    ServerToServer(OAuthConfig),
    ClientCredentials(OAuthConfig),
    User(OAuthConfig, TokenSet),
    Fixed(Secret),
}

mod sealed {
    pub trait Sealed {}
}

/// A client type a [`Builder`] builds: its token store and token source
/// traits (async for the async client, plain for the blocking one).
pub trait Client: sealed::Sealed {
    #[doc(hidden)]
    type Store: ?Sized + Send + Sync;
    #[doc(hidden)]
    type Provider: ?Sized + Send + Sync;
}

#[cfg(feature = "async-client")]
impl sealed::Sealed for super::ZoomPhone {}
#[cfg(feature = "async-client")]
impl Client for super::ZoomPhone {
    type Store = dyn super::AsyncTokenStore;
    type Provider = dyn super::TokenProvider;
}

#[cfg(feature = "blocking-client")]
impl sealed::Sealed for super::blocking::ZoomPhone {}
#[cfg(feature = "blocking-client")]
impl Client for super::blocking::ZoomPhone {
    type Store = dyn super::TokenStore;
    type Provider = dyn super::blocking::TokenProvider;
}

/// Builds a [`ZoomPhone`](super::ZoomPhone) (async) or a
/// [`blocking::ZoomPhone`](super::blocking::ZoomPhone).
///
/// ```no_run
/// # #[cfg(feature = "async-client")]
/// # fn demo() -> Result<(), zoom_phone::Error> {
/// let zp = zoom_phone::client::ZoomPhone::builder()
///     .server_to_server("account-id", "client-id", "client-secret")
///     .timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Builder<C: Client> {
    pub(crate) auth: AuthChoice,
    pub(crate) request: RequestConfig,
    pub(crate) oauth_base: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) limits: Option<PlanLimits>,
    pub(crate) body_limits: BodyLimits,
    pub(crate) lifecycle: LifecycleSettings,
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) store: Option<Arc<C::Store>>,
    pub(crate) provider: Option<Arc<C::Provider>>,
    pub(crate) client: PhantomData<fn() -> C>,
}

impl<C: Client> fmt::Debug for Builder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("auth", &self.auth)
            .field("request", &self.request)
            .field("oauth_base", &self.oauth_base)
            .field("retry", &self.retry)
            .field("limits", &self.limits)
            .field("timeout", &self.timeout)
            .field("has_store", &self.store.is_some())
            .field("has_token_source", &self.provider.is_some())
            .finish_non_exhaustive()
    }
}

/// What a client keeps from its builder besides the session.
#[derive(Debug, Clone)]
pub(crate) struct Timeouts {
    /// Deadline of each call, from its start, retries included.
    pub call: Option<Duration>,
    /// Longest one request may take, body included.
    pub attempt: Duration,
    pub connect: Duration,
}

impl<C: Client> Builder<C> {
    pub(crate) fn new() -> Self {
        Builder {
            auth: AuthChoice::None,
            request: RequestConfig::default(),
            oauth_base: None,
            retry: RetryPolicy::default(),
            limits: None,
            body_limits: BodyLimits::default(),
            lifecycle: LifecycleSettings::default(),
            timeout: None,
            attempt_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            store: None,
            provider: None,
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
        self.auth = AuthChoice::ServerToServer(OAuthConfig::server_to_server(
            account_id,
            client_id,
            client_secret,
        ));
        self
    }

    /// The client credentials grant (chatbot-style apps).
    #[must_use]
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.auth = AuthChoice::ClientCredentials(OAuthConfig::new(client_id, client_secret));
        self
    }

    /// A user's tokens (from [`OAuth::exchange_code`](super::OAuth) or a
    /// device flow), renewed with the refresh grant. Zoom rotates refresh
    /// tokens: give the client a token store so the new ones survive.
    #[must_use]
    pub fn user_tokens(mut self, config: OAuthConfig, tokens: TokenSet) -> Self {
        self.auth = AuthChoice::User(config, tokens);
        self
    }

    /// One access token, used as long as Zoom accepts it and never renewed.
    #[must_use]
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.auth = AuthChoice::Fixed(token.into());
        self
    }

    /// The API base URL (default `https://api.zoom.us/v2`). A token's
    /// `api_url` takes precedence, as Zoom asks.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.request.base_url = url.into();
        self
    }

    /// The base URL of Zoom's file API, where the fax upload goes (default
    /// `https://fileapi.zoom.us/v2`). The Node and Python clients already
    /// take it; without it a Rust client pointed at a mock or proxy would
    /// still send uploads to Zoom.
    #[must_use]
    pub fn file_base_url(mut self, url: impl Into<String>) -> Self {
        self.request.file_base_url = url.into();
        self
    }

    /// The OAuth server (default `https://zoom.us`).
    #[must_use]
    pub fn oauth_base(mut self, url: impl Into<String>) -> Self {
        self.oauth_base = Some(url.into());
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.request.user_agent = user_agent.into();
        self
    }

    /// The largest response bodies read (default [`BodyLimits::default`]:
    /// 32 MiB of JSON, 1 GiB per download); a longer one fails the call
    /// with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
    #[must_use]
    pub fn body_limits(mut self, limits: BodyLimits) -> Self {
        self.body_limits = limits;
        self
    }

    /// How failed attempts are retried (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side rate limiting by Zoom's categories for the account's
    /// plan ([`PlanLimits::pro`], [`PlanLimits::business`]); off by default.
    #[must_use]
    pub fn rate_limits(mut self, plan: PlanLimits) -> Self {
        self.limits = Some(plan);
        self
    }

    /// When to renew a token before it expires, and when a renewal counts
    /// as lost.
    #[must_use]
    pub fn token_lifecycle(mut self, settings: LifecycleSettings) -> Self {
        self.lifecycle = settings;
        self
    }

    /// A deadline for every call, retries and token requests included
    /// (default: none beyond the retry policy's `max_elapsed`).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest a single request may take, body included (default 120 s).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The longest a connection may take to set up (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub(crate) fn timeouts(&self) -> Timeouts {
        Timeouts {
            call: self.timeout,
            attempt: self.attempt_timeout,
            connect: self.connect_timeout,
        }
    }

    /// The driver's configuration.
    pub(crate) fn session_config(&self) -> Result<SessionConfig, Error> {
        let external = self.provider.is_some();
        let with_base = |config: &OAuthConfig| match &self.oauth_base {
            Some(base) => config.clone().with_oauth_base(base.clone()),
            None => config.clone(),
        };
        let auth = match (&self.auth, external) {
            (_, true) => AuthConfig::external(),
            (AuthChoice::None, false) => {
                return Err(crate::auth::OAuthError::Config {
                    problem: "no credentials: call server_to_server, user_tokens, \
                              access_token or token_source on the builder",
                }
                .into());
            }
            (AuthChoice::ServerToServer(c), _) => AuthConfig::server_to_server(with_base(c)),
            (AuthChoice::ClientCredentials(c), _) => AuthConfig::client_credentials(with_base(c)),
            (AuthChoice::User(c, tokens), _) => {
                AuthConfig::refresh_token(with_base(c), tokens.clone())
            }
            (AuthChoice::Fixed(token), _) => AuthConfig::fixed(token.clone()),
        };
        Ok(SessionConfig {
            request: self.request.clone(),
            auth: AuthConfig {
                settings: self.lifecycle,
                // Any store may be shared (clones of a MemoryStore, one file
                // for several processes): renewals re-read it first.
                shared_store: self.store.is_some(),
                ..auth
            },
            retry: self.retry.clone(),
            limits: self.limits.clone(),
            seed: random_seed(),
            body_limits: self.body_limits,
        })
    }
}

/// Jitter must differ between processes, or clients restarted together
/// retry in lockstep.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without OS randomness the jitter is still spread over time, just
    // predictable: not worth failing the client for.
    if OsRandom.fill(&mut bytes).is_err() {
        return u64::from(std::process::id());
    }
    u64::from_le_bytes(bytes)
}
