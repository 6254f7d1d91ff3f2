//! Incremental sync as data: Zoom's four sync operations
//! (`syncUserCallHistory`, `syncUserCallLogs`, `smsSessionSync`,
//! `GetSmsSessions`) take a `sync_type` and a `sync_token` instead of pages.
//! A [`Syncer`] drives one of them for a warehouse loader:
//!
//! 1. **full**: the newest records (`FSync`), whose token marks both ends of
//!    what was seen;
//! 2. **backward**: older and older records (`BSync` from the oldest seen)
//!    until none are left: the history is complete;
//! 3. **incremental**: what changed since the newest seen (`ISync`), until
//!    an answer holds fewer records than asked for: caught up.
//!
//! After every batch [`Syncer::checkpoint`] says where the sync stands; a
//! loader persists it and later [`Syncer::resume`]s from it to pick up only
//! what changed. The host sends each call and parses each answer; the
//! syncer decides what to ask next.

use serde_json::{Map, Value, json};

use crate::catalog::{Operation, SyncSpec};
use crate::config::ConfigError;
use crate::error::Error;
use crate::request::BuildError;

/// Which kind of sync a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPhase {
    Full,
    Backward,
    Incremental,
}

impl SyncPhase {
    pub fn name(self) -> &'static str {
        match self {
            SyncPhase::Full => "full",
            SyncPhase::Backward => "backward",
            SyncPhase::Incremental => "incremental",
        }
    }
}

/// Where a sync stands, to persist between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncCheckpoint {
    /// The token that asks for what changed since the newest record seen.
    pub forward: Option<String>,
    /// The token that asks for records older than the oldest seen.
    pub backward: Option<String>,
    /// The history before the first sync is complete.
    pub backfilled: bool,
}

impl SyncCheckpoint {
    /// `{"forward", "backward", "backfilled"}`.
    pub fn to_json(&self) -> Value {
        json!({"forward": self.forward, "backward": self.backward, "backfilled": self.backfilled})
    }

    pub fn from_json(value: &Value) -> Result<SyncCheckpoint, Error> {
        let bad = |p: &str| Error::from(ConfigError::new("checkpoint", p.to_owned()));
        let Value::Object(m) = value else {
            return Err(bad("must be an object {forward, backward, backfilled}"));
        };
        let token = |k: &str| match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(bad(&format!("{k} must be a non-empty string or null"))),
        };
        Ok(SyncCheckpoint {
            forward: token("forward")?,
            backward: token("backward")?,
            backfilled: match m.get("backfilled") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(bad("backfilled must be true or false")),
            },
        })
    }
}

/// One sync of one operation (see the module docs).
#[derive(Debug, Clone)]
pub struct Syncer {
    spec: SyncSpec,
    operation: String,
    params: Map<String, Value>,
    at: SyncCheckpoint,
    /// The batch asked for and not answered yet.
    asked: Option<(SyncPhase, Option<String>)>,
    caught_up: bool,
    count: Option<u64>,
}

impl Syncer {
    /// A full sync of `op` with `params` (path parameters, `count`, filters;
    /// never `sync_type` or `sync_token`, which are the syncer's).
    pub fn new(op: &Operation, params: Value) -> Result<Syncer, Error> {
        let spec = op
            .sync
            .clone()
            .ok_or_else(|| BuildError::InvalidParameter {
                operation: op.id.clone(),
                field: "sync".to_owned(),
                problem: "is not an incremental-sync operation (those are syncUserCallHistory, \
                      syncUserCallLogs, smsSessionSync and GetSmsSessions)"
                    .to_owned(),
            })?;
        let params = match params {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => {
                return Err(BuildError::ParamsNotObject {
                    operation: op.id.clone(),
                }
                .into());
            }
        };
        for own in [&spec.type_param, &spec.token_param] {
            if params.contains_key(own) {
                return Err(BuildError::InvalidParameter {
                    operation: op.id.clone(),
                    field: own.clone(),
                    problem: "is set by the syncer (resume from a checkpoint instead)".to_owned(),
                }
                .into());
            }
        }
        let count = spec
            .count_param
            .as_ref()
            .and_then(|c| params.get(c))
            .and_then(Value::as_u64);
        Ok(Syncer {
            spec,
            operation: op.id.clone(),
            params,
            at: SyncCheckpoint::default(),
            asked: None,
            caught_up: false,
            count,
        })
    }

    /// Goes on from a checkpoint saved earlier.
    #[must_use]
    pub fn resume(mut self, checkpoint: SyncCheckpoint) -> Self {
        self.at = checkpoint;
        self
    }

    pub fn checkpoint(&self) -> &SyncCheckpoint {
        &self.at
    }

    /// Whether there is nothing more to ask for now (a later run resumes).
    pub fn is_caught_up(&self) -> bool {
        self.caught_up
    }

    /// The answer's arrays of records; the host counts their items for
    /// [`Syncer::accept`].
    pub fn record_fields(&self) -> &[String] {
        &self.spec.record_fields
    }

    /// The answer's field with the next token.
    pub fn token_field(&self) -> &str {
        &self.spec.token_field
    }

    /// The operation to call.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The next batch's parameters and kind, or `None` when caught up.
    pub fn next_params(&mut self) -> Option<(Value, SyncPhase)> {
        if self.caught_up {
            return None;
        }
        let (phase, token) = if !self.at.backfilled && self.at.backward.is_some() {
            (SyncPhase::Backward, self.at.backward.clone())
        } else if self.at.backfilled || self.at.forward.is_some() {
            match &self.at.forward {
                Some(t) => (SyncPhase::Incremental, Some(t.clone())),
                None => {
                    self.caught_up = true;
                    return None;
                }
            }
        } else {
            (SyncPhase::Full, None)
        };
        let kind = match phase {
            SyncPhase::Full => &self.spec.full,
            SyncPhase::Backward => &self.spec.backward,
            SyncPhase::Incremental => &self.spec.incremental,
        };
        let mut params = self.params.clone();
        params.insert(self.spec.type_param.clone(), Value::String(kind.clone()));
        if let Some(t) = &token {
            params.insert(self.spec.token_param.clone(), Value::String(t.clone()));
        }
        self.asked = Some((phase, token));
        Some((Value::Object(params), phase))
    }

    /// Takes the answer to the batch asked for: its token (the answer's
    /// `sync_token`) and how many records it held (the items of
    /// [`Syncer::record_fields`] together). Returns the batch's kind.
    pub fn accept(&mut self, token: Option<&str>, records: usize) -> SyncPhase {
        let Some((phase, sent)) = self.asked.take() else {
            return SyncPhase::Incremental;
        };
        let token = token.filter(|t| !t.trim().is_empty()).map(str::to_owned);
        match phase {
            SyncPhase::Full => {
                self.at.forward.clone_from(&token);
                self.at.backward = token.clone();
                if records == 0 || token.is_none() {
                    self.at.backfilled = true;
                }
            }
            SyncPhase::Backward => {
                if records == 0 || token.is_none() || token == sent {
                    self.at.backfilled = true;
                } else {
                    self.at.backward = token;
                }
            }
            SyncPhase::Incremental => {
                if token.is_some() {
                    self.at.forward = token;
                }
                let short = self.count.is_some_and(|c| (records as u64) < c);
                if records == 0 || short {
                    self.caught_up = true;
                }
            }
        }
        if self.at.backfilled && self.at.forward.is_none() {
            self.caught_up = true;
        }
        phase
    }

    /// [`Syncer::accept`] of a parsed answer.
    pub fn receive(&mut self, body: &Value) -> SyncPhase {
        let token = body.get(&self.spec.token_field).and_then(Value::as_str);
        let records = self
            .spec
            .record_fields
            .iter()
            .filter_map(|f| body.get(f).and_then(Value::as_array))
            .map(Vec::len)
            .sum();
        let token = token.map(str::to_owned);
        self.accept(token.as_deref(), records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op() -> &'static Operation {
        crate::operation("syncUserCallLogs").expect("in the catalog")
    }

    fn page(n: usize, token: &str) -> Value {
        let logs: Vec<Value> = (0..n).map(|i| json!({"id": i})).collect();
        json!({"call_logs": logs, "sync_token": token})
    }

    #[test]
    fn full_then_backward_then_incremental_until_caught_up() {
        let mut s = Syncer::new(op(), json!({"userId": "u1", "count": 2})).unwrap();
        let (p, phase) = s.next_params().unwrap();
        assert_eq!(
            (phase, p["sync_type"].as_str(), p.get("sync_token")),
            (SyncPhase::Full, Some("FSync"), None)
        );
        s.receive(&page(2, "t-new|t-old1"));
        let (p, phase) = s.next_params().unwrap();
        assert_eq!(
            (phase, p["sync_token"].as_str()),
            (SyncPhase::Backward, Some("t-new|t-old1"))
        );
        s.receive(&page(2, "t-new|t-old2"));
        let (p, _) = s.next_params().unwrap();
        assert_eq!(p["sync_token"], "t-new|t-old2");
        s.receive(&page(0, "t-new|t-old2"));
        assert!(s.checkpoint().backfilled);
        let (p, phase) = s.next_params().unwrap();
        assert_eq!(
            (phase, p["sync_type"].as_str(), p["sync_token"].as_str()),
            (SyncPhase::Incremental, Some("ISync"), Some("t-new|t-old1"))
        );
        s.receive(&page(2, "t-newer"));
        s.next_params().unwrap();
        s.receive(&page(1, "t-newest"));
        assert!(s.is_caught_up());
        assert!(s.next_params().is_none());
        // A later run picks up only what changed.
        let saved = SyncCheckpoint::from_json(&s.checkpoint().to_json()).unwrap();
        let mut later = Syncer::new(op(), json!({"userId": "u1", "count": 2}))
            .unwrap()
            .resume(saved);
        let (p, phase) = later.next_params().unwrap();
        assert_eq!(
            (phase, p["sync_token"].as_str()),
            (SyncPhase::Incremental, Some("t-newest"))
        );
    }

    #[test]
    fn only_sync_operations_and_no_sync_params_of_ones_own() {
        let list = crate::operation("listCallQueues").unwrap();
        assert!(Syncer::new(list, json!({})).is_err());
        let err = Syncer::new(op(), json!({"userId": "u", "sync_type": "FSync"})).unwrap_err();
        assert!(err.to_string().contains("sync_type"), "{err}");
        assert!(SyncCheckpoint::from_json(&json!({"forward": 3})).is_err());
    }

    #[test]
    fn call_history_counts_both_record_arrays() {
        let op = crate::operation("syncUserCallHistory").unwrap();
        let mut s = Syncer::new(op, json!({"userId": "u"})).unwrap();
        assert_eq!(s.record_fields(), ["call_logs", "call_elements"]);
        s.next_params();
        s.receive(&json!({"call_logs": [], "call_elements": [{"call_element_id": "e1"}], "sync_token": "t"}));
        assert!(
            !s.checkpoint().backfilled,
            "one record came, in call_elements"
        );
    }
}
