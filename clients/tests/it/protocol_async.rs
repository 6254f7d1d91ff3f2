//! The async client as a host of the core's protocol: the fast path's two
//! crossings, a dropped call whose token refresh is in flight, a deadline
//! that passes during a renewal, and what a transport can be.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use zoom_phone_client::{
    BoxFuture, Error, MemoryStore, OAuth, OAuthConfig, SendOptions, SendResult, TokenSet,
    TokenStore, Transport, TransportErrorKind, ZoomPhone,
};
use zoom_phone_mock::{MockServer, fingerprint};

use crate::client_support::{
    ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, quick_retry, requests, start,
};
use crate::shared_store::check_refreshes;

fn client(server: &MockServer) -> ZoomPhone {
    ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .retry(quick_retry())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_with_a_valid_token_is_two_crossings() {
    let server = start().await;
    let zp = client(&server);
    zp.call("listPhoneSites", json!({})).await.unwrap(); // the token first
    for _ in 0..3 {
        let before = zp.entries();
        zp.call("listPhoneUsers", json!({ "page_size": 5 }))
            .await
            .unwrap();
        assert_eq!(zp.entries() - before, 2, "start, then handle(Response)");
    }
    let before = zp.entries();
    zp.download("phoneDownloadRecordingFile", json!({ "fileId": "f-1" }))
        .await
        .unwrap();
    assert_eq!(zp.entries() - before, 2, "a download without a redirect");
}

/// A user's tokens from the mock's code flow, and the app they belong to.
async fn user_tokens(server: &MockServer) -> (OAuthConfig, TokenSet) {
    let admin = Admin::new(server);
    let app = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET)
        .with_redirect_uri("http://127.0.0.1:9/callback")
        .with_oauth_base(server.url());
    let oauth = OAuth::new(app.clone()).unwrap();
    let authorization = oauth.authorization_request().unwrap();
    let callback = admin.follow_authorize(&authorization.url).await;
    let tokens = oauth
        .exchange_code(&callback, &authorization)
        .await
        .unwrap();
    (app, tokens)
}

/// The refresh token the store holds.
fn stored_refresh(store: &MemoryStore) -> String {
    let tokens = TokenStore::load(store).unwrap().expect("stored tokens");
    tokens
        .refresh_token
        .expect("a refresh token")
        .expose()
        .to_owned()
}

/// Waits (up to 10 s) until the store holds another refresh token than `old`.
async fn rotated(store: &MemoryStore, old: &str) -> String {
    for _ in 0..200 {
        let now = stored_refresh(store);
        if now != old {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the store never got the rotated refresh token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_during_its_refresh_loses_no_rotated_token() {
    let server = start().await;
    let admin = Admin::new(&server);
    let (app, tokens) = user_tokens(&server).await;
    let first = tokens.refresh_token.clone().unwrap().expose().to_owned();
    let store = Arc::new(MemoryStore::with_tokens(tokens.clone()));
    let zp = ZoomPhone::builder()
        .user_tokens(app, tokens)
        .base_url(server.api_url())
        .token_store(store.clone())
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();

    // Zoom now refuses the access token, and answers the refresh slowly.
    admin.expire_tokens().await;
    admin
        .fault(json!({ "kind": "latency", "ms": 1000, "path": "/oauth/token" }))
        .await;
    let dropped = tokio::time::timeout(
        Duration::from_millis(300),
        zp.call("listPhoneSites", json!({})),
    )
    .await;
    assert!(dropped.is_err(), "the call was dropped mid-refresh");
    let refreshes = |log: &[zoom_phone_mock::LoggedRequest]| {
        requests(log, "POST", "/oauth/token")
            .into_iter()
            .filter(|r| r.body.contains("grant_type=refresh_token"))
            .count()
    };

    // The refresh completes anyway: its rotated token is applied and saved.
    let second = rotated(&store, &first).await;
    assert_eq!(refreshes(&server.request_log()), 1);

    // The session uses the renewed token; when Zoom expires it too, the
    // next renewal sends the saved refresh token, and Zoom takes it.
    zp.call("listPhoneSites", json!({})).await.unwrap();
    admin.expire_tokens().await;
    zp.call("listPhoneSites", json!({})).await.unwrap();
    let log = server.request_log();
    assert_eq!(check_refreshes(&log), 2, "no refused (dead) refresh token");
    let last = requests(&log, "POST", "/oauth/token")
        .into_iter()
        .rfind(|r| r.body.contains("grant_type=refresh_token"))
        .unwrap();
    let sent = form_urlencoded::parse(last.body.as_bytes())
        .find(|(k, _)| k == "refresh_token")
        .map(|(_, v)| v.into_owned());
    assert_eq!(
        sent,
        Some(fingerprint(&second)),
        "the renewal after the drop used the saved token"
    );
    assert_ne!(stored_refresh(&store), second, "and rotated it again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_during_a_renewal_ends_the_call_and_the_renewal_still_lands() {
    let server = start().await;
    let admin = Admin::new(&server);
    let (app, tokens) = user_tokens(&server).await;
    let first = tokens.refresh_token.clone().unwrap().expose().to_owned();
    let store = Arc::new(MemoryStore::with_tokens(tokens.clone()));
    let zp = ZoomPhone::builder()
        .user_tokens(app, tokens)
        .base_url(server.api_url())
        .token_store(store.clone())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();

    admin.expire_tokens().await;
    admin
        .fault(json!({ "kind": "latency", "ms": 1500, "path": "/oauth/token" }))
        .await;
    let err = zp.call("listPhoneSites", json!({})).await.unwrap_err();
    // The core's verdict at a deadline: the timeout, or the last answer
    // (here Zoom's 401 that started the renewal).
    assert!(
        matches!(err, Error::Timeout) || err.status() == Some(401),
        "{err:?}"
    );
    // The caller got its timeout while the refresh was still out ...
    assert_eq!(stored_refresh(&store), first, "returned before the refresh");
    // ... which then lands.
    rotated(&store, &first).await;
    server.clear_request_log();
    zp.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(
        check_refreshes(&server.request_log()),
        0,
        "the call after uses the renewed token"
    );
}

/// A transport of the test's own: records every request, answers one page.
#[derive(Clone, Default)]
struct Double {
    seen: Arc<Mutex<Vec<(String, Duration, u64)>>>,
}

impl Transport for Double {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        options: SendOptions,
    ) -> BoxFuture<'_, SendResult> {
        let seen = (
            request.uri().to_string(),
            options.timeout,
            options.body_limit,
        );
        self.seen.lock().unwrap().push(seen);
        let page = http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("x-zm-trackingid", "double-1")
            .body(br#"{"sites":[{"id":"s1","name":"HQ"}],"next_page_token":""}"#.to_vec())
            .unwrap();
        Box::pin(async move { Ok(page) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transports_can_be_injected() {
    // A test double: no network at all.
    let double = Double::default();
    let zp = ZoomPhone::builder()
        .access_token("t")
        .attempt_timeout(Duration::from_secs(7))
        .transport(double.clone())
        .build()
        .unwrap();
    let out = zp.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(out.tracking_id.as_deref(), Some("double-1"));
    let seen = double.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "https://api.zoom.us/v2/phone/sites");
    assert_eq!(seen[0].1, Duration::from_secs(7), "the attempt's timeout");
    assert_eq!(seen[0].2, 32 * 1024 * 1024, "the API body limit");

    // A reqwest client of the caller's own: its settings reach the wire.
    let server = start().await;
    let mut headers = http::HeaderMap::new();
    headers.insert("x-injected-client", "yes".parse().unwrap());
    let http = zoom_phone_client::http_client_builder(Duration::from_secs(2))
        .default_headers(headers)
        .build()
        .unwrap();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .http_client(http)
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();
    let log = server.request_log();
    assert!(!log.is_empty());
    assert!(
        log.iter()
            .all(|r| r.headers.contains_key("x-injected-client"))
    );

    // One that follows redirects would carry the token wherever Zoom's
    // answer points: refused at the first redirect.
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .http_client(zoom_phone_client::reqwest::Client::new())
        .retry(zoom_phone_client::RetryPolicy::never())
        .build()
        .unwrap();
    let err = zp
        .download(
            "phoneDownloadRecordingTranscript",
            json!({ "recordingId": "r-1" }),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("followed a redirect"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_keeps_its_kind_and_the_reqwest_error() {
    let nowhere = ZoomPhone::builder()
        .access_token("t")
        .base_url("http://127.0.0.1:9/v2")
        .retry(zoom_phone_client::RetryPolicy::never())
        .build()
        .unwrap();
    let err = nowhere.call("listPhoneSites", json!({})).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.class().name(), "transport");
    let Error::Transport(failure) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(failure.kind, TransportErrorKind::Connect);
    assert_eq!(failure.target.as_deref(), Some("http://127.0.0.1:9"));
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        source
            .downcast_ref::<zoom_phone_client::reqwest::Error>()
            .is_some(),
        "the reqwest error itself: {source:?}"
    );
}

/// The platform's roots instead of the bundled ones: the client builds
/// (the store loads) and calls as before.
#[cfg(feature = "native-roots")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_on_the_platform_s_roots_works() {
    let server = start().await;
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .native_roots(true)
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();
}
