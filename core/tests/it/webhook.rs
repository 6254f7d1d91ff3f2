//! Webhook verification and URL validation against signatures computed
//! outside this crate: by Python's `hmac` module (run from the tests), one
//! fixed vector derived the same way, and RFC 4231's HMAC-SHA256 test case 2.

use std::process::Command;
use std::time::Duration;

use zoom_phone::webhook::{
    DEFAULT_WINDOW, WebhookError, WebhookReceiver, answer_url_validation, sign, verify,
};
use zoom_phone::{Secret, Timestamp};

const PRIMARY: &str = "whsec-PRIMARY";
const NEXT: &str = "whsec-NEXT";
const TS: &str = "1700000000";

fn now() -> Timestamp {
    Timestamp::from_secs(1_700_000_010)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `v0=` + HMAC-SHA256 computed by Python, independently of our code.
fn python_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let script = "import hmac,hashlib,sys\n\
                  msg = b'v0:' + sys.argv[2].encode() + b':' + bytes.fromhex(sys.argv[3])\n\
                  print('v0=' + hmac.new(sys.argv[1].encode(), msg, hashlib.sha256).hexdigest())";
    let out = Command::new("python3")
        .args(["-c", script, secret, timestamp, &hex(body)])
        .output()
        .expect("python3 computes the independent HMAC vectors");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn headers(signature: &str, timestamp: &str) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    // Mixed case on purpose: header names are case-insensitive.
    h.insert(
        http::HeaderName::from_bytes(b"X-Zm-Signature").unwrap(),
        signature.parse().unwrap(),
    );
    h.insert(
        http::HeaderName::from_bytes(b"X-ZM-REQUEST-TIMESTAMP").unwrap(),
        timestamp.parse().unwrap(),
    );
    h
}

fn secrets(list: &[&str]) -> Vec<Secret> {
    list.iter().copied().map(Secret::new).collect()
}

/// Bytes that a JSON re-serialization would change: `\u00e9`, `\/`, raw
/// UTF-8 (`é` as C3 A9) and two spaces between members.
const TRICKY_BODY: &[u8] = b"{\"event\":\"phone.callee_ringing\",\"payload\":{\"name\":\"Ren\\u00e9e \\/ caf\xc3\xa9\"},  \"event_ts\":1700000000000}";

#[test]
fn fixed_vector_over_raw_bytes() {
    // python3 -c 'import hmac,hashlib; print("v0="+hmac.new(b"whsec-PRIMARY",
    //   b"v0:1700000000:"+TRICKY_BODY, hashlib.sha256).hexdigest())'
    let expected = "v0=391df8ab9adaa51e9e5fc746c6917dbf255ed977c611211fc13966aa35701cec";
    assert_eq!(sign(&Secret::new(PRIMARY), TS, TRICKY_BODY), expected);
    assert_eq!(
        verify(
            &headers(expected, TS),
            TRICKY_BODY,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Ok(())
    );
}

#[test]
fn python_vectors_verify_for_varied_bodies() {
    let bodies: [&[u8]; 4] = [
        TRICKY_BODY,
        b"{\"event\":\"x\"}",
        b"{\n  \"event\" : \"phone.call_log_completed\" ,\n  \"payload\":{}\n}\n",
        b"",
    ];
    for body in bodies {
        let sig = python_signature(PRIMARY, TS, body);
        assert_eq!(sign(&Secret::new(PRIMARY), TS, body), sig);
        let result = verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW,
        );
        assert_eq!(result, Ok(()), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn re_serialized_body_does_not_verify() {
    let sig = python_signature(PRIMARY, TS, TRICKY_BODY);
    let value: serde_json::Value = serde_json::from_slice(TRICKY_BODY).unwrap();
    let reserialized = serde_json::to_vec(&value).unwrap();
    assert_ne!(reserialized, TRICKY_BODY);
    assert_eq!(
        verify(
            &headers(&sig, TS),
            &reserialized,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn wrong_secret_or_tampered_body_is_refused() {
    let body = b"{\"event\":\"x\"}";
    let sig = python_signature("someone-else", TS, body);
    assert_eq!(
        verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
    let sig = python_signature(PRIMARY, TS, body);
    assert_eq!(
        verify(
            &headers(&sig, TS),
            b"{\"event\":\"y\"}",
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
    // The timestamp is part of what is signed.
    assert_eq!(
        verify(
            &headers(&sig, "1700000001"),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
    // Upper-case hex is the same signature.
    let upper = format!("v0={}", sig.trim_start_matches("v0=").to_uppercase());
    assert_eq!(
        verify(
            &headers(&upper, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Ok(())
    );
}

#[test]
fn secret_rotation_accepts_either_secret() {
    let body = b"{\"event\":\"x\"}";
    let sig = python_signature(NEXT, TS, body);
    assert_eq!(
        verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY, NEXT]),
            now(),
            DEFAULT_WINDOW
        ),
        Ok(())
    );
    assert_eq!(
        verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn rotation_with_an_empty_slot_verifies_with_the_real_secret() {
    // `[old, new]` read from the environment, the old one unset.
    let body = b"{\"event\":\"x\"}";
    let sig = python_signature(NEXT, TS, body);
    for keys in [
        secrets(&["", NEXT]),
        secrets(&[NEXT, ""]),
        secrets(&[" ", NEXT]),
    ] {
        assert_eq!(
            verify(&headers(&sig, TS), body, &keys, now(), DEFAULT_WINDOW),
            Ok(())
        );
    }
    let received = WebhookReceiver::new(secrets(&["", NEXT]))
        .handle(&headers(&sig, TS), body, now())
        .unwrap();
    assert_eq!(received.ack.status(), 204);
}

#[test]
fn timestamps_in_seconds_and_milliseconds_with_window_both_ways() {
    let body = b"{\"event\":\"x\"}";
    let check = |ts: &str, now: Timestamp| {
        let sig = python_signature(PRIMARY, ts, body);
        verify(
            &headers(&sig, ts),
            body,
            &secrets(&[PRIMARY]),
            now,
            DEFAULT_WINDOW,
        )
    };
    let sent = Timestamp::from_secs(1_700_000_000);
    for ts in ["1700000000", "1700000000000"] {
        assert_eq!(check(ts, sent), Ok(()), "{ts}");
        // Exactly at the 5-minute edge is still fine, either way.
        assert_eq!(
            check(ts, sent.saturating_add(DEFAULT_WINDOW)),
            Ok(()),
            "{ts}"
        );
        assert_eq!(
            check(ts, Timestamp::from_secs(1_700_000_000 - 300)),
            Ok(()),
            "{ts}"
        );
        assert_eq!(
            check(ts, Timestamp::from_secs(1_700_000_301)),
            Err(WebhookError::StaleTimestamp {
                age_secs: 301,
                window_secs: 300
            }),
            "{ts}"
        );
        assert_eq!(
            check(ts, Timestamp::from_secs(1_700_000_000 - 301)),
            Err(WebhookError::FutureTimestamp {
                ahead_secs: 301,
                window_secs: 300
            }),
            "{ts}"
        );
    }
    // Millisecond precision is kept.
    assert_eq!(
        check("1700000000999", Timestamp::from_millis(1_700_000_300_999)),
        Ok(())
    );
    assert!(matches!(
        check("1700000000999", Timestamp::from_millis(1_700_000_301_000)),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    // A custom window.
    let sig = python_signature(PRIMARY, TS, body);
    assert!(matches!(
        verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            Duration::from_secs(5)
        ),
        Err(WebhookError::StaleTimestamp { .. })
    ));
}

#[test]
fn missing_and_malformed_headers() {
    let body = b"{}";
    let keys = secrets(&[PRIMARY]);
    let sig = python_signature(PRIMARY, TS, body);
    let mut only_ts = headers(&sig, TS);
    only_ts.remove("x-zm-signature");
    assert_eq!(
        verify(&only_ts, body, &keys, now(), DEFAULT_WINDOW),
        Err(WebhookError::MissingHeader {
            name: "x-zm-signature"
        })
    );
    let mut only_sig = headers(&sig, TS);
    only_sig.remove("x-zm-request-timestamp");
    assert_eq!(
        verify(&only_sig, body, &keys, now(), DEFAULT_WINDOW),
        Err(WebhookError::MissingHeader {
            name: "x-zm-request-timestamp"
        })
    );
    for bad_sig in ["v1=abcd", sig.trim_start_matches("v0="), "v0=zz", "v0=abcd"] {
        assert!(
            matches!(
                verify(&headers(bad_sig, TS), body, &keys, now(), DEFAULT_WINDOW),
                Err(WebhookError::MalformedHeader {
                    name: "x-zm-signature",
                    ..
                })
            ),
            "{bad_sig}"
        );
    }
    for bad_ts in ["", "17e8", "-1", "1700000000.5", "99999999999999999999999"] {
        let sig = python_signature(PRIMARY, bad_ts, body);
        assert!(
            matches!(
                verify(&headers(&sig, bad_ts), body, &keys, now(), DEFAULT_WINDOW),
                Err(WebhookError::MalformedHeader {
                    name: "x-zm-request-timestamp",
                    ..
                })
            ),
            "{bad_ts:?}"
        );
    }
}

#[test]
fn never_fails_open_without_a_secret() {
    let body = b"{\"event\":\"x\"}";
    // Signed with the empty key: must still be refused.
    let sig = python_signature("", TS, body);
    for keys in [
        secrets(&[]),
        secrets(&[""]),
        secrets(&["", ""]),
        secrets(&[" ", "\n"]),
    ] {
        assert_eq!(
            verify(&headers(&sig, TS), body, &keys, now(), DEFAULT_WINDOW),
            Err(WebhookError::NoSecret)
        );
    }
    // Next to a real secret, the empty slot is skipped, not used as a key.
    assert_eq!(
        verify(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY, ""]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
    let receiver = WebhookReceiver::new(vec![]);
    let err = receiver
        .handle(&headers(&sig, TS), body, now())
        .unwrap_err();
    assert_eq!(err, WebhookError::NoSecret);
    assert_eq!(err.http_status(), 500);
}

fn validation_body(plain_token: &str) -> Vec<u8> {
    format!(
        r#"{{"payload":{{"plainToken":"{plain_token}"}},"event_ts":1700000000000,"event":"endpoint.url_validation"}}"#
    )
    .into_bytes()
}

#[test]
fn url_validation_answer_matches_rfc4231_vector() {
    // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
    let body = validation_body("what do ya want for nothing?");
    let sig = python_signature("Jefe", TS, &body);
    let answer = answer_url_validation(
        &headers(&sig, TS),
        &body,
        &secrets(&["Jefe"]),
        now(),
        DEFAULT_WINDOW,
    )
    .unwrap();
    assert_eq!(answer.content_type, "application/json");
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "plainToken": "what do ya want for nothing?",
            "encryptedToken": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        })
    );
}

#[test]
fn unverified_url_validation_is_refused() {
    let body = validation_body("qgg8vlvZRS6UYooatFL8Aw");
    let forged = python_signature("attacker", TS, &body);
    assert_eq!(
        answer_url_validation(
            &headers(&forged, TS),
            &body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::BadSignature)
    );
    let receiver = WebhookReceiver::new(secrets(&[PRIMARY]));
    let err = receiver
        .handle(&headers(&forged, TS), &body, now())
        .unwrap_err();
    assert_eq!(err.http_status(), 401);
    // No headers at all: refused before anything is computed.
    assert!(matches!(
        receiver.handle(&http::HeaderMap::new(), &body, now()),
        Err(WebhookError::MissingHeader { .. })
    ));
}

#[test]
fn receiver_answers_validation_with_the_secret_that_verified() {
    let body = validation_body("qgg8vlvZRS6UYooatFL8Aw");
    let sig = python_signature(NEXT, TS, &body);
    let receiver = WebhookReceiver::new(secrets(&[PRIMARY, NEXT]));
    let received = receiver.handle(&headers(&sig, TS), &body, now()).unwrap();
    assert_eq!(received.event, "endpoint.url_validation");
    assert_eq!(received.body, None);
    assert_eq!(received.ack.status(), 200);
    assert_eq!(received.ack.headers()["content-type"], "application/json");
    let json: serde_json::Value = serde_json::from_slice(received.ack.body()).unwrap();
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec-NEXT",
    //   b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest())'
    let expected = Command::new("python3")
        .args([
            "-c",
            "import hmac,hashlib; print(hmac.new(b'whsec-NEXT', b'qgg8vlvZRS6UYooatFL8Aw', hashlib.sha256).hexdigest())",
        ])
        .output()
        .expect("python3");
    let expected = String::from_utf8(expected.stdout).unwrap();
    assert_eq!(json["encryptedToken"], expected.trim());
    assert_eq!(json["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
}

#[test]
fn receiver_acknowledges_events_and_hands_back_the_raw_body() {
    let sig = python_signature(PRIMARY, TS, TRICKY_BODY);
    let receiver = WebhookReceiver::new(secrets(&[PRIMARY]));
    let received = receiver
        .handle(&headers(&sig, TS), TRICKY_BODY, now())
        .unwrap();
    assert_eq!(received.ack.status(), 204);
    assert!(received.ack.body().is_empty());
    assert_eq!(received.event, "phone.callee_ringing");
    assert_eq!(received.body.as_deref(), Some(TRICKY_BODY));
}

#[test]
fn verified_but_malformed_bodies() {
    let receiver = WebhookReceiver::new(secrets(&[PRIMARY]));
    for body in [
        &b"not json"[..],
        b"{\"payload\":{}}",
        b"{\"event\":\"endpoint.url_validation\",\"payload\":{}}",
    ] {
        let sig = python_signature(PRIMARY, TS, body);
        let err = receiver
            .handle(&headers(&sig, TS), body, now())
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedBody { .. }),
            "{}: {err:?}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(err.http_status(), 400);
    }
    let body = b"{\"event\":\"phone.x\",\"payload\":{\"plainToken\":\"t\"}}";
    let sig = python_signature(PRIMARY, TS, body);
    assert!(matches!(
        answer_url_validation(
            &headers(&sig, TS),
            body,
            &secrets(&[PRIMARY]),
            now(),
            DEFAULT_WINDOW
        ),
        Err(WebhookError::MalformedBody { .. })
    ));
}

/// Every webhook error path with known secrets: neither the secrets nor the
/// expected signature appear in any Debug or Display output.
#[test]
fn no_secret_or_expected_signature_in_any_webhook_output() {
    let body = b"{\"event\":\"phone.x\"}";
    let keys = secrets(&[PRIMARY, NEXT]);
    let expected_sigs = [sign(&keys[0], TS, body), sign(&keys[1], TS, body)];
    let wrong = python_signature("wrong", TS, body);
    let receiver = WebhookReceiver::new(keys.clone());
    let mut outputs = vec![format!("{receiver:?}"), format!("{keys:?}")];
    let mut cases: Vec<(http::HeaderMap, Vec<u8>, Vec<Secret>, Timestamp)> = vec![
        (headers(&wrong, TS), body.to_vec(), keys.clone(), now()),
        (http::HeaderMap::new(), body.to_vec(), keys.clone(), now()),
        (headers("v0=nothex", TS), body.to_vec(), keys.clone(), now()),
        (
            headers(&expected_sigs[0], "soon"),
            body.to_vec(),
            keys.clone(),
            now(),
        ),
        (
            headers(&expected_sigs[0], TS),
            body.to_vec(),
            keys.clone(),
            Timestamp::from_secs(1_800_000_000),
        ),
        (
            headers(&expected_sigs[0], TS),
            body.to_vec(),
            keys.clone(),
            Timestamp::from_secs(1_600_000_000),
        ),
        (
            headers(&expected_sigs[0], TS),
            body.to_vec(),
            secrets(&[]),
            now(),
        ),
    ];
    let malformed = b"{\"event\":\"endpoint.url_validation\"}".to_vec();
    cases.push((
        headers(&sign(&keys[0], TS, &malformed), TS),
        malformed,
        keys.clone(),
        now(),
    ));
    for (h, b, k, at) in &cases {
        let err = verify(h, b, k, *at, DEFAULT_WINDOW)
            .and_then(|()| answer_url_validation(h, b, k, *at, DEFAULT_WINDOW).map(|_| ()))
            .unwrap_err();
        outputs.push(format!("{err:?} / {err}"));
        let err = WebhookReceiver::new(k.clone())
            .handle(h, b, *at)
            .unwrap_err();
        let wrapped = zoom_phone::Error::from(err.clone());
        outputs.push(format!("{err:?} / {err} / {wrapped:?} / {wrapped}"));
    }
    assert_eq!(outputs.len(), 2 + 2 * cases.len());
    for output in &outputs {
        for needle in [PRIMARY, NEXT] {
            assert!(!output.contains(needle), "secret leaked: {output}");
        }
        for sig in &expected_sigs {
            let hex_part = sig.trim_start_matches("v0=");
            assert!(
                !output.contains(hex_part),
                "expected signature leaked: {output}"
            );
        }
    }
}
