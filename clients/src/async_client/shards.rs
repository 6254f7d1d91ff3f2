//! A sharded job as a `Stream` of the items of the shards this worker claims.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::fleet::{SharedOp, SharedReply};
use zoom_phone::response::Reply;

use super::runtime::Tokio;
use crate::host::{Core, SharedRunner, drive};
use crate::options::call_options;
use crate::shards::{Next, ShardOptions, ShardWalk, no_fleet, redis_failed};
use crate::transport::BoxFuture;

/// The items of a listing spread over the workers of a fleet, as a
/// [`Stream`] of `Result<T, Error>`: the shards of the job this worker
/// claims, one after the other, each walked page by page from where the
/// last worker on it stopped, its position saved in Redis after every
/// page; the stream ends when no shard is free. An error ends it too (the
/// shard goes to another worker after its lease). Made by
/// [`ZoomPhone::shards`](crate::ZoomPhone::shards).
///
/// To stop in the middle of a shard, [`Shards::stop`] saves exactly how far
/// it got, so the next worker neither repeats nor skips an item; a stream
/// just dropped does the same in a task of its own (best effort), and
/// without either the next worker repeats at most the current page.
#[must_use = "a sharded job does nothing until it is iterated"]
pub struct Shards<T = Value> {
    core: Arc<Core<Tokio>>,
    runner: Arc<dyn SharedRunner>,
    walk: ShardWalk<T>,
    in_flight: Option<InFlight>,
}

enum InFlight {
    /// The script's name (for an error) and its answer.
    Shared(
        &'static str,
        BoxFuture<'static, Result<SharedReply, String>>,
    ),
    Page(BoxFuture<'static, Result<Reply, Error>>),
}

// No field is pinned: what is in flight is boxed.
impl<T> Unpin for Shards<T> {}

impl<T> fmt::Debug for Shards<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shards")
            .field("shard", &self.walk.shard())
            .finish_non_exhaustive()
    }
}

fn run(runner: &Arc<dyn SharedRunner>, op: SharedOp) -> InFlight {
    let runner = Arc::clone(runner);
    InFlight::Shared(
        op.script.name,
        Box::pin(async move { runner.run(&op).await }),
    )
}

impl<T: DeserializeOwned> Shards<T> {
    pub(crate) fn new(
        core: Arc<Core<Tokio>>,
        operation: &str,
        params: Value,
        options: ShardOptions,
    ) -> Result<Self, Error> {
        let fleet = core.fleet.as_ref().ok_or_else(no_fleet)?;
        let walk = ShardWalk::new(&fleet.config, operation, params, options)?;
        let runner = Arc::clone(&fleet.runner);
        Ok(Shards {
            core,
            runner,
            walk,
            in_flight: None,
        })
    }

    call_options!(walk.options);

    /// The shard being walked (`2026-01-01..2026-01-31`): the one the item
    /// just handed out belongs to. `None` between shards.
    pub fn shard(&self) -> Option<&str> {
        self.walk.shard()
    }

    /// Every shard of the job, in order.
    pub fn shards(&self) -> Vec<String> {
        self.walk.shards()
    }

    /// Stops: saves exactly where the current shard stands (the items
    /// handed out so far) and renews its lease, for whoever claims it next.
    /// Fails only when Redis did not take the position (the next worker
    /// then starts from the last page's).
    pub async fn stop(mut self) -> Result<(), Error> {
        self.in_flight = None;
        let Some(op) = self.walk.stop_op() else {
            return Ok(());
        };
        match self.runner.run(&op).await {
            Ok(_) => Ok(()),
            Err(problem) => Err(redis_failed(op.script.name, &problem)),
        }
    }
}

impl<T> Drop for Shards<T> {
    fn drop(&mut self) {
        let Some(op) = self.walk.stop_op() else {
            return;
        };
        // Outside a runtime (it is shutting down) the position is not
        // saved: the next worker repeats at most this page.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let runner = Arc::clone(&self.runner);
            runtime.spawn(async move {
                let _ = runner.run(&op).await;
            });
        }
    }
}

impl<T: DeserializeOwned> Stream for Shards<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.in_flight {
                Some(InFlight::Shared(script, answer)) => {
                    let Poll::Ready(answer) = answer.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    let script = *script;
                    this.in_flight = None;
                    if let Err(e) = this.walk.shared(script, answer) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                Some(InFlight::Page(reply)) => {
                    let Poll::Ready(reply) = reply.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    this.in_flight = None;
                    if let Err(e) = this.walk.page(reply) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                None => match this.walk.next() {
                    Next::Item(item) => return Poll::Ready(Some(Ok(item))),
                    Next::Shared(op) => this.in_flight = Some(run(&this.runner, op)),
                    Next::Page(call) => {
                        let core = Arc::clone(&this.core);
                        this.in_flight =
                            Some(InFlight::Page(Box::pin(
                                async move { drive(&core, call).await },
                            )));
                    }
                    Next::Fail(e) => return Poll::Ready(Some(Err(e))),
                    Next::End => return Poll::Ready(None),
                },
            }
        }
    }
}
