//! The sans-IO driver under any sequence of host events: calls started,
//! polled, answered (any status, headers and body), failed in transport,
//! answered by an external token source, cancelled, with time moving on.
//!
//! Invariants: no panic; a poll right after a `Send`, with nothing received,
//! does not send again; a `Wait` already due does not repeat at the same
//! instant (a host would spin); a bearer token goes only to a Zoom host, a
//! configured base URL or the token's own `api_url`; a finished call is
//! forgotten; no call sends more than `MAX_SENDS_PER_CALL` requests.
#![no_main]

use std::collections::BTreeMap;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use zoom_phone::auth::{OAuthConfig, OAuthError, TokenSet};
use zoom_phone::catalog::{self, ParamLocation, Schema};
use zoom_phone::driver::{
    Action, AttemptId, AuthConfig, CallId, CallOptions, Session, SessionConfig, TransportError,
    may_carry_token,
};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Secret, Timestamp};
use zoom_phone_fuzz::BoundedAlloc;

#[global_allocator]
static ALLOC: BoundedAlloc = BoundedAlloc;

/// Attempts, redirects and token requests of one call stay well below this.
const MAX_SENDS_PER_CALL: usize = 32;
const START: u64 = 1_767_225_600_000;

#[derive(Arbitrary, Debug)]
struct Script {
    auth: AuthChoice,
    limits: bool,
    seed: u64,
    steps: Vec<Step>,
}

#[derive(Arbitrary, Debug)]
enum AuthChoice {
    Fixed,
    ServerToServer,
    Refresh { expires_in_s: Option<u16> },
    External,
}

#[derive(Arbitrary, Debug)]
enum Step {
    Start {
        op: u16,
        deadline_ms: Option<u32>,
        retry_non_idempotent: bool,
    },
    Download {
        url: UrlChoice,
    },
    Poll {
        call: u8,
    },
    Advance {
        ms: u32,
    },
    Respond {
        call: u8,
        stale: bool,
        status: u16,
        headers: Vec<HeaderChoice>,
        body: BodyChoice,
    },
    Fail {
        call: u8,
        kind: u8,
    },
    Token {
        call: u8,
        ok: bool,
        expires_in_s: Option<u16>,
        api_url: Option<UrlChoice>,
    },
    Cancel {
        call: u8,
    },
    TakePersist,
}

#[derive(Arbitrary, Debug, Clone)]
enum UrlChoice {
    Zoom(String),
    Other(String),
    Raw(String),
}

impl UrlChoice {
    fn text(&self) -> String {
        match self {
            UrlChoice::Zoom(p) => format!("https://zoom.us/rec/{p}"),
            UrlChoice::Other(p) => format!("https://files.example.com/{p}"),
            UrlChoice::Raw(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum HeaderChoice {
    Location(UrlChoice),
    RetryAfter(String),
    LimitType(bool),
    Remaining(u8),
    ContentType(String),
    Other(String, String),
}

#[derive(Arbitrary, Debug)]
enum BodyChoice {
    Empty,
    Page {
        next: Option<String>,
    },
    ZoomError {
        code: i32,
    },
    Token {
        expires_in: Option<u32>,
        refresh: bool,
    },
    OAuthError(String),
    Bytes(Vec<u8>),
}

impl BodyChoice {
    fn bytes(&self) -> Vec<u8> {
        let json = match self {
            BodyChoice::Empty => return Vec::new(),
            BodyChoice::Bytes(b) => return b.clone(),
            BodyChoice::Page { next } => serde_json::json!({
                "next_page_token": next.clone().unwrap_or_default(),
                "page_size": 30, "total_records": 2, "users": [{"id": "u1"}],
            }),
            BodyChoice::ZoomError { code } => {
                serde_json::json!({"code": code, "message": "fuzz"})
            }
            BodyChoice::Token {
                expires_in,
                refresh,
            } => serde_json::json!({
                "access_token": "fuzz-access", "token_type": "bearer",
                "expires_in": expires_in, "refresh_token": refresh.then_some("fuzz-refresh"),
            }),
            BodyChoice::OAuthError(e) => serde_json::json!({"error": e, "reason": "fuzz"}),
        };
        json.to_string().into_bytes()
    }
}

/// What the host knows of a call: its request out, if any, and how many it sent.
#[derive(Default)]
struct Tracked {
    out: Option<(AttemptId, bool)>,
    last_attempt: Option<AttemptId>,
    sends: usize,
}

fuzz_target!(|script: Script| run(script));

fn run(script: Script) {
    let oauth = OAuthConfig::server_to_server("account", "client", "secret");
    let mut auth = match script.auth {
        AuthChoice::Fixed => AuthConfig::fixed("fuzz-fixed-token"),
        AuthChoice::ServerToServer => AuthConfig::server_to_server(oauth),
        AuthChoice::Refresh { expires_in_s } => {
            let tokens = tokens(expires_in_s, Timestamp::from_millis(START), None);
            AuthConfig::refresh_token(OAuthConfig::new("client", "secret"), tokens)
        }
        AuthChoice::External => AuthConfig::external(),
    };
    auth.settings.renewal_timeout = Duration::from_secs(30);
    // Half the scripts renew through a (here always empty) shared store,
    // without another field that would reshuffle the committed seeds.
    auth.shared_store = script.seed & 1 == 1;
    let mut config = SessionConfig::new(auth);
    config.seed = script.seed;
    config.limits = script.limits.then(PlanLimits::pro);
    let bases = [
        config.request.base_url.clone(),
        config.request.file_base_url.clone(),
    ];
    let Ok(mut session) = Session::new(config) else {
        return;
    };

    let mut now = Timestamp::from_millis(START);
    let mut calls: BTreeMap<u64, Tracked> = BTreeMap::new();
    let mut order: Vec<CallId> = Vec::new();
    let pick = |order: &[CallId], i: u8| order.get(usize::from(i) % order.len().max(1)).copied();

    for step in script.steps {
        match step {
            Step::Start {
                op,
                deadline_ms,
                retry_non_idempotent,
            } => {
                let ops = catalog::operations();
                let op = &ops[usize::from(op) % ops.len()];
                let opts = CallOptions {
                    deadline: deadline_ms
                        .map(|d| Timestamp::from_millis(now.as_millis() + u64::from(d))),
                    retry_non_idempotent,
                };
                let id = session.start(&op.id, minimal_params(op), opts, now);
                calls.insert(id.0, Tracked::default());
                order.push(id);
            }
            Step::Download { url } => {
                let id = session.start_download(&url.text(), CallOptions::default(), now);
                calls.insert(id.0, Tracked::default());
                order.push(id);
            }
            Step::Poll { call } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                poll(&mut session, &mut calls, id, now, &bases, false);
            }
            Step::Advance { ms } => now = now.saturating_add(Duration::from_millis(u64::from(ms))),
            Step::Respond {
                call,
                stale,
                status,
                headers,
                body,
            } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                let Some(attempt) = attempt_of(&mut calls, id, stale) else {
                    continue;
                };
                let mut response = http::Response::new(body.bytes());
                *response.status_mut() =
                    http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
                for h in headers {
                    let (name, value) = match h {
                        HeaderChoice::Location(u) => ("location".to_owned(), u.text()),
                        HeaderChoice::RetryAfter(v) => ("retry-after".to_owned(), v),
                        HeaderChoice::LimitType(daily) => (
                            "x-ratelimit-type".to_owned(),
                            if daily { "Daily-limit" } else { "QPS" }.to_owned(),
                        ),
                        HeaderChoice::Remaining(n) => {
                            ("x-ratelimit-remaining".to_owned(), n.to_string())
                        }
                        HeaderChoice::ContentType(v) => ("content-type".to_owned(), v),
                        HeaderChoice::Other(n, v) => (n, v),
                    };
                    if let (Ok(n), Ok(v)) = (
                        http::HeaderName::from_bytes(name.as_bytes()),
                        http::HeaderValue::from_str(&value),
                    ) {
                        response.headers_mut().append(n, v);
                    }
                }
                session.receive(id, attempt, Ok(response), now);
            }
            Step::Fail { call, kind } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                let Some(attempt) = attempt_of(&mut calls, id, false) else {
                    continue;
                };
                let kind = match kind % 4 {
                    0 => TransportErrorKind::Connect,
                    1 => TransportErrorKind::Reset,
                    2 => TransportErrorKind::Timeout,
                    _ => TransportErrorKind::Other,
                };
                session.receive(id, attempt, Err(TransportError::new(kind, "fuzz")), now);
            }
            Step::Token {
                call,
                ok,
                expires_in_s,
                api_url,
            } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                let Some(tracked) = calls.get_mut(&id.0) else {
                    continue;
                };
                let Some((attempt, is_send)) = tracked.out else {
                    continue;
                };
                // A token answered to an HTTP request is ignored by the
                // session: that request is still out.
                if !is_send {
                    tracked.out = None;
                }
                let outcome = if ok {
                    Ok(tokens(expires_in_s, now, api_url.map(|u| u.text())))
                } else {
                    Err(OAuthError::RenewalFailed {
                        message: "fuzz".to_owned(),
                    })
                };
                session.receive_token(id, attempt, outcome, now);
            }
            Step::Cancel { call } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                session.cancel(id);
                if let Some(t) = calls.get_mut(&id.0) {
                    t.out = None;
                }
            }
            Step::TakePersist => {
                let _ = session.take_persist();
            }
        }
    }
    assert!(session.active_calls() <= order.len());
}

/// Polls `id` and checks what comes back.
fn poll(
    session: &mut Session,
    calls: &mut BTreeMap<u64, Tracked>,
    id: CallId,
    now: Timestamp,
    bases: &[String; 2],
    repeated: bool,
) {
    let action = session.poll(id, now);
    let Some(tracked) = calls.get_mut(&id.0) else {
        assert!(
            matches!(action, Action::Done(Err(Error::Transport { .. }))),
            "{action:?}"
        );
        return;
    };
    match action {
        Action::Send { attempt, request } => {
            tracked.sends += 1;
            assert!(
                tracked.sends <= MAX_SENDS_PER_CALL,
                "call {id:?} sent {} requests",
                tracked.sends
            );
            tracked.out = Some((attempt, true));
            tracked.last_attempt = Some(attempt);
            if let Some(auth) = request.headers().get(http::header::AUTHORIZATION) {
                if auth.as_bytes().starts_with(b"Bearer ") {
                    let api_url = session.tokens().and_then(|t| t.api_url.clone());
                    let trusted = bases.iter().map(String::as_str).chain(api_url.as_deref());
                    assert!(
                        may_carry_token(request.uri(), trusted),
                        "the token went to {}",
                        request.uri()
                    );
                }
            }
            match session.poll(id, now) {
                Action::Wait { .. } => {}
                again => panic!("polled again after Send without an answer: {again:?}"),
            }
        }
        Action::FetchToken { attempt } => {
            tracked.out = Some((attempt, false));
            tracked.last_attempt = Some(attempt);
        }
        // The scripts share no store: the host's read finds it empty.
        Action::LoadTokens { attempt } => {
            tracked.last_attempt = Some(attempt);
            session.receive_stored(id, attempt, Ok(None), now);
        }
        // With a request out the host owes an answer (or enforces the
        // deadline and cancels); otherwise a due Wait must lead somewhere.
        Action::Wait { until: Some(t) } if t <= now && tracked.out.is_none() => {
            assert!(
                !repeated,
                "Wait until {t:?} at {now:?}, twice: a host would spin"
            );
            poll(session, calls, id, now, bases, true);
        }
        Action::Wait { .. } => {}
        Action::Done(_) => {
            calls.remove(&id.0);
            assert!(matches!(
                session.poll(id, now),
                Action::Done(Err(Error::Transport { .. }))
            ));
        }
    }
}

/// The attempt to answer: the one out, or (stale) the last one seen.
fn attempt_of(calls: &mut BTreeMap<u64, Tracked>, id: CallId, stale: bool) -> Option<AttemptId> {
    let tracked = calls.get_mut(&id.0)?;
    if stale {
        return tracked.last_attempt;
    }
    tracked.out.take().map(|(attempt, _)| attempt)
}

fn tokens(expires_in_s: Option<u16>, now: Timestamp, api_url: Option<String>) -> TokenSet {
    TokenSet {
        access_token: Secret::new("fuzz-access"),
        refresh_token: Some(Secret::new("fuzz-refresh")),
        token_type: "bearer".to_owned(),
        scopes: Vec::new(),
        expires_at: expires_in_s.map(|s| now.saturating_add(Duration::from_secs(u64::from(s)))),
        api_url,
    }
}

/// The required path and query parameters with plain valid values, so calls
/// get past building and into the driver.
fn minimal_params(op: &catalog::Operation) -> Value {
    let mut map = Map::new();
    for p in op.params.iter().filter(|p| p.required) {
        let value = match &p.schema {
            Schema::Integer {
                enum_values,
                minimum,
                ..
            } => enum_values
                .first()
                .map(|v| Value::from(*v))
                .unwrap_or_else(|| Value::from(minimum.unwrap_or(1.0) as i64)),
            Schema::Boolean => Value::Bool(true),
            Schema::String { enum_values, .. } => Value::String(
                enum_values
                    .first()
                    .cloned()
                    .unwrap_or_else(|| match p.location {
                        ParamLocation::Path => "id1".to_owned(),
                        ParamLocation::Query => "2026-01-01".to_owned(),
                    }),
            ),
            _ => Value::String("x".to_owned()),
        };
        map.insert(p.name.clone(), value);
    }
    Value::Object(map)
}
