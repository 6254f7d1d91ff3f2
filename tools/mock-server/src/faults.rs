//! Faults on demand: the next N matching responses go wrong in a chosen way.

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// A bare 5xx (500, 502, 503) with a Zoom-style JSON error body.
    Status { status: u16 },
    /// A 429 as Zoom sends it; `retry_after` is the header's value, none
    /// leaves the header out.
    RateLimit { retry_after: Option<String> },
    /// The request is answered normally, this much later.
    Latency { ms: u64 },
    /// The connection is reset (TCP RST) without an answer.
    Reset,
    /// The normal answer is cut off halfway, its `Content-Length` promising more.
    Truncate,
    /// A 200 whose JSON body does not parse.
    InvalidJson,
    /// A gateway's HTML error page (502) instead of JSON.
    Html,
    /// A 200 whose JSON body is `bytes` long, sent chunked (no
    /// `Content-Length`): a client must stop reading at its limit.
    Oversized { bytes: u64 },
    /// A `Content-Length: bytes` that lies: a few bytes follow, then the
    /// connection breaks. A client must refuse on the header alone.
    OversizedLength { bytes: u64 },
}

/// A queued fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many more matching responses it affects.
    pub count: u32,
    /// Applies only to request paths starting with this (e.g. `/v2/phone/users`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Applies only to this operation (`operationId` or snake_case name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

/// The admin API's and command line's form of a fault: flat and forgiving.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub kind: String,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<String>,
    #[serde(default)]
    pub ms: Option<u64>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub operation: Option<String>,
    #[serde(default)]
    pub bytes: Option<u64>,
}

impl FaultSpec {
    pub(crate) fn into_fault(self) -> Result<Fault, String> {
        let kind = match self.kind.as_str() {
            "500" | "502" | "503" | "504" => FaultKind::Status {
                status: self.kind.parse().unwrap_or(500),
            },
            "status" => {
                let status = self.status.unwrap_or(500);
                if !(500..=599).contains(&status) {
                    return Err(format!("status fault needs a 5xx status, got {status}"));
                }
                FaultKind::Status { status }
            }
            "429" | "rate_limit" => FaultKind::RateLimit {
                retry_after: match self.retry_after.as_deref() {
                    None => Some("1".into()),
                    Some("none" | "") => None,
                    Some(v) => Some(v.to_string()),
                },
            },
            "latency" => FaultKind::Latency {
                ms: self
                    .ms
                    .ok_or_else(|| "latency fault needs ms".to_string())?,
            },
            "reset" => FaultKind::Reset,
            "truncate" => FaultKind::Truncate,
            "invalid_json" => FaultKind::InvalidJson,
            "html" => FaultKind::Html,
            "oversized" | "oversized_length" => {
                let bytes = self
                    .bytes
                    .ok_or_else(|| format!("{} fault needs bytes", self.kind))?;
                if self.kind == "oversized" {
                    FaultKind::Oversized { bytes }
                } else {
                    FaultKind::OversizedLength { bytes }
                }
            }
            other => {
                return Err(format!(
                    "unknown fault kind {other:?}: expected 500, 502, 503, 504, status, 429, \
                     latency, reset, truncate, invalid_json, html, oversized or oversized_length"
                ));
            }
        };
        Ok(Fault {
            kind,
            count: self.count.unwrap_or(1),
            path: self.path,
            operation: self.operation,
        })
    }
}

impl Fault {
    /// Parses the command line's `kind=503,count=3,path=/v2/phone/users`.
    pub fn parse_spec(spec: &str) -> Result<Fault, String> {
        let mut f = FaultSpec::default();
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("fault {spec:?}: expected key=value, got {part:?}"))?;
            let bad = |what: &str| format!("fault {spec:?}: {k} must be {what}, got {v:?}");
            match k {
                "kind" => f.kind = v.to_string(),
                "count" => f.count = Some(v.parse().map_err(|_| bad("a count"))?),
                "status" => f.status = Some(v.parse().map_err(|_| bad("a status"))?),
                "retry_after" => f.retry_after = Some(v.to_string()),
                "ms" => f.ms = Some(v.parse().map_err(|_| bad("milliseconds"))?),
                "path" => f.path = Some(v.to_string()),
                "operation" => f.operation = Some(v.to_string()),
                "bytes" => f.bytes = Some(v.parse().map_err(|_| bad("a byte count"))?),
                _ => return Err(format!("fault {spec:?}: unknown key {k:?}")),
            }
        }
        f.into_fault()
    }

    fn matches(&self, path: &str, operation: Option<(&str, &str)>) -> bool {
        let path_ok = self.path.as_deref().is_none_or(|p| path.starts_with(p));
        let op_ok = self
            .operation
            .as_deref()
            .is_none_or(|want| operation.is_some_and(|(id, name)| want == id || want == name));
        path_ok && op_ok
    }
}

/// Pending faults, first queued first applied.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.pending.push(fault);
        }
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.pending.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    /// Takes one use of the first fault matching this request.
    pub(crate) fn take(
        &mut self,
        path: &str,
        operation: Option<(&str, &str)>,
    ) -> Option<FaultKind> {
        let i = self
            .pending
            .iter()
            .position(|f| f.matches(path, operation))?;
        let fault = self.pending.get_mut(i)?;
        fault.count = fault.count.saturating_sub(1);
        let kind = fault.kind.clone();
        if fault.count == 0 {
            self.pending.remove(i);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_apply_count_times_to_matching_requests_only() {
        let mut q = FaultQueue::default();
        q.push(Fault::parse_spec("kind=503,count=2,path=/v2/phone/users").unwrap());
        assert_eq!(q.take("/oauth/token", None), None);
        let op = Some(("listPhoneUsers", "list_phone_users"));
        assert_eq!(
            q.take("/v2/phone/users", op),
            Some(FaultKind::Status { status: 503 })
        );
        assert!(q.take("/v2/phone/users", op).is_some());
        assert_eq!(q.take("/v2/phone/users", op), None);
    }

    #[test]
    fn operation_filter_accepts_id_or_name() {
        let mut q = FaultQueue::default();
        q.push(Fault::parse_spec("kind=reset,operation=list_phone_users").unwrap());
        assert_eq!(
            q.take(
                "/v2/phone/sites",
                Some(("listPhoneSites", "list_phone_sites"))
            ),
            None
        );
        assert_eq!(
            q.take(
                "/v2/phone/users",
                Some(("listPhoneUsers", "list_phone_users"))
            ),
            Some(FaultKind::Reset)
        );
    }

    #[test]
    fn bad_specs_are_rejected_with_the_reason() {
        assert!(
            Fault::parse_spec("kind=teapot")
                .unwrap_err()
                .contains("teapot")
        );
        assert!(
            Fault::parse_spec("kind=latency")
                .unwrap_err()
                .contains("ms")
        );
        assert!(
            Fault::parse_spec("kind=status,status=404")
                .unwrap_err()
                .contains("5xx")
        );
        assert!(
            Fault::parse_spec("count")
                .unwrap_err()
                .contains("key=value")
        );
        assert!(
            Fault::parse_spec("kind=oversized")
                .unwrap_err()
                .contains("bytes")
        );
        assert_eq!(
            Fault::parse_spec("kind=oversized_length,bytes=99")
                .unwrap()
                .kind,
            FaultKind::OversizedLength { bytes: 99 }
        );
        assert_eq!(
            Fault::parse_spec("kind=429,retry_after=none").unwrap().kind,
            FaultKind::RateLimit { retry_after: None }
        );
    }
}
