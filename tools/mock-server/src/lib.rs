//! A sandbox Zoom Phone server for demos, tests and benchmarks: Zoom's OAuth
//! endpoints, every operation of the catalog under `/v2` with validation,
//! paging and schema-valid answers, per-category rate limits, faults on
//! demand, signed webhook delivery and a request log. See the README for the
//! flags and the `/_admin` API.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = zoom_phone_mock::MockServer::start(Default::default()).await?;
//! println!("{}", server.url());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

// Handlers return a finished response as their error: it is built once and
// sent as is, so boxing it would only add an allocation per error.
#![allow(clippy::result_large_err)]

mod admin;
mod api;
mod body;
mod config;
mod dated;
mod faults;
mod log;
mod oauth;
mod paging;
mod ratelimit;
mod router;
mod server;
mod state;
mod store;
mod sync;
mod synth;
mod util;
mod webhooks;

pub use api::{download_bytes, transcript_text};
pub use config::{Cli, ClientConfig, DataSizes, MockConfig, RateLimitConfig, USAGE, parse_args};
pub use faults::{Fault, FaultKind};
pub use log::LoggedRequest;
pub use server::MockServer;
pub use util::fingerprint;
pub use webhooks::signature;

/// A deterministic example value for a catalog schema: what the mock answers
/// with, and a handy way for tests to build valid request bodies.
pub fn example(schema: &zoom_phone::catalog::Schema, seed: u64) -> serde_json::Value {
    synth::value(schema, seed, "value")
}
