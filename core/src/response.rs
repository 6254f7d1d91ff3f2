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
#[error("could not decode the response of `{operation}` at `{path}`: {message}")]
pub struct DecodeError {
    pub operation: String,
    /// JSON path of the mismatch (`call_queues[0].extension_number`); empty
    /// when the body as a whole is unreadable.
    pub path: String,
    pub message: String,
    /// The start of the body, as evidence.
    pub body: String,
}

impl DecodeError {
    /// Keeps at most this many bytes of the body.
    pub const BODY_LIMIT: usize = 2048;

    pub fn new(operation: &str, path: &str, message: String, body: &[u8]) -> Self {
        let kept = body.get(..Self::BODY_LIMIT).unwrap_or(body);
        Self {
            operation: operation.to_owned(),
            path: path.to_owned(),
            message,
            body: String::from_utf8_lossy(kept).into_owned(),
        }
    }
}
