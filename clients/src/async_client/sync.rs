//! An incremental sync as a `Stream` of its batches.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::driver::CallOptions;
use zoom_phone::response::Reply;
use zoom_phone::sync::SyncCheckpoint;

use super::runtime::Tokio;
use crate::host::{Core, drive};
use crate::options::call_options;
use crate::sync::{SyncBatch, SyncState};
use crate::transport::BoxFuture;

/// The batches of one sync of a sync operation (`syncUserCallLogs`,
/// `syncUserCallHistory`, `smsSessionSync`, `GetSmsSessions`) as a
/// [`Stream`] of `Result<SyncBatch, Error>`: the full sync, the backfill of
/// older records, then the changes since, until caught up. Save each
/// batch's [`checkpoint`](SyncBatch::checkpoint) once it is handled; a
/// later sync [`resume`](SyncRun::resume)d from it asks only for what changed.
/// An error ends the stream.
///
/// ```no_run
/// # async fn demo(zp: zoom_phone_client::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
/// use futures_util::StreamExt;
/// let mut sync = zp.sync("syncUserCallLogs", serde_json::json!({"userId": "u1", "count": 100}));
/// while let Some(batch) = sync.next().await {
///     let batch = batch?;
///     println!("{}: {} records", batch.phase.name(), batch.records);
///     let saved = batch.checkpoint.to_json(); // persist it
/// #   let _ = saved;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a sync does nothing until it is iterated"]
pub struct SyncRun {
    core: Arc<Core<Tokio>>,
    state: SyncState,
    in_flight: Option<BoxFuture<'static, Result<Reply, Error>>>,
    options: CallOptions,
}

impl std::fmt::Debug for SyncRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.state.fmt(f)
    }
}

// No field is pinned: the call in flight is boxed.
impl Unpin for SyncRun {}

impl SyncRun {
    pub(crate) fn new(core: Arc<Core<Tokio>>, operation: &str, params: Value) -> Self {
        SyncRun {
            core,
            state: SyncState::new(operation, params),
            in_flight: None,
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

impl Stream for SyncRun {
    type Item = Result<SyncBatch, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            match this.state.next_call(&this.options) {
                Ok(None) => return Poll::Ready(None),
                Ok(Some(call)) => {
                    let core = Arc::clone(&this.core);
                    this.in_flight = Some(Box::pin(async move { drive(&core, call).await }));
                }
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
        let Some(call) = &mut this.in_flight else {
            return Poll::Ready(None);
        };
        let reply = match call.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(reply) => reply,
        };
        this.in_flight = None;
        Poll::Ready(Some(this.state.accept(reply)))
    }
}
