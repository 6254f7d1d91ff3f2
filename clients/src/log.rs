//! The core's log events ([`Event`]) handed to `tracing` (feature
//! `tracing`), under the target `zoom_phone`: the event's name, message and
//! fields (operation, call, attempt, status, tracking id, ...; never a
//! secret). Without the feature the core builds no events at all.

use zoom_phone::config::LogLevel;
use zoom_phone::driver::Event;

/// The level the core should build events for: what the `tracing`
/// subscriber in place wants, unless the builder named one.
pub(crate) fn level(chosen: Option<LogLevel>) -> LogLevel {
    #[cfg(feature = "tracing")]
    {
        use tracing::level_filters::LevelFilter;
        chosen.unwrap_or(match LevelFilter::current() {
            LevelFilter::OFF => LogLevel::Off,
            LevelFilter::ERROR => LogLevel::Error,
            LevelFilter::WARN => LogLevel::Warn,
            LevelFilter::INFO => LogLevel::Info,
            // The core has no trace level: its debug events are the finest.
            _ => LogLevel::Debug,
        })
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = chosen;
        LogLevel::Off
    }
}

/// Forwards one crossing's events.
pub(crate) fn forward(events: Vec<Event>) {
    #[cfg(feature = "tracing")]
    for event in events {
        let fields = serde_json::Value::Object(event.fields);
        let (name, message) = (event.name, event.message.as_str());
        match event.level {
            LogLevel::Error => {
                tracing::error!(target: "zoom_phone", event = name, %fields, "{message}");
            }
            LogLevel::Warn => {
                tracing::warn!(target: "zoom_phone", event = name, %fields, "{message}");
            }
            LogLevel::Info => {
                tracing::info!(target: "zoom_phone", event = name, %fields, "{message}");
            }
            LogLevel::Debug => {
                tracing::debug!(target: "zoom_phone", event = name, %fields, "{message}");
            }
            LogLevel::Off => {}
        }
    }
    #[cfg(not(feature = "tracing"))]
    drop(events);
}
