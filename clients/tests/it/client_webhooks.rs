//! `client::Webhooks` verifying deliveries the mock server signs and sends.

use serde_json::json;

use crate::client_support::{Admin, start, webhook_receiver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifies_what_the_mock_sends() {
    let server = start().await;
    let admin = Admin::new(&server);
    let (url, mut verdicts) = webhook_receiver("s3cret").await;
    let send = |extra: serde_json::Value| {
        let mut body = json!({ "url": url, "event": "phone.callee_ringing", "secret": "s3cret" });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        body
    };

    let answer = admin.call("POST", "webhooks/send", send(json!({}))).await;
    assert_eq!(answer["status"], 204);
    assert_eq!(
        verdicts.recv().await,
        Some(Ok("phone.callee_ringing".to_owned()))
    );

    let answer = admin
        .call(
            "POST",
            "webhooks/send",
            send(json!({ "wrong_secret": true })),
        )
        .await;
    assert_eq!(answer["status"], 401);
    assert_eq!(verdicts.recv().await, Some(Err(401)));

    let answer = admin
        .call(
            "POST",
            "webhooks/send",
            send(json!({ "timestamp_offset_secs": -600 })),
        )
        .await;
    assert_eq!(answer["status"], 401, "a replayed (stale) delivery");
    assert_eq!(verdicts.recv().await, Some(Err(401)));

    let answer = admin
        .call(
            "POST",
            "webhooks/send",
            send(json!({ "event": "endpoint.url_validation" })),
        )
        .await;
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["validation"]["ok"], true);
    assert_eq!(
        verdicts.recv().await,
        Some(Ok("endpoint.url_validation".to_owned()))
    );
}
