//! A sharded job as an `Iterator` of the items of the shards this worker claims.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use zoom_phone::Error;

use super::runtime::{Threads, block_on};
use crate::host::{Core, SharedRunner, drive};
use crate::options::call_options;
use crate::shards::{Next, ShardOptions, ShardWalk, no_fleet, redis_failed};

/// The items of a listing spread over the workers of a fleet, as an
/// [`Iterator`] of `Result<T, Error>`: the shards of the job this worker
/// claims, one after the other, each walked page by page from where the
/// last worker on it stopped, its position saved in Redis after every
/// page; the iteration ends when no shard is free. An error ends it too
/// (the shard goes to another worker after its lease). Made by
/// [`ZoomPhone::shards`](crate::blocking::ZoomPhone::shards).
///
/// Stopped in the middle of a shard (dropped, or [`Shards::stop`] to see
/// whether Redis took it), it saves exactly how far it got, so the next
/// worker neither repeats nor skips an item.
#[must_use = "a sharded job does nothing until it is iterated"]
pub struct Shards<T = Value> {
    core: Arc<Core<Threads>>,
    runner: Arc<dyn SharedRunner>,
    walk: ShardWalk<T>,
}

impl<T> fmt::Debug for Shards<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shards")
            .field("shard", &self.walk.shard())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Shards<T> {
    pub(crate) fn new(
        core: Arc<Core<Threads>>,
        operation: &str,
        params: Value,
        options: ShardOptions,
    ) -> Result<Self, Error> {
        let fleet = core.fleet.as_ref().ok_or_else(no_fleet)?;
        let walk = ShardWalk::new(&fleet.config, operation, params, options)?;
        let runner = Arc::clone(&fleet.runner);
        Ok(Shards { core, runner, walk })
    }

    call_options!(walk.options);
}

impl<T> Shards<T> {
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
    pub fn stop(mut self) -> Result<(), Error> {
        self.save_position()
    }

    fn save_position(&mut self) -> Result<(), Error> {
        let Some(op) = self.walk.stop_op() else {
            return Ok(());
        };
        match block_on(self.runner.run(&op)) {
            Ok(_) => Ok(()),
            Err(problem) => Err(redis_failed(op.script.name, &problem)),
        }
    }
}

impl<T> Drop for Shards<T> {
    fn drop(&mut self) {
        // Bounded by the fleet's timeout; a failure leaves the last page's
        // position, so the next worker repeats at most this page.
        let _ = self.save_position();
    }
}

impl<T: DeserializeOwned> Iterator for Shards<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.walk.next() {
                Next::Item(item) => return Some(Ok(item)),
                Next::Shared(op) => {
                    let answer = block_on(self.runner.run(&op));
                    if let Err(e) = self.walk.shared(op.script.name, answer) {
                        return Some(Err(e));
                    }
                }
                Next::Page(call) => {
                    if let Err(e) = self.walk.page(block_on(drive(&self.core, call))) {
                        return Some(Err(e));
                    }
                }
                Next::Fail(e) => return Some(Err(e)),
                Next::End => return None,
            }
        }
    }
}
