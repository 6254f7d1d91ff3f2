//! The core's log events reach `tracing` (feature `tracing`): requests,
//! retries and token renewals, as events under the target `zoom_phone`,
//! and none of them holds a secret.

use serde_json::json;
use tracing::Level;
use zoom_phone_client::{LogLevel, OAuthConfig, TokenSet, ZoomPhone};

use crate::client_support::{CLIENT_ID, CLIENT_SECRET, Collect, quick_retry};
use crate::faults::Mock;

#[test]
fn the_core_s_events_go_to_tracing_without_secrets() {
    let mock = Mock::start();
    let collect = Collect::default();
    // An access token Zoom does not know and a refresh token it refuses.
    let access = "sekrit-access-7d1e";
    let tokens = TokenSet::new(access, None).with_refresh_token("sekrit-refresh-2b9c");
    let app = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET).with_oauth_base(mock.server.url());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(collect.clone(), || {
        let zp = ZoomPhone::builder()
            .server_to_server("mock-account", CLIENT_ID, CLIENT_SECRET)
            .oauth_base(mock.server.url())
            .base_url(mock.server.api_url())
            .retry(quick_retry())
            .log_level(LogLevel::Debug)
            .build()
            .unwrap();
        mock.rt.block_on(
            mock.admin
                .fault(json!({ "kind": "503", "count": 1, "path": "/v2/phone/sites" })),
        );
        runtime
            .block_on(zp.call("listPhoneSites", json!({})))
            .unwrap();
        // A refused refresh token: the renewal fails and says so.
        let user = ZoomPhone::builder()
            .user_tokens(app, tokens)
            .base_url(mock.server.api_url())
            .build()
            .unwrap();
        runtime
            .block_on(user.call("listPhoneSites", json!({})))
            .unwrap_err();
    });
    // The HTTP stack logs too; the core's events are under `zoom_phone`.
    let all = collect.lines();
    let lines: Vec<&String> = all
        .iter()
        .filter(|l| l.starts_with("zoom_phone "))
        .collect();
    let names = |name: &str| {
        lines
            .iter()
            .filter(|l| l.contains(&format!("event=\"{name}\"")))
            .count()
    };
    assert!(names("request") >= 3, "{lines:#?}");
    assert!(names("retry") >= 1, "the 503 was retried: {lines:#?}");
    assert!(names("token.renewed") >= 1, "{lines:#?}");
    assert!(
        lines.iter().any(|l| l.contains(&Level::DEBUG.to_string())),
        "{lines:#?}"
    );
    for secret in [CLIENT_SECRET, access, "sekrit-refresh-2b9c"] {
        assert!(
            all.iter().all(|l| !l.contains(secret)),
            "{secret} in the log: {lines:#?}"
        );
    }
}
