//! The state of one call between polls.

use std::sync::OnceLock;

use http::Uri;
use serde_json::Value;

use super::CallOptions;
use crate::auth::lifecycle::{self, Generation};
use crate::catalog::{Host, Operation, RateLimitCategory, ResponseKind};
use crate::error::Error;
use crate::limiter::RateLimiter;
use crate::response::Output;
use crate::time::Timestamp;

/// The category of downloads by URL: that of Zoom's download operations.
pub(super) const DOWNLOAD_CATEGORY: RateLimitCategory = RateLimitCategory::Medium;

/// What a call targets.
#[derive(Debug)]
pub(super) enum Target {
    Operation {
        op: &'static Operation,
        params: Value,
    },
    /// A `download_url`.
    Url(Uri),
    /// Refused before anything was sent (its outcome is set).
    Refused,
}

/// What a call has out with the host.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    /// An API request (or redirect hop), sent with this token generation
    /// (`None`: sent without `Authorization`).
    Api {
        attempt: u64,
        generation: Option<Generation>,
    },
    /// The session's token request.
    Token {
        attempt: u64,
        renewal: lifecycle::AttemptId,
    },
    /// The host's token source was asked.
    External {
        attempt: u64,
        renewal: lifecycle::AttemptId,
    },
    /// The host was asked to read its token store.
    Stored {
        attempt: u64,
        renewal: lifecycle::AttemptId,
    },
}

impl Pending {
    pub(super) fn attempt(self) -> u64 {
        match self {
            Pending::Api { attempt, .. }
            | Pending::Token { attempt, .. }
            | Pending::External { attempt, .. }
            | Pending::Stored { attempt, .. } => attempt,
        }
    }
}

// No `Debug`: a call may hold a token request (client credentials, a
// refresh token).
pub(super) struct Call {
    pub(super) target: Target,
    /// The redirect hop the next request goes to, if any.
    pub(super) location: Option<Uri>,
    /// Where the last request went (redirects resolve against it).
    pub(super) sent_uri: Option<Uri>,
    pub(super) deadline: Option<Timestamp>,
    pub(super) retry_writes: bool,
    pub(super) started: Timestamp,
    /// API attempts sent (redirect hops of one attempt not counted).
    pub(super) attempts: u32,
    pub(super) redirects: u32,
    /// The one renewal a code-124 rejection grants has been used.
    pub(super) renewed: bool,
    /// The token request this call sends for the session, kept to resend
    /// it after a transport failure, while the other calls keep waiting.
    pub(super) token_request: Option<(lifecycle::AttemptId, http::Request<Vec<u8>>)>,
    /// The renewal this call does for the session needs the token store
    /// read (again) before anything is sent.
    pub(super) reload: Option<lifecycle::AttemptId>,
    /// Token requests this call sent for its current renewal.
    pub(super) token_attempts: u32,
    /// The token renewal this call waits for.
    pub(super) waiting_on: Option<lifecycle::AttemptId>,
    /// Send no earlier (a retry's time, or a reserved rate-limit slot).
    pub(super) not_before: Option<Timestamp>,
    /// A rate-limit slot is reserved for the next attempt.
    pub(super) slot: bool,
    pub(super) pending: Option<Pending>,
    /// The error of the last failed attempt, surfaced if no retry follows.
    pub(super) last_error: Option<Error>,
    pub(super) outcome: Option<Result<Output, Error>>,
}

impl Call {
    pub(super) fn new(target: Target, opts: &CallOptions, now: Timestamp) -> Self {
        Call {
            target,
            location: None,
            sent_uri: None,
            deadline: opts.deadline,
            retry_writes: opts.retry_non_idempotent,
            started: now,
            attempts: 0,
            redirects: 0,
            renewed: false,
            token_request: None,
            reload: None,
            token_attempts: 0,
            waiting_on: None,
            not_before: None,
            slot: false,
            pending: None,
            last_error: None,
            outcome: None,
        }
    }

    pub(super) fn finished(target: Target, result: Result<Output, Error>, now: Timestamp) -> Self {
        let mut call = Call::new(target, &CallOptions::default(), now);
        call.outcome = Some(result);
        call
    }

    pub(super) fn operation(&self) -> &'static Operation {
        match &self.target {
            Target::Operation { op, .. } => op,
            Target::Url(_) | Target::Refused => download_operation(),
        }
    }

    pub(super) fn category(&self) -> RateLimitCategory {
        match &self.target {
            Target::Operation { op, .. } => RateLimiter::category_for(op),
            Target::Url(_) | Target::Refused => DOWNLOAD_CATEGORY,
        }
    }

    /// The next attempt starts over from the operation or the download URL.
    /// Also takes a new rate-limit slot: the resend is another request.
    pub(super) fn restart(&mut self) {
        self.location = None;
        self.redirects = 0;
        self.slot = false;
    }

    /// Whether 3xx answers are followed rather than returned.
    pub(super) fn follows_redirects(&self) -> bool {
        match &self.target {
            Target::Operation { op, .. } => op.response == ResponseKind::Binary,
            Target::Url(_) | Target::Refused => true,
        }
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
        rate_limit: Some(DOWNLOAD_CATEGORY),
        scopes: Vec::new(),
        granular_scopes: Vec::new(),
    })
}
