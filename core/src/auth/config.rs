//! Who we are to Zoom's OAuth server, and where that server is.

use crate::secret::Secret;

/// Zoom's OAuth host. Token, revoke, device-code and authorize endpoints all
/// live under it.
pub const DEFAULT_OAUTH_BASE: &str = "https://zoom.us";

/// An OAuth app's credentials and endpoints.
///
/// `client_secret` is `None` for public PKCE clients (browser, native app):
/// their requests carry `client_id` in the form body instead of HTTP Basic.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuthConfig {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Server-to-server apps only: the account the token acts for.
    pub account_id: Option<String>,
    /// Authorization-code apps: the redirect URI registered with the app.
    pub redirect_uri: Option<String>,
    /// Scheme and host of the OAuth server, without a trailing slash
    /// (override for the mock server or ZoomGov).
    pub oauth_base: String,
}

impl OAuthConfig {
    /// A confidential app (server-to-server, or authorization code with a secret).
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        OAuthConfig {
            client_id: client_id.into(),
            client_secret: Some(client_secret.into()),
            account_id: None,
            redirect_uri: None,
            oauth_base: DEFAULT_OAUTH_BASE.to_owned(),
        }
    }

    /// A public PKCE client: no secret exists.
    pub fn public(client_id: impl Into<String>) -> Self {
        OAuthConfig {
            client_id: client_id.into(),
            client_secret: None,
            account_id: None,
            redirect_uri: None,
            oauth_base: DEFAULT_OAUTH_BASE.to_owned(),
        }
    }

    /// Server-to-server OAuth: client credentials plus the account id.
    pub fn server_to_server(
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        OAuthConfig {
            account_id: Some(account_id.into()),
            ..OAuthConfig::new(client_id, client_secret)
        }
    }

    #[must_use]
    pub fn with_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    #[must_use]
    pub fn with_oauth_base(mut self, oauth_base: impl Into<String>) -> Self {
        let base: String = oauth_base.into();
        self.oauth_base = base.trim_end_matches('/').to_owned();
        self
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.oauth_base.trim_end_matches('/'), path)
    }
}
