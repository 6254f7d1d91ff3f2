//! Path parameters are always exactly one segment and round-trip.

use proptest::prelude::*;
use serde_json::json;
use zoom_phone::request::{self, RequestConfig};

use crate::raw_spec::percent_decode;

/// `/v2/phone/call_queues/{callQueueId}`: the value is segment 4 (0-based,
/// after the leading empty one).
fn last_segment(value: &str) -> (usize, String) {
    let r = request::build(
        "getACallQueue",
        &json!({ "callQueueId": value }),
        &RequestConfig::default(),
    )
    .expect("builds");
    let path = r.uri().path().to_owned();
    assert!(
        r.uri().query().is_none(),
        "a value leaked into the query: {path}"
    );
    let segments: Vec<&str> = path.split('/').collect();
    (segments.len(), segments.last().unwrap().to_string())
}

fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "/", "?", "#", "%", "%2F", ".", "..", "\r", "\n", "\r\n", " ", "+", "&", "=", ";", "é",
        "🙂", "\u{0}", "\\", "a", "Z", "0", "~", "{", "}",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 1..12).prop_map(|v| v.concat()),
        "\\PC{1,24}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
    // `.` and `..` are refused (dot_segments_are_refused).
    .prop_filter("not a dot-segment", |s| s != "." && s != "..")
}

proptest! {
    #[test]
    fn a_path_parameter_is_one_segment_and_round_trips(value in tricky()) {
        let (count, segment) = last_segment(&value);
        prop_assert_eq!(count, 5);
        prop_assert_ne!(segment.as_str(), ".");
        prop_assert_ne!(segment.as_str(), "..");
        prop_assert_eq!(percent_decode(&segment), value.as_bytes().to_vec());
    }
}

#[test]
fn dot_segments_are_refused_and_dots_inside_a_value_kept() {
    for dots in [".", ".."] {
        let e = request::build(
            "getACallQueue",
            &json!({ "callQueueId": dots }),
            &RequestConfig::default(),
        )
        .expect_err("a dot-segment is refused");
        assert!(e.to_string().contains("callQueueId"), "{e}");
    }
    assert_eq!(last_segment("...").1, "...");
    assert_eq!(last_segment("a/../b").1, "a%2F..%2Fb");
}

#[test]
fn query_values_are_encoded_and_arrays_repeat_the_key() {
    let config = RequestConfig::default();
    let r = request::build(
        "listCallQueues",
        &json!({"site_id": "a b&c=d", "page_size": 30, "next_page_token": "t/+?"}),
        &config,
    )
    .expect("builds");
    let mut pairs: Vec<&str> = r.uri().query().unwrap().split('&').collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        [
            "next_page_token=t%2F%2B%3F",
            "page_size=30",
            "site_id=a%20b%26c%3Dd"
        ]
    );

    let r = request::build(
        "deleteOutboundCallerNumbers",
        &json!({"customize_ids": ["x", "y z"]}),
        &config,
    )
    .expect("builds");
    assert_eq!(r.uri().query(), Some("customize_ids=x&customize_ids=y%20z"));

    let r = request::build(
        "listCustomizeOutboundCallerNumbers",
        &json!({"selected": false}),
        &config,
    )
    .expect("builds");
    assert_eq!(r.uri().query(), Some("selected=false"));
}

/// Found by the `request_build` fuzz target (tools/fuzz): a base URL with a
/// `#` was taken, and since `http::Uri` drops the fragment, the operation's
/// path and query vanished: `phone_user` went to `https://host/`.
#[test]
fn a_base_url_with_a_fragment_is_refused() {
    let mut config = zoom_phone::request::RequestConfig::default();
    config.base_url = "https://api.zoom.us/v2#x".to_owned();
    let err =
        zoom_phone::request::build("phoneUser", &serde_json::json!({"userId": "u1"}), &config);
    assert!(
        matches!(
            err,
            Err(zoom_phone::Error::Build(
                zoom_phone::request::BuildError::InvalidConfig {
                    field: "base_url",
                    ..
                }
            ))
        ),
        "{err:?}"
    );
}
