//! Incremental sync, shared by the async `Stream` and the blocking
//! `Iterator`: the core's [`Syncer`] decides what to ask for next (the full
//! sync, the backfill of older records, then the changes since the newest
//! seen) and where the sync stands after each answer; this sends nothing
//! itself, it only turns the syncer's parameters into calls and the replies
//! into batches.

use std::fmt;

use serde_json::Value;
use zoom_phone::driver::{CallOptions, CallRequest};
use zoom_phone::response::{Output, Reply};
use zoom_phone::sync::{SyncCheckpoint, SyncPhase, Syncer};
use zoom_phone::{Error, request::BuildError};

use crate::reply;

/// One answer of a sync: the page as JSON with its response's metadata,
/// how many records it held and where the sync stands after it (persist
/// [`SyncBatch::checkpoint`] once the batch is handled).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SyncBatch {
    /// Which part of the sync the batch belongs to.
    pub phase: SyncPhase,
    /// The answer: status, headers, tracking id, rate limit, and the page.
    pub page: Output<Value>,
    /// The records of the page (its record arrays together).
    pub records: usize,
    /// Where the sync stands after this batch: resume from it later.
    pub checkpoint: SyncCheckpoint,
    fields: Vec<String>,
}

impl SyncBatch {
    /// The page's records: the items of its record arrays, in order.
    pub fn items(&self) -> impl Iterator<Item = &Value> {
        self.fields
            .iter()
            .filter_map(|f| self.page.body.get(f).and_then(Value::as_array))
            .flatten()
    }
}

/// Where one sync is; an error ends it.
pub(crate) struct SyncState {
    /// `Err`: the sync could not start (handed out once, then the end).
    syncer: Result<Syncer, Option<Error>>,
    finished: bool,
}

impl fmt::Debug for SyncState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.syncer {
            Ok(s) => f
                .debug_struct("Sync")
                .field("operation", &s.operation())
                .field("caught_up", &s.is_caught_up())
                .finish_non_exhaustive(),
            Err(e) => f.debug_tuple("Sync").field(e).finish(),
        }
    }
}

impl SyncState {
    pub(crate) fn new(operation: &str, params: Value) -> Self {
        let syncer = zoom_phone::operation(operation)
            .ok_or_else(|| Error::from(BuildError::UnknownOperation(operation.to_owned())))
            .and_then(|op| Syncer::new(op, params));
        SyncState {
            syncer: syncer.map_err(Some),
            finished: false,
        }
    }

    pub(crate) fn resume(&mut self, checkpoint: SyncCheckpoint) {
        if let Ok(s) = &mut self.syncer {
            *s = s.clone().resume(checkpoint);
        }
    }

    pub(crate) fn checkpoint(&self) -> Option<&SyncCheckpoint> {
        self.syncer.as_ref().ok().map(Syncer::checkpoint)
    }

    /// The next call, `Ok(None)` when caught up (or ended).
    pub(crate) fn next_call(
        &mut self,
        options: &CallOptions,
    ) -> Result<Option<CallRequest>, Error> {
        let syncer = match &mut self.syncer {
            Ok(s) => s,
            Err(e) => {
                self.finished = true;
                return e.take().map_or(Ok(None), Err);
            }
        };
        if self.finished {
            return Ok(None);
        }
        match syncer.next_params() {
            Some((params, _)) => Ok(Some(
                CallRequest::operation(syncer.operation(), params).with_options(options.clone()),
            )),
            None => {
                self.finished = true;
                Ok(None)
            }
        }
    }

    /// Takes the answer to the call handed out: the batch, or the error
    /// that ends the sync.
    pub(crate) fn accept(&mut self, reply: Result<Reply, Error>) -> Result<SyncBatch, Error> {
        let result = self.batch(reply);
        if result.is_err() {
            self.finished = true;
        }
        result
    }

    fn batch(&mut self, reply: Result<Reply, Error>) -> Result<SyncBatch, Error> {
        let reply = reply?;
        let syncer = match &mut self.syncer {
            Ok(s) => s,
            // A sync that never started handed out no call: its own error.
            Err(e) => {
                return Err(e.take().unwrap_or_else(|| {
                    BuildError::InvalidParameter {
                        operation: "sync".to_owned(),
                        field: "sync".to_owned(),
                        problem: "did not start".to_owned(),
                    }
                    .into()
                }));
            }
        };
        // A sync answer is JSON; anything else holds no records.
        let page = reply::into_json(syncer.operation(), reply)?.map(|body| match body {
            zoom_phone::response::Body::Json(v) => v,
            _ => Value::Object(serde_json::Map::new()),
        });
        let records = syncer
            .record_fields()
            .iter()
            .filter_map(|f| page.body.get(f).and_then(Value::as_array))
            .map(Vec::len)
            .sum();
        let token = page.body.get(syncer.token_field()).and_then(Value::as_str);
        let phase = syncer.accept(token, records);
        Ok(SyncBatch {
            phase,
            page,
            records,
            checkpoint: syncer.checkpoint().clone(),
            fields: syncer.record_fields().to_vec(),
        })
    }
}
