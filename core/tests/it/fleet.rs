//! Sessions of one fleet against a real redis-server: the shared limiter,
//! the fleet-wide pause, tokens fetched once for the fleet, a rotating
//! refresh token renewed by one worker at a time, a crashed lock holder
//! taken over, and degraded mode while Redis is down.

// A real Redis keeps real time (leases, `TIME`): this host side sleeps and
// reads the clock, as the hosts do.
#![allow(clippy::disallowed_methods)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde_json::json;
use zoom_phone::config::{Credentials, HostConfig};
use zoom_phone::driver::{Action, CallRequest, Outcome, Session};
use zoom_phone::error::ErrorClass;
use zoom_phone::fleet::{FleetConfig, SharedReply};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::{Secret, Timestamp};

use crate::redis::Redis;
use crate::sim::*;

fn fleet_config(credentials: Credentials, account: &str, seed: u64) -> HostConfig {
    let mut c = config(credentials);
    let mut fleet = FleetConfig::new(account);
    fleet.lease = Duration::from_millis(400);
    c.fleet = Some(fleet);
    c.seed = seed;
    c
}

fn page() -> Reply {
    ok_json(json!({"call_queues": [], "next_page_token": ""}))
}

/// A fake Zoom's token endpoint shared by the workers: counts token
/// requests and (for refresh tokens) rotates, refusing dead ones.
#[derive(Default)]
struct Zoom {
    token_requests: u32,
    refresh: String,
    dead_refreshes: u32,
}

fn zoom_script(zoom: Rc<RefCell<Zoom>>) -> impl FnMut(&Seen) -> Reply {
    move |seen| {
        if !seen.is_token() {
            return page();
        }
        let mut z = zoom.borrow_mut();
        z.token_requests += 1;
        let n = z.token_requests;
        match seen.form("refresh_token") {
            None => ok_json(json!({"access_token": format!("s2s-{n}"), "expires_in": 3600})),
            Some(sent) if sent == z.refresh => {
                z.refresh = format!("rt-{n}");
                ok_json(
                    json!({"access_token": format!("at-{n}"), "refresh_token": z.refresh, "expires_in": 3600}),
                )
            }
            Some(_) => {
                z.dead_refreshes += 1;
                json_reply(
                    400,
                    &[],
                    json!({"error": "invalid_grant", "reason": "Invalid Token!"}),
                )
            }
        }
    }
}

#[test]
fn two_workers_draw_from_one_budget_at_the_shared_rate() {
    let redis = Redis::start();
    let mut sims: Vec<Sim> = (0..2)
        .map(|w| {
            let mut c = fleet_config(Credentials::AccessToken(Secret::new("t")), "acct-rate", w);
            c.rate_limits = Some(PlanLimits::pro());
            let mut sim = Sim::new(session(c), |_| page());
            sim.redis = Some(redis.client());
            sim
        })
        .collect();
    // Each worker starts 10 Light calls at once; between them the fleet
    // reserves 20 slots at 18 per second (Pro's 20 at the 0.9 share).
    let mut waits = Vec::new();
    for sim in &mut sims {
        let calls = (0..10)
            .map(|_| CallRequest::operation("listCallQueues", json!({})))
            .collect();
        assert!(sim.run(calls).iter().all(Result::is_ok));
        waits.extend(sim.seen.iter().map(|s| s.at.as_millis() - T0));
    }
    waits.sort_unstable();
    let span = waits.last().unwrap() - waits.first().unwrap();
    // 20 slots 55.6 ms apart take about 1.06 s: never a burst of 20.
    assert!(span >= 1_000, "the fleet's slots span {span} ms: {waits:?}");
    assert!(
        sims.iter()
            .all(|s| s.shared_log.iter().all(|n| *n == "acquire"))
    );
}

#[test]
fn a_429_seen_by_one_worker_pauses_the_category_for_all() {
    let redis = Redis::start();
    let worker = |w| {
        let mut c = fleet_config(Credentials::AccessToken(Secret::new("t")), "acct-pause", w);
        c.rate_limits = Some(PlanLimits::pro());
        session(c)
    };
    let mut client = redis.client();
    let now = at(0);
    let mut a = worker(1);
    let (id, step) = a.start(CallRequest::operation("listCallQueues", json!({})), now);
    let Action::Shared(acquire) = step.action else {
        panic!("{:?}", step.action)
    };
    let step = a.handle(id, Outcome::Shared(client.run(&acquire)), now);
    assert!(matches!(step.action, Action::Send(_)), "{:?}", step.action);
    let limited = json_reply(
        429,
        &[("Retry-After", "2"), ("X-RateLimit-Type", "QPS")],
        json!({"code": 429, "message": "slow"}),
    );
    let step = a.handle(id, answer(limited), now);
    let Action::Shared(pause) = step.action else {
        panic!("{:?}", step.action)
    };
    assert_eq!(pause.script.name, "pause");
    let step = a.handle(id, Outcome::Shared(client.run(&pause)), now);
    assert!(
        matches!(step.action, Action::Wait { .. }),
        "{:?}",
        step.action
    );
    // Another worker's Medium call is held now, by Redis's clock.
    let mut b = worker(2);
    let (id, step) = b.start(CallRequest::operation("listCallQueues", json!({})), now);
    let Action::Shared(op) = step.action else {
        panic!("{:?}", step.action)
    };
    let reply = client.run(&op);
    assert_eq!(
        reply.as_ref().unwrap().item(2).and_then(SharedReply::text),
        Some("paused")
    );
    let step = b.handle(id, Outcome::Shared(reply), now);
    assert!(
        matches!(step.action, Action::Wait { until } if until > now.saturating_add(Duration::from_millis(1_000)))
    );
    // A Heavy call is not held by a Medium pause.
    let (_, step) = b.start(CallRequest::operation("accountCallLogs", json!({})), now);
    let Action::Shared(op) = step.action else {
        panic!()
    };
    assert_eq!(
        client.run(&op).unwrap().item(2).and_then(SharedReply::text),
        Some("ok")
    );
}

#[test]
fn account_tokens_are_fetched_once_for_the_whole_fleet() {
    let redis = Redis::start();
    let zoom = Rc::new(RefCell::new(Zoom::default()));
    let mut sims: Vec<Sim> = (0..3)
        .map(|w| {
            let mut sim = Sim::new(
                session(fleet_config(s2s(), "acct-s2s", w)),
                zoom_script(zoom.clone()),
            );
            sim.redis = Some(redis.client());
            sim
        })
        .collect();
    for sim in &mut sims {
        assert!(sim.call("listCallQueues", json!({})).is_ok());
    }
    assert_eq!(zoom.borrow().token_requests, 1);
    for sim in &sims {
        assert_eq!(
            sim.seen.last().unwrap().authorization.as_deref(),
            Some("Bearer s2s-1")
        );
    }
    assert_eq!(
        sims[0].shared_log,
        ["read", "lock", "read", "write", "unlock"]
    );
    assert_eq!(sims[1].shared_log, ["read"]);
}

#[test]
fn a_rotating_refresh_token_is_renewed_by_one_worker_and_never_sent_dead() {
    let redis = Redis::start();
    let zoom = Rc::new(RefCell::new(Zoom {
        refresh: "rt-0".into(),
        ..Zoom::default()
    }));
    let start = tokens("at-0", Some("rt-0"), at(0));
    let mut sims: Vec<Sim> = (0..3)
        .map(|w| {
            let mut c = fleet_config(user(start.clone()), "acct-user", w);
            c.fleet.as_mut().unwrap().tokens = "user-1".into();
            let mut sim = Sim::new(session(c), zoom_script(zoom.clone()));
            sim.redis = Some(redis.client());
            sim
        })
        .collect();
    // Five expiries; every worker calls after each.
    for round in 0..5u64 {
        for sim in &mut sims {
            sim.now = at(round * 3_600_000);
            assert!(
                sim.call("listCallQueues", json!({})).is_ok(),
                "round {round}"
            );
        }
    }
    let z = zoom.borrow();
    assert_eq!(z.dead_refreshes, 0);
    assert_eq!(z.token_requests, 5, "one refresh per expiry for the fleet");
}

#[test]
fn a_crashed_lock_holder_is_taken_over_after_its_lease() {
    let redis = Redis::start();
    let zoom = Rc::new(RefCell::new(Zoom::default()));
    let mut a = Sim::new(
        session(fleet_config(s2s(), "acct-crash", 1)),
        zoom_script(zoom.clone()),
    );
    a.redis = Some(redis.client());
    // A takes the lock and "crashes" before its token request.
    let (id, step) = a
        .session
        .start(CallRequest::operation("listCallQueues", json!({})), a.now);
    let Action::Shared(read) = step.action else {
        panic!()
    };
    let reply = a.redis.as_mut().unwrap().run(&read);
    let step = a.session.handle(id, Outcome::Shared(reply), a.now);
    let Action::Shared(lock) = step.action else {
        panic!("{:?}", step.action)
    };
    let reply = a.redis.as_mut().unwrap().run(&lock);
    assert_eq!(
        reply.as_ref().unwrap().item(0).and_then(SharedReply::int),
        Some(1)
    );
    // B finds the lock held and keeps looking until the 400 ms lease ends.
    let mut b = Sim::new(
        session(fleet_config(s2s(), "acct-crash", 2)),
        zoom_script(zoom.clone()),
    );
    b.redis = Some(redis.client());
    let started = std::time::Instant::now();
    let (id, mut step) = b
        .session
        .start(CallRequest::operation("listCallQueues", json!({})), b.now);
    let mut waits = 0;
    let result = loop {
        let outcome = match step.action {
            Action::Shared(op) => Outcome::Shared(b.redis.as_mut().unwrap().run(&op)),
            Action::Wait { until } => {
                waits += 1;
                std::thread::sleep(Duration::from_millis(20));
                b.now = until;
                Outcome::Woken
            }
            Action::Send(send) => {
                let seen = Seen {
                    at: b.now,
                    method: send.request.method().to_string(),
                    url: send.request.uri().to_string(),
                    authorization: None,
                    headers: send.request.headers().clone(),
                    body: String::from_utf8_lossy(send.request.body()).into_owned(),
                    timeout: send.timeout,
                    detached: send.detached,
                };
                answer(zoom_script(zoom.clone())(&seen))
            }
            Action::Done(r) => break r,
            other => panic!("{other:?}"),
        };
        step = b.session.handle(id, outcome, b.now);
    };
    assert!(result.is_ok(), "{result:?}");
    assert!(waits > 3, "B waited for the lease ({waits} waits)");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(zoom.borrow().token_requests, 1);
}

#[test]
fn with_redis_down_calls_go_on_alone_and_rejoin_when_it_is_back() {
    let mut redis = Redis::start();
    let zoom = Rc::new(RefCell::new(Zoom::default()));
    let mut c = fleet_config(s2s(), "acct-down", 1);
    c.rate_limits = Some(PlanLimits::pro());
    c.log = zoom_phone::config::LogLevel::Info;
    let mut sim = Sim::new(session(c), zoom_script(zoom.clone()));
    sim.redis = Some(redis.client());
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    redis.kill();
    // Still works: the in-process limiter and the token it has.
    for _ in 0..3 {
        sim.now = sim.now.saturating_add(Duration::from_millis(300));
        assert!(sim.call("listCallQueues", json!({})).is_ok());
    }
    let degraded: Vec<_> = sim
        .events
        .iter()
        .filter(|e| e.name == "fleet.degraded")
        .collect();
    assert_eq!(degraded.len(), 1, "said once");
    redis.restart();
    sim.redis = Some(redis.client());
    sim.now = sim.now.saturating_add(Duration::from_secs(2));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert!(sim.events.iter().any(|e| e.name == "fleet.rejoined"));
    assert_eq!(sim.shared_log.last(), Some(&"acquire"));
}

#[test]
fn a_worker_that_loses_redis_goes_on_alone_after_the_fleets_window_not_in_a_burst_on_top() {
    // No Redis needed: the acquire fails as a dead server's does.
    let config = HostConfig::from_json(&json!({
        "access_token": "t", "rate_limits": "pro", "seed": 7, "fleet": {"account": "acct"}
    }))
    .unwrap();
    let mut s = Session::new(config).unwrap();
    let mut now = at(0);
    let (id, step) = s.start(CallRequest::operation("accountCallLogs", json!({})), now);
    let mut action = step.action;
    let mut asked = Vec::new();
    let sent = loop {
        let outcome = match action {
            Action::Shared(op) => {
                asked.push((
                    now.as_millis() - T0,
                    op.args.last().cloned().unwrap_or_default(),
                ));
                Outcome::Shared(Err("ECONNREFUSED".into()))
            }
            Action::Wait { until } => {
                now = until;
                Outcome::Woken
            }
            Action::Send(_) => break now.as_millis() - T0,
            other => panic!("{other:?}"),
        };
        action = s.handle(id, outcome, now).action;
    };
    // The fleet may have spent this second's Heavy slots: alone, the worker
    // waits them out, then takes its turn (one worker: every slot of the
    // fleet's grid at 90 % of its share, 247 ms apart).
    assert!((1_000..=1_247).contains(&sent), "{sent}");
    // Meanwhile it asked Redis again at each probe (500 ms), for the
    // heartbeat alone.
    assert_eq!(
        asked,
        vec![
            (0, String::new()),
            (500, "probe".to_owned()),
            (1_000, "probe".to_owned())
        ]
        .into_iter()
        .take(if sent == 1_000 { 2 } else { 3 })
        .collect::<Vec<_>>()
    );
}

#[test]
fn a_users_refresh_token_is_not_spent_without_the_fleets_lock() {
    let mut redis = Redis::start();
    let zoom = Rc::new(RefCell::new(Zoom {
        refresh: "rt-0".into(),
        ..Zoom::default()
    }));
    let mut c = fleet_config(
        user(tokens("at-0", Some("rt-0"), at(60_000))),
        "acct-hold",
        1,
    );
    c.fleet.as_mut().unwrap().probe = Duration::from_millis(500);
    let mut sim = Sim::new(session(c), zoom_script(zoom.clone()));
    sim.redis = Some(redis.client());
    redis.kill();
    // Inside the refresh margin but not expired: the current token is used.
    sim.now = at(10_000);
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(zoom.borrow().token_requests, 0);
    assert_eq!(
        sim.seen.last().unwrap().authorization.as_deref(),
        Some("Bearer at-0")
    );
    // Expired while Redis is down: the call waits for Redis rather than
    // refreshing alone, and ends at its deadline.
    sim.now = at(61_000);
    let timed = CallRequest::operation("listCallQueues", json!({}))
        .with_options(zoom_phone::driver::CallOptions::default().timeout(Duration::from_secs(2)));
    let err = sim.run(vec![timed]).pop().unwrap().unwrap_err();
    assert_eq!(err.class(), ErrorClass::Timeout, "{err}");
    assert_eq!(zoom.borrow().token_requests, 0);
    // Redis back: one refresh under the lock.
    redis.restart();
    sim.redis = Some(redis.client());
    sim.now = sim.now.saturating_add(Duration::from_secs(1));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(zoom.borrow().token_requests, 1);
    assert_eq!(zoom.borrow().dead_refreshes, 0);
}

#[test]
fn a_fleet_session_with_every_default_reads_its_config() {
    let c = HostConfig::from_json(&json!({
        "account_id": "a", "client_id": "c", "client_secret": "s",
        "rate_limits": "pro", "fleet": {"prefix": "app"}
    }))
    .unwrap();
    let s = Session::new(c).unwrap();
    let _ = Timestamp::UNIX_EPOCH;
    assert_eq!(s.active_calls(), 0);
}

#[test]
fn shards_of_a_job_are_claimed_once_checkpointed_and_taken_over_after_a_crash() {
    use zoom_phone::date::Date;
    use zoom_phone::fleet::shards::ShardJob;
    use zoom_phone::paginate::{ResumePoint, Span};
    let redis = Redis::start();
    let mut client = redis.client();
    let mut fleet = FleetConfig::new("acct-shards");
    fleet.lease = Duration::from_millis(300);
    let from = Date::parse("2026-01-01").unwrap();
    let to = Date::parse("2026-03-15").unwrap();
    let a = ShardJob::new(&fleet, "history", "wa", from, to, Span::Months(1)).unwrap();
    let b = ShardJob::new(&fleet, "history", "wb", from, to, Span::Months(1)).unwrap();
    assert_eq!(
        a.shard_names(),
        [
            "2026-01-01..2026-01-31",
            "2026-02-01..2026-02-28",
            "2026-03-01..2026-03-15"
        ]
    );
    assert_eq!(client.run(&a.plan_op()).unwrap(), SharedReply::Int(3));
    assert_eq!(
        client.run(&b.plan_op()).unwrap(),
        SharedReply::Int(3),
        "planned once"
    );
    let first = a
        .claimed(client.run(&a.claim_op()).unwrap())
        .unwrap()
        .unwrap();
    let second = b
        .claimed(client.run(&b.claim_op()).unwrap())
        .unwrap()
        .unwrap();
    assert_ne!(first.shard, second.shard);
    assert_eq!(
        first.params(&json!({"page_size": 300}))["from"],
        "2026-01-01"
    );
    // A saves a position in its shard, then dies.
    let point = ResumePoint::from_json(&json!({"token": "p7", "skip": 3})).unwrap();
    assert!(ShardJob::checkpointed(
        &client
            .run(&a.checkpoint_op(&first.shard, Some(&point)))
            .unwrap()
    ));
    // B finishes its shard and the third; A's is still leased.
    assert!(ShardJob::checkpointed(
        &client.run(&b.checkpoint_op(&second.shard, None)).unwrap()
    ));
    let third = b
        .claimed(client.run(&b.claim_op()).unwrap())
        .unwrap()
        .unwrap();
    assert!(ShardJob::checkpointed(
        &client.run(&b.checkpoint_op(&third.shard, None)).unwrap()
    ));
    assert!(
        b.claimed(client.run(&b.claim_op()).unwrap())
            .unwrap()
            .is_none()
    );
    // After the lease B takes A's shard over where A stopped; A's late save is refused.
    std::thread::sleep(Duration::from_millis(350));
    let taken = b
        .claimed(client.run(&b.claim_op()).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(taken.shard, first.shard);
    assert_eq!(taken.resume, point);
    assert!(!ShardJob::checkpointed(
        &client.run(&a.checkpoint_op(&first.shard, None)).unwrap()
    ));
    assert!(ShardJob::checkpointed(
        &client.run(&b.checkpoint_op(&taken.shard, None)).unwrap()
    ));
    assert!(
        b.claimed(client.run(&b.claim_op()).unwrap())
            .unwrap()
            .is_none()
    );
}

/// The fleet's acquire answer: a slot `wait_ms` from now.
fn granted(wait_ms: i64) -> SharedReply {
    SharedReply::List(vec![
        SharedReply::Int(1),
        SharedReply::Int(wait_ms),
        SharedReply::Text("ok".into()),
        SharedReply::Int(1),
        SharedReply::Int(0),
    ])
}

/// Steps call `id` by hand from `action` until it sends its API request:
/// the fleet's scripts answered by `acquire` (the limiter) or as a Redis
/// that holds nothing yet would (the token lock is free), token requests
/// with a token of 10 s after `token_ms`, waits at their time. Returns the
/// time of the send; `log` gets each script's name and `token`, in order.
fn until_api_send(
    s: &mut Session,
    id: zoom_phone::driver::CallId,
    mut action: Action,
    now: &mut Timestamp,
    acquire: &mut dyn FnMut() -> Result<SharedReply, String>,
    log: &mut Vec<&'static str>,
    token_ms: u64,
) -> Timestamp {
    loop {
        let outcome = match action {
            Action::Shared(op) => {
                log.push(op.script.name);
                Outcome::Shared(match op.script.name {
                    "acquire" => acquire(),
                    "lock" => Ok(SharedReply::List(vec![
                        SharedReply::Int(1),
                        SharedReply::Int(1),
                    ])),
                    "read" => Ok(SharedReply::Nil),
                    _ => Ok(SharedReply::Int(1)),
                })
            }
            Action::Wait { until } => {
                *now = until;
                Outcome::Woken
            }
            Action::Send(send) if send.request.uri().path() == "/oauth/token" => {
                log.push("token");
                *now = now.saturating_add(Duration::from_millis(token_ms));
                answer(ok_json(
                    json!({"access_token": "s2s", "token_type": "bearer", "expires_in": 10}),
                ))
            }
            Action::Send(_) => return *now,
            other => panic!("unexpected on the way to the API: {other:?}"),
        };
        action = s.handle(id, outcome, *now).action;
    }
}

#[test]
fn a_slot_is_kept_through_a_quick_token_renewal_and_taken_again_after_a_slow_one() {
    // A slot is for its time: sent well after it (a slow renewal: the
    // fleet's lock, Zoom's token endpoint), the request would land in the
    // window of the slots other workers reserved meanwhile.
    for (token_ms, again) in [(5, false), (200, true)] {
        let mut c = fleet_config(s2s(), "acct", 3);
        c.rate_limits = Some(PlanLimits::pro());
        let mut s = session(c);
        let mut now = at(0);
        let mut log = Vec::new();
        let mut waits = vec![Ok(granted(0)), Ok(granted(6_000))].into_iter();
        let (id, step) = first(&mut s, "listCallQueues", json!({}), now);
        let mut acquire = || waits.next().unwrap_or(Ok(granted(0)));
        until_api_send(&mut s, id, step.action, &mut now, &mut acquire, &mut log, 0);
        let sent = s.handle(id, answer(page()), now);
        assert!(matches!(sent.action, Action::Done(Ok(_))));
        // The next call's slot comes 6 s later, past the token's renewal
        // point (half its 10 s life).
        log.clear();
        let (id, step) = first(&mut s, "listCallQueues", json!({}), now);
        let sent_at = until_api_send(
            &mut s,
            id,
            step.action,
            &mut now,
            &mut acquire,
            &mut log,
            token_ms,
        );
        assert_eq!(sent_at, at(6_000 + token_ms));
        let token = log.iter().position(|&n| n == "token").expect("renewed");
        let after = log[token..].contains(&"acquire");
        assert_eq!(after, again, "token in {token_ms} ms: {log:?}");
    }
}

#[test]
fn a_worker_back_from_an_outage_keeps_to_its_turns_while_redis_cannot_know_what_it_sent() {
    // Redis comes back empty: its bucket knows nothing of the calls each
    // worker made alone, so the window after a rejoin must not get the
    // fleet's full rate on top of them.
    let config = HostConfig::from_json(&json!({
        "access_token": "t", "rate_limits": "pro", "seed": 7,
        "fleet": {"account": "acct", "probe_ms": 500}
    }))
    .unwrap();
    let mut s = Session::new(config).unwrap();
    let send = |s: &mut Session, t: u64, up: bool| {
        let mut now = at(t);
        let (id, step) = first(s, "accountCallLogs", json!({}), now);
        let mut log = Vec::new();
        let mut acquire = || {
            if up {
                Ok(granted(0))
            } else {
                Err("ECONNREFUSED".to_owned())
            }
        };
        let sent = until_api_send(s, id, step.action, &mut now, &mut acquire, &mut log, 0);
        (sent.as_millis() - T0, log)
    };
    let gap = |a: u64, b: u64| (246..=248).contains(&(b - a));
    // Alone (one worker, 90 % of Heavy's 5 a second): turns 247 ms apart,
    // after the fleet's window.
    let mut last = send(&mut s, 0, false).0;
    assert!((1_000..=1_247).contains(&last), "{last}");
    for _ in 0..3 {
        let next = send(&mut s, last, false).0;
        assert!(gap(last, next), "{last} {next}");
        last = next;
    }
    // Redis is back: the first call's fleet slot is given up for its next
    // turn, then taken with the fleet's limiter too.
    let back = last + 600;
    let (sent, log) = send(&mut s, back, true);
    assert!((back..back + 247).contains(&sent), "{back} {sent}");
    assert_eq!(log, vec!["acquire", "acquire"]);
    // Its turns still hold the next sends.
    let mut last = sent;
    for _ in 0..2 {
        let (next, log) = send(&mut s, back, true);
        assert!(gap(last, next), "{last} {next}");
        assert_eq!(log, vec!["acquire"]);
        last = next;
    }
    // A window after the rejoin and a probe more (every worker is back by
    // then), the fleet's limiter alone decides.
    let free = back + 1_500;
    for _ in 0..6 {
        assert_eq!(send(&mut s, free, true), (free, vec!["acquire"]));
    }
}

/// The fleet's acquire answer with Redis's clock: a slot `wait_ms` after
/// `clock_ms`.
fn granted_at(wait_ms: i64, clock_ms: u64) -> SharedReply {
    let SharedReply::List(mut items) = granted(wait_ms) else {
        unreachable!()
    };
    items.push(SharedReply::Int(clock_ms as i64));
    SharedReply::List(items)
}

#[test]
fn a_slot_whose_answer_was_held_up_on_the_way_is_given_up_for_a_fresh_one() {
    // Counted from when it arrived, the slot of an answer that sat 60 ms
    // in a busy host would go out 60 ms behind the fleet's grid, bunched
    // with the slots reserved after it. Redis's clock in the answer shows
    // it: the quickest answer sets the measure (the clocks here differ by
    // 5 s), one behind it by more than a late slot is given up.
    let mut c = fleet_config(s2s(), "acct", 3);
    c.rate_limits = Some(PlanLimits::pro());
    let mut s = session(c);
    let skew = 5_000;
    let call = |s: &mut Session, t: u64, held_up: &[u64]| {
        let mut now = at(t);
        let redis_now = now.as_millis() - skew;
        let mut answers = held_up
            .iter()
            .map(|late| Ok(granted_at(0, redis_now - late)))
            .collect::<Vec<_>>()
            .into_iter();
        let mut acquire = || answers.next().unwrap_or(Ok(granted_at(0, redis_now)));
        let (id, step) = first(s, "listCallQueues", json!({}), now);
        let mut log = Vec::new();
        let sent = until_api_send(s, id, step.action, &mut now, &mut acquire, &mut log, 0);
        let done = s.handle(id, answer(page()), sent);
        assert!(matches!(done.action, Action::Done(Ok(_))));
        log.retain(|&n| n == "acquire");
        (sent.as_millis() - T0, log.len())
    };
    // Prompt answers, then ones 2 ms behind (noise): sent at once.
    assert_eq!(call(&mut s, 0, &[]).1, 1);
    assert_eq!(call(&mut s, 100, &[2]).1, 1);
    // 60 ms behind: the slot is given up once, the next one is taken.
    assert_eq!(call(&mut s, 200, &[60]), (200, 2));
    // Given up once per attempt: a second held-up answer is sent anyway,
    // late rather than never.
    assert_eq!(call(&mut s, 300, &[60, 60]).1, 2);
    // An answer seconds away from the measure is a clock that was set:
    // it becomes the measure, nothing is given up.
    assert_eq!(call(&mut s, 400, &[3_000]).1, 1);
    assert_eq!(call(&mut s, 500, &[3_000]).1, 1);
}
