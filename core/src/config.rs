//! The one configuration of a client, parsed and validated here for every
//! host.
//!
//! A host translates its idiom (a Rust builder's `Duration`s, JS options in
//! camelCase, Python keyword arguments in seconds) into one shape and hands
//! it over; which credentials are meant, what `"off"` or `"pro"` means, the
//! defaults and the limits are decided only here. From JSON
//! ([`HostConfig::from_json`]) the keys are snake_case, camelCase keys are
//! read as their snake_case form, unknown keys are refused with the closest
//! known name, and durations are milliseconds (integers or finite numbers).
//!
//! | key | default | what |
//! |---|---|---|
//! | `account_id` + `client_id` + `client_secret` | | server-to-server OAuth |
//! | `client_id` + `client_secret` | | the client credentials grant |
//! | `client_id` (+ `client_secret`) + `refresh_token` or `tokens` | | a user's tokens, renewed with the refresh grant |
//! | `access_token` | | one token, never renewed |
//! | `token_source: true` | | the host's own token source ([`Action::FetchToken`](crate::driver::Action::FetchToken)) |
//! | `base_url` | `https://api.zoom.us/v2` | API base (a token's `api_url` takes precedence) |
//! | `file_base_url` | `https://fileapi.zoom.us/v2` | where the fax upload goes |
//! | `oauth_base` | `https://zoom.us` | the OAuth server's root URL |
//! | `user_agent` | `zoom-phone-<sdk>/<version>` | |
//! | `sdk` | `rust` | which host this is (`rust`, `js`, `python`): names the default `User-Agent` |
//! | `sdk_header` | `true` | send `X-Zoom-Phone-Sdk` |
//! | `retry` | 4 attempts, 120 s, 500 ms base, 30 s cap | `max_attempts`, `max_elapsed_ms`, `base_delay_ms`, `max_delay_ms`, `retry_non_idempotent` |
//! | `rate_limits` | `"off"` | `"pro"`, `"business"`, or `{plan, light, medium, heavy, resource_intensive_per_minute, daily}` |
//! | `timeout_ms` | none | deadline of each call, retries and waits included |
//! | `attempt_timeout_ms` | 120000 | one HTTP attempt, body included |
//! | `connect_timeout_ms` | 10000 | connection setup (the host's HTTP client applies it) |
//! | `token_store` | `"none"` | `"none"`, `"private"` (saved, this client only) or `"shared"` (locked and re-read before each renewal) |
//! | `max_response_bytes` | 32 MiB | largest JSON answer read |
//! | `max_download_bytes` | 1 GiB | largest download read |
//! | `refresh_skew_ms` | 60000 | renew this long before a token expires |
//! | `renewal_timeout_ms` | 30000 | a renewal not finished by then is presumed lost |
//! | `seed` | 0 | backoff-jitter seed (hosts pass real randomness) |
//! | `log` | `"off"` | `"error"`, `"warn"`, `"info"` or `"debug"`: which [`Event`](crate::driver::Event)s the driver produces |
//! | `fleet` | none | share the account's rate-limit budget and tokens with other workers through Redis ([`FleetConfig`](crate::fleet::FleetConfig)): `{account, prefix, tokens, share, lease_ms, timeout_ms, probe_ms}`; `account` defaults to the server-to-server `account_id`; not with `token_store` |

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::{LifecycleSettings, OAuthConfig, TokenSet};
use crate::driver::BodyLimits;
use crate::limiter::{PlanLimits, Rate};
use crate::request::RequestConfig;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::time::Timestamp;

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid client configuration: `{field}` {problem}")]
#[non_exhaustive]
pub struct ConfigError {
    /// The key as the configuration names it (`retry.max_attempts`).
    pub field: String,
    pub problem: String,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// How the client obtains access tokens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// Server-to-server OAuth (`account_credentials` grant).
    ServerToServer {
        account_id: String,
        client_id: String,
        client_secret: Secret,
    },
    /// The client credentials grant.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    /// A user's tokens, renewed with the refresh grant (Zoom rotates refresh
    /// tokens: give the client a token store).
    UserTokens {
        client_id: String,
        /// `None` for a public PKCE app.
        client_secret: Option<Secret>,
        tokens: TokenSet,
    },
    /// One access token, used as long as Zoom accepts it.
    AccessToken(Secret),
    /// The host asks its own token source ([`Action::FetchToken`](crate::driver::Action::FetchToken)).
    TokenSource,
}

/// Whether and how the host keeps tokens in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreMode {
    /// No store: tokens live in the session only.
    #[default]
    None,
    /// Every new token set is written; only this client uses the store.
    Private,
    /// Other clients or processes share the store: each renewal locks it,
    /// reads it (adopting tokens another client saved), and writes before
    /// unlocking, so a rotated refresh token is never sent dead.
    Shared,
}

/// Which events the driver produces for the host's logger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LogLevel {
    #[default]
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// Time limits of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Deadline of each call from its start, retries and waits included.
    pub call: Option<Duration>,
    /// Longest one HTTP attempt may take, body included.
    pub attempt: Duration,
    /// Longest a connection may take to set up (applied by the host's client).
    pub connect: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            call: None,
            attempt: Duration::from_secs(120),
            connect: Duration::from_secs(10),
        }
    }
}

/// Everything a [`Session`](crate::driver::Session) is configured with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HostConfig {
    pub credentials: Credentials,
    /// Base URLs and `User-Agent`.
    pub request: RequestConfig,
    /// The OAuth server's root URL (`https://zoom.us`).
    pub oauth_base: String,
    pub retry: RetryPolicy,
    /// Client-side rate limiting by Zoom's categories; `None`: off.
    pub rate_limits: Option<PlanLimits>,
    pub timeouts: Timeouts,
    pub token_store: StoreMode,
    pub body_limits: BodyLimits,
    pub lifecycle: LifecycleSettings,
    pub seed: u64,
    pub log: LogLevel,
    /// Shared with the other workers of the account, through Redis.
    pub fleet: Option<crate::fleet::FleetConfig>,
}

/// The largest duration a configuration accepts (about 31 years): beyond
/// that a number is a mistake (seconds given as milliseconds twice over),
/// and it could overflow a host's timer.
const MAX_MILLIS: f64 = 1e12;

impl HostConfig {
    /// A configuration with every default and these credentials.
    pub fn new(credentials: Credentials) -> Self {
        HostConfig {
            credentials,
            request: RequestConfig::default(),
            oauth_base: crate::auth::DEFAULT_OAUTH_BASE.to_owned(),
            retry: RetryPolicy::default(),
            rate_limits: None,
            timeouts: Timeouts::default(),
            token_store: StoreMode::None,
            body_limits: BodyLimits::default(),
            lifecycle: LifecycleSettings::default(),
            seed: 0,
            log: LogLevel::Off,
            fleet: None,
        }
    }

    /// Reads the JSON shape described in the module docs and validates it.
    pub fn from_json(value: &Value) -> Result<HostConfig, ConfigError> {
        let Value::Object(map) = value else {
            return Err(ConfigError::new("config", "must be an object"));
        };
        let normalized = normalize_keys(map, &[]);
        reject_unknown(&normalized, TOP_KEYS, "")?;
        for (key, known) in [
            ("retry", RETRY_KEYS),
            ("rate_limits", RATE_KEYS),
            ("fleet", FLEET_KEYS),
        ] {
            if let Some(Value::Object(inner)) = normalized.get(key) {
                reject_unknown(inner, known, key)?;
            }
        }
        let raw: RawConfig = serde_json::from_value(Value::Object(normalized)).map_err(|e| {
            // serde's message names the field; it never holds a value we
            // could leak (secrets are strings, and a string is never the
            // problem in a type error on a secret field).
            ConfigError::new("config", e.to_string())
        })?;
        raw.into_config()
    }

    /// [`HostConfig::from_json`] of JSON text.
    pub fn from_json_text(text: &str) -> Result<HostConfig, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("config", format!("is not JSON: {e}")))?;
        HostConfig::from_json(&value)
    }

    /// Checks what the types cannot: URLs, header values, ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (field, url) in [
            ("base_url", self.request.base_url.as_str()),
            ("file_base_url", self.request.file_base_url.as_str()),
            ("oauth_base", self.oauth_base.as_str()),
        ] {
            check_url(field, url)?;
        }
        check_oauth_root(&self.oauth_base)?;
        if http::HeaderValue::from_str(&self.request.user_agent).is_err() {
            return Err(ConfigError::new(
                "user_agent",
                "contains characters not allowed in an HTTP header",
            ));
        }
        match &self.credentials {
            Credentials::ServerToServer {
                account_id,
                client_id,
                client_secret,
            } => {
                non_empty("account_id", account_id)?;
                non_empty("client_id", client_id)?;
                secret_ok("client_secret", client_secret)?;
            }
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                non_empty("client_id", client_id)?;
                secret_ok("client_secret", client_secret)?;
            }
            Credentials::UserTokens {
                client_id,
                client_secret,
                tokens,
            } => {
                non_empty("client_id", client_id)?;
                if let Some(s) = client_secret {
                    secret_ok("client_secret", s)?;
                }
                if let Some(r) = &tokens.refresh_token {
                    secret_ok("refresh_token", r)?;
                }
                header_safe("tokens.access_token", &tokens.access_token)?;
            }
            Credentials::AccessToken(token) => secret_ok("access_token", token)?,
            Credentials::TokenSource => {}
        }
        if self.retry.max_attempts == 0 || self.retry.max_attempts > 100 {
            return Err(ConfigError::new(
                "retry.max_attempts",
                "must be between 1 and 100",
            ));
        }
        if self.timeouts.attempt.is_zero() {
            return Err(ConfigError::new("attempt_timeout_ms", "must be positive"));
        }
        if self.timeouts.call.is_some_and(|d| d.is_zero()) {
            return Err(ConfigError::new("timeout_ms", "must be positive"));
        }
        if let Some(f) = &self.fleet {
            for (field, value) in [
                ("fleet.account", &f.account),
                ("fleet.prefix", &f.prefix),
                ("fleet.tokens", &f.tokens),
            ] {
                non_empty(field, value)?;
                if value.contains(['{', '}', ':']) || value.chars().any(char::is_whitespace) {
                    return Err(ConfigError::new(
                        field,
                        "may not hold braces, colons or spaces (it is part of Redis keys)",
                    ));
                }
            }
            if !(f.share > 0.0 && f.share <= 1.0) {
                return Err(ConfigError::new(
                    "fleet.share",
                    "must be above 0 and at most 1",
                ));
            }
            if f.lease.is_zero() || f.timeout.is_zero() || f.probe.is_zero() {
                return Err(ConfigError::new(
                    "fleet",
                    "lease_ms, timeout_ms and probe_ms must be positive",
                ));
            }
            if self.token_store != StoreMode::None {
                return Err(ConfigError::new(
                    "token_store",
                    "cannot be combined with a fleet: the fleet keeps the tokens in Redis",
                ));
            }
        }
        if self.body_limits.api == 0 || self.body_limits.download == 0 {
            return Err(ConfigError::new(
                "max_response_bytes",
                "and max_download_bytes must be positive",
            ));
        }
        Ok(())
    }

    /// The OAuth app the credentials describe, if they need Zoom's OAuth server.
    pub fn oauth(&self) -> Option<OAuthConfig> {
        let with_base = |c: OAuthConfig| c.with_oauth_base(self.oauth_base.clone());
        Some(match &self.credentials {
            Credentials::ServerToServer {
                account_id,
                client_id,
                client_secret,
            } => with_base(OAuthConfig::server_to_server(
                account_id.clone(),
                client_id.clone(),
                client_secret.clone(),
            )),
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => with_base(OAuthConfig::new(client_id.clone(), client_secret.clone())),
            Credentials::UserTokens {
                client_id,
                client_secret,
                ..
            } => with_base(match client_secret {
                Some(s) => OAuthConfig::new(client_id.clone(), s.clone()),
                None => OAuthConfig::public(client_id.clone()),
            }),
            Credentials::AccessToken(_) | Credentials::TokenSource => return None,
        })
    }
}

fn check_url(field: &str, url: &str) -> Result<(), ConfigError> {
    if crate::driver::absolute_url(url).is_none() {
        return Err(ConfigError::new(
            field,
            format!("must be an absolute http(s) URL without a fragment, not {url:?}"),
        ));
    }
    Ok(())
}

/// The SDK appends each endpoint's path (`/oauth/token`, ...) to the OAuth
/// base: a base that already ends in it (other Zoom clients take the token
/// URL) would send every renewal to `/oauth/token/oauth/token`, a 404.
fn check_oauth_root(url: &str) -> Result<(), ConfigError> {
    let path = url
        .parse::<http::Uri>()
        .map(|u| u.path().trim_end_matches('/').to_ascii_lowercase())
        .unwrap_or_default();
    if path.ends_with(crate::auth::flows::TOKEN_PATH) {
        return Err(ConfigError::new(
            "oauth_base",
            format!(
                "must be the OAuth server's root URL, such as https://zoom.us, not the token endpoint {url:?}: the SDK appends {} itself",
                crate::auth::flows::TOKEN_PATH
            ),
        ));
    }
    Ok(())
}

fn non_empty(field: &str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(ConfigError::new(field, "is empty"));
    }
    Ok(())
}

fn secret_ok(field: &str, value: &Secret) -> Result<(), ConfigError> {
    if value.expose().trim().is_empty() {
        return Err(ConfigError::new(field, "is empty"));
    }
    header_safe(field, value)
}

/// Secrets end up in headers (Basic auth, Bearer); a line break in one
/// would split the header. The value itself is never shown.
fn header_safe(field: &str, value: &Secret) -> Result<(), ConfigError> {
    if value.expose().chars().any(char::is_control) {
        return Err(ConfigError::new(
            field,
            "contains control characters (a line break?)",
        ));
    }
    Ok(())
}

const TOP_KEYS: &[&str] = &[
    "account_id",
    "client_id",
    "client_secret",
    "access_token",
    "refresh_token",
    "tokens",
    "token_source",
    "base_url",
    "file_base_url",
    "oauth_base",
    "user_agent",
    "sdk",
    "sdk_header",
    "retry",
    "rate_limits",
    "timeout_ms",
    "attempt_timeout_ms",
    "connect_timeout_ms",
    "token_store",
    "max_response_bytes",
    "max_download_bytes",
    "refresh_skew_ms",
    "renewal_timeout_ms",
    "seed",
    "log",
    "fleet",
];
const RETRY_KEYS: &[&str] = &[
    "max_attempts",
    "max_elapsed_ms",
    "base_delay_ms",
    "max_delay_ms",
    "retry_non_idempotent",
];
const FLEET_KEYS: &[&str] = &[
    "account",
    "prefix",
    "tokens",
    "share",
    "lease_ms",
    "timeout_ms",
    "probe_ms",
];
const RATE_KEYS: &[&str] = &[
    "plan",
    "light",
    "medium",
    "heavy",
    "resource_intensive_per_minute",
    "daily",
];

/// camelCase keys as snake_case (`baseUrl` -> `base_url`, `timeoutMs` ->
/// `timeout_ms`), down into the nested option objects; the contents of
/// `tokens` (the store's own snake_case JSON) are left as they are. Keys
/// that are already snake_case are unchanged, so both spellings work.
fn normalize_keys(map: &Map<String, Value>, path: &[&str]) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| {
            let key = snake_case(k);
            let value = match v {
                Value::Object(inner)
                    if path.is_empty()
                        && matches!(key.as_str(), "retry" | "rate_limits" | "fleet") =>
                {
                    Value::Object(normalize_keys(inner, &[&key]))
                }
                other => other.clone(),
            };
            (key, value)
        })
        .collect()
}

pub(crate) fn snake_case(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::with_capacity(key.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            // A word starts at an upper-case letter after a lower-case one or
            // a digit, or at the last capital of an acronym (`baseURL` ->
            // `base_url`, `HTTPClient` -> `http_client`).
            let prev = i.checked_sub(1).and_then(|j| chars.get(j));
            let next = chars.get(i + 1);
            let starts_word = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_ascii_uppercase)
                    && next.is_some_and(char::is_ascii_lowercase));
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn reject_unknown(
    map: &Map<String, Value>,
    known: &[&str],
    parent: &str,
) -> Result<(), ConfigError> {
    for key in map.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let field = if parent.is_empty() {
            key.clone()
        } else {
            format!("{parent}.{key}")
        };
        let hint = crate::request::closest(key, known)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        return Err(ConfigError::new(
            field,
            format!("is not a known option{hint}"),
        ));
    }
    Ok(())
}

/// A duration in milliseconds as hosts send it: an integer or a finite
/// float (JS numbers, Python's `seconds * 1000`).
#[derive(Deserialize, Clone, Copy)]
#[serde(transparent)]
struct Millis(f64);

impl Millis {
    fn duration(self, field: &str) -> Result<Duration, ConfigError> {
        let ms = self.0;
        if !ms.is_finite() || !(0.0..=MAX_MILLIS).contains(&ms) {
            return Err(ConfigError::new(
                field,
                format!("must be a number of milliseconds from 0 to 10^12, not {ms}"),
            ));
        }
        Ok(Duration::from_micros((ms * 1000.0).round() as u64))
    }
}

/// A byte count or small integer as hosts send it (a JS number may be a float).
fn whole(field: &str, value: f64, max: f64) -> Result<u64, ConfigError> {
    if !value.is_finite() || value < 0.0 || value > max || value.fract() != 0.0 {
        return Err(ConfigError::new(
            field,
            format!("must be a whole number from 0 to {max}, not {value}"),
        ));
    }
    Ok(value as u64)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRetry {
    max_attempts: Option<f64>,
    max_elapsed_ms: Option<Millis>,
    base_delay_ms: Option<Millis>,
    max_delay_ms: Option<Millis>,
    retry_non_idempotent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRateLimits {
    Preset(String),
    Custom(RawCustomLimits),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCustomLimits {
    plan: Option<String>,
    light: Option<f64>,
    medium: Option<f64>,
    heavy: Option<f64>,
    resource_intensive_per_minute: Option<f64>,
    daily: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTokens {
    Text(String),
    Object(Value),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfig {
    account_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    access_token: Option<Secret>,
    refresh_token: Option<Secret>,
    tokens: Option<RawTokens>,
    token_source: Option<bool>,
    base_url: Option<String>,
    file_base_url: Option<String>,
    oauth_base: Option<String>,
    user_agent: Option<String>,
    sdk: Option<String>,
    sdk_header: Option<bool>,
    retry: Option<RawRetry>,
    rate_limits: Option<RawRateLimits>,
    timeout_ms: Option<Millis>,
    attempt_timeout_ms: Option<Millis>,
    connect_timeout_ms: Option<Millis>,
    token_store: Option<String>,
    max_response_bytes: Option<f64>,
    max_download_bytes: Option<f64>,
    refresh_skew_ms: Option<Millis>,
    renewal_timeout_ms: Option<Millis>,
    seed: Option<u64>,
    log: Option<String>,
    fleet: Option<RawFleet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFleet {
    account: Option<String>,
    prefix: Option<String>,
    tokens: Option<String>,
    share: Option<f64>,
    lease_ms: Option<Millis>,
    timeout_ms: Option<Millis>,
    probe_ms: Option<Millis>,
}

impl RawConfig {
    fn credentials(&mut self) -> Result<Credentials, ConfigError> {
        let tokens = match self.tokens.take() {
            None => None,
            Some(RawTokens::Text(text)) => Some(text.into_bytes()),
            Some(RawTokens::Object(value)) => Some(value.to_string().into_bytes()),
        };
        let mut kinds: Vec<&str> = Vec::new();
        if self.token_source == Some(true) {
            kinds.push("token_source");
        }
        if self.access_token.is_some() {
            kinds.push("access_token");
        }
        if self.refresh_token.is_some() || tokens.is_some() {
            kinds.push(if tokens.is_some() {
                "tokens"
            } else {
                "refresh_token"
            });
        }
        if self.account_id.is_some() {
            kinds.push("account_id");
        }
        if kinds.len() > 1 {
            return Err(ConfigError::new(
                "credentials",
                format!(
                    "name one kind of credentials, not several ({})",
                    kinds.join(", ")
                ),
            ));
        }
        let need = |field: &'static str, v: Option<String>| {
            v.ok_or_else(|| ConfigError::new(field, "is required with these credentials"))
        };
        let need_secret = |field: &'static str, v: Option<Secret>| {
            v.ok_or_else(|| ConfigError::new(field, "is required with these credentials"))
        };
        Ok(match kinds.first().copied() {
            Some("token_source") => Credentials::TokenSource,
            Some("access_token") => Credentials::AccessToken(
                self.access_token.take().unwrap_or_else(|| Secret::new("")),
            ),
            Some("tokens") | Some("refresh_token") => {
                let mut set = match &tokens {
                    Some(bytes) => TokenSet::from_store_json(bytes)
                        .map_err(|e| ConfigError::new("tokens", format!("cannot be read: {e}")))?,
                    None => TokenSet::refresh_only(
                        self.refresh_token.take().unwrap_or_else(|| Secret::new("")),
                    ),
                };
                if let (Some(rt), true) = (self.refresh_token.take(), tokens.is_some()) {
                    set.refresh_token = Some(rt);
                }
                Credentials::UserTokens {
                    client_id: need("client_id", self.client_id.take())?,
                    client_secret: self.client_secret.take(),
                    tokens: set,
                }
            }
            Some(_) => Credentials::ServerToServer {
                account_id: need("account_id", self.account_id.take())?,
                client_id: need("client_id", self.client_id.take())?,
                client_secret: need_secret("client_secret", self.client_secret.take())?,
            },
            None => match (self.client_id.take(), self.client_secret.take()) {
                (Some(client_id), Some(client_secret)) => Credentials::ClientCredentials {
                    client_id,
                    client_secret,
                },
                _ => {
                    return Err(ConfigError::new(
                        "credentials",
                        "are missing: give account_id + client_id + client_secret \
                         (server-to-server), client_id + client_secret (client credentials), \
                         client_id + refresh_token or tokens (a user's tokens), access_token, \
                         or a token source",
                    ));
                }
            },
        })
    }

    fn into_config(mut self) -> Result<HostConfig, ConfigError> {
        let s2s_account = self.account_id.clone();
        let mut config = HostConfig::new(self.credentials()?);
        if let Some(f) = self.fleet.take() {
            let account = f.account.or(s2s_account).ok_or_else(|| {
                ConfigError::new(
                    "fleet.account",
                    "is required unless the credentials are server-to-server (account_id)",
                )
            })?;
            let mut fleet = crate::fleet::FleetConfig::new(account);
            if let Some(v) = f.prefix {
                fleet.prefix = v;
            }
            if let Some(v) = f.tokens {
                fleet.tokens = v;
            }
            if let Some(v) = f.share {
                fleet.share = v;
            }
            if let Some(v) = f.lease_ms {
                fleet.lease = v.duration("fleet.lease_ms")?;
            }
            if let Some(v) = f.timeout_ms {
                fleet.timeout = v.duration("fleet.timeout_ms")?;
            }
            if let Some(v) = f.probe_ms {
                fleet.probe = v.duration("fleet.probe_ms")?;
            }
            config.fleet = Some(fleet);
        }
        if let Some(sdk) = self.sdk.as_deref() {
            if !matches!(sdk, "rust" | "js" | "python") {
                return Err(ConfigError::new(
                    "sdk",
                    "must be \"rust\", \"js\" or \"python\"",
                ));
            }
            config.request.user_agent = format!("zoom-phone-{sdk}/{}", env!("CARGO_PKG_VERSION"));
        }
        if let Some(v) = self.base_url {
            config.request.base_url = v;
        }
        if let Some(v) = self.file_base_url {
            config.request.file_base_url = v;
        }
        if let Some(v) = self.user_agent {
            config.request.user_agent = v;
        }
        if let Some(v) = self.sdk_header {
            config.request.sdk_header = v;
        }
        if let Some(v) = self.oauth_base {
            config.oauth_base = v.trim_end_matches('/').to_owned();
        }
        if let Some(r) = self.retry {
            if let Some(n) = r.max_attempts {
                config.retry.max_attempts =
                    u32::try_from(whole("retry.max_attempts", n, 100.0)?).unwrap_or(u32::MAX);
            }
            if let Some(v) = r.max_elapsed_ms {
                config.retry.max_elapsed = v.duration("retry.max_elapsed_ms")?;
            }
            if let Some(v) = r.base_delay_ms {
                config.retry.base_delay = v.duration("retry.base_delay_ms")?;
            }
            if let Some(v) = r.max_delay_ms {
                config.retry.max_delay = v.duration("retry.max_delay_ms")?;
            }
            if let Some(v) = r.retry_non_idempotent {
                config.retry.retry_non_idempotent = v;
            }
        }
        config.rate_limits = match self.rate_limits {
            None => None,
            Some(RawRateLimits::Preset(name)) => preset("rate_limits", &name)?,
            Some(RawRateLimits::Custom(c)) => Some(custom_limits(c)?),
        };
        if let Some(v) = self.timeout_ms {
            config.timeouts.call = Some(v.duration("timeout_ms")?);
        }
        if let Some(v) = self.attempt_timeout_ms {
            config.timeouts.attempt = v.duration("attempt_timeout_ms")?;
        }
        if let Some(v) = self.connect_timeout_ms {
            config.timeouts.connect = v.duration("connect_timeout_ms")?;
        }
        config.token_store = match self.token_store.as_deref() {
            None | Some("none") => StoreMode::None,
            Some("private") => StoreMode::Private,
            Some("shared") => StoreMode::Shared,
            Some(other) => {
                return Err(ConfigError::new(
                    "token_store",
                    format!("must be \"none\", \"private\" or \"shared\", not {other:?}"),
                ));
            }
        };
        let bytes = 2f64.powi(53);
        if let Some(v) = self.max_response_bytes {
            config.body_limits.api = whole("max_response_bytes", v, bytes)?;
        }
        if let Some(v) = self.max_download_bytes {
            config.body_limits.download = whole("max_download_bytes", v, bytes)?;
        }
        if let Some(v) = self.refresh_skew_ms {
            config.lifecycle.refresh_skew = v.duration("refresh_skew_ms")?;
        }
        if let Some(v) = self.renewal_timeout_ms {
            config.lifecycle.renewal_timeout = v.duration("renewal_timeout_ms")?;
        }
        config.seed = self.seed.unwrap_or(0);
        config.log = match self.log.as_deref() {
            None | Some("off") => LogLevel::Off,
            Some("error") => LogLevel::Error,
            Some("warn") => LogLevel::Warn,
            Some("info") => LogLevel::Info,
            Some("debug") => LogLevel::Debug,
            Some(other) => {
                return Err(ConfigError::new(
                    "log",
                    format!(
                        "must be \"off\", \"error\", \"warn\", \"info\" or \"debug\", not {other:?}"
                    ),
                ));
            }
        };
        config.validate()?;
        Ok(config)
    }
}

fn preset(field: &str, name: &str) -> Result<Option<PlanLimits>, ConfigError> {
    match name {
        "off" => Ok(None),
        "pro" => Ok(Some(PlanLimits::pro())),
        "business" => Ok(Some(PlanLimits::business())),
        other => Err(ConfigError::new(
            field,
            format!("must be \"off\", \"pro\", \"business\" or an object of limits, not {other:?}"),
        )),
    }
}

fn custom_limits(c: RawCustomLimits) -> Result<PlanLimits, ConfigError> {
    let mut limits = match c.plan.as_deref() {
        None => PlanLimits::pro(),
        Some(name) => preset("rate_limits.plan", name)?.ok_or_else(|| {
            ConfigError::new("rate_limits.plan", "must be \"pro\" or \"business\"")
        })?,
    };
    let rate = |field: &str, v: f64| -> Result<u32, ConfigError> {
        let n = whole(field, v, 1e6)?;
        if n == 0 {
            return Err(ConfigError::new(field, "must be at least 1"));
        }
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    };
    if let Some(v) = c.light {
        limits.light = Rate::per_second(rate("rate_limits.light", v)?);
    }
    if let Some(v) = c.medium {
        limits.medium = Rate::per_second(rate("rate_limits.medium", v)?);
    }
    if let Some(v) = c.heavy {
        limits.heavy = Rate::per_second(rate("rate_limits.heavy", v)?);
    }
    if let Some(v) = c.resource_intensive_per_minute {
        limits.resource_intensive =
            Rate::per_minute(rate("rate_limits.resource_intensive_per_minute", v)?);
    }
    if let Some(v) = c.daily {
        limits.heavy_daily = Some(rate("rate_limits.daily", v)?);
    }
    Ok(limits)
}

impl fmt::Display for StoreMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreMode::None => "none",
            StoreMode::Private => "private",
            StoreMode::Shared => "shared",
        })
    }
}

impl TokenSet {
    /// A user's refresh token alone: the access token counts as expired, so
    /// the first call renews before sending anything.
    pub fn refresh_only(refresh_token: Secret) -> TokenSet {
        TokenSet {
            access_token: Secret::new(""),
            refresh_token: Some(refresh_token),
            token_type: "bearer".to_owned(),
            scopes: Vec::new(),
            expires_at: Some(Timestamp::UNIX_EPOCH),
            api_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<HostConfig, ConfigError> {
        HostConfig::from_json(&v)
    }

    #[test]
    fn each_kind_of_credentials_is_recognized_once() {
        let s2s =
            parse(json!({"account_id": "a", "client_id": "c", "client_secret": "s"})).unwrap();
        assert!(matches!(
            s2s.credentials,
            Credentials::ServerToServer { .. }
        ));
        let cc = parse(json!({"clientId": "c", "clientSecret": "s"})).unwrap();
        assert!(matches!(
            cc.credentials,
            Credentials::ClientCredentials { .. }
        ));
        let user = parse(json!({"client_id": "c", "refresh_token": "r"})).unwrap();
        match user.credentials {
            Credentials::UserTokens {
                tokens,
                client_secret: None,
                ..
            } => {
                assert!(!tokens.is_fresh(Timestamp::from_millis(1), Duration::ZERO));
            }
            other => panic!("{other:?}"),
        }
        let stored =
            parse(json!({"client_id": "c", "tokens": {"access_token": "t", "refresh_token": "r"}}))
                .unwrap();
        assert!(matches!(stored.credentials, Credentials::UserTokens { .. }));
        let fixed = parse(json!({"accessToken": "t"})).unwrap();
        assert!(matches!(fixed.credentials, Credentials::AccessToken(_)));
        let source = parse(json!({"tokenSource": true})).unwrap();
        assert!(matches!(source.credentials, Credentials::TokenSource));
    }

    #[test]
    fn two_kinds_of_credentials_are_refused_by_name() {
        let err = parse(
            json!({"access_token": "t", "account_id": "a", "client_id": "c", "client_secret": "s"}),
        )
        .unwrap_err();
        assert_eq!(err.field, "credentials");
        assert!(err.problem.contains("access_token, account_id"), "{err}");
        let err = parse(json!({"client_id": "c"})).unwrap_err();
        assert!(err.to_string().contains("are missing"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_suggestion_and_no_secret() {
        assert_eq!(snake_case("baseURL"), "base_url");
        assert_eq!(snake_case("maxAttempts"), "max_attempts");
        assert_eq!(snake_case("already_snake"), "already_snake");
        let err = parse(json!({"access_token": "sekrit", "base_ur": "x"})).unwrap_err();
        assert!(err.to_string().contains("did you mean `base_url`"), "{err}");
        let err = parse(json!({"access_token": "sekrit", "retry": {"maxAttempt": 2}})).unwrap_err();
        assert_eq!(err.field, "retry.max_attempt");
        assert!(!err.to_string().contains("sekrit"));
    }

    #[test]
    fn durations_and_counts_are_range_checked_not_overflowed() {
        for (key, value) in [
            ("timeout_ms", json!(-1)),
            ("timeout_ms", json!(1e300)),
            ("attempt_timeout_ms", json!(0)),
            ("max_response_bytes", json!(1.5)),
        ] {
            let mut v = json!({"access_token": "t"});
            v[key] = value;
            let err = parse(v).unwrap_err();
            assert_eq!(err.field, key, "{err}");
        }
        let err = parse(json!({"access_token": "t", "retry": {"max_attempts": -1}})).unwrap_err();
        assert_eq!(err.field, "retry.max_attempts");
        let ok = parse(json!({"access_token": "t", "timeout_ms": 1500.5})).unwrap();
        assert_eq!(ok.timeouts.call, Some(Duration::from_micros(1_500_500)));
    }

    #[test]
    fn presets_and_custom_limits_are_decided_here() {
        let off = parse(json!({"access_token": "t", "rate_limits": "off"})).unwrap();
        assert!(off.rate_limits.is_none());
        let pro = parse(json!({"access_token": "t", "rateLimits": "pro"})).unwrap();
        assert_eq!(pro.rate_limits, Some(PlanLimits::pro()));
        let custom =
            parse(json!({"access_token": "t", "rate_limits": {"plan": "business", "light": 7}}))
                .unwrap();
        let limits = custom.rate_limits.unwrap();
        assert_eq!(limits.light, Rate::per_second(7));
        assert_eq!(limits.medium, PlanLimits::business().medium);
        assert!(parse(json!({"access_token": "t", "rate_limits": "gold"})).is_err());
    }

    #[test]
    fn a_fleet_takes_the_s2s_account_and_refuses_a_second_store() {
        let c = parse(json!({"account_id": "a", "client_id": "c", "client_secret": "s", "fleet": {"share": 0.5}}))
            .unwrap();
        let f = c.fleet.unwrap();
        assert_eq!((f.account.as_str(), f.share), ("a", 0.5));
        let err = parse(json!({"access_token": "t", "fleet": {}})).unwrap_err();
        assert_eq!(err.field, "fleet.account");
        let err = parse(json!({"access_token": "t", "fleet": {"account": "a:b"}})).unwrap_err();
        assert_eq!(err.field, "fleet.account");
        let err =
            parse(json!({"access_token": "t", "token_store": "shared", "fleet": {"account": "a"}}))
                .unwrap_err();
        assert_eq!(err.field, "token_store");
        let err = parse(json!({"access_token": "t", "fleet": {"account": "a", "leaseMs": 0}}))
            .unwrap_err();
        assert_eq!(err.field, "fleet");
    }

    #[test]
    fn urls_headers_and_secrets_are_validated() {
        let err = parse(json!({"access_token": "t", "base_url": "api.zoom.us"})).unwrap_err();
        assert_eq!(err.field, "base_url");
        let err = parse(json!({"access_token": "t\r\nX: y"})).unwrap_err();
        assert_eq!(err.field, "access_token");
        assert!(!err.to_string().contains("X: y"));
        let js = parse(json!({"access_token": "t", "sdk": "js"})).unwrap();
        assert!(js.request.user_agent.starts_with("zoom-phone-js/"));
    }
}
