//! The sans-IO driver under any sequence of host events: calls started,
//! answered with outcomes of every kind (any status, headers and body,
//! transport failures, token source answers, store answers, outcomes that
//! answer nothing the call has out), cancelled, abandoned, woken, with time
//! moving on.
//!
//! Invariants: no panic; every step hands out exactly one action; a `Wait`
//! is never already due (a host would spin); a bearer token goes only to a
//! Zoom host, a configured base URL or the token's own `api_url`; a finished
//! call is forgotten (a late outcome is an internal error, not a panic); no
//! call sends more than `MAX_SENDS_PER_CALL` requests.
#![no_main]

use std::collections::BTreeMap;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use zoom_phone::auth::{TokenSet, TokenSourceFailure};
use zoom_phone::catalog::{self, ParamLocation, Schema};
use zoom_phone::config::{Credentials, HostConfig, StoreMode};
use zoom_phone::driver::{
    Action, CallId, CallOptions, CallRequest, Cancelled, Outcome, Session, Step as CoreStep,
    may_carry_token,
};
use zoom_phone::error::{ErrorClass, TransportFailure};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Secret, Timestamp};
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
        timeout_ms: Option<u32>,
        retry_non_idempotent: bool,
    },
    Download {
        url: UrlChoice,
    },
    Advance {
        ms: u32,
    },
    Respond {
        call: u8,
        status: u16,
        headers: Vec<HeaderChoice>,
        body: BodyChoice,
    },
    Fail {
        call: u8,
        kind: u8,
    },
    TooLarge {
        call: u8,
    },
    Token {
        call: u8,
        ok: bool,
        expires_in_s: Option<u16>,
        api_url: Option<UrlChoice>,
    },
    Store {
        call: u8,
        answer: StoreAnswer,
    },
    Wake {
        call: u8,
    },
    Expire {
        call: u8,
    },
    Cancel {
        call: u8,
    },
    Abandon {
        call: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum StoreAnswer {
    Locked,
    Empty,
    Tokens { expires_in_s: Option<u16> },
    Written,
    Unlocked,
    Failed,
    /// The lock is held elsewhere.
    LockBusy,
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

/// What the host knows of a call: the action it has out, and how many
/// requests it sent.
struct Tracked {
    out: Option<Action>,
    sends: usize,
}

fuzz_target!(|script: Script| run(script));

fn run(script: Script) {
    let credentials = match script.auth {
        AuthChoice::Fixed => Credentials::AccessToken(Secret::new("fuzz-fixed-token")),
        AuthChoice::ServerToServer => Credentials::ServerToServer {
            account_id: "account".into(),
            client_id: "client".into(),
            client_secret: Secret::new("secret"),
        },
        AuthChoice::Refresh { expires_in_s } => Credentials::UserTokens {
            client_id: "client".into(),
            client_secret: Some(Secret::new("secret")),
            tokens: tokens(expires_in_s, Timestamp::from_millis(START), None),
        },
        AuthChoice::External => Credentials::TokenSource,
    };
    let mut config = HostConfig::new(credentials);
    config.lifecycle.renewal_timeout = Duration::from_secs(30);
    // The seed's low bits pick a store mode, without another field that
    // would reshuffle the committed seeds.
    config.token_store = match script.seed % 3 {
        0 => StoreMode::None,
        1 => StoreMode::Shared,
        _ => StoreMode::Private,
    };
    config.seed = script.seed;
    config.rate_limits = script.limits.then(PlanLimits::pro);
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
        let (id, outcome) = match step {
            Step::Start {
                op,
                timeout_ms,
                retry_non_idempotent,
            } => {
                let ops = catalog::operations();
                let op = &ops[usize::from(op) % ops.len()];
                let mut options = CallOptions::default().retry_non_idempotent(retry_non_idempotent);
                if let Some(ms) = timeout_ms {
                    options = options.timeout(Duration::from_millis(u64::from(ms)));
                }
                let call =
                    CallRequest::operation(op.id.clone(), minimal_params(op)).with_options(options);
                let (id, step) = session.start(call, now);
                order.push(id);
                calls.insert(
                    id.0,
                    Tracked {
                        out: None,
                        sends: 0,
                    },
                );
                take(&mut session, &mut calls, id, step, now, &bases);
                continue;
            }
            Step::Download { url } => {
                let (id, step) = session.start(CallRequest::download(url.text()), now);
                order.push(id);
                calls.insert(
                    id.0,
                    Tracked {
                        out: None,
                        sends: 0,
                    },
                );
                take(&mut session, &mut calls, id, step, now, &bases);
                continue;
            }
            Step::Advance { ms } => {
                now = now.saturating_add(Duration::from_millis(u64::from(ms)));
                continue;
            }
            Step::Respond {
                call,
                status,
                headers,
                body,
            } => {
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
                (pick(&order, call), Outcome::Response(response))
            }
            Step::Fail { call, kind } => {
                let kind = match kind % 4 {
                    0 => TransportErrorKind::Connect,
                    1 => TransportErrorKind::Reset,
                    2 => TransportErrorKind::Timeout,
                    _ => TransportErrorKind::Other,
                };
                (
                    pick(&order, call),
                    Outcome::Failed(TransportFailure::new(kind, "fuzz")),
                )
            }
            Step::TooLarge { call } => (pick(&order, call), Outcome::TooLarge),
            Step::Token {
                call,
                ok,
                expires_in_s,
                api_url,
            } => {
                let answer = if ok {
                    Ok(tokens(expires_in_s, now, api_url.map(|u| u.text())))
                } else {
                    Err(TokenSourceFailure::new("fuzz"))
                };
                (pick(&order, call), Outcome::Token(answer))
            }
            Step::Store { call, answer } => {
                let outcome = match answer {
                    StoreAnswer::Locked => Outcome::Locked,
                    StoreAnswer::Empty => Outcome::Stored(None),
                    StoreAnswer::Tokens { expires_in_s } => {
                        Outcome::Stored(Some(tokens(expires_in_s, now, None)))
                    }
                    StoreAnswer::Written => Outcome::Written,
                    StoreAnswer::Unlocked => Outcome::Unlocked,
                    StoreAnswer::Failed => Outcome::StoreFailed("fuzz".to_owned()),
                    StoreAnswer::LockBusy => Outcome::LockBusy,
                };
                (pick(&order, call), outcome)
            }
            Step::Wake { call } => (pick(&order, call), Outcome::Woken),
            Step::Expire { call } => (pick(&order, call), Outcome::Expired),
            Step::Cancel { call } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                match session.cancel(id, now) {
                    Cancelled::Gone => {
                        calls.remove(&id.0);
                    }
                    Cancelled::Finishing => {}
                    Cancelled::Perform(step) => {
                        take(&mut session, &mut calls, id, *step, now, &bases)
                    }
                }
                continue;
            }
            Step::Abandon { call } => {
                let Some(id) = pick(&order, call) else {
                    continue;
                };
                let _ = session.abandon(id, now);
                calls.remove(&id.0);
                continue;
            }
        };
        let Some(id) = id else {
            continue;
        };
        let known = calls.contains_key(&id.0);
        let expired = matches!(outcome, Outcome::Expired);
        let step = session.handle(id, outcome, now);
        if !known {
            // A call the host already saw end: an internal error, nothing else.
            assert!(
                matches!(&step.action, Action::Done(Err(e)) if e.class() == ErrorClass::Internal),
                "{:?}",
                step.action
            );
            continue;
        }
        take_after(&mut session, &mut calls, id, step, now, &bases, expired);
    }
    assert!(session.active_calls() <= order.len());
}

/// Records the action a step hands out for `id` and checks it.
fn take(
    session: &mut Session,
    calls: &mut BTreeMap<u64, Tracked>,
    id: CallId,
    step: CoreStep,
    now: Timestamp,
    bases: &[String; 2],
) {
    take_after(session, calls, id, step, now, bases, false);
}

/// [`take`] of the step that answered `Expired` (`expired`): its `Done` ends
/// only the caller's wait, the call stays to finish its detached action.
fn take_after(
    session: &mut Session,
    calls: &mut BTreeMap<u64, Tracked>,
    id: CallId,
    step: CoreStep,
    now: Timestamp,
    bases: &[String; 2],
    expired: bool,
) {
    let Some(tracked) = calls.get_mut(&id.0) else {
        return;
    };
    match &step.action {
        Action::Send(send) => {
            tracked.sends += 1;
            assert!(
                tracked.sends <= MAX_SENDS_PER_CALL,
                "call {id:?} sent {} requests",
                tracked.sends
            );
            if let Some(auth) = send.request.headers().get(http::header::AUTHORIZATION) {
                if auth.as_bytes().starts_with(b"Bearer ") {
                    let api_url = session.tokens().and_then(|t| t.api_url.clone());
                    let trusted = bases.iter().map(String::as_str).chain(api_url.as_deref());
                    assert!(
                        may_carry_token(send.request.uri(), trusted),
                        "the token went to {}",
                        send.request.uri()
                    );
                }
            }
        }
        Action::Wait { until } => {
            assert!(
                *until > now,
                "Wait until {until:?} at {now:?}: a host would spin"
            );
        }
        Action::Done(result) => {
            let zombie = expired && !matches!(result, Err(e) if e.class() == ErrorClass::Internal);
            if !zombie {
                calls.remove(&id.0);
            }
            return;
        }
        _ => {}
    }
    tracked.out = Some(step.action);
}

fn tokens(expires_in_s: Option<u16>, now: Timestamp, api_url: Option<String>) -> TokenSet {
    let expires_at = expires_in_s.map(|s| now.saturating_add(Duration::from_secs(u64::from(s))));
    let mut tokens = TokenSet::new("fuzz-access", expires_at).with_refresh_token("fuzz-refresh");
    tokens.api_url = api_url;
    tokens
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
                        _ => "2026-01-01".to_owned(),
                    }),
            ),
            _ => Value::String("x".to_owned()),
        };
        map.insert(p.name.clone(), value);
    }
    Value::Object(map)
}
