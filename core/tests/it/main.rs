//! The one integration-test binary of the core crate.

#[cfg(feature = "typed")]
mod events;
// Spec access is shared by the modules; without `typed` none of mine use it.
#[cfg_attr(not(feature = "typed"), allow(dead_code))]
mod spec;
#[cfg(feature = "typed")]
mod typed;
