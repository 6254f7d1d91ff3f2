//! Parsing HTTP responses. (Skeleton: owned by the foundation work, which
//! replaces this file; the public names are the contract.)

/// Zoom answered with an error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("Zoom API error (HTTP {status})")]
pub struct ApiError {
    pub status: u16,
}

/// A success body that does not match the operation's response.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not decode the response of `{operation}`")]
pub struct DecodeError {
    pub operation: String,
}
