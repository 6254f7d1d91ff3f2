//! Webhook delivery: a receiver here checks Zoom's signature independently.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::support::*;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

const SECRET: &str = "whsec-test-secret";

fn hmac_hex(key: &str, data: &[u8]) -> String {
    let mut m = HmacSha256::new_from_slice(key.as_bytes()).unwrap();
    m.update(data);
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Clone)]
struct Delivery {
    signature: String,
    timestamp: String,
    body: Bytes,
    signature_ok: bool,
}

/// A receiver that verifies the signature itself and answers url_validation.
async fn receiver() -> (String, Arc<Mutex<Vec<Delivery>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let store = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let store = store.clone();
                    async move {
                        let h = req.headers().clone();
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let get = |n: &str| {
                            h.get(n)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string()
                        };
                        let (signature, timestamp) =
                            (get("x-zm-signature"), get("x-zm-request-timestamp"));
                        let mut message = format!("v0:{timestamp}:").into_bytes();
                        message.extend_from_slice(&body);
                        let signature_ok =
                            signature == format!("v0={}", hmac_hex(SECRET, &message));
                        store.lock().unwrap().push(Delivery {
                            signature,
                            timestamp,
                            body: body.clone(),
                            signature_ok,
                        });
                        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let (status, answer) = if !signature_ok {
                            (401, json!({"error": "bad signature"}))
                        } else if v["event"] == "endpoint.url_validation" {
                            let plain = v["payload"]["plainToken"].as_str().unwrap_or("");
                            (
                                200,
                                json!({"plainToken": plain, "encryptedToken": hmac_hex(SECRET, plain.as_bytes())}),
                            )
                        } else {
                            (200, json!({"received": v["event"]}))
                        };
                        let resp = http::Response::builder()
                            .status(status)
                            .body(Full::new(Bytes::from(answer.to_string())))
                            .unwrap();
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn events_are_signed_like_zoom_and_the_answer_is_returned() {
    let server = start().await;
    let http = Http::new();
    let (url, seen) = receiver().await;
    let events = http
        .send(
            "GET",
            &format!("{}/_admin/webhooks/events", server.url()),
            &[],
            "",
        )
        .await
        .json();
    let names: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names.len(), 72, "71 phone events + endpoint.url_validation");
    assert!(names.contains(&"phone.recording_deleted"));

    let r = http
        .admin(
            &server,
            "POST",
            "webhooks/send",
            &json!({"url": url, "event": "phone.recording_deleted", "secret": SECRET}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let out = r.json();
    assert_eq!(out["status"], 200);
    assert_eq!(
        serde_json::from_str::<Value>(out["body"].as_str().unwrap()).unwrap()["received"],
        "phone.recording_deleted"
    );
    let d = seen.lock().unwrap().last().cloned().unwrap();
    assert!(d.signature_ok, "{d:?}");
    assert!(d.signature.starts_with("v0="));
    assert!(d.timestamp.parse::<u64>().unwrap() > 1_600_000_000);
    let body: Value = serde_json::from_slice(&d.body).unwrap();
    assert_eq!(body["event"], "phone.recording_deleted");
    assert!(body["payload"]["object"].is_object());
}

#[tokio::test]
async fn url_validation_wrong_secret_stale_timestamp_and_raw_bytes() {
    let server = start().await;
    let http = Http::new();
    let (url, seen) = receiver().await;

    let out = http
        .admin(&server, "POST", "webhooks/send", &json!({"url": url, "event": "endpoint.url_validation", "secret": SECRET, "plain_token": "abc123"}))
        .await
        .json();
    assert_eq!(out["status"], 200);
    assert_eq!(out["validation"]["ok"], true);
    assert_eq!(
        out["validation"]["expected_encrypted_token"],
        hmac_hex(SECRET, b"abc123")
    );

    let out = http
        .admin(&server, "POST", "webhooks/send", &json!({"url": url, "event": "phone.callee_ringing", "secret": SECRET, "wrong_secret": true}))
        .await
        .json();
    assert_eq!(out["status"], 401);
    assert!(!seen.lock().unwrap().last().unwrap().signature_ok);

    let out = http
        .admin(&server, "POST", "webhooks/send", &json!({"url": url, "event": "phone.callee_ringing", "secret": SECRET, "timestamp_offset_secs": -3600}))
        .await
        .json();
    // Correctly signed, but an hour old: a receiver's replay window decides.
    assert_eq!(out["status"], 200);
    let d = seen.lock().unwrap().last().cloned().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts: u64 = d.timestamp.parse().unwrap();
    assert!(now - ts >= 3590, "{now} {ts}");

    let raw =
        "{\"event\":\"phone.callee_ringing\",\"payload\":{\"name\":\"Zo\u{e9} \\u00e9 \\/\"}}";
    let out = http
        .admin(&server, "POST", "webhooks/send", &json!({"url": url, "event": "phone.callee_ringing", "secret": SECRET, "raw_body": raw}))
        .await
        .json();
    assert_eq!(out["status"], 200);
    let d = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(d.body.as_ref(), raw.as_bytes());
    assert!(d.signature_ok);

    let r = http
        .admin(
            &server,
            "POST",
            "webhooks/send",
            &json!({"url": url, "event": "phone.nope", "secret": SECRET}),
        )
        .await;
    assert_eq!(r.status, 400);
}
