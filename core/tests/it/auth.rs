//! OAuth flows: exact request bytes, response and error parsing, PKCE and
//! `state`, device-code polling with a fake clock, and the token lifecycle.
//!
//! Expected base64 / URL values were computed independently with Python's
//! `base64`, `hashlib` and `urllib.parse` (the one-liners are quoted beside them).

use std::time::Duration;

use zoom_phone::auth::{
    Access, AuthorizationRequest, DeviceFlow, DeviceStep, Generation, LifecycleSettings,
    OAuthConfig, OAuthError, OAuthErrorKind, Rejection, RenewalAction, RenewalId, TokenLifecycle,
    TokenSet, TokenSource, client_credentials_request, code_exchange_request,
    device_authorization_request, parse_callback, parse_refresh_response, parse_revoke_response,
    parse_token_response, refresh_request, revoke_request, server_to_server_request,
};
use zoom_phone::auth::{OsRandom, RandomSource};
use zoom_phone::{Secret, Timestamp};

const CLIENT_ID: &str = "cid-123";
const CLIENT_SECRET: &str = "csecret-XYZ";
/// python3 -c 'import base64; print(base64.b64encode(b"cid-123:csecret-XYZ").decode())'
const BASIC: &str = "Basic Y2lkLTEyMzpjc2VjcmV0LVhZWg==";

fn s2s() -> OAuthConfig {
    OAuthConfig::server_to_server("acc-9", CLIENT_ID, CLIENT_SECRET)
}

fn code_app() -> OAuthConfig {
    OAuthConfig::new(CLIENT_ID, CLIENT_SECRET).with_redirect_uri("https://app.example/cb?x=1")
}

fn header<'a>(req: &'a http::Request<Vec<u8>>, name: &str) -> Option<&'a str> {
    req.headers().get(name).map(|v| v.to_str().unwrap())
}

fn body(req: &http::Request<Vec<u8>>) -> &str {
    std::str::from_utf8(req.body()).unwrap()
}

fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn t(secs: u64) -> Timestamp {
    Timestamp::from_secs(secs)
}

/// Bytes 0, 1, 2, ... in order, across calls.
struct Counting(u8);

impl RandomSource for Counting {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), OAuthError> {
        for b in dest {
            *b = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

fn token_set(access: &str, refresh: Option<&str>, expires_at: Option<Timestamp>) -> TokenSet {
    let tokens = TokenSet::new(access, expires_at);
    match refresh {
        Some(r) => tokens.with_refresh_token(r),
        None => tokens,
    }
}

// ---- request bytes ------------------------------------------------------

#[test]
fn server_to_server_request_bytes() {
    let req = server_to_server_request(&s2s()).unwrap();
    assert_eq!(req.method(), http::Method::POST);
    assert_eq!(req.uri(), "https://zoom.us/oauth/token");
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert_eq!(
        header(&req, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        body(&req),
        "grant_type=account_credentials&account_id=acc-9"
    );
    // The Basic header is marked sensitive, so http's own Debug hides it.
    assert!(!format!("{:?}", req.headers()).contains("Y2lk"));
}

#[test]
fn server_to_server_needs_secret_and_account() {
    let mut no_account = s2s();
    no_account.account_id = None;
    assert!(matches!(
        server_to_server_request(&no_account),
        Err(OAuthError::Config { .. })
    ));
    let mut public = OAuthConfig::public(CLIENT_ID);
    public.account_id = Some("acc-9".into());
    assert!(matches!(
        server_to_server_request(&public),
        Err(OAuthError::Config { .. })
    ));
    assert!(matches!(
        client_credentials_request(&public),
        Err(OAuthError::Config { .. })
    ));
}

#[test]
fn oauth_base_is_overridable_for_the_mock_server() {
    let config = s2s().with_oauth_base("http://127.0.0.1:8080/");
    let req = server_to_server_request(&config).unwrap();
    assert_eq!(req.uri(), "http://127.0.0.1:8080/oauth/token");
}

#[test]
fn authorize_url_with_pkce_and_state() {
    let auth = AuthorizationRequest::new(&code_app(), &mut Counting(0)).unwrap();
    // python3: b=lambda x: base64.urlsafe_b64encode(x).decode().rstrip("=")
    //   state = b(bytes(range(0,16))), verifier = b(bytes(range(16,48))),
    //   challenge = b(sha256(verifier)), url = urlencode([...])
    assert_eq!(auth.state.expose(), "AAECAwQFBgcICQoLDA0ODw");
    assert_eq!(
        auth.code_verifier.expose(),
        "EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8"
    );
    assert_eq!(
        auth.url,
        "https://zoom.us/oauth/authorize?response_type=code&client_id=cid-123\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&state=AAECAwQFBgcICQoLDA0ODw\
         &code_challenge=bIeEEJ0ry7gh7qIC3JSmluTwY9ojq4Xh5mey_Zok5bg&code_challenge_method=S256"
    );
}

#[test]
fn os_random_gives_distinct_states() {
    let a = AuthorizationRequest::new(&code_app(), &mut OsRandom).unwrap();
    let b = AuthorizationRequest::new(&code_app(), &mut OsRandom).unwrap();
    assert_ne!(a.state, b.state);
    assert_ne!(a.code_verifier, b.code_verifier);
    assert_eq!(a.code_verifier.expose().len(), 43);
}

#[test]
fn authorize_needs_redirect_uri() {
    let err =
        AuthorizationRequest::new(&OAuthConfig::public(CLIENT_ID), &mut Counting(0)).unwrap_err();
    assert!(matches!(err, OAuthError::Config { .. }));
}

#[test]
fn callback_state_is_checked() {
    let state = Secret::new("AAECAwQFBgcICQoLDA0ODw");
    let code = parse_callback(
        "https://app.example/cb?x=1&code=abc%2Fdef&state=AAECAwQFBgcICQoLDA0ODw",
        &state,
    )
    .unwrap();
    assert_eq!(code.expose(), "abc/def");
    // Query string alone works too.
    let code = parse_callback("code=c1&state=AAECAwQFBgcICQoLDA0ODw", &state).unwrap();
    assert_eq!(code.expose(), "c1");

    assert_eq!(
        parse_callback("code=c1&state=AAECAwQFBgcICQoLDA0ODx", &state),
        Err(OAuthError::StateMismatch)
    );
    assert_eq!(
        parse_callback("code=c1&state=", &state),
        Err(OAuthError::StateMismatch)
    );
    assert!(matches!(
        parse_callback("code=c1", &state),
        Err(OAuthError::MalformedCallback { .. })
    ));
    assert!(matches!(
        parse_callback("state=AAECAwQFBgcICQoLDA0ODw", &state),
        Err(OAuthError::MalformedCallback { .. })
    ));
    // An empty expected state never matches (no "both empty" bypass).
    assert_eq!(
        parse_callback("code=c1&state=", &Secret::new("")),
        Err(OAuthError::StateMismatch)
    );
    // The user refused: typed, but only after the state matched.
    let denied = parse_callback(
        "error=access_denied&error_description=User+said+no&state=AAECAwQFBgcICQoLDA0ODw",
        &state,
    )
    .unwrap_err();
    assert_eq!(
        denied,
        OAuthError::AuthorizationFailed {
            kind: OAuthErrorKind::AccessDenied,
            description: Some("User said no".into()),
        }
    );
}

#[test]
fn code_exchange_request_bytes() {
    let req = code_exchange_request(
        &code_app(),
        &Secret::new("the code/1"),
        &Secret::new("EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8"),
    )
    .unwrap();
    assert_eq!(req.uri(), "https://zoom.us/oauth/token");
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert_eq!(
        body(&req),
        "grant_type=authorization_code&code=the+code%2F1\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1\
         &code_verifier=EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8"
    );
}

#[test]
fn public_pkce_client_sends_client_id_in_body_and_no_basic() {
    let config = OAuthConfig::public(CLIENT_ID).with_redirect_uri("https://app.example/cb");
    let req = code_exchange_request(&config, &Secret::new("c"), &Secret::new("verifier")).unwrap();
    assert_eq!(header(&req, "authorization"), None);
    assert_eq!(
        body(&req),
        "grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
         &code_verifier=verifier&client_id=cid-123"
    );
    let refresh = refresh_request(&config, &Secret::new("r1")).unwrap();
    assert_eq!(
        body(&refresh),
        "grant_type=refresh_token&refresh_token=r1&client_id=cid-123"
    );
}

#[test]
fn refresh_revoke_client_credentials_and_device_requests() {
    let config = code_app();
    let req = refresh_request(&config, &Secret::new("rt+/=")).unwrap();
    assert_eq!(req.uri(), "https://zoom.us/oauth/token");
    assert_eq!(
        body(&req),
        "grant_type=refresh_token&refresh_token=rt%2B%2F%3D"
    );
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert!(matches!(
        refresh_request(&config, &Secret::new("")),
        Err(OAuthError::CannotRenew { .. })
    ));

    let req = revoke_request(&config, &Secret::new("at-1")).unwrap();
    assert_eq!(req.method(), http::Method::POST);
    assert_eq!(req.uri(), "https://zoom.us/oauth/revoke");
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert_eq!(body(&req), "token=at-1");

    let req = client_credentials_request(&config).unwrap();
    assert_eq!(body(&req), "grant_type=client_credentials");
    assert_eq!(header(&req, "authorization"), Some(BASIC));

    let req = device_authorization_request(&config).unwrap();
    assert_eq!(req.uri(), "https://zoom.us/oauth/devicecode");
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert_eq!(body(&req), "");
}

// ---- response parsing ---------------------------------------------------

#[test]
fn token_response_parses_with_regional_api_url() {
    let resp = response(
        200,
        r#"{"access_token":"at-1","token_type":"bearer","expires_in":3599,
            "scope":"phone:read:admin phone:write:admin","api_url":"https://api-eu.zoom.us/"}"#,
    );
    let tokens = parse_token_response(&resp, t(1_000)).unwrap();
    assert_eq!(tokens.access_token.expose(), "at-1");
    assert_eq!(tokens.refresh_token, None);
    assert_eq!(tokens.expires_at, Some(t(4_599)));
    assert_eq!(tokens.scopes, ["phone:read:admin", "phone:write:admin"]);
    assert_eq!(tokens.api_url.as_deref(), Some("https://api-eu.zoom.us"));
    assert_eq!(tokens.api_base_url(), "https://api-eu.zoom.us/v2");
    assert_eq!(tokens.authorization().expose(), "Bearer at-1");

    let plain = parse_token_response(&response(200, r#"{"access_token":"a"}"#), t(0)).unwrap();
    assert_eq!(plain.api_base_url(), "https://api.zoom.us/v2");
    assert_eq!(plain.expires_at, None);
}

#[test]
fn zoom_style_error_body_keeps_reason_and_status() {
    let resp = response(
        401,
        r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
    );
    let err = parse_token_response(&resp, t(0)).unwrap_err();
    assert_eq!(
        err,
        OAuthError::Refused {
            kind: OAuthErrorKind::InvalidClient,
            status: 401,
            reason: Some("Invalid client_id or client_secret".into()),
            description: None,
            origin: Default::default(),
        }
    );
    assert!(err.to_string().contains("invalid_client"));
    assert!(
        err.to_string()
            .contains("Invalid client_id or client_secret")
    );
}

#[test]
fn rfc6749_error_bodies_map_to_kinds() {
    let cases = [
        ("invalid_grant", OAuthErrorKind::InvalidGrant),
        ("invalid_request", OAuthErrorKind::InvalidRequest),
        ("unauthorized_client", OAuthErrorKind::UnauthorizedClient),
        (
            "unsupported_grant_type",
            OAuthErrorKind::UnsupportedGrantType,
        ),
        ("access_denied", OAuthErrorKind::AccessDenied),
        (
            "authorization_pending",
            OAuthErrorKind::AuthorizationPending,
        ),
        ("slow_down", OAuthErrorKind::SlowDown),
        ("expired_token", OAuthErrorKind::ExpiredToken),
        ("brand_new", OAuthErrorKind::Other("brand_new".into())),
    ];
    for (code, kind) in cases {
        let body = format!(r#"{{"error":"{code}","error_description":"why {code}"}}"#);
        let err = parse_token_response(&response(400, &body), t(0)).unwrap_err();
        match err {
            OAuthError::Refused {
                kind: k,
                status,
                description,
                ..
            } => {
                assert_eq!(k, kind);
                assert_eq!(status, 400);
                assert_eq!(description, Some(format!("why {code}")));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // An error object on a 200 is still an error.
    let err = parse_token_response(&response(200, r#"{"error":"invalid_grant"}"#), t(0));
    assert_eq!(err.unwrap_err().kind(), Some(&OAuthErrorKind::InvalidGrant));
}

#[test]
fn non_json_error_bodies_keep_a_bounded_snippet() {
    let err = parse_token_response(&response(502, "<html>Bad Gateway</html>"), t(0)).unwrap_err();
    assert_eq!(
        err,
        OAuthError::UnexpectedResponse {
            status: 502,
            snippet: "<html>Bad Gateway</html>".into(),
            origin: Default::default(),
        }
    );
    let long = "é".repeat(5_000);
    match parse_token_response(&response(500, &long), t(0)).unwrap_err() {
        OAuthError::UnexpectedResponse { snippet, .. } => {
            assert!(snippet.chars().count() <= 201, "{}", snippet.len());
            assert!(snippet.ends_with('…'));
        }
        other => panic!("{other:?}"),
    }
    // A JSON error without an OAuth `error` (Zoom's {code, message}) is unexpected too.
    assert!(matches!(
        parse_token_response(&response(400, r#"{"code":124,"message":"x"}"#), t(0)),
        Err(OAuthError::UnexpectedResponse { status: 400, .. })
    ));
}

#[test]
fn success_bodies_never_end_up_in_errors() {
    // A 2xx body that is not JSON might carry tokens in another format.
    let err = parse_token_response(&response(200, "access_token=at-SECRET&x=1"), t(0)).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("at-SECRET"));
    let err =
        parse_token_response(&response(200, r#"{"refresh_token":"rt-SECRET"}"#), t(0)).unwrap_err();
    assert_eq!(
        err,
        OAuthError::MissingField {
            field: "access_token"
        }
    );
    let err = parse_token_response(
        &response(200, r#"{"access_token":"at-SECRET","expires_in":"soon"}"#),
        t(0),
    )
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("at-SECRET"));
}

#[test]
fn refresh_rotation_replaces_or_keeps_the_refresh_token() {
    let old = Secret::new("rt-old");
    let rotated = parse_refresh_response(
        &response(
            200,
            r#"{"access_token":"a2","refresh_token":"rt-new","expires_in":3600}"#,
        ),
        Some(&old),
        t(0),
    )
    .unwrap();
    assert_eq!(rotated.refresh_token, Some(Secret::new("rt-new")));
    let kept = parse_refresh_response(
        &response(200, r#"{"access_token":"a2","expires_in":3600}"#),
        Some(&old),
        t(0),
    )
    .unwrap();
    assert_eq!(kept.refresh_token, Some(old));
}

#[test]
fn revoke_response() {
    assert_eq!(
        parse_revoke_response(&response(200, r#"{"status":"success"}"#)),
        Ok(())
    );
    assert_eq!(parse_revoke_response(&response(200, "")), Ok(()));
    assert_eq!(
        parse_revoke_response(&response(
            400,
            r#"{"reason":"Invalid Token!","error":"invalid_request"}"#
        ))
        .unwrap_err()
        .kind(),
        Some(&OAuthErrorKind::InvalidRequest)
    );
}

#[test]
fn token_set_store_round_trip() {
    let tokens = TokenSet::new("at", Some(Timestamp::from_millis(1_234_567)))
        .with_refresh_token("rt")
        .with_scopes(["a", "b"])
        .with_api_url("https://api-au.zoom.us");
    let bytes = tokens.to_store_json();
    assert_eq!(TokenSet::from_store_json(&bytes).unwrap(), tokens);
    assert!(TokenSet::from_store_json(b"{}").is_err());
    assert!(TokenSet::from_store_json(b"garbage").is_err());
}

// ---- device authorization ------------------------------------------------

fn device_flow(interval: Option<u64>, expires_in: u64) -> DeviceFlow {
    let interval = interval.map_or(String::new(), |i| format!(r#","interval":{i}"#));
    let body = format!(
        r#"{{"device_code":"dc-SECRET","user_code":"ABCD-EFGH",
            "verification_uri":"https://zoom.us/oauth_device","expires_in":{expires_in}{interval}}}"#
    );
    DeviceFlow::start(&code_app(), &response(200, &body), t(1_000)).unwrap()
}

fn send(step: DeviceStep) -> http::Request<Vec<u8>> {
    match step {
        DeviceStep::Send(req) => req,
        other => panic!("expected Send, got {other:?}"),
    }
}

#[test]
fn device_flow_polls_with_interval_slow_down_and_success() {
    let mut flow = device_flow(Some(5), 900);
    assert_eq!(flow.prompt().user_code, "ABCD-EFGH");
    assert_eq!(flow.prompt().expires_at, t(1_900));

    // Not before the first interval.
    assert!(matches!(flow.poll(t(1_000)), DeviceStep::WaitUntil(w) if w == t(1_005)));
    let req = send(flow.poll(t(1_005)));
    assert_eq!(req.uri(), "https://zoom.us/oauth/token");
    assert_eq!(header(&req, "authorization"), Some(BASIC));
    assert_eq!(
        body(&req),
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc-SECRET"
    );

    flow.receive(
        &response(400, r#"{"error":"authorization_pending"}"#),
        t(1_006),
    );
    assert!(matches!(flow.poll(t(1_008)), DeviceStep::WaitUntil(w) if w == t(1_011)));
    send(flow.poll(t(1_011)));

    flow.receive(&response(400, r#"{"error":"slow_down"}"#), t(1_011));
    assert_eq!(flow.interval(), Duration::from_secs(10));
    assert!(matches!(flow.poll(t(1_015)), DeviceStep::WaitUntil(w) if w == t(1_021)));
    send(flow.poll(t(1_021)));

    flow.receive(
        &response(
            200,
            r#"{"access_token":"at","refresh_token":"rt","expires_in":3600}"#,
        ),
        t(1_022),
    );
    match flow.poll(t(1_030)) {
        DeviceStep::Done(Ok(tokens)) => {
            assert_eq!(tokens.access_token.expose(), "at");
            assert_eq!(tokens.expires_at, Some(t(4_622)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn device_flow_default_interval_and_terminal_errors() {
    let mut flow = device_flow(None, 900);
    assert!(matches!(flow.poll(t(1_000)), DeviceStep::WaitUntil(w) if w == t(1_005)));

    for (code, kind) in [
        ("expired_token", OAuthErrorKind::ExpiredToken),
        ("access_denied", OAuthErrorKind::AccessDenied),
    ] {
        let mut flow = device_flow(Some(5), 900);
        send(flow.poll(t(1_005)));
        flow.receive(
            &response(400, &format!(r#"{{"error":"{code}"}}"#)),
            t(1_006),
        );
        match flow.poll(t(1_100)) {
            DeviceStep::Done(Err(err)) => assert_eq!(err.kind(), Some(&kind)),
            other => panic!("{code}: {other:?}"),
        }
        // Done stays done.
        assert!(matches!(flow.poll(t(1_200)), DeviceStep::Done(Err(_))));
    }
}

#[test]
fn device_flow_expires_locally() {
    let mut flow = device_flow(Some(5), 10);
    send(flow.poll(t(1_005)));
    flow.receive(
        &response(400, r#"{"error":"authorization_pending"}"#),
        t(1_006),
    );
    assert!(matches!(
        flow.poll(t(1_010)),
        DeviceStep::Done(Err(OAuthError::DeviceCodeExpired))
    ));
}

#[test]
fn device_start_rejects_incomplete_answers() {
    let err = DeviceFlow::start(
        &code_app(),
        &response(200, r#"{"user_code":"X","verification_uri":"u"}"#),
        t(0),
    )
    .unwrap_err();
    assert_eq!(
        err,
        OAuthError::MissingField {
            field: "device_code"
        }
    );
    let err = DeviceFlow::start(
        &code_app(),
        &response(
            401,
            r#"{"reason":"Invalid client","error":"invalid_client"}"#,
        ),
        t(0),
    )
    .unwrap_err();
    assert_eq!(err.kind(), Some(&OAuthErrorKind::InvalidClient));
}

// ---- lifecycle -----------------------------------------------------------

fn s2s_lifecycle() -> TokenLifecycle {
    TokenLifecycle::new(
        TokenSource::ServerToServer(s2s()),
        LifecycleSettings::default(),
    )
}

fn ok_token(access: &str) -> http::Response<Vec<u8>> {
    response(
        200,
        &format!(r#"{{"access_token":"{access}","token_type":"bearer","expires_in":3600}}"#),
    )
}

fn renew(access: Access) -> (RenewalId, Option<http::Request<Vec<u8>>>) {
    match access {
        Access::Renew(r) => (
            r.attempt,
            match r.action {
                RenewalAction::Send(req) => Some(*req),
                RenewalAction::External | RenewalAction::Reload => None,
            },
        ),
        other => panic!("expected Renew, got {other:?}"),
    }
}

fn ready(access: Access) -> (String, Generation) {
    match access {
        Access::Ready(token) => (token.authorization.expose().to_owned(), token.generation),
        other => panic!("expected Ready, got {other:?}"),
    }
}

#[test]
fn lifecycle_renews_within_the_skew() {
    let mut lc = s2s_lifecycle();
    lc.install(token_set("at-1", None, Some(t(3_600))));
    // Fresh until 60 s before expiry.
    assert_eq!(ready(lc.acquire(t(3_539), None)).0, "Bearer at-1");
    let (attempt, req) = renew(lc.acquire(t(3_580), None));
    assert_eq!(
        body(req.as_ref().unwrap()),
        "grant_type=account_credentials&account_id=acc-9"
    );
    // While that renewal runs, the old token still works until it expires...
    assert_eq!(ready(lc.acquire(t(3_590), None)).0, "Bearer at-1");
    // ...and after expiry, callers wait for the renewal (at most until its timeout).
    assert!(matches!(
        lc.acquire(t(3_600), None),
        Access::Wait { attempt: a, until } if a == attempt && until == t(3_610)
    ));
    let persist = lc
        .complete(attempt, &ok_token("at-2"), t(3_601))
        .unwrap()
        .unwrap();
    assert_eq!(persist.0.access_token.expose(), "at-2");
    assert_eq!(persist.0.expires_at, Some(t(7_201)));
    assert_eq!(ready(lc.acquire(t(3_602), Some(attempt))).0, "Bearer at-2");
}

#[test]
fn lifecycle_single_flight_with_many_waiters() {
    let mut lc = s2s_lifecycle();
    let (attempt, _) = renew(lc.acquire(t(0), None));
    for i in 0..50 {
        match lc.acquire(t(1), None) {
            Access::Wait { attempt: a, .. } => assert_eq!(a, attempt),
            other => panic!("caller {i} was not told to wait: {other:?}"),
        }
    }
    let persist = lc.complete(attempt, &ok_token("at-1"), t(2)).unwrap();
    assert!(persist.is_some());
    let generations: Vec<Generation> = (0..50)
        .map(|_| ready(lc.acquire(t(3), Some(attempt))).1)
        .collect();
    assert!(generations.iter().all(|g| *g == generations[0]));
}

#[test]
fn lifecycle_failure_reaches_every_waiter() {
    let mut lc = s2s_lifecycle();
    let (attempt, _) = renew(lc.acquire(t(0), None));
    let waiters: Vec<RenewalId> = (0..10)
        .map(|_| match lc.acquire(t(1), None) {
            Access::Wait { attempt, .. } => attempt,
            other => panic!("{other:?}"),
        })
        .collect();
    let err = lc
        .complete(
            attempt,
            &response(
                401,
                r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            ),
            t(2),
        )
        .unwrap_err();
    assert_eq!(err.kind(), Some(&OAuthErrorKind::InvalidClient));
    for w in waiters {
        match lc.acquire(t(3), Some(w)) {
            Access::Failed(e) => assert_eq!(e.to_string(), err.to_string()),
            other => panic!("{other:?}"),
        }
    }
    // A new caller (no ticket) starts a fresh attempt rather than inheriting the failure.
    let (next, _) = renew(lc.acquire(t(4), None));
    assert_ne!(next, attempt);
    // A transport failure reported by the renewer propagates the same way.
    let waiter = match lc.acquire(t(5), None) {
        Access::Wait { attempt, .. } => attempt,
        other => panic!("{other:?}"),
    };
    lc.fail(
        next,
        OAuthError::RenewalFailed {
            message: "connection reset".into(),
            cause: None,
        },
    );
    assert!(matches!(
        lc.acquire(t(6), Some(waiter)),
        Access::Failed(zoom_phone::Error::OAuth(OAuthError::RenewalFailed { .. }))
    ));
}

#[test]
fn lifecycle_code_124_renews_once_then_fails() {
    let mut lc = s2s_lifecycle();
    let first = lc.install(token_set("at-1", None, Some(t(3_600))));
    assert_eq!(ready(lc.acquire(t(10), None)).1, first);

    // Zoom says 124 although the token is not expired: renew once.
    assert_eq!(lc.rejected(first), Rejection::Retry);
    let (attempt, req) = renew(lc.acquire(t(11), None));
    assert!(req.is_some());
    // Concurrent calls that also got 124 on the same token start nothing new.
    assert_eq!(lc.rejected(first), Rejection::Retry);
    assert!(matches!(lc.acquire(t(11), None), Access::Wait { .. }));

    let _ = lc.complete(attempt, &ok_token("at-2"), t(12)).unwrap();
    let (auth, second) = ready(lc.acquire(t(13), Some(attempt)));
    assert_eq!(auth, "Bearer at-2");
    assert_ne!(second, first);
    // A late 124 for the old token does not touch the new one.
    assert_eq!(lc.rejected(first), Rejection::Retry);
    assert_eq!(ready(lc.acquire(t(14), None)).1, second);

    // 124 again on the freshly renewed token: fail, no loop.
    assert_eq!(
        lc.rejected(second),
        Rejection::Fail(OAuthError::TokenRejected)
    );
}

#[test]
fn lifecycle_forced_renewal_survives_a_lost_renewer() {
    let mut lc = s2s_lifecycle();
    let first = lc.install(token_set("at-1", None, Some(t(3_600))));
    assert_eq!(lc.rejected(first), Rejection::Retry);
    let (lost, _) = renew(lc.acquire(t(10), None));
    // The renewer never reports back; after the 30 s timeout another caller takes over.
    let (taken_over, _) = renew(lc.acquire(t(40), None));
    assert_ne!(lost, taken_over);
    let _ = lc.complete(taken_over, &ok_token("at-2"), t(41)).unwrap();
    let (_, second) = ready(lc.acquire(t(42), None));
    // The new token came from a 124-forced renewal: a 124 on it is final.
    assert_eq!(
        lc.rejected(second),
        Rejection::Fail(OAuthError::TokenRejected)
    );
}

#[test]
fn lifecycle_refresh_source_rotates_and_keeps() {
    let mut lc = TokenLifecycle::new(
        TokenSource::RefreshToken(code_app()),
        LifecycleSettings::default(),
    );
    lc.install(token_set("at-1", Some("rt-1"), Some(t(100))));
    let (attempt, req) = renew(lc.acquire(t(50), None));
    assert_eq!(
        body(req.as_ref().unwrap()),
        "grant_type=refresh_token&refresh_token=rt-1"
    );
    let persist = lc
        .complete(
            attempt,
            &response(
                200,
                r#"{"access_token":"at-2","refresh_token":"rt-2","expires_in":3600}"#,
            ),
            t(51),
        )
        .unwrap()
        .unwrap();
    assert_eq!(persist.0.refresh_token, Some(Secret::new("rt-2")));

    // Next renewal uses the rotated token; Zoom sends none back: keep rt-2.
    let (attempt, req) = renew(lc.acquire(t(3_600), None));
    assert_eq!(
        body(req.as_ref().unwrap()),
        "grant_type=refresh_token&refresh_token=rt-2"
    );
    let persist = lc
        .complete(attempt, &ok_token("at-3"), t(3_601))
        .unwrap()
        .unwrap();
    assert_eq!(persist.0.refresh_token, Some(Secret::new("rt-2")));
    assert_eq!(lc.tokens().unwrap().access_token.expose(), "at-3");
}

#[test]
fn lifecycle_without_a_way_to_renew_fails_clearly() {
    let mut lc = TokenLifecycle::new(
        TokenSource::RefreshToken(code_app()),
        LifecycleSettings::default(),
    );
    assert!(matches!(
        lc.acquire(t(0), None),
        Access::Failed(zoom_phone::Error::OAuth(OAuthError::CannotRenew { .. }))
    ));
    let mut fixed = TokenLifecycle::new(TokenSource::Fixed, LifecycleSettings::default());
    fixed.install(token_set("at", None, Some(t(100))));
    assert_eq!(ready(fixed.acquire(t(0), None)).0, "Bearer at");
    assert!(matches!(
        fixed.acquire(t(100), None),
        Access::Failed(zoom_phone::Error::OAuth(OAuthError::CannotRenew { .. }))
    ));
}

#[test]
fn lifecycle_external_source_and_lost_renewer() {
    let mut settings = LifecycleSettings::default();
    settings.refresh_skew = Duration::from_secs(0);
    settings.renewal_timeout = Duration::from_secs(30);
    let mut lc = TokenLifecycle::new(TokenSource::External, settings);
    let (lost, req) = renew(lc.acquire(t(0), None));
    assert!(req.is_none(), "an external source renews without HTTP");
    let waiting = match lc.acquire(t(10), None) {
        Access::Wait { attempt, until } => {
            assert_eq!(until, t(30));
            attempt
        }
        other => panic!("{other:?}"),
    };
    // The renewer vanished: after the timeout the waiter takes over.
    let (taken_over, _) = renew(lc.acquire(t(30), Some(waiting)));
    assert_ne!(taken_over, lost);
    let persist = lc
        .complete_external(
            taken_over,
            Ok(token_set("ext-1", None, Some(t(500)))),
            t(31),
        )
        .unwrap();
    assert!(persist.is_some());
    // The lost renewer finally answers: older than what is installed, ignored.
    let late = lc
        .complete_external(lost, Ok(token_set("ext-0", None, Some(t(400)))), t(32))
        .unwrap();
    assert_eq!(late, None);
    assert_eq!(ready(lc.acquire(t(33), None)).0, "Bearer ext-1");
}

// ---- secret hygiene ------------------------------------------------------

/// Every OAuth error path, fed with recognisable secrets: none of them may
/// show up in any Debug or Display output.
#[test]
fn no_secret_in_any_oauth_output() {
    let secrets = [
        "csecret-XYZ",
        "rt-SECRET",
        "at-SECRET",
        "dc-SECRET",
        "verifier-SECRET",
        "state-SECRET",
        "code-SECRET",
        "AAECAwQFBgcICQoLDA0ODw",
        "EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8",
    ];
    let mut outputs: Vec<String> = Vec::new();
    let mut record = |label: &str, debug: String, display: String| {
        outputs.push(format!("{label}: {debug} / {display}"));
    };

    let mut config = code_app();
    config.client_secret = Some(Secret::new("csecret-XYZ"));
    record("config", format!("{config:?}"), String::new());
    let mut no_account = config.clone();
    no_account.account_id = None;
    let err = server_to_server_request(&no_account).unwrap_err();
    record("s2s", format!("{err:?}"), err.to_string());

    let state = Secret::new("state-SECRET");
    for callback in [
        "code=code-SECRET&state=state-SECRX",
        "code=code-SECRET",
        "state=state-SECRET",
        "error=access_denied&state=state-SECRET",
    ] {
        let err = parse_callback(callback, &state).unwrap_err();
        record("callback", format!("{err:?}"), err.to_string());
    }
    let pending = AuthorizationRequest::new(&code_app(), &mut Counting(0)).unwrap();
    // The state and verifier the fake random source produces (see authorize_url_with_pkce_and_state).
    record("pending", format!("{pending:?}"), String::new());
    assert!(format!("{pending:?}").contains("https://zoom.us/oauth/authorize"));

    for (status, body) in [
        (200, r#"{"refresh_token":"rt-SECRET"}"#),
        (200, r#"{"access_token":"at-SECRET","expires_in":"x"}"#),
        (200, "access_token=at-SECRET"),
        (
            400,
            r#"{"error":"invalid_grant","reason":"Invalid Token!"}"#,
        ),
        (500, "oops"),
    ] {
        let err = parse_token_response(&response(status, body), t(0)).unwrap_err();
        record("token", format!("{err:?}"), err.to_string());
    }
    let tokens = parse_refresh_response(
        &response(
            200,
            r#"{"access_token":"at-SECRET","refresh_token":"rt-SECRET"}"#,
        ),
        None,
        t(0),
    )
    .unwrap();
    record("tokens", format!("{tokens:?}"), String::new());

    let mut flow = device_flow(Some(5), 10);
    record("device", format!("{flow:?}"), String::new());
    let _ = flow.poll(t(1_005));
    flow.receive(&response(400, r#"{"error":"expired_token"}"#), t(1_006));
    if let DeviceStep::Done(result) = flow.poll(t(1_007)) {
        let err = result.unwrap_err();
        record("device-err", format!("{err:?}"), err.to_string());
    }

    let mut lc = TokenLifecycle::new(
        TokenSource::RefreshToken(config),
        LifecycleSettings::default(),
    );
    lc.install(token_set("at-SECRET", Some("rt-SECRET"), Some(t(100))));
    record("lifecycle", format!("{lc:?}"), String::new());
    let access = lc.acquire(t(0), None);
    if let Access::Ready(token) = &access {
        record("access", format!("{token:?}"), String::new());
    }
    let (attempt, _) = renew(lc.acquire(t(100), None));
    let err = lc
        .complete(
            attempt,
            &response(400, r#"{"error":"invalid_grant"}"#),
            t(101),
        )
        .unwrap_err();
    record("lifecycle-err", format!("{err:?} {lc:?}"), err.to_string());
    assert_eq!(lc.rejected(Generation(1)), Rejection::Retry);
    let zoom_error = zoom_phone::Error::from(OAuthError::TokenRejected);
    record("error", format!("{zoom_error:?}"), zoom_error.to_string());

    assert!(outputs.len() >= 15, "not every path was exercised");
    for output in &outputs {
        for secret in secrets {
            assert!(!output.contains(secret), "`{secret}` leaked in {output}");
        }
    }
}

#[test]
fn lifecycle_short_lived_tokens_are_used_not_refetched_in_a_loop() {
    // Tokens living 30 s, shorter than the 60 s default refresh skew: each
    // must serve calls for a while instead of being stale on arrival.
    let mut lc = TokenLifecycle::new(
        TokenSource::ServerToServer(s2s()),
        LifecycleSettings::default(),
    );
    let (attempt, _) = renew(lc.acquire(t(0), None));
    lc.complete(
        attempt,
        &response(200, r#"{"access_token":"at-1","expires_in":30}"#),
        t(1),
    )
    .unwrap();
    for now in [1, 5, 10, 15] {
        assert!(
            matches!(lc.acquire(t(now), None), Access::Ready(_)),
            "at {now} s"
        );
    }
    // Past half its life it is renewed, and the new one serves again.
    let (attempt, _) = renew(lc.acquire(t(17), None));
    lc.complete(
        attempt,
        &response(200, r#"{"access_token":"at-2","expires_in":30}"#),
        t(17),
    )
    .unwrap();
    assert!(matches!(lc.acquire(t(18), None), Access::Ready(_)));
    assert_eq!(lc.tokens().unwrap().access_token.expose(), "at-2");
}
