//! A request that got no HTTP answer, with what is needed to act on it: what
//! kind of failure (which decides whether a retry is safe), where the request
//! went, and the host client's own words.

use std::fmt;

use crate::retry::TransportErrorKind;

/// The host's HTTP client failed to get an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportFailure {
    pub kind: TransportErrorKind,
    /// The host client's description and cause (e.g. `ConnectError: [Errno
    /// 111] Connection refused`); never request contents.
    pub message: String,
    /// `scheme://host:port` of the request (no path or query: signed URLs
    /// carry keys there), when known.
    pub target: Option<String>,
}

impl TransportFailure {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportFailure {
            kind,
            message: message.into(),
            target: None,
        }
    }

    /// The same failure, naming where the request went.
    #[must_use]
    pub fn at(mut self, uri: &http::Uri) -> Self {
        self.target = origin(uri);
        self
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Reset => "the connection broke",
            TransportErrorKind::Timeout => "no answer in time",
            TransportErrorKind::Other => "the request failed",
        };
        f.write_str(what)?;
        if let Some(target) = &self.target {
            write!(f, " ({target})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportFailure {}

/// `scheme://host:port`, the port made explicit (users debugging a proxy or
/// a mock want to see it).
pub(crate) fn origin(uri: &http::Uri) -> Option<String> {
    let scheme = uri.scheme_str()?;
    let host = uri.host()?;
    let port = uri.port_u16().or(match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    });
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_origin_and_the_cause_but_not_the_path() {
        let uri: http::Uri = "https://api.zoom.us/v2/phone/users?access_key=secret"
            .parse()
            .unwrap();
        let f = TransportFailure::new(TransportErrorKind::Connect, "Connection refused").at(&uri);
        let text = f.to_string();
        assert_eq!(
            text,
            "could not connect (https://api.zoom.us:443): Connection refused"
        );
        assert!(!text.contains("secret"));
    }
}
