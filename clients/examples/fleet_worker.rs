//! The Rust worker of the fleet test (tools/fleet/run.py; the contract is
//! tools/fleet/README.md): works against the mock as fast as the client
//! allows for --seconds, four calls in flight (two walking the call
//! history, two reading users), sharing the account's budget and tokens
//! with the other workers through Redis, then prints one JSON line. Only
//! the crate's public API, as a user would write it; `--blocking` runs the
//! blocking client on four threads instead of the async one on tokio.
//!
//! cargo run -p zoom-phone-client --example fleet_worker --features blocking,redis,tracing --
//!     --mock URL --redis URL|none --auth s2s|user [--tokens FILE] --seconds N --id NAME
//!     [--share F] [--blocking] [--log debug|info|warn|error] [--ready]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use zoom_phone_client::{
    Body, Builder, Client, Error, FleetConfig, LogLevel, OAuthConfig, PlanLimits, RedisFleet,
    TokenSet,
};

const CLIENT_ID: &str = "mock-client-id";
const CLIENT_SECRET: &str = "mock-client-secret";
const ACCOUNT: &str = "mock-account";
const HISTORY_PAGE: u64 = 300;

struct Args {
    mock: String,
    redis: Option<String>,
    /// A user's tokens (`--auth user`), else server-to-server.
    tokens: Option<TokenSet>,
    seconds: f64,
    id: String,
    share: Option<f64>,
    blocking: bool,
    log: LogLevel,
    /// Print `ready` once the client is built and start at a line on stdin.
    ready: bool,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut named: BTreeMap<String, String> = BTreeMap::new();
        let (mut blocking, mut ready) = (false, false);
        let mut argv = std::env::args().skip(1);
        while let Some(arg) = argv.next() {
            if arg == "--blocking" || arg == "--ready" {
                blocking |= arg == "--blocking";
                ready |= arg == "--ready";
                continue;
            }
            let name = arg
                .strip_prefix("--")
                .filter(|n| {
                    [
                        "mock", "redis", "auth", "tokens", "seconds", "id", "share", "log",
                    ]
                    .contains(n)
                })
                .ok_or_else(|| format!("unknown argument {arg}"))?;
            let value = argv.next().ok_or_else(|| format!("{arg} needs a value"))?;
            named.insert(name.to_owned(), value);
        }
        let mut take = |name: &str| named.remove(name);
        let mut required = |name: &str| take(name).ok_or_else(|| format!("--{name} is required"));
        let mock = required("mock")?.trim_end_matches('/').to_owned();
        let redis = Some(required("redis")?).filter(|r| r != "none");
        let auth = required("auth")?;
        let seconds: f64 = required("seconds")?
            .parse()
            .ok()
            .filter(|s: &f64| *s > 0.0 && s.is_finite())
            .ok_or("--seconds must be a positive number")?;
        let id = required("id")?;
        let share = match take("share") {
            Some(s) => Some(
                s.parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0 && *s <= 1.0)
                    .ok_or("--share must be in (0, 1]")?,
            ),
            None => None,
        };
        let log = match take("log").as_deref() {
            None | Some("warn") => LogLevel::Warn,
            Some("debug") => LogLevel::Debug,
            Some("info") => LogLevel::Info,
            Some("error") => LogLevel::Error,
            Some(_) => return Err("--log is debug, info, warn or error".to_owned()),
        };
        let tokens = match (auth.as_str(), take("tokens")) {
            ("s2s", _) => None,
            ("user", Some(file)) => {
                let text = std::fs::read(&file).map_err(|e| format!("--tokens {file}: {e}"))?;
                Some(
                    TokenSet::from_store_json(&text)
                        .map_err(|e| format!("--tokens {file}: {e}"))?,
                )
            }
            ("user", None) => return Err("--auth user needs --tokens FILE".to_owned()),
            _ => return Err("--auth is s2s or user".to_owned()),
        };
        Ok(Args {
            mock,
            redis,
            tokens,
            seconds,
            id,
            share,
            blocking,
            log,
            ready,
        })
    }
}

/// The settings both clients share: the mock, the credentials, Pro's
/// limits and (unless `--redis none`) the fleet.
fn configure<C: Client>(builder: Builder<C>, args: &Args) -> Result<Builder<C>, Error> {
    let builder = builder
        .base_url(format!("{}/v2", args.mock))
        .oauth_base(&args.mock)
        .rate_limits(PlanLimits::pro())
        .log_level(args.log);
    let builder = match &args.tokens {
        None => builder.server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET),
        Some(tokens) => builder.user_tokens(
            OAuthConfig::new(CLIENT_ID, CLIENT_SECRET).with_oauth_base(&args.mock),
            tokens.clone(),
        ),
    };
    let Some(url) = &args.redis else {
        return Ok(builder);
    };
    let mut fleet = FleetConfig::new(ACCOUNT);
    if let Some(share) = args.share {
        fleet = fleet.with_share(share);
    }
    if args.tokens.is_some() {
        fleet = fleet.with_tokens("user-1");
    }
    Ok(builder.fleet(fleet, RedisFleet::open(url)?))
}

/// What the worker did, shared by its four loops.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    fn ok(&self, n: u64) {
        self.ok.fetch_add(n, Ordering::Relaxed);
    }

    fn fail(&self, e: &Error) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        *failed.entry(e.class().name()).or_default() += 1;
    }
}

/// The pages a walk fetched, from the records it took: the paginator asks
/// for a page when the records before it are taken.
fn pages(records: u64) -> u64 {
    records.div_ceil(HISTORY_PAGE).max(1)
}

fn user_ids(page: &Body) -> Vec<String> {
    let Body::Json(page) = page else {
        return Vec::new();
    };
    page["users"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// With `--ready`: says so and waits for the orchestrator's go (a line on
/// stdin), so that every worker's work starts at once, after all have started.
fn ready(args: &Args) -> Result<(), Error> {
    if !args.ready {
        return Ok(());
    }
    println!("ready");
    let mut go = String::new();
    std::io::stdin()
        .read_line(&mut go)
        .map(drop)
        .map_err(|e| Error::Internal {
            problem: format!("waiting for the go on stdin: {e}"),
        })
}

async fn run_async(args: &Args, tally: &Arc<Tally>) -> Result<(), Error> {
    let zp = configure(zoom_phone_client::ZoomPhone::builder(), args)?.build()?;
    ready(args)?;
    let end = Instant::now() + Duration::from_secs_f64(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (zp, tally) = (zp.clone(), Arc::clone(tally));
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let mut records =
                    zp.paginate("accountCallHistory", json!({ "page_size": HISTORY_PAGE }));
                let mut taken: u64 = 0;
                let mut failed = None;
                while let Some(record) = records.next().await {
                    match record {
                        Ok(_) => taken += 1,
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                    if Instant::now() >= end {
                        break;
                    }
                }
                match failed {
                    Some(e) => {
                        tally.ok(taken.div_ceil(HISTORY_PAGE));
                        tally.fail(&e);
                    }
                    None => tally.ok(pages(taken)),
                }
            }
        }));
    }
    for _ in 0..2 {
        let (zp, tally) = (zp.clone(), Arc::clone(tally));
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            while Instant::now() < end {
                let answer = match ids.pop() {
                    None => zp
                        .call("listPhoneUsers", json!({ "page_size": 100 }))
                        .await
                        .map(|page| ids = user_ids(&page.body)),
                    Some(id) => zp
                        .call("phoneUser", json!({ "userId": id }))
                        .await
                        .map(drop),
                };
                match answer {
                    Ok(()) => tally.ok(1),
                    Err(e) => tally.fail(&e),
                }
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| Error::Internal {
            problem: format!("a worker task broke: {e}"),
        })?;
    }
    Ok(())
}

fn run_blocking(args: &Args, tally: &Arc<Tally>) -> Result<(), Error> {
    let zp = configure(zoom_phone_client::blocking::ZoomPhone::builder(), args)?.build()?;
    ready(args)?;
    let end = Instant::now() + Duration::from_secs_f64(args.seconds);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let (zp, tally) = (zp.clone(), Arc::clone(tally));
            scope.spawn(move || {
                while Instant::now() < end {
                    let mut taken: u64 = 0;
                    let mut failed = None;
                    for record in
                        zp.paginate("accountCallHistory", json!({ "page_size": HISTORY_PAGE }))
                    {
                        match record {
                            Ok(_) => taken += 1,
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                        if Instant::now() >= end {
                            break;
                        }
                    }
                    match failed {
                        Some(e) => {
                            tally.ok(taken.div_ceil(HISTORY_PAGE));
                            tally.fail(&e);
                        }
                        None => tally.ok(pages(taken)),
                    }
                }
            });
        }
        for _ in 0..2 {
            let (zp, tally) = (zp.clone(), Arc::clone(tally));
            scope.spawn(move || {
                let mut ids = Vec::new();
                while Instant::now() < end {
                    let answer = match ids.pop() {
                        None => zp
                            .call("listPhoneUsers", json!({ "page_size": 100 }))
                            .map(|page| ids = user_ids(&page.body)),
                        Some(id) => zp.call("phoneUser", json!({ "userId": id })).map(drop),
                    };
                    match answer {
                        Ok(()) => tally.ok(1),
                        Err(e) => tally.fail(&e),
                    }
                }
            });
        }
    });
    Ok(())
}

/// The client's log records (`tracing`, target `zoom_phone`): printed to
/// stderr, and the `fleet.degraded` ones counted.
struct Log {
    id: String,
    level: tracing::Level,
    degraded: AtomicU64,
}

struct EventName(Option<String>, String);

impl tracing::field::Visit for EventName {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "event" {
            self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "event" => self.0 = Some(format!("{value:?}").trim_matches('"').to_owned()),
            "message" => self.1 = format!("{value:?}"),
            _ => {}
        }
    }
}

impl tracing::Subscriber for Log {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "zoom_phone" && *metadata.level() <= self.level
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(self.level))
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut name = EventName(None, String::new());
        event.record(&mut name);
        let EventName(name, message) = name;
        let name = name.unwrap_or_default();
        if name == "fleet.degraded" {
            self.degraded.fetch_add(1, Ordering::Relaxed);
        }
        // Epoch ms first: the orchestrator lines records up with the mock's log.
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        eprintln!(
            "{stamp} [{}] {} {name}: {message}",
            self.id,
            event.metadata().level()
        );
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn main() -> ExitCode {
    let args = match Args::parse() {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("fleet_worker: {problem}");
            return ExitCode::from(2);
        }
    };
    let level = match args.log {
        LogLevel::Debug => tracing::Level::DEBUG,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Error | LogLevel::Off => tracing::Level::ERROR,
        _ => tracing::Level::WARN,
    };
    let log = Arc::new(Log {
        id: args.id.clone(),
        level,
        degraded: AtomicU64::new(0),
    });
    if tracing::subscriber::set_global_default(Arc::clone(&log)).is_err() {
        eprintln!("fleet_worker: a tracing subscriber was already set");
        return ExitCode::from(2);
    }
    let tally = Arc::new(Tally::default());
    let (host, result) = if args.blocking {
        ("rust", run_blocking(&args, &tally))
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        ("rust", runtime.block_on(run_async(&args, &tally)))
    };
    if let Err(e) = result {
        eprintln!("fleet_worker: {e}");
        return ExitCode::from(1);
    }
    let failed = tally.failed.lock().unwrap_or_else(|e| e.into_inner());
    let line = json!({
        "worker": args.id,
        "host": host,
        "ok": tally.ok.load(Ordering::Relaxed),
        "failed": *failed,
        "degraded_events": log.degraded.load(Ordering::Relaxed),
    });
    println!("{line}");
    ExitCode::SUCCESS
}
