//! A listing spread over the workers of a fleet (feature `redis`), shared by
//! the async `Stream` and the blocking `Iterator`: the core's [`ShardJob`]
//! cuts the date range into shards and owns the Redis scripts that plan,
//! claim (with a lease) and checkpoint them; this says, one step at a time,
//! which script to run or which page to fetch next, and walks each claimed
//! shard with the listing's [`Walker`] resumed from the shard's checkpoint.

use serde::de::DeserializeOwned;
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::config::ConfigError;
use zoom_phone::date::Date;
use zoom_phone::driver::{CallOptions, CallRequest};
use zoom_phone::error::TransportFailure;
use zoom_phone::fleet::shards::ShardJob;
use zoom_phone::fleet::{FleetConfig, SharedOp, SharedReply};
use zoom_phone::paginate::Span;
use zoom_phone::response::Reply;
use zoom_phone::retry::TransportErrorKind;

use crate::pages::Walker;

/// Which job to take part in, and as whom: `job` names the listing (every
/// worker of it passes the same name, range and span), `from..=to` its
/// dates (`YYYY-MM-DD`), cut into shards of [`ShardOptions::span`] (one
/// month unless set: what Zoom's call history allows per call).
#[derive(Debug, Clone)]
pub struct ShardOptions {
    job: String,
    worker: Option<String>,
    from: String,
    to: String,
    span: Span,
}

impl ShardOptions {
    pub fn new(job: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Self {
        ShardOptions {
            job: job.into(),
            worker: None,
            from: from.into(),
            to: to.into(),
            span: Span::Months(1),
        }
    }

    /// This worker's name in the job (no `:`); a random one unless set.
    /// A worker that comes back under its old name gets its own leased
    /// shard back at once instead of after the lease.
    #[must_use]
    pub fn worker(mut self, worker: impl Into<String>) -> Self {
        self.worker = Some(worker.into());
        self
    }

    /// How long each shard is (default one month).
    #[must_use]
    pub fn span(mut self, span: Span) -> Self {
        self.span = span;
        self
    }
}

/// What a client without a fleet gets from `shards()`.
pub(crate) fn no_fleet() -> Error {
    ConfigError::new(
        "fleet",
        "is not configured: shards() needs a client built with Builder::fleet \
         (a FleetConfig and a RedisFleet)",
    )
    .into()
}

/// What to do next.
pub(crate) enum Next<T> {
    Item(T),
    /// Run this script of the job in the fleet's Redis; its answer goes to
    /// [`ShardWalk::shared`].
    Shared(SharedOp),
    /// Fetch this page of the current shard; it goes to [`ShardWalk::page`].
    Page(CallRequest),
    Fail(Error),
    End,
}

/// What the script out is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Plan,
    Claim,
    /// The position after a page.
    Save,
    /// The shard is done.
    Finish,
}

/// The shard this worker holds and its walk.
struct Current<T> {
    shard: String,
    walker: Walker<T>,
    /// Pages whose position was saved (or that were received before the
    /// claim: none).
    saved: u64,
}

pub(crate) struct ShardWalk<T> {
    job: ShardJob,
    operation: String,
    params: Value,
    pub(crate) options: CallOptions,
    planned: bool,
    current: Option<Current<T>>,
    pending: Option<Pending>,
    /// No shard is free, or an error was handed out: nothing more.
    over: bool,
}

impl<T: DeserializeOwned> ShardWalk<T> {
    /// Checks everything before anything is sent: a fleet, a listing, the
    /// job's names and its range.
    pub(crate) fn new(
        fleet: &FleetConfig,
        operation: &str,
        params: Value,
        options: ShardOptions,
    ) -> Result<Self, Error> {
        // Refuses an unknown operation or one that is not a listing.
        Walker::<T>::new(operation, Value::Null)?;
        let date = |field: &str, text: &str| {
            Date::parse(text).ok_or_else(|| ConfigError::new(field, "must be a date YYYY-MM-DD"))
        };
        let worker = options
            .worker
            .unwrap_or_else(|| format!("w{:x}", crate::builder::random_seed()));
        let job = ShardJob::new(
            fleet,
            &options.job,
            &worker,
            date("from", &options.from)?,
            date("to", &options.to)?,
            options.span,
        )?;
        Ok(ShardWalk {
            job,
            operation: operation.to_owned(),
            params,
            options: CallOptions::default(),
            planned: false,
            current: None,
            pending: None,
            over: false,
        })
    }
}

impl<T> ShardWalk<T> {
    pub(crate) fn shard(&self) -> Option<&str> {
        self.current.as_ref().map(|c| c.shard.as_str())
    }

    pub(crate) fn shards(&self) -> Vec<String> {
        self.job.shard_names()
    }

    /// An error ends the walk: it is handed out once, then nothing more.
    /// The shard stays leased to this worker until its lease runs out; its
    /// last checkpoint is where the next claimer starts.
    fn fail(&mut self, error: Error) -> Error {
        self.over = true;
        self.current = None;
        self.pending = None;
        error
    }

    /// The script to save exactly where the current shard stands when the
    /// walk is given up in the middle of it (the items handed out so far),
    /// so the next claimer neither repeats nor skips any; `None` when no
    /// shard is held. The walk is over after it.
    pub(crate) fn stop_op(&mut self) -> Option<SharedOp> {
        self.over = true;
        self.pending = None;
        let current = self.current.take()?;
        let point = current.walker.resume_point();
        Some(self.job.checkpoint_op(&current.shard, point.as_ref()))
    }
}

impl<T: DeserializeOwned> ShardWalk<T> {
    pub(crate) fn next(&mut self) -> Next<T> {
        if self.over {
            return Next::End;
        }
        if !self.planned {
            self.pending = Some(Pending::Plan);
            return Next::Shared(self.job.plan_op());
        }
        let Some(current) = &mut self.current else {
            self.pending = Some(Pending::Claim);
            return Next::Shared(self.job.claim_op());
        };
        if let Some(item) = current.walker.pop() {
            return Next::Item(item);
        }
        // The page is used up: save the position after it (the next page)
        // before fetching that, so a worker that stops now costs nothing.
        let pages = current.walker.pages();
        if pages > current.saved {
            current.saved = pages;
            // `None` after the last page: the shard is saved as done below.
            if let Some(point) = current.walker.resume_point() {
                self.pending = Some(Pending::Save);
                return Next::Shared(self.job.checkpoint_op(&current.shard, Some(&point)));
            }
        }
        match current.walker.next_call(&self.options) {
            Ok(Some(call)) => Next::Page(call),
            Ok(None) => {
                self.pending = Some(Pending::Finish);
                let op = self.job.checkpoint_op(&current.shard, None);
                Next::Shared(op)
            }
            Err(e) => Next::Fail(self.fail(e)),
        }
    }

    /// The answer of the script [`ShardWalk::next`] handed out (`Err`:
    /// Redis failed; the runner's description, which never holds the
    /// script's arguments).
    pub(crate) fn shared(
        &mut self,
        script: &'static str,
        answer: Result<SharedReply, String>,
    ) -> Result<(), Error> {
        let reply = match answer {
            Ok(reply) => reply,
            Err(problem) => return Err(self.fail(redis_failed(script, &problem))),
        };
        match self.pending.take() {
            Some(Pending::Plan) => self.planned = true,
            Some(Pending::Claim) => match self.job.claimed(reply) {
                Ok(None) => self.over = true,
                Ok(Some(claim)) => {
                    let params = claim.params(&self.params);
                    let mut walker =
                        Walker::new(&self.operation, params).map_err(|e| self.fail(e))?;
                    walker.resume(claim.resume);
                    self.current = Some(Current {
                        shard: claim.shard,
                        walker,
                        saved: 0,
                    });
                }
                Err(e) => return Err(self.fail(e)),
            },
            Some(pending @ (Pending::Save | Pending::Finish)) => {
                let kept = ShardJob::checkpointed(&reply);
                if !kept && let Some(current) = &self.current {
                    lease_lost(&current.shard);
                }
                // Done, or another worker has it now: claim the next one.
                if !kept || pending == Pending::Finish {
                    self.current = None;
                }
            }
            None => {}
        }
        Ok(())
    }

    /// The page [`ShardWalk::next`] asked for.
    pub(crate) fn page(&mut self, reply: Result<Reply, Error>) -> Result<(), Error> {
        let Some(current) = &mut self.current else {
            return Ok(());
        };
        current.walker.accept(reply).map_err(|e| self.fail(e))
    }
}

/// A script that Redis did not run is a transport error naming the script
/// (its arguments hold page tokens and worker names: never repeated).
pub(crate) fn redis_failed(script: &str, problem: &str) -> Error {
    TransportFailure::new(
        TransportErrorKind::Other,
        format!("a sharded job's script `{script}` failed on the fleet's Redis ({problem})"),
    )
    .into()
}

/// Another worker took the shard over (this one went quiet for longer than
/// the lease): it goes on from the last saved position, this one moves on.
fn lease_lost(shard: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: "zoom_phone",
        event = "fleet.lease_lost",
        shard,
        "the lease of shard {shard} was lost to another worker; moving on"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = shard;
}
