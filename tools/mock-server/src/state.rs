//! The server's shared state: everything a request can read or change.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use zoom_phone::catalog::operations;

use crate::config::MockConfig;
use crate::faults::FaultQueue;
use crate::log::LoggedRequest;
use crate::oauth::OAuthState;
use crate::ratelimit::Limiter;
use crate::router::Router;
use crate::store::Store;
use crate::util::{lock, now_ms, sha256};
use crate::webhooks::EventCatalog;

/// Which accounts have Zoom Phone switched off.
#[derive(Debug, Default, Clone)]
pub(crate) struct PhoneSwitch {
    pub all_disabled: bool,
    pub disabled: BTreeSet<String>,
}

impl PhoneSwitch {
    pub(crate) fn is_disabled(&self, account: &str) -> bool {
        self.all_disabled || self.disabled.contains(account)
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub config: MockConfig,
    pub base_url: String,
    /// Server secret for tokens and page-token MACs; new every start.
    pub key: [u8; 32],
    pub router: Router,
    seq: AtomicU64,
    pub oauth: Mutex<OAuthState>,
    pub limits: Mutex<Limiter>,
    pub faults: Mutex<FaultQueue>,
    pub log: Mutex<VecDeque<LoggedRequest>>,
    pub store: Mutex<Store>,
    pub sync: Mutex<crate::sync::SyncLogs>,
    pub phone: Mutex<PhoneSwitch>,
    pub page_token_ttl: Mutex<Duration>,
    pub events: OnceLock<Result<EventCatalog, String>>,
    pub http: Client<HttpConnector, Full<Bytes>>,
}

fn fresh_key(base_url: &str) -> [u8; 32] {
    let mut seed = Vec::new();
    seed.extend_from_slice(&now_ms().to_be_bytes());
    seed.extend_from_slice(&std::process::id().to_be_bytes());
    seed.extend_from_slice(format!("{:?}", Instant::now()).as_bytes());
    seed.extend_from_slice(base_url.as_bytes());
    sha256(&seed)
}

impl State {
    pub(crate) fn new(config: MockConfig, base_url: String) -> Self {
        let key = fresh_key(&base_url);
        let mut faults = FaultQueue::default();
        for f in &config.faults {
            faults.push(f.clone());
        }
        Self {
            oauth: Mutex::new(OAuthState::new(&config, key)),
            limits: Mutex::new(Limiter::new(config.rate_limits)),
            faults: Mutex::new(faults),
            log: Mutex::new(VecDeque::new()),
            store: Mutex::new(Store::new(config.seed, &config.sizes)),
            sync: Mutex::new(crate::sync::SyncLogs::default()),
            phone: Mutex::new(PhoneSwitch {
                all_disabled: config.phone_disabled,
                disabled: BTreeSet::new(),
            }),
            page_token_ttl: Mutex::new(config.page_token_ttl),
            events: OnceLock::new(),
            http: Client::builder(hyper_util::rt::TokioExecutor::new()).build_http(),
            router: Router::new(operations()),
            seq: AtomicU64::new(0),
            key,
            base_url,
            config,
        }
    }

    /// Puts everything back as at start (the key stays, so nothing issued
    /// before can be forged; all issued tokens are forgotten).
    pub(crate) fn reset(&self) {
        *lock(&self.oauth) = OAuthState::new(&self.config, self.key);
        lock(&self.limits).reconfigure(self.config.rate_limits);
        let mut faults = lock(&self.faults);
        faults.clear();
        for f in &self.config.faults {
            faults.push(f.clone());
        }
        drop(faults);
        lock(&self.log).clear();
        *lock(&self.store) = Store::new(self.config.seed, &self.config.sizes);
        *lock(&self.sync) = crate::sync::SyncLogs::default();
        *lock(&self.phone) = PhoneSwitch {
            all_disabled: self.config.phone_disabled,
            disabled: BTreeSet::new(),
        };
        *lock(&self.page_token_ttl) = self.config.page_token_ttl;
    }

    /// Appends to the request log, dropping the oldest entry when full, so a
    /// long benchmark cannot grow the server without bound.
    pub(crate) fn record(&self, entry: LoggedRequest) {
        let mut log = lock(&self.log);
        if log.len() >= self.config.log_capacity {
            log.pop_front();
        }
        if self.config.log_capacity > 0 {
            log.push_back(entry);
        }
    }

    pub(crate) fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }
}
