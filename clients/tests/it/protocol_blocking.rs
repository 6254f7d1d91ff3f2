//! The blocking client as a host of the core's protocol: the fast path's
//! two crossings, and a transport of one's own.

use std::sync::{Arc, Mutex};

use serde_json::json;
use zoom_phone_client::blocking::{Transport, ZoomPhone};
use zoom_phone_client::{Error, SendOptions, SendResult, TransportErrorKind};

use crate::client_support::{ACCOUNT, CLIENT_ID, CLIENT_SECRET, quick_retry};
use crate::faults::Mock;

#[test]
fn a_call_with_a_valid_token_is_two_crossings() {
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .retry(quick_retry())
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).unwrap(); // the token first
    for _ in 0..3 {
        let before = zp.entries();
        zp.call("listPhoneUsers", json!({ "page_size": 5 }))
            .unwrap();
        assert_eq!(zp.entries() - before, 2, "start, then handle(Response)");
    }
}

/// Answers 503 twice, then a page; records what it was asked.
#[derive(Clone, Default)]
struct Flaky {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Transport for Flaky {
    fn send(&self, request: http::Request<Vec<u8>>, _: SendOptions) -> SendResult {
        let mut seen = self.seen.lock().unwrap();
        seen.push(request.uri().path().to_owned());
        let (status, body) = if seen.len() <= 2 {
            (503, r#"{"code":503,"message":"busy"}"#)
        } else {
            (200, r#"{"sites":[],"next_page_token":""}"#)
        };
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap())
    }
}

#[test]
fn a_transport_of_ones_own_carries_the_calls_and_their_retries() {
    let flaky = Flaky::default();
    let zp = ZoomPhone::builder()
        .access_token("t")
        .retry(quick_retry())
        .transport(flaky.clone())
        .build()
        .unwrap();
    let out = zp.call("listPhoneSites", json!({})).unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(flaky.seen.lock().unwrap().len(), 3, "two 503s retried");

    let nowhere = ZoomPhone::builder()
        .access_token("t")
        .base_url("http://127.0.0.1:9/v2")
        .retry(zoom_phone_client::RetryPolicy::never())
        .build()
        .unwrap();
    let err = nowhere.call("listPhoneSites", json!({})).unwrap_err();
    let Error::Transport(failure) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(failure.kind, TransportErrorKind::Connect);
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        source
            .downcast_ref::<zoom_phone_client::ureq::Error>()
            .is_some(),
        "the ureq error itself: {source:?}"
    );
}

/// The platform's roots instead of the bundled ones: the agent builds from
/// the platform's store and calls as before.
#[cfg(feature = "native-roots")]
#[test]
fn a_client_on_the_platform_s_roots_works() {
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .native_roots(true)
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).unwrap();
}
