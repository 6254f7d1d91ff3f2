//! The device authorization grant (RFC 8628) as a state machine with time
//! passed in: `poll(now)` says whether to send a token request or wait, and
//! `receive(response, now)` feeds the answer back.
//!
//! ```text
//! POST /oauth/devicecode  -> DeviceFlow::start (show user_code + verification_uri)
//! loop { match flow.poll(now) { Send(req) => flow.receive(send(req), now),
//!                               WaitUntil(t) => sleep until t,
//!                               Done(result) => break result } }
//! ```

use std::time::Duration;

use super::config::OAuthConfig;
use super::error::{OAuthError, OAuthErrorKind};
use super::flows::{DEVICE_CODE_PATH, TOKEN_PATH, device_token_request};
use super::token::{TokenSet, parse_token_response, seconds, success_body};
use crate::secret::Secret;
use crate::time::Timestamp;

/// RFC 8628 §3.2: poll every 5 s when the server names no interval.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: each `slow_down` adds 5 s to the interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// When Zoom names no lifetime for the device code, give up after this.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(600);

/// What to show the user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: Timestamp,
}

/// What the device flow asks of its host next.
#[derive(Debug)]
pub enum DeviceStep {
    /// Send this token request and pass the response to [`DeviceFlow::receive`].
    Send(http::Request<Vec<u8>>),
    /// Nothing to do before this instant; call `poll` again then.
    WaitUntil(Timestamp),
    /// Finished: the user approved, refused, or the code expired.
    Done(Result<TokenSet, OAuthError>),
}

/// A device authorization waiting for the user.
#[derive(Debug, Clone)]
pub struct DeviceFlow {
    config: OAuthConfig,
    device_code: Secret,
    prompt: DeviceCodePrompt,
    interval: Duration,
    next_poll_at: Timestamp,
    outcome: Option<Result<TokenSet, OAuthError>>,
}

impl DeviceFlow {
    /// Read the `/oauth/devicecode` response received at `now`.
    pub fn start(
        config: &OAuthConfig,
        response: &http::Response<Vec<u8>>,
        now: Timestamp,
    ) -> Result<DeviceFlow, OAuthError> {
        let value = success_body(response)
            .map_err(|e| e.at_endpoint(&config.endpoint(DEVICE_CODE_PATH)))?;
        let text = |key: &'static str| {
            value
                .get(key)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or(OAuthError::MissingField { field: key })
        };
        let device_code = Secret::new(text("device_code")?);
        let user_code = text("user_code")?;
        let verification_uri = text("verification_uri")
            .or_else(|_| text("verification_url"))
            .map_err(|_| OAuthError::MissingField {
                field: "verification_uri",
            })?;
        let lifetime = value
            .get("expires_in")
            .and_then(seconds)
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        let interval = value
            .get("interval")
            .and_then(seconds)
            .filter(|s| *s > 0)
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        Ok(DeviceFlow {
            config: config.clone(),
            device_code,
            prompt: DeviceCodePrompt {
                user_code,
                verification_uri,
                verification_uri_complete: text("verification_uri_complete").ok(),
                expires_at: now.saturating_add(lifetime),
            },
            interval,
            next_poll_at: now.saturating_add(interval),
            outcome: None,
        })
    }

    pub fn prompt(&self) -> &DeviceCodePrompt {
        &self.prompt
    }

    /// The current polling interval (grows with every `slow_down`).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    pub fn poll(&mut self, now: Timestamp) -> DeviceStep {
        if let Some(outcome) = &self.outcome {
            return DeviceStep::Done(outcome.clone());
        }
        if now >= self.prompt.expires_at {
            return self.finish(Err(OAuthError::DeviceCodeExpired));
        }
        if now < self.next_poll_at {
            return DeviceStep::WaitUntil(self.next_poll_at);
        }
        match device_token_request(&self.config, &self.device_code) {
            Ok(request) => {
                self.next_poll_at = now.saturating_add(self.interval);
                DeviceStep::Send(request)
            }
            Err(err) => self.finish(Err(err)),
        }
    }

    /// Feed back the token endpoint's answer to the last `Send`.
    pub fn receive(&mut self, response: &http::Response<Vec<u8>>, now: Timestamp) {
        if self.outcome.is_some() {
            return;
        }
        let parsed = parse_token_response(response, now)
            .map_err(|e| e.at_endpoint(&self.config.endpoint(TOKEN_PATH)));
        match parsed {
            Ok(tokens) => self.outcome = Some(Ok(tokens)),
            Err(err) => match err.kind() {
                Some(OAuthErrorKind::AuthorizationPending) => {
                    self.next_poll_at = self.next_poll_at.max(now.saturating_add(self.interval));
                }
                Some(OAuthErrorKind::SlowDown) => {
                    self.interval += SLOW_DOWN_STEP;
                    self.next_poll_at = now.saturating_add(self.interval);
                }
                _ => self.outcome = Some(Err(err)),
            },
        }
    }

    fn finish(&mut self, outcome: Result<TokenSet, OAuthError>) -> DeviceStep {
        self.outcome = Some(outcome.clone());
        DeviceStep::Done(outcome)
    }
}
