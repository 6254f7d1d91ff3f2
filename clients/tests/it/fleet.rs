//! The fleet (feature `redis`) against a real redis-server (Debian's; `make
//! redis` installs it) and the mock, whose request log is the referee:
//! clients on one Redis share Zoom's Pro budget (no 429) and one token; a
//! user's rotating refresh token is renewed once per expiry across them,
//! never sent spent; Redis killed and restarted (calls go on, the outage
//! said once, the fleet rejoined, the scripts loaded again); a Redis that
//! never answers costs a call only the fleet's timeout. The async and the
//! blocking client take part side by side, as workers of one fleet would.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use zoom_phone::date::Date;
use zoom_phone_client::{
    Builder, Client, FleetConfig, LogLevel, MemoryStore, PlanLimits, RedisFleet, ShardOptions,
    Span, ZoomPhone,
};
use zoom_phone_client::{blocking, redis};
use zoom_phone_mock::{MockConfig, MockServer, RateLimitConfig};

use crate::client_support::{
    ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, requests, start, start_with,
};
use crate::shared_store::{check_refreshes, config, user_tokens};

/// A throwaway redis-server on a free loopback port, without persistence;
/// killed (not shut down) for an outage, back empty on the same port, and
/// killed when dropped.
struct Redis {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Redis {
    fn start() -> Redis {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("zp-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch dir");
        let mut redis = Redis {
            port,
            dir,
            child: None,
        };
        redis.up();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn fleet(&self) -> RedisFleet {
        RedisFleet::open(&self.url()).expect("a Redis URL")
    }

    fn up(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (not installed? `make redis`)");
        self.child = Some(child);
        let end = Instant::now() + Duration::from_secs(10);
        while !self.pong() {
            assert!(Instant::now() < end, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pong(&self) -> bool {
        let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        let mut answer = [0u8; 5];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut answer).is_ok() && &answer == b"+PONG"
    }

    /// An outage: the server is gone, its keys and scripts with it.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn restart(&mut self) {
        self.kill();
        self.up();
    }

    /// A command of the test's own (`SCRIPT FLUSH`, `INFO`).
    fn command(&self, args: &[&str]) -> redis::Value {
        let client = redis::Client::open(self.url()).unwrap();
        let mut connection = client.get_connection().unwrap();
        let mut cmd = redis::cmd(args[0]);
        for a in &args[1..] {
            cmd.arg(*a);
        }
        cmd.query(&mut connection).unwrap()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The names of the log events a client's calls produced (`tracing`,
/// collected on the threads the client runs on).
#[derive(Clone, Default)]
struct Names(Arc<Mutex<Vec<String>>>);

struct EventField(Option<String>);

impl tracing::field::Visit for EventField {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "event" {
            self.0 = Some(format!("{value:?}").trim_matches('"').to_owned());
        }
    }
}

impl tracing::Subscriber for Names {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::DEBUG)
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut name = EventField(None);
        event.record(&mut name);
        if let Some(name) = name.0 {
            self.0.lock().unwrap().push(name);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Names {
    fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, name: &str) -> usize {
        self.seen().iter().filter(|n| *n == name).count()
    }
}

static PREFIXES: AtomicU64 = AtomicU64::new(0);

/// A prefix of the test's own: tests share no keys.
fn prefix() -> String {
    format!(
        "t{}-{}",
        PREFIXES.fetch_add(1, Ordering::SeqCst),
        std::process::id()
    )
}

/// A fleet member's settings: the mock's account, Pro's limits, share 0.7
/// (the fleet then spaces its calls 0.43 s clear of the mock's window
/// edges, so a test machine busy with other builds does not land two
/// spaced calls in one window).
fn member<C: Client>(
    builder: Builder<C>,
    server: &MockServer,
    fleet: &FleetConfig,
    redis: RedisFleet,
) -> Result<C, zoom_phone_client::Error>
where
    Builder<C>: Build<C>,
{
    builder
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .rate_limits(PlanLimits::pro())
        .log_level(LogLevel::Info)
        .fleet(fleet.clone().with_share(0.7), redis)
        .finish()
}

/// `build()` of either client's builder.
trait Build<C> {
    fn finish(self) -> Result<C, zoom_phone_client::Error>;
}

impl Build<ZoomPhone> for Builder<ZoomPhone> {
    fn finish(self) -> Result<ZoomPhone, zoom_phone_client::Error> {
        self.build()
    }
}

impl Build<blocking::ZoomPhone> for Builder<blocking::ZoomPhone> {
    fn finish(self) -> Result<blocking::ZoomPhone, zoom_phone_client::Error> {
        self.build()
    }
}

/// Calls `listPhoneSites` until `stop`, counting answers and failures.
#[derive(Default)]
struct Loop {
    ok: AtomicU64,
    failures: Mutex<Vec<String>>,
}

impl Loop {
    fn answer(&self, answer: Result<zoom_phone_client::Output, zoom_phone_client::Error>) {
        match answer {
            Ok(_) => {
                self.ok.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => self.failures.lock().unwrap().push(e.to_string()),
        }
    }

    fn ok(&self) -> u64 {
        self.ok.load(Ordering::SeqCst)
    }
}

/// Runs an async client's calls on a thread of its own (a current-thread
/// runtime: every log event of the client is raised there) until `stop`.
fn async_member(
    zp: ZoomPhone,
    names: Names,
    tally: Arc<Loop>,
    stop: Arc<AtomicBool>,
    in_flight: usize,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        tracing::subscriber::with_default(names, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let loops = (0..in_flight).map(|_| {
                    let (zp, tally, stop) = (zp.clone(), tally.clone(), stop.clone());
                    async move {
                        while !stop.load(Ordering::SeqCst) {
                            tally.answer(zp.call("listPhoneSites", json!({"page_size": 1})).await);
                        }
                    }
                });
                futures_util::future::join_all(loops).await;
            });
        });
    })
}

/// A blocking client's calls on `in_flight` threads until `stop`.
fn blocking_member(
    zp: blocking::ZoomPhone,
    names: Names,
    tally: Arc<Loop>,
    stop: Arc<AtomicBool>,
    in_flight: usize,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..in_flight)
        .map(|_| {
            let (zp, names, tally, stop) = (zp.clone(), names.clone(), tally.clone(), stop.clone());
            std::thread::spawn(move || {
                tracing::subscriber::with_default(names, || {
                    while !stop.load(Ordering::SeqCst) {
                        tally.answer(zp.call("listPhoneSites", json!({"page_size": 1})));
                    }
                });
            })
        })
        .collect()
}

fn api_429s(server: &MockServer) -> usize {
    requests(&server.request_log(), "GET", "/v2/")
        .iter()
        .filter(|r| r.status == 429)
        .count()
}

// Pass/fail are the properties that hold however fast the machine is: no
// 429, one token for the fleet, every call answered. How much of the budget
// the fleet uses is throughput: tools/fleet/run.py measures it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_and_a_blocking_client_on_one_redis_share_pro_limits_and_one_token() {
    let server = start_with(MockConfig {
        rate_limits: RateLimitConfig::pro(),
        ..MockConfig::default()
    })
    .await;
    let redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT).with_prefix(prefix());
    let a = member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let b = member(
        blocking::ZoomPhone::builder(),
        &server,
        &fleet,
        redis.fleet(),
    )
    .unwrap();
    let (ta, tb) = (Arc::new(Loop::default()), Arc::new(Loop::default()));
    let stop = Arc::new(AtomicBool::new(false));
    // Four calls in flight each: together they want far more than Pro's 20
    // Light calls a second.
    let mut threads = vec![async_member(
        a,
        Names::default(),
        ta.clone(),
        stop.clone(),
        4,
    )];
    threads.extend(blocking_member(
        b,
        Names::default(),
        tb.clone(),
        stop.clone(),
        4,
    ));
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        tokio::task::spawn_blocking(move || t.join().unwrap())
            .await
            .unwrap();
    }
    let log = server.request_log();
    assert_eq!(api_429s(&server), 0, "no 429 with the fleet");
    assert_eq!(
        requests(&log, "POST", "/oauth/token").len(),
        1,
        "one token request for the fleet"
    );
    for t in [&ta, &tb] {
        assert_eq!(*t.failures.lock().unwrap(), Vec::<String>::new());
        assert!(t.ok() > 0, "each client did work");
    }
    assert_eq!(
        ta.ok() + tb.ok(),
        requests(&log, "GET", "/v2/").len() as u64,
        "every request answered a call"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotating_refresh_token_is_renewed_once_per_expiry_across_clients() {
    let server = start().await;
    let admin = Admin::new(&server);
    let redis = Redis::start();
    let tokens = user_tokens(&server).await;
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_tokens("user-1");
    let asyncs: Vec<ZoomPhone> = (0..2)
        .map(|_| {
            ZoomPhone::builder()
                .user_tokens(config(&server), tokens.clone())
                .base_url(server.api_url())
                // Without the fleet a user's calls would wait for it: a
                // failure here, not a test that hangs.
                .timeout(Duration::from_secs(20))
                .fleet(fleet.clone(), redis.fleet())
                .build()
                .unwrap()
        })
        .collect();
    let sync = blocking::ZoomPhone::builder()
        .user_tokens(config(&server), tokens.clone())
        .base_url(server.api_url())
        .timeout(Duration::from_secs(20))
        .fleet(fleet, redis.fleet())
        .build()
        .unwrap();
    const ROUNDS: usize = 3;
    for _ in 0..ROUNDS {
        admin.expire_tokens().await;
        let mut calls = Vec::new();
        for zp in &asyncs {
            for _ in 0..3 {
                let zp = zp.clone();
                calls.push(tokio::spawn(async move {
                    zp.call("listPhoneUsers", json!({"page_size": 1}))
                        .await
                        .map(drop)
                }));
            }
        }
        for _ in 0..3 {
            let zp = sync.clone();
            calls.push(tokio::task::spawn_blocking(move || {
                zp.call("listPhoneUsers", json!({"page_size": 1})).map(drop)
            }));
        }
        for call in calls {
            call.await.unwrap().expect("every call succeeds");
        }
    }
    // One refresh per expiry for the three clients, each accepted, no
    // refresh token sent twice.
    assert_eq!(check_refreshes(&server.request_log()), ROUNDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_and_restarted_calls_go_on_the_outage_is_said_once_the_fleet_rejoins() {
    let server = start().await;
    let mut redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_probe(Duration::from_millis(200));
    let a = member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let b = member(
        blocking::ZoomPhone::builder(),
        &server,
        &fleet,
        redis.fleet(),
    )
    .unwrap();
    let (na, nb) = (Names::default(), Names::default());
    let (ta, tb) = (Arc::new(Loop::default()), Arc::new(Loop::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = vec![async_member(a, na.clone(), ta.clone(), stop.clone(), 2)];
    threads.extend(blocking_member(b, nb.clone(), tb.clone(), stop.clone(), 2));
    let ok = || ta.ok() + tb.ok();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = ok();
    redis.kill();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = ok();
    redis = tokio::task::spawn_blocking(move || {
        redis.restart();
        redis
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        tokio::task::spawn_blocking(move || t.join().unwrap())
            .await
            .unwrap();
    }
    let after = ok();
    for t in [&ta, &tb] {
        assert_eq!(*t.failures.lock().unwrap(), Vec::<String>::new());
    }
    assert!(
        before > 0 && during > before && after > during,
        "{before} {during} {after}"
    );
    for names in [&na, &nb] {
        let seen = names.seen();
        assert_eq!(names.count("fleet.degraded"), 1, "{seen:?}");
        let degraded = seen.iter().position(|n| n == "fleet.degraded");
        let rejoined = seen.iter().rposition(|n| n == "fleet.rejoined");
        assert!(degraded < rejoined, "{seen:?}");
    }
    assert_eq!(api_429s(&server), 0);
    // Back in the fleet means the scripts were loaded again (EVAL after
    // the restarted server's NOSCRIPT).
    let cached = match redis.command(&["INFO", "memory"]) {
        redis::Value::BulkString(text) => String::from_utf8(text).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        other => panic!("INFO answered {other:?}"),
    };
    assert!(
        !cached.contains("number_of_cached_scripts:0"),
        "the restarted Redis holds the scripts"
    );
    drop(redis);
}

/// A server that accepts connections and never answers: what a Redis
/// stopped by its host (or behind a dead network) looks like.
fn silent_server() -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        while !stop.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((socket, _)) => held.push(socket),
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (port, done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_never_answers_costs_a_call_only_the_fleet_s_timeout() {
    let server = start().await;
    let (port, done) = silent_server();
    let silent = || RedisFleet::open(&format!("redis://127.0.0.1:{port}")).unwrap();
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_timeout(Duration::from_millis(100))
        .with_probe(Duration::from_secs(60));
    let names = Names::default();
    let a = member(ZoomPhone::builder(), &server, &fleet, silent()).unwrap();
    let tally = Arc::new(Loop::default());
    let answer = {
        let names = names.clone();
        tokio::task::spawn_blocking(move || {
            tracing::subscriber::with_default(names, || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(a.call("listPhoneSites", json!({"page_size": 1})))
            })
        })
        .await
        .unwrap()
    };
    tally.answer(answer);
    let b = member(blocking::ZoomPhone::builder(), &server, &fleet, silent()).unwrap();
    let answer = {
        let names = names.clone();
        tokio::task::spawn_blocking(move || {
            tracing::subscriber::with_default(names, || {
                b.call("listPhoneSites", json!({"page_size": 1}))
            })
        })
        .await
        .unwrap()
    };
    tally.answer(answer);
    done.store(true, Ordering::SeqCst);
    assert_eq!(*tally.failures.lock().unwrap(), Vec::<String>::new());
    assert_eq!(tally.ok(), 2, "both calls answered");
    assert_eq!(names.count("fleet.degraded"), 2, "{:?}", names.seen());
    assert_eq!(requests(&server.request_log(), "GET", "/v2/").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_flushed_from_redis_are_loaded_again_without_leaving_the_fleet() {
    let server = start().await;
    let redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT).with_prefix(prefix());
    let names = Names::default();
    let zp = member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let flushed = {
        let names = names.clone();
        let url = redis.url();
        tokio::task::spawn_blocking(move || {
            tracing::subscriber::with_default(names, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    zp.call("listPhoneSites", json!({})).await.unwrap();
                    let client = redis::Client::open(url).unwrap();
                    let mut admin = client.get_connection().unwrap();
                    let _: redis::Value =
                        redis::cmd("SCRIPT").arg("FLUSH").query(&mut admin).unwrap();
                    zp.call("listPhoneSites", json!({})).await.unwrap();
                })
            })
        })
    };
    flushed.await.unwrap();
    let info = redis.command(&["INFO", "memory"]);
    let text = match info {
        redis::Value::BulkString(text) => String::from_utf8(text).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        other => panic!("INFO answered {other:?}"),
    };
    assert!(!text.contains("number_of_cached_scripts:0"), "loaded again");
    assert_eq!(names.count("fleet.degraded"), 0, "{:?}", names.seen());
}

#[test]
fn a_fleet_keeps_the_tokens_so_it_refuses_a_token_store() {
    let e = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .token_store(MemoryStore::new())
        .fleet(
            FleetConfig::new(ACCOUNT),
            RedisFleet::open("redis://127.0.0.1:1").unwrap(),
        )
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("token_store"), "{e}");
    let e = blocking::ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .fleet(
            FleetConfig::new("a:b"),
            RedisFleet::open("redis://127.0.0.1:1").unwrap(),
        )
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("fleet.account"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_mid_refresh_still_lands_the_rotated_token_in_redis() {
    let server = start().await;
    let admin = Admin::new(&server);
    let redis = Redis::start();
    let tokens = user_tokens(&server).await;
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_tokens("user-1");
    let make = || {
        ZoomPhone::builder()
            .user_tokens(config(&server), tokens.clone())
            .base_url(server.api_url())
            // An abandoned renewal would leave the fleet's lock held (30 s
            // lease) and its refresh token spent: a failure, not a hang.
            .timeout(Duration::from_secs(10))
            .fleet(fleet.clone(), redis.fleet())
            .build()
            .unwrap()
    };
    let a = make();
    a.call("listPhoneSites", json!({})).await.unwrap();

    // Zoom now refuses the access token and answers the refresh slowly;
    // the caller gives up while the refresh is out.
    admin.expire_tokens().await;
    admin
        .fault(json!({ "kind": "latency", "ms": 1000, "path": "/oauth/token" }))
        .await;
    let dropped = tokio::time::timeout(
        Duration::from_millis(300),
        a.call("listPhoneSites", json!({})),
    )
    .await;
    assert!(dropped.is_err(), "the call was dropped mid-refresh");

    // A client that starts now, with the tokens the fleet began with (their
    // refresh token is spent), takes the rotated set from Redis once the
    // dropped call's renewal has written it and let the lock go.
    let b = make();
    b.call("listPhoneSites", json!({})).await.unwrap();
    a.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(
        check_refreshes(&server.request_log()),
        1,
        "one refresh, its token never sent again"
    );
}

/// The shards job's clients: the mock's account, the fleet's Redis, a lease
/// of `lease`.
fn shard_member<C: Client>(
    builder: Builder<C>,
    server: &MockServer,
    fleet: &FleetConfig,
    redis: RedisFleet,
) -> Result<C, zoom_phone_client::Error>
where
    Builder<C>: Build<C>,
{
    builder
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .fleet(fleet.clone(), redis)
        .finish()
}

const SHARDS: [&str; 3] = [
    "2026-01-01..2026-01-31",
    "2026-02-01..2026-02-28",
    "2026-03-01..2026-03-31",
];

fn quarter(job: &str, worker: &str) -> ShardOptions {
    ShardOptions::new(job, "2026-01-01", "2026-03-31")
        .worker(worker)
        .span(Span::Months(1))
}

/// The mock's call history: this many records spread evenly over the
/// quarter and filtered by `from`/`to`, so the monthly
/// shards partition it, about a thousand records (4 pages of 300) each.
const RECORDS: usize = 3000;

/// `(shard, uuid)` for each record seen.
type Seen = Vec<(String, String)>;

/// Records by shard.
type Shards = BTreeMap<String, BTreeSet<String>>;

fn uuid(record: &serde_json::Value) -> String {
    record["call_history_uuid"]
        .as_str()
        .expect("a record's uuid")
        .to_owned()
}

/// The shard of the day a record started.
fn shard_of(record: &serde_json::Value) -> &'static str {
    let at = record["start_time"]
        .as_str()
        .expect("a record's start_time");
    let day = &at[..10];
    SHARDS
        .iter()
        .find(|s| &s[..10] <= day && day <= &s[12..])
        .unwrap_or_else(|| panic!("{at} is outside the quarter"))
}

/// A record handed out in `shard`, which must be the shard of its day.
fn seen(shard: Option<&str>, record: &serde_json::Value) -> (String, String) {
    let shard = shard.expect("a record belongs to a shard");
    assert_eq!(shard, shard_of(record), "{record} handed out in {shard}");
    (shard.to_owned(), uuid(record))
}

/// The records seen, by shard.
fn per_shard(seen: &[(String, String)]) -> Shards {
    let mut out = Shards::new();
    for (shard, uuid) in seen {
        out.entry(shard.clone()).or_default().insert(uuid.clone());
    }
    out
}

/// The referee of the sharded walks: one plain walk of the whole listing
/// (no `from`/`to`), each record in the shard of the day it started.
async fn truth(zp: &ZoomPhone) -> Shards {
    use futures_util::StreamExt;
    let mut out = Shards::new();
    let mut pages = zp.paginate("accountCallHistory", json!({"page_size": 300}));
    while let Some(record) = pages.next().await {
        let record = record.unwrap();
        out.entry(shard_of(&record).to_owned())
            .or_default()
            .insert(uuid(&record));
    }
    assert_eq!(out.len(), SHARDS.len());
    assert_eq!(out.values().map(BTreeSet::len).sum::<usize>(), RECORDS);
    out
}

/// The pages a shard's walk takes.
fn pages_of(records: usize) -> usize {
    records.div_ceil(300)
}

/// The call-history pages the sharded walks asked for (their queries carry
/// a range; the referee's walk does not).
fn shard_pages(server: &MockServer) -> Vec<String> {
    requests(&server.request_log(), "GET", "/v2/phone/call_history")
        .into_iter()
        .filter_map(|r| r.query.clone())
        .filter(|q| q.contains("from="))
        .collect()
}

fn history_mock() -> MockConfig {
    let mut config = MockConfig::default();
    config.sizes.call_history = RECORDS;
    config.call_history_dates = (
        Date::parse("2026-01-01").unwrap(),
        Date::parse("2026-03-31").unwrap(),
    );
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_and_a_blocking_client_take_disjoint_shards_of_one_job_and_see_every_record_once()
{
    let server = start_with(history_mock()).await;
    let redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT).with_prefix(prefix());
    let a = shard_member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let b = shard_member(
        blocking::ZoomPhone::builder(),
        &server,
        &fleet,
        redis.fleet(),
    )
    .unwrap();
    let expected = truth(&a).await;
    let params = json!({"page_size": 300});
    // Each holds its first shard before either goes on: both take part
    // however the threads are scheduled.
    let both = Arc::new(std::sync::Barrier::new(2));
    let async_worker = {
        let (both, params) = (both.clone(), params.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                use futures_util::StreamExt;
                let mut shards = a
                    .shards("accountCallHistory", params, quarter("history", "wa"))
                    .unwrap();
                assert_eq!(shards.shards(), SHARDS);
                let mut got = Seen::new();
                while let Some(record) = shards.next().await {
                    got.push(seen(shards.shard(), &record.unwrap()));
                    if got.len() == 1 {
                        both.wait();
                    }
                }
                got
            })
        })
    };
    let blocking_worker = std::thread::spawn(move || {
        let mut shards = b
            .shards("accountCallHistory", params, quarter("history", "wb"))
            .unwrap();
        let mut got = Seen::new();
        while let Some(record) = shards.next() {
            got.push(seen(shards.shard(), &record.unwrap()));
            if got.len() == 1 {
                both.wait();
            }
        }
        got
    });
    let ga = tokio::task::spawn_blocking(move || async_worker.join().unwrap())
        .await
        .unwrap();
    let gb = tokio::task::spawn_blocking(move || blocking_worker.join().unwrap())
        .await
        .unwrap();
    let shards_of = |got: &Seen| got.iter().map(|s| s.0.clone()).collect::<BTreeSet<_>>();
    assert!(
        shards_of(&ga).is_disjoint(&shards_of(&gb)),
        "no shard walked by both"
    );
    assert!(!ga.is_empty() && !gb.is_empty(), "both took shards");
    let all: Seen = ga.into_iter().chain(gb).collect();
    assert_eq!(
        per_shard(&all),
        expected,
        "each shard: the records of its days"
    );
    assert_eq!(all.len(), RECORDS, "none twice");
    // Each page asked for its shard's own range, no page twice.
    let calls = shard_pages(&server);
    for shard in SHARDS {
        let (from, to) = shard.split_once("..").unwrap();
        let range = format!("from={from}&to={to}");
        assert_eq!(
            calls.iter().filter(|q| q.contains(&range)).count(),
            pages_of(expected[shard].len()),
            "{shard}: {calls:?}"
        );
    }
    assert_eq!(
        calls.len(),
        SHARDS
            .iter()
            .map(|s| pages_of(expected[*s].len()))
            .sum::<usize>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_stops_mid_shard_leaves_it_to_another_after_the_lease_from_where_it_stopped()
{
    use futures_util::StreamExt;
    let server = start_with(history_mock()).await;
    let redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_lease(Duration::from_millis(300));
    let a = shard_member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let b = shard_member(
        blocking::ZoomPhone::builder(),
        &server,
        &fleet,
        redis.fleet(),
    )
    .unwrap();
    let expected = truth(&a).await;
    let params = json!({"page_size": 300});

    // The blocking worker stops (a `break`: the iterator dropped) in its
    // first shard's second page; after the lease the async one takes
    // everything left, that shard from exactly where it stopped.
    let (b2, p2) = (b.clone(), params.clone());
    let first = tokio::task::spawn_blocking(move || {
        let mut got = Seen::new();
        let mut shards = b2
            .shards("accountCallHistory", p2, quarter("dropped", "wb"))
            .unwrap();
        while let Some(record) = shards.next() {
            got.push(seen(shards.shard(), &record.unwrap()));
            if got.len() == 450 {
                break;
            }
        }
        got
    })
    .await
    .unwrap();
    assert_eq!(first.len(), 450);
    let stopped = first[0].0.clone();
    assert!(first.iter().all(|s| s.0 == stopped), "450 of one shard");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut rest = a
        .shards(
            "accountCallHistory",
            params.clone(),
            quarter("dropped", "wa"),
        )
        .unwrap();
    let mut got = Seen::new();
    while let Some(record) = rest.next().await {
        got.push(seen(rest.shard(), &record.unwrap()));
    }
    // The other saw the rest of the stopped shard, from exactly where it
    // stopped, and the other shards whole.
    assert_eq!(
        got.iter().filter(|s| s.0 == stopped).count(),
        expected[&stopped].len() - 450
    );
    let all: Seen = first.into_iter().chain(got).collect();
    assert_eq!(per_shard(&all), expected, "no gap");
    assert_eq!(all.len(), RECORDS, "no repeat");

    // The same with the async worker stopping by `stop()`, the blocking
    // one going on.
    let mut shards = a
        .shards(
            "accountCallHistory",
            params.clone(),
            quarter("stopped", "wa"),
        )
        .unwrap();
    let mut first = Seen::new();
    while let Some(record) = shards.next().await {
        first.push(seen(shards.shard(), &record.unwrap()));
        if first.len() == 450 {
            break;
        }
    }
    shards.stop().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let rest = tokio::task::spawn_blocking(move || {
        let mut shards = b
            .shards("accountCallHistory", params, quarter("stopped", "wb"))
            .unwrap();
        let mut got = Seen::new();
        while let Some(record) = shards.next() {
            got.push(seen(shards.shard(), &record.unwrap()));
        }
        got
    })
    .await
    .unwrap();
    let all: Seen = first.into_iter().chain(rest).collect();
    assert_eq!(per_shard(&all), expected, "no gap");
    assert_eq!(all.len(), RECORDS, "no repeat");
}

#[tokio::test]
async fn shards_need_a_fleet_and_a_redis_failure_names_the_script_not_its_args() {
    use futures_util::StreamExt;
    let server = start_with(history_mock()).await;
    let alone = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .build()
        .unwrap();
    let e = alone
        .shards("accountCallHistory", json!({}), quarter("j", "w"))
        .unwrap_err();
    assert_eq!(e.class(), zoom_phone_client::ErrorClass::Build, "{e}");
    assert!(e.to_string().contains("fleet"), "{e}");
    let sync_alone = blocking::ZoomPhone::builder()
        .access_token("t")
        .build()
        .unwrap();
    let e = sync_alone
        .shards("accountCallHistory", json!({}), quarter("j", "w"))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("needs a client built with Builder::fleet"),
        "{e}"
    );

    // Nothing listens there.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let fleet = FleetConfig::new(ACCOUNT).with_prefix(prefix());
    let gone = RedisFleet::open(&format!("redis://127.0.0.1:{port}")).unwrap();
    let zp = shard_member(ZoomPhone::builder(), &server, &fleet, gone).unwrap();
    for (options, field) in [
        (ShardOptions::new("j", "2026-02-30", "2026-03-01"), "from"),
        (ShardOptions::new("j", "2026-03-01", "2026-01-01"), "range"),
        (ShardOptions::new("j:x", "2026-01-01", "2026-01-02"), "job"),
    ] {
        let e = zp
            .shards("accountCallHistory", json!({}), options)
            .unwrap_err();
        assert!(e.to_string().contains(field), "{field}: {e}");
    }
    let e = zp
        .shards("getASite", json!({}), quarter("j", "w"))
        .unwrap_err();
    assert!(e.to_string().contains("not a paginated listing"), "{e}");
    let mut shards = zp
        .shards(
            "accountCallHistory",
            json!({}),
            quarter("secret-job-name", "secret-worker"),
        )
        .unwrap();
    let e = shards.next().await.unwrap().unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    let text = format!("{e} {e:?}");
    assert!(text.contains("plan_shards"), "{text}");
    assert!(!text.contains("2026-01-01"), "{text}");
    assert!(!text.contains("secret"), "{text}");
    assert!(
        shards.next().await.is_none(),
        "an error ends the job's stream"
    );
    assert!(
        requests(&server.request_log(), "GET", "/v2/").is_empty(),
        "nothing was fetched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_outlives_its_lease_says_so_and_moves_on_without_another_page() {
    use futures_util::StreamExt;
    let server = start_with(history_mock()).await;
    let redis = Redis::start();
    let fleet = FleetConfig::new(ACCOUNT)
        .with_prefix(prefix())
        .with_lease(Duration::from_millis(300));
    let a = shard_member(ZoomPhone::builder(), &server, &fleet, redis.fleet()).unwrap();
    let b = shard_member(
        blocking::ZoomPhone::builder(),
        &server,
        &fleet,
        redis.fleet(),
    )
    .unwrap();
    let january = || ShardOptions::new("slow", "2026-01-01", "2026-01-31");
    let whole_january = truth(&a).await[SHARDS[0]].len();
    let params = json!({"page_size": 300});
    let names = Names::default();
    // The blocking worker holds its first page far past the lease, so the
    // async one takes the shard over and walks it whole meanwhile.
    let (took, go_on) = (
        Arc::new(std::sync::Barrier::new(2)),
        Arc::new(std::sync::Barrier::new(2)),
    );
    let slow = {
        let (names, took, go_on, params) =
            (names.clone(), took.clone(), go_on.clone(), params.clone());
        std::thread::spawn(move || {
            tracing::subscriber::with_default(names, || {
                let shards = b
                    .shards("accountCallHistory", params, january().worker("slow"))
                    .unwrap();
                let mut n = 0;
                for record in shards {
                    record.unwrap();
                    n += 1;
                    if n == 1 {
                        took.wait();
                        go_on.wait();
                    }
                }
                n
            })
        })
    };
    tokio::task::spawn_blocking({
        let took = took.clone();
        move || took.wait()
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut fast = a
        .shards("accountCallHistory", params, january().worker("fast"))
        .unwrap();
    let mut n = 0;
    while let Some(record) = fast.next().await {
        record.unwrap();
        n += 1;
    }
    assert_eq!(
        n, whole_january,
        "the shard, whole, from its start (nothing was saved yet)"
    );
    tokio::task::spawn_blocking(move || go_on.wait())
        .await
        .unwrap();
    let slow_n = tokio::task::spawn_blocking(move || slow.join().unwrap())
        .await
        .unwrap();
    assert_eq!(slow_n, 300, "the page it held, then nothing more");
    assert_eq!(names.count("fleet.lease_lost"), 1, "{:?}", names.seen());
    assert_eq!(
        shard_pages(&server).len(),
        1 + pages_of(whole_january),
        "one page by the slow worker, the whole shard by the other"
    );
}
