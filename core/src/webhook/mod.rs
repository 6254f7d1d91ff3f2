//! Webhooks as plain data: signature verification over the raw bytes
//! ([`signature`]), the `endpoint.url_validation` answer ([`validation`]) and a
//! receiver that acknowledges first and lets the host process later
//! ([`receiver`]). Nothing here does IO or reads a clock.

mod error;
mod hex;
pub mod receiver;
pub mod signature;
pub mod validation;

pub use error::WebhookError;
pub use receiver::{Received, WebhookReceiver};
pub use signature::{
    DEFAULT_WINDOW, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify, verify_with_secret,
};
pub use validation::{URL_VALIDATION_EVENT, UrlValidationAnswer, answer_url_validation};
