//! The async client against the mock server over loopback.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use zoom_phone_client::Body;
use zoom_phone_client::Error;
use zoom_phone_client::auth::OAuthConfig;
use zoom_phone_client::{JsonFileStore, MemoryStore, OAuth, TokenStore, ZoomPhone};
use zoom_phone_mock::{MockConfig, MockServer, download_bytes, fingerprint};

use crate::client_support::{
    ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, quick_retry, requests, seeded_index, start,
    start_with, token_requests,
};

fn client(server: &MockServer) -> ZoomPhone {
    builder(server).build().expect("client builds")
}

fn builder(server: &MockServer) -> zoom_phone_client::Builder<ZoomPhone> {
    ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(server.url())
        .base_url(server.api_url())
        .retry(quick_retry())
}

fn json_body(body: &Body) -> &Value {
    match body {
        Body::Json(v) => v,
        other => panic!("expected JSON, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_to_server_token_then_calls() {
    let server = start().await;
    let zp = client(&server);
    let out = zp
        .call("listPhoneUsers", json!({ "page_size": 5 }))
        .await
        .unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(json_body(&out.body)["users"].as_array().unwrap().len(), 5);
    assert!(out.tracking_id.is_some());
    zp.call("list_phone_users", json!({})).await.unwrap();

    let log = server.request_log();
    let tokens = requests(&log, "POST", "/oauth/token");
    assert_eq!(tokens.len(), 1, "one token for both calls");
    assert!(tokens[0].body.contains("grant_type=account_credentials"));
    assert!(tokens[0].body.contains("account_id=mock-account"));
    assert!(!tokens[0].body.contains(CLIENT_SECRET));
    let api = requests(&log, "GET", "/v2/phone/users");
    assert_eq!(api.len(), 2);
    let token = zp.tokens().unwrap();
    let bearer = format!("Bearer {}", fingerprint(token.access_token.expose()));
    assert!(api.iter().all(|r| r.headers["authorization"] == bearer));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_read_back() {
    let server = start().await;
    let zp = client(&server);

    // Site: create, read, update, read, delete, read.
    let site = zp
        .call(
            "createPhoneSite",
            json!({ "body": {
                "name": "Client HQ",
                "auto_receptionist_name": "Front desk",
                "default_emergency_address": { "address_line1": "1 Main St", "city": "San Jose",
                    "country": "US", "state_code": "CA", "zip": "95113" }
            }}),
        )
        .await
        .unwrap();
    assert_eq!(site.status, 201);
    let site_id = json_body(&site.body)["id"].as_str().unwrap().to_owned();
    let got = zp
        .call("getASite", json!({ "siteId": site_id }))
        .await
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Client HQ");
    zp.call(
        "updateSiteDetails",
        json!({ "siteId": site_id, "body": { "name": "Client HQ 2" } }),
    )
    .await
    .unwrap();
    let got = zp
        .call("getASite", json!({ "siteId": site_id }))
        .await
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Client HQ 2");

    // Call queue in that site.
    let queue = zp
        .call(
            "createCallQueue",
            json!({ "body": { "name": "Support", "site_id": site_id } }),
        )
        .await
        .unwrap();
    let queue_id = json_body(&queue.body)["id"].as_str().unwrap().to_owned();
    zp.call(
        "updateCallQueue",
        json!({ "callQueueId": queue_id, "body": { "name": "Support (EU)" } }),
    )
    .await
    .unwrap();
    let got = zp
        .call("getACallQueue", json!({ "callQueueId": queue_id }))
        .await
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Support (EU)");
    zp.call("deleteACallQueue", json!({ "callQueueId": queue_id }))
        .await
        .unwrap();
    let gone = zp
        .call("getACallQueue", json!({ "callQueueId": queue_id }))
        .await
        .unwrap_err();
    assert!(matches!(&gone, Error::Api(e) if e.status == 404), "{gone}");

    // External contact.
    let contact = zp
        .call(
            "addExternalContact",
            json!({ "body": { "name": "Ada Lovelace", "email": "ada@example.com" } }),
        )
        .await
        .unwrap();
    let contact_id = json_body(&contact.body)["external_contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    zp.call(
        "updateExternalContact",
        json!({ "externalContactId": contact_id, "body": { "name": "Ada King" } }),
    )
    .await
    .unwrap();
    let got = zp
        .call(
            "getAExternalContact",
            json!({ "externalContactId": contact_id }),
        )
        .await
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Ada King");
    assert_eq!(json_body(&got.body)["email"], "ada@example.com");
    zp.call(
        "deleteAExternalContact",
        json!({ "externalContactId": contact_id }),
    )
    .await
    .unwrap();

    // A phone user: update, read back.
    let users = zp
        .call("listPhoneUsers", json!({ "page_size": 1 }))
        .await
        .unwrap();
    let user_id = json_body(&users.body)["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    zp.call(
        "updateUserProfile",
        json!({ "userId": user_id, "body": { "extension_number": "4242" } }),
    )
    .await
    .unwrap();
    let got = zp
        .call("phoneUser", json!({ "userId": user_id }))
        .await
        .unwrap();
    assert_eq!(json_body(&got.body)["extension_number"], 4242);

    // The site goes last (the queue lived in it); its phones move to a
    // seeded site.
    let sites = zp
        .call("listPhoneSites", json!({ "page_size": 1 }))
        .await
        .unwrap();
    let main_site = json_body(&sites.body)["sites"][0]["id"].clone();
    zp.call(
        "deletePhoneSite",
        json!({ "siteId": site_id, "transfer_site_id": main_site }),
    )
    .await
    .unwrap();
    let gone = zp
        .call("getASite", json!({ "siteId": site_id }))
        .await
        .unwrap_err();
    assert!(matches!(&gone, Error::Api(e) if e.status == 404), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_all_call_history_without_gaps_or_repeats() {
    let server = start().await;
    let zp = client(&server);
    let mut pages = zp.paginate("accountCallHistory", json!({ "page_size": 300 }));
    let mut seen = BTreeSet::new();
    while let Some(item) = pages.next().await {
        let index = seeded_index(&item.unwrap(), "call_history_uuid");
        assert!(seen.insert(index), "record {index} came twice");
    }
    assert_eq!(seen.len(), 20_000);
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&19_999));
    let pages_sent = requests(&server.request_log(), "GET", "/v2/phone/call_history").len();
    assert_eq!(pages_sent, 67, "20,000 records in pages of 300");
    // The page fetched last exposes its response, as every call does.
    let last = pages.last_response().expect("a page was fetched");
    assert_eq!(last.status, 200);
    assert!(last.tracking_id.is_some(), "{last:?}");
    assert!(last.headers.contains_key("content-type"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_stop_at_a_limit_and_resume() {
    let server = start().await;
    let zp = client(&server);
    let first: Vec<Value> = zp
        .paginate("accountCallHistory", json!({ "page_size": 100 }))
        .limit(150)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(first.len(), 150);

    // Stop after two whole pages, then resume where that left off.
    let mut pages = zp.paginate("accountCallHistory", json!({ "page_size": 100 }));
    let taken: Vec<Value> = pages.by_ref().take(200).map(Result::unwrap).collect().await;
    assert_eq!(seeded_index(&taken[199], "call_history_uuid"), 199);
    let point = pages.resume_point().expect("a page boundary");
    assert_eq!(point.skip, 0, "two whole pages: the third starts afresh");
    let rest: Vec<Value> = zp
        .paginate("accountCallHistory", json!({ "page_size": 100 }))
        .resume(point)
        .limit(10)
        .map(Result::unwrap)
        .collect()
        .await;
    let indexes: Vec<u64> = rest
        .iter()
        .map(|i| seeded_index(i, "call_history_uuid"))
        .collect();
    assert_eq!(indexes, (200..210).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_429_storms_and_5xx_bursts_without_duplicate_writes() {
    let server = start().await;
    let admin = Admin::new(&server);
    let zp = client(&server);
    zp.call("listPhoneUsers", json!({})).await.unwrap(); // token first
    server.clear_request_log();

    // A 429 storm over every first attempt of 8 concurrent creates.
    admin
        .fault(json!({ "kind": "429", "count": 8, "retry_after": "1",
                       "path": "/v2/phone/external_contacts" }))
        .await;
    let creates = (0..8).map(|i| {
        let zp = zp.clone();
        tokio::spawn(async move {
            zp.call(
                "addExternalContact",
                json!({ "body": { "name": format!("storm-{i}") } }),
            )
            .await
        })
    });
    for create in futures_util::future::join_all(creates).await {
        assert_eq!(create.unwrap().unwrap().status, 201);
    }
    let log = server.request_log();
    let posts = requests(&log, "POST", "/v2/phone/external_contacts");
    assert_eq!(posts.iter().filter(|r| r.status == 429).count(), 8);
    for i in 0..8 {
        let name = format!("\"storm-{i}\"");
        let created: Vec<_> = posts
            .iter()
            .filter(|r| r.status == 201 && r.body.contains(&name))
            .collect();
        assert_eq!(created.len(), 1, "storm-{i} created exactly once");
    }

    // A 5xx burst and a reset on reads: retried until they pass.
    server.clear_request_log();
    admin
        .fault(json!({ "kind": "503", "count": 2, "path": "/v2/phone/sites" }))
        .await;
    admin
        .fault(json!({ "kind": "reset", "count": 1, "path": "/v2/phone/sites" }))
        .await;
    let sites = zp.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(sites.status, 200);
    let statuses: Vec<u16> = requests(&server.request_log(), "GET", "/v2/phone/sites")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [503, 503, 0, 200]);

    // A 5xx on a write: sent once, not retried (it may have been applied).
    server.clear_request_log();
    admin
        .fault(json!({ "kind": "502", "count": 1, "path": "/v2/phone/external_contacts" }))
        .await;
    let err = zp
        .call(
            "addExternalContact",
            json!({ "body": { "name": "once-only" } }),
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 502), "{err}");
    let posts = requests(&server.request_log(), "POST", "/v2/phone/external_contacts").len();
    assert_eq!(posts, 1);

    // The write that failed with a 502 was applied by the mock (as a
    // gateway error after the fact can be) and exists once: not resent.
    // Each storm create exists once too: a 429 performs nothing, and the
    // retry after it is the one write.
    let names: Vec<String> = zp
        .paginate("listExternalContacts", json!({ "page_size": 300 }))
        .map(|c| c.unwrap()["name"].as_str().unwrap_or_default().to_owned())
        .collect()
        .await;
    assert_eq!(names.iter().filter(|n| *n == "once-only").count(), 1);
    for i in 0..8 {
        let name = format!("storm-{i}");
        assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_a_recording_byte_exact() {
    let server = start().await;
    let zp = client(&server);
    let file = zp
        .download("phoneDownloadRecordingFile", json!({ "fileId": "rec-42" }))
        .await
        .unwrap();
    assert_eq!(file.content_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(file.bytes, download_bytes("rec-42"));
    assert!(
        std::str::from_utf8(&file.bytes).is_err(),
        "binary, not text"
    );

    let by_url = zp
        .download_url(&format!(
            "{}/phone/recording/download/rec-43",
            server.api_url()
        ))
        .await
        .unwrap();
    assert_eq!(by_url.bytes, download_bytes("rec-43"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_on_an_expired_token_share_one_renewal() {
    let server = start().await;
    let admin = Admin::new(&server);
    let zp = client(&server);
    zp.call("listPhoneUsers", json!({})).await.unwrap();
    admin.expire_tokens().await;
    server.clear_request_log();

    let calls = (0..100).map(|i| {
        let zp = zp.clone();
        tokio::spawn(async move {
            zp.call("listPhoneUsers", json!({ "page_size": 1 + i % 10 }))
                .await
        })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().status, 200);
    }
    let log = server.request_log();
    assert_eq!(token_requests(&log), 1, "exactly one token request");
    let ok = requests(&log, "GET", "/v2/phone/users")
        .iter()
        .filter(|r| r.status == 200)
        .count();
    assert_eq!(ok, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_saved_and_reused_from_a_file() {
    let server = start().await;
    let dir = std::env::temp_dir().join(format!("zp-client-async-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");

    let first = builder(&server)
        .token_store(JsonFileStore::new(&path))
        .build()
        .unwrap();
    first.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(token_requests(&server.request_log()), 1);
    let saved = TokenStore::load(&JsonFileStore::new(&path))
        .unwrap()
        .unwrap();
    assert_eq!(
        saved.access_token.expose(),
        first.tokens().unwrap().access_token.expose()
    );

    // A second client (a restart) starts from the file: no token request.
    server.clear_request_log();
    let second = builder(&server)
        .token_store(JsonFileStore::new(&path))
        .build()
        .unwrap();
    second.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(token_requests(&server.request_log()), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_tokens_from_the_code_flow_rotate_into_the_store() {
    let server = start().await;
    let admin = Admin::new(&server);
    let config = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET)
        .with_redirect_uri("http://127.0.0.1:9/callback")
        .with_oauth_base(server.url());
    let oauth = OAuth::new(config.clone()).unwrap();
    let authorization = oauth.authorization_request().unwrap();
    let callback = admin.follow_authorize(&authorization.url).await;
    let tokens = oauth
        .exchange_code(&callback, &authorization)
        .await
        .unwrap();
    let first_refresh = tokens.refresh_token.clone().expect("a refresh token");

    let store = Arc::new(MemoryStore::new());
    let zp = ZoomPhone::builder()
        .user_tokens(config, tokens)
        .base_url(server.api_url())
        .token_store(store.clone())
        .build()
        .unwrap();
    zp.call("listPhoneUsers", json!({})).await.unwrap();
    assert_eq!(TokenStore::load(&*store).unwrap(), None, "nothing new yet");

    // Zoom rejects the token: the client refreshes once and saves the
    // rotated refresh token.
    admin.expire_tokens().await;
    zp.call("listPhoneUsers", json!({})).await.unwrap();
    let saved = TokenStore::load(&*store)
        .unwrap()
        .expect("saved after refresh");
    let rotated = saved.refresh_token.clone().unwrap();
    assert_ne!(rotated.expose(), first_refresh.expose());
    let log = server.request_log();
    let refreshes = requests(&log, "POST", "/oauth/token")
        .into_iter()
        .filter(|r| r.body.contains("grant_type=refresh_token"))
        .count();
    assert_eq!(refreshes, 1);

    // The old refresh token is dead; the helper refreshes with the new one
    // and revokes the result.
    let err = oauth.refresh(&first_refresh).await.unwrap_err();
    assert!(matches!(err, Error::OAuth(_)), "{err}");
    let again = oauth.refresh(&rotated).await.unwrap();
    oauth.revoke(&again.access_token).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_flow_waits_for_approval() {
    let server = start_with(MockConfig {
        device_interval: Duration::from_secs(1),
        ..MockConfig::default()
    })
    .await;
    let admin = Admin::new(&server);
    let config = OAuthConfig::new(CLIENT_ID, CLIENT_SECRET).with_oauth_base(server.url());
    let device = OAuth::new(config)
        .unwrap()
        .device_authorization()
        .await
        .unwrap();
    let user_code = device.prompt().user_code.clone();
    admin
        .call("POST", "device/approve", json!({ "user_code": user_code }))
        .await;
    let tokens = device.wait().await.unwrap();
    assert!(!tokens.access_token.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_problem() {
    let server = start().await;
    let zp = client(&server);
    let err = zp.call("noSuchOperation", json!({})).await.unwrap_err();
    assert!(matches!(err, Error::Build(_)), "{err}");
    let err = zp
        .call("getACallQueue", json!({ "call_queue_id": "x" }))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("callQueueId"), "{err}");

    // Wrong credentials: an OAuth error, and no secret in it.
    let bad = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, "wrong-secret")
        .oauth_base(server.url())
        .base_url(server.api_url())
        .build()
        .unwrap();
    let err = bad.call("listPhoneUsers", json!({})).await.unwrap_err();
    assert!(matches!(err, Error::OAuth(_)), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong-secret"));

    // Nothing listens here: a transport error after the allowed retries.
    let nowhere = ZoomPhone::builder()
        .access_token("t")
        .base_url("http://127.0.0.1:9/v2")
        .retry(quick_retry())
        .build()
        .unwrap();
    let err = nowhere.call("listPhoneUsers", json!({})).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(ZoomPhone::builder().build().is_err(), "no credentials");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_source_supplies_the_tokens() {
    let server = start().await;
    let admin = Admin::new(&server);
    let fetches = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let source = {
        let (admin, fetches) = (admin.clone(), fetches.clone());
        move || {
            let (admin, fetches) = (admin.clone(), fetches.clone());
            async move {
                fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let minted = admin.call("POST", "tokens", json!({})).await;
                Ok(zoom_phone_client::auth::TokenSet::new(
                    minted["access_token"].as_str().unwrap_or_default(),
                    None,
                ))
            }
        }
    };
    let zp = ZoomPhone::builder()
        .token_source(source)
        .base_url(server.api_url())
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(token_requests(&server.request_log()), 0, "no OAuth at all");

    // Rejected by Zoom: the source is asked again, once.
    admin.expire_tokens().await;
    zp.call("listPhoneSites", json!({})).await.unwrap();
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_deadline_cuts_a_slow_answer_short() {
    let server = start().await;
    let admin = Admin::new(&server);
    let zp = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    zp.call("listPhoneSites", json!({})).await.unwrap();
    admin
        .fault(json!({ "kind": "latency", "ms": 3000, "count": 5, "path": "/v2/phone/sites" }))
        .await;
    let err = zp.call("listPhoneSites", json!({})).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout | Error::Transport { .. }),
        "{err:?}"
    );
    // The session is still good for the next call.
    admin.call("DELETE", "faults", json!({})).await;
    zp.call("listPhoneUsers", json!({})).await.unwrap();
}

#[cfg(feature = "typed")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_methods_by_tag() {
    use zoom_phone_client::ops::{call_queues, external_contacts, recordings};
    let server = start().await;
    let zp = client(&server);

    let page = zp
        .call_queues()
        .list_call_queues(&call_queues::ListCallQueues {
            page_size: Some(5),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.call_queues.unwrap_or_default().len(), 5);
    assert_eq!(page.total_records, Some(45));

    let created = zp
        .external_contacts()
        .add_external_contact(&{
            let mut contact = external_contacts::AddExternalContact::new("Typed Contact");
            contact.body.email = Some("typed@example.com".into());
            contact
        })
        .await
        .unwrap();
    let id = created.external_contact_id.expect("an id");
    let got = zp
        .request(&external_contacts::GetAExternalContact::new(id.clone()))
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("Typed Contact"));
    assert_eq!(got.email.as_deref(), Some("typed@example.com"));
    let () = zp
        .external_contacts()
        .delete_a_external_contact(&external_contacts::DeleteAExternalContact::new(id.clone()))
        .await
        .unwrap();
    let gone = zp
        .request(&external_contacts::GetAExternalContact::new(id))
        .await
        .unwrap_err();
    assert!(matches!(&gone, Error::Api(e) if e.status == 404), "{gone}");

    let file = zp
        .recordings()
        .phone_download_recording_file(&recordings::PhoneDownloadRecordingFile::new("typed-1"))
        .await
        .unwrap();
    assert_eq!(file.bytes, download_bytes("typed-1"));
}
