//! One entry point for a webhook endpoint: verify, then hand back the answer
//! to send at once and the event bytes to process afterwards. Zoom wants an
//! answer within 3 seconds and retries otherwise, so slow processing belongs
//! after the acknowledgement.

use std::time::Duration;

use super::WebhookError;
use super::signature::{DEFAULT_WINDOW, verify_with_secret};
use super::validation::{Envelope, URL_VALIDATION_EVENT, UrlValidationAnswer};
use crate::secret::Secret;
use crate::time::Timestamp;

/// A verified webhook request.
#[derive(Debug)]
#[non_exhaustive]
pub struct Received {
    /// Send this now: 200 with the validation answer, or 204 for an event.
    pub ack: http::Response<Vec<u8>>,
    /// The event name (`phone.callee_ringing`, ...), from the verified body.
    pub event: String,
    /// The verified raw body to process after acknowledging; `None` for URL
    /// validation, which the acknowledgement itself completes.
    pub body: Option<Vec<u8>>,
}

/// Verifies webhook requests with one or more secrets (two during a rotation).
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    secrets: Vec<Secret>,
    window: Duration,
}

impl WebhookReceiver {
    pub fn new(secrets: Vec<Secret>) -> Self {
        WebhookReceiver {
            secrets,
            window: DEFAULT_WINDOW,
        }
    }

    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Verify and classify one request. On `Err`, answer with
    /// [`WebhookError::http_status`] and drop the body.
    pub fn handle(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        now: Timestamp,
    ) -> Result<Received, WebhookError> {
        let secret = verify_with_secret(headers, raw_body, &self.secrets, now, self.window)?;
        let envelope = Envelope::parse(raw_body)?;
        if envelope.event == URL_VALIDATION_EVENT {
            let answer = UrlValidationAnswer::for_token(&envelope.plain_token()?, secret);
            return Ok(Received {
                ack: answer.into_response(),
                event: envelope.event,
                body: None,
            });
        }
        let mut ack = http::Response::new(Vec::new());
        *ack.status_mut() = http::StatusCode::NO_CONTENT;
        Ok(Received {
            ack,
            event: envelope.event,
            body: Some(raw_body.to_vec()),
        })
    }
}
