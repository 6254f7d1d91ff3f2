//! A deterministic host for the driver: a scripted fake Zoom that records
//! every request, a fake clock, a fake token store with a lock, and a host
//! loop that runs many calls at once by interleaving their actions and
//! jumping the clock to the earliest wake-up or reply. No sockets, no sleeps.
//! It speaks the protocol exactly as a real host must: performs each action,
//! reports its outcome, wakes the waiters when a step says `wake`.

use std::time::Duration;

use http::Response;
use serde_json::{Value, json};
use zoom_phone::auth::{TokenSet, TokenSourceFailure};
use zoom_phone::config::{Credentials, HostConfig};
use zoom_phone::driver::{Action, CallId, CallRequest, Event, Outcome, Session, Step};
use zoom_phone::error::TransportFailure;
use zoom_phone::response::{self, Output};
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Secret, Timestamp};

pub const T0: u64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z

pub fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(T0 + ms)
}

/// One request as the fake Zoom saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Timestamp,
    pub method: String,
    pub url: String,
    pub authorization: Option<String>,
    pub headers: http::HeaderMap,
    pub body: String,
    pub timeout: Duration,
    pub detached: bool,
}

impl Seen {
    pub fn is_token(&self) -> bool {
        self.url.ends_with("/oauth/token")
    }

    pub fn query(&self, key: &str) -> Option<String> {
        let query = self.url.split_once('?')?.1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    pub fn form(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.body.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
}

pub enum Reply {
    Http(Response<Vec<u8>>),
    Fail(TransportErrorKind),
    /// The answer arrives this much later than the usual latency.
    Slow(Duration, Box<Reply>),
    /// The host's body cap refused it.
    TooLarge,
}

pub fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Reply::Http(b.body(body.to_vec()).unwrap())
}

pub fn json_reply(status: u16, headers: &[(&str, &str)], body: Value) -> Reply {
    let mut h = headers.to_vec();
    h.push(("content-type", "application/json"));
    reply(status, &h, body.to_string().as_bytes())
}

pub fn ok_json(body: Value) -> Reply {
    json_reply(200, &[], body)
}

pub fn token_reply(access: &str) -> Reply {
    ok_json(json!({"access_token": access, "token_type": "bearer", "expires_in": 3600}))
}

pub fn zoom_error(status: u16, code: i64, message: &str) -> Reply {
    json_reply(status, &[], json!({"code": code, "message": message}))
}

pub fn tokens(access: &str, refresh: Option<&str>, expires_at: Timestamp) -> TokenSet {
    let tokens = TokenSet::new(access, Some(expires_at));
    match refresh {
        Some(r) => tokens.with_refresh_token(r),
        None => tokens,
    }
}

pub fn s2s() -> Credentials {
    Credentials::ServerToServer {
        account_id: "acct-1".into(),
        client_id: "client-1".into(),
        client_secret: Secret::new("client-secret-1"),
    }
}

pub fn user(start: TokenSet) -> Credentials {
    Credentials::UserTokens {
        client_id: "client-1".into(),
        client_secret: Some(Secret::new("client-secret-1")),
        tokens: start,
    }
}

/// The defaults, a fixed jitter seed, these credentials.
pub fn config(credentials: Credentials) -> HostConfig {
    let mut c = HostConfig::new(credentials);
    c.seed = 42;
    c
}

pub fn session(config: HostConfig) -> Session {
    Session::new(config).unwrap()
}

/// A server-to-server session holding a token good for an hour.
pub fn fresh_session() -> Session {
    let mut s = session(config(s2s()));
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    s
}

type Script = Box<dyn FnMut(&Seen) -> Reply>;
type Source = Box<dyn FnMut() -> Result<TokenSet, String>>;

enum St {
    /// An action to perform now.
    Act(Box<Action>),
    InFlight,
    Sleeping(Timestamp, bool),
    /// Waiting for the store's lock.
    Locking,
    Done,
}

/// A host loop over one session, a scripted Zoom and a fake store.
pub struct Sim {
    pub session: Session,
    pub now: Timestamp,
    /// Time between sending a request and its answer arriving.
    pub latency: Duration,
    script: Script,
    pub seen: Vec<Seen>,
    /// What the fake store holds.
    pub store: Option<TokenSet>,
    /// Every token set written to the store.
    pub persisted: Vec<TokenSet>,
    /// Every store action, in order: `lock`, `read`, `write`, `unlock`.
    pub store_log: Vec<&'static str>,
    /// When set, every store action fails with this.
    pub store_fails: Option<String>,
    lock_holder: Option<u64>,
    pub source: Option<Source>,
    pub events: Vec<Event>,
    pub wakes: u32,
    /// Where the fleet's scripts run (a real redis-server), if anywhere.
    pub redis: Option<crate::redis::Client>,
    /// Every shared operation's script name, in order.
    pub shared_log: Vec<&'static str>,
    /// Sleep as long as the clock jumps (for a real Redis, whose clock runs).
    pub real_time: bool,
}

impl Sim {
    pub fn new(session: Session, script: impl FnMut(&Seen) -> Reply + 'static) -> Self {
        Sim {
            session,
            now: at(0),
            latency: Duration::from_millis(10),
            script: Box::new(script),
            seen: Vec::new(),
            store: None,
            persisted: Vec::new(),
            store_log: Vec::new(),
            store_fails: None,
            lock_holder: None,
            source: None,
            events: Vec::new(),
            wakes: 0,
            redis: None,
            shared_log: Vec::new(),
            real_time: false,
        }
    }

    pub fn call(&mut self, op: &str, params: Value) -> Result<Output, Error> {
        self.run(vec![CallRequest::operation(op, params)])
            .pop()
            .unwrap()
    }

    pub fn api_requests(&self) -> Vec<&Seen> {
        self.seen.iter().filter(|s| !s.is_token()).collect()
    }

    pub fn token_requests(&self) -> usize {
        self.seen.iter().filter(|s| s.is_token()).count()
    }

    /// Runs `calls` to completion, interleaved, as a host with one task per
    /// call and a session-wide wake would.
    pub fn run(&mut self, calls: Vec<CallRequest>) -> Vec<Result<Output, Error>> {
        let mut ids = Vec::new();
        let mut st = Vec::new();
        for call in calls {
            let (id, step) = self.session.start(call, self.now);
            ids.push(id);
            let action = self.take(step, &mut st);
            st.push(St::Act(Box::new(action)));
        }
        self.drive(&ids, st)
    }

    fn take(&mut self, step: Step, st: &mut [St]) -> Action {
        self.events.extend(step.events);
        if step.wake {
            self.wakes += 1;
            for s in st.iter_mut() {
                if let St::Sleeping(_, woken) = s {
                    *woken = true;
                }
            }
        }
        step.action
    }

    fn report(&mut self, ids: &[CallId], i: usize, outcome: Outcome, st: &mut [St]) {
        let step = self.session.handle(ids[i], outcome, self.now);
        let action = self.take(step, st);
        st[i] = St::Act(Box::new(action));
    }

    fn drive(&mut self, ids: &[CallId], mut st: Vec<St>) -> Vec<Result<Output, Error>> {
        let n = ids.len();
        let mut results: Vec<Option<Result<Output, Error>>> = (0..n).map(|_| None).collect();
        let mut flying: Vec<(Timestamp, usize, Reply)> = Vec::new();
        loop {
            let mut progressed = true;
            while progressed {
                progressed = false;
                for i in 0..n {
                    match std::mem::replace(&mut st[i], St::InFlight) {
                        St::Act(action) => {
                            progressed = true;
                            self.perform(ids, i, *action, &mut st, &mut flying, &mut results);
                        }
                        St::Sleeping(t, woken) if woken || self.now >= t => {
                            progressed = true;
                            self.report(ids, i, Outcome::Woken, &mut st);
                        }
                        St::Locking if self.lock_holder.is_none() => {
                            progressed = true;
                            self.lock_holder = Some(ids[i].0);
                            self.store_log.push("lock");
                            self.report(ids, i, Outcome::Locked, &mut st);
                        }
                        other => st[i] = other,
                    }
                }
            }
            if st.iter().all(|s| matches!(s, St::Done)) {
                break;
            }
            let next_reply = flying.iter().map(|f| f.0).min();
            let next_wake = st
                .iter()
                .filter_map(|s| match s {
                    St::Sleeping(t, _) => Some(*t),
                    _ => None,
                })
                .min();
            let next = next_reply
                .into_iter()
                .chain(next_wake)
                .min()
                .expect("deadlock: calls wait for nothing");
            if self.real_time && next > self.now {
                #[allow(clippy::disallowed_methods)] // a real Redis's clock runs on
                std::thread::sleep(next.saturating_duration_since(self.now));
            }
            self.now = self.now.max(next);
            let mut i = 0;
            while i < flying.len() {
                if flying[i].0 <= self.now {
                    let (_, call, answer) = flying.remove(i);
                    let outcome = match answer {
                        Reply::Http(r) => Outcome::Response(r),
                        Reply::Fail(kind) => {
                            Outcome::Failed(TransportFailure::new(kind, "simulated failure"))
                        }
                        Reply::TooLarge => Outcome::TooLarge,
                        Reply::Slow(..) => unreachable!("unwrapped when sent"),
                    };
                    self.report(ids, call, outcome, &mut st);
                } else {
                    i += 1;
                }
            }
        }
        results.into_iter().map(Option::unwrap).collect()
    }

    fn perform(
        &mut self,
        ids: &[CallId],
        i: usize,
        action: Action,
        st: &mut [St],
        flying: &mut Vec<(Timestamp, usize, Reply)>,
        results: &mut [Option<Result<Output, Error>>],
    ) {
        let store_failure = self.store_fails.clone();
        match action {
            Action::Send(send) => {
                let request = send.request;
                let seen = Seen {
                    at: self.now,
                    method: request.method().to_string(),
                    url: request.uri().to_string(),
                    authorization: request
                        .headers()
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned()),
                    headers: request.headers().clone(),
                    body: String::from_utf8_lossy(request.body()).into_owned(),
                    timeout: send.timeout,
                    detached: send.detached,
                };
                let mut answer = (self.script)(&seen);
                let mut delay = self.latency;
                while let Reply::Slow(extra, inner) = answer {
                    delay += extra;
                    answer = *inner;
                }
                self.seen.push(seen);
                flying.push((self.now.saturating_add(delay), i, answer));
                st[i] = St::InFlight;
            }
            Action::FetchToken { .. } => {
                let answer = match self.source.as_mut() {
                    Some(source) => source(),
                    None => Err("no token source in this simulation".to_owned()),
                };
                self.report(
                    ids,
                    i,
                    Outcome::Token(answer.map_err(TokenSourceFailure::new)),
                    st,
                );
            }
            Action::LockStore { .. } => match store_failure {
                Some(m) => self.report(ids, i, Outcome::StoreFailed(m), st),
                None if self.lock_holder.is_none() => {
                    self.lock_holder = Some(ids[i].0);
                    self.store_log.push("lock");
                    self.report(ids, i, Outcome::Locked, st);
                }
                None => st[i] = St::Locking,
            },
            Action::ReadStore { .. } => {
                self.store_log.push("read");
                let outcome = match store_failure {
                    Some(m) => Outcome::StoreFailed(m),
                    None => Outcome::Stored(self.store.clone()),
                };
                self.report(ids, i, outcome, st);
            }
            Action::WriteStore { tokens, .. } => {
                self.store_log.push("write");
                let outcome = match store_failure {
                    Some(m) => Outcome::StoreFailed(m),
                    None => {
                        self.store = Some(tokens.clone());
                        self.persisted.push(tokens);
                        Outcome::Written
                    }
                };
                self.report(ids, i, outcome, st);
            }
            Action::UnlockStore => {
                self.store_log.push("unlock");
                assert_eq!(self.lock_holder, Some(ids[i].0), "unlock by a non-holder");
                self.lock_holder = None;
                self.report(ids, i, Outcome::Unlocked, st);
            }
            Action::Shared(op) => {
                self.shared_log.push(op.script.name);
                let reply = match self.redis.as_mut() {
                    Some(client) => client.run(&op),
                    None => Err("no redis in this simulation".to_owned()),
                };
                self.report(ids, i, Outcome::Shared(reply), st);
            }
            Action::Wait { until } => {
                assert!(until > self.now, "a wait that is already over: {until:?}");
                st[i] = St::Sleeping(until, false);
            }
            Action::Done(result) => {
                results[i] = Some(result.and_then(|r| response::into_value("sim", r)));
                st[i] = St::Done;
            }
            other => panic!("an action this host does not know: {other:?}"),
        }
    }
}

/// Steps one call by hand: `start`, then `handle` with each outcome.
pub fn first(s: &mut Session, op: &str, params: Value, now: Timestamp) -> (CallId, Step) {
    s.start(CallRequest::operation(op, params), now)
}

/// An HTTP answer as an outcome.
pub fn answer(r: Reply) -> Outcome {
    match r {
        Reply::Http(r) => Outcome::Response(r),
        Reply::Fail(kind) => Outcome::Failed(TransportFailure::new(kind, "simulated failure")),
        Reply::TooLarge => Outcome::TooLarge,
        Reply::Slow(_, inner) => answer(*inner),
    }
}
