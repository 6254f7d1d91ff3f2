//! Clients sharing one token store while Zoom rotates refresh tokens,
//! against the mock: two clients in one process, two OS processes on one
//! file. (The core's side, in a deterministic simulation, is
//! `core/tests/it/shared_store.rs`.)

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;
use zoom_phone_client::{CallOptions, OAuthConfig, TokenSet};
use zoom_phone_client::{JsonFileStore, MemoryStore, OAuth, TokenStore, ZoomPhone};
use zoom_phone_mock::{LoggedRequest, MockServer, fingerprint};

use crate::client_support::{Admin, CLIENT_ID, CLIENT_SECRET, requests, start};

const ROUNDS: usize = 6;
const CALLS_PER_CLIENT: usize = 3;

pub fn config(server: &MockServer) -> OAuthConfig {
    OAuthConfig::new(CLIENT_ID, CLIENT_SECRET)
        .with_redirect_uri("http://127.0.0.1:9/callback")
        .with_oauth_base(server.url())
}

/// A user's tokens from the mock's code flow.
pub async fn user_tokens(server: &MockServer) -> TokenSet {
    let admin = Admin::new(server);
    let oauth = OAuth::new(config(server)).unwrap();
    let authorization = oauth.authorization_request().unwrap();
    let callback = admin.follow_authorize(&authorization.url).await;
    oauth
        .exchange_code(&callback, &authorization)
        .await
        .unwrap()
}

/// The refresh requests of the log: every one answered 200, and no
/// refresh token sent twice (a second use would be a dead token).
/// Returns how many there were.
pub fn check_refreshes(log: &[LoggedRequest]) -> usize {
    let refreshes: Vec<&LoggedRequest> = requests(log, "POST", "/oauth/token")
        .into_iter()
        .filter(|r| r.body.contains("grant_type=refresh_token"))
        .collect();
    let mut sent = BTreeSet::new();
    for r in &refreshes {
        assert_eq!(r.status, 200, "a refused refresh: {}", r.body);
        let token = form_urlencoded::parse(r.body.as_bytes())
            .find(|(k, _)| k == "refresh_token")
            .map(|(_, v)| v.into_owned())
            .expect("a refresh token field");
        assert!(sent.insert(token), "a refresh token was sent twice");
    }
    refreshes.len()
}

/// The stored refresh token is the live one: never sent yet, and the
/// mock accepts it (rotation leaves exactly one live token).
pub async fn check_stored_is_live(server: &MockServer, stored: &TokenSet) {
    let refresh = stored
        .refresh_token
        .clone()
        .expect("a stored refresh token");
    let used = fingerprint(refresh.expose());
    assert!(
        !server.request_log().iter().any(|r| r.body.contains(&used)),
        "the stored refresh token was already used"
    );
    let oauth = OAuth::new(config(server)).unwrap();
    oauth
        .refresh(&refresh)
        .await
        .expect("the stored token is live");
}

fn client(server: &MockServer, tokens: TokenSet, store: Arc<MemoryStore>) -> ZoomPhone {
    ZoomPhone::builder()
        .user_tokens(config(server), tokens)
        .base_url(server.api_url())
        .token_store(store)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_async_clients_on_one_store_survive_every_rotation() {
    let server = start().await;
    let admin = Admin::new(&server);
    let tokens = user_tokens(&server).await;
    let store = Arc::new(MemoryStore::with_tokens(tokens.clone()));
    let a = client(&server, tokens.clone(), store.clone());
    let b = client(&server, tokens, store.clone());
    for _ in 0..ROUNDS {
        admin.expire_tokens().await;
        let mut calls = Vec::new();
        for zp in [&a, &b] {
            for _ in 0..CALLS_PER_CLIENT {
                let zp = zp.clone();
                calls.push(tokio::spawn(async move {
                    zp.call("listPhoneUsers", json!({})).await
                }));
            }
        }
        for call in calls {
            call.await.unwrap().expect("every call succeeds");
        }
    }
    // One refresh per expiry: the other client adopts the stored token.
    assert_eq!(check_refreshes(&server.request_log()), ROUNDS);
    let stored = TokenStore::load(&*store).unwrap().unwrap();
    check_stored_is_live(&server, &stored).await;
}

#[cfg(feature = "blocking")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_blocking_clients_on_one_json_file_survive_every_rotation() {
    use zoom_phone_client::blocking;
    let server = start().await;
    let admin = Admin::new(&server);
    let tokens = user_tokens(&server).await;
    let dir = std::env::temp_dir().join(format!("zp-shared-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    JsonFileStore::new(&path).save(&tokens).unwrap();
    let make = || {
        blocking::ZoomPhone::builder()
            .user_tokens(config(&server), tokens.clone())
            .base_url(server.api_url())
            .token_store(JsonFileStore::new(&path))
            .build()
            .unwrap()
    };
    let (a, b) = (make(), make());
    for _ in 0..ROUNDS {
        admin.expire_tokens().await;
        let (a, b) = (a.clone(), b.clone());
        tokio::task::spawn_blocking(move || {
            std::thread::scope(|s| {
                let calls: Vec<_> = [&a, &b]
                    .into_iter()
                    .flat_map(|zp| (0..CALLS_PER_CLIENT).map(move |_| zp))
                    .map(|zp| s.spawn(move || zp.call("listPhoneUsers", json!({}))))
                    .collect();
                for call in calls {
                    call.join().unwrap().expect("every call succeeds");
                }
            });
        })
        .await
        .unwrap();
    }
    assert_eq!(check_refreshes(&server.request_log()), ROUNDS);
    let stored = TokenStore::load(&JsonFileStore::new(&path))
        .unwrap()
        .unwrap();
    check_stored_is_live(&server, &stored).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Set in the child processes of the two-process test: the store's path
/// and the mock's URL.
const CHILD_STORE: &str = "ZP_SHARED_STORE_CHILD_FILE";
const CHILD_MOCK: &str = "ZP_SHARED_STORE_CHILD_MOCK";

/// The child side of the two-process test: a client on the file makes
/// its calls at once. Does nothing when run without its environment (a
/// normal test run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_store_child_process() {
    let (Ok(path), Ok(url)) = (std::env::var(CHILD_STORE), std::env::var(CHILD_MOCK)) else {
        return;
    };
    let config = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET).with_oauth_base(url.clone());
    let store = JsonFileStore::new(&path);
    let tokens = TokenStore::load(&store).unwrap().unwrap();
    let zp = ZoomPhone::builder()
        .user_tokens(config, tokens)
        .base_url(format!("{url}/v2"))
        .token_store(store)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..CALLS_PER_CLIENT)
        .map(|_| {
            let zp = zp.clone();
            tokio::spawn(async move { zp.call("listPhoneUsers", json!({})).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("the call succeeds");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_json_file_survive_every_rotation() {
    let server = start().await;
    let tokens = user_tokens(&server).await;
    let dir = std::env::temp_dir().join(format!("zp-2proc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    JsonFileStore::new(&path).save(&tokens).unwrap();
    let exe = std::env::current_exe().unwrap();
    let admin = Admin::new(&server);
    for _ in 0..ROUNDS {
        // Every token dies; then two processes start on the same file.
        admin.expire_tokens().await;
        let children: Vec<_> = (0..2)
            .map(|_| {
                std::process::Command::new(&exe)
                    .args([
                        "--exact",
                        "shared_store::shared_store_child_process",
                        "--test-threads=1",
                    ])
                    .env(CHILD_STORE, &path)
                    .env(CHILD_MOCK, server.url())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = tokio::task::spawn_blocking(move || child.wait_with_output())
                .await
                .unwrap()
                .unwrap();
            assert!(
                out.status.success(),
                "child failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
        }
    }
    // One refresh per expiry: the process that comes second adopts it.
    assert_eq!(check_refreshes(&server.request_log()), ROUNDS);
    let stored = TokenStore::load(&JsonFileStore::new(&path))
        .unwrap()
        .unwrap();
    check_stored_is_live(&server, &stored).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A user's tokens saved in a file whose lock another process holds (a
/// second open of it, as another process would), the mock's tokens expired.
struct HeldLock {
    dir: std::path::PathBuf,
    path: std::path::PathBuf,
    tokens: TokenSet,
    other: zoom_phone_client::StoreLock,
}

async fn held_lock(server: &MockServer, name: &str) -> HeldLock {
    let tokens = user_tokens(server).await;
    let dir = std::env::temp_dir().join(format!("zp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    JsonFileStore::new(&path).save(&tokens).unwrap();
    let other = JsonFileStore::new(&path)
        .try_lock()
        .unwrap()
        .expect("the lock is free");
    Admin::new(server).expire_tokens().await;
    HeldLock {
        dir,
        path,
        tokens,
        other,
    }
}

impl HeldLock {
    /// The call with the short deadline ended with its timeout, in time,
    /// and nothing was refreshed without the lock.
    fn check_timed_out(
        &self,
        result: Result<zoom_phone_client::Output, zoom_phone_client::Error>,
        started: std::time::Instant,
    ) {
        let err = result.expect_err("the lock is held past the deadline");
        assert_eq!(err.class(), zoom_phone_client::ErrorClass::Timeout, "{err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "the deadline was not kept"
        );
        let stored = TokenStore::load(&JsonFileStore::new(&self.path))
            .unwrap()
            .unwrap();
        assert_eq!(
            stored.refresh_token, self.tokens.refresh_token,
            "refreshed without the lock"
        );
    }

    /// After the lock was freed, one call renewed once and saved tokens
    /// Zoom takes.
    async fn check_renewed(self, server: &MockServer) {
        assert_eq!(check_refreshes(&server.request_log()), 1);
        let stored = TokenStore::load(&JsonFileStore::new(&self.path))
            .unwrap()
            .unwrap();
        check_stored_is_live(server, &stored).await;
        std::fs::remove_dir_all(&self.dir).unwrap();
    }
}

fn short_deadline() -> CallOptions {
    CallOptions::default().timeout(std::time::Duration::from_millis(300))
}

/// A call's renewal tries the held lock again until the call's deadline
/// and then times out, without refreshing; once the lock is free, the next
/// call takes it and renews.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_lock_held_elsewhere_is_waited_for_within_the_deadline() {
    let server = start().await;
    let mut held = held_lock(&server, "busy-lock").await;
    let zp = ZoomPhone::builder()
        .user_tokens(config(&server), held.tokens.clone())
        .base_url(server.api_url())
        .token_store(JsonFileStore::new(&held.path))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let result = zp
        .call_with("listPhoneUsers", json!({}), short_deadline())
        .await;
    held.check_timed_out(result, started);
    let other = std::mem::replace(&mut held.other, zoom_phone_client::StoreLock::none());
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(other);
    });
    zp.call("listPhoneUsers", json!({}))
        .await
        .expect("the call renews once the lock is free");
    held.check_renewed(&server).await;
}

/// The same with the blocking client, whose thread spun on the lock past
/// the deadline when the host polled it.
#[cfg(feature = "blocking")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_call_keeps_its_deadline_while_the_store_lock_is_held_elsewhere() {
    use zoom_phone_client::blocking;
    let server = start().await;
    let mut held = held_lock(&server, "busy-lock-blocking").await;
    let zp = blocking::ZoomPhone::builder()
        .user_tokens(config(&server), held.tokens.clone())
        .base_url(server.api_url())
        .token_store(JsonFileStore::new(&held.path))
        .build()
        .unwrap();
    let (zp, result, started) = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let result = zp.call_with("listPhoneUsers", json!({}), short_deadline());
        (zp, result, started)
    })
    .await
    .unwrap();
    held.check_timed_out(result, started);
    held.other = zoom_phone_client::StoreLock::none();
    tokio::task::spawn_blocking(move || zp.call("listPhoneUsers", json!({})))
        .await
        .unwrap()
        .expect("the call renews once the lock is free");
    held.check_renewed(&server).await;
}
