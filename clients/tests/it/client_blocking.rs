//! The blocking client against the mock server over loopback. The mock runs
//! on its own tokio runtime; the client blocks the test's threads.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::runtime::Runtime;
use zoom_phone_client::Body;
use zoom_phone_client::Error;
use zoom_phone_client::blocking::ZoomPhone;
use zoom_phone_client::{JsonFileStore, MemoryStore, TokenStore};
use zoom_phone_mock::{MockServer, download_bytes};

use crate::client_support::{
    ACCOUNT, Admin, CLIENT_ID, CLIENT_SECRET, quick_retry, requests, seeded_index, start,
    token_requests,
};

struct Mock {
    rt: Runtime,
    server: MockServer,
    admin: Admin,
}

impl Mock {
    fn start() -> Mock {
        let rt = Runtime::new().expect("a runtime for the mock");
        let server = rt.block_on(start());
        let admin = rt.block_on(async { Admin::new(&server) });
        Mock { rt, server, admin }
    }

    fn admin(&self, fault: Value) {
        self.rt.block_on(self.admin.fault(fault));
    }

    fn builder(&self) -> zoom_phone_client::Builder<ZoomPhone> {
        ZoomPhone::builder()
            .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
            .oauth_base(self.server.url())
            .base_url(self.server.api_url())
            .retry(quick_retry())
    }

    fn client(&self) -> ZoomPhone {
        self.builder().build().expect("client builds")
    }
}

fn json_body(body: &Body) -> &Value {
    match body {
        Body::Json(v) => v,
        other => panic!("expected JSON, got {other:?}"),
    }
}

#[test]
fn server_to_server_token_then_calls() {
    let mock = Mock::start();
    let zp = mock.client();
    let out = zp
        .call("listPhoneUsers", json!({ "page_size": 3 }))
        .unwrap();
    assert_eq!(json_body(&out.body)["users"].as_array().unwrap().len(), 3);
    zp.call("listPhoneSites", json!({})).unwrap();
    let log = mock.server.request_log();
    assert_eq!(token_requests(&log), 1);
    assert!(
        requests(&log, "POST", "/oauth/token")[0]
            .body
            .contains("grant_type=account_credentials")
    );
}

#[test]
fn writes_are_read_back() {
    let mock = Mock::start();
    let zp = mock.client();
    let site = zp
        .call(
            "createPhoneSite",
            json!({ "body": {
                "name": "Blocking HQ",
                "auto_receptionist_name": "Desk",
                "default_emergency_address": { "address_line1": "1 Main St", "city": "San Jose",
                    "country": "US", "state_code": "CA", "zip": "95113" }
            }}),
        )
        .unwrap();
    let site_id = json_body(&site.body)["id"].as_str().unwrap().to_owned();
    let queue = zp
        .call(
            "createCallQueue",
            json!({ "body": { "name": "Sales", "site_id": site_id } }),
        )
        .unwrap();
    let queue_id = json_body(&queue.body)["id"].as_str().unwrap().to_owned();
    zp.call(
        "updateCallQueue",
        json!({ "callQueueId": queue_id, "body": { "name": "Sales (US)" } }),
    )
    .unwrap();
    let got = zp
        .call("getACallQueue", json!({ "callQueueId": queue_id }))
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Sales (US)");

    let contact = zp
        .call(
            "addExternalContact",
            json!({ "body": { "name": "Grace Hopper" } }),
        )
        .unwrap();
    let contact_id = json_body(&contact.body)["external_contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    zp.call(
        "updateExternalContact",
        json!({ "externalContactId": contact_id, "body": { "email": "grace@example.com" } }),
    )
    .unwrap();
    let got = zp
        .call(
            "getAExternalContact",
            json!({ "externalContactId": contact_id }),
        )
        .unwrap();
    assert_eq!(json_body(&got.body)["name"], "Grace Hopper");
    assert_eq!(json_body(&got.body)["email"], "grace@example.com");

    let users = zp
        .call("listPhoneUsers", json!({ "page_size": 1 }))
        .unwrap();
    let user_id = json_body(&users.body)["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    zp.call(
        "updateUserProfile",
        json!({ "userId": user_id, "body": { "extension_number": "777" } }),
    )
    .unwrap();
    let got = zp.call("phoneUser", json!({ "userId": user_id })).unwrap();
    assert_eq!(json_body(&got.body)["extension_number"], 777);

    let sites = zp
        .call("listPhoneSites", json!({ "page_size": 1 }))
        .unwrap();
    let main_site = json_body(&sites.body)["sites"][0]["id"].clone();
    for (op, params) in [
        (
            "deleteAExternalContact",
            json!({ "externalContactId": contact_id }),
        ),
        ("deleteACallQueue", json!({ "callQueueId": queue_id })),
        (
            "deletePhoneSite",
            json!({ "siteId": site_id, "transfer_site_id": main_site }),
        ),
    ] {
        zp.call(op, params).unwrap();
    }
    let gone = zp
        .call("getASite", json!({ "siteId": site_id }))
        .unwrap_err();
    assert!(matches!(&gone, Error::Api(e) if e.status == 404), "{gone}");
}

#[test]
fn walks_all_call_history_without_gaps_or_repeats() {
    let mock = Mock::start();
    let zp = mock.client();
    let mut seen = BTreeSet::new();
    for item in zp.paginate("accountCallHistory", json!({ "page_size": 300 })) {
        let index = seeded_index(&item.unwrap(), "call_history_uuid");
        assert!(seen.insert(index), "record {index} came twice");
    }
    assert_eq!(seen.len(), 20_000);
    assert_eq!(seen.last(), Some(&19_999));

    let mut pages = zp.paginate("accountCallHistory", json!({ "page_size": 50 }));
    let head: Vec<Value> = pages.by_ref().take(100).map(Result::unwrap).collect();
    assert_eq!(head.len(), 100);
    let point = pages.resume_point().expect("a page boundary");
    let next = zp
        .paginate("accountCallHistory", json!({ "page_size": 50 }))
        .resume(point)
        .limit(1)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(seeded_index(&next, "call_history_uuid"), 100);
}

#[test]
fn survives_429_storms_and_5xx_bursts_without_duplicate_writes() {
    let mock = Mock::start();
    let zp = mock.client();
    zp.call("listPhoneUsers", json!({})).unwrap();
    mock.server.clear_request_log();

    mock.admin(json!({ "kind": "429", "count": 3, "retry_after": "1",
                       "path": "/v2/phone/external_contacts" }));
    let created = zp
        .call(
            "addExternalContact",
            json!({ "body": { "name": "after-the-storm" } }),
        )
        .unwrap();
    assert_eq!(created.status, 201);
    let statuses: Vec<u16> = requests(
        &mock.server.request_log(),
        "POST",
        "/v2/phone/external_contacts",
    )
    .iter()
    .map(|r| r.status)
    .collect();
    assert_eq!(
        statuses,
        [429, 429, 429, 201],
        "created once, after the storm"
    );

    mock.server.clear_request_log();
    mock.admin(json!({ "kind": "500", "count": 1, "path": "/v2/phone/sites" }));
    mock.admin(json!({ "kind": "reset", "count": 1, "path": "/v2/phone/sites" }));
    mock.admin(json!({ "kind": "504", "count": 1, "path": "/v2/phone/sites" }));
    zp.call("listPhoneSites", json!({})).unwrap();
    let statuses: Vec<u16> = requests(&mock.server.request_log(), "GET", "/v2/phone/sites")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [500, 0, 504, 200]);

    mock.server.clear_request_log();
    mock.admin(json!({ "kind": "503", "count": 1, "path": "/v2/phone/external_contacts" }));
    let err = zp
        .call("addExternalContact", json!({ "body": { "name": "maybe" } }))
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 503), "{err}");
    assert_eq!(
        requests(
            &mock.server.request_log(),
            "POST",
            "/v2/phone/external_contacts"
        )
        .len(),
        1,
        "a failed write is not sent again"
    );
}

#[test]
fn downloads_a_recording_byte_exact() {
    let mock = Mock::start();
    let zp = mock.client();
    let file = zp
        .download(
            "phoneDownloadRecordingFile",
            json!({ "fileId": "blocking-7" }),
        )
        .unwrap();
    assert_eq!(file.content_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(file.bytes, download_bytes("blocking-7"));
}

#[test]
fn a_hundred_threads_on_an_expired_token_share_one_renewal() {
    let mock = Mock::start();
    let zp = mock.client();
    zp.call("listPhoneUsers", json!({})).unwrap();
    mock.rt.block_on(mock.admin.expire_tokens());
    mock.server.clear_request_log();

    std::thread::scope(|scope| {
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let zp = zp.clone();
                scope.spawn(move || zp.call("listPhoneUsers", json!({ "page_size": 1 })))
            })
            .collect();
        for call in calls {
            assert_eq!(call.join().unwrap().unwrap().status, 200);
        }
    });
    let log = mock.server.request_log();
    assert_eq!(token_requests(&log), 1, "exactly one token request");
}

#[test]
fn tokens_go_to_the_store_and_come_back() {
    let mock = Mock::start();
    let store = Arc::new(MemoryStore::new());
    let zp = mock.builder().token_store(store.clone()).build().unwrap();
    zp.call("listPhoneSites", json!({})).unwrap();
    let saved = TokenStore::load(&*store).unwrap().expect("saved");
    assert_eq!(
        saved.access_token.expose(),
        zp.tokens().unwrap().access_token.expose()
    );

    let dir = std::env::temp_dir().join(format!("zp-client-blocking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = JsonFileStore::new(dir.join("tokens.json"));
    file.save(&saved).unwrap();
    mock.server.clear_request_log();
    let restarted = mock.builder().token_store(file).build().unwrap();
    restarted.call("listPhoneSites", json!({})).unwrap();
    assert_eq!(token_requests(&mock.server.request_log()), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "typed")]
#[test]
fn typed_methods_by_tag() {
    use zoom_phone_client::ops::{recordings, sites};
    let mock = Mock::start();
    let zp = mock.client();
    let sites = zp
        .sites()
        .list_phone_sites(&sites::ListPhoneSites {
            page_size: Some(3),
            ..Default::default()
        })
        .send()
        .unwrap();
    assert_eq!(sites.sites.unwrap_or_default().len(), 3);
    let file = zp
        .request(&recordings::PhoneDownloadRecordingFile::new("typed-2"))
        .send()
        .unwrap();
    assert_eq!(file.bytes, download_bytes("typed-2"));
    assert_eq!(file.content_type.as_deref(), Some("audio/mpeg"));
}

/// The fax upload goes to the file API's base URL, which the builder sets
/// (before it could, a client pointed at a mock still uploaded to Zoom).
#[test]
fn uploads_go_to_the_configured_file_base_url() {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let files = format!("http://{}/files/v2", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("the upload connects");
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        reader.read_exact(&mut vec![0; length]).unwrap();
        let body = br#"{"file_id":"f1"}"#;
        let head = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let mut stream = reader.into_inner();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        request_line
    });
    let zp = ZoomPhone::builder()
        .access_token("tok")
        .base_url("http://127.0.0.1:9/unused")
        .file_base_url(files)
        .retry(zoom_phone_client::RetryPolicy::never())
        .build()
        .expect("client builds");
    let file = json!({"filename": "fax.zip", "content_type": "application/zip", "data_base64": "UEsDBAoAAAAAAA=="});
    let output = zp
        .call("UploadFaxFiles", json!({ "body": { "file": file } }))
        .expect("the upload succeeds");
    assert_eq!(output.status, 201);
    assert_eq!(
        server.join().unwrap(),
        "POST /files/v2/fax/files HTTP/1.1\r\n"
    );
}
