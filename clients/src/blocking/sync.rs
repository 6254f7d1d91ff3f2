//! An incremental sync as an `Iterator` of its batches.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::driver::CallOptions;
use zoom_phone::sync::SyncCheckpoint;

use super::runtime::{Threads, block_on};
use crate::host::{Core, drive};
use crate::options::call_options;
use crate::sync::{SyncBatch, SyncState};

/// The batches of one sync of a sync operation (`syncUserCallLogs`,
/// `syncUserCallHistory`, `smsSessionSync`, `GetSmsSessions`) as an
/// [`Iterator`] of `Result<SyncBatch, Error>`: the full sync, the backfill
/// of older records, then the changes since, until caught up. Save each
/// batch's [`checkpoint`](SyncBatch::checkpoint) once it is handled; a
/// later sync [`resume`](SyncRun::resume)d from it asks only for what changed.
/// An error ends the iteration.
///
/// ```no_run
/// # fn demo(zp: zoom_phone_client::blocking::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
/// for batch in zp.sync("syncUserCallLogs", serde_json::json!({"userId": "u1", "count": 100})) {
///     let batch = batch?;
///     println!("{}: {} records", batch.phase.name(), batch.records);
///     let saved = batch.checkpoint.to_json(); // persist it
/// #   let _ = saved;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a sync does nothing until it is iterated"]
pub struct SyncRun {
    core: Arc<Core<Threads>>,
    state: SyncState,
    options: CallOptions,
}

impl fmt::Debug for SyncRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.state.fmt(f)
    }
}

impl SyncRun {
    pub(crate) fn new(core: Arc<Core<Threads>>, operation: &str, params: Value) -> Self {
        SyncRun {
            core,
            state: SyncState::new(operation, params),
            options: CallOptions::default(),
        }
    }

    /// Goes on from a checkpoint saved earlier (also in another process:
    /// [`SyncCheckpoint::from_json`]).
    pub fn resume(mut self, checkpoint: SyncCheckpoint) -> Self {
        self.state.resume(checkpoint);
        self
    }

    call_options!(options);

    /// Where the sync stands after the batches handed out so far (`None`
    /// when it could not start).
    pub fn checkpoint(&self) -> Option<&SyncCheckpoint> {
        self.state.checkpoint()
    }
}

impl Iterator for SyncRun {
    type Item = Result<SyncBatch, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let call = match self.state.next_call(&self.options) {
            Ok(None) => return None,
            Ok(Some(call)) => call,
            Err(e) => return Some(Err(e)),
        };
        let reply = block_on(drive(&self.core, call));
        Some(self.state.accept(reply))
    }
}
