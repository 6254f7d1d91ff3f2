//! The one interpreter of the core's host protocol, shared by both clients.
//!
//! A call asks the [`Session`] what to do, performs exactly that action and
//! reports exactly its outcome, until `Done`; every decision is the core's.
//! What differs between the async and the blocking client is only the IO
//! around it, a [`Runtime`]: how to sleep, how to wait until woken, and
//! where a detached action runs (the async client: in a task of its own, so
//! that dropping a call's future cannot drop a token renewal half done).
//! Requests go through one [`Transport`], stores and token sources through
//! their async form (the blocking client's are adapted and complete at
//! once), a fleet's scripts through one [`SharedRunner`].

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use zoom_phone::auth::TokenSourceFailure;
use zoom_phone::driver::{Action, CallId, CallRequest, Event, Outcome, Session, Step};
use zoom_phone::error::TransportFailure;
use zoom_phone::fleet::{SharedOp, SharedReply};
use zoom_phone::response::Reply;
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Timestamp};

use crate::clock;
use crate::log;
use crate::source::TokenProvider;
use crate::store::{AsyncTokenStore, StoreLock};
use crate::transport::{self, SendOptions, Transport};

/// The IO of one kind of client.
pub(crate) trait Runtime: Send + Sync + Sized + 'static {
    /// Sleeps for `duration` (between polls of the device flow).
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;

    /// Returns at `until`, or earlier once a step woke the session's
    /// waiters after generation `seen`.
    fn wait(core: &Core<Self>, seen: u64, until: Timestamp) -> impl Future<Output = ()> + Send;

    /// Wakes every call of the session that is waiting.
    fn wake_all(&self);

    /// Performs the detached `action` and the steps after it while they are
    /// detached; hands back the first one that is not.
    fn detach(
        core: &Arc<Core<Self>>,
        call: Call,
        action: Action,
    ) -> impl Future<Output = (Call, Action)> + Send;

    /// The caller gave the call up before its end (a dropped future, a
    /// panic): cancel it in the session, and finish what the session still
    /// needs done.
    fn dropped(core: &Arc<Core<Self>>, call: Call);
}

/// Runs a fleet's [`SharedOp`]s on the shared store (Redis): exactly the
/// script it is handed, within the op's timeout, answering the reply or a
/// description of the failure that never holds the op's arguments (they
/// may be token sets). What the reply means is the core's.
pub(crate) trait SharedRunner: Send + Sync {
    fn run<'a>(
        &'a self,
        op: &'a SharedOp,
    ) -> Pin<Box<dyn Future<Output = Result<SharedReply, String>> + Send + 'a>>;
}

/// One call as the interpreter carries it.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) id: CallId,
    /// The wake generation at the call's last crossing: a wait ends when
    /// it moves on.
    pub(crate) seen: u64,
    /// The store's lock while this call holds it for a renewal.
    pub(crate) lock: Option<StoreLock>,
}

impl Call {
    pub(crate) fn new(id: CallId, seen: u64) -> Self {
        Call {
            id,
            seen,
            lock: None,
        }
    }
}

/// What every clone of one client shares.
pub(crate) struct Core<R> {
    session: Mutex<Session>,
    /// Bumped (under the session's lock) by every step that says `wake`.
    wakes: AtomicU64,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) store: Option<Arc<dyn AsyncTokenStore>>,
    pub(crate) source: Option<Arc<dyn TokenProvider>>,
    pub(crate) fleet: Option<Fleet>,
    pub(crate) runtime: R,
}

/// The fleet a client is part of: where its scripts run, and its settings
/// (the sharded jobs it makes need them). Only a `redis` build has one.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) struct Fleet {
    pub(crate) runner: Arc<dyn SharedRunner>,
    pub(crate) config: zoom_phone::fleet::FleetConfig,
}

impl<R: Runtime> Core<R> {
    pub(crate) fn new(
        session: Session,
        transport: Arc<dyn Transport>,
        store: Option<Arc<dyn AsyncTokenStore>>,
        source: Option<Arc<dyn TokenProvider>>,
        fleet: Option<Fleet>,
        runtime: R,
    ) -> Self {
        Core {
            session: Mutex::new(session),
            wakes: AtomicU64::new(0),
            transport,
            store,
            source,
            fleet,
            runtime,
        }
    }

    /// The session, for a crossing. Its lock is held only for that: never
    /// across IO.
    pub(crate) fn session(&self) -> MutexGuard<'_, Session> {
        // Crossings do not panic; a poisoned lock means a panic elsewhere
        // while it was held, not a torn session.
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn wakes(&self) -> u64 {
        self.wakes.load(Ordering::SeqCst)
    }

    /// The session locked for one crossing (or a few that must not be
    /// split, see the async client's detached task).
    pub(crate) fn lock(&self) -> Crossing<'_, R> {
        Crossing {
            core: self,
            session: Some(self.session()),
            wake: false,
            events: Vec::new(),
        }
    }

    /// `handle` of this call's outcome; the call learns the wake generation.
    pub(crate) fn handle(&self, call: &mut Call, outcome: Outcome) -> Action {
        let mut crossing = self.lock();
        let step = crossing.session().handle(call.id, outcome, clock::now());
        let (action, seen) = crossing.take(step);
        call.seen = seen;
        action
    }

    fn start(&self, request: CallRequest) -> (Call, Action) {
        let mut crossing = self.lock();
        let (id, step) = crossing.session().start(request, clock::now());
        let (action, seen) = crossing.take(step);
        (Call::new(id, seen), action)
    }
}

/// A locked session. Dropping it unlocks, then wakes the waiters and logs
/// the events its steps produced: neither happens under the lock.
pub(crate) struct Crossing<'a, R: Runtime> {
    core: &'a Core<R>,
    session: Option<MutexGuard<'a, Session>>,
    wake: bool,
    events: Vec<Event>,
}

impl<R: Runtime> Crossing<'_, R> {
    pub(crate) fn session(&mut self) -> &mut Session {
        self.session
            .as_mut()
            .expect("the session stays locked until the crossing is dropped")
    }

    /// Takes a step's action, noting its `wake` and events; returns the
    /// wake generation after it.
    pub(crate) fn take(&mut self, step: Step) -> (Action, u64) {
        if step.wake {
            self.core.wakes.fetch_add(1, Ordering::SeqCst);
            self.wake = true;
        }
        if !step.events.is_empty() {
            self.events.extend(step.events);
        }
        (step.action, self.core.wakes())
    }
}

impl<R: Runtime> Drop for Crossing<'_, R> {
    fn drop(&mut self) {
        drop(self.session.take());
        if self.wake {
            self.core.runtime.wake_all();
        }
        if !self.events.is_empty() {
            log::forward(std::mem::take(&mut self.events));
        }
    }
}

/// Runs one call to its end.
pub(crate) async fn drive<R: Runtime>(
    core: &Arc<Core<R>>,
    request: CallRequest,
) -> Result<Reply, Error> {
    let (call, mut action) = core.start(request);
    let mut guard = Guard {
        core,
        call: Some(call),
    };
    loop {
        let Some(call) = guard.call.as_mut() else {
            return Err(lost_state());
        };
        action = match action {
            Action::Done(result) => {
                guard.call = None;
                return result;
            }
            action if action.is_detached() => {
                // While the action is out elsewhere, a dropped caller only
                // cancels: the session then lets the action finish.
                let placeholder = Call::new(call.id, call.seen);
                let call = std::mem::replace(call, placeholder);
                let (call, next) = R::detach(core, call, action).await;
                guard.call = Some(call);
                next
            }
            action => {
                let outcome = perform(core, call, action).await;
                core.handle(call, outcome)
            }
        };
    }
}

fn lost_state() -> Error {
    Error::Internal {
        problem: "a call lost its state".to_owned(),
    }
}

/// Cancels a call its caller gave up before `Done`.
struct Guard<'a, R: Runtime> {
    core: &'a Arc<Core<R>>,
    /// `None` once the call is done (ids are never reused: a cancel of a
    /// finished call would only cost a crossing).
    call: Option<Call>,
}

impl<R: Runtime> Drop for Guard<'_, R> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            R::dropped(self.core, call);
        }
    }
}

/// Performs one action that is not `Done` and returns its outcome.
pub(crate) async fn perform<R: Runtime>(
    core: &Core<R>,
    call: &mut Call,
    action: Action,
) -> Outcome {
    let no_store = || Outcome::StoreFailed("this client has no token store".to_owned());
    match action {
        Action::Send(send) => {
            let limit = send.body_limit;
            let options = SendOptions::new(send.timeout, limit);
            transport::outcome(core.transport.send(send.request, options).await, limit)
        }
        Action::FetchToken { .. } => Outcome::Token(match &core.source {
            // The source's words may quote what it handles: its error is
            // the call error's `source()`, never part of the message.
            Some(source) => source.fetch().await.map_err(|e| {
                TokenSourceFailure::new("its error is this error's source()").with_cause(e)
            }),
            None => Err(TokenSourceFailure::new("this client has no token source")),
        }),
        Action::LockStore { .. } => match &core.store {
            // Held elsewhere: the session waits and asks again.
            Some(store) => match store.try_lock() {
                Ok(Some(lock)) => {
                    call.lock = Some(lock);
                    Outcome::Locked
                }
                Ok(None) => Outcome::LockBusy,
                Err(e) => Outcome::StoreFailed(e.to_string()),
            },
            None => no_store(),
        },
        Action::ReadStore { .. } => match &core.store {
            Some(store) => match store.load().await {
                Ok(tokens) => Outcome::Stored(tokens),
                Err(e) => Outcome::StoreFailed(e.to_string()),
            },
            None => no_store(),
        },
        Action::WriteStore { tokens, .. } => match &core.store {
            Some(store) => match store.save(&tokens).await {
                Ok(()) => Outcome::Written,
                Err(e) => Outcome::StoreFailed(e.to_string()),
            },
            None => no_store(),
        },
        Action::UnlockStore => {
            // Dropping the lock releases it (a file lock closes its file).
            call.lock = None;
            Outcome::Unlocked
        }
        // A detached op (part of a token renewal) runs where `detach` put
        // it, so an abandoned call still completes it.
        Action::Shared(op) => Outcome::Shared(match &core.fleet {
            Some(fleet) => fleet.runner.run(&op).await,
            None => Err("this client has no fleet".to_owned()),
        }),
        Action::Wait { until } => {
            R::wait(core, call.seen, until).await;
            Outcome::Woken
        }
        // `Done` is never performed; an action a newer core added is
        // answered with a failure the session reports as a protocol error.
        other => Outcome::Failed(TransportFailure::new(
            TransportErrorKind::Other,
            format!("this client cannot perform `{}`", other.name()),
        )),
    }
}

/// Performs actions and reports them until `Done`, whose result nobody
/// reads: what a cancelled call still owes the session.
pub(crate) async fn finish<R: Runtime>(core: &Core<R>, mut call: Call, mut action: Action) {
    while !matches!(action, Action::Done(_)) {
        let outcome = perform(core, &mut call, action).await;
        action = core.handle(&mut call, outcome);
    }
}
