//! Spreading one long listing over the workers of a fleet: a date range cut
//! into shards (Zoom's call history takes about a month per call), each
//! shard claimed by one worker at a time with a lease, its position saved
//! after every page, so a worker that dies leaves a shard another one
//! resumes where it stopped.
//!
//! ```text
//! let job = ShardJob::new(&fleet, "history-2026", "w1", from, to, Span::Months(1));
//! run(job.plan_op())?;                                  // once per job; idempotent
//! while let Some(claim) = job.claimed(run(job.claim_op())?)? {
//!     let mut pager = Pager::new(op, claim.params(&base_params)).resume_at(claim.resume);
//!     ... every page: run(job.checkpoint_op(&claim.shard, pager.resume_point(n)))?;
//!     run(job.checkpoint_op(&claim.shard, None))?;      // done
//! }
//! ```

use std::time::Duration;

use serde_json::Value;

use super::{FleetConfig, SharedOp, SharedReply, scripts};
use crate::date::Date;
use crate::error::Error;
use crate::paginate::{ResumePoint, Span, split_range};

/// One job: its shards and the fleet it is shared in.
#[derive(Debug, Clone)]
pub struct ShardJob {
    config: FleetConfig,
    job: String,
    worker: String,
    shards: Vec<(Date, Date)>,
    lease: Duration,
}

/// A shard this worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim {
    /// `from..to` as the shard's name (`2026-01-01..2026-01-31`).
    pub shard: String,
    pub from: Date,
    pub to: Date,
    /// Where an earlier worker stopped in it, if one did.
    pub resume: ResumePoint,
}

impl Claim {
    /// The listing's parameters for this shard: `params` with `from`/`to`.
    pub fn params(&self, params: &Value) -> Value {
        let mut map = match params {
            Value::Object(m) => m.clone(),
            _ => serde_json::Map::new(),
        };
        map.insert("from".into(), Value::String(self.from.to_string()));
        map.insert("to".into(), Value::String(self.to.to_string()));
        Value::Object(map)
    }
}

impl ShardJob {
    /// `job` names the listing (every worker of it uses the same name);
    /// `worker` this worker (no `:`).
    pub fn new(
        config: &FleetConfig,
        job: &str,
        worker: &str,
        from: Date,
        to: Date,
        span: Span,
    ) -> Result<ShardJob, Error> {
        for (field, value) in [("job", job), ("worker", worker)] {
            if value.is_empty() || value.contains([':', '{', '}']) {
                return Err(crate::config::ConfigError::new(
                    field,
                    "must be non-empty, without colons or braces",
                )
                .into());
            }
        }
        let shards = split_range(from, to, span);
        if shards.is_empty() {
            return Err(
                crate::config::ConfigError::new("range", "is empty (to is before from)").into(),
            );
        }
        Ok(ShardJob {
            config: config.clone(),
            job: job.to_owned(),
            worker: worker.to_owned(),
            shards,
            lease: config.lease,
        })
    }

    /// The shards' names, in order.
    pub fn shard_names(&self) -> Vec<String> {
        self.shards
            .iter()
            .map(|(f, t)| format!("{f}..{t}"))
            .collect()
    }

    fn keys(&self) -> Vec<String> {
        vec![
            self.config.key(&format!("job:{}:shards", self.job)),
            self.config.key(&format!("job:{}:order", self.job)),
        ]
    }

    fn op(&self, script: &'static super::Script, keys: Vec<String>, args: Vec<String>) -> SharedOp {
        SharedOp {
            script,
            keys,
            args,
            timeout: self.config.timeout,
            detached: false,
        }
    }

    /// Registers the job's shards (a no-op once any worker did).
    pub fn plan_op(&self) -> SharedOp {
        self.op(&scripts::PLAN_SHARDS, self.keys(), self.shard_names())
    }

    /// Claims the next free shard (pending, or leased by a worker that went quiet).
    pub fn claim_op(&self) -> SharedOp {
        self.op(
            &scripts::CLAIM_SHARD,
            self.keys(),
            vec![self.worker.clone(), self.lease.as_millis().to_string()],
        )
    }

    /// What [`ShardJob::claim_op`] answered: `None` when no shard is free.
    pub fn claimed(&self, reply: SharedReply) -> Result<Option<Claim>, Error> {
        let bad = |what: &str| Error::internal(format!("the claim script answered {what}"));
        if reply == SharedReply::Nil {
            return Ok(None);
        }
        let shard = reply
            .item(0)
            .and_then(SharedReply::text)
            .ok_or_else(|| bad("no shard"))?;
        let (from, to) = shard
            .split_once("..")
            .and_then(|(f, t)| Some((Date::parse(f)?, Date::parse(t)?)))
            .ok_or_else(|| bad("a shard that is no date range"))?;
        let checkpoint = reply.item(1).and_then(SharedReply::text).unwrap_or("");
        let resume = if checkpoint.is_empty() {
            ResumePoint {
                token: None,
                issued_at: None,
                skip: 0,
            }
        } else {
            let value: Value = serde_json::from_str(checkpoint)
                .map_err(|_| bad("a checkpoint that is no JSON"))?;
            ResumePoint::from_json(&value)?
        };
        Ok(Some(Claim {
            shard: shard.to_owned(),
            from,
            to,
            resume,
        }))
    }

    /// Saves where `shard` stands (`None`: it is done) and renews the lease.
    pub fn checkpoint_op(&self, shard: &str, point: Option<&ResumePoint>) -> SharedOp {
        let json = point.map(|p| p.to_json().to_string()).unwrap_or_default();
        self.op(
            &scripts::CHECKPOINT_SHARD,
            vec![self.keys().swap_remove(0)],
            vec![
                shard.to_owned(),
                self.worker.clone(),
                self.lease.as_millis().to_string(),
                json,
            ],
        )
    }

    /// Whether the checkpoint was saved: `false` when the lease was lost
    /// (another worker took the shard over); stop working on it then.
    pub fn checkpointed(reply: &SharedReply) -> bool {
        reply.int() == Some(1)
    }
}
