//! Webhooks as plain data: signature verification over the raw bytes
//! ([`signature`]), the `endpoint.url_validation` answer ([`validation`]) and a
//! receiver that acknowledges first and lets the host process later
//! ([`receiver`]). Nothing here does IO or reads a clock.

pub(crate) mod hex;
pub mod receiver;
pub mod signature;
pub mod validation;

pub use receiver::{Received, WebhookReceiver};
pub use signature::{
    DEFAULT_WINDOW, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify, verify_with_secret,
};
pub use validation::{URL_VALIDATION_EVENT, UrlValidationAnswer, answer_url_validation};

#[cfg(feature = "typed-events")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-events")))]
pub mod event;

#[cfg(feature = "typed-events")]
pub use event::{Event, parse_event};

// No variant holds the secret, the received signature or the expected one:
// only header names, our own descriptions and time differences.

/// A webhook request is not genuine or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header Zoom always sends is absent.
    #[error("the webhook request has no `{name}` header")]
    MissingHeader { name: &'static str },

    /// A header is present but unreadable.
    #[error("the `{name}` header is malformed: {problem}")]
    MalformedHeader {
        name: &'static str,
        problem: &'static str,
    },

    /// The `x-zm-signature` header does not match the body under any secret.
    #[error("the x-zm-signature header does not match the body")]
    BadSignature,

    /// The request was signed too long ago: possibly a replay.
    #[error("the webhook timestamp is {age_secs} s old, beyond the {window_secs} s window")]
    StaleTimestamp { age_secs: u64, window_secs: u64 },

    /// The request claims to be from the future beyond the allowed skew.
    #[error(
        "the webhook timestamp is {ahead_secs} s in the future, beyond the {window_secs} s window"
    )]
    FutureTimestamp { ahead_secs: u64, window_secs: u64 },

    /// No secret token is configured, or every one given is empty (blank
    /// entries are skipped): verification would be meaningless, so every
    /// request is refused rather than accepted.
    #[error("no webhook secret token is configured; refusing every request")]
    NoSecret,

    /// A verified body is not the JSON the event needs.
    #[error("the webhook body is malformed: {problem}")]
    MalformedBody { problem: String },
}

impl WebhookError {
    /// The HTTP status to answer Zoom with when refusing the request.
    pub fn http_status(&self) -> u16 {
        match self {
            WebhookError::NoSecret => 500,
            WebhookError::MalformedBody { .. } => 400,
            _ => 401,
        }
    }
}
