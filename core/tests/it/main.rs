//! The one integration-test binary of the core; modules beside it.

mod auth;
mod webhook;
