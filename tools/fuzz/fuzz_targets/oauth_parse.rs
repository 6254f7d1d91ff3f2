//! OAuth answers: token and refresh responses (successes and error bodies),
//! revocation, the device flow (authorization answer, then poll answers),
//! the authorization-code callback URL, and stored token sets.
//!
//! Input: `<mode> <status> [now ms]`, headers, an empty line, the body. Modes:
//! `token`, `refresh`, `revoke`, `device` (exchanges after the first, split by
//! a `====` line, answer the polls), `callback` (body: the expected state on
//! the first line, the callback URL after it), `store`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_phone::Secret;
use zoom_phone::auth::{
    DeviceFlow, DeviceStep, OAuthConfig, TokenSet, parse_callback, parse_refresh_response,
    parse_revoke_response, parse_token_response,
};
use zoom_phone_fuzz::{BoundedAlloc, Exchange, exchanges, timestamp};

#[global_allocator]
static ALLOC: BoundedAlloc = BoundedAlloc;

/// Polls of one device flow; each answer is one exchange of the input.
const MAX_POLLS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let all = exchanges(data);
    let Some(first) = all.first() else { return };
    let status = first.number(1).unwrap_or(200);
    let now = timestamp(first.number(2));
    let response = first.response(status);
    match first.word(0).unwrap_or_default() {
        "refresh" => {
            let previous = Secret::new("previous-refresh-token");
            if let Ok(tokens) = parse_refresh_response(&response, Some(&previous), now) {
                assert!(
                    tokens.refresh_token.is_some(),
                    "rotation lost the refresh token"
                );
                check_tokens(&tokens);
            }
        }
        "revoke" => {
            let _ = parse_revoke_response(&response);
        }
        "device" => device(&all, now),
        "callback" => callback(&first.body),
        "store" => {
            if let Ok(tokens) = TokenSet::from_store_json(&first.body) {
                check_tokens(&tokens);
            }
        }
        _ => {
            if let Ok(tokens) = parse_token_response(&response, now) {
                assert!(response.status().is_success());
                check_tokens(&tokens);
            }
        }
    }
});

/// A token set survives the store round trip and never shows its tokens.
fn check_tokens(tokens: &TokenSet) {
    let back = TokenSet::from_store_json(&tokens.to_store_json());
    assert_eq!(
        back.as_ref(),
        Ok(tokens),
        "store round trip changed the tokens"
    );
    // Debug must not depend on the tokens' values (the scopes or the
    // api_url may contain the same text; that is not a leak).
    let mut masked = tokens.clone();
    masked.access_token = Secret::new("masked-access");
    masked.refresh_token = tokens
        .refresh_token
        .as_ref()
        .map(|_| Secret::new("masked-refresh"));
    assert_eq!(
        format!("{tokens:?}"),
        format!("{masked:?}"),
        "Debug shows a token"
    );
}

fn device(all: &[Exchange], mut now: zoom_phone::Timestamp) {
    let config = OAuthConfig::public("fuzz-client");
    let Some(first) = all.first() else { return };
    let Ok(mut flow) = DeviceFlow::start(
        &config,
        &first.response(first.number(1).unwrap_or(200)),
        now,
    ) else {
        return;
    };
    let mut answers = all.iter().skip(1);
    for _ in 0..MAX_POLLS {
        match flow.poll(now) {
            DeviceStep::Send(request) => {
                assert_eq!(request.method(), http::Method::POST);
                let Some(answer) = answers.next() else { return };
                flow.receive(&answer.response(answer.number(1).unwrap_or(200)), now);
            }
            DeviceStep::WaitUntil(until) => {
                assert!(until > now, "WaitUntil({until:?}) at {now:?} would spin");
                now = until;
            }
            DeviceStep::Done(result) => {
                // Finished stays finished, with the same outcome.
                let again = flow.poll(now);
                match (&result, again) {
                    (Ok(a), DeviceStep::Done(Ok(b))) => assert_eq!(a, &b),
                    (Err(a), DeviceStep::Done(Err(b))) => assert_eq!(a, &b),
                    (_, step) => panic!("a finished device flow went on: {step:?}"),
                }
                return;
            }
        }
    }
}

fn callback(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    let (state, url) = text.split_once('\n').unwrap_or((&text, ""));
    let expected = Secret::new(state);
    match parse_callback(url, &expected) {
        Ok(code) => {
            assert!(!state.is_empty(), "an empty expected state was accepted");
            assert!(!code.is_empty(), "an empty code was accepted");
        }
        Err(_) => {}
    }
}
