//! Webhook verification with the host's clock: what
//! [`WebhookReceiver`](zoom_phone::webhook::WebhookReceiver) does, without
//! the `now` argument.

use std::time::Duration;

use zoom_phone::Secret;
use zoom_phone::webhook::{Received, WebhookError, WebhookReceiver};

use crate::clock;

/// Verifies webhook requests (signature, timestamp window, URL validation)
/// with one or more secret tokens (two while rotating).
///
/// ```
/// use zoom_phone_client::Webhooks;
/// let hooks = Webhooks::new(["webhook-secret-token"]);
/// let headers = http::HeaderMap::new();
/// // Unsigned: refused with 401.
/// let err = hooks.handle(&headers, b"{}").unwrap_err();
/// assert_eq!(err.http_status(), 401);
/// ```
#[derive(Debug, Clone)]
pub struct Webhooks {
    receiver: WebhookReceiver,
}

impl Webhooks {
    /// `secrets` is a list even for one secret (`[secret]`): a bare string
    /// is not a list of secrets, and does not compile as one.
    /// Empty entries (a rotation's unset slot) are skipped; with no
    /// non-empty secret every request is refused with
    /// [`WebhookError::NoSecret`].
    ///
    /// ```compile_fail
    /// let hooks = zoom_phone::client::Webhooks::new("webhook-secret-token");
    /// ```
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>) -> Self {
        Webhooks {
            receiver: WebhookReceiver::new(secrets.into_iter().map(Into::into).collect()),
        }
    }

    /// How far a request's timestamp may be from now (default 5 minutes).
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.receiver = self.receiver.with_window(window);
        self
    }

    /// Verify one request: send `ack` at once, process `body` afterwards.
    /// On `Err`, answer [`WebhookError::http_status`] and drop the body.
    pub fn handle(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<Received, WebhookError> {
        self.receiver.handle(headers, raw_body, clock::now())
    }
}
