//! The one integration-test binary of the core; modules beside it.

mod auth;
mod driver;
mod errors;
#[cfg(feature = "typed")]
mod events;
mod every_operation;
mod fleet;
mod limits;
mod oauth_evidence;
mod path_encoding;
mod raw_spec;
mod readme;
mod redis;
mod shared_store;
mod sim;
#[cfg(feature = "typed")]
mod typed;
mod url_params;
mod webhook;
