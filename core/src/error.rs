//! The one error type of the SDK. Each layer owns its own variant type (build,
//! API, decode, OAuth, webhook, transport) so the evidence of what failed is
//! kept; bindings map this enum onto JS `Error` subclasses and Python
//! exceptions. No variant ever displays a secret.

use crate::time::Timestamp;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built: unknown operation, missing or
    /// mistyped parameter. Nothing was sent.
    #[error(transparent)]
    Build(#[from] crate::request::BuildError),

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

    /// The host's HTTP client failed (connection refused, reset, DNS, TLS) after
    /// all retries the policy allows.
    #[error("transport error: {message}")]
    Transport { message: String },

    /// The call's deadline passed before it could complete.
    #[error("the call did not complete within its deadline")]
    Timeout,

    /// Zoom's daily limit for this account is spent; retrying before the reset is pointless.
    #[error("Zoom's daily rate limit is exhausted{}", reset_at.map(|t| format!("; it resets at {} (ms since epoch)", t.as_millis())).unwrap_or_default())]
    DailyLimitExceeded { reset_at: Option<Timestamp> },

    /// A `next_page_token` older than Zoom's 15 minutes was used.
    #[error("the page token has expired (Zoom keeps them for 15 minutes); restart the listing")]
    PageTokenExpired,

    /// The host's token store could not load or save the tokens (the
    /// clients' `TokenStore`); the call stops rather than lose a rotated
    /// refresh token.
    #[error("token store: {message}")]
    TokenStore { message: String },

    /// The response body is larger than the session's limit
    /// ([`BodyLimits`](crate::driver::BodyLimits)): the host stopped reading
    /// there (or refused at once on a `Content-Length` above it). Not retried.
    #[error("the response body exceeds the limit of {limit} bytes")]
    ResponseTooLarge { limit: u64 },
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
