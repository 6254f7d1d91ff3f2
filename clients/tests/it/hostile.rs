//! Hostile input on the wire: path parameters that try to leave their
//! segment, and CR/LF in every value that reaches a header. Verdicts come
//! from the mock's request log (the raw path each request hit and the
//! operation the mock matched), not from the request the SDK built.

use serde_json::json;
use zoom_phone_client::{Error, ErrorClass};
use zoom_phone_mock::LoggedRequest;

use crate::client_support::{ACCOUNT, CLIENT_ID, CLIENT_SECRET};
use crate::faults::Mock;

fn percent_decode(segment: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(segment).collect()
}

/// Values that would change the endpoint if they were pasted into the path.
pub const HOSTILE: &[&str] = &[
    "a/b",
    "../users",
    "../../oauth/token",
    "..",
    ".",
    "%2E%2E",
    "%2e",
    "a?b=c",
    "a#frag",
    "%2F",
    "a%2Fb",
    "é🙂",
    "a\r\nX-Injected: 1",
    "\u{0}",
    "\t",
    "a b",
    "\\..\\",
    ";x=y",
    "%00",
    "\u{202e}",
];

/// Values a header would carry, each with a line break in it.
const INJECTIONS: &[&str] = &["tok\r\nX-Injected: 1", "tok\nX-Injected: 1", "tok\r"];

/// The site id the request for `value` hit, after checking it is exactly one
/// segment of `getASite` (`/v2/phone/sites/{siteId}`).
fn check_segment(host: &str, value: &str, log: &[LoggedRequest]) -> usize {
    let api: Vec<_> = log.iter().filter(|r| r.path.starts_with("/v2")).collect();
    assert_eq!(api.len(), 1, "{host} {value:?}: one request: {api:?}");
    let r = api[0];
    assert_eq!(
        r.operation.as_deref(),
        Some("getASite"),
        "{host} {value:?} hit {}",
        r.path
    );
    let rest = r
        .path
        .strip_prefix("/v2/phone/sites/")
        .expect("the sites path");
    assert!(!rest.contains('/'), "{host} {value:?}: {}", r.path);
    assert_eq!(
        percent_decode(rest),
        value.as_bytes(),
        "{host} {value:?}: the segment round-trips"
    );
    assert!(
        r.query.is_none(),
        "{host} {value:?}: nothing leaked into the query"
    );
    assert!(!r.headers.contains_key("x-injected"));
    api.len()
}

/// A hostile value either reaches getASite as one segment (and 404s: no such
/// site) or is refused before sending with a build error.
fn check_outcome(host: &str, value: &str, outcome: Result<(), Error>, mock: &Mock) -> usize {
    let log = mock.log();
    match outcome {
        Err(Error::Build(_)) => {
            assert!(
                log.iter().all(|r| !r.path.starts_with("/v2")),
                "{host} {value:?}: refused, so nothing sent"
            );
            0
        }
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404, "{host} {value:?}");
            check_segment(host, value, &log)
        }
        other => panic!("{host} {value:?}: {other:?}"),
    }
}

fn token_set(access: &str) -> zoom_phone_client::auth::TokenSet {
    zoom_phone_client::auth::TokenSet::new(access, None)
}

/// A header value with a line break must be a typed error, never a request.
fn check_injection(host: &str, what: &str, outcome: Result<(), Error>, mock: &Mock) {
    let err = match outcome {
        Err(e) => e,
        Ok(()) => panic!("{host} {what}: a CR/LF header value was accepted"),
    };
    // A build or configuration error: class `build`, nothing sent.
    assert_eq!(err.class(), ErrorClass::Build, "{host} {what}: {err:?}");
    assert!(
        mock.log()
            .iter()
            .all(|r| !r.headers.contains_key("x-injected")),
        "{host} {what}: injected header on the wire"
    );
}

#[cfg(feature = "async")]
#[test]
fn async_client_keeps_hostile_input_inside_its_segment_and_out_of_headers() {
    use zoom_phone_client::ZoomPhone;
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    mock.rt
        .block_on(zp.call("listPhoneSites", json!({})))
        .unwrap();
    let mut checked = 0;
    for value in HOSTILE {
        mock.server.clear_request_log();
        let out = mock
            .rt
            .block_on(zp.call("getASite", json!({ "siteId": value })))
            .map(|_| ());
        checked += check_outcome("async", value, out, &mock);
    }
    for bad in INJECTIONS {
        let fixed = ZoomPhone::builder()
            .access_token(*bad)
            .base_url(mock.server.api_url())
            .build();
        let out = fixed.and_then(|zp| {
            mock.rt
                .block_on(zp.call("listPhoneSites", json!({})))
                .map(|_| ())
        });
        check_injection("async", "access token", out, &mock);

        let bad = bad.to_string();
        let sourced = ZoomPhone::builder()
            .token_source(move || {
                let bad = bad.clone();
                async move { Ok(token_set(&bad)) }
            })
            .base_url(mock.server.api_url())
            .build()
            .unwrap();
        let out = mock
            .rt
            .block_on(sourced.call("listPhoneSites", json!({})))
            .map(|_| ());
        check_injection("async", "token source", out, &mock);
    }
    for bad in INJECTIONS {
        let ua = ZoomPhone::builder()
            .access_token("fine")
            .user_agent(*bad)
            .base_url(mock.server.api_url())
            .build();
        let out = ua.and_then(|zp| {
            mock.rt
                .block_on(zp.call("listPhoneSites", json!({})))
                .map(|_| ())
        });
        check_injection("async", "user agent", out, &mock);
    }
    println!(
        "hostile input (async): {} path values, {checked} requests checked on the wire, {} header injections refused",
        HOSTILE.len(),
        INJECTIONS.len() * 3
    );
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_client_keeps_hostile_input_inside_its_segment_and_out_of_headers() {
    use zoom_phone_client::blocking::ZoomPhone;
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let mut checked = 0;
    for value in HOSTILE {
        mock.server.clear_request_log();
        let out = zp.call("getASite", json!({ "siteId": value })).map(|_| ());
        checked += check_outcome("blocking", value, out, &mock);
    }
    for bad in INJECTIONS {
        let out = ZoomPhone::builder()
            .access_token(*bad)
            .base_url(mock.server.api_url())
            .build()
            .and_then(|zp| zp.call("listPhoneSites", json!({})).map(|_| ()));
        check_injection("blocking", "access token", out, &mock);
        let bad = bad.to_string();
        let out = ZoomPhone::builder()
            .token_source(move || Ok(token_set(&bad)))
            .base_url(mock.server.api_url())
            .build()
            .and_then(|zp| zp.call("listPhoneSites", json!({})).map(|_| ()));
        check_injection("blocking", "token source", out, &mock);
    }
    for bad in INJECTIONS {
        let out = ZoomPhone::builder()
            .access_token("fine")
            .user_agent(*bad)
            .base_url(mock.server.api_url())
            .build()
            .and_then(|zp| zp.call("listPhoneSites", json!({})).map(|_| ()));
        check_injection("blocking", "user agent", out, &mock);
    }
    println!(
        "hostile input (blocking): {} path values, {checked} requests checked on the wire, {} header injections refused",
        HOSTILE.len(),
        INJECTIONS.len() * 3
    );
}
