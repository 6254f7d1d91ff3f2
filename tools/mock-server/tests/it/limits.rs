//! Rate limits: per-category QPS windows and the daily quota, with Zoom's headers.

use serde_json::json;
use zoom_phone_mock::{MockConfig, RateLimitConfig};

use crate::support::*;

#[tokio::test]
async fn limits_are_off_by_default() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    for _ in 0..30 {
        let r = http
            .get(&format!("{}/phone/users", server.api_url()), &t)
            .await;
        assert_eq!(r.status, 200);
        assert!(r.header("x-ratelimit-limit").is_none());
    }
}

#[tokio::test]
async fn an_exhausted_qps_window_answers_429_with_zoom_headers() {
    // With 1 call per second, the call right after the first one fails
    // however fast the machine is; only a machine taking over a second per
    // loopback call could miss it, and the loop below gives it 3 chances.
    let config = MockConfig {
        rate_limits: RateLimitConfig {
            light: 1,
            medium: 1,
            daily: None,
            ..RateLimitConfig::pro()
        },
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let url = format!("{}/phone/users", server.api_url());
    let first = http.get(&url, &t).await;
    assert_eq!(first.status, 200);
    // listPhoneUsers is a Medium operation in the catalog.
    assert_eq!(first.header("x-ratelimit-category"), Some("Medium"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("0"));
    let mut refused = None;
    for _ in 0..3 {
        let r = http.get(&url, &t).await;
        if r.status == 429 {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("a 429 within the window");
    assert_eq!(r.json()["code"], 429);
    assert_eq!(r.header("x-ratelimit-category"), Some("Medium"));
    assert_eq!(r.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("1"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(r.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn the_daily_limit_answers_429_with_a_reset_instant() {
    let server = start().await;
    let http = Http::new();
    let r = http
        .admin(&server, "PUT", "rate_limits", &json!({"enabled": true, "light": 100, "medium": 100, "heavy": 100, "resource_intensive_per_minute": 100, "daily": 2}))
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let t = token(&http, &server).await;
    // GET /phone/call_history is Heavy.
    let url = format!("{}/phone/call_history", server.api_url());
    assert_eq!(http.get(&url, &t).await.status, 200);
    assert_eq!(http.get(&url, &t).await.status, 200);
    let r = http.get(&url, &t).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("x-ratelimit-type"), Some("Daily-limit"));
    assert_eq!(r.header("x-ratelimit-category"), Some("Heavy"));
    let retry = r.header("retry-after").unwrap();
    assert!(retry.ends_with("T00:00:00Z"), "{retry}");
    // Light calls do not count against the daily quota.
    assert_eq!(
        http.get(&format!("{}/phone/users", server.api_url()), &t)
            .await
            .status,
        200
    );
    // Switching limits off lifts it.
    http.admin(&server, "PUT", "rate_limits", &json!("off"))
        .await;
    assert_eq!(http.get(&url, &t).await.status, 200);
}
