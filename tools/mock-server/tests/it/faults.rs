//! Faults on demand: each kind, counted, and matched by path or operation.

use std::time::Instant;

use serde_json::json;
use zoom_phone_mock::{Fault, MockConfig};

use crate::support::*;

async fn fault(http: &Http, server: &zoom_phone_mock::MockServer, spec: serde_json::Value) {
    let r = http.admin(server, "POST", "faults", &spec).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

#[tokio::test]
async fn status_faults_hit_the_next_n_matching_responses() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let users = format!("{}/phone/users", server.api_url());
    let sites = format!("{}/phone/sites", server.api_url());
    fault(
        &http,
        &server,
        json!({"kind": "503", "count": 2, "path": "/v2/phone/users"}),
    )
    .await;
    assert_eq!(http.get(&sites, &t).await.status, 200);
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 503);
    assert!(r.header("x-zm-trackingid").is_some());
    assert_eq!(http.get(&users, &t).await.status, 503);
    assert_eq!(http.get(&users, &t).await.status, 200);
    fault(
        &http,
        &server,
        json!({"kind": "500", "operation": "list_phone_sites"}),
    )
    .await;
    fault(
        &http,
        &server,
        json!({"kind": "502", "operation": "listPhoneUsers"}),
    )
    .await;
    assert_eq!(http.get(&users, &t).await.status, 502);
    assert_eq!(http.get(&sites, &t).await.status, 500);
}

#[tokio::test]
async fn rate_limit_storms_with_and_without_retry_after() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let users = format!("{}/phone/users", server.api_url());
    fault(
        &http,
        &server,
        json!({"kind": "429", "count": 2, "retry_after": "3"}),
    )
    .await;
    fault(
        &http,
        &server,
        json!({"kind": "429", "retry_after": "none"}),
    )
    .await;
    for _ in 0..2 {
        let r = http.get(&users, &t).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("3"));
        assert_eq!(r.json()["code"], 429);
    }
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), None);
    assert_eq!(http.get(&users, &t).await.status, 200);
}

#[tokio::test]
async fn a_rate_limited_write_performs_nothing() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let contacts = format!("{}/phone/external_contacts", server.api_url());
    let count = |body: serde_json::Value| {
        body["external_contacts"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|c| c["name"] == "refused").count())
    };
    fault(&http, &server, json!({"kind": "429", "count": 1})).await;
    let r = http
        .json(
            "POST",
            &contacts,
            &t,
            &json!({"name": "refused", "phone_numbers": ["+12055550100"]}),
        )
        .await;
    assert_eq!(r.status, 429);
    let list = http.get(&format!("{contacts}?page_size=300"), &t).await;
    assert_eq!(count(list.json()), 0, "a 429 must not create the contact");
}

#[tokio::test]
async fn latency_delays_the_normal_answer() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    fault(&http, &server, json!({"kind": "latency", "ms": 300})).await;
    let started = Instant::now();
    let r = http
        .get(&format!("{}/phone/users", server.api_url()), &t)
        .await;
    // A lower bound only: the delay is the feature; slowness never fails it.
    assert!(started.elapsed().as_millis() >= 300);
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn reset_truncate_invalid_json_and_html() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let users = format!("{}/phone/users", server.api_url());
    let auth = format!("Bearer {t}");

    fault(&http, &server, json!({"kind": "reset"})).await;
    let err = http
        .try_send("GET", &users, &[("authorization", &auth)], "")
        .await
        .unwrap_err();
    assert!(!err.is_empty());

    fault(&http, &server, json!({"kind": "truncate"})).await;
    assert!(
        http.try_send("GET", &users, &[("authorization", &auth)], "")
            .await
            .is_err()
    );

    fault(&http, &server, json!({"kind": "invalid_json"})).await;
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    fault(&http, &server, json!({"kind": "html"})).await;
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));

    // All used up: normal again, on fresh connections.
    assert_eq!(http.get(&users, &t).await.status, 200);
}

#[tokio::test]
async fn faults_from_the_command_line_config_and_admin_listing() {
    let mut config = MockConfig::default();
    config
        .faults
        .push(Fault::parse_spec("kind=503,count=1,path=/oauth/token").unwrap());
    let server = start_with(config).await;
    let http = Http::new();
    let listed = http
        .send("GET", &format!("{}/_admin/faults", server.url()), &[], "")
        .await
        .json();
    assert_eq!(listed[0]["kind"], "status");
    assert_eq!(listed[0]["status"], 503);
    let r = http
        .form(
            &format!("{}/oauth/token", server.url()),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "account_credentials"),
                ("account_id", ACCOUNT),
            ],
        )
        .await;
    assert_eq!(r.status, 503);
    let _ = token(&http, &server).await;
    let r = http
        .admin(&server, "POST", "faults", &json!({"kind": "teapot"}))
        .await;
    assert_eq!(r.status, 400);
}
