//! The typed API end to end against the mock: listings as streams and
//! iterators of the item model with resume, response metadata beside the
//! model, per-call options, downloads and the transcript.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;
use zoom_phone_client::ops::{call_logs, recordings, users};
use zoom_phone_client::{Error, ResumePoint};
use zoom_phone_mock::{download_bytes, transcript_text};

use crate::client_support::{ACCOUNT, CLIENT_ID, CLIENT_SECRET, quick_retry, requests};
use crate::faults::Mock;

fn id(user: Result<users::ListPhoneUsersResponseUsers, Error>) -> String {
    user.unwrap().id.expect("every user has an id")
}

#[cfg(feature = "async")]
#[test]
fn async_typed_listings_metadata_options_and_files() {
    use futures_util::StreamExt;
    use zoom_phone_client::ZoomPhone;
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .retry(quick_retry())
        .build()
        .unwrap();
    mock.rt.block_on(async {
        // A walk of typed items: every user once, 1000 in pages of 100.
        let request = users::ListPhoneUsers {
            page_size: Some(100),
            ..Default::default()
        };
        let mut walk = zp.users().list_phone_users(&request).pages();
        let mut all = Vec::new();
        while let Some(user) = walk.next().await {
            all.push(id(user));
        }
        assert_eq!(all.len(), 1000);
        assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 1000, "distinct");
        assert!(walk.resume_point().is_none(), "nothing left");

        // Stop in the middle of a page; resume there, from JSON.
        let mut head = zp.users().list_phone_users(&request).pages().limit(150);
        let mut first = Vec::new();
        while let Some(user) = head.next().await {
            first.push(id(user));
        }
        assert_eq!(first, all[..150]);
        let point = head.resume_point().expect("a place to resume");
        assert_eq!(point.skip, 50, "half of the second page was handed out");
        let point = ResumePoint::from_json(&point.to_json()).unwrap();
        let rest: Vec<String> = zp
            .users()
            .list_phone_users(&request)
            .pages()
            .resume(point)
            .limit(60)
            .map(id)
            .collect()
            .await;
        assert_eq!(rest, all[150..210], "no item twice, none skipped");

        // The model with the answer's metadata.
        let answer = zp
            .call_logs()
            .account_call_history(&call_logs::AccountCallHistory {
                page_size: Some(3),
                ..Default::default()
            })
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(answer.status, 200);
        assert!(answer.tracking_id.is_some());
        assert!(answer.headers.contains_key("content-type"));
        assert_eq!(answer.body.call_history.unwrap_or_default().len(), 3);

        // Per-call options: a header on the wire, and a timeout of this call.
        mock.server.clear_request_log();
        zp.users()
            .list_phone_users(&request)
            .header("x-trace", "typed-1")
            .await
            .unwrap();
        let log = mock.server.request_log();
        let sent = requests(&log, "GET", "/v2/phone/users");
        assert_eq!(sent[0].headers["x-trace"], "typed-1");
        mock.admin
            .fault(json!({ "kind": "latency", "ms": 1500, "count": 4,
                                  "path": "/v2/phone/users" }))
            .await;
        let err = zp
            .users()
            .list_phone_users(&request)
            .timeout(Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout), "{err:?}");
        mock.admin.call("DELETE", "faults", json!({})).await;

        // A download: bytes and content type; the transcript: its text.
        let file = zp
            .recordings()
            .phone_download_recording_file(&recordings::PhoneDownloadRecordingFile::new("t-1"))
            .await
            .unwrap();
        assert_eq!(file.bytes, download_bytes("t-1"));
        assert_eq!(file.content_type.as_deref(), Some("audio/mpeg"));
        let vtt = zp
            .download(
                "phoneDownloadRecordingTranscript",
                json!({ "recordingId": "rec9" }),
            )
            .await
            .unwrap();
        assert_eq!(vtt.text(), Some(transcript_text("rec9").as_str()));
        let location = vtt.location.clone().unwrap_or_default();
        assert!(
            location.ends_with("/_files/transcripts/rec9.vtt"),
            "{location}"
        );
        let redirect = zp
            .recordings()
            .phone_download_recording_transcript(
                &recordings::PhoneDownloadRecordingTranscript::new("rec9"),
            )
            .await
            .unwrap();
        assert!(redirect.location.ends_with("/_files/transcripts/rec9.vtt"));
    });
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_typed_listings_metadata_and_options() {
    use zoom_phone_client::blocking::ZoomPhone;
    let mock = Mock::start();
    let zp = ZoomPhone::builder()
        .server_to_server(ACCOUNT, CLIENT_ID, CLIENT_SECRET)
        .oauth_base(mock.server.url())
        .base_url(mock.server.api_url())
        .retry(quick_retry())
        .build()
        .unwrap();
    let request = users::ListPhoneUsers {
        page_size: Some(100),
        ..Default::default()
    };
    let all: Vec<String> = zp
        .users()
        .list_phone_users(&request)
        .pages()
        .map(id)
        .collect();
    assert_eq!(all.len(), 1000);

    let mut head = zp.users().list_phone_users(&request).pages().limit(30);
    assert_eq!(head.by_ref().count(), 30);
    let point = head.resume_point().unwrap();
    let next = zp
        .users()
        .list_phone_users(&request)
        .pages()
        .resume(point)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(next.id.as_ref(), Some(&all[30]));

    let answer = zp
        .users()
        .list_phone_users(&request)
        .max_attempts(1)
        .send_with_response()
        .unwrap();
    assert!(answer.tracking_id.is_some());
    assert_eq!(answer.body.users.unwrap_or_default().len(), 100);

    // A typed item that does not match: the error names the JSON path.
    let err = zp
        .paginate_as::<Strict>("listPhoneUsers", json!({ "page_size": 5 }))
        .next()
        .unwrap()
        .unwrap_err();
    let Error::Decode(e) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(e.path, "users[0].email");
    assert_eq!(e.operation, "listPhoneUsers");
}

/// `email` as a number: no page has that.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Strict {
    email: u64,
}
