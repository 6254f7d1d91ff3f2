//! Webhook requests: signature verification with any headers, body, secrets
//! and time; the receiver; the URL-validation answer; typed event parsing.
//!
//! Input: `<mode> [now ms] [window s]`, request headers (each
//! `x-fuzz-secret` header is one secret, two during a rotation), an empty
//! line, the raw body. Mode `signed` replaces the timestamp and signature
//! headers by a genuine signature with the first secret at `now`, so the
//! fuzzer reaches what lies behind verification; any other mode keeps the
//! headers as given.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use zoom_phone::Secret;
use zoom_phone::webhook::{
    SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError, WebhookReceiver, answer_url_validation,
    parse_event, sign, verify,
};
use zoom_phone_fuzz::{BoundedAlloc, exchange, timestamp};

#[global_allocator]
static ALLOC: BoundedAlloc = BoundedAlloc;

const SECRET_HEADER: &str = "x-fuzz-secret";

fuzz_target!(|data: &[u8]| {
    let mut input = exchange(data);
    let now = timestamp(input.number(1));
    let window = Duration::from_secs(input.number(2).unwrap_or(300));
    let secrets: Vec<Secret> = input
        .headers
        .get_all(SECRET_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(Secret::new)
        .collect();
    // Header values of 10^12 and more read as milliseconds (seconds that
    // large are 30,000 years away): sign only at instants before that.
    let signed =
        input.word(0) == Some("signed") && !secrets.is_empty() && now.as_secs() < 1_000_000_000_000;
    if signed {
        let ts = now.as_secs().to_string();
        let signature = sign(&secrets[0], &ts, &input.body);
        let headers = &mut input.headers;
        headers.insert(TIMESTAMP_HEADER, http::HeaderValue::from_str(&ts).unwrap());
        headers.insert(
            SIGNATURE_HEADER,
            http::HeaderValue::from_str(&signature).expect("a signature is a header value"),
        );
    }
    let (headers, body) = (&input.headers, input.body.as_slice());

    let verified = verify(headers, body, &secrets, now, window);
    // The header holds whole seconds: `now` may be up to 1 s past it.
    if signed && !blank(&secrets[0]) && window >= Duration::from_secs(1) {
        assert_eq!(verified, Ok(()), "a genuine signature was refused");
    }
    if secrets.is_empty() {
        assert_eq!(verified, Err(WebhookError::NoSecret));
    }

    let receiver = WebhookReceiver::new(secrets.clone()).with_window(window);
    match receiver.handle(headers, body, now) {
        Ok(received) => {
            assert!(verified.is_ok(), "the receiver took what verify refused");
            assert!(received.ack.status().is_success());
        }
        // 500 (our own misconfiguration) only when a secret is really missing.
        Err(WebhookError::NoSecret) => {
            assert!(secrets.iter().all(blank));
        }
        Err(e) => {
            let status = e.http_status();
            assert!(status == 400 || status == 401, "{e:?} answers {status}");
        }
    }
    if let Ok(answer) = answer_url_validation(headers, body, &secrets, now, window) {
        assert!(verified.is_ok());
        let _ = answer.into_response();
    }

    // The parser also runs on unverified bytes: it must hold on anything.
    match parse_event(body) {
        Ok(event) => {
            let value: serde_json::Value = serde_json::from_slice(body).expect("parsed once");
            assert_eq!(
                Some(event.name()),
                value["event"].as_str(),
                "event name changed"
            );
        }
        Err(WebhookError::MalformedBody { .. }) => {}
        Err(other) => panic!("parse_event gave {other:?}"),
    }
});

/// An empty or whitespace-only secret: the receiver skips it (an unset slot
/// of a rotation), so it is never a key.
fn blank(secret: &Secret) -> bool {
    secret.expose().trim().is_empty()
}
