//! The one integration-test binary of the core; modules beside it.

mod auth;
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
mod body_limits;
#[cfg(feature = "async-client")]
mod client_async;
#[cfg(feature = "blocking-client")]
mod client_blocking;
mod client_readme;
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
mod client_support;
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
mod client_webhooks;
mod driver;
mod errors;
#[cfg(feature = "typed")]
mod events;
mod every_operation;
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
mod faults;
#[cfg(any(feature = "async-client", feature = "blocking-client"))]
mod hostile;
mod limits;
mod path_encoding;
mod raw_spec;
mod readme;
#[cfg(feature = "async-client")]
mod secrets;
mod shared_store;
mod sim;
#[cfg(feature = "typed")]
mod typed;
mod webhook;
