//! A listing as a `Stream` of its items.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::driver::CallOptions;
use zoom_phone::paginate::ResumePoint;
use zoom_phone::response::Reply;

use super::runtime::Tokio;
use crate::host::{Core, drive};
use crate::options::call_options;
use crate::pages::Walker;
use crate::transport::BoxFuture;

/// The items of a listing as a [`Stream`] of `Result<T, Error>` (`T`: the
/// operation's item model for a typed listing, else `serde_json::Value`),
/// each page fetched when the one before is used up, decoded straight from
/// its bytes. An error ends the stream.
///
/// ```no_run
/// # async fn demo(zp: zoom_phone_client::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
/// use futures_util::StreamExt;
/// let mut records = zp
///     .paginate("accountCallHistory", serde_json::json!({ "page_size": 300 }))
///     .limit(1000);
/// while let Some(record) = records.next().await {
///     println!("{}", record?["id"]);
/// }
/// // Where it stopped, to go on later (within Zoom's 15 minutes):
/// let resume = records.resume_point();
/// # Ok(()) }
/// ```
#[must_use = "a listing does nothing until it is iterated"]
pub struct Pages<T = Value> {
    core: Arc<Core<Tokio>>,
    /// `Err`: the listing could not start (handed out once, then the end).
    walker: Result<Walker<T>, Option<Error>>,
    in_flight: Option<BoxFuture<'static, Result<Reply, Error>>>,
    options: CallOptions,
}

// No field is pinned: the page in flight is boxed.
impl<T> Unpin for Pages<T> {}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.walker {
            Ok(walker) => walker.fmt(f),
            Err(e) => f.debug_tuple("Pages").field(e).finish(),
        }
    }
}

impl<T: DeserializeOwned> Pages<T> {
    pub(crate) fn new(core: Arc<Core<Tokio>>, operation: &str, params: Value) -> Self {
        Pages {
            core,
            walker: Walker::new(operation, params).map_err(Some),
            in_flight: None,
            options: CallOptions::default(),
        }
    }

    /// A listing that fails at once with `error` (a typed request that
    /// did not serialize).
    #[cfg_attr(not(feature = "typed-base"), allow(dead_code))]
    pub(crate) fn failed(core: Arc<Core<Tokio>>, error: Error) -> Self {
        Pages {
            core,
            walker: Err(Some(error)),
            in_flight: None,
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

impl<T: DeserializeOwned> Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let walker = match &mut this.walker {
            Ok(walker) => walker,
            Err(error) => return Poll::Ready(error.take().map(Err)),
        };
        loop {
            if let Some(item) = walker.pop() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(page) = &mut this.in_flight {
                let reply = match page.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(reply) => reply,
                };
                this.in_flight = None;
                if let Err(e) = walker.accept(reply) {
                    return Poll::Ready(Some(Err(e)));
                }
                continue;
            }
            match walker.next_call(&this.options) {
                Ok(None) => return Poll::Ready(None),
                Ok(Some(call)) => {
                    let core = Arc::clone(&this.core);
                    this.in_flight = Some(Box::pin(async move { drive(&core, call).await }));
                }
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}
