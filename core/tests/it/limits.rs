//! Rate-limit headers, retry policy, client-side limiter and pagination,
//! all driven with a fake clock.

use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use zoom_phone::catalog::{Operation, RateLimitCategory};
use zoom_phone::date::Date;
use zoom_phone::limiter::{Acquire, PlanLimits, Rate, RateLimiter, Turns};
use zoom_phone::paginate::{self, Pager, Span};
use zoom_phone::ratelimit::{LimitType, RateLimitInfo, RetryAfter};
use zoom_phone::retry::{
    CallState, Decision, GiveUp, Jitter, Outcome, RetryPolicy, TransportErrorKind,
};
use zoom_phone::{Error, Timestamp};

const T0: u64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(T0 + ms)
}

fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            http::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_bytes(v).unwrap(),
        );
    }
    h
}

// ---------------------------------------------------------------- ratelimit

#[test]
fn headers_as_zoom_documents_them() {
    let info = RateLimitInfo::from_headers(&headers(&[
        ("X-RateLimit-Category", b"Heavy"),
        ("X-RateLimit-Type", b"Daily-limit"),
        ("X-RateLimit-Limit", b"30000"),
        ("X-RateLimit-Remaining", b"0"),
        ("Retry-After", b"2020-05-31T00:00:00Z"),
    ]));
    let mut want = RateLimitInfo::default();
    want.category = Some(RateLimitCategory::Heavy);
    want.limit_type = Some(LimitType::Daily);
    want.limit = Some(30_000);
    want.remaining = Some(0);
    want.retry_after = Some(RetryAfter::At(Timestamp::from_millis(1_590_883_200_000)));
    assert_eq!(info, want);
    assert!(info.is_daily() && info.is_exhausted());
}

#[test]
fn header_spellings_are_tolerated() {
    let info = RateLimitInfo::from_headers(&headers(&[
        ("x-ratelimit-category", b"resource_intensive"),
        ("x-ratelimit-type", b" qps "),
        ("x-ratelimit-limit", b" 20 "),
        ("retry-after", b" 3 "),
    ]));
    assert_eq!(info.category, Some(RateLimitCategory::ResourceIntensive));
    assert_eq!(info.limit_type, Some(LimitType::Qps));
    assert_eq!(info.limit, Some(20));
    assert_eq!(info.remaining, None);
    assert_eq!(info.retry_after, Some(RetryAfter::Delay { millis: 3000 }));
    for t in ["DAILY-LIMIT", "daily_limit", "Daily Limit", "daily"] {
        assert_eq!(LimitType::parse(t), Some(LimitType::Daily), "{t}");
    }
    assert_eq!(LimitType::parse("QPS"), Some(LimitType::Qps));
    assert_eq!(LimitType::parse("monthly"), None);
}

#[test]
fn no_headers_means_nothing_known() {
    assert_eq!(
        RateLimitInfo::from_headers(&HeaderMap::new()),
        RateLimitInfo::default()
    );
}

#[test]
fn garbage_headers_are_none_not_panics() {
    let info = RateLimitInfo::from_headers(&headers(&[
        ("x-ratelimit-category", b"Extreme"),
        ("x-ratelimit-type", b"\xff\xfe"),
        ("x-ratelimit-limit", b"-1"),
        ("x-ratelimit-remaining", b"99999999999999999999999"),
        ("retry-after", b"soon"),
    ]));
    assert_eq!(info, RateLimitInfo::default());
    for v in [
        "",
        " ",
        "-5",
        "1e3",
        "12s",
        "0x10",
        "1.2.3",
        "1.",
        ".5",
        "18446744073709551615", // seconds overflow milliseconds
        "99999999999999999999999999",
        "Sun, 06 Nov 1994 08:49:37",     // no zone
        "Sun, 06 Nov 1994 08:49:37 CET", // not GMT
        "Sun, 31 Feb 1994 08:49:37 GMT", // no such day
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT", // IMF needs four digits
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 06 08:49:37",
        "2020-13-01T00:00:00Z",
        "2020-05-31T00:00",
        "2020-05-31T00:00:00+2",
        "2020-05-31T00:00:00 Z",
        "\u{1F600}",
        "2020-05-31T00:00:00\u{00e9}",
    ] {
        assert_eq!(RetryAfter::parse(v), None, "{v:?}");
    }
}

#[test]
fn retry_after_shapes() {
    let imf = Timestamp::from_millis(784_111_777_000);
    let cases: &[(&str, RetryAfter)] = &[
        ("0", RetryAfter::Delay { millis: 0 }),
        ("120", RetryAfter::Delay { millis: 120_000 }),
        ("1.5", RetryAfter::Delay { millis: 1500 }),
        ("0.0009", RetryAfter::Delay { millis: 0 }),
        (
            "18446744073709551",
            RetryAfter::Delay {
                millis: 18_446_744_073_709_551_000,
            },
        ),
        ("Sun, 06 Nov 1994 08:49:37 GMT", RetryAfter::At(imf)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", RetryAfter::At(imf)),
        ("Sun Nov  6 08:49:37 1994", RetryAfter::At(imf)),
        (
            "Thu, 01 Jan 1970 00:00:00 GMT",
            RetryAfter::At(Timestamp::UNIX_EPOCH),
        ),
        (
            "Fri, 31 Dec 9999 23:59:59 GMT",
            RetryAfter::At(Timestamp::from_millis(253_402_300_799_000)),
        ),
        (
            "Wednesday, 01-Jan-25 00:00:00 GMT",
            RetryAfter::At(Timestamp::from_millis(1_735_689_600_000)),
        ),
        (
            "2020-05-31T00:00:00Z",
            RetryAfter::At(Timestamp::from_millis(1_590_883_200_000)),
        ),
        (
            "2020-05-31T08:00:00+08:00",
            RetryAfter::At(Timestamp::from_millis(1_590_883_200_000)),
        ),
        (
            "2020-05-31T00:00:00.999Z",
            RetryAfter::At(Timestamp::from_millis(1_590_883_200_999)),
        ),
        (
            "2016-12-31T23:59:60Z",
            RetryAfter::At(Timestamp::from_millis(1_483_228_800_000)),
        ),
    ];
    for (v, want) in cases {
        assert_eq!(RetryAfter::parse(v), Some(*want), "{v}");
    }
}

#[test]
fn retry_after_resolves_against_now() {
    let now = at(0);
    assert_eq!(RetryAfter::Delay { millis: 2500 }.resolve(now), at(2500));
    assert_eq!(RetryAfter::At(at(10)).resolve(now), at(10));
    assert_eq!(
        RetryAfter::Delay { millis: u64::MAX }.resolve(now),
        Timestamp::from_millis(u64::MAX)
    );
}

// ---------------------------------------------------------------- retry

fn api_error(status: u16, code: Option<i64>, message: &str) -> zoom_phone::response::ApiError {
    let body = serde_json::json!({"code": code, "message": message}).to_string();
    let response = http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.into_bytes())
        .unwrap();
    let op = zoom_phone::operation("listPhoneUsers").unwrap();
    match zoom_phone::response::parse(op, response) {
        Err(zoom_phone::Error::Api(e)) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn call(idempotent: bool, attempts: u32) -> CallState {
    CallState::new(idempotent, attempts, at(0), None)
}

fn status(code: u16, info: &RateLimitInfo) -> Outcome<'_> {
    Outcome::Response {
        status: code,
        rate_limit: info,
        zoom_code: None,
        message: None,
    }
}

#[test]
fn retry_after_seconds_is_honoured_exactly_for_any_method() {
    let p = RetryPolicy::default();
    let mut info = RateLimitInfo::default();
    info.limit_type = Some(LimitType::Qps);
    info.retry_after = Some(RetryAfter::Delay { millis: 7000 });
    for idempotent in [true, false] {
        let d = p.decide(
            &call(idempotent, 1),
            &status(429, &info),
            at(1000),
            &mut Jitter::new(1),
        );
        assert_eq!(d, Decision::Retry { at: at(8000) });
    }
}

#[test]
fn retry_after_http_date_is_honoured() {
    let p = RetryPolicy::default();
    let info = RateLimitInfo::from_headers(&headers(&[(
        "Retry-After",
        b"Tue, 14 Nov 2023 22:13:50 GMT",
    )]));
    let d = p.decide(
        &call(false, 1),
        &status(429, &info),
        at(0),
        &mut Jitter::new(1),
    );
    assert_eq!(d, Decision::Retry { at: at(30_000) });
    // A date already past means "go now".
    let d = p.decide(
        &call(false, 1),
        &status(429, &info),
        at(40_000),
        &mut Jitter::new(1),
    );
    assert_eq!(d, Decision::Retry { at: at(40_000) });
}

#[test]
fn daily_limit_is_never_retried() {
    let mut p = RetryPolicy::default();
    p.retry_non_idempotent = true;
    let info = RateLimitInfo::from_headers(&headers(&[
        ("X-RateLimit-Type", b"Daily-limit"),
        ("Retry-After", b"2023-11-15T00:00:00Z"),
    ]));
    let d = p.decide(
        &call(true, 1),
        &status(429, &info),
        at(0),
        &mut Jitter::new(1),
    );
    assert_eq!(
        d,
        Decision::GiveUp(GiveUp::DailyLimitExceeded {
            reset_at: Some(Timestamp::from_millis(1_700_006_400_000))
        })
    );
}

#[test]
fn daily_limit_recognised_from_message_when_headers_are_missing() {
    let p = RetryPolicy::default();
    let info = RateLimitInfo::default();
    let outcome = Outcome::Response {
        status: 429,
        rate_limit: &info,
        zoom_code: Some(429),
        message: Some(
            "You have exceeded the daily rate limit (100) of this API. You may resume at GMT 00:00:00.",
        ),
    };
    let d = p.decide(&call(true, 1), &outcome, at(0), &mut Jitter::new(1));
    // Next midnight UTC after 2023-11-14T22:13:20Z.
    assert_eq!(
        d,
        Decision::GiveUp(GiveUp::DailyLimitExceeded {
            reset_at: Some(Timestamp::from_millis(1_700_006_400_000))
        })
    );
}

#[test]
fn post_is_not_retried_on_5xx_or_timeouts_unless_allowed() {
    let info = RateLimitInfo::default();
    let strict = RetryPolicy::default();
    let mut lenient = RetryPolicy::default();
    lenient.retry_non_idempotent = true;
    let outcomes = [
        status(500, &info),
        status(502, &info),
        status(503, &info),
        status(504, &info),
        Outcome::Transport(TransportErrorKind::Timeout),
        Outcome::Transport(TransportErrorKind::Reset),
        Outcome::Transport(TransportErrorKind::Other),
    ];
    for o in &outcomes {
        assert_eq!(
            strict.decide(&call(false, 1), o, at(0), &mut Jitter::new(3)),
            Decision::GiveUp(GiveUp::NonIdempotent),
            "{o:?}"
        );
        assert!(
            matches!(
                lenient.decide(&call(false, 1), o, at(0), &mut Jitter::new(3)),
                Decision::Retry { .. }
            ),
            "{o:?}"
        );
        // PUT/GET/DELETE are retried without opting in.
        assert!(
            matches!(
                strict.decide(&call(true, 1), o, at(0), &mut Jitter::new(3)),
                Decision::Retry { .. }
            ),
            "{o:?}"
        );
    }
    // Nothing was sent when the connection failed: safe for POST too.
    assert!(matches!(
        strict.decide(
            &call(false, 1),
            &Outcome::Transport(TransportErrorKind::Connect),
            at(0),
            &mut Jitter::new(3)
        ),
        Decision::Retry { .. }
    ));
}

#[test]
fn idempotency_comes_from_the_method() {
    let op = |m: &str| operation(json!({"method": m}));
    assert!(op("PUT").is_idempotent() && op("GET").is_idempotent() && op("DELETE").is_idempotent());
    assert!(!op("POST").is_idempotent() && !op("PATCH").is_idempotent());
}

#[test]
fn client_errors_are_final_and_401_is_reported_apart() {
    let mut p = RetryPolicy::default();
    p.retry_non_idempotent = true;
    let info = RateLimitInfo::default();
    for code in [400, 403, 404, 409, 412, 501, 505] {
        assert_eq!(
            p.decide(
                &call(true, 1),
                &status(code, &info),
                at(0),
                &mut Jitter::new(1)
            ),
            Decision::GiveUp(GiveUp::NotRetryable { status: code })
        );
    }
    let rejected = api_error(401, Some(124), "Invalid access token.");
    let token = Outcome::from_api_error(&rejected);
    assert_eq!(
        p.decide(&call(true, 1), &token, at(0), &mut Jitter::new(1)),
        Decision::GiveUp(GiveUp::Unauthorized {
            zoom_code: Some(124)
        })
    );
    assert_eq!(
        p.decide(
            &call(true, 1),
            &status(200, &info),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::GiveUp(GiveUp::NotAFailure)
    );
}

#[test]
fn backoff_stays_within_full_jitter_bounds_over_many_seeds() {
    let mut p = RetryPolicy::default();
    p.max_attempts = 12;
    p.max_elapsed = Duration::from_secs(3600);
    p.base_delay = Duration::from_millis(100);
    p.max_delay = Duration::from_secs(5);
    p.retry_non_idempotent = false;
    let info = RateLimitInfo::default();
    let mut seen_small = false;
    let mut seen_near_cap = false;
    for seed in 0..500u64 {
        let mut j = Jitter::new(seed);
        for attempts in 1..12u32 {
            let n = attempts - 1;
            let cap = (100u64 << n).min(5000);
            let Decision::Retry { at: when } =
                p.decide(&call(true, attempts), &status(503, &info), at(0), &mut j)
            else {
                panic!("attempt {attempts} not retried");
            };
            let delay = when.as_millis() - at(0).as_millis();
            assert!(delay <= cap, "seed {seed} retry {n}: {delay} > {cap}");
            seen_small |= delay < cap / 10;
            seen_near_cap |= delay > cap * 9 / 10;
        }
    }
    // Full jitter spreads over the whole interval, not a fixed fraction of it.
    assert!(seen_small && seen_near_cap);
}

#[test]
fn the_same_seed_gives_the_same_schedule() {
    let p = RetryPolicy::default();
    let info = RateLimitInfo::default();
    let schedule = |seed| {
        let mut j = Jitter::new(seed);
        (1..4)
            .map(|a| p.decide(&call(true, a), &status(500, &info), at(0), &mut j))
            .collect::<Vec<_>>()
    };
    assert_eq!(schedule(42), schedule(42));
    assert_ne!(schedule(42), schedule(43));
}

#[test]
fn attempts_are_bounded() {
    let p = RetryPolicy::default();
    let info = RateLimitInfo::default();
    assert!(matches!(
        p.decide(
            &call(true, 3),
            &status(500, &info),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::Retry { .. }
    ));
    assert_eq!(
        p.decide(
            &call(true, 4),
            &status(500, &info),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::GiveUp(GiveUp::AttemptsExhausted)
    );
    assert_eq!(
        RetryPolicy::never().decide(
            &call(true, 1),
            &status(500, &info),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::GiveUp(GiveUp::AttemptsExhausted)
    );
}

#[test]
fn no_retry_past_the_deadline() {
    let p = RetryPolicy::default(); // max_elapsed 120 s
    let mut info = RateLimitInfo::default();
    info.retry_after = Some(RetryAfter::Delay { millis: 30_000 });
    // Within max_elapsed: fine.
    assert_eq!(
        p.decide(
            &call(true, 1),
            &status(429, &info),
            at(60_000),
            &mut Jitter::new(1)
        ),
        Decision::Retry { at: at(90_000) }
    );
    // Retry-After would land after started + max_elapsed.
    assert_eq!(
        p.decide(
            &call(true, 1),
            &status(429, &info),
            at(100_000),
            &mut Jitter::new(1)
        ),
        Decision::GiveUp(GiveUp::DeadlineExceeded {
            retry_at: at(130_000)
        })
    );
    // An explicit, earlier deadline wins over max_elapsed.
    let mut c = call(true, 1);
    c.deadline = Some(at(20_000));
    assert_eq!(
        p.decide(&c, &status(429, &info), at(0), &mut Jitter::new(1)),
        Decision::GiveUp(GiveUp::DeadlineExceeded {
            retry_at: at(30_000)
        })
    );
    // Backoff is checked against the deadline too.
    c.deadline = Some(at(1));
    let plain = RateLimitInfo::default();
    let mut any_gave_up = false;
    for seed in 0..50 {
        match p.decide(&c, &status(500, &plain), at(0), &mut Jitter::new(seed)) {
            Decision::Retry { at: when } => assert!(when <= at(1)),
            Decision::GiveUp(GiveUp::DeadlineExceeded { retry_at }) => {
                any_gave_up = true;
                assert!(retry_at > at(1));
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(any_gave_up);
}

#[test]
fn a_per_second_429_without_retry_after_backs_off() {
    let p = RetryPolicy::default();
    let mut info = RateLimitInfo::default();
    info.limit_type = Some(LimitType::Qps);
    for seed in 0..100 {
        let d = p.decide(
            &call(false, 2),
            &status(429, &info),
            at(0),
            &mut Jitter::new(seed),
        );
        let Decision::Retry { at: when } = d else {
            panic!("{d:?}");
        };
        assert!(when >= at(0) && when <= at(1000), "{when:?}");
    }
}

#[test]
fn retry_after_parsing_never_panics_on_noise() {
    let mut rng = Jitter::new(99);
    let alphabet = b"0123456789 :-+.,TZGMTSunNovday\xff";
    for _ in 0..20_000 {
        let len = usize::try_from(rng.up_to(40)).unwrap();
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[usize::try_from(rng.up_to(alphabet.len() as u64 - 1)).unwrap()])
            .collect();
        if let Ok(v) = HeaderValue::from_bytes(&bytes) {
            let mut h = HeaderMap::new();
            h.insert("retry-after", v.clone());
            h.insert("x-ratelimit-limit", v);
            let info = RateLimitInfo::from_headers(&h);
            let text = String::from_utf8_lossy(&bytes);
            let digits_only =
                !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_digit());
            assert_eq!(
                info.limit.is_some(),
                digits_only && text.trim().len() < 20,
                "{text:?}"
            );
        }
        let _ = RetryAfter::parse(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn a_503_retry_after_is_honoured_for_idempotent_calls() {
    let p = RetryPolicy::default();
    let mut info = RateLimitInfo::default();
    info.retry_after = Some(RetryAfter::Delay { millis: 4000 });
    assert_eq!(
        p.decide(
            &call(true, 1),
            &status(503, &info),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::Retry { at: at(4000) }
    );
}

// ---------------------------------------------------------------- limiter

/// Grants (slot times) for `n` back-to-back acquires, each made at the moment
/// the previous caller was told to go (a sequential caller).
fn drain(l: &mut RateLimiter, c: RateLimitCategory, n: usize, start: Timestamp) -> Vec<Timestamp> {
    let mut now = start;
    let mut slots = Vec::new();
    for _ in 0..n {
        let slot = match l.acquire(c, now) {
            Acquire::Ready => now,
            Acquire::WaitUntil(t) => t,
            other => panic!("{other:?}"),
        };
        assert!(slot >= now);
        slots.push(slot);
        now = slot;
    }
    slots
}

fn max_in_any_window(slots: &[Timestamp], window: Duration) -> usize {
    let w = u64::try_from(window.as_millis()).unwrap();
    slots
        .iter()
        .map(|s| {
            slots
                .iter()
                .filter(|t| t.as_millis() >= s.as_millis() && t.as_millis() < s.as_millis() + w)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn sustained_rate_never_exceeds_the_limit_in_any_window() {
    for (limits, c) in [
        (PlanLimits::pro(), RateLimitCategory::Light),
        (PlanLimits::pro(), RateLimitCategory::Heavy),
        (PlanLimits::business(), RateLimitCategory::Medium),
        (PlanLimits::pro(), RateLimitCategory::ResourceIntensive),
    ] {
        let rate = limits.rate(c);
        let mut l = RateLimiter::new(limits);
        let slots = drain(&mut l, c, 500, at(0));
        let n = usize::try_from(rate.count.get()).unwrap();
        assert_eq!(max_in_any_window(&slots, rate.per), n, "{c:?}");
        // And it is not slower than the limit: 500 grants take ~500/n windows.
        let span = slots.last().unwrap().as_millis() - slots[0].as_millis();
        let per = u64::try_from(rate.per.as_millis()).unwrap();
        assert!(span <= (500 / n as u64) * per, "{c:?}: {span}");
    }
}

#[test]
fn a_burst_up_to_the_limit_goes_at_once_then_callers_are_staggered() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    let c = RateLimitCategory::Medium; // 10/s
    for _ in 0..10 {
        assert_eq!(l.acquire(c, at(0)), Acquire::Ready);
    }
    // Ten more concurrent callers, all at t=0: each owns a distinct slot.
    let waits: Vec<_> = (0..10).map(|_| l.acquire(c, at(0))).collect();
    assert!(waits.iter().all(|w| *w == Acquire::WaitUntil(at(1000))));
    // With a steady trickle after a full window, slots come back.
    assert_eq!(l.acquire(c, at(2000)), Acquire::Ready);
}

#[test]
fn concurrent_callers_beyond_the_limit_get_increasing_slots() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    let c = RateLimitCategory::ResourceIntensive; // 5/min
    let slots: Vec<Timestamp> = (0..12)
        .map(|_| match l.acquire(c, at(0)) {
            Acquire::Ready => at(0),
            Acquire::WaitUntil(t) => t,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(&slots[..5], &[at(0); 5]);
    assert_eq!(&slots[5..10], &[at(60_000); 5]);
    assert_eq!(&slots[10..], &[at(120_000); 2]);
    assert_eq!(max_in_any_window(&slots, Duration::from_secs(60)), 5);
}

#[test]
fn a_429_pauses_only_its_category_until_retry_after() {
    let mut l = RateLimiter::new(PlanLimits::business());
    let info = RateLimitInfo::from_headers(&headers(&[
        ("X-RateLimit-Category", b"Light"),
        ("X-RateLimit-Type", b"QPS"),
        ("Retry-After", b"5"),
    ]));
    l.observe(Some(RateLimitCategory::Medium), 429, &info, at(0)); // header category wins
    assert_eq!(
        l.acquire(RateLimitCategory::Light, at(100)),
        Acquire::WaitUntil(at(5000))
    );
    assert_eq!(
        l.paused_until(RateLimitCategory::Light, at(100)),
        Some(at(5000))
    );
    for c in [
        RateLimitCategory::Medium,
        RateLimitCategory::Heavy,
        RateLimitCategory::ResourceIntensive,
    ] {
        assert_eq!(l.acquire(c, at(100)), Acquire::Ready, "{c:?}");
    }
    assert_eq!(
        l.acquire(RateLimitCategory::Light, at(5000)),
        Acquire::Ready
    );
}

#[test]
fn a_429_without_retry_after_pauses_one_window_and_a_503_does_not_pause() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    l.observe(
        Some(RateLimitCategory::Heavy),
        429,
        &RateLimitInfo::default(),
        at(0),
    );
    assert_eq!(
        l.acquire(RateLimitCategory::Heavy, at(0)),
        Acquire::WaitUntil(at(1000))
    );
    let mut busy = RateLimitInfo::default();
    busy.category = Some(RateLimitCategory::Light);
    busy.retry_after = Some(RetryAfter::Delay { millis: 30_000 });
    l.observe(None, 503, &busy, at(0));
    assert_eq!(l.acquire(RateLimitCategory::Light, at(0)), Acquire::Ready);
    // Remaining > 0 on a success says nothing worth pausing for.
    let mut fine = busy;
    fine.remaining = Some(3);
    l.observe(None, 200, &fine, at(0));
    assert_eq!(l.acquire(RateLimitCategory::Light, at(0)), Acquire::Ready);
}

#[test]
fn a_daily_limit_the_retry_policy_recognised_stops_the_category() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    l.stop_for_day(RateLimitCategory::Medium, at(3_600_000));
    assert_eq!(
        l.acquire(RateLimitCategory::Medium, at(0)),
        Acquire::DailyLimitExhausted {
            reset_at: at(3_600_000)
        }
    );
    assert_eq!(l.acquire(RateLimitCategory::Heavy, at(0)), Acquire::Ready);
    assert_eq!(
        l.acquire(RateLimitCategory::Medium, at(3_600_000)),
        Acquire::Ready
    );
}

#[test]
fn random_arrivals_never_exceed_the_limit_in_any_window() {
    for seed in 0..20 {
        let mut rng = Jitter::new(seed);
        let mut l = RateLimiter::new(PlanLimits::pro());
        let c = RateLimitCategory::Medium; // 10/s
        let mut now = 0u64;
        let mut slots = Vec::new();
        for _ in 0..300 {
            now += rng.up_to(150); // arrivals faster than the limit on average
            match l.acquire(c, at(now)) {
                Acquire::Ready => slots.push(at(now)),
                Acquire::WaitUntil(t) => {
                    assert!(t > at(now));
                    slots.push(t);
                }
                other => panic!("{other:?}"),
            }
        }
        slots.sort();
        assert!(
            max_in_any_window(&slots, Duration::from_secs(1)) <= 10,
            "seed {seed}"
        );
    }
}

#[test]
fn remaining_zero_pauses_for_one_window_and_the_label_is_a_fallback() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    let mut info = RateLimitInfo::default();
    info.remaining = Some(0);
    l.observe(
        Some(RateLimitCategory::ResourceIntensive),
        200,
        &info,
        at(0),
    );
    assert_eq!(
        l.acquire(RateLimitCategory::ResourceIntensive, at(10)),
        Acquire::WaitUntil(at(60_000))
    );
    // No category at all: nothing to pause.
    let mut l = RateLimiter::new(PlanLimits::pro());
    l.observe(None, 200, &info, at(0));
    assert_eq!(l.acquire(RateLimitCategory::Light, at(0)), Acquire::Ready);
}

#[test]
fn zoom_daily_limit_stops_heavy_and_resource_intensive_together() {
    let mut l = RateLimiter::new(PlanLimits::pro());
    let info = RateLimitInfo::from_headers(&headers(&[
        ("X-RateLimit-Category", b"Heavy"),
        ("X-RateLimit-Type", b"Daily-limit"),
        ("X-RateLimit-Remaining", b"0"),
    ]));
    l.observe(None, 200, &info, at(0));
    let midnight = Timestamp::from_millis(1_700_006_400_000);
    for c in [
        RateLimitCategory::Heavy,
        RateLimitCategory::ResourceIntensive,
    ] {
        assert_eq!(
            l.acquire(c, at(0)),
            Acquire::DailyLimitExhausted { reset_at: midnight }
        );
    }
    assert_eq!(l.acquire(RateLimitCategory::Light, at(0)), Acquire::Ready);
    assert_eq!(
        l.acquire(RateLimitCategory::Heavy, midnight),
        Acquire::Ready
    );
}

#[test]
fn the_shared_daily_cap_counts_heavy_and_resource_intensive() {
    let mut limits = PlanLimits::pro();
    limits.heavy = Rate::per_second(1000);
    limits.resource_intensive = Rate::per_second(1000);
    limits.heavy_daily = Some(7);
    let mut l = RateLimiter::new(limits);
    for i in 0..7 {
        let c = if i % 2 == 0 {
            RateLimitCategory::Heavy
        } else {
            RateLimitCategory::ResourceIntensive
        };
        assert_eq!(l.acquire(c, at(0)), Acquire::Ready);
    }
    let midnight = Timestamp::from_millis(1_700_006_400_000);
    assert_eq!(
        l.acquire(RateLimitCategory::ResourceIntensive, at(0)),
        Acquire::DailyLimitExhausted { reset_at: midnight }
    );
    assert_eq!(l.acquire(RateLimitCategory::Medium, at(0)), Acquire::Ready);
    // A new UTC day, a new count.
    assert_eq!(
        l.acquire(RateLimitCategory::Heavy, midnight),
        Acquire::Ready
    );
}

#[test]
fn unlabeled_operations_are_paced_as_medium() {
    let labeled = operation(json!({"rate_limit": "Heavy"}));
    let unlabeled = operation(json!({}));
    assert_eq!(
        RateLimiter::category_for(&labeled),
        RateLimitCategory::Heavy
    );
    assert_eq!(
        RateLimiter::category_for(&unlabeled),
        RateLimitCategory::Medium
    );
}

// ---------------------------------------------------------------- paginate

/// An operation built from a few fields over sensible defaults.
fn operation(overrides: Value) -> Operation {
    let mut base = json!({
        "id": "listThings", "name": "list_things", "tag": "Things",
        "method": "GET", "path": "/phone/things", "summary": "List things",
        "success_status": 200, "response": "json",
    });
    for (k, v) in overrides.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn paged(declared: bool) -> Operation {
    operation(json!({"pagination": {
        "token_param": "next_page_token", "token_field": "next_page_token",
        "page_size_param": "page_size", "max_page_size": 300,
        "items_field": "things", "declared": declared,
    }}))
}

#[test]
fn next_params_sets_the_token_and_keeps_the_rest() {
    let op = paged(true);
    let params = json!({"page_size": 100, "site_id": "s1"});
    let body = json!({"next_page_token": "abc", "things": [1, 2]});
    assert_eq!(
        paginate::next_params(&op, &params, &body),
        Some(json!({"page_size": 100, "site_id": "s1", "next_page_token": "abc"}))
    );
    // A second page replaces the previous token.
    let second = paginate::next_params(&op, &params, &body).unwrap();
    assert_eq!(
        paginate::next_params(&op, &second, &json!({"next_page_token": "def"})),
        Some(json!({"page_size": 100, "site_id": "s1", "next_page_token": "def"}))
    );
    for end in [
        json!({"next_page_token": ""}),
        json!({}),
        json!({"next_page_token": null}),
        json!({"next_page_token": 5}),
        json!([]),
    ] {
        assert_eq!(paginate::next_params(&op, &params, &end), None, "{end}");
    }
    assert_eq!(
        paginate::next_params(&op, &Value::Null, &body),
        Some(json!({"next_page_token": "abc"}))
    );
    assert_eq!(paginate::next_params(&op, &json!("x"), &body), None);
}

#[test]
fn undeclared_pagination_still_pages() {
    let op = paged(false);
    assert_eq!(
        paginate::next_params(&op, &json!({}), &json!({"next_page_token": "t"})),
        Some(json!({"next_page_token": "t"}))
    );
}

#[test]
fn unpaginated_operations_have_no_next_page_or_items() {
    let op = operation(json!({}));
    let body = json!({"next_page_token": "abc", "things": [1]});
    assert_eq!(paginate::next_params(&op, &json!({}), &body), None);
    assert!(paginate::items(&op, &body).is_empty());
}

#[test]
fn items_are_read_from_the_named_field_or_the_only_array() {
    let op = paged(true);
    assert_eq!(
        paginate::items(&op, &json!({"things": [1, 2, 3]})),
        &[json!(1), json!(2), json!(3)]
    );
    assert!(paginate::items(&op, &json!({"other": [1]})).is_empty());
    assert!(paginate::items(&op, &json!({"things": "nope"})).is_empty());
    let unnamed = operation(
        json!({"pagination": {"token_param": "next_page_token", "token_field": "next_page_token"}}),
    );
    assert_eq!(
        paginate::items(&unnamed, &json!({"a": 1, "xs": [7]})),
        &[json!(7)]
    );
    assert!(paginate::items(&unnamed, &json!({"xs": [7], "ys": [8]})).is_empty());
}

#[test]
fn pager_walks_all_pages() {
    let op = paged(true);
    let mut pager = Pager::new(&op, json!({"page_size": 2}));
    let pages = [
        json!({"things": [1, 2], "next_page_token": "a"}),
        json!({"things": [3, 4], "next_page_token": "b"}),
        json!({"things": [5], "next_page_token": ""}),
    ];
    let mut got = Vec::new();
    let mut sent = Vec::new();
    let mut i = 0;
    while let Some(params) = pager.next_params(at(i * 1000)).unwrap() {
        sent.push(params);
        got.extend(
            pager
                .receive(&pages[i as usize], at(i * 1000))
                .iter()
                .cloned(),
        );
        i += 1;
    }
    assert_eq!(got, (1..=5).map(|n| json!(n)).collect::<Vec<_>>());
    assert_eq!(
        sent,
        vec![
            json!({"page_size": 2}),
            json!({"page_size": 2, "next_page_token": "a"}),
            json!({"page_size": 2, "next_page_token": "b"}),
        ]
    );
    assert!(pager.is_done());
    assert_eq!(pager.pages(), 3);
}

#[test]
fn pager_stops_mid_page_at_the_item_limit() {
    let op = paged(true);
    let mut pager = Pager::new(&op, json!({})).limit(3);
    assert!(pager.next_params(at(0)).unwrap().is_some());
    assert_eq!(
        pager
            .receive(&json!({"things": [1, 2], "next_page_token": "a"}), at(0))
            .len(),
        2
    );
    assert!(pager.next_params(at(0)).unwrap().is_some());
    assert_eq!(
        pager.receive(&json!({"things": [3, 4, 5], "next_page_token": "b"}), at(0)),
        &[json!(3)]
    );
    assert_eq!(pager.next_params(at(0)).unwrap(), None);
    assert_eq!(pager.yielded(), 3);
    let mut none = Pager::new(&op, json!({})).limit(0);
    assert_eq!(none.next_params(at(0)).unwrap(), None);
}

#[test]
fn pager_resumes_from_a_saved_token() {
    let op = paged(true);
    let mut first = Pager::new(&op, json!({"page_size": 10}));
    first.next_params(at(0)).unwrap();
    first.receive(&json!({"things": [1], "next_page_token": "tok"}), at(0));
    let (token, issued) = first.token().unwrap();
    let mut resumed = Pager::new(&op, json!({"page_size": 10})).resume(token, issued);
    assert_eq!(
        resumed.next_params(at(60_000)).unwrap(),
        Some(json!({"page_size": 10, "next_page_token": "tok"}))
    );
}

#[test]
fn a_token_older_than_fifteen_minutes_is_refused_up_front() {
    let op = paged(true);
    let mut pager = Pager::new(&op, json!({}));
    pager.next_params(at(0)).unwrap();
    pager.receive(&json!({"things": [1], "next_page_token": "a"}), at(0));
    let mut late = pager.clone();
    assert!(pager.next_params(at(15 * 60_000 - 1)).unwrap().is_some());
    assert!(matches!(
        late.next_params(at(15 * 60_000)),
        Err(Error::PageTokenExpired)
    ));
    assert_eq!(late.next_params(at(15 * 60_000)).unwrap(), None);
    // A resumed token of unknown age is left to Zoom to judge.
    let mut unknown = Pager::new(&op, json!({})).resume("a", None);
    assert!(unknown.next_params(at(10 * 3_600_000)).unwrap().is_some());
}

#[test]
fn zoom_expired_token_answer_is_recognised() {
    for (code, msg) in [
        (Some(300), "The next page token is invalid or expired."),
        (Some(400), "The next page token is invalid or expired"),
        (None, "the NEXT PAGE TOKEN is invalid or expired"),
    ] {
        assert!(
            paginate::is_expired_token_error(400, code, msg),
            "{code:?} {msg}"
        );
    }
    assert!(!paginate::is_expired_token_error(
        404,
        Some(300),
        paginate::EXPIRED_TOKEN_MESSAGE
    ));
    assert!(!paginate::is_expired_token_error(
        400,
        Some(300),
        "Invalid user id."
    ));
    assert!(!paginate::is_expired_token_error(
        400,
        Some(1001),
        paginate::EXPIRED_TOKEN_MESSAGE
    ));
}

#[test]
fn an_unpaginated_operation_is_one_page() {
    let op = operation(json!({}));
    let mut pager = Pager::new(&op, json!({"x": 1}));
    assert_eq!(pager.next_params(at(0)).unwrap(), Some(json!({"x": 1})));
    assert!(
        pager
            .receive(&json!({"next_page_token": "t"}), at(0))
            .is_empty()
    );
    assert_eq!(pager.next_params(at(0)).unwrap(), None);
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn ranges(from: &str, to: &str, span: Span) -> Vec<String> {
    paginate::split_range(d(from), d(to), span)
        .into_iter()
        .map(|(a, b)| format!("{a}..{b}"))
        .collect()
}

#[test]
fn long_ranges_split_into_ordered_month_pieces() {
    assert_eq!(
        ranges("2024-01-15", "2024-04-10", Span::Months(1)),
        [
            "2024-01-15..2024-02-14",
            "2024-02-15..2024-03-14",
            "2024-03-15..2024-04-10"
        ]
    );
    assert_eq!(
        ranges("2024-01-01", "2024-12-31", Span::Months(1)).len(),
        12
    );
    assert_eq!(
        ranges("2023-01-01", "2024-12-31", Span::Months(12)),
        ["2023-01-01..2023-12-31", "2024-01-01..2024-12-31"]
    );
    assert_eq!(
        ranges("2024-03-01", "2024-03-01", Span::Months(1)),
        ["2024-03-01..2024-03-01"]
    );
    assert_eq!(
        ranges("2024-02-27", "2024-03-02", Span::Days(2)),
        [
            "2024-02-27..2024-02-28",
            "2024-02-29..2024-03-01",
            "2024-03-02..2024-03-02"
        ]
    );
    assert!(ranges("2024-03-02", "2024-03-01", Span::Months(1)).is_empty());
    assert!(ranges("2024-03-01", "2024-03-05", Span::Days(0)).is_empty());
}

#[test]
fn split_ranges_cover_the_range_exactly_without_overlap() {
    for span in [
        Span::Days(1),
        Span::Days(7),
        Span::Months(1),
        Span::Months(3),
    ] {
        let parts = paginate::split_range(d("2023-01-31"), d("2025-03-01"), span);
        assert_eq!(parts.first().unwrap().0, d("2023-01-31"));
        assert_eq!(parts.last().unwrap().1, d("2025-03-01"));
        for w in parts.windows(2) {
            assert_eq!(w[0].1.add_days(1), Some(w[1].0));
        }
        for (a, b) in &parts {
            assert!(a <= b);
            let limit = match span {
                Span::Days(n) => a.add_days(i64::from(n) - 1).unwrap(),
                Span::Months(n) => a.add_months(i64::from(n)).unwrap().add_days(-1).unwrap(),
                other => panic!("a span this test does not know: {other:?}"),
            };
            assert!(*b <= limit, "{a}..{b}");
        }
    }
}

#[test]
fn call_history_reaches_two_years_back() {
    assert_eq!(
        paginate::earliest_from(d("2026-11-24"), Span::Months(24)),
        Some(d("2024-11-24"))
    );
    assert_eq!(
        paginate::earliest_from(d("2024-02-29"), Span::Months(12)),
        Some(d("2023-02-28"))
    );
}

// ---------------------------------------------------------------- over the real catalog

fn page_body(op: &Operation, token: &str) -> Value {
    let p = op.pagination.as_ref().unwrap();
    let mut body = json!({ p.token_field.clone(): token, "page_size": 30 });
    if let Some(items) = &p.items_field {
        body[items] = json!([{"id": "a"}, {"id": "b"}]);
    }
    body
}

#[test]
fn every_paginated_operation_yields_a_next_page_and_its_items() {
    let paged: Vec<&Operation> = zoom_phone::operations()
        .iter()
        .filter(|o| o.pagination.is_some())
        .collect();
    // 76 declare next_page_token/page_size; two more return a token undeclared.
    assert!(paged.len() >= 78, "{}", paged.len());
    for op in &paged {
        let p = op.pagination.as_ref().unwrap();
        let params = json!({"page_size": 30});
        let next = paginate::next_params(op, &params, &page_body(op, "tok"))
            .unwrap_or_else(|| panic!("{}", op.id));
        assert_eq!(next[&p.token_param], "tok", "{}", op.id);
        assert_eq!(next["page_size"], 30, "{}", op.id);
        assert_eq!(
            paginate::next_params(op, &params, &page_body(op, "")),
            None,
            "{}",
            op.id
        );
        assert_eq!(
            paginate::items(op, &page_body(op, "tok")).len(),
            2,
            "{}",
            op.id
        );
    }
    for id in ["listCallQueueMembers", "listTrackedLocations"] {
        let op = zoom_phone::operation(id).unwrap();
        assert!(!op.pagination.as_ref().unwrap().declared, "{id}");
        assert!(
            paginate::next_params(op, &json!({}), &page_body(op, "t")).is_some(),
            "{id}"
        );
    }
}

#[test]
fn non_paginated_operations_yield_no_next_page() {
    let mut seen = 0;
    for op in zoom_phone::operations()
        .iter()
        .filter(|o| o.pagination.is_none())
    {
        seen += 1;
        let body = json!({"next_page_token": "tok", "items": [1]});
        assert_eq!(
            paginate::next_params(op, &json!({}), &body),
            None,
            "{}",
            op.id
        );
        assert!(paginate::items(op, &body).is_empty(), "{}", op.id);
    }
    assert!(seen > 300, "{seen}");
}

#[test]
fn next_page_requests_of_every_paginated_operation_carry_the_token_in_the_query() {
    let config = zoom_phone::request::RequestConfig::default();
    let mut built = 0;
    let mut undeclared_built = 0;
    for op in zoom_phone::operations() {
        let Some(p) = op.pagination.as_ref() else {
            continue;
        };
        // Required parameters get a plausible value of their type.
        let mut params = serde_json::Map::new();
        for param in op.params.iter().filter(|p| p.required) {
            let v = match &param.schema {
                zoom_phone::catalog::Schema::Integer { .. }
                | zoom_phone::catalog::Schema::Number { .. } => json!(1),
                zoom_phone::catalog::Schema::Boolean => json!(true),
                zoom_phone::catalog::Schema::String {
                    format: Some(f), ..
                } if f == "date" => json!("2024-01-01"),
                zoom_phone::catalog::Schema::String { enum_values, .. }
                    if !enum_values.is_empty() =>
                {
                    json!(enum_values[0])
                }
                _ => json!("x1"),
            };
            params.insert(param.name.clone(), v);
        }
        let first = Value::Object(params);
        let Ok(_) = zoom_phone::request::build_operation(op, &first, &config) else {
            continue; // a required parameter our simple filler cannot satisfy
        };
        let next = paginate::next_params(op, &first, &page_body(op, "tok/+=")).unwrap();
        let req = zoom_phone::request::build_operation(op, &next, &config)
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let query = req.uri().query().unwrap_or_default().to_owned();
        assert!(
            query.contains(&format!("{}=tok%2F%2B%3D", p.token_param)),
            "{}: {query}",
            op.id
        );
        built += 1;
        undeclared_built += usize::from(!p.declared);
    }
    assert!(built >= 60, "{built}");
    // The two operations that return a token without declaring it page too.
    assert_eq!(undeclared_built, 2);
}

#[test]
fn every_operation_has_a_pacing_category() {
    let mut unlabeled = Vec::new();
    for op in zoom_phone::operations() {
        let c = RateLimiter::category_for(op);
        match op.rate_limit {
            Some(label) => assert_eq!(c, label),
            None => {
                assert_eq!(c, RateLimitCategory::Medium);
                unlabeled.push(op.id.as_str());
            }
        }
    }
    assert_eq!(unlabeled.len(), 2, "{unlabeled:?}");
}

#[test]
fn a_real_listing_walks_with_the_pager() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let field = op.pagination.as_ref().unwrap().items_field.clone().unwrap();
    let mut pager = Pager::new(op, json!({"page_size": 1})).limit(3);
    let mut got = 0;
    let mut n = 0;
    while let Some(params) = pager.next_params(at(n * 1000)).unwrap() {
        n += 1;
        let body = json!({ field.clone(): [{"id": n}, {"id": n + 100}], "next_page_token": format!("t{n}") });
        got += pager.receive(&body, at(n * 1000)).len();
        if n > 1 {
            assert_eq!(params["next_page_token"], format!("t{}", n - 1));
        }
    }
    assert_eq!((got, n), (3, 2));
}

#[test]
fn parsed_429_responses_drive_the_retry_decision() {
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let respond = |headers: &[(&str, &str)], message: &str| {
        let mut b = http::Response::builder().status(429);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let body = json!({"code": 429, "message": message})
            .to_string()
            .into_bytes();
        match zoom_phone::response::parse(op, b.body(body).unwrap()) {
            Err(Error::Api(e)) => *e,
            other => panic!("{other:?}"),
        }
    };
    let p = RetryPolicy::default();
    let qps = respond(
        &[
            ("X-RateLimit-Category", "Light"),
            ("X-RateLimit-Type", "QPS"),
            ("Retry-After", "2"),
        ],
        "You have reached the maximum per-second rate limit for this API. Try again later.",
    );
    assert_eq!(
        p.decide(
            &call(true, 1),
            &Outcome::from_api_error(&qps),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::Retry { at: at(2000) }
    );
    let daily = respond(
        &[],
        "You have exceeded the daily rate limit (6000) of this API. You may resume at GMT 00:00:00.",
    );
    assert_eq!(
        p.decide(
            &call(true, 1),
            &Outcome::from_api_error(&daily),
            at(0),
            &mut Jitter::new(1)
        ),
        Decision::GiveUp(GiveUp::DailyLimitExceeded {
            reset_at: Some(Timestamp::from_millis(1_700_006_400_000))
        })
    );
}

#[test]
fn workers_in_turns_interleave_on_the_fleets_grid_and_never_burst() {
    // Pro's Heavy is 5 a second; three workers at share 0.9 take every
    // third slot of a 222 ms grid: 666 ms apart each, never the same slot.
    let mut seen = Vec::new();
    for index in 0..3 {
        let mut l = RateLimiter::in_turns(PlanLimits::pro(), Turns::new(index, 3, 0.9));
        let mut own = Vec::new();
        for _ in 0..4 {
            match l.acquire(RateLimitCategory::Heavy, at(10_000)) {
                Acquire::Ready => own.push(10_000),
                Acquire::WaitUntil(t) => own.push(t.as_millis() - T0),
                other => panic!("{other:?}"),
            }
        }
        for pair in own.windows(2) {
            let gap = pair[1] - pair[0];
            assert!((666..=668).contains(&gap), "{own:?}");
        }
        seen.extend(own);
    }
    seen.sort_unstable();
    // Together: one slot every 222 ms, within a rounding millisecond.
    for pair in seen.windows(2) {
        assert!((221..=223).contains(&(pair[1] - pair[0])), "{seen:?}");
    }
}
