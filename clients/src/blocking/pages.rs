//! A listing as an `Iterator` of its items.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::driver::CallOptions;
use zoom_phone::paginate::ResumePoint;

use super::runtime::{Threads, block_on};
use crate::host::{Core, drive};
use crate::options::call_options;
use crate::pages::Walker;

/// The items of a listing as an [`Iterator`] of `Result<T, Error>` (`T`:
/// the operation's item model for a typed listing, else
/// `serde_json::Value`), each page fetched when the one before is used up,
/// decoded straight from its bytes. An error ends the iteration.
#[must_use = "a listing does nothing until it is iterated"]
pub struct Pages<T = Value> {
    core: Arc<Core<Threads>>,
    /// `Err`: the listing could not start (handed out once, then the end).
    walker: Result<Walker<T>, Option<Error>>,
    options: CallOptions,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.walker {
            Ok(walker) => walker.fmt(f),
            Err(e) => f.debug_tuple("Pages").field(e).finish(),
        }
    }
}

impl<T: DeserializeOwned> Pages<T> {
    pub(crate) fn new(core: Arc<Core<Threads>>, operation: &str, params: Value) -> Self {
        Pages {
            core,
            walker: Walker::new(operation, params).map_err(Some),
            options: CallOptions::default(),
        }
    }

    /// A listing that fails at once with `error` (a typed request that
    /// did not serialize).
    #[cfg_attr(not(feature = "typed-base"), allow(dead_code))]
    pub(crate) fn failed(core: Arc<Core<Threads>>, error: Error) -> Self {
        Pages {
            core,
            walker: Err(Some(error)),
            options: CallOptions::default(),
        }
    }

    /// Stop after `n` items (a page boundary or not: [`Pages::resume_point`]
    /// still says where the rest starts).
    pub fn limit(mut self, n: u64) -> Self {
        if let Ok(walker) = &mut self.walker {
            walker.limit(n);
        }
        self
    }

    /// Go on from a [`Pages::resume_point`] saved earlier (also in another
    /// process: [`ResumePoint::to_json`]).
    pub fn resume(mut self, point: ResumePoint) -> Self {
        if let Ok(walker) = &mut self.walker {
            walker.resume(point);
        }
        self
    }

    call_options!(options);

    /// Where to go on later: the page and how many of its items were
    /// handed out so far. `None` when nothing is left.
    pub fn resume_point(&self) -> Option<ResumePoint> {
        self.walker.as_ref().ok()?.resume_point()
    }

    /// The response of the page fetched last (status, headers, tracking
    /// id, rate-limit state; its body is the items): `None` before the
    /// first page.
    pub fn last_response(&self) -> Option<&zoom_phone::response::Output<()>> {
        self.walker.as_ref().ok()?.last_response()
    }

    /// Items handed out so far.
    pub fn yielded(&self) -> u64 {
        self.walker.as_ref().map_or(0, Walker::yielded)
    }
}

impl<T: DeserializeOwned> Iterator for Pages<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let walker = match &mut self.walker {
            Ok(walker) => walker,
            Err(error) => return error.take().map(Err),
        };
        loop {
            if let Some(item) = walker.pop() {
                return Some(Ok(item));
            }
            let call = match walker.next_call(&self.options) {
                Ok(Some(call)) => call,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            if let Err(e) = walker.accept(block_on(drive(&self.core, call))) {
                return Some(Err(e));
            }
        }
    }
}
