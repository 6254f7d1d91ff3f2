//! How the bindings present a core `Error` to a host: an error class `name`,
//! a stable snake_case `code` and, for API errors, the HTTP `status`.
//!
//! Pure data, shared by both bindings (the Python crate includes this file by
//! path) so JavaScript and Python name and code every error the same way. It
//! only translates: which error happened is decided by the core.

use zoom_phone::Error;
use zoom_phone::request::BuildError;
use zoom_phone::webhook::WebhookError;

/// What a host sees of an error, before it becomes a JS object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    pub name: &'static str,
    pub code: &'static str,
    pub status: Option<u16>,
    pub message: String,
}

/// Classifies a core error. The core's `Display` is the message: it never
/// contains a secret.
pub fn describe(error: &Error) -> ErrorInfo {
    let (name, code, status) = match error {
        Error::Build(e) => ("BuildError", build_code(e), None),
        Error::Api(e) => ("ApiError", "api_error", Some(e.status)),
        Error::Decode(_) => ("DecodeError", "decode_error", None),
        Error::OAuth(_) => ("OAuthError", "oauth_error", None),
        Error::Webhook(e) => ("WebhookError", webhook_code(e), None),
        Error::Transport { .. } => ("TransportError", "transport_error", None),
        Error::Timeout => ("TimeoutError", "timeout", None),
        Error::DailyLimitExceeded { .. } => {
            ("DailyLimitExceededError", "daily_limit_exceeded", None)
        }
        Error::PageTokenExpired => ("PageTokenExpiredError", "page_token_expired", None),
        // The enum is non-exhaustive: a variant added in the core before the
        // bindings learn it still reaches the host as the base error.
        _ => ("ZoomPhoneError", "error", None),
    };
    ErrorInfo {
        name,
        code,
        status,
        message: error.to_string(),
    }
}

fn build_code(e: &BuildError) -> &'static str {
    match e {
        BuildError::UnknownOperation(_) => "unknown_operation",
        _ => "invalid_request",
    }
}

fn webhook_code(e: &WebhookError) -> &'static str {
    match e {
        WebhookError::BadSignature => "bad_signature",
        _ => "webhook_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn api_errors_carry_the_http_status() {
        let err: Error = zoom_phone::response::ApiError { status: 404 }.into();
        let info = describe(&err);
        assert_eq!(
            (info.name, info.code, info.status),
            ("ApiError", "api_error", Some(404))
        );
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
        let codes: std::collections::BTreeSet<_> = infos.iter().map(|i| i.code).collect();
        assert_eq!(names.len(), infos.len());
        assert_eq!(codes.len(), infos.len());
    }
}
