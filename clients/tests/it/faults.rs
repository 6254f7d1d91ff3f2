//! The fault matrix (fault_matrix.json, shared with the Node and Python
//! suites) against both Rust clients. Every verdict is read from the mock's
//! request log: how many attempts reached the path, which operation each
//! matched, how often a write reached the handler, and the error variant the
//! caller got.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::runtime::Runtime;
use zoom_phone_client::Error;
use zoom_phone_mock::{LoggedRequest, MockServer};

use crate::client_support::{ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, quick_retry, start};

const MATRIX: &str = include_str!("../../../core/tests/it/fault_matrix.json");

/// A scenario's call, carried out by one of the clients.
pub enum Call<'a> {
    One { op: &'a str, params: Value },
    Walk { op: &'a str, params: Value },
}

/// The mock on its own runtime, driven from the (blocking) test thread.
pub struct Mock {
    pub rt: Runtime,
    pub server: MockServer,
    pub admin: Admin,
}

impl Mock {
    pub fn start() -> Mock {
        let rt = Runtime::new().expect("a runtime for the mock");
        let server = rt.block_on(start());
        let admin = rt.block_on(async { Admin::new(&server) });
        Mock { rt, server, admin }
    }

    pub fn admin(&self, method: &str, route: &str, body: Value) -> Value {
        self.rt.block_on(self.admin.call(method, route, body))
    }

    pub fn log(&self) -> Vec<LoggedRequest> {
        self.server.request_log()
    }
}

/// What the matrix run saw, for the report line.
#[derive(Default)]
struct Tally {
    scenarios: usize,
    faults: u64,
    checked: usize,
}

/// The class of an error, in the matrix's words.
fn kind(e: &Error) -> (&'static str, Option<u16>) {
    match e {
        Error::Api(a) if a.status == 429 => ("rate_limit", Some(429)),
        Error::Api(a) => ("api", Some(a.status)),
        Error::DailyLimitExceeded { .. } => ("daily_limit", Some(429)),
        Error::Transport { .. } => ("transport", None),
        Error::Timeout => ("timeout", None),
        Error::Decode(_) => ("decode", None),
        Error::PageTokenExpired => ("page_token_expired", None),
        Error::OAuth(_) => ("oauth", None),
        Error::Build(_) => ("build", None),
        _ => ("other", None),
    }
}

/// The builder every scenario starts from (a macro: the builder's client
/// trait is sealed).
macro_rules! configure {
    ($builder:expr, $mock:expr, $scenario:expr) => {{
        let (mock, scenario): (&Mock, &Value) = ($mock, $scenario);
        let mut policy = quick_retry();
        policy.retry_non_idempotent = scenario["retry_non_idempotent"].as_bool().unwrap_or(false);
        let mut b = $builder
            .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
            .oauth_base(mock.server.url())
            .base_url(mock.server.api_url())
            .retry(policy);
        if let Some(ms) = scenario["attempt_timeout_ms"].as_u64() {
            b = b.attempt_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = scenario["deadline_ms"].as_u64() {
            b = b.timeout(Duration::from_millis(ms));
        }
        b.build().expect("client builds")
    }};
}

/// Runs every scenario with `run` (one client call per scenario, built by
/// the host from the scenario) and checks it against the log.
fn run_matrix(host: &str, run: impl Fn(&Mock, &Value, Call<'_>) -> Result<(), Error>) {
    let matrix: Value = serde_json::from_str(MATRIX).expect("the matrix parses");
    let max_attempts = matrix["max_attempts"].as_u64().expect("max_attempts") as usize;
    let mock = Mock::start();
    let mut tally = Tally::default();
    for s in matrix["scenarios"].as_array().expect("scenarios") {
        let name = s["name"].as_str().expect("a name");
        mock.admin("POST", "reset", json!({}));
        if let Some(limits) = s["setup"].get("rate_limits") {
            mock.admin("PUT", "rate_limits", limits.clone());
        }
        if let Some(config) = s["setup"].get("config") {
            mock.admin("PATCH", "config", config.clone());
        }
        let spec = &matrix[s["call"].as_str().expect("call")];
        let (op, path, method) = (
            spec["op"].as_str().expect("op"),
            spec["path"].as_str().expect("path"),
            spec["method"].as_str().expect("method"),
        );
        let call = |which: &str| {
            let spec = &matrix[which];
            let op = spec["op"].as_str().expect("op");
            if which == "walk" {
                Call::Walk {
                    op,
                    params: spec["params"].clone(),
                }
            } else {
                Call::One {
                    op,
                    params: spec["params"].clone(),
                }
            }
        };
        for before in s["before"].as_array().into_iter().flatten() {
            run(&mock, s, call(before.as_str().expect("before")))
                .unwrap_or_else(|e| panic!("{host} / {name}: the call before failed: {e}"));
        }
        mock.server.clear_request_log();
        let mut queued = 0;
        let mut latency = 0;
        for f in s["faults"].as_array().expect("faults") {
            let mut f = f.clone();
            f["path"] = json!(path);
            queued += f["count"].as_u64().unwrap_or(1);
            latency = latency.max(f["ms"].as_u64().unwrap_or(0));
            mock.rt.block_on(mock.admin.fault(f));
        }

        let outcome = run(&mock, s, call(s["call"].as_str().expect("call")));
        // A slow answer the client gave up on is logged when the mock sends it.
        if latency > 0 {
            let wait = Duration::from_millis(latency + 300);
            mock.rt.block_on(async { tokio::time::sleep(wait).await });
        }

        let left: u64 = mock
            .admin("GET", "faults", Value::Null)
            .as_array()
            .expect("faults list")
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum();
        tally.faults += queued - left;
        let log = mock.log();
        let hits: Vec<&LoggedRequest> = log.iter().filter(|r| r.path.starts_with("/v2")).collect();
        tally.checked += hits.len();
        for r in &hits {
            assert_eq!(
                r.path, path,
                "{host} / {name}: only the call's path was hit"
            );
            assert_eq!(r.method, method, "{host} / {name}");
            assert_eq!(
                r.operation.as_deref(),
                Some(op),
                "{host} / {name}: matched {op}"
            );
        }
        let attempts = s["attempts"].as_u64().expect("attempts") as usize;
        assert!(attempts <= max_attempts, "{name}: the matrix itself");
        assert_eq!(
            hits.len(),
            attempts,
            "{host} / {name}: attempts on the wire: {:?}",
            hits.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        if method == "POST" && !s["retry_non_idempotent"].as_bool().unwrap_or(false) {
            let performed = hits.iter().filter(|r| r.status != 429).count();
            assert!(
                performed <= 1,
                "{host} / {name}: a write performed {performed} times"
            );
        }
        match (s["expect"].as_str().expect("expect"), &outcome) {
            ("ok", Ok(())) => {
                assert!((200..300).contains(&hits.last().map_or(0, |r| r.status)));
            }
            ("ok", Err(e)) => panic!("{host} / {name}: expected success, got {e:?}"),
            (want, Ok(())) => panic!("{host} / {name}: expected {want}, got success"),
            (want, Err(e)) => {
                let (got, status) = kind(e);
                assert_eq!(got, want, "{host} / {name}: {e:?}");
                if let Some(want) = s["status"].as_u64() {
                    assert_eq!(status.map(u64::from), Some(want), "{host} / {name}: {e:?}");
                }
            }
        }
        tally.scenarios += 1;
    }
    println!(
        "fault matrix ({host}): {} scenarios, {} faults injected, {} requests checked from the log",
        tally.scenarios, tally.faults, tally.checked
    );
    assert_eq!(tally.scenarios, 20);
}

#[cfg(feature = "async")]
#[test]
fn async_client_fault_matrix() {
    use futures_util::StreamExt;
    use zoom_phone_client::ZoomPhone;
    run_matrix("async", |mock, s, call| {
        let zp = configure!(ZoomPhone::builder(), mock, s);
        mock.rt.block_on(async move {
            match call {
                Call::One { op, params } => zp.call(op, params).await.map(|_| ()),
                Call::Walk { op, params } => {
                    let mut pages = zp.paginate(op, params);
                    while let Some(item) = pages.next().await {
                        item?;
                    }
                    Ok(())
                }
            }
        })
    });
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_client_fault_matrix() {
    use zoom_phone_client::blocking::ZoomPhone;
    run_matrix("blocking", |mock, s, call| {
        let zp = configure!(ZoomPhone::builder(), mock, s);
        match call {
            Call::One { op, params } => zp.call(op, params).map(|_| ()),
            Call::Walk { op, params } => {
                for item in zp.paginate(op, params) {
                    item?;
                }
                Ok(())
            }
        }
    });
}
