//! Webhook verification, URL validation and typed events. (Skeleton: owned by
//! the webhook work, which replaces it.)

#[cfg(feature = "typed")]
pub mod event;

#[cfg(feature = "typed")]
pub use event::{Event, parse_event};

/// A webhook request is not genuine or cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    #[error("the x-zm-signature header does not match the body")]
    BadSignature,
    /// The body is not a webhook event this SDK can read.
    #[error("malformed webhook body: {reason}")]
    MalformedBody { reason: String },
}
