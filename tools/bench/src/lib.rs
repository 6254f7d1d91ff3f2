//! The raw baselines the SDK is measured against, and the fixtures the
//! benchmarks share (`benches/core.rs`; the Node and Python benchmarks in
//! `node/` and `python/` read the same page file).
//!
//! A baseline is what a developer would write by hand without the SDK: a
//! `format!`'d URL in an `http::Request`, `serde_json::from_slice::<Value>`,
//! one HMAC compared as hex. Each does less than the SDK (no validation, no
//! percent-encoding, no typed errors, no replay window), which is the point:
//! the ratio is the price of what the SDK adds.

use std::path::PathBuf;

use hmac::{KeyInit as _, Mac as _};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Environment variable naming the 300-record call-history page that
/// `tools/bench/run.sh` fetched from the mock server.
pub const PAGE_ENV: &str = "ZOOM_BENCH_PAGE";

/// Where the page fixture is: `$ZOOM_BENCH_PAGE`, else `target/bench/page-300.json`
/// under the workspace root.
pub fn page_path() -> PathBuf {
    std::env::var_os(PAGE_ENV).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/page-300.json"),
        PathBuf::from,
    )
}

/// The hand-built request: method, `format!`'d URL, the headers every call sends.
pub fn raw_user_request(
    base_url: &str,
    user_id: &str,
    token: &str,
) -> Result<http::Request<Vec<u8>>, http::Error> {
    http::Request::builder()
        .method(http::Method::GET)
        .uri(format!("{base_url}/phone/users/{user_id}"))
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, "hand-written/1.0")
        .body(Vec::new())
}

/// The hand-built list request with its query string.
pub fn raw_call_history_request(
    base_url: &str,
    page_size: u32,
    next_page_token: &str,
    token: &str,
) -> Result<http::Request<Vec<u8>>, http::Error> {
    http::Request::builder()
        .method(http::Method::GET)
        .uri(format!(
            "{base_url}/phone/call_history?page_size={page_size}&next_page_token={next_page_token}"
        ))
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, "hand-written/1.0")
        .body(Vec::new())
}

/// The hand-written webhook check: HMAC-SHA256 of `v0:{timestamp}:{body}`,
/// hex, compared with the header (`==`, not constant time; no timestamp window).
pub fn raw_verify_webhook(secret: &[u8], timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return false;
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(3 + 64);
    hex.push_str("v0=");
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex == signature
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_phone::Secret;
    use zoom_phone::webhook::signature::sign;

    #[test]
    fn raw_webhook_check_agrees_with_the_sdk_signature() {
        let body = br#"{"event":"phone.callee_ringing","payload":{}}"#;
        let signature = sign(&Secret::new("s3cret"), "1700000000", body);
        assert!(raw_verify_webhook(
            b"s3cret",
            "1700000000",
            body,
            &signature
        ));
        assert!(!raw_verify_webhook(
            b"other",
            "1700000000",
            body,
            &signature
        ));
        assert!(!raw_verify_webhook(
            b"s3cret",
            "1700000001",
            body,
            &signature
        ));
    }

    #[test]
    fn raw_requests_name_the_path_and_query() {
        let user = raw_user_request("http://h/v2", "u1", "t").expect("valid request");
        assert_eq!(user.uri(), "http://h/v2/phone/users/u1");
        let page = raw_call_history_request("http://h/v2", 300, "abc", "t").expect("valid request");
        assert_eq!(
            page.uri(),
            "http://h/v2/phone/call_history?page_size=300&next_page_token=abc"
        );
    }
}
