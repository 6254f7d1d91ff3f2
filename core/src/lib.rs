//! Zoom Phone API client core: builds requests and parses responses as plain
//! data, and makes every decision (tokens, retries, pagination, webhook
//! authenticity) as pure state machines with time passed in. No IO, no clock.
//!
//! The same core serves Rust directly, JavaScript through `bindings-wasm` and
//! Python through `bindings-python`.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalog;
pub mod config;
pub mod error;
pub mod secret;
pub mod time;
pub mod validate;

pub use catalog::{Operation, operation, operations};
pub use error::Error;
pub use secret::Secret;
pub use time::Timestamp;

pub mod auth;
pub mod date;
pub mod decode;
pub mod driver;
// The ready-to-use clients (host loops over reqwest or ureq): opt-in
// features, so the bindings and wasm builds carry no IO.
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
pub mod client;
pub mod limiter;
pub mod paginate;
pub mod ratelimit;
pub mod request;
pub mod response;
pub mod retry;
pub mod webhook;

#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
pub mod typed;

mod generated;
#[cfg(feature = "typed-events")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-events")))]
pub use generated::events;
#[cfg(feature = "typed-base")]
pub use generated::ops;
