//! The request configuration a binding starts from. Shared by both bindings
//! (the Python crate includes this file by path).
//!
//! The URLs are the ones the core documents on `RequestConfig`; once the core
//! offers `RequestConfig::default()`, this module shrinks to the user agent.

use zoom_phone::request::RequestConfig;

/// `zoom-phone-js/0.1.0` or `zoom-phone-python/0.1.0`: which host made a call
/// shows in Zoom's logs.
pub fn user_agent(host: &str) -> String {
    format!("zoom-phone-{host}/{}", env!("CARGO_PKG_VERSION"))
}

pub fn request_config(host: &str) -> RequestConfig {
    RequestConfig {
        base_url: "https://api.zoom.us/v2".to_owned(),
        file_base_url: "https://fileapi.zoom.us/v2".to_owned(),
        user_agent: user_agent(host),
    }
}
