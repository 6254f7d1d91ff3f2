//! Zoom Phone API client core: builds requests and parses responses as plain
//! data, and makes every decision (tokens, retries, pagination, webhook
//! authenticity) as pure state machines with time passed in. No IO, no clock.
//!
//! The same core serves Rust directly, JavaScript through `bindings-wasm` and
//! Python through `bindings-python`.
//!
//! # Stability
//!
//! Structs that may gain a field and enums that may gain a variant are
//! `#[non_exhaustive]`, so adding one is not a breaking release: build such
//! a struct with its constructor ([`auth::TokenSet::new`],
//! [`response::FieldError::new`], ...) or from `Default` and assign the
//! fields you need, and give every `match` on such an enum a catch-all arm.
//!
//! ```compile_fail
//! // A struct literal does not compile outside this crate ...
//! let tokens = zoom_phone::auth::TokenSet {
//!     access_token: "t".into(),
//!     refresh_token: None,
//!     token_type: "bearer".into(),
//!     scopes: Vec::new(),
//!     expires_at: None,
//!     api_url: None,
//! };
//! ```
//!
//! ```
//! // ... the constructor does.
//! let tokens = zoom_phone::auth::TokenSet::new("t", None).with_refresh_token("r");
//! assert!(tokens.refresh_token.is_some());
//! let mut policy = zoom_phone::retry::RetryPolicy::default();
//! policy.max_attempts = 2;
//! ```
//!
//! The catalog's descriptions ([`catalog::Operation`], [`catalog::Param`],
//! ...) are data our generator builds from Zoom's spec for you to read; they
//! follow the spec and may gain fields in a minor release, so do not build
//! them yourself.
//!
//! The enums a host dispatches on step by step ([`response::Body`],
//! [`response::RawBody`], [`driver::Cancelled`], [`auth::DeviceStep`],
//! [`fleet::SharedReply`], the retry and token-lifecycle decisions) stay
//! exhaustive on purpose: a new variant there changes what every host must
//! do, so it must not compile silently. The minimum supported Rust version is
//! the `rust-version` in `Cargo.toml`; clippy's `incompatible_msrv` holds the
//! code to it (no `allow`).

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
pub mod fleet;
pub mod limiter;
pub mod paginate;
pub mod ratelimit;
pub mod request;
pub mod response;
pub mod retry;
pub mod sync;
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
