//! Response bodies over the session's limit, against the mock's oversized
//! faults: a chunked body (the limit is enforced while reading) and a
//! `Content-Length` above the limit (refused before reading).

use serde_json::json;
use zoom_phone_client::BodyLimits;
use zoom_phone_client::Error;

use crate::client_support::{ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, start};

const LIMIT: u64 = 100_000;

fn limits() -> BodyLimits {
    let mut limits = BodyLimits::default();
    limits.api = LIMIT;
    limits
}

fn is_too_large(result: &Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(result, Err(Error::ResponseTooLarge { limit: LIMIT }))
}

#[cfg(feature = "async")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_client_stops_at_the_limit() {
    use crate::client_support::requests;
    use zoom_phone_client::ZoomPhone;
    let server = start().await;
    let admin = Admin::new(&server);
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .body_limits(limits())
        .build()
        .unwrap();
    for kind in ["oversized", "oversized_length"] {
        server.clear_request_log();
        admin
            .fault(json!({ "kind": kind, "bytes": 250_000, "path": "/v2/phone/users" }))
            .await;
        let result = zp.call("listPhoneUsers", json!({})).await;
        assert!(is_too_large(&result), "{kind}: {:?}", result.as_ref().err());
        let message = result.unwrap_err().to_string();
        assert!(message.contains("100000 bytes"), "{message}");
        // Not retried: the same request would bring the same body.
        assert_eq!(
            requests(&server.request_log(), "GET", "/v2/phone/users").len(),
            1
        );
    }
    // Under the limit, the body is read whole.
    admin
        .fault(json!({ "kind": "oversized", "bytes": 90_000, "path": "/v2/phone/users" }))
        .await;
    let output = zp.call("listPhoneUsers", json!({})).await.unwrap();
    let zoom_phone_client::Body::Json(body) = output.body else {
        panic!("a JSON body");
    };
    assert_eq!(
        body["pad"].as_str().unwrap().len(),
        90_000 - r#"{"pad":""}"#.len()
    );
}

#[cfg(feature = "blocking")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_client_stops_at_the_limit() {
    use zoom_phone_client::blocking::ZoomPhone;
    let server = start().await;
    let admin = Admin::new(&server);
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .body_limits(limits())
        .build()
        .unwrap();
    for kind in ["oversized", "oversized_length"] {
        admin
            .fault(json!({ "kind": kind, "bytes": 250_000, "path": "/v2/phone/users" }))
            .await;
        let zp = zp.clone();
        let result = tokio::task::spawn_blocking(move || zp.call("listPhoneUsers", json!({})))
            .await
            .unwrap();
        assert!(is_too_large(&result), "{kind}: {result:?}");
    }
}
