//! The call driver in a deterministic simulation: a scripted fake Zoom that
//! records every request, a fake clock, and a host loop that runs many calls
//! at once by interleaving their polls and jumping the clock to the earliest
//! wake-up or reply. No sockets, no sleeps.

use std::time::Duration;

use http::Response;
use serde_json::{Value, json};
use zoom_phone::auth::{OAuthConfig, OAuthError, OAuthErrorKind, TokenSet};
use zoom_phone::driver::{
    Action, AttemptId, AuthConfig, CallId, CallOptions, Session, SessionConfig, TransportError,
};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::paginate::Pager;
use zoom_phone::response::{Body, Output};
use zoom_phone::retry::{RetryPolicy, TransportErrorKind};
use zoom_phone::{Error, Secret, Timestamp};

const T0: u64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(T0 + ms)
}

// ------------------------------------------------------------------ harness

/// One request as the fake Zoom saw it.
#[derive(Debug, Clone)]
struct Seen {
    at: Timestamp,
    method: String,
    url: String,
    authorization: Option<String>,
    body: String,
}

impl Seen {
    fn is_token(&self) -> bool {
        self.url.ends_with("/oauth/token")
    }

    fn query(&self, key: &str) -> Option<String> {
        let query = self.url.split_once('?')?.1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
}

enum Reply {
    Http(Response<Vec<u8>>),
    Fail(TransportErrorKind),
}

fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Reply::Http(b.body(body.to_vec()).unwrap())
}

fn json_reply(status: u16, headers: &[(&str, &str)], body: Value) -> Reply {
    let mut h = headers.to_vec();
    h.push(("content-type", "application/json"));
    reply(status, &h, body.to_string().as_bytes())
}

fn ok_json(body: Value) -> Reply {
    json_reply(200, &[], body)
}

fn token_reply(access: &str) -> Reply {
    ok_json(json!({"access_token": access, "token_type": "bearer", "expires_in": 3600}))
}

fn zoom_error(status: u16, code: i64, message: &str) -> Reply {
    json_reply(status, &[], json!({"code": code, "message": message}))
}

type Script = Box<dyn FnMut(&Seen) -> Reply>;

/// A host loop over one session and a scripted Zoom.
struct Sim {
    session: Session,
    now: Timestamp,
    /// Time between sending a request and its answer arriving.
    latency: Duration,
    script: Script,
    seen: Vec<Seen>,
    persisted: Vec<TokenSet>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum St {
    Runnable,
    Sleeping(Timestamp),
    Blocked,
    InFlight,
    Done,
}

impl Sim {
    fn new(session: Session, script: impl FnMut(&Seen) -> Reply + 'static) -> Self {
        Sim {
            session,
            now: at(0),
            latency: Duration::from_millis(10),
            script: Box::new(script),
            seen: Vec::new(),
            persisted: Vec::new(),
        }
    }

    fn start(&mut self, op: &str, params: Value) -> CallId {
        self.session
            .start(op, params, CallOptions::default(), self.now)
    }

    fn call(&mut self, op: &str, params: Value) -> Result<Output, Error> {
        let id = self.start(op, params);
        self.run(&[id]).pop().unwrap()
    }

    fn api_requests(&self) -> Vec<&Seen> {
        self.seen.iter().filter(|s| !s.is_token()).collect()
    }

    fn token_requests(&self) -> usize {
        self.seen.iter().filter(|s| s.is_token()).count()
    }

    /// Runs `ids` to completion, interleaved, as a host with one task per call
    /// and a session-wide notify would.
    fn run(&mut self, ids: &[CallId]) -> Vec<Result<Output, Error>> {
        let n = ids.len();
        let mut st = vec![St::Runnable; n];
        let mut results: Vec<Option<Result<Output, Error>>> = (0..n).map(|_| None).collect();
        let mut flying: Vec<(Timestamp, usize, AttemptId, Reply)> = Vec::new();
        loop {
            let mut progressed = true;
            while progressed {
                progressed = false;
                for i in 0..n {
                    let runnable = match st[i] {
                        St::Runnable => true,
                        St::Sleeping(t) => self.now >= t,
                        _ => false,
                    };
                    if !runnable {
                        continue;
                    }
                    match self.session.poll(ids[i], self.now) {
                        Action::Send { attempt, request } => {
                            let seen = Seen {
                                at: self.now,
                                method: request.method().to_string(),
                                url: request.uri().to_string(),
                                authorization: request
                                    .headers()
                                    .get("authorization")
                                    .map(|v| v.to_str().unwrap().to_owned()),
                                body: String::from_utf8_lossy(request.body()).into_owned(),
                            };
                            let answer = (self.script)(&seen);
                            self.seen.push(seen);
                            flying.push((
                                self.now.saturating_add(self.latency),
                                i,
                                attempt,
                                answer,
                            ));
                            st[i] = St::InFlight;
                            progressed = true;
                        }
                        Action::FetchToken { .. } => panic!("no external token source here"),
                        Action::LoadTokens { .. } => panic!("no token store here"),
                        Action::Wait { until: Some(t) } => {
                            assert!(t > self.now, "a wait that is already over: {t:?}");
                            st[i] = St::Sleeping(t);
                        }
                        Action::Wait { until: None } => st[i] = St::Blocked,
                        Action::Done(r) => {
                            results[i] = Some(r);
                            st[i] = St::Done;
                            progressed = true;
                        }
                    }
                }
            }
            if st.iter().all(|s| *s == St::Done) {
                break;
            }
            let next_reply = flying.iter().map(|f| f.0).min();
            let next_wake = st
                .iter()
                .filter_map(|s| match s {
                    St::Sleeping(t) => Some(*t),
                    _ => None,
                })
                .min();
            let next = next_reply
                .into_iter()
                .chain(next_wake)
                .min()
                .expect("deadlock: calls wait for nothing");
            self.now = self.now.max(next);
            let mut delivered = false;
            let mut i = 0;
            while i < flying.len() {
                if flying[i].0 <= self.now {
                    let (_, call, attempt, answer) = flying.remove(i);
                    let outcome = match answer {
                        Reply::Http(r) => Ok(r),
                        Reply::Fail(kind) => Err(TransportError::new(kind, "simulated")),
                    };
                    self.session.receive(ids[call], attempt, outcome, self.now);
                    if let Some(t) = self.session.take_persist() {
                        self.persisted.push(t);
                    }
                    st[call] = St::Runnable;
                    delivered = true;
                } else {
                    i += 1;
                }
            }
            if delivered {
                // The session-wide notify: every waiter polls again.
                for s in st.iter_mut() {
                    if matches!(s, St::Blocked | St::Sleeping(_)) {
                        *s = St::Runnable;
                    }
                }
            }
        }
        results.into_iter().map(Option::unwrap).collect()
    }
}

// ------------------------------------------------------------------ sessions

fn tokens(access: &str, refresh: Option<&str>, expires_at: Timestamp) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        refresh_token: refresh.map(Secret::new),
        token_type: "bearer".to_owned(),
        scopes: Vec::new(),
        expires_at: Some(expires_at),
        api_url: None,
    }
}

fn s2s() -> AuthConfig {
    AuthConfig::server_to_server(OAuthConfig::server_to_server(
        "acct-1",
        "client-1",
        "client-secret-1",
    ))
}

fn session_with(auth: AuthConfig, retry: RetryPolicy, limits: Option<PlanLimits>) -> Session {
    let mut config = SessionConfig::new(auth);
    config.retry = retry;
    config.limits = limits;
    config.seed = 42;
    Session::new(config).unwrap()
}

/// A server-to-server session holding a token good for an hour.
fn fresh_session() -> Session {
    let mut s = session_with(s2s(), RetryPolicy::default(), None);
    s.load_tokens(tokens("tok-0", None, at(3_600_000)));
    s
}

fn list_page(queues: &[&str], next: &str) -> Reply {
    let items: Vec<Value> = queues.iter().map(|q| json!({"id": q})).collect();
    ok_json(json!({"call_queues": items, "next_page_token": next, "page_size": 2}))
}

fn api_status(result: &Result<Output, Error>) -> Option<u16> {
    match result {
        Err(Error::Api(e)) => Some(e.status),
        _ => None,
    }
}

// ------------------------------------------------------------------ retries

#[test]
fn retry_after_seconds_is_honoured_to_the_millisecond() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            json_reply(
                429,
                &[("Retry-After", "2"), ("X-RateLimit-Type", "QPS")],
                json!({"code": 429, "message": "You have reached the maximum per-second rate limit."}),
            )
        } else {
            list_page(&["a"], "")
        }
    });
    let out = sim.call("listCallQueues", json!({})).unwrap();
    assert_eq!(out.status, 200);
    let sent: Vec<Timestamp> = sim.seen.iter().map(|s| s.at).collect();
    // The 429 arrives at +10 ms; Retry-After: 2 s counts from then.
    assert_eq!(sent, vec![at(0), at(2_010)]);
}

#[test]
fn retry_after_as_http_date_is_honoured() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            json_reply(
                429,
                &[("Retry-After", "Tue, 14 Nov 2023 22:13:25 GMT")],
                json!({"code": 429, "message": "Too many requests"}),
            )
        } else {
            list_page(&["a"], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.seen.len(), 2);
    assert_eq!(sim.seen[1].at, at(5_000));
}

#[test]
fn daily_limit_is_typed_and_not_retried() {
    let mut sim = Sim::new(fresh_session(), |_| {
        json_reply(
            429,
            &[
                ("X-RateLimit-Type", "Daily-limit"),
                ("Retry-After", "2023-11-15T00:00:00Z"),
            ],
            json!({"code": 429, "message": "You have exceeded the daily rate limit"}),
        )
    });
    let result = sim.call("listCallQueues", json!({}));
    match result {
        Err(Error::DailyLimitExceeded { reset_at }) => {
            assert_eq!(reset_at, Some(Timestamp::from_millis(1_700_006_400_000)));
        }
        other => panic!("expected DailyLimitExceeded, got {other:?}"),
    }
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn post_is_not_retried_on_500_unless_allowed() {
    let body = json!({"body": {"name": "Support", "site_id": "s1"}});
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(500, 500, "Internal error"));
    let result = sim.call("createCallQueue", body.clone());
    assert_eq!(api_status(&result), Some(500));
    assert_eq!(sim.seen.len(), 1, "a POST must not be repeated");
    assert_eq!(sim.seen[0].method, "POST");

    // The same with writes opted in: retried up to max_attempts.
    let id = sim.session.start(
        "createCallQueue",
        body,
        CallOptions {
            retry_non_idempotent: true,
            ..CallOptions::default()
        },
        sim.now,
    );
    let result = sim.run(&[id]).pop().unwrap();
    assert_eq!(api_status(&result), Some(500));
    assert_eq!(sim.seen.len(), 1 + 4);
}

#[test]
fn post_is_not_retried_after_a_reset_but_is_after_a_connect_error() {
    let mut sim = Sim::new(fresh_session(), |_| Reply::Fail(TransportErrorKind::Reset));
    let result = sim.call(
        "createCallQueue",
        json!({"body": {"name": "Q", "site_id": "s"}}),
    );
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    assert_eq!(sim.seen.len(), 1);

    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            Reply::Fail(TransportErrorKind::Connect)
        } else {
            ok_json(json!({"id": "q1"}))
        }
    });
    let result = sim.call(
        "createCallQueue",
        json!({"body": {"name": "Q", "site_id": "s"}}),
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sim.seen.len(), 2);
}

#[test]
fn put_and_get_are_retried_on_503_and_on_reset() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            zoom_error(503, 503, "Service unavailable")
        } else {
            reply(204, &[], b"")
        }
    });
    let out = sim
        .call(
            "addClientCodeToCallLog",
            json!({"callLogId": "c1", "body": {"client_code": "x"}}),
        )
        .unwrap();
    assert_eq!(out.status, 204);
    assert_eq!(sim.seen.len(), 2);
    assert!(sim.seen.iter().all(|s| s.method == "PUT"));

    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            Reply::Fail(TransportErrorKind::Reset)
        } else {
            list_page(&["a"], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.seen.len(), 2);
}

#[test]
fn backoff_stays_within_full_jitter_bounds_over_many_seeds() {
    let policy = RetryPolicy::default();
    let mut first_delays = Vec::new();
    for seed in 0..200 {
        let mut config = SessionConfig::new(s2s());
        config.seed = seed;
        let mut session = Session::new(config).unwrap();
        session.load_tokens(tokens("tok-0", None, at(3_600_000)));
        let mut n = 0;
        let mut sim = Sim::new(session, move |_| {
            n += 1;
            if n < 4 {
                zoom_error(503, 503, "busy")
            } else {
                list_page(&[], "")
            }
        });
        sim.latency = Duration::ZERO;
        assert!(sim.call("listCallQueues", json!({})).is_ok());
        assert_eq!(sim.seen.len(), 4);
        for retry in 0..3u32 {
            let gap = sim.seen[retry as usize + 1]
                .at
                .saturating_duration_since(sim.seen[retry as usize].at);
            assert!(
                gap <= policy.backoff_cap(retry),
                "seed {seed}, retry {retry}: {gap:?} > {:?}",
                policy.backoff_cap(retry)
            );
            if retry == 0 {
                first_delays.push(gap.as_millis());
            }
        }
    }
    // Full jitter: delays spread over the whole [0, cap] range.
    let low = first_delays.iter().filter(|&&d| d < 125).count();
    let high = first_delays.iter().filter(|&&d| d > 375).count();
    assert!(low > 20 && high > 20, "low {low}, high {high}");
}

#[test]
fn no_retry_is_scheduled_past_the_deadline() {
    let mut sim = Sim::new(fresh_session(), |_| {
        json_reply(
            503,
            &[("Retry-After", "5")],
            json!({"code": 503, "message": "down"}),
        )
    });
    let id = sim.session.start(
        "listCallQueues",
        json!({}),
        CallOptions {
            deadline: Some(at(3_000)),
            ..CallOptions::default()
        },
        sim.now,
    );
    let result = sim.run(&[id]).pop().unwrap();
    // The retry would be at 5.01 s, after the 3 s deadline: the 503 is the answer, at once.
    assert_eq!(api_status(&result), Some(503));
    assert_eq!(sim.seen.len(), 1);
    assert_eq!(sim.now, at(10));

    // Backoff retries stop before the deadline; the last error surfaces.
    let mut sim = Sim::new(
        session_with(
            s2s(),
            RetryPolicy {
                max_attempts: 100,
                ..RetryPolicy::default()
            },
            None,
        ),
        |seen| {
            if seen.is_token() {
                token_reply("tok-1")
            } else {
                zoom_error(502, 502, "bad gateway")
            }
        },
    );
    let id = sim.session.start(
        "listCallQueues",
        json!({}),
        CallOptions {
            deadline: Some(at(4_000)),
            ..CallOptions::default()
        },
        sim.now,
    );
    let result = sim.run(&[id]).pop().unwrap();
    assert!(
        matches!(result, Err(Error::Api(_)) | Err(Error::Timeout)),
        "{result:?}"
    );
    assert!(sim.api_requests().len() > 2);
    assert!(sim.seen.iter().all(|s| s.at < at(4_000)));
}

/// Sends one attempt of a call with a deadline at 300 ms and answers it
/// with a transport failure of `kind` received at `received`.
fn fail_in_flight(op: &str, params: Value, kind: TransportErrorKind, received: u64) -> Action {
    let mut s = fresh_session();
    let opts = CallOptions {
        deadline: Some(at(300)),
        ..CallOptions::default()
    };
    let id = s.start(op, params, opts, at(0));
    let Action::Send { attempt, .. } = s.poll(id, at(0)) else {
        panic!("the call should send at once");
    };
    let failure = TransportError::new(kind, "operation timed out");
    s.receive(id, attempt, Err(failure), at(received));
    s.poll(id, at(received))
}

#[test]
fn a_transport_failure_at_the_deadline_ends_the_call_with_timeout() {
    // Whatever the host's client calls it (its timer firing, a reset from
    // the abort), a failure received at or after the deadline is `Timeout`.
    for kind in [TransportErrorKind::Timeout, TransportErrorKind::Reset] {
        for received in [300, 301, 5_000] {
            let action = fail_in_flight("listCallQueues", json!({}), kind, received);
            assert!(
                matches!(action, Action::Done(Err(Error::Timeout))),
                "{kind:?} at {received}: {action:?}"
            );
        }
    }
    // A write is not resent either way; past the deadline it is a timeout too.
    let write = json!({"body": {"name": "Q", "site_id": "s"}});
    let action = fail_in_flight(
        "createCallQueue",
        write.clone(),
        TransportErrorKind::Timeout,
        300,
    );
    assert!(
        matches!(action, Action::Done(Err(Error::Timeout))),
        "{action:?}"
    );

    // Before the deadline the attempt's own timeout stays a transport error.
    let action = fail_in_flight("createCallQueue", write, TransportErrorKind::Timeout, 299);
    assert!(
        matches!(&action, Action::Done(Err(Error::Transport { message })) if message.contains("timed out")),
        "{action:?}"
    );
}

// ------------------------------------------------------------------ tokens

#[test]
fn a_hundred_calls_with_an_expired_token_share_one_token_request() {
    let mut session = session_with(s2s(), RetryPolicy::default(), None);
    session.load_tokens(tokens("expired", None, at(0)));
    let mut sim = Sim::new(session, |seen| {
        if seen.is_token() {
            token_reply("tok-1")
        } else {
            list_page(&["a"], "")
        }
    });
    let ids: Vec<CallId> = (0..100)
        .map(|_| sim.start("listCallQueues", json!({})))
        .collect();
    let results = sim.run(&ids);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(sim.token_requests(), 1);
    let api = sim.api_requests();
    assert_eq!(api.len(), 100);
    assert!(
        api.iter()
            .all(|s| s.authorization.as_deref() == Some("Bearer tok-1"))
    );
    assert_eq!(sim.persisted.len(), 1);
    assert_eq!(sim.session.active_calls(), 0);
}

#[test]
fn the_others_wait_without_a_deadline_while_one_call_fetches_the_token() {
    let mut s = session_with(s2s(), RetryPolicy::default(), None);
    let a = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let b = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let Action::Send { request, .. } = s.poll(a, at(0)) else {
        panic!("the first call fetches the token")
    };
    assert!(request.uri().to_string().ends_with("/oauth/token"));
    assert!(matches!(s.poll(b, at(0)), Action::Wait { until: None }));
}

fn rejecting(accepted: Option<&'static str>) -> impl FnMut(&Seen) -> Reply {
    let mut issued = 0;
    move |seen| {
        if seen.is_token() {
            issued += 1;
            return token_reply(&format!("tok-{issued}"));
        }
        let auth = seen.authorization.clone().unwrap_or_default();
        if accepted.is_some_and(|t| auth == format!("Bearer {t}")) {
            list_page(&["a"], "")
        } else {
            zoom_error(401, 124, "Invalid access token.")
        }
    }
}

#[test]
fn code_124_renews_once_and_resends() {
    let mut sim = Sim::new(fresh_session(), rejecting(Some("tok-1")));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    let trail: Vec<(bool, Option<String>)> = sim
        .seen
        .iter()
        .map(|s| (s.is_token(), s.authorization.clone()))
        .collect();
    assert_eq!(trail.len(), 3);
    assert_eq!(trail[0], (false, Some("Bearer tok-0".to_owned())));
    assert!(trail[1].0, "then the token request");
    assert_eq!(trail[2], (false, Some("Bearer tok-1".to_owned())));
    assert_eq!(sim.persisted.len(), 1);
}

#[test]
fn a_second_124_fails_the_call() {
    let mut sim = Sim::new(fresh_session(), rejecting(None));
    let result = sim.call("listCallQueues", json!({}));
    assert!(
        matches!(result, Err(Error::OAuth(OAuthError::TokenRejected))),
        "{result:?}"
    );
    assert_eq!(sim.token_requests(), 1);
    assert_eq!(sim.api_requests().len(), 2);
}

#[test]
fn a_token_request_lost_to_a_reset_is_resent_while_the_others_wait() {
    let mut failed = false;
    let mut sim = Sim::new(
        session_with(s2s(), RetryPolicy::default(), None),
        move |seen| {
            if seen.is_token() && !failed {
                failed = true;
                Reply::Fail(TransportErrorKind::Reset)
            } else if seen.is_token() {
                token_reply("tok-1")
            } else {
                list_page(&[], "")
            }
        },
    );
    let ids: Vec<CallId> = (0..10)
        .map(|_| sim.start("listCallQueues", json!({})))
        .collect();
    assert!(sim.run(&ids).iter().all(Result::is_ok));
    assert_eq!(sim.token_requests(), 2);
    assert_eq!(sim.api_requests().len(), 10);
    assert_eq!(sim.persisted.len(), 1);
}

#[test]
fn a_refresh_lost_to_a_reset_is_not_resent() {
    // The refresh may have been applied and its refresh token rotated away.
    let auth = AuthConfig::refresh_token(
        OAuthConfig::new("client-1", "client-secret-1"),
        tokens("a0", Some("r0"), at(0)),
    );
    let mut sim = Sim::new(session_with(auth, RetryPolicy::default(), None), |_| {
        Reply::Fail(TransportErrorKind::Reset)
    });
    let ids: Vec<CallId> = (0..3)
        .map(|_| sim.start("listCallQueues", json!({})))
        .collect();
    for result in sim.run(&ids) {
        assert!(
            matches!(result, Err(Error::OAuth(OAuthError::RenewalFailed { .. }))),
            "{result:?}"
        );
    }
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn a_waiter_for_the_token_times_out_at_its_deadline() {
    let mut s = session_with(s2s(), RetryPolicy::default(), None);
    let a = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let opts = CallOptions {
        deadline: Some(at(1_000)),
        ..CallOptions::default()
    };
    let b = s.start("listCallQueues", json!({}), opts, at(0));
    assert!(matches!(s.poll(a, at(0)), Action::Send { .. }));
    assert!(matches!(s.poll(b, at(0)), Action::Wait { until: Some(t) } if t == at(1_000)));
    assert!(matches!(
        s.poll(b, at(1_000)),
        Action::Done(Err(Error::Timeout))
    ));
}

#[test]
fn a_401_without_code_124_is_not_renewed() {
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(401, 4711, "Not allowed"));
    let result = sim.call("listCallQueues", json!({}));
    assert_eq!(api_status(&result), Some(401));
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn a_refused_token_request_fails_every_waiter_with_the_oauth_error() {
    let mut sim = Sim::new(session_with(s2s(), RetryPolicy::default(), None), |_| {
        json_reply(
            400,
            &[],
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        )
    });
    let ids: Vec<CallId> = (0..5)
        .map(|_| sim.start("listCallQueues", json!({})))
        .collect();
    for result in sim.run(&ids) {
        match result {
            Err(Error::OAuth(e)) => assert_eq!(e.kind(), Some(&OAuthErrorKind::InvalidClient)),
            other => panic!("expected the OAuth error, got {other:?}"),
        }
    }
    assert_eq!(sim.token_requests(), 1);
    assert!(sim.api_requests().is_empty());
}

#[test]
fn cancelling_the_token_fetcher_hands_the_fetch_to_a_waiter() {
    let mut s = session_with(s2s(), RetryPolicy::default(), None);
    let a = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let b = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    assert!(matches!(s.poll(a, at(0)), Action::Send { .. }));
    assert!(matches!(s.poll(b, at(0)), Action::Wait { until: None }));
    s.cancel(a);
    let Action::Send { attempt, request } = s.poll(b, at(5)) else {
        panic!("b fetches the token itself")
    };
    assert!(request.uri().to_string().ends_with("/oauth/token"));
    let Reply::Http(token) = token_reply("tok-b") else {
        unreachable!()
    };
    s.receive(b, attempt, Ok(token), at(10));
    let Action::Send { request, .. } = s.poll(b, at(10)) else {
        panic!("b sends its call")
    };
    assert_eq!(request.headers()["authorization"], "Bearer tok-b");
    // The cancelled call is gone.
    assert!(matches!(s.poll(a, at(10)), Action::Done(Err(_))));
}

#[test]
fn refresh_persists_the_rotated_refresh_token_and_uses_it_next() {
    let auth = AuthConfig::refresh_token(
        OAuthConfig::new("client-1", "client-secret-1"),
        tokens("a0", Some("r0"), at(0)),
    );
    let mut issued = 0;
    let mut sim = Sim::new(
        session_with(auth, RetryPolicy::default(), None),
        move |seen| {
            if seen.is_token() {
                issued += 1;
                ok_json(json!({
                    "access_token": format!("a{issued}"),
                    "refresh_token": format!("r{issued}"),
                    "token_type": "bearer",
                    "expires_in": 3600,
                }))
            } else {
                list_page(&[], "")
            }
        },
    );
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert!(sim.seen[0].is_token());
    assert!(sim.seen[0].body.contains("refresh_token=r0"));
    assert_eq!(sim.persisted.len(), 1);
    assert_eq!(sim.persisted[0].access_token.expose(), "a1");
    assert_eq!(
        sim.persisted[0].refresh_token.as_ref().map(Secret::expose),
        Some("r1")
    );
    assert_eq!(sim.session.take_persist(), None, "handed out once");
    assert_eq!(sim.seen[1].authorization.as_deref(), Some("Bearer a1"));

    // An hour later the next refresh uses the rotated token.
    sim.now = at(3_600_000);
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    let second = sim.seen.iter().filter(|s| s.is_token()).nth(1).unwrap();
    assert!(second.body.contains("refresh_token=r1"));
    assert_eq!(
        sim.persisted[1].refresh_token.as_ref().map(Secret::expose),
        Some("r2")
    );
}

#[test]
fn the_tokens_api_url_replaces_the_base_url() {
    let mut sim = Sim::new(session_with(s2s(), RetryPolicy::default(), None), |seen| {
        if seen.is_token() {
            ok_json(
                json!({"access_token": "t", "expires_in": 3600, "api_url": "https://api-eu.zoom.us"}),
            )
        } else {
            list_page(&[], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert!(
        sim.seen[1]
            .url
            .starts_with("https://api-eu.zoom.us/v2/phone/call_queues"),
        "{}",
        sim.seen[1].url
    );
}

// ------------------------------------------------------------------ limiter

#[test]
fn the_client_side_limiter_spaces_heavy_calls_at_its_rate() {
    let mut session = session_with(s2s(), RetryPolicy::default(), Some(PlanLimits::pro()));
    session.load_tokens(tokens("tok-0", None, at(3_600_000)));
    let mut sim = Sim::new(session, |_| ok_json(json!({"call_logs": []})));
    let ids: Vec<CallId> = (0..12)
        .map(|_| sim.start("accountCallLogs", json!({})))
        .collect();
    assert!(sim.run(&ids).iter().all(Result::is_ok));
    let mut sent: Vec<u64> = sim.seen.iter().map(|s| s.at.as_millis() - T0).collect();
    sent.sort_unstable();
    // Pro: Heavy is 5 per second.
    assert_eq!(
        sent,
        vec![0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]
    );
}

#[test]
fn the_client_side_daily_cap_refuses_without_sending() {
    let mut limits = PlanLimits::pro();
    limits.heavy_daily = Some(3);
    let mut session = session_with(s2s(), RetryPolicy::default(), Some(limits));
    session.load_tokens(tokens("tok-0", None, at(3_600_000)));
    let mut sim = Sim::new(session, |_| ok_json(json!({"call_logs": []})));
    let results: Vec<_> = (0..4)
        .map(|_| sim.call("accountCallLogs", json!({})))
        .collect();
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(
        matches!(&results[3], Err(Error::DailyLimitExceeded { reset_at: Some(t) }) if *t == Timestamp::from_millis(1_700_006_400_000)),
        "{:?}",
        results[3]
    );
    assert_eq!(sim.seen.len(), 3);
}

#[test]
fn a_429_pauses_the_category_for_every_call_until_retry_after() {
    let mut s = session_with(s2s(), RetryPolicy::default(), Some(PlanLimits::pro()));
    s.load_tokens(tokens("tok-0", None, at(3_600_000)));
    let a = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let Action::Send { attempt, .. } = s.poll(a, at(0)) else {
        panic!("sent at once")
    };
    let Reply::Http(limited) = json_reply(
        429,
        &[("Retry-After", "3"), ("X-RateLimit-Type", "QPS")],
        json!({"code": 429, "message": "rate limit"}),
    ) else {
        unreachable!()
    };
    s.receive(a, attempt, Ok(limited), at(10));
    // Another Medium call started now is held as long as the retry is.
    let b = s.start("listCallQueues", json!({}), CallOptions::default(), at(10));
    assert!(matches!(s.poll(a, at(10)), Action::Wait { until: Some(t) } if t == at(3_010)));
    assert!(matches!(s.poll(b, at(10)), Action::Wait { until: Some(t) } if t >= at(3_010)));
    assert!(matches!(s.poll(a, at(3_010)), Action::Send { .. }));
}

#[test]
fn an_external_token_source_is_asked_once_for_all_calls() {
    let mut s = session_with(AuthConfig::external(), RetryPolicy::default(), None);
    let a = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let b = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let Action::FetchToken { attempt } = s.poll(a, at(0)) else {
        panic!("the host's source is asked")
    };
    assert!(matches!(s.poll(b, at(0)), Action::Wait { until: None }));
    s.receive_token(a, attempt, Ok(tokens("ext-1", None, at(60_000_000))), at(5));
    assert_eq!(
        s.take_persist().map(|t| t.access_token),
        Some(Secret::new("ext-1"))
    );
    for id in [a, b] {
        let Action::Send { request, .. } = s.poll(id, at(5)) else {
            panic!("both send")
        };
        assert_eq!(request.headers()["authorization"], "Bearer ext-1");
    }
}

#[test]
fn a_fixed_token_rejected_by_zoom_cannot_be_renewed() {
    let mut sim = Sim::new(
        session_with(AuthConfig::fixed("fixed-1"), RetryPolicy::default(), None),
        rejecting(None),
    );
    let result = sim.call("listCallQueues", json!({}));
    assert!(
        matches!(result, Err(Error::OAuth(OAuthError::CannotRenew { .. }))),
        "{result:?}"
    );
    assert_eq!(sim.seen.len(), 1);
}

// ------------------------------------------------------------------ downloads

#[test]
fn redirects_carry_the_token_only_to_zoom_hosts() {
    let audio: Vec<u8> = vec![0xff, 0xfb, 0x90, 0x00, 0x00, 0x0d, 0x0a, 0x80];
    let bytes = audio.clone();
    let mut sim = Sim::new(fresh_session(), move |seen| {
        if seen.url.starts_with("https://api.zoom.us/") {
            reply(302, &[("location", "https://us06web.zoom.us/rec/f1")], b"")
        } else if seen.url.starts_with("https://us06web.zoom.us/") {
            reply(
                302,
                &[("location", "https://zoom.us.cdn.example.com/f1?sig=abc")],
                b"",
            )
        } else {
            reply(200, &[("content-type", "audio/mpeg")], &bytes)
        }
    });
    let out = sim
        .call("phoneDownloadRecordingFile", json!({"fileId": "f1"}))
        .unwrap();
    assert_eq!(
        out.body,
        Body::Binary {
            content_type: Some("audio/mpeg".to_owned()),
            bytes: audio
        }
    );
    let auth: Vec<Option<&str>> = sim
        .seen
        .iter()
        .map(|s| s.authorization.as_deref())
        .collect();
    assert_eq!(auth, vec![Some("Bearer tok-0"), Some("Bearer tok-0"), None]);
    assert_eq!(
        sim.seen[2].url,
        "https://zoom.us.cdn.example.com/f1?sig=abc"
    );
}

#[test]
fn download_urls_get_the_token_only_on_zoom_hosts() {
    let mut sim = Sim::new(fresh_session(), |_| reply(200, &[], b"\x00\x01"));
    for (url, expect) in [
        ("https://zoom.us/v2/phone/recording/download/x", true),
        ("https://file.zoom.us/file/y", true),
        ("http://zoom.us/file/y", false),
        ("https://evilzoom.us/file/y", false),
        ("https://storage.example.com/y", false),
    ] {
        let id = sim
            .session
            .start_download(url, CallOptions::default(), sim.now);
        let out = sim.run(&[id]).pop().unwrap().unwrap();
        assert!(matches!(out.body, Body::Binary { .. }));
        let last = sim.seen.last().unwrap();
        assert_eq!(last.authorization.is_some(), expect, "{url}");
    }
    let id = sim
        .session
        .start_download("not a url", CallOptions::default(), sim.now);
    assert!(matches!(
        sim.session.poll(id, sim.now),
        Action::Done(Err(Error::Build(_)))
    ));
}

#[test]
fn redirect_loops_stop() {
    let mut sim = Sim::new(fresh_session(), |_| {
        reply(302, &[("location", "https://zoom.us/again")], b"")
    });
    let result = sim.call("phoneDownloadRecordingFile", json!({"fileId": "f1"}));
    assert!(matches!(result, Err(Error::Decode(_))), "{result:?}");
    assert_eq!(sim.seen.len(), 1 + 5);
}

#[test]
fn the_transcript_redirect_is_the_result_and_not_followed() {
    let mut sim = Sim::new(fresh_session(), |_| {
        reply(
            302,
            &[("location", "https://zoom.us/transcripts/t1.vtt")],
            b"",
        )
    });
    let out = sim
        .call(
            "phoneDownloadRecordingTranscript",
            json!({"recordingId": "r1"}),
        )
        .unwrap();
    assert_eq!(
        out.body,
        Body::Redirect {
            location: "https://zoom.us/transcripts/t1.vtt".to_owned()
        }
    );
    assert_eq!(sim.seen.len(), 1);
}

// ------------------------------------------------------------------ pagination

fn paged_zoom() -> impl FnMut(&Seen) -> Reply {
    |seen| match seen.query("next_page_token").as_deref() {
        None => list_page(&["q1", "q2"], "p2"),
        Some("p2") => list_page(&["q3", "q4"], "p3"),
        Some("p3") => list_page(&["q5"], ""),
        Some(_) => json_reply(
            400,
            &[],
            json!({"code": 300, "message": "The next page token is invalid or expired."}),
        ),
    }
}

/// The host's pagination loop around calls.
fn walk(sim: &mut Sim, mut pager: Pager) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    while let Some(params) = pager.next_params(sim.now)? {
        let out = sim.call("listCallQueues", params)?;
        for item in pager.accept(&out, sim.now) {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
    }
    Ok(ids)
}

#[test]
fn the_pager_walks_three_pages_and_resumes_from_a_token() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let mut sim = Sim::new(fresh_session(), paged_zoom());
    let ids = walk(&mut sim, Pager::new(op, json!({"page_size": 2}))).unwrap();
    assert_eq!(ids, ["q1", "q2", "q3", "q4", "q5"]);
    assert_eq!(sim.seen.len(), 3);
    assert_eq!(sim.seen[1].query("next_page_token").as_deref(), Some("p2"));
    assert!(
        sim.seen
            .iter()
            .all(|s| s.query("page_size").as_deref() == Some("2"))
    );

    let resumed = Pager::new(op, json!({"page_size": 2})).resume("p3", Some(sim.now));
    let ids = walk(&mut sim, resumed).unwrap();
    assert_eq!(ids, ["q5"]);
    assert_eq!(sim.seen.len(), 4);
}

#[test]
fn zooms_expired_page_token_answer_is_page_token_expired() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let mut sim = Sim::new(fresh_session(), paged_zoom());
    let stale = Pager::new(op, json!({})).resume("stale", None);
    let result = walk(&mut sim, stale);
    assert!(matches!(result, Err(Error::PageTokenExpired)), "{result:?}");
    assert_eq!(sim.seen.len(), 1, "not retried");
}

// ------------------------------------------------------------------ building, secrets

#[test]
fn a_build_error_is_done_on_the_first_poll_and_nothing_is_sent() {
    let mut s = fresh_session();
    let id = s.start(
        "listCallQueues",
        json!({"bogus": 1}),
        CallOptions::default(),
        at(0),
    );
    assert!(matches!(
        s.poll(id, at(0)),
        Action::Done(Err(Error::Build(_)))
    ));
    let id = s.start("noSuchOperation", json!({}), CallOptions::default(), at(0));
    assert!(matches!(
        s.poll(id, at(0)),
        Action::Done(Err(Error::Build(_)))
    ));
    assert_eq!(s.active_calls(), 0);
}

#[test]
fn a_session_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<Session>();
    send::<Action>();
}

#[test]
fn a_bad_base_url_is_refused_by_new() {
    let mut config = SessionConfig::new(s2s());
    config.request.base_url = "api.zoom.us/v2".to_owned();
    assert!(matches!(Session::new(config), Err(Error::Build(_))));
}

#[test]
fn no_debug_output_shows_a_secret() {
    let auth = AuthConfig::refresh_token(
        OAuthConfig::new("client-1", "client-secret-1"),
        tokens("access-AAA", Some("refresh-RRR"), at(0)),
    );
    let mut s = session_with(auth, RetryPolicy::default(), None);
    let id = s.start("listCallQueues", json!({}), CallOptions::default(), at(0));
    let token_request = s.poll(id, at(0));
    let Action::Send { attempt, .. } = &token_request else {
        panic!("a token request")
    };
    let attempt = *attempt;
    let Reply::Http(r) = ok_json(
        json!({"access_token": "access-BBB", "refresh_token": "refresh-SSS", "expires_in": 3600}),
    ) else {
        unreachable!()
    };
    s.receive(id, attempt, Ok(r), at(1));
    let api_request = s.poll(id, at(1));
    assert!(matches!(api_request, Action::Send { .. }));
    let text = format!("{token_request:?} {api_request:?} {s:?} {:?}", s.tokens());
    for secret in [
        "client-secret-1",
        "access-AAA",
        "refresh-RRR",
        "access-BBB",
        "refresh-SSS",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("oauth/token"));
}
