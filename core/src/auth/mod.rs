//! OAuth flows as request builders and response parsers, and the token
//! lifecycle machine. (Skeleton: owned by the auth work, which replaces it.)

/// An OAuth flow failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    #[error("the token endpoint refused the request: {error}")]
    Refused { error: String },
}
