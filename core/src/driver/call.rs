//! The state of one call between crossings.

use std::sync::OnceLock;
use std::time::Duration;

use http::Uri;
use serde_json::Value;

use super::CallOptions;
use super::renewal::Renewal;
use crate::auth::{Generation, RenewalId};
use crate::catalog::{Host, Operation, RateLimitCategory, ResponseKind};
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::time::Timestamp;

/// The category of downloads by URL: that of Zoom's download operations.
pub(super) const DOWNLOAD_CATEGORY: RateLimitCategory = RateLimitCategory::Medium;

/// What a call targets.
#[derive(Debug)]
pub(super) enum Target {
    Operation {
        op: &'static Operation,
        params: Value,
        /// The request built when the call was admitted, for its first
        /// attempt (building checks the parameters; once is enough).
        first: Option<Box<http::Request<Vec<u8>>>>,
    },
    /// A `download_url`.
    Url(Uri),
}

/// Where a call stands: what, if anything, it has out with the host.
pub(super) enum Phase {
    /// Nothing out: the next crossing decides.
    Ready,
    /// A [`Wait`](super::Action::Wait) is out.
    Waiting,
    /// An API request (or a redirect hop) is out, sent with this token
    /// generation (`None`: without `Authorization`).
    Sending {
        generation: Option<Generation>,
        /// The attempt's timeout was cut short by the call's deadline: its
        /// expiry is the deadline.
        deadline_bound: bool,
    },
    /// The session's first read of its token store is out.
    Loading,
    /// This call runs the session's token renewal.
    Renewing(Box<Renewal>),
    /// A shared operation of the fleet is out (the limiter, a pause).
    Sharing(super::fleet::Purpose),
}

/// One call. No `Debug`: it may hold a token request (client credentials,
/// a refresh token).
pub(super) struct Call {
    pub(super) target: Target,
    pub(super) phase: Phase,
    pub(super) started: Timestamp,
    pub(super) deadline: Option<Timestamp>,
    pub(super) max_attempts: Option<u32>,
    pub(super) retry_writes: Option<bool>,
    pub(super) headers: http::HeaderMap,
    /// API attempts sent (redirect hops of one attempt not counted).
    pub(super) attempts: u32,
    pub(super) redirects: u32,
    /// The redirect hop the next request goes to, if any.
    pub(super) location: Option<Uri>,
    /// Where the last request went (redirects resolve against it).
    pub(super) sent_uri: Option<Uri>,
    /// The first redirect's target, reported with the result.
    pub(super) first_location: Option<String>,
    /// The one renewal a code-124 rejection grants has been used.
    pub(super) renewed: bool,
    /// The token renewal this call waits for.
    pub(super) waiting_on: Option<RenewalId>,
    /// Send no earlier (a retry's time, or a reserved rate-limit slot).
    pub(super) not_before: Option<Timestamp>,
    /// A rate-limit slot is reserved for the next attempt.
    pub(super) slot: bool,
    /// When that slot is, for a fleet's slot (shared or a degraded turn): a
    /// call woken before it (to probe Redis) or well after it (a slow token
    /// renewal, a busy host) decides again (see `Session::take_slot`).
    pub(super) slot_at: Option<Timestamp>,
    /// A late slot was given up once this attempt: the next is kept even if
    /// late, so a host too slow for every slot still sends.
    pub(super) forfeited: bool,
    /// A slot of the worker's own part is reserved too: a worker that has
    /// just rejoined its fleet keeps to both for a while (see
    /// `FleetState::holds`).
    pub(super) local_slot: bool,
    /// The error of the last failed attempt, surfaced if no retry follows.
    pub(super) last_error: Option<Error>,
    /// The caller is gone (cancelled, or its deadline passed while a
    /// detached action was out): the call only finishes its renewal.
    pub(super) orphan: bool,
}

impl Call {
    pub(super) fn new(
        target: Target,
        opts: &CallOptions,
        headers: http::HeaderMap,
        default_timeout: Option<Duration>,
        now: Timestamp,
    ) -> Self {
        Call {
            target,
            phase: Phase::Ready,
            started: now,
            deadline: opts
                .timeout
                .or(default_timeout)
                .map(|t| now.saturating_add(t)),
            max_attempts: opts.max_attempts,
            retry_writes: opts.retry_non_idempotent,
            headers,
            attempts: 0,
            redirects: 0,
            location: None,
            sent_uri: None,
            first_location: None,
            renewed: false,
            waiting_on: None,
            not_before: None,
            slot: false,
            slot_at: None,
            forfeited: false,
            local_slot: false,
            last_error: None,
            orphan: false,
        }
    }

    pub(super) fn operation(&self) -> &'static Operation {
        match &self.target {
            Target::Operation { op, .. } => op,
            Target::Url(_) => download_operation(),
        }
    }

    pub(super) fn category(&self) -> RateLimitCategory {
        match &self.target {
            Target::Operation { op, .. } => RateLimiter::category_for(op),
            Target::Url(_) => DOWNLOAD_CATEGORY,
        }
    }

    /// The next attempt starts over from the operation or the download URL.
    /// Also takes a new rate-limit slot: the resend is another request.
    pub(super) fn restart(&mut self) {
        self.location = None;
        self.redirects = 0;
        self.forfeited = false;
        self.release_slot();
    }

    /// Holds the fleet's slot at `at` (a shared one, or a degraded turn).
    pub(super) fn hold_slot(&mut self, at: Timestamp) {
        self.slot = true;
        self.slot_at = Some(at);
    }

    /// Gives up the reserved slot: the request will not go out at its time
    /// (a token renewal comes first), and sent late it would land in the
    /// window of the slots reserved after it.
    pub(super) fn release_slot(&mut self) {
        self.slot = false;
        self.slot_at = None;
        self.local_slot = false;
    }

    /// Whether 3xx answers are followed rather than returned.
    pub(super) fn follows_redirects(&self) -> bool {
        match &self.target {
            Target::Operation { op, .. } => {
                matches!(op.response, ResponseKind::Binary | ResponseKind::Redirect)
            }
            Target::Url(_) => true,
        }
    }

    /// `t`, or the deadline if that comes first.
    pub(super) fn bounded(&self, t: Timestamp) -> Timestamp {
        self.deadline.map_or(t, |d| d.min(t))
    }

    pub(super) fn past_deadline(&self, now: Timestamp) -> bool {
        self.deadline.is_some_and(|d| now >= d)
    }
}

/// The stand-in operation that parses `download_url` responses as bytes.
pub(super) fn download_operation() -> &'static Operation {
    static OP: OnceLock<Operation> = OnceLock::new();
    OP.get_or_init(|| Operation {
        id: "download".to_owned(),
        name: "download".to_owned(),
        tag: String::new(),
        method: "GET".to_owned(),
        path: String::new(),
        host: Host::Api,
        summary: String::new(),
        deprecated: false,
        params: Vec::new(),
        body: None,
        success_status: 200,
        response: ResponseKind::Binary,
        pagination: None,
        sync: None,
        rate_limit: Some(DOWNLOAD_CATEGORY),
        scopes: Vec::new(),
        granular_scopes: Vec::new(),
    })
}
