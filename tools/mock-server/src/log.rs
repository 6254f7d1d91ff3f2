//! The request log: what clients sent, with secrets replaced by fingerprints.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::util::fingerprint;

/// One request as the server received it, and the status it answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedRequest {
    /// Arrival order, from 1.
    pub seq: u64,
    /// Milliseconds since the Unix epoch at arrival.
    pub timestamp_ms: u64,
    pub method: String,
    pub path: String,
    /// The raw query string, if any (an `access_token` in it is fingerprinted).
    pub query: Option<String>,
    /// Lower-case names; repeated headers joined with `, `. `Authorization`
    /// keeps its scheme and replaces the credential by its fingerprint.
    pub headers: BTreeMap<String, String>,
    /// The body as text (lossy for non-UTF-8); secret form fields of
    /// `/oauth/*` requests are fingerprinted.
    pub body: String,
    pub body_len: usize,
    /// The routed operation's `operationId`, for `/v2` requests.
    pub operation: Option<String>,
    pub status: u16,
    pub tracking_id: String,
}

/// Form and query fields whose values are secrets.
const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "refresh_token",
    "code",
    "code_verifier",
    "device_code",
    "token",
    "access_token",
];

pub(crate) fn redact_authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, cred)) => format!("{scheme} {}", fingerprint(cred.trim())),
        None => fingerprint(value),
    }
}

/// Replaces secret values of a form/query string by their fingerprints.
pub(crate) fn redact_form(text: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        if SECRET_FIELDS.contains(&k.as_ref()) {
            out.append_pair(&k, &fingerprint(&v));
        } else {
            out.append_pair(&k, &v);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fingerprinted() {
        let a = redact_authorization("Bearer abc.def");
        assert!(a.starts_with("Bearer <fp:"));
        assert!(!a.contains("abc"));
        let f = redact_form("grant_type=refresh_token&refresh_token=SECRET1&client_id=x");
        assert!(!f.contains("SECRET1"));
        assert!(f.contains("grant_type=refresh_token"));
        assert!(f.contains("client_id=x"));
    }
}
