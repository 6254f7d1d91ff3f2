//! The core against hand-written baselines: building a request, parsing a
//! 300-record call-history page, verifying a webhook. `make bench` runs it
//! (after fetching the page from the mock server) and reads criterion's
//! `target/criterion/*/new/{estimates,sample}.json` into target/bench/core.json.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use zoom_phone::ops::call_logs::AccountCallHistory;
use zoom_phone::ops::users::PhoneUser;
use zoom_phone::request::{self, RequestConfig};
use zoom_phone::{Secret, Timestamp, response, typed, webhook};
use zoom_phone_bench::{page_path, raw_call_history_request, raw_user_request, raw_verify_webhook};

const BASE: &str = "http://127.0.0.1:9/v2";
const TOKEN: &str = "bench-access-token";
const USER_ID: &str = "z8yCz2b4QXeYkJ1pT0mWvA";
const PAGE_TOKEN: &str = "Xk3t9Qa1Zm0R7bC2dE5fG8hJ4kL6nP";

fn config() -> RequestConfig {
    let mut config = RequestConfig::default();
    config.base_url = BASE.to_owned();
    config
}

fn build(c: &mut Criterion) {
    let config = config();
    let token = Secret::new(TOKEN);
    let mut g = c.benchmark_group("build");
    g.bench_function("raw_get_user", |b| {
        b.iter(|| raw_user_request(black_box(BASE), black_box(USER_ID), black_box(TOKEN)))
    });
    g.bench_function("ours_get_user_json", |b| {
        b.iter(|| {
            let params = json!({ "userId": black_box(USER_ID) });
            let mut req = request::build("phoneUser", &params, &config).expect("builds");
            request::authorize(&mut req, &token).expect("token fits a header");
            req
        })
    });
    g.bench_function("ours_get_user_typed", |b| {
        b.iter(|| {
            let endpoint = PhoneUser::new(black_box(USER_ID));
            let mut req = typed::build_typed(&endpoint, &config).expect("builds");
            request::authorize(&mut req, &token).expect("token fits a header");
            req
        })
    });
    g.bench_function("raw_list_call_history", |b| {
        b.iter(|| raw_call_history_request(black_box(BASE), 300, black_box(PAGE_TOKEN), TOKEN))
    });
    g.bench_function("ours_list_call_history_typed", |b| {
        b.iter(|| {
            let endpoint = AccountCallHistory {
                page_size: Some(300),
                next_page_token: Some(black_box(PAGE_TOKEN).to_owned()),
                ..AccountCallHistory::new()
            };
            let mut req = typed::build_typed(&endpoint, &config).expect("builds");
            request::authorize(&mut req, &token).expect("token fits a header");
            req
        })
    });
    g.finish();
}

fn page_response(body: &[u8]) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(200)
        .header("content-type", "application/json;charset=UTF-8")
        .header("x-zm-trackingid", "v=2.0;clid=us06;rid=bench")
        .body(body.to_vec())
        .expect("valid response")
}

fn parse(c: &mut Criterion) {
    let path = page_path();
    let page = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "read the page fixture {}: {e} (make bench fetches it from the mock; or set ZOOM_BENCH_PAGE)",
            path.display()
        )
    });
    let records = serde_json::from_slice::<Value>(&page)
        .ok()
        .and_then(|v| {
            v.get("call_history")
                .and_then(Value::as_array)
                .map(Vec::len)
        })
        .unwrap_or(0);
    assert_eq!(
        records,
        300,
        "{} must hold 300 call_history records",
        path.display()
    );
    let op = zoom_phone::operation("accountCallHistory").expect("in the catalog");

    let mut g = c.benchmark_group("parse_page_300");
    g.bench_function("raw_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&page)).expect("parses"))
    });
    // Ours take an http::Response (status, headers, owned body), as a host
    // hands it over; building it, a copy of the body included, is timed
    // in both so the difference is the parsing.
    g.bench_function("raw_value_from_response", |b| {
        b.iter_batched(
            || page_response(&page),
            |resp| serde_json::from_slice::<Value>(resp.body()).expect("parses"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("ours_value", |b| {
        b.iter_batched(
            || page_response(&page),
            |resp| response::parse(op, resp).expect("parses"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("ours_typed", |b| {
        b.iter_batched(
            || page_response(&page),
            |resp| typed::parse_typed::<AccountCallHistory>(resp).expect("parses"),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn verify(c: &mut Criterion) {
    let body = br#"{"event":"phone.callee_ringing","event_ts":1763990000000,"payload":{"account_id":"mock-account","object":{"call_id":"7031503123456789012","caller":{"phone_number":"+15550100","user_name":"Ada Lovelace","extension_number":"1001","timezone":"America/Los_Angeles","device_type":"MAC_Client","connection_type":"voip"},"callee":{"phone_number":"+15550101","user_name":"Alan Turing","extension_number":"1002","extension_type":"user","timezone":"Europe/London","device_type":"iPhone","connection_type":"voip"},"ringing_start_time":"2026-11-24T13:00:00Z"}}}"#;
    let secret = Secret::new("bench-webhook-secret");
    let timestamp = "1763990000";
    let signature = webhook::sign(&secret, timestamp, body);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        webhook::SIGNATURE_HEADER,
        signature.parse().expect("header value"),
    );
    headers.insert(
        webhook::TIMESTAMP_HEADER,
        timestamp.parse().expect("header value"),
    );
    let secrets = [secret];
    let now = Timestamp::from_secs(1_763_990_010);

    let mut g = c.benchmark_group("webhook_verify");
    g.bench_function("raw_hmac", |b| {
        b.iter(|| {
            assert!(raw_verify_webhook(
                black_box(b"bench-webhook-secret"),
                timestamp,
                black_box(body),
                &signature
            ))
        })
    });
    g.bench_function("ours_verify", |b| {
        b.iter(|| {
            webhook::verify(
                black_box(&headers),
                black_box(body),
                &secrets,
                now,
                webhook::DEFAULT_WINDOW,
            )
            .expect("genuine")
        })
    });
    g.finish();
}

fn settings() -> Criterion {
    // Modest samples: the whole core run stays well under a minute on a
    // shared 2-core machine; medians are stable at this size.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = settings();
    targets = build, parse, verify
}
criterion_main!(benches);
