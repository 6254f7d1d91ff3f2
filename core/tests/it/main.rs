//! The one integration-test binary of the core; modules beside it.

mod auth;
mod driver;
mod errors;
mod every_operation;
mod limits;
mod path_encoding;
mod raw_spec;
mod readme;
mod webhook;
