//! Ready-to-use Zoom Phone API clients: the sans-IO core
//! ([`zoom_phone`]) run over an HTTP client, with the clock, sleeping and
//! token storage a host provides.
//!
//! | feature | what |
//! |---|---|
//! | `async` (default) | `ZoomPhone`: reqwest 0.12 on tokio, rustls with ring and webpki roots; pagination as a `Stream` |
//! | `blocking` | `blocking::ZoomPhone`: ureq 3, rustls with ring; no async runtime; pagination as an `Iterator` |
//! | `typed` (default) | the typed models (`ops`) and a method per operation by tag (`groups`): `zp.users().list_phone_users(&request)`; or only the tags used, `typed-users`, `typed-call-queues`, ... (each forwards to the core's feature of that name; a build pays only for those) |
//! | `native-roots` | `Builder::native_roots`: the platform's certificate store instead of the bundled roots |
//! | `redis` | `Builder::fleet`: the workers of one account (processes, machines) share its rate-limit budget and tokens through Redis (`RedisFleet`, on the `redis` crate); `zp.shards(..)` spreads a date-ranged listing over them |
//! | `tracing` | the core's log events (requests, retries, renewals; never a secret) as `tracing` events, target `zoom_phone` |
//!
//! Both clients are cheap to clone and share one session: one token, one
//! retry schedule and one rate limiter for all calls made through the
//! clones. Every decision (which token, when to renew, whether and when
//! to retry, where a redirect may take the token, what an answer means,
//! when a deadline has passed) is the core's; a call is a small loop that
//! performs what the core asks and reports what came of it. A call with a
//! valid token costs two crossings into the core.
//!
//! # Quick start
//!
//! ```no_run
//! # #[cfg(all(feature = "async", feature = "typed-users"))]
//! # async fn demo() -> Result<(), zoom_phone_client::Error> {
//! use futures_util::StreamExt;
//! use zoom_phone_client::ZoomPhone;
//! use zoom_phone_client::ops::users::ListPhoneUsers;
//!
//! let zp = ZoomPhone::builder()
//!     .server_to_server("account-id", "client-id", "client-secret")
//!     .build()?;
//!
//! // One page, typed; the answer's metadata beside it.
//! let request = ListPhoneUsers { page_size: Some(100), ..Default::default() };
//! let page = zp.users().list_phone_users(&request).send_with_response().await?;
//! println!("{:?} users (tracking id {:?})", page.body.total_records, page.tracking_id);
//!
//! // Every user, page after page, as the operation's item type.
//! let mut users = zp.users().list_phone_users(&request).pages().limit(500);
//! while let Some(user) = users.next().await {
//!     println!("{}", user?.email.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! Untyped calls take Zoom's operationId (or its snake_case name) and JSON
//! parameters: `zp.call("listPhoneUsers", json!({"page_size": 10}))`.
//!
//! # Errors
//!
//! Every call returns the core's [`Error`]. Match on its variant, or use
//! the one classification every host shares ([`Error::class`]:
//! authentication, permission denied, not found, validation, conflict,
//! rate limit, daily limit, server, transport, timeout, decode, ...) and
//! the evidence helpers: [`Error::status`], [`Error::zoom_code`],
//! [`Error::zoom_message`], [`Error::field_errors`], [`Error::tracking_id`]
//! (quote it to Zoom support), [`Error::retry_after`], [`Error::rate_limit`],
//! and the predicates [`Error::is_rate_limited`], [`Error::is_not_found`],
//! [`Error::is_authentication`], [`Error::is_transport`].
//!
//! ```no_run
//! # async fn demo(zp: zoom_phone_client::ZoomPhone) {
//! use zoom_phone_client::{Error, ErrorClass};
//! match zp.call("getASite", serde_json::json!({ "siteId": "nope" })).await {
//!     Err(e) if e.is_not_found() => println!("no such site ({:?})", e.tracking_id()),
//!     Err(e) if e.class() == ErrorClass::RateLimit => {
//!         println!("slow down: retry in {:?} ms", e.retry_after().map(|r| r.retry_after_ms));
//!     }
//!     Err(Error::Transport(failure)) => {
//!         // The HTTP client's own error is the source (a reqwest::Error here).
//!         let source = std::error::Error::source(&*failure);
//!         println!("{:?} failure: {failure}; caused by {source:?}", failure.kind);
//!     }
//!     Err(e) => println!("{} ({})", e, e.code()),
//!     Ok(site) => println!("{}", site.status),
//! }
//! # }
//! ```
//!
//! Retries never send a write twice unless the policy or the call allows
//! it ([`CallOptions::retry_non_idempotent`]); secrets never appear in
//! `Debug`, `Display`, errors or log events.
//!
//! # Transports
//!
//! Pass a configured `reqwest::Client` (built from `http_client_builder`:
//! no redirects) with `Builder::http_client`, a `ureq::Agent` with
//! `Builder::agent`, or anything implementing [`Transport`] (async) or
//! `blocking::Transport` (middleware, a test double) with
//! `Builder::transport`.
//!
//! # Token stores
//!
//! New token sets go to a [`TokenStore`] (sync) or [`AsyncTokenStore`]:
//! [`MemoryStore`] and [`JsonFileStore`] (atomic replace, mode 0600, an OS
//! file lock) ship. Zoom rotates refresh tokens: the core locks and
//! re-reads the store before every renewal and saves before unlocking, so
//! clients and processes can share one store. An async call dropped while
//! its token renewal is in flight does not lose the rotated token: the
//! renewal runs in a task of its own and is saved.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod clock;
#[cfg(feature = "redis")]
mod fleet;
mod host;
mod log;
mod oauth;
mod options;
mod pages;
mod reply;
#[cfg(feature = "redis")]
mod shards;
mod source;
mod store;
mod sync;
mod transport;
#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
pub mod typed;
mod webhooks;

#[cfg(feature = "async")]
mod async_client;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;

/// The typed methods by tag: `zp.users()` returns a `groups::Users` (the
/// blocking client's are in `groups::blocking`).
#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
#[path = "generated/groups/mod.rs"]
pub mod groups;

pub use builder::{Builder, Client};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use fleet::RedisFleet;
pub use reply::Download;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use shards::ShardOptions;
pub use source::{TokenFuture, TokenProvider};
pub use store::{AsyncTokenStore, JsonFileStore, MemoryStore, StoreFuture, StoreLock, TokenStore};
pub use transport::{
    BoxError, BoxFuture, SendError, SendOptions, SendResult, Transport, declared_too_large,
};
pub use webhooks::Webhooks;

#[cfg(all(feature = "async", feature = "redis"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "async", feature = "redis"))))]
pub use async_client::Shards;
#[cfg(all(feature = "async", feature = "typed-base"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "async", feature = "typed-base"))))]
pub use async_client::TypedCall;
#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
pub use async_client::{
    DeviceAuthorization, OAuth, Pages, SyncRun, ZoomPhone, http_client_builder,
};

// What a user needs from the core, so that one dependency suffices.
/// The `http` crate the requests and responses are typed with.
pub use http;
#[cfg(feature = "redis")]
pub use redis;
#[cfg(feature = "async")]
pub use reqwest;
pub use sync::SyncBatch;
#[cfg(feature = "blocking")]
pub use ureq;
/// The sans-IO core itself, for everything not re-exported here.
pub use zoom_phone;
pub use zoom_phone::auth::{LifecycleSettings, OAuthConfig, TokenSet};
pub use zoom_phone::config::LogLevel;
pub use zoom_phone::driver::{BodyLimits, CallOptions};
pub use zoom_phone::error::{ErrorClass, RateLimitEvidence, RetryHint, TransportFailure};
#[cfg(feature = "typed-events")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-events")))]
pub use zoom_phone::events;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use zoom_phone::fleet::FleetConfig;
pub use zoom_phone::limiter::PlanLimits;
#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
pub use zoom_phone::ops;
pub use zoom_phone::paginate::ResumePoint;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use zoom_phone::paginate::Span;
pub use zoom_phone::response::{Body, Output};
pub use zoom_phone::retry::{RetryPolicy, TransportErrorKind};
pub use zoom_phone::sync::{SyncCheckpoint, SyncPhase};
pub use zoom_phone::{Error, Secret, Timestamp, auth, error, response, webhook};
