//! Integration tests of the mock server, over real HTTP on loopback.

mod api;
mod cli;
mod faults;
mod limits;
mod log;
mod oauth;
mod support;
mod sync;
mod webhooks;
