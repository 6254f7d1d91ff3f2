//! The blocking client's IO: the calling thread sleeps, waits on a
//! `Condvar` paired with the session's lock, and performs detached actions
//! itself (a thread cannot be dropped mid-call, so nothing is left half
//! done; a call's deadline may pass during a renewal, which then ends a
//! little late: `expires_at` is ignored, as the protocol allows).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::Duration;

use zoom_phone::Timestamp;
use zoom_phone::driver::{Action, Cancelled};

use crate::clock;
use crate::host::{Call, Core, Runtime, finish, perform};

#[derive(Debug, Default)]
pub(crate) struct Threads {
    /// Signalled after every step that says `wake`.
    woken: Condvar,
}

impl Runtime for Threads {
    async fn sleep(duration: Duration) {
        std::thread::sleep(duration);
    }

    async fn wait(core: &Core<Self>, seen: u64, until: Timestamp) {
        let session = core.session();
        let left = clock::until(until);
        // The generation moves under the session's lock, which this wait
        // releases atomically: no wake is missed.
        drop(
            core.runtime
                .woken
                .wait_timeout_while(session, left, |_| core.wakes() == seen),
        );
    }

    fn wake_all(&self) {
        self.woken.notify_all();
    }

    async fn detach(core: &Arc<Core<Self>>, mut call: Call, action: Action) -> (Call, Action) {
        let outcome = perform(core, &mut call, action).await;
        let next = core.handle(&mut call, outcome);
        (call, next)
    }

    fn dropped(core: &Arc<Core<Self>>, mut call: Call) {
        let mut crossing = core.lock();
        match crossing.session().cancel(call.id, clock::now()) {
            Cancelled::Gone => {}
            // The thread left while a detached action was out (a token
            // store or source panicked): it cannot finish it, so the
            // renewal is given up; the store's lock goes with `call`.
            Cancelled::Finishing => {
                let _ = crossing.session().abandon(call.id, clock::now());
            }
            Cancelled::Perform(step) => {
                let (action, seen) = crossing.take(*step);
                drop(crossing);
                call.seen = seen;
                block_on(finish(core, call, action));
            }
        }
    }
}

/// Runs a future of the blocking client on this thread. Its IO completes
/// inside each poll (ureq, std locks, thread sleeps), so this normally
/// returns after one; a future that does return `Pending` parks the
/// thread until woken.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
