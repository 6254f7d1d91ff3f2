//! Everything a test or the command line can set before the server starts.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zoom_phone::date::Date;

use crate::faults::Fault;

/// An OAuth client the mock knows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientConfig {
    pub client_id: String,
    /// `None` for a public PKCE client, which authenticates with its
    /// `client_id` in the body and the code verifier.
    pub client_secret: Option<String>,
    /// Redirect URIs accepted at `/oauth/authorize`; empty accepts any.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// Per-account rate limits, as Zoom applies them per plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitConfig {
    /// Off by default: tests and benchmarks see 429 only when they ask.
    pub enabled: bool,
    /// Requests per second for Light operations.
    pub light: u32,
    /// Requests per second for Medium operations.
    pub medium: u32,
    /// Requests per second for Heavy operations.
    pub heavy: u32,
    /// Requests per minute for Resource-intensive operations.
    pub resource_intensive_per_minute: u32,
    /// Requests per UTC day for Heavy and Resource-intensive operations
    /// together (Zoom shares one daily quota between them); `None` = no limit.
    pub daily: Option<u32>,
}

impl RateLimitConfig {
    /// Zoom Phone's Pro plan (ZOOM-FACTS: 20/10/5 per second, 5 per minute,
    /// 15,000 a day for Heavy + Resource-intensive).
    pub fn pro() -> Self {
        Self {
            enabled: true,
            light: 20,
            medium: 10,
            heavy: 5,
            resource_intensive_per_minute: 5,
            daily: Some(15_000),
        }
    }

    /// Business and higher plans.
    pub fn business() -> Self {
        Self {
            enabled: true,
            light: 40,
            medium: 20,
            heavy: 10,
            resource_intensive_per_minute: 10,
            daily: Some(30_000),
        }
    }
}

// Not derivable: "off" keeps Pro's numbers, so enabling is one flag.
#[allow(clippy::derivable_impls)]
impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            ..Self::pro()
        }
    }
}

/// How many records each seeded list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSizes {
    /// Phone users (`GET /phone/users`).
    pub users: usize,
    /// Call-history and call-log lists.
    pub call_history: usize,
    /// Every other list.
    pub other_lists: usize,
}

impl Default for DataSizes {
    fn default() -> Self {
        Self {
            users: 1000,
            call_history: 20_000,
            other_lists: 45,
        }
    }
}

/// The server's configuration. `MockConfig::default()` is what the binary
/// runs without flags.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub clients: Vec<ClientConfig>,
    /// Account ids accepted by the `account_credentials` grant; the first is
    /// the account of tokens from the other grants.
    pub accounts: Vec<String>,
    pub access_token_ttl: Duration,
    /// `api_url` in token responses, if any.
    pub api_url: Option<String>,
    pub page_token_ttl: Duration,
    pub auth_code_ttl: Duration,
    pub device_code_ttl: Duration,
    /// The polling interval a device-code client is told to keep.
    pub device_interval: Duration,
    pub rate_limits: RateLimitConfig,
    /// Every account answers 403 (2031) when set.
    pub phone_disabled: bool,
    /// Faults queued at start.
    pub faults: Vec<Fault>,
    /// Path of Zoom's webhooks document, for event example payloads.
    pub webhook_spec: Option<PathBuf>,
    /// Seed of the deterministic data set.
    pub seed: u64,
    pub sizes: DataSizes,
    /// The days (UTC, both included) over which the call-history and
    /// call-log records are spread, for their `from`/`to` filters.
    pub call_history_dates: (Date, Date),
    /// Request-log entries kept (oldest dropped first); 0 keeps none.
    pub log_capacity: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            port: 0,
            clients: vec![
                ClientConfig {
                    client_id: "mock-client-id".into(),
                    client_secret: Some("mock-client-secret".into()),
                    redirect_uris: Vec::new(),
                },
                ClientConfig {
                    client_id: "mock-public-client-id".into(),
                    client_secret: None,
                    redirect_uris: Vec::new(),
                },
            ],
            accounts: vec!["mock-account".into()],
            access_token_ttl: Duration::from_secs(3600),
            api_url: None,
            page_token_ttl: Duration::from_secs(15 * 60),
            auth_code_ttl: Duration::from_secs(5 * 60),
            device_code_ttl: Duration::from_secs(15 * 60),
            device_interval: Duration::from_secs(5),
            rate_limits: RateLimitConfig::default(),
            phone_disabled: false,
            faults: Vec::new(),
            webhook_spec: None,
            seed: 42,
            sizes: DataSizes::default(),
            call_history_dates: (
                Date::new(2026, 1, 1).expect("a calendar day"),
                Date::new(2026, 12, 31).expect("a calendar day"),
            ),
            log_capacity: 100_000,
        }
    }
}

/// What the command line asked for besides the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cli {
    pub port_file: Option<PathBuf>,
    pub help: bool,
}

pub const USAGE: &str = "\
zoom-phone-mock: a sandbox Zoom Phone server on 127.0.0.1

USAGE: zoom-phone-mock [FLAGS]

  --port N                 port to bind (default 0: a free port)
  --port-file PATH         write the bound port to PATH once listening
  --client ID:SECRET       add a confidential OAuth client (repeatable)
  --public-client ID       add a public PKCE client without secret (repeatable)
  --account ID             add an account for account_credentials (repeatable)
  --token-ttl SECS         access-token lifetime (default 3600)
  --api-url URL            put api_url in token responses
  --page-token-ttl SECS    next_page_token lifetime (default 900)
  --device-interval SECS   device-code polling interval (default 5)
  --rate-limits PLAN       off (default), pro or business
  --daily-limit N          daily Heavy+Resource-intensive quota (with a plan)
  --phone-disabled         every account answers 403 code 2031
  --fault SPEC             queue a fault, e.g. kind=503,count=3,path=/v2/phone/users
  --webhook-spec PATH      Zoom's phone-webhooks.openapi.json (env ZOOM_SPEC_DIR)
  --seed N                 seed of the data set (default 42)
  --users N                phone users in the data set (default 1000)
  --call-history N         call-history records (default 20000)
  --call-history-dates D..D  the days they span, filtered by from/to
                           (default 2026-01-01..2026-12-31)
  --log-capacity N         request-log entries kept (default 100000)
  -h, --help               this text
";

fn dates(flag: &str, v: &str) -> Result<(Date, Date), String> {
    v.split_once("..")
        .and_then(|(a, b)| Some((Date::parse(a)?, Date::parse(b)?)))
        .filter(|(a, b)| a <= b)
        .ok_or_else(|| format!("{flag}: expected FIRST..LAST days (YYYY-MM-DD), got {v:?}"))
}

fn secs(flag: &str, v: &str) -> Result<Duration, String> {
    let f: f64 = v
        .parse()
        .map_err(|_| format!("{flag}: expected seconds, got {v:?}"))?;
    if !f.is_finite() || f < 0.0 {
        return Err(format!("{flag}: expected non-negative seconds, got {v:?}"));
    }
    Ok(Duration::from_secs_f64(f))
}

fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: expected a number, got {v:?}"))
}

/// Parses the command line (without the program name).
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<(MockConfig, Cli), String> {
    let mut config = MockConfig::default();
    let mut cli = Cli::default();
    let mut custom_clients = false;
    let mut custom_accounts = false;
    let mut daily = None;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            cli.help = true;
            continue;
        }
        if flag == "--phone-disabled" {
            config.phone_disabled = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value (see --help)"))?;
        match flag.as_str() {
            "--port" => config.port = num(&flag, &value)?,
            "--port-file" => cli.port_file = Some(value.into()),
            "--client" | "--public-client" => {
                if !custom_clients {
                    config.clients.clear();
                    custom_clients = true;
                }
                let (id, secret) = if flag == "--client" {
                    let (id, secret) = value
                        .split_once(':')
                        .ok_or_else(|| format!("--client: expected ID:SECRET, got {value:?}"))?;
                    (id.to_string(), Some(secret.to_string()))
                } else {
                    (value, None)
                };
                config.clients.push(ClientConfig {
                    client_id: id,
                    client_secret: secret,
                    redirect_uris: Vec::new(),
                });
            }
            "--account" => {
                if !custom_accounts {
                    config.accounts.clear();
                    custom_accounts = true;
                }
                config.accounts.push(value);
            }
            "--token-ttl" => config.access_token_ttl = secs(&flag, &value)?,
            "--api-url" => config.api_url = Some(value),
            "--page-token-ttl" => config.page_token_ttl = secs(&flag, &value)?,
            "--device-interval" => config.device_interval = secs(&flag, &value)?,
            "--rate-limits" => {
                config.rate_limits = match value.as_str() {
                    "off" => RateLimitConfig::default(),
                    "pro" => RateLimitConfig::pro(),
                    "business" => RateLimitConfig::business(),
                    other => {
                        return Err(format!(
                            "--rate-limits: expected off, pro or business, got {other:?}"
                        ));
                    }
                }
            }
            "--daily-limit" => daily = Some(num::<u32>(&flag, &value)?),
            "--fault" => config.faults.push(Fault::parse_spec(&value)?),
            "--webhook-spec" => config.webhook_spec = Some(value.into()),
            "--seed" => config.seed = num(&flag, &value)?,
            "--users" => config.sizes.users = num(&flag, &value)?,
            "--call-history" => config.sizes.call_history = num(&flag, &value)?,
            "--call-history-dates" => config.call_history_dates = dates(&flag, &value)?,
            "--log-capacity" => config.log_capacity = num(&flag, &value)?,
            other => return Err(format!("unknown flag {other:?} (see --help)")),
        }
    }
    if daily.is_some() {
        config.rate_limits.daily = daily;
    }
    Ok((config, cli))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_set_the_configuration() {
        let (c, cli) = parse_args(args(
            "--port 8123 --port-file /tmp/p --client a:b --account acc --token-ttl 2 \
             --rate-limits pro --daily-limit 7 --phone-disabled --fault kind=503,count=2 \
             --call-history-dates 2025-12-30..2026-01-02",
        ))
        .unwrap();
        assert_eq!(c.port, 8123);
        assert_eq!(cli.port_file, Some(PathBuf::from("/tmp/p")));
        assert_eq!(c.clients.len(), 1);
        assert_eq!(c.clients[0].client_secret.as_deref(), Some("b"));
        assert_eq!(c.accounts, vec!["acc".to_string()]);
        assert_eq!(c.access_token_ttl, Duration::from_secs(2));
        assert!(c.rate_limits.enabled);
        assert_eq!(c.rate_limits.daily, Some(7));
        assert!(c.phone_disabled);
        assert_eq!(c.faults.len(), 1);
        let (first, last) = c.call_history_dates;
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2025-12-30".into(), "2026-01-02".into())
        );
    }

    #[test]
    fn bad_flags_name_the_problem() {
        assert!(parse_args(args("--port")).unwrap_err().contains("--port"));
        assert!(parse_args(args("--nope 1")).unwrap_err().contains("--nope"));
        assert!(
            parse_args(args("--rate-limits gold"))
                .unwrap_err()
                .contains("gold")
        );
        assert!(
            parse_args(args("--client x"))
                .unwrap_err()
                .contains("ID:SECRET")
        );
        for bad in [
            "2026-01-01",
            "2026-02-01..2026-01-31",
            "2026-01-01..2026-02-30",
        ] {
            let e = parse_args(args(&format!("--call-history-dates {bad}"))).unwrap_err();
            assert!(e.contains("--call-history-dates") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = MockConfig::default();
        assert!(!format!("{c:?}").contains("mock-client-secret"));
    }
}
