//! The one integration-test binary of the core crate.

mod events;
mod spec;
mod typed;
