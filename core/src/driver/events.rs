//! Log records the driver produces for the host's logger, so every host
//! logs the same things in its own idiom (Rust `tracing`, a JS `logger`,
//! Python's `logging`). Built only when the configured level wants them:
//! with logging off, a call allocates nothing for it.
//!
//! Nothing here holds a secret: fields are operation ids, statuses, Zoom's
//! tracking ids, URLs without their query, counts and durations.

use serde_json::{Map, Value};

use crate::config::LogLevel;

/// One log record.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    pub level: LogLevel,
    /// What happened, a stable dotted name: `request`, `response`,
    /// `retry`, `rate_limit.wait`, `token.request`, `token.renewed`,
    /// `token.failed`, `store.read`, `store.write`, `call.failed`.
    pub name: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The same facts as data: `operation`, `call`, `attempt`, `method`,
    /// `url`, `status`, `tracking_id`, `reason`, `wait_ms`, ...
    pub fields: Map<String, Value>,
}

impl Event {
    /// The event as one JSON object (`level`, `name`, `message`, `fields`),
    /// as the bindings hand it over.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("level".into(), Value::from(self.level.name()));
        out.insert("name".into(), Value::from(self.name));
        out.insert("message".into(), Value::from(self.message.clone()));
        out.insert("fields".into(), Value::Object(self.fields.clone()));
        Value::Object(out)
    }
}

/// The events of one crossing.
#[derive(Debug, Default)]
pub(super) struct Log {
    pub(super) level: LogLevel,
    pub(super) events: Vec<Event>,
}

impl Log {
    pub(super) fn new(level: LogLevel) -> Self {
        Log {
            level,
            events: Vec::new(),
        }
    }

    /// Whether an event of `level` would be kept: check before building one.
    pub(super) fn wants(&self, level: LogLevel) -> bool {
        level != LogLevel::Off && level <= self.level
    }

    pub(super) fn push(
        &mut self,
        level: LogLevel,
        name: &'static str,
        message: String,
        fields: impl IntoIterator<Item = (&'static str, Value)>,
    ) {
        if !self.wants(level) {
            return;
        }
        let fields = fields
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        self.events.push(Event {
            level,
            name,
            message,
            fields,
        });
    }

    pub(super) fn take(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}
