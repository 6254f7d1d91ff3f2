//! One classification of every error, and its evidence in one shape.
//!
//! Hosts do not look at statuses or variants to pick an exception type: they
//! map [`ErrorClass::name`] to their own class and read the evidence from
//! [`Error::to_json`] (bindings) or the accessors (Rust). So a 403 is the
//! same kind of failure in Rust, JavaScript and Python.

use serde_json::{Map, Value, json};

use super::Error;
use crate::auth::OAuthError;
use crate::catalog::RateLimitCategory;
use crate::ratelimit::LimitType;
use crate::request::BuildError;
use crate::response::{ApiError, FieldError};
use crate::time::Timestamp;
use crate::webhook::WebhookError;

/// What kind of failure an [`Error`] is, for callers deciding what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The credentials or token were refused (HTTP 401, Zoom code 124, an
    /// OAuth refusal, a refresh token that is dead).
    Authentication,
    /// HTTP 403: the token lacks a scope or the account a feature.
    PermissionDenied,
    /// HTTP 404.
    NotFound,
    /// HTTP 400 or 422: Zoom refused the request's content.
    Validation,
    /// HTTP 409.
    Conflict,
    /// HTTP 429 per-second limit, after the retries allowed.
    RateLimit,
    /// The account's daily quota is spent.
    DailyLimit,
    /// HTTP 5xx, after the retries allowed.
    Server,
    /// Any other answer Zoom gave as an error (another 4xx, a 2xx error body).
    Api,
    /// No answer (connection refused, reset, DNS, TLS, an attempt's timeout).
    Transport,
    /// The call's deadline passed.
    Timeout,
    /// A success answer that is not what the operation returns.
    Decode,
    /// The request or the client configuration was refused before sending.
    Build,
    /// A webhook request that is not genuine or not readable.
    Webhook,
    /// The host's token store failed.
    TokenStore,
    /// A page token older than Zoom keeps it.
    PageTokenExpired,
    /// A response body over the configured limit.
    ResponseTooLarge,
    /// The caller abandoned the call.
    Cancelled,
    /// A bug: the host broke the protocol, or the OS random source failed.
    Internal,
}

impl ErrorClass {
    /// Every class, for hosts that build a table of exception types.
    pub const ALL: [ErrorClass; 19] = [
        Self::Authentication,
        Self::PermissionDenied,
        Self::NotFound,
        Self::Validation,
        Self::Conflict,
        Self::RateLimit,
        Self::DailyLimit,
        Self::Server,
        Self::Api,
        Self::Transport,
        Self::Timeout,
        Self::Decode,
        Self::Build,
        Self::Webhook,
        Self::TokenStore,
        Self::PageTokenExpired,
        Self::ResponseTooLarge,
        Self::Cancelled,
        Self::Internal,
    ];

    /// The stable snake_case name hosts key their exception types by.
    pub fn name(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::Validation => "validation",
            Self::Conflict => "conflict",
            Self::RateLimit => "rate_limit",
            Self::DailyLimit => "daily_limit",
            Self::Server => "server",
            Self::Api => "api",
            Self::Transport => "transport",
            Self::Timeout => "timeout",
            Self::Decode => "decode",
            Self::Build => "build",
            Self::Webhook => "webhook",
            Self::TokenStore => "token_store",
            Self::PageTokenExpired => "page_token_expired",
            Self::ResponseTooLarge => "response_too_large",
            Self::Cancelled => "cancelled",
            Self::Internal => "internal",
        }
    }

    /// Whether the class is Zoom's own answer to the request (the hosts'
    /// `ApiError` family).
    pub fn is_api(self) -> bool {
        matches!(
            self,
            Self::Authentication
                | Self::PermissionDenied
                | Self::NotFound
                | Self::Validation
                | Self::Conflict
                | Self::RateLimit
                | Self::DailyLimit
                | Self::Server
                | Self::Api
        )
    }
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the `X-RateLimit-*` headers of the failed answer said, in the one
/// documented shape every host shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimitEvidence {
    /// `light`, `medium`, `heavy` or `resource_intensive`.
    pub category: Option<&'static str>,
    /// `qps` (per-second) or `daily`.
    pub limit_type: Option<&'static str>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
}

/// When a retry may succeed, resolved at the moment the answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryHint {
    /// Milliseconds from the answer's arrival.
    pub retry_after_ms: Option<u64>,
    /// The instant itself.
    pub retry_at: Option<Timestamp>,
}

impl Error {
    /// The class hosts map to their exception types.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Build(_) | Error::Config(_) => ErrorClass::Build,
            Error::Api(e) => api_class(e),
            Error::Decode(_) => ErrorClass::Decode,
            Error::OAuth(e) => oauth_class(e),
            Error::Webhook(_) => ErrorClass::Webhook,
            Error::Transport(_) => ErrorClass::Transport,
            Error::Timeout => ErrorClass::Timeout,
            Error::DailyLimitExceeded { .. } => ErrorClass::DailyLimit,
            Error::PageTokenExpired => ErrorClass::PageTokenExpired,
            Error::TokenStore { .. } => ErrorClass::TokenStore,
            Error::ResponseTooLarge { .. } => ErrorClass::ResponseTooLarge,
            Error::Cancelled => ErrorClass::Cancelled,
            Error::Internal { .. } => ErrorClass::Internal,
        }
    }

    /// A stable snake_case code, finer than the class (`unknown_operation`,
    /// `invalid_grant`, `bad_signature`, `invalid_access_token`, ...).
    pub fn code(&self) -> String {
        let code: &str = match self {
            Error::Build(e) => build_code(e),
            Error::Config(_) => "invalid_config",
            Error::Api(e) => api_code(e),
            Error::Decode(_) => "decode_error",
            Error::OAuth(e) => return oauth_code(e),
            Error::Webhook(e) => webhook_code(e),
            Error::Transport(t) => match t.kind {
                crate::retry::TransportErrorKind::Connect => "connect_failed",
                crate::retry::TransportErrorKind::Reset => "connection_reset",
                crate::retry::TransportErrorKind::Timeout => "attempt_timeout",
                crate::retry::TransportErrorKind::Other => "transport_error",
            },
            Error::Timeout => "timeout",
            Error::DailyLimitExceeded { .. } => "daily_limit_exceeded",
            Error::PageTokenExpired => "page_token_expired",
            Error::TokenStore { .. } => "token_store_error",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::Cancelled => "cancelled",
            Error::Internal { .. } => "internal_error",
        };
        code.to_owned()
    }

    /// Zoom's answer behind this error, when there is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::DailyLimitExceeded { api, .. } => api.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer that failed.
    /// For a webhook error: the status to answer Zoom with.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode(e) => Some(e.status),
            Error::Webhook(e) => Some(e.http_status()),
            Error::OAuth(e) => e.status(),
            _ => self.api_error().map(|e| e.status),
        }
    }

    /// Zoom's own error number (`124`, `1001`, `300`, ...).
    pub fn zoom_code(&self) -> Option<i64> {
        self.api_error().and_then(|e| e.code)
    }

    /// Zoom's own error message.
    pub fn zoom_message(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.message.as_deref())
    }

    /// Zoom's per-field problems of a validation error.
    pub fn field_errors(&self) -> &[FieldError] {
        self.api_error().map_or(&[], |e| e.errors.as_slice())
    }

    /// Zoom's `x-zm-trackingid` of the failed answer, for Zoom support.
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Error::Decode(e) => e.tracking_id.as_deref(),
            Error::OAuth(e) => e.tracking_id(),
            _ => self.api_error().and_then(|e| e.tracking_id.as_deref()),
        }
    }

    /// The operationId of the call, where the error is about one.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::Decode(e) => Some(&e.operation),
            _ => self.api_error().map(|e| e.operation.as_str()),
        }
    }

    /// What the rate-limit headers of the failed answer said.
    pub fn rate_limit(&self) -> Option<RateLimitEvidence> {
        let info = &self.api_error()?.rate_limit;
        let evidence = RateLimitEvidence {
            category: info.category.map(RateLimitCategory::key),
            limit_type: info.limit_type.map(LimitType::key),
            limit: info.limit,
            remaining: info.remaining,
        };
        (evidence != RateLimitEvidence::default()).then_some(evidence)
    }

    /// When to try again: Zoom's `Retry-After` (or the daily reset).
    pub fn retry_after(&self) -> Option<RetryHint> {
        let (retry_after, received) = match self {
            Error::DailyLimitExceeded { reset_at, api } => {
                let received = api.as_ref().and_then(|a| a.received_at);
                return reset_at.map(|at| RetryHint {
                    retry_after_ms: received
                        .map(|r| u64::try_from(at.saturating_duration_since(r).as_millis()))
                        .and_then(Result::ok),
                    retry_at: Some(at),
                });
            }
            _ => {
                let api = self.api_error()?;
                (api.rate_limit.retry_after?, api.received_at)
            }
        };
        use crate::ratelimit::RetryAfter;
        Some(match (retry_after, received) {
            (RetryAfter::Delay { millis }, Some(r)) => RetryHint {
                retry_after_ms: Some(millis),
                retry_at: Some(retry_after.resolve(r)),
            },
            (RetryAfter::Delay { millis }, None) => RetryHint {
                retry_after_ms: Some(millis),
                retry_at: None,
            },
            (RetryAfter::At(at), Some(r)) => RetryHint {
                retry_after_ms: u64::try_from(at.saturating_duration_since(r).as_millis()).ok(),
                retry_at: Some(at),
            },
            (RetryAfter::At(at), None) => RetryHint {
                retry_after_ms: None,
                retry_at: Some(at),
            },
        })
    }

    /// Zoom refused the request because of a rate limit (per second or daily).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.class(), ErrorClass::RateLimit | ErrorClass::DailyLimit)
    }

    /// Zoom's answer was 404.
    pub fn is_not_found(&self) -> bool {
        self.class() == ErrorClass::NotFound
    }

    /// The credentials or the token were refused.
    pub fn is_authentication(&self) -> bool {
        self.class() == ErrorClass::Authentication
    }

    /// No answer came (the host's HTTP client failed) or the deadline passed.
    pub fn is_transport(&self) -> bool {
        matches!(self.class(), ErrorClass::Transport | ErrorClass::Timeout)
    }

    /// Everything a binding needs to raise the host's error, in one JSON
    /// object: `class`, `code`, `message` always; `operation`, `status`,
    /// `zoom_code`, `zoom_message`, `errors`, `tracking_id`, `rate_limit`
    /// (`category`, `type`, `limit`, `remaining`), `retry_after_ms`,
    /// `retry_at_ms`, `transport` (`kind`, `target`) when known. Never a
    /// secret: every value comes from Zoom's answer or our own text.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("class".into(), json!(self.class().name()));
        out.insert("code".into(), json!(self.code()));
        out.insert("message".into(), json!(self.to_string()));
        let mut put = |key: &str, value: Value| {
            if !value.is_null() {
                out.insert(key.to_owned(), value);
            }
        };
        put("operation", json!(self.operation()));
        put("status", json!(self.status()));
        put("zoom_code", json!(self.zoom_code()));
        put("zoom_message", json!(self.zoom_message()));
        if !self.field_errors().is_empty() {
            put("errors", json!(self.field_errors()));
        }
        put("tracking_id", json!(self.tracking_id()));
        if let Some(r) = self.rate_limit() {
            put(
                "rate_limit",
                json!({"category": r.category, "type": r.limit_type, "limit": r.limit, "remaining": r.remaining}),
            );
        }
        if let Some(e) = self.retry_after() {
            put("retry_after_ms", json!(e.retry_after_ms));
            put("retry_at_ms", json!(e.retry_at.map(Timestamp::as_millis)));
        }
        if let Error::Transport(t) = self {
            let kind = serde_json::to_value(t.kind).unwrap_or(Value::Null);
            put("transport", json!({"kind": kind, "target": t.target}));
        }
        if let Error::ResponseTooLarge { limit } = self {
            put("limit", json!(limit));
        }
        Value::Object(out)
    }
}

fn api_class(e: &ApiError) -> ErrorClass {
    if e.code == Some(124) {
        return ErrorClass::Authentication;
    }
    match e.status {
        401 => ErrorClass::Authentication,
        403 => ErrorClass::PermissionDenied,
        404 => ErrorClass::NotFound,
        409 => ErrorClass::Conflict,
        400 | 422 => ErrorClass::Validation,
        429 => ErrorClass::RateLimit,
        500..=599 => ErrorClass::Server,
        _ => ErrorClass::Api,
    }
}

fn api_code(e: &ApiError) -> &'static str {
    if e.code == Some(124) {
        return "invalid_access_token";
    }
    match api_class(e) {
        ErrorClass::Authentication => "unauthorized",
        ErrorClass::PermissionDenied => "forbidden",
        ErrorClass::NotFound => "not_found",
        ErrorClass::Validation => "bad_request",
        ErrorClass::Conflict => "conflict",
        ErrorClass::RateLimit => "rate_limited",
        ErrorClass::Server => "server_error",
        _ => "api_error",
    }
}

fn oauth_class(e: &OAuthError) -> ErrorClass {
    match e {
        OAuthError::Config { .. } => ErrorClass::Build,
        OAuthError::Random { .. } => ErrorClass::Internal,
        _ if e.status().is_some_and(|s| s >= 500) => ErrorClass::Server,
        _ => ErrorClass::Authentication,
    }
}

fn build_code(e: &BuildError) -> &'static str {
    match e {
        BuildError::UnknownOperation(_) => "unknown_operation",
        BuildError::ParamsNotObject { .. } => "params_not_object",
        BuildError::UnknownParameter { .. } => "unknown_parameter",
        BuildError::MissingParameter { .. } => "missing_parameter",
        BuildError::InvalidParameter { .. } => "invalid_parameter",
        BuildError::EmptyPathParameter { .. } => "empty_path_parameter",
        BuildError::UnexpectedBody { .. } => "unexpected_body",
        BuildError::InvalidConfig { .. } => "invalid_config",
        BuildError::UrlTooLong { .. } => "url_too_long",
        BuildError::InvalidToken => "invalid_token",
    }
}

/// OAuth errors from the server keep its RFC 6749 code (`invalid_grant`).
fn oauth_code(e: &OAuthError) -> String {
    let code = match e {
        OAuthError::Refused { kind, .. } | OAuthError::AuthorizationFailed { kind, .. } => {
            return kind.code().to_owned();
        }
        OAuthError::UnexpectedResponse { .. } => "unexpected_response",
        OAuthError::NotAnOAuthEndpoint { .. } => "not_an_oauth_endpoint",
        OAuthError::MissingField { .. } => "missing_field",
        OAuthError::Config { .. } => "oauth_config",
        OAuthError::StateMismatch => "state_mismatch",
        OAuthError::MalformedCallback { .. } => "malformed_callback",
        OAuthError::Random { .. } => "random_source_failed",
        OAuthError::DeviceCodeExpired => "device_code_expired",
        OAuthError::CannotRenew { .. } => "cannot_renew",
        OAuthError::TokenRejected => "token_rejected",
        OAuthError::RenewalFailed { .. } => "renewal_failed",
        OAuthError::ReauthorizationRequired { .. } => "reauthorization_required",
    };
    code.to_owned()
}

fn webhook_code(e: &WebhookError) -> &'static str {
    match e {
        WebhookError::MissingHeader { .. } => "missing_header",
        WebhookError::MalformedHeader { .. } => "malformed_header",
        WebhookError::BadSignature => "bad_signature",
        WebhookError::StaleTimestamp { .. } => "stale_timestamp",
        WebhookError::FutureTimestamp { .. } => "future_timestamp",
        WebhookError::NoSecret => "no_secret",
        WebhookError::MalformedBody { .. } => "malformed_body",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::{RateLimitInfo, RetryAfter};

    fn api(status: u16, code: Option<i64>) -> ApiError {
        ApiError {
            status,
            code,
            message: Some("m".into()),
            errors: Vec::new(),
            rate_limit: RateLimitInfo::default(),
            tracking_id: Some("t-1".into()),
            operation: "listPhoneUsers".into(),
            snippet: None,
            received_at: None,
        }
    }

    #[test]
    fn every_class_has_a_distinct_name() {
        let names: std::collections::BTreeSet<_> =
            ErrorClass::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), ErrorClass::ALL.len());
    }

    #[test]
    fn statuses_map_to_one_class_each() {
        let cases = [
            (401, None, ErrorClass::Authentication),
            (400, Some(124), ErrorClass::Authentication),
            (403, None, ErrorClass::PermissionDenied),
            (404, Some(1001), ErrorClass::NotFound),
            (400, Some(300), ErrorClass::Validation),
            (400, None, ErrorClass::Validation),
            (422, None, ErrorClass::Validation),
            (409, None, ErrorClass::Conflict),
            (429, None, ErrorClass::RateLimit),
            (503, None, ErrorClass::Server),
            (405, None, ErrorClass::Api),
            (200, Some(1234), ErrorClass::Api),
        ];
        for (status, code, class) in cases {
            assert_eq!(
                Error::from(api(status, code)).class(),
                class,
                "{status} {code:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_resolved_at_receipt_in_both_forms() {
        let mut e = api(429, Some(429));
        e.received_at = Some(Timestamp::from_millis(10_000));
        e.rate_limit.retry_after = Some(RetryAfter::Delay { millis: 2000 });
        let ev = Error::from(e.clone()).retry_after().unwrap();
        assert_eq!(ev.retry_after_ms, Some(2000));
        assert_eq!(ev.retry_at, Some(Timestamp::from_millis(12_000)));
        e.rate_limit.retry_after = Some(RetryAfter::At(Timestamp::from_millis(70_000)));
        let ev = Error::from(e).retry_after().unwrap();
        assert_eq!(ev.retry_after_ms, Some(60_000));
    }

    #[test]
    fn daily_limit_keeps_zooms_evidence_and_a_readable_reset() {
        let err = Error::DailyLimitExceeded {
            reset_at: Some(Timestamp::from_millis(1_796_256_000_000)),
            api: Some(Box::new(api(429, Some(429)))),
        };
        let json = err.to_json();
        assert_eq!(json["class"], "daily_limit");
        assert_eq!(json["status"], 429);
        assert_eq!(json["zoom_code"], 429);
        assert_eq!(json["tracking_id"], "t-1");
        assert_eq!(json["retry_at_ms"], 1_796_256_000_000u64);
        let text = err.to_string();
        assert!(text.contains("2026-12-03T00:00:00Z"), "{text}");
        assert!(!text.contains("1796256000000"), "{text}");
    }
}
