//! The one error type of the SDK. Each layer owns its own variant type (build,
//! API, decode, OAuth, webhook, transport) so the evidence of what failed is
//! kept; [`Error::class`] sorts every error into the one classification all
//! hosts use (they only map class names to their exception types), and
//! [`Error::to_json`] hands the whole evidence to the bindings in one shape.
//! No variant ever displays a secret.

mod class;
mod transport;

pub use class::{ErrorClass, RateLimitEvidence, RetryHint};
pub use transport::TransportFailure;

use crate::time::Timestamp;

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built: unknown operation, missing or
    /// mistyped parameter. Nothing was sent.
    #[error(transparent)]
    Build(#[from] crate::request::BuildError),

    /// The client's configuration cannot be used (a base URL that is not
    /// absolute, a negative timeout, two kinds of credentials at once).
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),

    /// Zoom answered with an error (4xx/5xx, or a 2xx whose body is an error object).
    #[error(transparent)]
    Api(#[from] Box<crate::response::ApiError>),

    /// A success response whose body does not match what the operation returns.
    #[error(transparent)]
    Decode(#[from] Box<crate::response::DecodeError>),

    /// An OAuth flow failed (token endpoint error, state mismatch, expired device code, ...).
    #[error(transparent)]
    OAuth(#[from] crate::auth::OAuthError),

    /// A webhook request is not genuine or cannot be read.
    #[error(transparent)]
    Webhook(#[from] crate::webhook::WebhookError),

    /// The host's HTTP client got no answer (connection refused, reset, DNS,
    /// TLS, the attempt's timeout) after all retries the policy allows.
    #[error(transparent)]
    Transport(#[from] Box<TransportFailure>),

    /// The call's deadline passed before it could complete.
    #[error("the call did not complete within its deadline")]
    Timeout,

    /// Zoom's daily limit for this account is spent; retrying before the reset is pointless.
    #[error("{}", daily_limit_message(*reset_at, api.as_deref()))]
    DailyLimitExceeded {
        /// When Zoom takes requests again (its `Retry-After`, else midnight UTC).
        reset_at: Option<Timestamp>,
        /// Zoom's 429 answer, when Zoom said so (`None` when the client-side
        /// limiter knew it before sending anything).
        api: Option<Box<crate::response::ApiError>>,
    },

    /// A `next_page_token` older than Zoom's 15 minutes was used.
    #[error("the page token has expired (Zoom keeps them for 15 minutes); restart the listing")]
    PageTokenExpired,

    /// The host's token store could not lock, load or save the tokens; the
    /// call stops rather than lose a rotated refresh token.
    #[error("token store: {message}")]
    TokenStore { message: String },

    /// The response body is larger than the session's limit
    /// ([`BodyLimits`](crate::driver::BodyLimits)): the host stopped reading
    /// there (or refused at once on a `Content-Length` above it). Not retried.
    #[error("the response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge { limit: u64 },

    /// The caller abandoned the call ([`Session::cancel`](crate::driver::Session::cancel));
    /// only the host sees this, as the end of a call nobody waits for.
    #[error("the call was cancelled by its caller")]
    Cancelled,

    /// The host broke the protocol (a step for a call that is not running,
    /// an outcome of the wrong kind): a bug in the host, never Zoom's doing.
    #[error("internal error: {problem}")]
    Internal { problem: String },
}

impl From<crate::response::ApiError> for Error {
    fn from(e: crate::response::ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<crate::response::DecodeError> for Error {
    fn from(e: crate::response::DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl From<TransportFailure> for Error {
    fn from(e: TransportFailure) -> Self {
        Error::Transport(Box::new(e))
    }
}

impl Error {
    pub(crate) fn internal(problem: impl Into<String>) -> Self {
        Error::Internal {
            problem: problem.into(),
        }
    }
}

fn daily_limit_message(
    reset_at: Option<Timestamp>,
    api: Option<&crate::response::ApiError>,
) -> String {
    let mut s = "Zoom's daily rate limit for this account is exhausted".to_owned();
    if let Some(t) = reset_at {
        s.push_str(&format!("; it resets at {}", t.to_rfc3339()));
    }
    if let Some(api) = api {
        if let Some(message) = &api.message {
            s.push_str(&format!(" (Zoom: {message})"));
        }
        if let Some(id) = &api.tracking_id {
            s.push_str(&format!(" (tracking id {id})"));
        }
    }
    s
}
