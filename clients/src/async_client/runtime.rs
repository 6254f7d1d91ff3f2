//! The async client's IO: tokio timers, a `Notify` for the session's
//! waiters, and a task of its own for every detached action.
//!
//! A detached action (a step of a token renewal, the first read of the
//! store) runs in a spawned task, which reports it and performs the steps
//! after it while they are detached, then hands the first one that is not
//! back to the call. Dropping the call's future therefore cannot drop a
//! renewal half done: the task finishes it (the rotated refresh token is
//! applied and saved), and the session, told by `cancel`, ends the call
//! there. At the call's deadline (`expires_at`) the caller stops waiting
//! with `Outcome::Expired` while the task goes on the same way.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{Notify, oneshot};
use zoom_phone::driver::{Action, Cancelled, Outcome};
use zoom_phone::{Error, Timestamp};

use crate::clock;
use crate::host::{Call, Core, Runtime, finish, perform};

/// What a detached task hands back: the call and its next action.
type Back = (Call, Action);

#[derive(Debug, Default)]
pub(crate) struct Tokio {
    /// Notified after every step that says `wake`.
    woken: Notify,
}

impl Runtime for Tokio {
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }

    async fn wait(core: &Core<Self>, seen: u64, until: Timestamp) {
        loop {
            // Registered before the generation is checked, so a wake in
            // between is not missed.
            let mut woken = pin!(core.runtime.woken.notified());
            woken.as_mut().enable();
            if core.wakes() != seen {
                return;
            }
            let left = clock::until(until);
            if left.is_zero() || tokio::time::timeout(left, woken).await.is_err() {
                return;
            }
        }
    }

    fn wake_all(&self) {
        self.woken.notify_waiters();
    }

    fn detach(
        core: &Arc<Core<Self>>,
        call: Call,
        action: Action,
    ) -> impl Future<Output = (Call, Action)> + Send {
        let core = Arc::clone(core);
        async move {
            let id = call.id;
            let expires_at = action.expires_at();
            let (back, mut answer) = oneshot::channel::<Back>();
            tokio::spawn(run_detached(Arc::clone(&core), call, action, Some(back)));
            let mut expiry = pin!(async move {
                match expires_at {
                    Some(at) => tokio::time::sleep(clock::until(at)).await,
                    None => std::future::pending().await,
                }
            });
            let first = poll_fn(|cx| {
                if let Poll::Ready(answer) = Pin::new(&mut answer).poll(cx) {
                    return Poll::Ready(Some(answer));
                }
                expiry.as_mut().poll(cx).map(|()| None)
            })
            .await;
            match first {
                Some(Ok(back)) => back,
                Some(Err(_)) => lost(&core, id),
                None => expire(&core, id, &mut answer),
            }
        }
    }

    fn dropped(core: &Arc<Core<Self>>, mut call: Call) {
        let mut crossing = core.lock();
        let cancelled = crossing.session().cancel(call.id, clock::now());
        let Cancelled::Perform(step) = cancelled else {
            // Gone: nothing the session needs was out. Finishing: the
            // detached task completes what is out.
            return;
        };
        let (action, seen) = crossing.take(*step);
        drop(crossing);
        call.seen = seen;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let core = Arc::clone(core);
                runtime.spawn(async move { finish(&core, call, action).await });
            }
            // Dropped outside the runtime (it is shutting down): give the
            // renewal up; the lock goes with `call`.
            Err(_) => {
                let _ = core.session().abandon(call.id, clock::now());
            }
        }
    }
}

/// The detached task: performs and reports `action` and the detached
/// steps after it, and hands the first other step back through `back`
/// under the session's lock (so the caller's expiry sees either the step
/// or the action still out, never neither). Once nobody waits for the
/// call any more, it goes on alone until `Done`.
async fn run_detached(
    core: Arc<Core<Tokio>>,
    mut call: Call,
    mut action: Action,
    mut back: Option<oneshot::Sender<Back>>,
) {
    loop {
        let outcome = perform(&core, &mut call, action).await;
        let id = call.id;
        let sender = back.take();
        let mut crossing = core.lock();
        let step = crossing.session().handle(id, outcome, clock::now());
        let (next, seen) = crossing.take(step);
        call.seen = seen;
        let kept = match sender {
            Some(sender) if !next.is_detached() => match sender.send((call, next)) {
                Ok(()) => return,
                // The caller is gone: the session knows (it was told by
                // `cancel` or `Expired`); finish here.
                Err(kept) => kept,
            },
            sender => {
                back = sender;
                (call, next)
            }
        };
        drop(crossing);
        (call, action) = kept;
        if back.is_none() && matches!(action, Action::Done(_)) {
            return;
        }
    }
}

/// The caller's deadline passed while the detached action is out: unless
/// its answer arrived just now, the caller gets its timeout and the task
/// carries on alone.
fn expire(
    core: &Core<Tokio>,
    id: zoom_phone::driver::CallId,
    answer: &mut oneshot::Receiver<Back>,
) -> Back {
    let mut crossing = core.lock();
    if let Ok(back) = answer.try_recv() {
        return back;
    }
    let step = crossing
        .session()
        .handle(id, Outcome::Expired, clock::now());
    let (action, seen) = crossing.take(step);
    (Call::new(id, seen), action)
}

/// The detached task ended without an answer (it panicked: a token store
/// or source of the user's): the renewal is given up so the other calls
/// start their own.
fn lost(core: &Core<Tokio>, id: zoom_phone::driver::CallId) -> Back {
    let _ = core.session().abandon(id, clock::now());
    let problem = "the task performing a token renewal ended without an answer".to_owned();
    (
        Call::new(id, core.wakes()),
        Action::Done(Err(Error::Internal { problem })),
    )
}
