//! Sessions sharing one token store while Zoom rotates refresh tokens: the
//! driver's side in a deterministic simulation (a fake Zoom that rotates,
//! a plain shared store, no sockets). The Rust clients against the mock
//! (two clients in one process, two OS processes on one file) are in
//! `clients/tests/it/shared_store.rs`.

use std::time::Duration;

use http::Response;
use serde_json::json;
use zoom_phone::auth::{OAuthError, TokenSet};
use zoom_phone::config::{Credentials, HostConfig, StoreMode};
use zoom_phone::driver::{Action, CallOptions, CallRequest, Outcome, Session};
use zoom_phone::{Error, Secret, Timestamp};

const T0: u64 = 1_700_000_000_000;

fn at(secs: u64) -> Timestamp {
    Timestamp::from_millis(T0 + secs * 1000)
}

/// A fake Zoom: one live access token and one live refresh token; a refresh
/// rotates both. Counts refreshes and those sent with a dead token.
struct Zoom {
    access: String,
    refresh: String,
    issued: u32,
    refreshes: Vec<String>,
    dead_refreshes: u32,
}

impl Zoom {
    fn new() -> Self {
        Zoom {
            access: "at-0".into(),
            refresh: "rt-0".into(),
            issued: 0,
            refreshes: Vec::new(),
            dead_refreshes: 0,
        }
    }

    fn answer(&mut self, request: &http::Request<Vec<u8>>) -> Response<Vec<u8>> {
        if request.uri().path().ends_with("/oauth/token") {
            let body = String::from_utf8_lossy(request.body()).into_owned();
            let sent = form_urlencoded::parse(body.as_bytes())
                .find(|(k, _)| k == "refresh_token")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            self.refreshes.push(sent.clone());
            if sent != self.refresh {
                self.dead_refreshes += 1;
                return response(
                    400,
                    r#"{"error":"invalid_grant","reason":"Invalid Token!"}"#,
                );
            }
            self.rotate();
            let body = json!({
                "access_token": self.access, "refresh_token": self.refresh,
                "token_type": "bearer", "expires_in": 3600,
            });
            return response(200, &body.to_string());
        }
        let auth = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if auth == format!("Bearer {}", self.access) {
            response(200, r#"{"users":[],"next_page_token":""}"#)
        } else {
            response(401, r#"{"code":124,"message":"Invalid access token."}"#)
        }
    }

    /// What another client's refresh does: new tokens, the old ones dead.
    fn rotate(&mut self) {
        self.issued += 1;
        self.access = format!("at-{}", self.issued);
        self.refresh = format!("rt-{}", self.issued);
    }

    fn tokens(&self, expires_at: Timestamp) -> TokenSet {
        tokens(&self.access, &self.refresh, expires_at)
    }
}

fn tokens(access: &str, refresh: &str, expires_at: Timestamp) -> TokenSet {
    TokenSet::new(access, Some(expires_at)).with_refresh_token(refresh)
}

fn response(status: u16, body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn session(start: TokenSet, store: StoreMode) -> Session {
    let mut config = HostConfig::new(Credentials::UserTokens {
        client_id: "cid".into(),
        client_secret: Some(Secret::new("secret")),
        tokens: start,
    });
    config.token_store = store;
    Session::new(config).unwrap()
}

/// Runs one call to the end against `zoom` with `store` as the shared store
/// (taken and released as the session says). Returns the result and how
/// many times the store was read.
fn run(
    s: &mut Session,
    zoom: &mut Zoom,
    store: &mut Option<TokenSet>,
    now: Timestamp,
) -> (Result<(), Error>, u32) {
    let (id, mut step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), now);
    let mut reads = 0;
    let mut locked = false;
    for _ in 0..20 {
        let outcome = match step.action {
            Action::Send(send) => {
                // Only the token request goes out under the lock.
                assert!(!locked || send.detached);
                Outcome::Response(zoom.answer(&send.request))
            }
            Action::LockStore { .. } => {
                assert!(!locked);
                locked = true;
                Outcome::Locked
            }
            Action::ReadStore { .. } => {
                reads += 1;
                Outcome::Stored(store.clone())
            }
            Action::WriteStore { tokens, .. } => {
                *store = Some(tokens);
                Outcome::Written
            }
            Action::UnlockStore => {
                assert!(locked);
                locked = false;
                Outcome::Unlocked
            }
            Action::Done(result) => {
                assert!(!locked, "the lock is released before the call ends");
                return (result.map(|_| ()), reads);
            }
            other => panic!("unexpected {other:?}"),
        };
        step = s.handle(id, outcome, now);
    }
    panic!("the call did not end");
}

fn is_reauthorization(result: &Result<(), Error>) -> bool {
    matches!(
        result,
        Err(Error::OAuth(OAuthError::ReauthorizationRequired { .. }))
    )
}

#[test]
fn a_session_adopts_the_token_another_session_stored_instead_of_refreshing() {
    let mut zoom = Zoom::new();
    let start = zoom.tokens(at(100));
    let mut store = Some(start.clone());
    let mut a = session(start.clone(), StoreMode::Shared);
    let mut b = session(start, StoreMode::Shared);
    // Both tokens ran out. A renews first (reading the store, which holds
    // what it already has), B afterwards finds A's new tokens there.
    let (ra, reads_a) = run(&mut a, &mut zoom, &mut store, at(200));
    assert!(ra.is_ok(), "{ra:?}");
    // The first read of the session, then the one under the lock.
    assert_eq!((reads_a, zoom.refreshes.len()), (2, 1));
    let (rb, reads_b) = run(&mut b, &mut zoom, &mut store, at(201));
    assert!(rb.is_ok(), "{rb:?}");
    assert_eq!(reads_b, 1, "B's first read finds A's fresh tokens");
    assert_eq!(zoom.refreshes.len(), 1, "B sent no refresh of its own");
    assert_eq!(b.tokens().unwrap().access_token.expose(), "at-1");
    // Over many rotations, alternately: never a dead refresh token.
    for round in 0..10u64 {
        let now = at(200 + (round + 1) * 4000);
        let (first, second) = if round % 2 == 0 {
            (&mut a, &mut b)
        } else {
            (&mut b, &mut a)
        };
        assert!(run(first, &mut zoom, &mut store, now).0.is_ok());
        assert!(run(second, &mut zoom, &mut store, now).0.is_ok());
    }
    assert_eq!(zoom.dead_refreshes, 0);
    assert_eq!(zoom.refreshes.len(), 11);
    let stored = store.unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose(), zoom.refresh);
}

#[test]
fn a_refused_refresh_rereads_the_store_and_retries_with_the_newer_token() {
    let mut zoom = Zoom::new();
    let start = zoom.tokens(at(100));
    let mut a = session(start.clone(), StoreMode::Shared);
    let now = at(200);
    let (id, step) = a.start(CallRequest::operation("listPhoneUsers", json!({})), now);
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = a.handle(id, Outcome::Stored(Some(start.clone())), now);
    assert!(matches!(step.action, Action::LockStore { .. }));
    let step = a.handle(id, Outcome::Locked, now);
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = a.handle(id, Outcome::Stored(Some(start)), now);
    let Action::Send(refresh) = step.action else {
        panic!("the refresh")
    };
    // Meanwhile a writer that takes no lock refreshed and saved.
    zoom.rotate();
    let stored = zoom.tokens(at(150));
    let refused = zoom.answer(&refresh.request);
    assert_eq!(refused.status(), 400);
    let step = a.handle(id, Outcome::Response(refused), now);
    assert!(
        matches!(step.action, Action::ReadStore { .. }),
        "an invalid_grant reads the store again"
    );
    let step = a.handle(id, Outcome::Stored(Some(stored)), now);
    let Action::Send(refresh) = step.action else {
        panic!("the refresh with the stored token")
    };
    assert!(String::from_utf8_lossy(refresh.request.body()).contains("refresh_token=rt-1"));
    let answer = zoom.answer(&refresh.request);
    let step = a.handle(id, Outcome::Response(answer), now);
    let Action::WriteStore { tokens: saved, .. } = step.action else {
        panic!("the rotated tokens are saved")
    };
    assert_eq!(saved.refresh_token.unwrap().expose(), "rt-2");
    let step = a.handle(id, Outcome::Written, now);
    assert!(matches!(step.action, Action::UnlockStore));
    let step = a.handle(id, Outcome::Unlocked, now);
    let Action::Send(api) = step.action else {
        panic!("the API call")
    };
    let answer = zoom.answer(&api.request);
    let step = a.handle(id, Outcome::Response(answer), now);
    assert!(matches!(step.action, Action::Done(Ok(_))));
}

#[test]
fn a_dead_refresh_token_is_never_sent_again_until_new_tokens_come() {
    for mode in [StoreMode::Shared, StoreMode::None] {
        let shared = mode == StoreMode::Shared;
        let mut zoom = Zoom::new();
        let start = zoom.tokens(at(100));
        zoom.rotate(); // rotated away by someone who did not save
        let mut store = Some(start.clone());
        let mut s = session(start, mode);
        let (first, _) = run(&mut s, &mut zoom, &mut store, at(200));
        assert!(is_reauthorization(&first), "{first:?}");
        let message = first.unwrap_err().to_string();
        assert!(message.contains("authorize"), "{message}");
        assert!(!message.contains("rt-0"), "no secret in {message}");
        assert_eq!(zoom.refreshes.len(), 1);
        // Later calls fail the same way without sending the dead token.
        for n in 0..3 {
            let (again, reads) = run(&mut s, &mut zoom, &mut store, at(300 + n));
            assert!(is_reauthorization(&again), "{again:?}");
            assert_eq!(reads, u32::from(shared), "the store is still checked");
        }
        assert_eq!(zoom.refreshes.len(), 1, "{mode:?}");
        // New tokens (the user authorized again) end it.
        let fresh = zoom.tokens(at(10_000));
        if shared {
            store = Some(fresh);
        } else {
            s.install_tokens(fresh);
        }
        let (ok, _) = run(&mut s, &mut zoom, &mut store, at(400));
        assert!(ok.is_ok(), "{mode:?}: {ok:?}");
    }
}

#[test]
fn a_store_read_failure_fails_the_call_and_releases_the_renewal() {
    let zoom = Zoom::new();
    let mut s = session(zoom.tokens(at(100)), StoreMode::Shared);
    let now = at(200);
    let (id, step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), now);
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = s.handle(id, Outcome::Stored(None), now);
    assert!(matches!(step.action, Action::LockStore { .. }));
    let step = s.handle(id, Outcome::Locked, now);
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = s.handle(id, Outcome::StoreFailed("disk on fire".into()), now);
    assert!(step.wake);
    assert!(
        matches!(step.action, Action::UnlockStore),
        "{:?}",
        step.action
    );
    let step = s.handle(id, Outcome::Unlocked, now);
    match step.action {
        Action::Done(Err(Error::TokenStore { message })) => assert_eq!(message, "disk on fire"),
        other => panic!("{other:?}"),
    }
    // The next call starts a new renewal instead of waiting for that one.
    let (_, step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), now);
    assert!(matches!(step.action, Action::LockStore { .. }));
}

#[test]
fn a_lock_held_elsewhere_is_tried_again_shortly_then_taken() {
    let zoom = Zoom::new();
    let mut s = session(zoom.tokens(at(100)), StoreMode::Shared);
    let now = at(200);
    let (id, step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), now);
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = s.handle(id, Outcome::Stored(None), now);
    assert!(matches!(step.action, Action::LockStore { .. }));
    // Another process holds the lock: the call waits (no store read
    // without it), then tries again.
    let step = s.handle(id, Outcome::LockBusy, now);
    match step.action {
        Action::Wait { until } => assert_eq!(until, now.saturating_add(Duration::from_millis(10))),
        other => panic!("{other:?}"),
    }
    let later = now.saturating_add(Duration::from_millis(10));
    let step = s.handle(id, Outcome::Woken, later);
    assert!(
        matches!(step.action, Action::LockStore { .. }),
        "{:?}",
        step.action
    );
    let step = s.handle(id, Outcome::Locked, later);
    assert!(
        matches!(step.action, Action::ReadStore { .. }),
        "{:?}",
        step.action
    );
}

#[test]
fn a_lock_held_past_the_deadline_ends_the_call_with_its_timeout() {
    let zoom = Zoom::new();
    let mut s = session(zoom.tokens(at(100)), StoreMode::Shared);
    let now = at(200);
    let options = CallOptions::default().timeout(Duration::from_millis(25));
    let request = CallRequest::operation("listPhoneUsers", json!({})).with_options(options);
    let (id, _) = s.start(request, now);
    let mut step = s.handle(id, Outcome::Stored(None), now);
    let mut t = now;
    let mut tries = 0;
    let result = loop {
        step = match step.action {
            Action::LockStore { expires_at } => {
                assert_eq!(
                    expires_at,
                    Some(now.saturating_add(Duration::from_millis(25)))
                );
                tries += 1;
                s.handle(id, Outcome::LockBusy, t)
            }
            Action::Wait { until } => {
                assert!(
                    until <= now.saturating_add(Duration::from_millis(25)),
                    "a wait past the deadline"
                );
                t = until;
                s.handle(id, Outcome::Woken, t)
            }
            Action::Done(result) => break result,
            other => panic!("{other:?}"),
        };
    };
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    // Tried at 0, 10 and 20 ms; the wait after that ends at the deadline.
    assert_eq!(tries, 3);
    // Nothing was held, so nothing is released; the next call starts its
    // own renewal instead of waiting for that one.
    let (_, step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), t);
    assert!(
        matches!(step.action, Action::LockStore { .. }),
        "{:?}",
        step.action
    );
}

#[test]
fn a_busy_lock_answered_after_the_deadline_ends_the_call_instead_of_a_wait_already_due() {
    // Found by the driver fuzz target: the host's lock attempt came back
    // busy only after the call's deadline, and the driver asked it to wait
    // until that deadline, which was already behind it.
    let zoom = Zoom::new();
    let mut s = session(zoom.tokens(at(100)), StoreMode::Shared);
    let now = at(200);
    let options = CallOptions::default().timeout(Duration::from_millis(25));
    let request = CallRequest::operation("listPhoneUsers", json!({})).with_options(options);
    let (id, _) = s.start(request, now);
    let step = s.handle(id, Outcome::Stored(None), now);
    assert!(matches!(step.action, Action::LockStore { .. }));
    let late = at(260);
    let step = s.handle(id, Outcome::LockBusy, late);
    match step.action {
        Action::Done(Err(Error::Timeout)) => {}
        other => panic!("{other:?}"),
    }
    // The renewal was given up: the next call starts its own.
    let (_, step) = s.start(CallRequest::operation("listPhoneUsers", json!({})), late);
    assert!(
        matches!(step.action, Action::LockStore { .. }),
        "{:?}",
        step.action
    );
}
