//! Cross-host parity vectors: inputs to the core's exported operations and
//! the exact outcome the Rust core gives for them, written once to
//! `tools/vectors/data/*.json` and replayed by the Rust, Node and Python test
//! suites (any difference fails).
//!
//! An outcome is what the bindings surface, as plain JSON:
//! - a request: `method`, `url`, every header the core sets, `body`;
//! - a parsed response: `status`, `tracking_id`, `rate_limit` (serialized as
//!   the core serializes it), `kind`, `body`, and `content_type` (binary) or
//!   `location` (redirect);
//! - an error: the core's [`Error::to_json`](zoom_phone::Error::to_json):
//!   `class` (the one classification, e.g. `not_found`), `code`, `message`
//!   (the core's `Display`) and the evidence present (`status`, `zoom_code`,
//!   `zoom_message`, `errors`, `tracking_id`, `rate_limit`, `retry_after_ms`,
//!   `retry_at_ms`, `transport`). A webhook error's `status` is the status to
//!   answer with. Each host's runner checks that it raises the exception type
//!   it documents for the class, with the same evidence.
//!
//! Bodies are `null` (none), `{"utf8": text}` when the bytes are valid UTF-8,
//! else `{"base64": standard base64}`.

pub mod driver;
pub mod files;
pub mod generate;
pub mod outcome;
pub mod run;

/// The access token every request vector is authorized with.
pub const TOKEN: &str = "vectors-dummy-token";
/// The `User-Agent` every request vector configures (hosts differ only in
/// their default, which the `default_user_agent` vectors cover).
pub const USER_AGENT: &str = "zoom-phone-vectors/1";
/// The instant every time-dependent vector is evaluated at: 2026-01-01T00:00:00Z.
pub const NOW_MS: u64 = 1_767_225_600_000;
/// The webhook secret token of the webhook vectors.
pub const WEBHOOK_SECRET: &str = "vectors-webhook-secret";
