//! Zoom's webhook signature: `x-zm-signature: v0=` + hex(HMAC-SHA256(secret,
//! `v0:{x-zm-request-timestamp}:{raw body}`)), checked over the bytes as
//! received (re-serialized JSON would change `\u00e9`, `\/` and whitespace),
//! in constant time, against every configured secret (rotation), and within
//! a replay window around `now`.

use std::time::Duration;

use hmac::{KeyInit as _, Mac as _};

use super::WebhookError;
use super::hex;
use crate::secret::Secret;
use crate::time::Timestamp;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

pub const SIGNATURE_HEADER: &str = "x-zm-signature";
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";
/// How far a request's timestamp may be from `now`, either way.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// Timestamps above this are milliseconds (10^12 ms is 2001; 10^12 s is
/// tens of thousands of years away).
const MILLIS_THRESHOLD: u64 = 1_000_000_000_000;
const SIGNATURE_PREFIX: &str = "v0=";

/// Check that `raw_body` with these headers was signed by Zoom with one of
/// `secrets`, and that its timestamp is within `window` of `now`. Empty (or
/// whitespace-only) entries are skipped; with none left it is
/// [`WebhookError::NoSecret`].
pub fn verify(
    headers: &http::HeaderMap,
    raw_body: &[u8],
    secrets: &[Secret],
    now: Timestamp,
    window: Duration,
) -> Result<(), WebhookError> {
    verify_with_secret(headers, raw_body, secrets, now, window).map(|_| ())
}

/// [`verify`], also naming which secret matched (during a rotation, the
/// answer to a URL validation must use that one).
pub fn verify_with_secret<'s>(
    headers: &http::HeaderMap,
    raw_body: &[u8],
    secrets: &'s [Secret],
    now: Timestamp,
    window: Duration,
) -> Result<&'s Secret, WebhookError> {
    // A blank entry is an unset slot (a rotation's old secret read from an
    // absent environment variable): skipped, never a key. Skipping it is
    // safe because with no real secret left the request is refused below.
    let configured = || secrets.iter().filter(|s| !is_blank(s));
    if configured().next().is_none() {
        return Err(WebhookError::NoSecret);
    }
    let signature = header(headers, SIGNATURE_HEADER)?;
    let timestamp = header(headers, TIMESTAMP_HEADER)?;
    let hex_part =
        signature
            .strip_prefix(SIGNATURE_PREFIX)
            .ok_or(WebhookError::MalformedHeader {
                name: SIGNATURE_HEADER,
                problem: "it does not start with `v0=`",
            })?;
    let received = hex::decode(hex_part)
        .filter(|bytes| bytes.len() == 32)
        .ok_or(WebhookError::MalformedHeader {
            name: SIGNATURE_HEADER,
            problem: "it is not 64 hex digits after `v0=`",
        })?;
    let sent_at = parse_timestamp(timestamp)?;

    let matched = configured()
        .find(|secret| {
            mac(secret, timestamp, raw_body)
                .verify_slice(&received)
                .is_ok()
        })
        .ok_or(WebhookError::BadSignature)?;

    // Checked after the signature so that forgeries all look alike, and a
    // genuine but replayed request is reported as what it is.
    let window_secs = window.as_secs();
    if sent_at.saturating_add(window) < now {
        return Err(WebhookError::StaleTimestamp {
            age_secs: now.saturating_duration_since(sent_at).as_secs(),
            window_secs,
        });
    }
    if now.saturating_add(window) < sent_at {
        return Err(WebhookError::FutureTimestamp {
            ahead_secs: sent_at.saturating_duration_since(now).as_secs(),
            window_secs,
        });
    }
    Ok(matched)
}

/// Empty or only whitespace: no Zoom secret token looks like that, and an
/// HMAC under such a key would be forgeable by anyone.
fn is_blank(secret: &Secret) -> bool {
    secret.expose().trim().is_empty()
}

/// The `x-zm-signature` value Zoom would send for this timestamp header and
/// body: for tests, the mock server and webhook forwarders.
pub fn sign(secret: &Secret, timestamp: &str, raw_body: &[u8]) -> String {
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(&mac(secret, timestamp, raw_body).finalize().into_bytes())
    )
}

fn mac(secret: &Secret, timestamp: &str, raw_body: &[u8]) -> HmacSha256 {
    let mut mac = hmac_for(secret);
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(raw_body);
    mac
}

pub(crate) fn hmac_for(secret: &Secret) -> HmacSha256 {
    // HMAC takes keys of any length; the slice constructor cannot fail for it.
    HmacSha256::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"))
}

fn header<'h>(headers: &'h http::HeaderMap, name: &'static str) -> Result<&'h str, WebhookError> {
    let value = headers
        .get(name)
        .ok_or(WebhookError::MissingHeader { name })?;
    value
        .to_str()
        .map(str::trim)
        .map_err(|_| WebhookError::MalformedHeader {
            name,
            problem: "it is not visible ASCII",
        })
}

fn parse_timestamp(value: &str) -> Result<Timestamp, WebhookError> {
    let malformed = WebhookError::MalformedHeader {
        name: TIMESTAMP_HEADER,
        problem: "it is not a whole number of seconds or milliseconds",
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed);
    }
    let n: u64 = value.parse().map_err(|_| malformed)?;
    Ok(if n > MILLIS_THRESHOLD {
        Timestamp::from_millis(n)
    } else {
        Timestamp::from_secs(n)
    })
}
