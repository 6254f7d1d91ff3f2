//! Secret hygiene: every error path taken with known secrets (client secret,
//! access and refresh tokens, webhook secret), and every rendering of what
//! comes back (Display, Debug, the error's source chain) searched for them.
//! With the feature `tracing`, every log record of the run (the core's
//! events at their most verbose, the HTTP stack's) is searched as well.

use std::fmt::Debug;

use serde_json::json;
use zoom_phone_client::Secret;
use zoom_phone_client::Webhooks;
use zoom_phone_client::auth::{OAuthConfig, TokenSet};

use crate::client_support::{ACCOUNT, CLIENT_ID};
use crate::faults::Mock;

const CLIENT_SECRET: &str = "sekrit-client-7f3a9c";
const ACCESS: &str = "sekrit-access-51be20";
const REFRESH: &str = "sekrit-refresh-c0ffee";
const WEBHOOK: &str = "sekrit-webhook-d00d42";

/// Every form of `value` a message could carry it in.
fn needles() -> Vec<String> {
    let mut out = Vec::new();
    for s in [CLIENT_SECRET, ACCESS, REFRESH, WEBHOOK] {
        out.push(s.to_owned());
        // The distinctive tail alone, in case a message truncates or quotes.
        out.push(s.rsplit('-').next().unwrap_or(s).to_owned());
    }
    out
}

/// Collects Display, Debug, alternate Debug and the source chain.
fn renderings<E: std::error::Error + Debug>(e: &E) -> Vec<String> {
    let mut out = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}

#[derive(Default)]
struct Grep {
    texts: usize,
    hits: Vec<String>,
}

impl Grep {
    fn check(&mut self, what: &str, texts: Vec<String>) {
        for t in texts {
            self.texts += 1;
            for n in needles() {
                if t.contains(&n) {
                    self.hits.push(format!("{what}: {n} in {t}"));
                }
            }
        }
    }
}

fn tokens(access: &str, refresh: Option<&str>) -> TokenSet {
    let tokens = TokenSet::new(access, None).with_scopes(["phone:read:admin"]);
    match refresh {
        Some(r) => tokens.with_refresh_token(r),
        None => tokens,
    }
}

/// Every error path and secret-holding value, rendered and searched.
#[cfg(feature = "async")]
fn error_paths() -> Grep {
    use zoom_phone_client::ZoomPhone;
    let mock = Mock::start();
    let mut grep = Grep::default();
    let oauth = || {
        let mut c = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET);
        c.oauth_base = mock.server.url();
        c
    };

    // 1. The client secret is wrong: the token endpoint says invalid_client.
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let e = mock
        .rt
        .block_on(zp.call("listPhoneSites", json!({})))
        .unwrap_err();
    assert!(matches!(e, zoom_phone_client::Error::OAuth(_)), "{e:?}");
    grep.check("wrong client secret", renderings(&e));

    // 2. An access token Zoom does not know, with no way to renew it.
    let zp = ZoomPhone::builder()
        .access_token(ACCESS)
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let e = mock
        .rt
        .block_on(zp.call("listPhoneSites", json!({})))
        .unwrap_err();
    grep.check("rejected access token", renderings(&e));
    // ... and the same client across every fault the mock can inject.
    for kind in ["500", "html", "invalid_json", "truncate", "reset", "429"] {
        mock.rt.block_on(
            mock.admin
                .fault(json!({ "kind": kind, "count": 10, "retry_after": "0", "path": "/v2" })),
        );
        let zp = ZoomPhone::builder()
            .access_token(ACCESS)
            .base_url(mock.server.api_url())
            .retry(zoom_phone_client::RetryPolicy::never())
            .build()
            .unwrap();
        let e = mock
            .rt
            .block_on(zp.call("listPhoneSites", json!({})))
            .unwrap_err();
        grep.check(kind, renderings(&e));
        mock.admin("DELETE", "faults", json!({}));
    }

    // 3. A user's tokens: the access token is refused, the refresh token too.
    let zp = ZoomPhone::builder()
        .user_tokens(oauth(), tokens(ACCESS, Some(REFRESH)))
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let e = mock
        .rt
        .block_on(zp.call("listPhoneSites", json!({})))
        .unwrap_err();
    assert!(matches!(e, zoom_phone_client::Error::OAuth(_)), "{e:?}");
    grep.check("dead refresh token", renderings(&e));
    let flow = zp.oauth(oauth());
    let e = mock
        .rt
        .block_on(flow.refresh(&Secret::from(REFRESH)))
        .unwrap_err();
    grep.check("refresh grant", renderings(&e));
    // A callback carrying a (secret-looking) code but the wrong state.
    let mut config = oauth();
    config.redirect_uri = Some("http://127.0.0.1/cb".into());
    let flow = zp.oauth(config);
    let auth = flow.authorization_request().unwrap();
    let callback = format!("http://127.0.0.1/cb?code={REFRESH}&state=wrong-{ACCESS}");
    let e = mock
        .rt
        .block_on(flow.exchange_code(&callback, &auth))
        .unwrap_err();
    grep.check("code exchange", renderings(&e));
    grep.check(
        "values holding secrets",
        vec![
            format!("{:?}", tokens(ACCESS, Some(REFRESH))),
            format!("{:?}", oauth()),
            format!("{:?}", Secret::from(WEBHOOK)),
            format!("{:?}", zp.tokens()),
        ],
    );

    // 4. Webhooks signed with another secret, stale, or malformed.
    let hooks = Webhooks::new([WEBHOOK]);
    let body = br#"{"event":"phone.callee_ringing","event_ts":1,"payload":{}}"#;
    // A test needs the real time to sign a fresh webhook; the core never reads it.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let genuine = zoom_phone_mock::signature(WEBHOOK, &now.to_string(), body);
    let cases: Vec<(String, String)> = vec![
        (
            now.to_string(),
            zoom_phone_mock::signature("other", &now.to_string(), body),
        ),
        (
            (now - 3600).to_string(),
            zoom_phone_mock::signature(WEBHOOK, &(now - 3600).to_string(), body),
        ),
        (now.to_string(), "v0=zz".into()),
        ("soon".into(), genuine.clone()),
        (now.to_string(), String::new()),
    ];
    let mut webhook_errors = 0;
    for (ts, sig) in cases {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-zm-request-timestamp", ts.parse().unwrap());
        if let Ok(v) = sig.parse() {
            headers.insert("x-zm-signature", v);
        }
        let e = hooks.handle(&headers, body).unwrap_err();
        let texts = renderings(&e);
        // The signature a genuine request would carry is derived from the secret.
        let genuine_hex = genuine.trim_start_matches("v0=");
        assert!(texts.iter().all(|t| !t.contains(genuine_hex)), "{texts:?}");
        grep.check("webhook", texts);
        webhook_errors += 1;
    }
    assert_eq!(webhook_errors, 5);
    grep.check("webhooks receiver", vec![format!("{hooks:?}")]);

    // A token source whose error quotes a token: the call's error says it
    // failed without the words (they are its source's, below), and so does
    // every log record of the call.
    let zp = ZoomPhone::builder()
        .token_source(|| async { Err(vault_refusal()) })
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let e = mock
        .rt
        .block_on(zp.call("listPhoneSites", json!({})))
        .unwrap_err();
    assert_source_failure_is_the_source(&e);
    grep.check("token source", own_renderings(&e));
    grep
}

/// What a vault client might answer: its words quote the token it refused.
#[derive(Debug)]
struct VaultRefusal(String);

impl std::fmt::Display for VaultRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VaultRefusal {}

fn vault_refusal() -> zoom_phone_client::BoxError {
    Box::new(VaultRefusal(format!("the vault refused lease {ACCESS}")))
}

/// The error's own Display and Debug, and those of its chain up to the
/// host's own error (which is the source's, not ours).
fn own_renderings(e: &zoom_phone_client::Error) -> Vec<String> {
    let mut out = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<zoom_phone_client::auth::HostCause>()
            .is_some()
        {
            break;
        }
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}

/// The call failed as a renewal whose source failed, and its source chain
/// leads to the source's own error, words intact.
fn assert_source_failure_is_the_source(e: &zoom_phone_client::Error) {
    assert_eq!(e.code(), "renewal_failed", "{e}");
    assert!(e.to_string().contains("the token source failed"), "{e}");
    let mut source = std::error::Error::source(e);
    let mut found = None;
    while let Some(s) = source {
        if let Some(v) = s.downcast_ref::<VaultRefusal>() {
            found = Some(v.0.clone());
        }
        source = s.source();
    }
    assert_eq!(
        found.as_deref(),
        Some(format!("the vault refused lease {ACCESS}").as_str())
    );
}

#[cfg(feature = "blocking")]
#[test]
fn a_blocking_token_source_failure_is_the_source_never_the_message() {
    let mock = Mock::start();
    let zp = zoom_phone_client::blocking::ZoomPhone::builder()
        .token_source(|| Err(vault_refusal()))
        .base_url(mock.server.api_url())
        .build()
        .unwrap();
    let e = zp.call("listPhoneSites", json!({})).unwrap_err();
    assert_source_failure_is_the_source(&e);
    let mut grep = Grep::default();
    grep.check("blocking token source", own_renderings(&e));
    assert!(grep.hits.is_empty(), "{:#?}", grep.hits);
}

/// The error paths with every log record of the process collected at the
/// most verbose level (feature `tracing`), the records searched too.
#[cfg(feature = "async")]
#[test]
fn no_error_path_shows_a_secret() {
    #[cfg(feature = "tracing")]
    let grep = {
        let collect = crate::client_support::Collect::default();
        let mut grep = tracing::subscriber::with_default(collect.clone(), error_paths);
        let lines = collect.lines();
        // The suite fails if it ran with the core's logging off.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("zoom_phone DEBUG") && l.contains("event=\"request\"")),
            "the core's debug records were not produced: {lines:#?}"
        );
        grep.check("log records", lines);
        grep
    };
    #[cfg(not(feature = "tracing"))]
    let grep = error_paths();
    println!(
        "secret hygiene (rust): {} renderings searched for {} needles, {} hits",
        grep.texts,
        needles().len(),
        grep.hits.len()
    );
    assert!(grep.hits.is_empty(), "{:#?}", grep.hits);
}
