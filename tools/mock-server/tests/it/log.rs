//! The request log: what clients sent, secrets fingerprinted.

use serde_json::{Value, json};
use zoom_phone_mock::fingerprint;

use crate::support::*;

#[tokio::test]
async fn the_log_records_requests_with_secrets_fingerprinted() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let r = http
        .get(&format!("{}/phone/users?page_size=5", server.api_url()), &t)
        .await;
    let tracking = r.header("x-zm-trackingid").unwrap().to_string();

    let log = server.request_log();
    assert_eq!(log.len(), 2);
    let tok = &log[0];
    assert_eq!(tok.path, "/oauth/token");
    assert_eq!(tok.status, 200);
    assert!(tok.headers["authorization"].starts_with("Basic <fp:"));
    assert!(!tok.body.contains(CLIENT_SECRET));
    let api = &log[1];
    assert_eq!(api.method, "GET");
    assert_eq!(api.query.as_deref(), Some("page_size=5"));
    assert_eq!(api.operation.as_deref(), Some("listPhoneUsers"));
    assert_eq!(
        api.headers["authorization"],
        format!("Bearer {}", fingerprint(&t))
    );
    assert_eq!(api.tracking_id, tracking);

    // Over HTTP too, filtered, and cleared.
    let over_http = http
        .send(
            "GET",
            &format!("{}/_admin/requests?path_prefix=/v2", server.url()),
            &[],
            "",
        )
        .await
        .json();
    assert_eq!(over_http.as_array().unwrap().len(), 1);
    assert_eq!(over_http[0]["status"], 200);
    assert!(!over_http.to_string().contains(&t));
    assert_eq!(
        http.send(
            "DELETE",
            &format!("{}/_admin/requests", server.url()),
            &[],
            ""
        )
        .await
        .status,
        200
    );
    assert!(server.request_log().is_empty());
}

#[tokio::test]
async fn a_hundred_concurrent_calls_are_each_logged_once() {
    let server = start().await;
    let http = std::sync::Arc::new(Http::new());
    let t = token(&http, &server).await;
    server.clear_request_log();
    let url = format!("{}/phone/sites", server.api_url());
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (http, url, t) = (http.clone(), url.clone(), t.clone());
        tasks.push(tokio::spawn(async move { http.get(&url, &t).await.status }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let log = server.request_log();
    assert_eq!(log.len(), 100);
    assert_eq!(log.iter().filter(|e| e.path == "/oauth/token").count(), 0);
    let ids: std::collections::BTreeSet<_> = log.iter().map(|e| e.tracking_id.clone()).collect();
    assert_eq!(ids.len(), 100);
    let admin = http
        .admin(&server, "POST", "tokens", &json!({"ttl_secs": 60}))
        .await
        .json();
    assert!(
        admin["access_token"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(admin["account_id"], Value::from(ACCOUNT));
}

#[tokio::test]
async fn the_log_keeps_the_newest_entries_up_to_its_capacity() {
    let server = start_with(zoom_phone_mock::MockConfig {
        log_capacity: 3,
        ..zoom_phone_mock::MockConfig::default()
    })
    .await;
    let http = Http::new();
    let t = token(&http, &server).await;
    for size in 1..=4 {
        http.get(
            &format!("{}/phone/sites?page_size={size}", server.api_url()),
            &t,
        )
        .await;
    }
    let log = server.request_log();
    let queries: Vec<_> = log
        .iter()
        .map(|e| e.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(queries, ["page_size=2", "page_size=3", "page_size=4"]);
}
