//! Typed webhook events: [`parse_event`] reads a (verified) webhook body into
//! an [`Event`]. Check the signature over the raw bytes first; this only
//! reads them.

use serde::Deserialize;

pub use crate::generated::events::Event;
use crate::webhook::WebhookError;

/// The common part of every Zoom Phone event body; `P` is the event's typed
/// `payload` (its `account_id`, `object` and, for settings changes, `old_object`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Envelope<P> {
    /// When the event happened. Zoom documents milliseconds since the epoch;
    /// some examples show seconds (a value below 10^12 is seconds).
    pub event_ts: i64,
    pub payload: P,
}

/// Only the name, to pick the payload type.
#[derive(Deserialize)]
struct Head {
    event: String,
}

/// Reads a webhook body. A known event whose body does not match its model,
/// or a body that is not a JSON object with an `event` name, gives
/// [`WebhookError::MalformedBody`] naming the JSON path; an event name this
/// SDK does not know gives [`Event::Unknown`] with the whole body.
pub fn parse_event(body: &[u8]) -> Result<Event, WebhookError> {
    // serde reads a struct from a JSON array as well (`["name", ...]` in
    // field order): only an object is an event body.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(WebhookError::MalformedBody {
            problem: "not a webhook event body: not a JSON object".to_owned(),
        });
    }
    let head: Head = serde_json::from_slice(body).map_err(|e| WebhookError::MalformedBody {
        problem: format!("not a webhook event body: {e}"),
    })?;
    match Event::decode_known(&head.event, body) {
        Some(Ok(event)) => Ok(event),
        Some(Err(e)) => Err(WebhookError::MalformedBody {
            problem: format!("`{}` at `{}`: {}", head.event, e.path(), e.inner()),
        }),
        None => {
            let raw = serde_json::from_slice(body).map_err(|e| WebhookError::MalformedBody {
                problem: e.to_string(),
            })?;
            Ok(Event::Unknown {
                event: head.event,
                raw,
            })
        }
    }
}
