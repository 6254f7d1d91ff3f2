//! Zoom's OAuth endpoints: `/oauth/token` (account_credentials,
//! authorization_code with PKCE, rotating refresh_token, client_credentials,
//! device code), `/oauth/authorize`, `/oauth/devicecode`, `/oauth/revoke`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use crate::body::{self, Resp, oauth_error};
use crate::config::{ClientConfig, MockConfig};
use crate::util::{hex, sha256};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The account and client a live access token acts for.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub account_id: String,
    pub client_id: String,
    pub expires_at: Instant,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    account_id: String,
    client_id: String,
}

#[derive(Debug, Clone)]
struct AuthCode {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    expires_at: Instant,
}

#[derive(Debug, Clone)]
struct DeviceGrant {
    client_id: String,
    user_code: String,
    expires_at: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    approved: Option<bool>,
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Unknown,
    Expired,
}

#[derive(Debug)]
pub(crate) struct OAuthState {
    pub(crate) clients: Vec<ClientConfig>,
    pub(crate) accounts: Vec<String>,
    pub(crate) token_ttl: Duration,
    pub(crate) api_url: Option<String>,
    code_ttl: Duration,
    device_ttl: Duration,
    device_interval: Duration,
    key: [u8; 32],
    counter: u64,
    access: BTreeMap<String, AccessToken>,
    refresh: BTreeMap<String, RefreshGrant>,
    codes: BTreeMap<String, AuthCode>,
    devices: BTreeMap<String, DeviceGrant>,
}

/// Compares secrets without an early exit, so timing does not leak a prefix.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl OAuthState {
    pub(crate) fn new(config: &MockConfig, key: [u8; 32]) -> Self {
        Self {
            clients: config.clients.clone(),
            accounts: config.accounts.clone(),
            token_ttl: config.access_token_ttl,
            api_url: config.api_url.clone(),
            code_ttl: config.auth_code_ttl,
            device_ttl: config.device_code_ttl,
            device_interval: config.device_interval,
            key,
            counter: 0,
            access: BTreeMap::new(),
            refresh: BTreeMap::new(),
            codes: BTreeMap::new(),
            devices: BTreeMap::new(),
        }
    }

    /// An unguessable string: HMAC-like hash of the server key and a counter.
    fn secret(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let mut data = self.key.to_vec();
        data.extend_from_slice(&self.counter.to_be_bytes());
        format!("{prefix}{}", hex(&sha256(&data)))
    }

    fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == id)
    }

    /// Checks a bearer token for the API.
    pub(crate) fn authenticate(
        &self,
        token: &str,
        now: Instant,
    ) -> Result<AccessToken, TokenProblem> {
        let t = self.access.get(token).ok_or(TokenProblem::Unknown)?;
        if now >= t.expires_at {
            return Err(TokenProblem::Expired);
        }
        Ok(t.clone())
    }

    /// Makes every issued access token expired (they still answer "expired").
    pub(crate) fn expire_all(&mut self, now: Instant) {
        for t in self.access.values_mut() {
            t.expires_at = now;
        }
    }

    /// Issues an access token directly (admin shortcut for tests).
    pub(crate) fn mint(
        &mut self,
        account_id: &str,
        client_id: &str,
        ttl: Duration,
        now: Instant,
    ) -> String {
        let token = self.secret("mock_at_");
        self.access.insert(
            token.clone(),
            AccessToken {
                account_id: account_id.to_string(),
                client_id: client_id.to_string(),
                expires_at: now + ttl,
            },
        );
        token
    }

    fn issue(
        &mut self,
        account_id: &str,
        client_id: &str,
        with_refresh: bool,
        now: Instant,
    ) -> Resp {
        let ttl = self.token_ttl;
        let access = self.mint(account_id, client_id, ttl, now);
        let mut out = json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": ttl.as_secs(),
            "scope": "phone:read:admin phone:write:admin",
        });
        if with_refresh {
            let refresh = self.secret("mock_rt_");
            self.refresh.insert(
                refresh.clone(),
                RefreshGrant {
                    account_id: account_id.to_string(),
                    client_id: client_id.to_string(),
                },
            );
            out["refresh_token"] = Value::String(refresh);
        }
        if let Some(url) = &self.api_url {
            out["api_url"] = Value::String(url.clone());
        }
        body::json(StatusCode::OK, &out)
    }

    fn default_account(&self) -> String {
        self.accounts
            .first()
            .cloned()
            .unwrap_or_else(|| "mock-account".into())
    }

    /// Identifies the client: HTTP Basic, or `client_id` (+ `client_secret`)
    /// in the request. Returns the client id and whether it proved a secret.
    fn client_auth(
        &self,
        headers: &HeaderMap,
        params: &BTreeMap<String, String>,
    ) -> Result<(String, bool), Resp> {
        let invalid = || {
            oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Invalid client_id or client_secret",
            )
        };
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
            let text = auth.to_str().map_err(|_| invalid())?;
            let encoded = text
                .strip_prefix("Basic ")
                .or_else(|| text.strip_prefix("basic "))
                .ok_or_else(invalid)?;
            let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
            let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
            let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
            let client = self.client(id).ok_or_else(invalid)?;
            return match &client.client_secret {
                Some(s) if same_secret(s, secret) => Ok((id.to_string(), true)),
                None if secret.is_empty() => Ok((id.to_string(), false)),
                _ => Err(invalid()),
            };
        }
        let Some(id) = params.get("client_id") else {
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client ID or client secret is missing",
            ));
        };
        let client = self.client(id).ok_or_else(invalid)?;
        match (&client.client_secret, params.get("client_secret")) {
            (Some(s), Some(given)) if same_secret(s, given) => Ok((id.clone(), true)),
            (None, None) => Ok((id.clone(), false)),
            _ => Err(invalid()),
        }
    }

    /// `POST /oauth/token`; `params` merges the query string and the form body.
    pub(crate) fn token(
        &mut self,
        headers: &HeaderMap,
        params: &BTreeMap<String, String>,
        now: Instant,
    ) -> Resp {
        let (client_id, confidential) = match self.client_auth(headers, params) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let bad = |error: &str, reason: &str| oauth_error(StatusCode::BAD_REQUEST, error, reason);
        let grant = params.get("grant_type").map(String::as_str).unwrap_or("");
        match grant {
            "account_credentials" | "client_credentials" if !confidential => bad(
                "unauthorized_client",
                "This grant type needs the client secret",
            ),
            "account_credentials" => {
                let Some(account) = params.get("account_id") else {
                    return bad("invalid_request", "Missing account_id");
                };
                if !self.accounts.contains(account) {
                    return bad("invalid_request", "Invalid account_id");
                }
                let account = account.clone();
                self.issue(&account, &client_id, false, now)
            }
            "client_credentials" => {
                let account = self.default_account();
                self.issue(&account, &client_id, false, now)
            }
            "authorization_code" => self.exchange_code(&client_id, confidential, params, now),
            "refresh_token" => {
                let Some(rt) = params.get("refresh_token") else {
                    return bad("invalid_request", "Missing refresh_token");
                };
                match self.refresh.get(rt) {
                    Some(g) if g.client_id == client_id => {
                        // Rotation: a refresh token works once.
                        let g = g.clone();
                        self.refresh.remove(rt);
                        self.issue(&g.account_id, &client_id, true, now)
                    }
                    _ => bad("invalid_grant", "Invalid Token!"),
                }
            }
            DEVICE_GRANT => self.poll_device(&client_id, params, now),
            "" => bad("invalid_request", "Missing grant type"),
            _ => bad("unsupported_grant_type", "Unsupported grant type"),
        }
    }

    fn exchange_code(
        &mut self,
        client_id: &str,
        confidential: bool,
        params: &BTreeMap<String, String>,
        now: Instant,
    ) -> Resp {
        let bad = |error: &str, reason: &str| oauth_error(StatusCode::BAD_REQUEST, error, reason);
        let Some(code) = params.get("code") else {
            return bad("invalid_request", "Missing code");
        };
        // Taken out on first presentation: a code works once, even if this
        // exchange then fails.
        let Some(grant) = self.codes.remove(code) else {
            return bad("invalid_grant", "Invalid authorization code");
        };
        if grant.client_id != client_id {
            return bad("invalid_grant", "Invalid authorization code");
        }
        if now >= grant.expires_at {
            return bad("invalid_grant", "Authorization code has expired");
        }
        if params.get("redirect_uri") != Some(&grant.redirect_uri) {
            return bad("invalid_request", "Redirect URI mismatch.");
        }
        match (&grant.challenge, params.get("code_verifier")) {
            (Some(challenge), Some(verifier)) => {
                let computed = URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes()));
                if !same_secret(&computed, challenge) {
                    return bad("invalid_grant", "Invalid code verifier");
                }
            }
            (Some(_), None) => return bad("invalid_request", "Missing code_verifier"),
            (None, _) if !confidential => {
                return bad("invalid_request", "A public client must use PKCE");
            }
            (None, _) => {}
        }
        let account = self.default_account();
        self.issue(&account, client_id, true, now)
    }

    fn poll_device(
        &mut self,
        client_id: &str,
        params: &BTreeMap<String, String>,
        now: Instant,
    ) -> Resp {
        let bad = |error: &str, reason: &str| oauth_error(StatusCode::BAD_REQUEST, error, reason);
        let Some(code) = params.get("device_code") else {
            return bad("invalid_request", "Missing device_code");
        };
        let Some(grant) = self.devices.get_mut(code) else {
            return bad("invalid_grant", "Invalid device code");
        };
        if grant.client_id != client_id {
            return bad("invalid_grant", "Invalid device code");
        }
        if now >= grant.expires_at {
            self.devices.remove(code);
            return bad("expired_token", "The device code has expired");
        }
        match grant.approved {
            Some(true) => {
                self.devices.remove(code);
                let account = self.default_account();
                self.issue(&account, client_id, true, now)
            }
            Some(false) => {
                self.devices.remove(code);
                bad("access_denied", "The user denied the request")
            }
            None => {
                let too_soon = grant
                    .last_poll
                    .is_some_and(|last| now.duration_since(last) < grant.interval);
                grant.last_poll = Some(now);
                if too_soon {
                    // RFC 8628: the client must add 5 seconds to its interval.
                    grant.interval += Duration::from_secs(5);
                    bad("slow_down", "Polling too fast")
                } else {
                    bad("authorization_pending", "User has not yet authorized")
                }
            }
        }
    }

    /// `POST /oauth/devicecode`.
    pub(crate) fn device_code(
        &mut self,
        headers: &HeaderMap,
        params: &BTreeMap<String, String>,
        base_url: &str,
        now: Instant,
    ) -> Resp {
        let (client_id, _) = match self.client_auth(headers, params) {
            Ok(c) => c,
            Err(r) => return r,
        };
        let device_code = self.secret("mock_dc_");
        let raw = self.secret("");
        let user_code: String = raw
            .bytes()
            .take(8)
            .map(|b| char::from(b'A' + (b % 26)))
            .collect();
        self.devices.insert(
            device_code.clone(),
            DeviceGrant {
                client_id,
                user_code: user_code.clone(),
                expires_at: now + self.device_ttl,
                interval: self.device_interval,
                last_poll: None,
                approved: None,
            },
        );
        body::json(
            StatusCode::OK,
            &json!({
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": format!("{base_url}/oauth/authorize"),
                "verification_uri_complete": format!("{base_url}/oauth/authorize?user_code={user_code}"),
                "expires_in": self.device_ttl.as_secs(),
                "interval": self.device_interval.as_secs(),
            }),
        )
    }

    /// Approves (or denies) the device grant with this user code.
    pub(crate) fn decide_device(&mut self, user_code: &str, approve: bool) -> bool {
        match self.devices.values_mut().find(|g| g.user_code == user_code) {
            Some(g) => {
                g.approved = Some(approve);
                true
            }
            None => false,
        }
    }

    /// `GET /oauth/authorize`: the mock user consents at once and is sent
    /// back with a code; with `user_code` it approves a device grant.
    pub(crate) fn authorize(&mut self, params: &BTreeMap<String, String>, now: Instant) -> Resp {
        let page = |status: StatusCode, text: &str| {
            body::bytes(
                status,
                "text/html; charset=utf-8",
                format!("<!doctype html><title>Zoom mock</title><p>{text}</p>"),
            )
        };
        if let Some(user_code) = params.get("user_code") {
            return if self.decide_device(user_code, true) {
                page(StatusCode::OK, "Device approved. You can close this page.")
            } else {
                page(StatusCode::BAD_REQUEST, "Unknown or expired user code.")
            };
        }
        if params.get("response_type").map(String::as_str) != Some("code") {
            return page(StatusCode::BAD_REQUEST, "response_type must be code.");
        }
        let Some(client) = params
            .get("client_id")
            .and_then(|id| self.client(id))
            .cloned()
        else {
            return page(StatusCode::BAD_REQUEST, "Invalid client_id.");
        };
        let Some(redirect_uri) = params.get("redirect_uri") else {
            return page(StatusCode::BAD_REQUEST, "Missing redirect_uri.");
        };
        if !client.redirect_uris.is_empty() && !client.redirect_uris.contains(redirect_uri) {
            return page(StatusCode::BAD_REQUEST, "Redirect URI mismatch.");
        }
        let challenge = params.get("code_challenge").cloned();
        if challenge.is_some()
            && params.get("code_challenge_method").map(String::as_str) != Some("S256")
        {
            return page(
                StatusCode::BAD_REQUEST,
                "code_challenge_method must be S256.",
            );
        }
        let code = self.secret("mock_code_");
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: client.client_id,
                redirect_uri: redirect_uri.clone(),
                challenge,
                expires_at: now + self.code_ttl,
            },
        );
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("code", &code);
        if let Some(state) = params.get("state") {
            query.append_pair("state", state);
        }
        let sep = if redirect_uri.contains('?') { '&' } else { '?' };
        let location = format!("{redirect_uri}{sep}{}", query.finish());
        let mut r = body::empty(StatusCode::FOUND);
        if let Ok(v) = http::HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r
    }

    /// `POST /oauth/revoke`: forgets an access or refresh token.
    pub(crate) fn revoke(
        &mut self,
        headers: &HeaderMap,
        params: &BTreeMap<String, String>,
    ) -> Resp {
        let client_id = match self.client_auth(headers, params) {
            Ok((id, _)) => id,
            Err(r) => return r,
        };
        let Some(token) = params.get("token") else {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token");
        };
        // A client may revoke only what was issued to it.
        if self
            .access
            .get(token)
            .is_some_and(|t| t.client_id == client_id)
        {
            self.access.remove(token);
        }
        if self
            .refresh
            .get(token)
            .is_some_and(|g| g.client_id == client_id)
        {
            self.refresh.remove(token);
        }
        body::json(StatusCode::OK, &json!({ "status": "success" }))
    }
}
