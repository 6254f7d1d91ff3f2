//! The request configuration a binding starts from: the core's defaults with
//! the binding's own `User-Agent`. Shared by both bindings (the Python crate
//! includes this file by path).

use zoom_phone::request::RequestConfig;

/// `zoom-phone-js/0.1.0` or `zoom-phone-python/0.1.0`: which host made a call
/// shows in Zoom's logs.
pub fn request_config(host: &str) -> RequestConfig {
    let mut config = RequestConfig::default();
    config.user_agent = format!("zoom-phone-{host}/{}", env!("CARGO_PKG_VERSION"));
    config
}
