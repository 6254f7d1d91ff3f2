//! The token model and the parser for token-endpoint responses (success and
//! OAuth error bodies alike).

use std::time::Duration;

use serde::Deserialize;

use super::error::{AnswerOrigin, OAuthError, OAuthErrorKind};
use crate::secret::Secret;
use crate::time::Timestamp;

/// The global API host; it works for every account, whatever `api_url` says.
pub const DEFAULT_API_BASE_URL: &str = "https://api.zoom.us/v2";

/// Longest body excerpt kept in an [`OAuthError::UnexpectedResponse`].
const SNIPPET_CHARS: usize = 200;

/// What a token endpoint granted. `Debug` shows no token: both are [`Secret`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenSet {
    pub access_token: Secret,
    /// Absent for server-to-server tokens.
    pub refresh_token: Option<Secret>,
    /// `bearer` in practice.
    pub token_type: String,
    pub scopes: Vec<String>,
    /// When the access token stops working, computed from `expires_in` and
    /// the `now` the response was parsed at. `None` if Zoom sent no lifetime.
    pub expires_at: Option<Timestamp>,
    /// Zoom's regional API host for this token (`https://api-eu.zoom.us`, ...).
    pub api_url: Option<String>,
}

impl TokenSet {
    /// A bearer token with no refresh token, scopes or regional host; add
    /// those with the `with_*` methods. The fields can grow, so this (not a
    /// struct literal) is how a token source or a test makes one.
    pub fn new(access_token: impl Into<Secret>, expires_at: Option<Timestamp>) -> Self {
        TokenSet {
            access_token: access_token.into(),
            refresh_token: None,
            token_type: "bearer".to_owned(),
            scopes: Vec::new(),
            expires_at,
            api_url: None,
        }
    }

    /// With the refresh token the grant came with.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<Secret>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// With the scopes Zoom granted.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// With Zoom's regional API host for this token (`https://api-eu.zoom.us`).
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = Some(api_url.into());
        self
    }

    /// The base URL for API calls with this token: `api_url` + `/v2` when Zoom
    /// named a regional host, else the global [`DEFAULT_API_BASE_URL`].
    pub fn api_base_url(&self) -> String {
        match &self.api_url {
            Some(url) => format!("{}/v2", url.trim_end_matches('/')),
            None => DEFAULT_API_BASE_URL.to_owned(),
        }
    }

    /// The `Authorization` header value for API calls.
    pub fn authorization(&self) -> Secret {
        Secret::new(format!("Bearer {}", self.access_token.expose()))
    }

    /// True when the token is still good at `now + skew`.
    pub fn is_fresh(&self, now: Timestamp, skew: Duration) -> bool {
        match self.expires_at {
            Some(expires_at) => now.saturating_add(skew) < expires_at,
            None => true,
        }
    }

    /// The token set as JSON for the host's token store. This is the one place
    /// the tokens leave the core in clear: write the bytes to storage only.
    pub fn to_store_json(&self) -> Vec<u8> {
        let value = serde_json::json!({
            "access_token": self.access_token.expose(),
            "refresh_token": self.refresh_token.as_ref().map(Secret::expose),
            "token_type": self.token_type,
            "scopes": self.scopes,
            "expires_at": self.expires_at.map(Timestamp::as_millis),
            "api_url": self.api_url,
        });
        value.to_string().into_bytes()
    }

    /// Read back what [`TokenSet::to_store_json`] wrote.
    pub fn from_store_json(bytes: &[u8]) -> Result<TokenSet, OAuthError> {
        #[derive(Deserialize)]
        struct Stored {
            access_token: Option<Secret>,
            refresh_token: Option<Secret>,
            #[serde(default)]
            token_type: Option<String>,
            #[serde(default)]
            scopes: Vec<String>,
            expires_at: Option<u64>,
            api_url: Option<String>,
        }
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|_| OAuthError::MissingField {
                field: "stored token set",
            })?;
        let access_token =
            stored
                .access_token
                .filter(|t| !t.is_empty())
                .ok_or(OAuthError::MissingField {
                    field: "access_token",
                })?;
        Ok(TokenSet {
            access_token,
            refresh_token: stored.refresh_token.filter(|t| !t.is_empty()),
            token_type: stored.token_type.unwrap_or_else(|| "bearer".to_owned()),
            scopes: stored.scopes,
            expires_at: stored.expires_at.map(Timestamp::from_millis),
            api_url: stored.api_url,
        })
    }
}

/// Parse a token-endpoint response received at `now`.
///
/// A non-2xx status, or a 2xx body carrying an `error`, becomes
/// [`OAuthError::Refused`]; a 404, 405 or redirect (no OAuth endpoint
/// answers so: the URL is wrong) becomes [`OAuthError::NotAnOAuthEndpoint`];
/// a body that is not JSON becomes [`OAuthError::UnexpectedResponse`] with a
/// bounded snippet. Each keeps the status and `x-zm-trackingid`; whoever
/// sent the request names its URL with [`OAuthError::at_endpoint`].
pub fn parse_token_response(
    response: &http::Response<Vec<u8>>,
    now: Timestamp,
) -> Result<TokenSet, OAuthError> {
    let value = success_body(response)?;
    // From here on the body may hold tokens: nothing below copies it into an error.
    let text = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    let access_token = text("access_token")
        .map(Secret::new)
        .ok_or(OAuthError::MissingField {
            field: "access_token",
        })?;
    let expires_in = match value.get("expires_in") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(seconds(v).ok_or(OAuthError::MissingField {
            field: "expires_in",
        })?),
    };
    Ok(TokenSet {
        access_token,
        refresh_token: text("refresh_token").map(Secret::new),
        token_type: text("token_type").unwrap_or("bearer").to_owned(),
        scopes: text("scope")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        expires_at: expires_in.map(|secs| now.saturating_add(Duration::from_secs(secs))),
        api_url: text("api_url")
            .map(|u| u.trim_end_matches('/').to_owned())
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
    })
}

/// Parse a refresh response and apply rotation: the new refresh token
/// replaces the old one; if Zoom sent none, the old one stays.
pub fn parse_refresh_response(
    response: &http::Response<Vec<u8>>,
    previous_refresh_token: Option<&Secret>,
    now: Timestamp,
) -> Result<TokenSet, OAuthError> {
    let mut tokens = parse_token_response(response, now)?;
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = previous_refresh_token.cloned();
    }
    Ok(tokens)
}

/// Parse the revoke endpoint's answer: `{"status": "success"}` on success.
pub fn parse_revoke_response(response: &http::Response<Vec<u8>>) -> Result<(), OAuthError> {
    if response.status().is_success() && response.body().iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let value = success_body(response)?;
    match value.get("status").and_then(|s| s.as_str()) {
        Some("success") | None => Ok(()),
        Some(_) => Err(unexpected(response)),
    }
}

/// `expires_in` / `interval`: a non-negative integer, as a number or a string.
pub(crate) fn seconds(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The JSON object of a successful answer, or the error the answer is.
pub(crate) fn success_body(
    response: &http::Response<Vec<u8>>,
) -> Result<serde_json::Value, OAuthError> {
    let status = response.status();
    // RFC 6749 errors are 400 and 401; whatever body comes with a 404, a
    // 405 or a redirect, the request went to the wrong URL.
    if matches!(status.as_u16(), 404 | 405) || status.is_redirection() {
        return Err(OAuthError::NotAnOAuthEndpoint {
            status: status.as_u16(),
            origin: AnswerOrigin::of(response),
        });
    }
    let value = match serde_json::from_slice::<serde_json::Value>(response.body()) {
        Ok(value @ serde_json::Value::Object(_)) => value,
        _ => return Err(unexpected(response)),
    };
    if let Some(err) = oauth_error(response, &value) {
        return Err(err);
    }
    if !status.is_success() {
        return Err(unexpected(response));
    }
    Ok(value)
}

/// The OAuth error carried by `value`, if any: RFC 6749 `error` +
/// `error_description`, and Zoom's `reason`.
fn oauth_error(
    response: &http::Response<Vec<u8>>,
    value: &serde_json::Value,
) -> Option<OAuthError> {
    let code = value.get("error")?.as_str()?;
    let text = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    Some(OAuthError::Refused {
        kind: OAuthErrorKind::from_code(code),
        status: response.status().as_u16(),
        reason: text("reason"),
        description: text("error_description"),
        origin: AnswerOrigin::of(response),
    })
}

/// A body we cannot read as OAuth JSON. Only error statuses get a snippet: a
/// success body in some other format (form-encoded, say) could carry tokens.
fn unexpected(response: &http::Response<Vec<u8>>) -> OAuthError {
    let status = response.status().as_u16();
    let body = response.body();
    let snippet = if (200..300).contains(&status) {
        format!(
            "<{} bytes of a success body that is not a JSON object>",
            body.len()
        )
    } else {
        let text = String::from_utf8_lossy(body);
        let mut snippet: String = text.chars().take(SNIPPET_CHARS).collect();
        if text.chars().nth(SNIPPET_CHARS).is_some() {
            snippet.push('…');
        }
        snippet
    };
    OAuthError::UnexpectedResponse {
        status,
        snippet,
        origin: AnswerOrigin::of(response),
    }
}
