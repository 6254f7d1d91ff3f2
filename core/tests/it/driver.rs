//! The call driver in the deterministic simulation of `sim.rs`: retries,
//! deadlines, tokens, the limiter, downloads, pages, stores, logging, and
//! the protocol itself (crossings, detached steps, misuse).

use std::time::Duration;

use serde_json::{Value, json};
use zoom_phone::auth::{OAuthError, OAuthErrorKind};
use zoom_phone::config::{Credentials, LogLevel, StoreMode};
use zoom_phone::driver::{Action, CallOptions, CallRequest, Cancelled, Outcome, Session};
use zoom_phone::error::{ErrorClass, TransportFailure};
use zoom_phone::limiter::PlanLimits;
use zoom_phone::paginate::{Pager, ResumePoint};
use zoom_phone::response::Body;
use zoom_phone::retry::TransportErrorKind;
use zoom_phone::{Error, Secret, Timestamp};

use crate::sim::*;

fn list_page(queues: &[&str], next: &str) -> Reply {
    let items: Vec<Value> = queues.iter().map(|q| json!({"id": q})).collect();
    ok_json(json!({"call_queues": items, "next_page_token": next, "page_size": 2}))
}

fn api_status(result: &Result<zoom_phone::response::Output, Error>) -> Option<u16> {
    match result {
        Err(e) => e.status(),
        Ok(_) => None,
    }
}

fn with_timeout(op: &str, params: Value, ms: u64) -> CallRequest {
    CallRequest::operation(op, params)
        .with_options(CallOptions::default().timeout(Duration::from_millis(ms)))
}

// ------------------------------------------------------------------ the protocol

#[test]
fn a_call_with_a_valid_token_is_two_crossings() {
    let mut s = fresh_session();
    let before = s.entries();
    let (id, step) = first(&mut s, "listCallQueues", json!({}), at(0));
    let Action::Send(send) = step.action else {
        panic!("the request at once: {:?}", step.action)
    };
    assert!(!send.detached && !step.wake && step.events.is_empty());
    assert_eq!(send.timeout, Duration::from_secs(120));
    assert_eq!(send.body_limit, 32 * 1024 * 1024);
    let step = s.handle(id, answer(list_page(&["a"], "")), at(5));
    let Action::Done(Ok(reply)) = step.action else {
        panic!("done: {:?}", step.action)
    };
    assert_eq!(reply.status, 200);
    assert_eq!(s.entries() - before, 2);
    assert_eq!(s.active_calls(), 0);
}

#[test]
fn an_outcome_for_a_call_that_is_not_running_is_an_internal_error() {
    let mut s = fresh_session();
    let (id, _) = first(&mut s, "listCallQueues", json!({}), at(0));
    let done = s.handle(id, answer(list_page(&[], "")), at(1));
    assert!(matches!(done.action, Action::Done(Ok(_))));
    let again = s.handle(id, answer(list_page(&[], "")), at(2));
    match again.action {
        Action::Done(Err(e)) => assert_eq!(e.class(), ErrorClass::Internal, "{e}"),
        other => panic!("{other:?}"),
    }
    // An outcome of the wrong kind ends that call, never panics.
    let (id, _) = first(&mut s, "listCallQueues", json!({}), at(3));
    let wrong = s.handle(id, Outcome::Written, at(4));
    assert!(matches!(
        wrong.action,
        Action::Done(Err(Error::Internal { .. }))
    ));
    assert_eq!(s.active_calls(), 0);
}

// ------------------------------------------------------------------ retries

#[test]
fn retry_after_seconds_is_honoured_to_the_millisecond() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            json_reply(
                429,
                &[("Retry-After", "2"), ("X-RateLimit-Type", "QPS")],
                json!({"code": 429, "message": "You have reached the maximum per-second rate limit."}),
            )
        } else {
            list_page(&["a"], "")
        }
    });
    let out = sim.call("listCallQueues", json!({})).unwrap();
    assert_eq!(out.status, 200);
    let sent: Vec<Timestamp> = sim.seen.iter().map(|s| s.at).collect();
    // The 429 arrives at +10 ms; Retry-After: 2 s counts from then.
    assert_eq!(sent, vec![at(0), at(2_010)]);
}

#[test]
fn retry_after_as_http_date_is_honoured() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            json_reply(
                429,
                &[("Retry-After", "Tue, 14 Nov 2023 22:13:25 GMT")],
                json!({"code": 429, "message": "Too many requests"}),
            )
        } else {
            list_page(&["a"], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.seen.len(), 2);
    assert_eq!(sim.seen[1].at, at(5_000));
}

#[test]
fn the_daily_limit_is_not_retried_and_keeps_zooms_evidence() {
    let mut sim = Sim::new(fresh_session(), |_| {
        json_reply(
            429,
            &[
                ("X-RateLimit-Type", "Daily-limit"),
                ("Retry-After", "2023-11-15T00:00:00Z"),
                ("x-zm-trackingid", "track-daily"),
            ],
            json!({"code": 429, "message": "You have exceeded the daily rate limit."}),
        )
    });
    let result = sim.call("listCallQueues", json!({}));
    let err = result.unwrap_err();
    assert_eq!(err.class(), ErrorClass::DailyLimit);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.zoom_code(), Some(429));
    assert_eq!(err.tracking_id(), Some("track-daily"));
    let when = err.retry_after().unwrap();
    assert_eq!(
        when.retry_at,
        Some(Timestamp::from_millis(1_700_006_400_000))
    );
    assert!(err.to_string().contains("2023-11-15T00:00:00Z"), "{err}");
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn a_5xx_on_a_post_is_not_repeated_unless_the_call_allows_it() {
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(500, 500, "Internal error"));
    let body = json!({"body": {"name": "Q", "site_id": "s"}});
    let result = sim.call("createCallQueue", body.clone());
    assert_eq!(api_status(&result), Some(500));
    assert_eq!(result.unwrap_err().class(), ErrorClass::Server);
    assert_eq!(sim.seen.len(), 1, "a POST must not be repeated");
    assert_eq!(sim.seen[0].method, "POST");

    let allowed = CallRequest::operation("createCallQueue", body)
        .with_options(CallOptions::default().retry_non_idempotent(true));
    let result = sim.run(vec![allowed]).pop().unwrap();
    assert_eq!(api_status(&result), Some(500));
    assert_eq!(sim.seen.len(), 1 + 4);
}

#[test]
fn per_call_max_attempts_overrides_the_policy() {
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(503, 503, "busy"));
    let call = CallRequest::operation("listCallQueues", json!({}))
        .with_options(CallOptions::default().max_attempts(2));
    let result = sim.run(vec![call]).pop().unwrap();
    assert_eq!(api_status(&result), Some(503));
    assert_eq!(sim.seen.len(), 2);
}

#[test]
fn a_reset_on_a_write_is_a_transport_error_naming_the_host() {
    let mut sim = Sim::new(fresh_session(), |_| Reply::Fail(TransportErrorKind::Reset));
    let err = sim
        .call(
            "createCallQueue",
            json!({"body": {"name": "Q", "site_id": "s"}}),
        )
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transport);
    assert_eq!(err.code(), "connection_reset");
    assert!(err.to_string().contains("https://api.zoom.us:443"), "{err}");
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn a_connect_error_is_retried_even_for_a_write() {
    let mut n = 0;
    let mut sim = Sim::new(fresh_session(), move |_| {
        n += 1;
        if n == 1 {
            Reply::Fail(TransportErrorKind::Connect)
        } else {
            ok_json(json!({"id": "q1"}))
        }
    });
    let result = sim.call(
        "createCallQueue",
        json!({"body": {"name": "Q", "site_id": "s"}}),
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sim.seen.len(), 2);
}

#[test]
fn backoff_grows_with_full_jitter_within_its_caps() {
    for seed in 0..20 {
        let mut config = config(s2s());
        config.seed = seed;
        let mut session = session(config);
        session.install_tokens(tokens("tok-0", None, at(3_600_000)));
        let mut n = 0;
        let mut sim = Sim::new(session, move |_| {
            n += 1;
            if n < 4 {
                zoom_error(503, 503, "busy")
            } else {
                list_page(&[], "")
            }
        });
        sim.latency = Duration::ZERO;
        assert!(sim.call("listCallQueues", json!({})).is_ok());
        assert_eq!(sim.seen.len(), 4);
        for retry in 0..3u32 {
            let gap = sim.seen[retry as usize + 1]
                .at
                .saturating_duration_since(sim.seen[retry as usize].at);
            assert!(
                gap <= Duration::from_millis(500 << retry),
                "seed {seed}: {gap:?}"
            );
        }
    }
}

// ------------------------------------------------------------------ deadlines

#[test]
fn the_attempt_timeout_is_cut_by_the_deadline_and_its_expiry_is_a_timeout() {
    for (kind, received, expect_timeout) in [
        (TransportErrorKind::Timeout, 300, true),
        // The host's timer may fire a hair early: the core knows the attempt's
        // timeout was the deadline, so no rounding is needed anywhere.
        (TransportErrorKind::Timeout, 299, true),
        (TransportErrorKind::Reset, 301, true),
        (TransportErrorKind::Reset, 299, false),
    ] {
        let mut s = fresh_session();
        let call = with_timeout("listCallQueues", json!({}), 300);
        let (id, step) = s.start(call, at(0));
        let Action::Send(send) = step.action else {
            panic!("sent at once")
        };
        assert_eq!(send.timeout, Duration::from_millis(300));
        let failure = TransportFailure::new(kind, "operation timed out");
        let step = s.handle(id, Outcome::Failed(failure), at(received));
        match (step.action, expect_timeout) {
            (Action::Done(Err(Error::Timeout)), true) => {}
            // A reset before the deadline is the transport error, retried (a
            // GET) only when the backoff fits before the deadline.
            (Action::Wait { until }, false) => assert!(until <= at(300)),
            (Action::Done(Err(e)), false) => assert_eq!(e.class(), ErrorClass::Transport),
            (other, _) => panic!("{kind:?} at {received}: {other:?}"),
        }
    }
}

#[test]
fn an_attempt_timeout_before_the_deadline_stays_a_transport_error_on_a_write() {
    let mut config = config(s2s());
    config.timeouts.attempt = Duration::from_millis(100);
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let call = with_timeout(
        "createCallQueue",
        json!({"body": {"name": "Q", "site_id": "s"}}),
        5_000,
    );
    let (id, step) = s.start(call, at(0));
    let Action::Send(send) = step.action else {
        panic!()
    };
    assert_eq!(send.timeout, Duration::from_millis(100));
    let step = s.handle(
        id,
        Outcome::Failed(TransportFailure::new(
            TransportErrorKind::Timeout,
            "timed out",
        )),
        at(100),
    );
    match step.action {
        Action::Done(Err(e)) => {
            assert_eq!(e.class(), ErrorClass::Transport);
            assert_eq!(e.code(), "attempt_timeout");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_retry_that_would_land_after_the_deadline_ends_the_call_with_the_last_error() {
    let mut sim = Sim::new(fresh_session(), |_| {
        json_reply(
            429,
            &[("Retry-After", "10")],
            json!({"code": 429, "message": "slow down"}),
        )
    });
    let result = sim
        .run(vec![with_timeout("listCallQueues", json!({}), 1_000)])
        .pop()
        .unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.class(), ErrorClass::RateLimit, "{err}");
    assert_eq!(err.retry_after().unwrap().retry_after_ms, Some(10_000));
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn the_client_timeout_applies_to_every_call_and_a_call_may_override_it() {
    let mut config = config(s2s());
    config.timeouts.call = Some(Duration::from_millis(200));
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let (_, step) = first(&mut s, "listCallQueues", json!({}), at(0));
    let Action::Send(send) = step.action else {
        panic!()
    };
    assert_eq!(send.timeout, Duration::from_millis(200));
    let (_, step) = s.start(with_timeout("listCallQueues", json!({}), 50), at(0));
    let Action::Send(send) = step.action else {
        panic!()
    };
    assert_eq!(send.timeout, Duration::from_millis(50));
}

// ------------------------------------------------------------------ tokens

#[test]
fn a_hundred_calls_with_an_expired_token_share_one_token_request() {
    let mut s = session(config(s2s()));
    s.install_tokens(tokens("expired", None, at(0)));
    let mut sim = Sim::new(s, |seen| {
        if seen.is_token() {
            token_reply("tok-1")
        } else {
            list_page(&["a"], "")
        }
    });
    let calls = (0..100)
        .map(|_| CallRequest::operation("listCallQueues", json!({})))
        .collect();
    let results = sim.run(calls);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(sim.token_requests(), 1);
    let api = sim.api_requests();
    assert_eq!(api.len(), 100);
    assert!(
        api.iter()
            .all(|s| s.authorization.as_deref() == Some("Bearer tok-1"))
    );
    assert!(sim.seen[0].detached, "the token request is detached");
    assert_eq!(sim.session.active_calls(), 0);
}

#[test]
fn a_slow_token_endpoint_holds_every_call_and_is_not_cut_short() {
    let mut sim = Sim::new(session(config(s2s())), |seen| {
        if seen.is_token() {
            Reply::Slow(Duration::from_secs(2), Box::new(token_reply("tok-1")))
        } else {
            list_page(&[], "")
        }
    });
    let calls = (0..3)
        .map(|_| with_timeout("listCallQueues", json!({}), 10_000))
        .collect();
    assert!(sim.run(calls).iter().all(Result::is_ok));
    assert_eq!(sim.seen[0].timeout, Duration::from_secs(120));
    assert!(sim.api_requests().iter().all(|s| s.at >= at(2_010)));
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn the_others_wait_for_the_renewal_at_most_its_timeout() {
    let mut s = session(config(s2s()));
    let (_, a) = first(&mut s, "listCallQueues", json!({}), at(0));
    let (_, b) = first(&mut s, "listCallQueues", json!({}), at(0));
    let Action::Send(send) = a.action else {
        panic!("the first call fetches the token")
    };
    assert!(send.request.uri().to_string().ends_with("/oauth/token"));
    assert!(send.detached);
    assert!(matches!(b.action, Action::Wait { until } if until == at(30_000)));
}

fn rejecting(accepted: Option<&'static str>) -> impl FnMut(&Seen) -> Reply {
    let mut issued = 0;
    move |seen| {
        if seen.is_token() {
            issued += 1;
            return token_reply(&format!("tok-{issued}"));
        }
        let auth = seen.authorization.clone().unwrap_or_default();
        if accepted.is_some_and(|t| auth == format!("Bearer {t}")) {
            list_page(&["a"], "")
        } else {
            json_reply(
                401,
                &[("x-zm-trackingid", "track-124")],
                json!({"code": 124, "message": "Invalid access token."}),
            )
        }
    }
}

#[test]
fn code_124_renews_once_and_resends() {
    let mut sim = Sim::new(fresh_session(), rejecting(Some("tok-1")));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    let trail: Vec<(bool, Option<String>)> = sim
        .seen
        .iter()
        .map(|s| (s.is_token(), s.authorization.clone()))
        .collect();
    assert_eq!(trail.len(), 3);
    assert_eq!(trail[0], (false, Some("Bearer tok-0".to_owned())));
    assert!(trail[1].0, "then the token request");
    assert_eq!(trail[2], (false, Some("Bearer tok-1".to_owned())));
}

#[test]
fn a_second_124_ends_the_call_with_zooms_401() {
    let mut sim = Sim::new(fresh_session(), rejecting(None));
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.zoom_code(), Some(124));
    assert_eq!(err.zoom_message(), Some("Invalid access token."));
    assert_eq!(err.tracking_id(), Some("track-124"));
    assert_eq!(sim.token_requests(), 1);
    assert_eq!(sim.api_requests().len(), 2);
}

#[test]
fn a_fixed_token_rejected_by_zoom_is_zooms_401_not_cannot_renew() {
    let mut sim = Sim::new(
        session(config(Credentials::AccessToken(Secret::new("bogus")))),
        rejecting(None),
    );
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert_eq!(err.code(), "invalid_access_token");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.zoom_code(), Some(124));
    assert_eq!(err.tracking_id(), Some("track-124"));
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn a_token_source_that_gives_a_refused_token_ends_with_zooms_401() {
    let mut sim = Sim::new(session(config(Credentials::TokenSource)), rejecting(None));
    sim.source = Some(Box::new(|| Ok(tokens("src", None, at(3_600_000)))));
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.tracking_id(), Some("track-124"));
}

#[test]
fn an_account_token_request_lost_to_a_reset_or_a_5xx_is_resent_while_the_others_wait() {
    for failure in ["reset", "503"] {
        let mut failed = false;
        let mut sim = Sim::new(session(config(s2s())), move |seen| {
            if seen.is_token() && !failed {
                failed = true;
                if failure == "reset" {
                    Reply::Fail(TransportErrorKind::Reset)
                } else {
                    json_reply(503, &[], json!({"reason": "busy"}))
                }
            } else if seen.is_token() {
                token_reply("tok-1")
            } else {
                list_page(&[], "")
            }
        });
        let calls = (0..10)
            .map(|_| CallRequest::operation("listCallQueues", json!({})))
            .collect();
        assert!(sim.run(calls).iter().all(Result::is_ok), "{failure}");
        assert_eq!(sim.token_requests(), 2, "{failure}");
        assert_eq!(sim.api_requests().len(), 10);
    }
}

#[test]
fn a_refresh_lost_to_a_reset_or_a_5xx_is_not_resent() {
    // The refresh may have been applied and its refresh token rotated away.
    for failure in ["reset", "503"] {
        let start = tokens("a0", Some("r0"), at(0));
        let mut sim = Sim::new(session(config(user(start))), move |_| {
            if failure == "reset" {
                Reply::Fail(TransportErrorKind::Reset)
            } else {
                json_reply(503, &[], json!({"reason": "busy"}))
            }
        });
        let calls = (0..3)
            .map(|_| CallRequest::operation("listCallQueues", json!({})))
            .collect();
        for result in sim.run(calls) {
            let err = result.unwrap_err();
            assert!(
                matches!(err.class(), ErrorClass::Transport | ErrorClass::Server),
                "{failure}: {err}"
            );
        }
        assert_eq!(sim.token_requests(), 1, "{failure}");
    }
}

#[test]
fn a_refresh_that_never_connected_is_resent() {
    let mut n = 0;
    let start = tokens("a0", Some("r0"), at(0));
    let mut sim = Sim::new(session(config(user(start))), move |seen| {
        n += 1;
        if n == 1 {
            Reply::Fail(TransportErrorKind::Connect)
        } else if seen.is_token() {
            ok_json(json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 3600}))
        } else {
            list_page(&[], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.token_requests(), 2);
}

#[test]
fn a_failed_token_request_fails_every_waiter_with_the_same_class() {
    let mut sim = Sim::new(session(config(s2s())), |_| {
        Reply::Fail(TransportErrorKind::Connect)
    });
    let calls = (0..5)
        .map(|_| CallRequest::operation("listCallQueues", json!({})))
        .collect();
    for result in sim.run(calls) {
        let err = result.unwrap_err();
        assert_eq!(err.class(), ErrorClass::Transport, "{err}");
        assert!(err.to_string().contains("https://zoom.us:443"), "{err}");
    }
}

#[test]
fn a_waiter_for_the_token_times_out_at_its_deadline() {
    let mut s = session(config(s2s()));
    let (_, a) = first(&mut s, "listCallQueues", json!({}), at(0));
    let (b, bw) = s.start(with_timeout("listCallQueues", json!({}), 1_000), at(0));
    assert!(matches!(a.action, Action::Send(_)));
    assert!(matches!(bw.action, Action::Wait { until } if until == at(1_000)));
    let step = s.handle(b, Outcome::Woken, at(1_000));
    assert!(matches!(step.action, Action::Done(Err(Error::Timeout))));
}

#[test]
fn a_401_without_code_124_is_not_renewed() {
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(401, 4711, "Not allowed"));
    let result = sim.call("listCallQueues", json!({}));
    assert_eq!(api_status(&result), Some(401));
    assert_eq!(sim.seen.len(), 1);
}

#[test]
fn a_refused_token_request_fails_every_waiter_with_the_oauth_error() {
    let mut sim = Sim::new(session(config(s2s())), |_| {
        json_reply(
            400,
            &[],
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        )
    });
    let calls = (0..5)
        .map(|_| CallRequest::operation("listCallQueues", json!({})))
        .collect();
    for result in sim.run(calls) {
        match result {
            Err(Error::OAuth(e)) => assert_eq!(e.kind(), Some(&OAuthErrorKind::InvalidClient)),
            other => panic!("expected the OAuth error, got {other:?}"),
        }
    }
    assert_eq!(sim.token_requests(), 1);
    assert!(sim.api_requests().is_empty());
}

#[test]
fn refresh_persists_the_rotated_refresh_token_and_uses_it_next() {
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Private;
    let mut issued = 0;
    let mut sim = Sim::new(session(config), move |seen| {
        if seen.is_token() {
            issued += 1;
            ok_json(json!({
                "access_token": format!("a{issued}"),
                "refresh_token": format!("r{issued}"),
                "token_type": "bearer",
                "expires_in": 3600,
            }))
        } else {
            list_page(&[], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert!(sim.seen[0].is_token());
    assert_eq!(sim.seen[0].form("refresh_token").as_deref(), Some("r0"));
    assert_eq!(sim.store_log, ["read", "write"]);
    assert_eq!(sim.persisted.len(), 1);
    assert_eq!(sim.persisted[0].access_token.expose(), "a1");
    assert_eq!(
        sim.persisted[0].refresh_token.as_ref().map(Secret::expose),
        Some("r1")
    );
    assert_eq!(sim.seen[1].authorization.as_deref(), Some("Bearer a1"));

    // An hour later the next refresh uses the rotated token.
    sim.now = at(3_600_000);
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    let second = sim.seen.iter().filter(|s| s.is_token()).nth(1).unwrap();
    assert_eq!(second.form("refresh_token").as_deref(), Some("r1"));
    assert_eq!(
        sim.persisted[1].refresh_token.as_ref().map(Secret::expose),
        Some("r2")
    );
}

#[test]
fn the_tokens_api_url_replaces_the_base_url() {
    let mut sim = Sim::new(session(config(s2s())), |seen| {
        if seen.is_token() {
            ok_json(
                json!({"access_token": "t", "expires_in": 3600, "api_url": "https://api-eu.zoom.us"}),
            )
        } else {
            list_page(&[], "")
        }
    });
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert!(
        sim.seen[1]
            .url
            .starts_with("https://api-eu.zoom.us/v2/phone/call_queues"),
        "{}",
        sim.seen[1].url
    );
}

#[test]
fn an_external_token_source_is_asked_once_for_all_calls() {
    let mut sim = Sim::new(session(config(Credentials::TokenSource)), |_| {
        list_page(&[], "")
    });
    let mut asked = 0;
    sim.source = Some(Box::new(move || {
        asked += 1;
        assert_eq!(asked, 1, "asked once");
        Ok(tokens("ext-1", None, at(60_000_000)))
    }));
    let calls = (0..3)
        .map(|_| CallRequest::operation("listCallQueues", json!({})))
        .collect();
    assert!(sim.run(calls).iter().all(Result::is_ok));
    assert!(
        sim.seen
            .iter()
            .all(|s| s.authorization.as_deref() == Some("Bearer ext-1"))
    );
}

#[test]
fn a_failing_token_source_says_so() {
    let mut sim = Sim::new(session(config(Credentials::TokenSource)), |_| {
        list_page(&[], "")
    });
    sim.source = Some(Box::new(|| Err("VaultError: sealed".to_owned())));
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Authentication);
    assert!(err.to_string().contains("VaultError: sealed"), "{err}");
    assert!(sim.seen.is_empty());
}

// ------------------------------------------------------------------ abandoning

#[test]
fn cancelling_the_renewer_keeps_its_token_request_and_the_others_get_the_token() {
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Private;
    let mut s = session(config);
    s.install_tokens(tokens("a0", Some("r0"), at(0)));
    // The first call reads the store (empty), then renews.
    let (a, step) = first(&mut s, "listCallQueues", json!({}), at(0));
    assert!(matches!(step.action, Action::ReadStore { .. }));
    let step = s.handle(a, Outcome::Stored(None), at(0));
    let Action::Send(token) = step.action else {
        panic!("{:?}", step.action)
    };
    assert!(token.detached);
    let (b, wait) = first(&mut s, "listCallQueues", json!({}), at(1));
    assert!(matches!(wait.action, Action::Wait { .. }));
    // The caller of `a` gives up while its refresh is in flight.
    assert!(matches!(s.cancel(a, at(2)), Cancelled::Finishing));
    // Its answer still arrives and is applied and saved.
    let rotated = ok_json(json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 3600}));
    let step = s.handle(a, answer(rotated), at(10));
    assert!(step.wake);
    let Action::WriteStore { tokens: saved, .. } = step.action else {
        panic!("{:?}", step.action)
    };
    assert_eq!(saved.refresh_token.as_ref().map(Secret::expose), Some("r1"));
    let step = s.handle(a, Outcome::Written, at(11));
    assert!(matches!(step.action, Action::Done(Err(Error::Cancelled))));
    // The waiter proceeds with the new token.
    let step = s.handle(b, Outcome::Woken, at(11));
    let Action::Send(send) = step.action else {
        panic!("{:?}", step.action)
    };
    assert_eq!(send.request.headers()["authorization"], "Bearer a1");
    assert_eq!(s.active_calls(), 1);
}

#[test]
fn a_deadline_passing_during_a_detached_step_ends_the_wait_but_not_the_renewal() {
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Private;
    let mut s = session(config);
    let (a, step) = s.start(with_timeout("listCallQueues", json!({}), 500), at(0));
    assert!(matches!(step.action, Action::ReadStore { expires_at: Some(t) } if t == at(500)));
    let step = s.handle(a, Outcome::Stored(None), at(1));
    let Action::Send(token) = step.action else {
        panic!()
    };
    // Not cut by the deadline: the answer may hold the rotated token.
    assert_eq!(token.timeout, Duration::from_secs(120));
    assert_eq!(token.expires_at, Some(at(500)));
    let step = s.handle(a, Outcome::Expired, at(500));
    assert!(matches!(step.action, Action::Done(Err(Error::Timeout))));
    let rotated = ok_json(json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 3600}));
    let step = s.handle(a, answer(rotated), at(2_000));
    assert!(matches!(step.action, Action::WriteStore { .. }));
    let step = s.handle(a, Outcome::Written, at(2_001));
    assert!(matches!(step.action, Action::Done(Err(Error::Cancelled))));
    assert_eq!(s.tokens().unwrap().access_token.expose(), "a1");
}

#[test]
fn abandoning_a_renewal_the_host_cannot_finish_lets_a_waiter_renew() {
    let mut s = session(config(s2s()));
    let (a, _) = first(&mut s, "listCallQueues", json!({}), at(0));
    let (b, _) = first(&mut s, "listCallQueues", json!({}), at(0));
    assert!(s.abandon(a, at(1)).is_none());
    let step = s.handle(b, Outcome::Woken, at(2));
    let Action::Send(send) = step.action else {
        panic!("b renews itself: {:?}", step.action)
    };
    assert!(send.request.uri().to_string().ends_with("/oauth/token"));
}

#[test]
fn cancelling_a_call_with_nothing_detached_out_forgets_it() {
    let mut s = fresh_session();
    let (a, _) = first(&mut s, "listCallQueues", json!({}), at(0));
    assert!(matches!(s.cancel(a, at(1)), Cancelled::Gone));
    assert_eq!(s.active_calls(), 0);
    let late = s.handle(a, answer(list_page(&[], "")), at(2));
    assert!(matches!(
        late.action,
        Action::Done(Err(Error::Internal { .. }))
    ));
}

// ------------------------------------------------------------------ token stores

#[test]
fn a_shared_store_is_locked_read_refreshed_written_and_unlocked() {
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Shared;
    let mut sim = Sim::new(session(config), |seen| {
        if seen.is_token() {
            ok_json(json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 3600}))
        } else {
            list_page(&[], "")
        }
    });
    sim.store = Some(tokens("a0", Some("r0"), at(0)));
    let calls = (0..3)
        .map(|_| CallRequest::operation("listCallQueues", json!({})))
        .collect();
    assert!(sim.run(calls).iter().all(Result::is_ok));
    assert_eq!(sim.store_log, ["read", "lock", "read", "write", "unlock"]);
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn a_store_that_already_holds_fresh_tokens_spares_the_token_request() {
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Shared;
    let mut sim = Sim::new(session(config), |_| list_page(&[], ""));
    sim.store = Some(tokens("a9", Some("r9"), at(3_600_000)));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.token_requests(), 0);
    assert_eq!(sim.seen[0].authorization.as_deref(), Some("Bearer a9"));
}

#[test]
fn a_stored_token_shorter_lived_than_the_skew_is_used_not_renewed_at_once() {
    // A test server's 10 s token another worker stored: half of what it has
    // left is the margin, not the 60 s skew (which would renew it on sight,
    // in every worker of a fleet).
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Shared;
    let mut sim = Sim::new(session(config), |seen| {
        if seen.is_token() {
            token_reply("a10")
        } else {
            list_page(&[], "")
        }
    });
    sim.store = Some(tokens("a9", Some("r9"), at(10_000)));
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.token_requests(), 0);
    assert_eq!(sim.seen[0].authorization.as_deref(), Some("Bearer a9"));
    // Renewed once less than half of its life at the read is left.
    sim.now = at(5_500);
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.token_requests(), 1);
    let last = sim.api_requests().last().unwrap().authorization.clone();
    assert_eq!(last.as_deref(), Some("Bearer a10"));
}

#[test]
fn a_renewer_that_finds_a_short_lived_token_under_the_lock_adopts_it() {
    // The fleet at every expiry: the worker that got the lock second reads
    // the first one's new 10 s token and must not renew it again.
    let mut config = config(user(tokens("a0", Some("r0"), at(0))));
    config.token_store = StoreMode::Shared;
    let mut s = session(config);
    let now = at(1_000);
    let (id, step) = s.start(CallRequest::operation("listCallQueues", json!({})), now);
    assert!(
        matches!(step.action, Action::ReadStore { .. }),
        "{:?}",
        step.action
    );
    let step = s.handle(id, Outcome::Stored(None), now);
    assert!(
        matches!(step.action, Action::LockStore { .. }),
        "{:?}",
        step.action
    );
    let step = s.handle(id, Outcome::Locked, now);
    assert!(
        matches!(step.action, Action::ReadStore { .. }),
        "{:?}",
        step.action
    );
    let newer = tokens("a1", Some("r1"), at(11_000));
    let mut step = s.handle(id, Outcome::Stored(Some(newer)), now);
    if matches!(step.action, Action::UnlockStore) {
        step = s.handle(id, Outcome::Unlocked, now);
    }
    let Action::Send(send) = step.action else {
        panic!("the API request with the adopted token: {:?}", step.action)
    };
    assert!(!send.request.uri().to_string().ends_with("/oauth/token"));
    let auth = send.request.headers().get("authorization").unwrap();
    assert_eq!(auth.to_str().unwrap(), "Bearer a1");
}

#[test]
fn a_failing_store_fails_the_call_and_the_next_call_reads_again() {
    let mut config = config(s2s());
    config.token_store = StoreMode::Private;
    let mut sim = Sim::new(session(config), |seen| {
        if seen.is_token() {
            token_reply("t1")
        } else {
            list_page(&[], "")
        }
    });
    sim.store_fails = Some("disk on fire".into());
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert_eq!(err.class(), ErrorClass::TokenStore);
    assert!(err.to_string().contains("disk on fire"));
    sim.store_fails = None;
    assert!(sim.call("listCallQueues", json!({})).is_ok());
    assert_eq!(sim.store_log, ["read", "read", "write"]);
}

// ------------------------------------------------------------------ limiter

#[test]
fn the_client_side_limiter_spaces_heavy_calls_at_its_rate() {
    let mut config = config(s2s());
    config.rate_limits = Some(PlanLimits::pro());
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let mut sim = Sim::new(s, |_| ok_json(json!({"call_logs": []})));
    let calls = (0..12)
        .map(|_| CallRequest::operation("accountCallLogs", json!({})))
        .collect();
    assert!(sim.run(calls).iter().all(Result::is_ok));
    let mut sent: Vec<u64> = sim.seen.iter().map(|s| s.at.as_millis() - T0).collect();
    sent.sort_unstable();
    // Pro: Heavy is 5 per second.
    assert_eq!(
        sent,
        vec![0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]
    );
}

#[test]
fn a_slot_is_taken_once_the_token_is_there_so_a_slow_renewal_does_not_bunch_the_calls() {
    let mut config = config(s2s());
    config.rate_limits = Some(PlanLimits::pro());
    let mut sim = Sim::new(session(config), |seen| {
        if seen.is_token() {
            Reply::Slow(Duration::from_millis(1_500), Box::new(token_reply("tok-1")))
        } else {
            ok_json(json!({"call_logs": []}))
        }
    });
    let calls = (0..10)
        .map(|_| CallRequest::operation("accountCallLogs", json!({})))
        .collect();
    assert!(sim.run(calls).iter().all(Result::is_ok));
    let mut sent: Vec<u64> = sim
        .api_requests()
        .iter()
        .map(|s| s.at.as_millis() - T0)
        .collect();
    sent.sort_unstable();
    // The token comes at 1 510 ms: slots reserved at 0 and 1 000 ms while
    // it was out would all be spent then, ten Heavy calls in one second.
    assert_eq!(
        sent,
        vec![1510, 1510, 1510, 1510, 1510, 2510, 2510, 2510, 2510, 2510]
    );
}

#[test]
fn the_client_side_daily_cap_refuses_without_sending() {
    let mut limits = PlanLimits::pro();
    limits.heavy_daily = Some(3);
    let mut config = config(s2s());
    config.rate_limits = Some(limits);
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let mut sim = Sim::new(s, |_| ok_json(json!({"call_logs": []})));
    let results: Vec<_> = (0..4)
        .map(|_| sim.call("accountCallLogs", json!({})))
        .collect();
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(
        matches!(&results[3], Err(Error::DailyLimitExceeded { reset_at: Some(t), api: None }) if *t == Timestamp::from_millis(1_700_006_400_000)),
        "{:?}",
        results[3]
    );
    assert_eq!(sim.seen.len(), 3);
}

#[test]
fn a_429_pauses_the_category_for_every_call_until_retry_after() {
    let mut config = config(s2s());
    config.rate_limits = Some(PlanLimits::pro());
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let (a, step) = first(&mut s, "listCallQueues", json!({}), at(0));
    assert!(matches!(step.action, Action::Send(_)));
    let limited = json_reply(
        429,
        &[("Retry-After", "3"), ("X-RateLimit-Type", "QPS")],
        json!({"code": 429, "message": "rate limit"}),
    );
    let step = s.handle(a, answer(limited), at(10));
    assert!(matches!(step.action, Action::Wait { until } if until == at(3_010)));
    // Another Medium call started now is held as long as the retry is.
    let (_, b) = first(&mut s, "listCallQueues", json!({}), at(10));
    assert!(matches!(b.action, Action::Wait { until } if until >= at(3_010)));
    let step = s.handle(a, Outcome::Woken, at(3_010));
    assert!(matches!(step.action, Action::Send(_)));
}

// ------------------------------------------------------------------ downloads

#[test]
fn redirects_carry_the_token_only_to_zoom_hosts() {
    let audio: Vec<u8> = vec![0xff, 0xfb, 0x90, 0x00, 0x00, 0x0d, 0x0a, 0x80];
    let bytes = audio.clone();
    let mut sim = Sim::new(fresh_session(), move |seen| {
        if seen.url.starts_with("https://api.zoom.us/") {
            reply(302, &[("location", "https://us06web.zoom.us/rec/f1")], b"")
        } else if seen.url.starts_with("https://us06web.zoom.us/") {
            reply(
                302,
                &[("location", "https://zoom.us.cdn.example.com/f1?sig=abc")],
                b"",
            )
        } else {
            reply(200, &[("content-type", "audio/mpeg")], &bytes)
        }
    });
    let out = sim
        .call("phoneDownloadRecordingFile", json!({"fileId": "f1"}))
        .unwrap();
    assert_eq!(
        out.body,
        Body::Binary {
            content_type: Some("audio/mpeg".to_owned()),
            bytes: audio
        }
    );
    assert_eq!(
        out.location.as_deref(),
        Some("https://us06web.zoom.us/rec/f1")
    );
    let auth: Vec<Option<&str>> = sim
        .seen
        .iter()
        .map(|s| s.authorization.as_deref())
        .collect();
    assert_eq!(auth, vec![Some("Bearer tok-0"), Some("Bearer tok-0"), None]);
    assert_eq!(
        sim.seen[2].url,
        "https://zoom.us.cdn.example.com/f1?sig=abc"
    );
}

#[test]
fn download_urls_get_the_token_only_on_zoom_hosts_and_the_download_limit() {
    let mut sim = Sim::new(fresh_session(), |_| reply(200, &[], b"\x00\x01"));
    for (url, expect) in [
        ("https://zoom.us/v2/phone/recording/download/x", true),
        ("https://file.zoom.us/file/y", true),
        ("http://zoom.us/file/y", false),
        ("https://evilzoom.us/file/y", false),
        ("https://storage.example.com/y", false),
    ] {
        let out = sim
            .run(vec![CallRequest::download(url)])
            .pop()
            .unwrap()
            .unwrap();
        assert!(matches!(out.body, Body::Binary { .. }));
        let last = sim.seen.last().unwrap();
        assert_eq!(last.authorization.is_some(), expect, "{url}");
    }
    let (_, step) = sim
        .session
        .start(CallRequest::download("not a url"), sim.now);
    assert!(matches!(step.action, Action::Done(Err(Error::Build(_)))));
    let (_, step) = sim
        .session
        .start(CallRequest::download("https://zoom.us/f"), sim.now);
    let Action::Send(send) = step.action else {
        panic!()
    };
    assert_eq!(send.body_limit, 1024 * 1024 * 1024);
}

#[test]
fn redirect_loops_stop() {
    let mut sim = Sim::new(fresh_session(), |_| {
        reply(302, &[("location", "https://zoom.us/again")], b"")
    });
    let result = sim.call("phoneDownloadRecordingFile", json!({"fileId": "f1"}));
    assert!(matches!(result, Err(Error::Decode(_))), "{result:?}");
    assert_eq!(sim.seen.len(), 1 + 5);
}

#[test]
fn the_transcript_download_follows_the_redirect_and_answers_the_text() {
    let mut sim = Sim::new(fresh_session(), |seen| {
        if seen.url.contains("/phone/recording_transcript/") {
            reply(
                302,
                &[("location", "https://zoom.us/transcripts/t1.vtt")],
                b"",
            )
        } else {
            reply(
                200,
                &[("content-type", "text/vtt")],
                b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello",
            )
        }
    });
    let out = sim
        .call(
            "phoneDownloadRecordingTranscript",
            json!({"recordingId": "r1"}),
        )
        .unwrap();
    match out.body {
        Body::Text { text, content_type } => {
            assert!(text.starts_with("WEBVTT"));
            assert_eq!(content_type.as_deref(), Some("text/vtt"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        out.location.as_deref(),
        Some("https://zoom.us/transcripts/t1.vtt")
    );
    assert_eq!(sim.seen.len(), 2);
    assert_eq!(sim.seen[1].authorization.as_deref(), Some("Bearer tok-0"));
}

#[test]
fn an_oversized_answer_fails_with_the_limit_that_applies() {
    let mut config = config(s2s());
    config.body_limits.api = 1000;
    let mut s = session(config);
    s.install_tokens(tokens("tok-0", None, at(3_600_000)));
    let mut sim = Sim::new(s, |_| Reply::TooLarge);
    let err = sim.call("listCallQueues", json!({})).unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1000 }));
    assert_eq!(sim.seen.len(), 1, "not retried");
}

// ------------------------------------------------------------------ pagination

fn paged_zoom() -> impl FnMut(&Seen) -> Reply {
    |seen| match seen.query("next_page_token").as_deref() {
        None => list_page(&["q1", "q2"], "p2"),
        Some("p2") => list_page(&["q3", "q4"], "p3"),
        Some("p3") => list_page(&["q5"], ""),
        Some(_) => json_reply(
            400,
            &[],
            json!({"code": 300, "message": "The next page token is invalid or expired."}),
        ),
    }
}

/// The host's pagination loop around calls; `take` items at most from each
/// page reach the "caller".
fn walk(sim: &mut Sim, pager: &mut Pager) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    while let Some(params) = pager.next_params(sim.now)? {
        let out = sim.call("listCallQueues", params)?;
        let Body::Json(page) = out.body else {
            panic!("a JSON page")
        };
        for item in pager.receive(&page, sim.now) {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
    }
    Ok(ids)
}

#[test]
fn the_pager_walks_three_pages_and_resumes_from_a_token() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let mut sim = Sim::new(fresh_session(), paged_zoom());
    let ids = walk(&mut sim, &mut Pager::new(op, json!({"page_size": 2}))).unwrap();
    assert_eq!(ids, ["q1", "q2", "q3", "q4", "q5"]);
    assert_eq!(sim.seen.len(), 3);
    assert_eq!(sim.seen[1].query("next_page_token").as_deref(), Some("p2"));
    assert!(
        sim.seen
            .iter()
            .all(|s| s.query("page_size").as_deref() == Some("2"))
    );

    let mut resumed = Pager::new(op, json!({"page_size": 2})).resume("p3", Some(sim.now));
    let ids = walk(&mut sim, &mut resumed).unwrap();
    assert_eq!(ids, ["q5"]);
    assert_eq!(sim.seen.len(), 4);
}

#[test]
fn a_limit_keeps_where_to_resume_inside_the_page_and_on_its_boundary() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let mut sim = Sim::new(fresh_session(), paged_zoom());
    let mut pager = Pager::new(op, json!({"page_size": 2})).limit(3);
    assert_eq!(walk(&mut sim, &mut pager).unwrap(), ["q1", "q2", "q3"]);
    let point = pager.resume_point(1).unwrap();
    assert_eq!((point.token.as_deref(), point.skip), (Some("p2"), 1));
    // Through JSON, as the bindings keep it.
    let point = ResumePoint::from_json(&point.to_json()).unwrap();
    let mut rest = Pager::new(op, json!({"page_size": 2})).resume_at(point);
    assert_eq!(walk(&mut sim, &mut rest).unwrap(), ["q4", "q5"]);
    assert!(rest.resume_point(1).is_none());

    let mut pager = Pager::new(op, json!({"page_size": 2})).limit(2);
    assert_eq!(walk(&mut sim, &mut pager).unwrap(), ["q1", "q2"]);
    let point = pager.resume_point(2).unwrap();
    assert_eq!((point.token.as_deref(), point.skip), (Some("p2"), 0));
    // The caller took only one of the page's items: resume inside it.
    let point = pager.resume_point(1).unwrap();
    assert_eq!((point.token, point.skip), (None, 1));
}

#[test]
fn zooms_expired_page_token_answer_is_page_token_expired() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let mut sim = Sim::new(fresh_session(), paged_zoom());
    let mut stale = Pager::new(op, json!({})).resume("stale", None);
    let result = walk(&mut sim, &mut stale);
    assert!(matches!(result, Err(Error::PageTokenExpired)), "{result:?}");
    assert_eq!(sim.seen.len(), 1, "not retried");
}

// ------------------------------------------------------------------ building, secrets, logs

#[test]
fn a_build_error_is_done_at_start_and_nothing_is_sent() {
    let mut s = fresh_session();
    let (_, step) = first(&mut s, "listCallQueues", json!({"bogus": 1}), at(0));
    assert!(matches!(step.action, Action::Done(Err(Error::Build(_)))));
    let (_, step) = first(&mut s, "noSuchOperation", json!({}), at(0));
    assert!(matches!(step.action, Action::Done(Err(Error::Build(_)))));
    let bad_header = CallRequest::operation("listCallQueues", json!({}))
        .with_options(CallOptions::default().header("Authorization", "Bearer mine"));
    let (_, step) = s.start(bad_header, at(0));
    assert!(matches!(step.action, Action::Done(Err(Error::Build(_)))));
    assert_eq!(s.active_calls(), 0);
}

#[test]
fn extra_headers_are_sent() {
    let mut sim = Sim::new(fresh_session(), |_| list_page(&[], ""));
    let call = CallRequest::operation("listCallQueues", json!({}))
        .with_options(CallOptions::default().header("X-Request-Id", "req-7"));
    assert!(sim.run(vec![call]).pop().unwrap().is_ok());
    assert_eq!(sim.seen[0].headers["x-request-id"], "req-7");
}

#[test]
fn a_session_can_move_between_threads() {
    fn send<T: std::marker::Send>() {}
    send::<Session>();
    send::<Action>();
}

#[test]
fn a_bad_base_url_is_refused_by_new() {
    let mut config = config(s2s());
    config.request.base_url = "api.zoom.us/v2".to_owned();
    let err = Session::new(config).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Build);
    assert_eq!(err.code(), "invalid_config");
}

#[test]
fn no_debug_output_or_log_event_shows_a_secret() {
    let mut config = config(user(tokens("access-AAA", Some("refresh-RRR"), at(0))));
    config.log = LogLevel::Debug;
    let mut sim = Sim::new(session(config), |seen| {
        if seen.is_token() {
            ok_json(
                json!({"access_token": "access-BBB", "refresh_token": "refresh-SSS", "expires_in": 3600}),
            )
        } else if seen.query("next_page_token").is_none() {
            zoom_error(503, 503, "busy")
        } else {
            list_page(&[], "")
        }
    });
    let _ = sim.call("listCallQueues", json!({}));
    let _ = sim.call("listCallQueues", json!({"next_page_token": "n"}));
    let names: Vec<&str> = sim.events.iter().map(|e| e.name).collect();
    for expected in [
        "token.renew",
        "token.renewed",
        "request",
        "response",
        "retry",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let text = format!(
        "{:?} {:?} {:?}",
        sim.events,
        sim.session,
        sim.session.tokens()
    );
    let json: Vec<Value> = sim.events.iter().map(|e| e.to_json()).collect();
    let text = format!("{text} {json:?}");
    for secret in [
        "client-secret-1",
        "access-AAA",
        "refresh-RRR",
        "access-BBB",
        "refresh-SSS",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn with_logging_off_no_event_is_built() {
    let mut sim = Sim::new(fresh_session(), |_| zoom_error(503, 503, "busy"));
    let _ = sim.call("listCallQueues", json!({}));
    assert!(sim.events.is_empty());
}

#[test]
fn oauth_error_evidence_reaches_the_error() {
    let e = Error::from(OAuthError::ReauthorizationRequired { refusal: None });
    assert_eq!(e.class(), ErrorClass::Authentication);
    assert_eq!(e.code(), "reauthorization_required");
}
