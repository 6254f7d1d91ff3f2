//! Zoom's `endpoint.url_validation` challenge: answer `{"plainToken": …,
//! "encryptedToken": hex(HMAC-SHA256(secret, plainToken))}`. The request is
//! signed like any event, and it is verified first: answering unverified
//! challenges would let anyone obtain HMACs of their choice under our secret.

use std::time::Duration;

use hmac::Mac as _;

use super::WebhookError;
use super::hex;
use super::signature::{hmac_for, verify_with_secret};
use crate::secret::Secret;
use crate::time::Timestamp;

pub const URL_VALIDATION_EVENT: &str = "endpoint.url_validation";
const JSON: &str = "application/json";

/// The 200 answer to a URL validation request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlValidationAnswer {
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

impl UrlValidationAnswer {
    /// The answer for `plain_token` under `secret` (which must be the secret
    /// that verified the request).
    pub(crate) fn for_token(plain_token: &str, secret: &Secret) -> Self {
        let mut mac = hmac_for(secret);
        mac.update(plain_token.as_bytes());
        let encrypted = hex::encode(&mac.finalize().into_bytes());
        let body = serde_json::json!({
            "plainToken": plain_token,
            "encryptedToken": encrypted,
        });
        UrlValidationAnswer {
            body: body.to_string().into_bytes(),
            content_type: JSON,
        }
    }

    pub fn into_response(self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(self.content_type),
        );
        response
    }
}

/// Verify a URL validation request, then answer it.
pub fn answer_url_validation(
    headers: &http::HeaderMap,
    raw_body: &[u8],
    secrets: &[Secret],
    now: Timestamp,
    window: Duration,
) -> Result<UrlValidationAnswer, WebhookError> {
    let secret = verify_with_secret(headers, raw_body, secrets, now, window)?;
    let envelope = Envelope::parse(raw_body)?;
    if envelope.event != URL_VALIDATION_EVENT {
        return Err(WebhookError::MalformedBody {
            problem: format!(
                "the event is `{}`, not `{URL_VALIDATION_EVENT}`",
                envelope.event
            ),
        });
    }
    let plain_token = envelope.plain_token()?;
    Ok(UrlValidationAnswer::for_token(&plain_token, secret))
}

/// The part of every webhook body the receiver itself needs.
pub(crate) struct Envelope {
    pub event: String,
    value: serde_json::Value,
}

impl Envelope {
    pub(crate) fn parse(raw_body: &[u8]) -> Result<Envelope, WebhookError> {
        let value: serde_json::Value =
            serde_json::from_slice(raw_body).map_err(|e| WebhookError::MalformedBody {
                problem: format!("not JSON ({e})"),
            })?;
        let event = value
            .get("event")
            .and_then(|e| e.as_str())
            .ok_or_else(|| WebhookError::MalformedBody {
                problem: "no `event` string".to_owned(),
            })?
            .to_owned();
        Ok(Envelope { event, value })
    }

    pub(crate) fn plain_token(&self) -> Result<String, WebhookError> {
        self.value
            .get("payload")
            .and_then(|p| p.get("plainToken"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| WebhookError::MalformedBody {
                problem: "no `payload.plainToken` string".to_owned(),
            })
    }
}
