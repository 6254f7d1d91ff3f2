//! Requests for every Zoom OAuth grant, as `http::Request<Vec<u8>>` values the
//! host sends as they are.
//!
//! - `POST {base}/oauth/token`: server-to-server (`account_credentials`),
//!   authorization code (+ PKCE), refresh, client credentials, device code.
//! - `GET {base}/oauth/authorize`: the URL the user's browser opens.
//! - `POST {base}/oauth/revoke` and `POST {base}/oauth/devicecode`.
//!
//! Confidential apps authenticate with HTTP Basic `client_id:client_secret`;
//! public PKCE clients (no secret) put `client_id` in the form body instead.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq as _;

use super::config::OAuthConfig;
use super::error::{OAuthError, OAuthErrorKind};
use super::pkce::{code_challenge_s256, new_code_verifier, new_state};
use super::random::RandomSource;
use crate::secret::Secret;

pub const TOKEN_PATH: &str = "/oauth/token";
pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
pub const REVOKE_PATH: &str = "/oauth/revoke";
pub const DEVICE_CODE_PATH: &str = "/oauth/devicecode";
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const FORM: &str = "application/x-www-form-urlencoded";

/// Server-to-server token: `grant_type=account_credentials&account_id=…`.
pub fn server_to_server_request(
    config: &OAuthConfig,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    require_secret(config, "server-to-server OAuth needs the client secret")?;
    let account_id = config
        .account_id
        .as_deref()
        .filter(|a| !a.is_empty())
        .ok_or(OAuthError::Config {
            problem: "server-to-server OAuth needs the account id",
        })?;
    post_form(
        config,
        TOKEN_PATH,
        &[
            ("grant_type", "account_credentials"),
            ("account_id", account_id),
        ],
    )
}

/// Client credentials token (`grant_type=client_credentials`), e.g. chatbots.
pub fn client_credentials_request(
    config: &OAuthConfig,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    require_secret(
        config,
        "the client credentials grant needs the client secret",
    )?;
    post_form(config, TOKEN_PATH, &[("grant_type", "client_credentials")])
}

/// Renew a user token with its refresh token.
pub fn refresh_request(
    config: &OAuthConfig,
    refresh_token: &Secret,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    if refresh_token.is_empty() {
        return Err(OAuthError::CannotRenew {
            problem: "the refresh token is empty",
        });
    }
    post_form(
        config,
        TOKEN_PATH,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ],
    )
}

/// Revoke an access (or refresh) token.
pub fn revoke_request(
    config: &OAuthConfig,
    token: &Secret,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    post_form(config, REVOKE_PATH, &[("token", token.expose())])
}

/// Start a device authorization (RFC 8628 §3.1); parse the answer with
/// [`super::device::DeviceFlow::start`].
pub fn device_authorization_request(
    config: &OAuthConfig,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    post_form(config, DEVICE_CODE_PATH, &[])
}

/// One device-code poll of the token endpoint (RFC 8628 §3.4).
pub fn device_token_request(
    config: &OAuthConfig,
    device_code: &Secret,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    post_form(
        config,
        TOKEN_PATH,
        &[
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", device_code.expose()),
        ],
    )
}

/// An authorization-code flow in progress: send the user to `url`, keep
/// `state` and `code_verifier` (e.g. in the session) until the callback.
#[derive(Clone)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// Carries `state` in its query, so `Debug` shows only the endpoint.
    pub url: String,
    pub state: Secret,
    pub code_verifier: Secret,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let endpoint = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("AuthorizationRequest")
            .field("url", &format_args!("{endpoint}?<redacted>"))
            .field("state", &self.state)
            .field("code_verifier", &self.code_verifier)
            .finish()
    }
}

impl AuthorizationRequest {
    /// Build the authorize URL with a fresh `state` and PKCE S256 challenge.
    pub fn new(
        config: &OAuthConfig,
        random: &mut dyn RandomSource,
    ) -> Result<AuthorizationRequest, OAuthError> {
        let redirect_uri = redirect_uri(config)?;
        let state = new_state(random)?;
        let code_verifier = new_code_verifier(random)?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state.expose())
            .append_pair("code_challenge", &code_challenge_s256(&code_verifier))
            .append_pair("code_challenge_method", "S256")
            .finish();
        Ok(AuthorizationRequest {
            url: format!("{}?{query}", config.endpoint(AUTHORIZE_PATH)),
            state,
            code_verifier,
        })
    }
}

/// Read the redirect back: `callback` is the full callback URL or just its
/// query string. The `state` must equal `expected_state` (compared in constant
/// time) before the code is trusted; an `error=` redirect (the user said no)
/// becomes [`OAuthError::AuthorizationFailed`].
pub fn parse_callback(callback: &str, expected_state: &Secret) -> Result<Secret, OAuthError> {
    let query = match callback.split_once('?') {
        Some((_, q)) => q,
        None => callback,
    };
    let query = query.split('#').next().unwrap_or_default();
    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    let state = state.ok_or(OAuthError::MalformedCallback {
        problem: "no `state` parameter",
    })?;
    if expected_state.is_empty()
        || !bool::from(state.as_bytes().ct_eq(expected_state.expose().as_bytes()))
    {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(code) = error {
        return Err(OAuthError::AuthorizationFailed {
            kind: OAuthErrorKind::from_code(&code),
            description,
        });
    }
    code.filter(|c| !c.is_empty())
        .map(Secret::new)
        .ok_or(OAuthError::MalformedCallback {
            problem: "no `code` parameter",
        })
}

/// Exchange the callback's code (with the PKCE verifier) for tokens.
pub fn code_exchange_request(
    config: &OAuthConfig,
    code: &Secret,
    code_verifier: &Secret,
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    let redirect_uri = redirect_uri(config)?;
    post_form(
        config,
        TOKEN_PATH,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", code_verifier.expose()),
        ],
    )
}

fn redirect_uri(config: &OAuthConfig) -> Result<&str, OAuthError> {
    config
        .redirect_uri
        .as_deref()
        .filter(|r| !r.is_empty())
        .ok_or(OAuthError::Config {
            problem: "the authorization code flow needs a redirect URI",
        })
}

fn require_secret(config: &OAuthConfig, problem: &'static str) -> Result<(), OAuthError> {
    match &config.client_secret {
        Some(secret) if !secret.is_empty() => Ok(()),
        _ => Err(OAuthError::Config { problem }),
    }
}

/// A form POST to `path`, authenticated the way the config allows.
fn post_form(
    config: &OAuthConfig,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<http::Request<Vec<u8>>, OAuthError> {
    if config.client_id.is_empty() {
        return Err(OAuthError::Config {
            problem: "the client id is empty",
        });
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(fields);
    let mut builder = http::Request::builder()
        .method(http::Method::POST)
        .uri(config.endpoint(path))
        .header(http::header::CONTENT_TYPE, FORM)
        .header(http::header::ACCEPT, "application/json");
    match config.client_secret.as_ref().filter(|s| !s.is_empty()) {
        Some(secret) => {
            let credentials = STANDARD.encode(format!("{}:{}", config.client_id, secret.expose()));
            let mut value =
                http::HeaderValue::from_str(&format!("Basic {credentials}")).map_err(|_| {
                    OAuthError::Config {
                        problem: "the client credentials cannot form a header",
                    }
                })?;
            value.set_sensitive(true);
            builder = builder.header(http::header::AUTHORIZATION, value);
        }
        None => {
            form.append_pair("client_id", &config.client_id);
        }
    }
    builder
        .body(form.finish().into_bytes())
        .map_err(|_| OAuthError::Config {
            problem: "the OAuth base URL is not a valid URL",
        })
}
