// Not part of the wasm crate any more (the core classifies errors: Error::to_json);
// kept only while bindings-python includes it by path, to be deleted with that.
//! How the bindings present a core `Error` to a host: an error class `name`,
//! a stable snake_case `code`, and the evidence a caller acts on (HTTP
//! `status`, Zoom's numeric error code, Zoom's tracking id).
//!
//! Pure data, shared by both bindings (the Python crate includes this file by
//! path) so JavaScript and Python name and code every error the same way. It
//! only translates: which error happened is decided by the core.

use zoom_phone::Error;
use zoom_phone::auth::OAuthError;
use zoom_phone::request::BuildError;
use zoom_phone::webhook::WebhookError;

/// What a host sees of an error, before it becomes a JS or Python object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The class: `BuildError`, `ApiError`, ... (`ZoomPhoneError` for a kind
    /// the bindings do not know yet).
    pub name: &'static str,
    pub code: String,
    /// HTTP status of the response that failed, where there was one.
    pub status: Option<u16>,
    /// Zoom's own error number (`ApiError` only).
    pub zoom_code: Option<i64>,
    /// `x-zm-trackingid` of the response, for Zoom support.
    pub tracking_id: Option<String>,
    /// The core's `Display`, which never contains a secret.
    pub message: String,
}

/// Classifies a core error.
pub fn describe(error: &Error) -> ErrorInfo {
    let mut info = ErrorInfo {
        name: "ZoomPhoneError",
        code: "error".to_owned(),
        status: None,
        zoom_code: None,
        tracking_id: None,
        message: error.to_string(),
    };
    let (name, code): (&'static str, String) = match error {
        Error::Build(e) => ("BuildError", build_code(e).to_owned()),
        Error::Api(e) => {
            info.status = Some(e.status);
            info.zoom_code = e.code;
            info.tracking_id.clone_from(&e.tracking_id);
            ("ApiError", "api_error".to_owned())
        }
        Error::Decode(e) => {
            info.status = Some(e.status);
            info.tracking_id.clone_from(&e.tracking_id);
            ("DecodeError", "decode_error".to_owned())
        }
        Error::OAuth(e) => {
            info.status = oauth_status(e);
            ("OAuthError", oauth_code(e))
        }
        Error::Webhook(e) => ("WebhookError", webhook_code(e).to_owned()),
        Error::Transport { .. } => ("TransportError", "transport_error".to_owned()),
        Error::Timeout => ("TimeoutError", "timeout".to_owned()),
        Error::DailyLimitExceeded { .. } => {
            ("DailyLimitExceededError", "daily_limit_exceeded".to_owned())
        }
        Error::PageTokenExpired => ("PageTokenExpiredError", "page_token_expired".to_owned()),
        Error::ResponseTooLarge { .. } => {
            ("ResponseTooLargeError", "response_too_large".to_owned())
        }
        // The host's own store failed (its message says how); no narrower
        // class fits, but the code lets callers tell it from Zoom's errors.
        Error::TokenStore { .. } => ("ZoomPhoneError", "token_store_error".to_owned()),
        // The enum is non-exhaustive: a variant added in the core before the
        // bindings learn it still reaches the host, as the base class.
        _ => return info,
    };
    info.name = name;
    info.code = code;
    info
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
        _ => "invalid_request",
    }
}

/// OAuth errors from the server keep its RFC 6749 code (`invalid_grant`).
fn oauth_code(e: &OAuthError) -> String {
    let code = match e {
        OAuthError::Refused { kind, .. } | OAuthError::AuthorizationFailed { kind, .. } => {
            return kind.code().to_owned();
        }
        OAuthError::UnexpectedResponse { .. } => "unexpected_response",
        OAuthError::MissingField { .. } => "missing_field",
        OAuthError::Config { .. } => "oauth_config",
        OAuthError::StateMismatch => "state_mismatch",
        OAuthError::MalformedCallback { .. } => "malformed_callback",
        OAuthError::Random { .. } => "random_source_failed",
        OAuthError::DeviceCodeExpired => "device_code_expired",
        OAuthError::CannotRenew { .. } => "cannot_renew",
        OAuthError::TokenRejected => "token_rejected",
        OAuthError::RenewalFailed { .. } => "renewal_failed",
        OAuthError::ReauthorizationRequired => "reauthorization_required",
        _ => "oauth_error",
    };
    code.to_owned()
}

fn oauth_status(e: &OAuthError) -> Option<u16> {
    match e {
        OAuthError::Refused { status, .. } | OAuthError::UnexpectedResponse { status, .. } => {
            Some(*status)
        }
        _ => None,
    }
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
        _ => "webhook_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_phone::auth::OAuthErrorKind;

    #[test]
    fn unknown_operation_is_a_build_error_with_its_own_code() {
        let err: Error = BuildError::UnknownOperation("noSuchOp".into()).into();
        let info = describe(&err);
        assert_eq!(info.name, "BuildError");
        assert_eq!(info.code, "unknown_operation");
        assert_eq!(info.status, None);
        assert!(info.message.contains("noSuchOp"), "{}", info.message);
    }

    #[test]
    fn api_errors_carry_status_zoom_code_and_tracking_id() {
        let op = zoom_phone::operation("listCallQueues").expect("in the catalog");
        let response = http::Response::builder()
            .status(404)
            .header("content-type", "application/json")
            .header("x-zm-trackingid", "v=2.0;clid=us06;rid=abc")
            .body(br#"{"code":1001,"message":"User does not exist"}"#.to_vec())
            .expect("valid response");
        let err = zoom_phone::response::parse(op, response).expect_err("404 is an error");
        let info = describe(&err);
        assert_eq!((info.name, info.code.as_str()), ("ApiError", "api_error"));
        assert_eq!(info.status, Some(404));
        assert_eq!(info.zoom_code, Some(1001));
        assert_eq!(info.tracking_id.as_deref(), Some("v=2.0;clid=us06;rid=abc"));
    }

    #[test]
    fn oauth_refusals_keep_the_servers_code_and_status() {
        let err: Error = OAuthError::Refused {
            kind: OAuthErrorKind::InvalidGrant,
            status: 400,
            reason: None,
            description: None,
        }
        .into();
        let info = describe(&err);
        assert_eq!(
            (info.name, info.code.as_str(), info.status),
            ("OAuthError", "invalid_grant", Some(400))
        );
    }

    #[test]
    fn a_failing_token_store_has_its_own_code_on_the_base_class() {
        let info = describe(&Error::TokenStore {
            message: "disk full".into(),
        });
        assert_eq!(
            (info.name, info.code.as_str()),
            ("ZoomPhoneError", "token_store_error")
        );
        assert!(info.message.contains("disk full"), "{}", info.message);
    }

    #[test]
    fn unit_variants_have_distinct_names_and_codes() {
        let infos = [
            describe(&Error::Timeout),
            describe(&Error::PageTokenExpired),
            describe(&Error::DailyLimitExceeded { reset_at: None }),
            describe(&Error::Transport {
                message: "reset".into(),
            }),
            describe(&Error::Webhook(WebhookError::BadSignature)),
        ];
        let names: std::collections::BTreeSet<_> = infos.iter().map(|i| i.name).collect();
        let codes: std::collections::BTreeSet<_> = infos.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(names.len(), infos.len());
        assert_eq!(codes.len(), infos.len());
    }
}
