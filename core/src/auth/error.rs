//! What can go wrong in an OAuth flow, as one typed enum. Every variant keeps
//! the evidence (HTTP status, Zoom's `reason`, the `x-zm-trackingid`, the URL
//! the request went to, a bounded body snippet) and none can hold a secret:
//! the fields are error codes, server text, a URL without its query or user
//! info, and our own descriptions, never a token, secret, verifier or `state`.
//! A host's own error (a Rust token source's) is kept only as a `source()`
//! ([`HostCause`]): these errors never display or debug-print it.

use std::fmt;
use std::sync::Arc;

/// An OAuth flow failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The token (or revoke, or device) endpoint answered with an OAuth error.
    #[error(
        "the OAuth endpoint{} refused the request: {kind} (HTTP {status}){}",
        at(origin.endpoint.as_deref()),
        detail(reason.as_deref(), description.as_deref())
    )]
    Refused {
        kind: OAuthErrorKind,
        status: u16,
        /// Zoom's own `reason` field, e.g. "Invalid client_id or client_secret".
        reason: Option<String>,
        /// RFC 6749's `error_description`.
        description: Option<String>,
        origin: Box<AnswerOrigin>,
    },

    /// The endpoint answered with something that is not an OAuth JSON body
    /// (an HTML error page, a proxy's text, truncated JSON).
    #[error(
        "unexpected response from the OAuth endpoint{} (HTTP {status}): {snippet:?}",
        at(origin.endpoint.as_deref())
    )]
    UnexpectedResponse {
        status: u16,
        snippet: String,
        origin: Box<AnswerOrigin>,
    },

    /// What answered is no OAuth endpoint at all (a 404, a 405, a
    /// redirect): the OAuth base URL is not the server's root (the usual
    /// mistake: `https://zoom.us/oauth/token`, where the SDK appends the
    /// endpoint's path itself).
    #[error(
        "{} answered HTTP {status}: there is no OAuth endpoint at that URL; `oauth_base` must be the OAuth server's root URL, such as https://zoom.us (the SDK appends /oauth/token)",
        origin.endpoint.as_deref().map_or_else(|| "the OAuth endpoint".to_owned(), |e| format!("`{e}`"))
    )]
    NotAnOAuthEndpoint {
        status: u16,
        origin: Box<AnswerOrigin>,
    },

    /// A success body without a field the flow needs.
    #[error("the OAuth response has no usable `{field}`")]
    MissingField { field: &'static str },

    /// The configuration cannot make this request (no secret for a
    /// server-to-server grant, no redirect URI for the code flow, ...).
    #[error("OAuth configuration problem: {problem}")]
    Config { problem: &'static str },

    /// The callback's `state` is not the one we sent: a forged or mixed-up
    /// redirect. The values themselves are deliberately not shown.
    #[error("the authorization callback's `state` does not match the one sent")]
    StateMismatch,

    /// The authorization server redirected back with `error=` (the user
    /// refused, or the request was invalid).
    #[error("the authorization was not granted: {kind}{}", detail(None, description.as_deref()))]
    AuthorizationFailed {
        kind: OAuthErrorKind,
        description: Option<String>,
    },

    /// The callback URL or query cannot be used (no `code`, no `state`).
    #[error("malformed authorization callback: {problem}")]
    MalformedCallback { problem: &'static str },

    /// The OS or JS random source failed.
    #[error("the system random source failed: {message}")]
    Random { message: String },

    /// The device code's lifetime ran out before the user approved.
    #[error("the device code expired before the user approved it")]
    DeviceCodeExpired,

    /// The token must be renewed but there is nothing to renew it with (a
    /// user token without a refresh token, or a static token).
    #[error("the access token expired and cannot be renewed: {problem}")]
    CannotRenew { problem: &'static str },

    /// Zoom rejected a freshly renewed token (a second 401 / code 124 in a
    /// row): renewing again would loop, so the call fails.
    #[error("Zoom rejected the freshly renewed access token (code 124)")]
    TokenRejected,

    /// The host reported that the renewal could not be performed (transport
    /// failure, the external token source failed).
    #[error("token renewal failed: {message}")]
    RenewalFailed {
        message: String,
        /// The host's own error behind it (a Rust token source's), as this
        /// error's `source()`: never part of the message.
        #[source]
        cause: Option<HostCause>,
    },

    /// Zoom refused the refresh token (`invalid_grant`: rotated away, revoked
    /// or expired) and the token store holds no newer one. The dead refresh
    /// token is never sent again: calls fail with this until new tokens are
    /// loaded (the user authorizes the app again).
    #[error(
        "the refresh token was refused (invalid_grant) and no newer one is stored; the user must authorize the app again"
    )]
    ReauthorizationRequired {
        /// Zoom's refusal, when this session received it (its status and
        /// tracking id are this error's).
        refusal: Option<Box<OAuthError>>,
    },
}

/// Why a token source failed, as the host reports it
/// ([`Outcome::Token`](crate::driver::Outcome::Token)): a description that
/// quotes nothing the source holds (JS and Python give the exception's
/// class), and, from a Rust host, the source's own error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenSourceFailure {
    pub message: String,
    pub cause: Option<HostCause>,
}

impl TokenSourceFailure {
    /// A failure told by its description alone.
    pub fn new(message: impl Into<String>) -> Self {
        TokenSourceFailure {
            message: message.into(),
            cause: None,
        }
    }

    /// The same, keeping the source's own error as the call error's
    /// `source()`.
    #[must_use]
    pub fn with_cause(mut self, cause: Box<dyn std::error::Error + Send + Sync + 'static>) -> Self {
        self.cause = Some(HostCause(Arc::from(cause)));
        self
    }
}

/// A host's own error kept behind one of ours, as the next link of the
/// `source()` chain (downcast it to the host's type). Its words are shown
/// only by whoever walks that chain: not by our errors' `Display` or
/// `Debug` (a token source's error may quote a secret), so not by anything
/// the SDK logs.
#[derive(Clone)]
pub struct HostCause(pub Arc<dyn std::error::Error + Send + Sync + 'static>);

impl fmt::Debug for HostCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostCause(..)")
    }
}

impl fmt::Display for HostCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the host's own error")
    }
}

impl std::error::Error for HostCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Evidence, not identity (two host errors cannot be compared): errors that
/// say the same are equal.
impl PartialEq for HostCause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for HostCause {}

fn at(endpoint: Option<&str>) -> String {
    endpoint.map(|e| format!(" `{e}`")).unwrap_or_default()
}

/// Where a failed OAuth answer came from: for Zoom support, and for fixing
/// a wrong URL. Boxed in the errors: a result rarely carries one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnswerOrigin {
    /// `x-zm-trackingid` of the answer.
    pub tracking_id: Option<String>,
    /// Where the request went: scheme, host, port and path (never the query
    /// or user info), when the sender named it ([`OAuthError::at_endpoint`]).
    pub endpoint: Option<String>,
}

impl AnswerOrigin {
    pub(crate) fn of(response: &http::Response<Vec<u8>>) -> Box<AnswerOrigin> {
        let tracking_id = crate::response::tracking_id(response.headers());
        Box::new(AnswerOrigin {
            tracking_id,
            endpoint: None,
        })
    }
}

fn detail(reason: Option<&str>, description: Option<&str>) -> String {
    match (reason, description) {
        (Some(r), Some(d)) if r != d => format!(": {r} ({d})"),
        (Some(r), _) => format!(": {r}"),
        (None, Some(d)) => format!(": {d}"),
        (None, None) => String::new(),
    }
}

/// The OAuth `error` code (RFC 6749 §5.2, RFC 8628 §3.5).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum OAuthErrorKind {
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    AccessDenied,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    /// A code this SDK does not know, kept verbatim.
    Other(String),
}

impl OAuthErrorKind {
    pub fn from_code(code: &str) -> Self {
        match code {
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_request" => Self::InvalidRequest,
            "invalid_scope" => Self::InvalidScope,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "access_denied" => Self::AccessDenied,
            "authorization_pending" => Self::AuthorizationPending,
            "slow_down" => Self::SlowDown,
            "expired_token" => Self::ExpiredToken,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The wire code, as Zoom sent it.
    pub fn code(&self) -> &str {
        match self {
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidScope => "invalid_scope",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::AccessDenied => "access_denied",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::Other(code) => code,
        }
    }
}

impl std::fmt::Display for OAuthErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl OAuthError {
    /// The HTTP status of the OAuth server's answer, when one caused this.
    pub fn status(&self) -> Option<u16> {
        match self {
            OAuthError::Refused { status, .. }
            | OAuthError::UnexpectedResponse { status, .. }
            | OAuthError::NotAnOAuthEndpoint { status, .. } => Some(*status),
            OAuthError::ReauthorizationRequired { refusal } => refusal.as_ref()?.status(),
            _ => None,
        }
    }

    /// Where the failed answer came from, when one caused this.
    pub fn origin(&self) -> Option<&AnswerOrigin> {
        match self {
            OAuthError::Refused { origin, .. }
            | OAuthError::UnexpectedResponse { origin, .. }
            | OAuthError::NotAnOAuthEndpoint { origin, .. } => Some(origin),
            OAuthError::ReauthorizationRequired { refusal } => refusal.as_ref()?.origin(),
            _ => None,
        }
    }

    /// The answer's `x-zm-trackingid`, for Zoom support.
    pub fn tracking_id(&self) -> Option<&str> {
        self.origin()?.tracking_id.as_deref()
    }

    /// The URL the failed request went to (scheme, host, port, path), when known.
    pub fn endpoint(&self) -> Option<&str> {
        self.origin()?.endpoint.as_deref()
    }

    /// The same error, naming the URL the request went to (only its scheme,
    /// host, port and path are kept, never a query or user info). The
    /// parsers only see the answer; whoever sent the request knows where it
    /// went. An error not about an answer is unchanged.
    #[must_use]
    pub fn at_endpoint(mut self, url: &str) -> Self {
        match &mut self {
            OAuthError::Refused { origin, .. }
            | OAuthError::UnexpectedResponse { origin, .. }
            | OAuthError::NotAnOAuthEndpoint { origin, .. } => origin.endpoint = shown_url(url),
            _ => {}
        }
        self
    }

    /// The OAuth error code when the endpoint sent one.
    pub fn kind(&self) -> Option<&OAuthErrorKind> {
        match self {
            OAuthError::Refused { kind, .. } | OAuthError::AuthorizationFailed { kind, .. } => {
                Some(kind)
            }
            _ => None,
        }
    }
}

/// `scheme://host[:port]/path` of `url`; `None` when it is not an absolute
/// URL. Queries can carry tokens and user info carries credentials: both go.
fn shown_url(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let host = uri.host()?;
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!("{scheme}://{host}{port}{}", uri.path()))
}
