//! The one integration-test binary of the clients: both clients against
//! the mock server over loopback; modules beside it.

mod body_limits;
#[cfg(feature = "async")]
mod client_async;
#[cfg(feature = "blocking")]
mod client_blocking;
mod client_readme;
mod client_support;
mod client_webhooks;
mod faults;
#[cfg(all(
    feature = "redis",
    feature = "async",
    feature = "blocking",
    feature = "tracing"
))]
mod fleet;
mod hostile;
#[cfg(all(feature = "tracing", feature = "async"))]
mod logging;
#[cfg(feature = "async")]
mod protocol_async;
#[cfg(feature = "blocking")]
mod protocol_blocking;
#[cfg(feature = "async")]
mod secrets;
#[cfg(feature = "async")]
mod shared_store;
mod sync;
#[cfg(feature = "typed")]
mod typed;
