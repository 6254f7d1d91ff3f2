//! Error responses become typed errors that keep the evidence.

use serde_json::json;
use zoom_phone::Error;
use zoom_phone::response::{self, ApiError, Body, DecodeError, FieldError, SNIPPET_LIMIT};

fn respond(
    op: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<response::Output, Error> {
    let op = zoom_phone::operation(op).expect("operation");
    let response = http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-zm-trackingid", "v=2.0;clid=us06;rid=42")
        .body(body.to_vec())
        .unwrap();
    response::parse(op, response)
}

fn api_error(result: Result<response::Output, Error>) -> ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn decode_error(result: Result<response::Output, Error>) -> DecodeError {
    match result {
        Err(Error::Decode(e)) => *e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn zoom_error_json_keeps_code_message_and_tracking_id() {
    let e = api_error(respond(
        "getACallQueue",
        404,
        "application/json",
        br#"{"code":1001,"message":"Call queue does not exist."}"#,
    ));
    assert_eq!(e.status, 404);
    assert_eq!(e.code, Some(1001));
    assert_eq!(e.message.as_deref(), Some("Call queue does not exist."));
    assert_eq!(e.operation, "getACallQueue");
    assert_eq!(e.tracking_id.as_deref(), Some("v=2.0;clid=us06;rid=42"));
    assert_eq!(e.snippet, None);
    let text = e.to_string();
    assert!(
        text.contains("HTTP 404") && text.contains("code 1001") && text.contains("rid=42"),
        "{text}"
    );
}

#[test]
fn validation_errors_list_their_fields() {
    let e = api_error(respond(
        "createCallQueue",
        400,
        "application/json",
        br#"{"code":300,"message":"Validation Failed.","errors":[{"field":"site_id","message":"Invalid field."},{"field":"name","message":"Required."}]}"#,
    ));
    assert_eq!(e.code, Some(300));
    assert_eq!(
        e.errors,
        vec![
            FieldError::new("site_id", "Invalid field."),
            FieldError::new("name", "Required."),
        ]
    );
    assert!(e.to_string().contains("site_id: Invalid field."));
}

#[test]
fn html_from_a_proxy_is_kept_as_a_bounded_snippet() {
    let html = format!("<html><body>{}</body></html>", "Bad gateway é ".repeat(100));
    let e = api_error(respond("listCallQueues", 502, "text/html", html.as_bytes()));
    assert_eq!(e.status, 502);
    assert_eq!(e.code, None);
    let snippet = e.snippet.expect("snippet");
    assert!(snippet.starts_with("<html><body>Bad gateway"));
    assert!(snippet.len() <= SNIPPET_LIMIT);
    assert!(html.starts_with(&snippet));
}

#[test]
fn an_empty_error_body_is_still_an_api_error() {
    let e = api_error(respond("listCallQueues", 401, "application/json", b""));
    assert_eq!(
        (e.status, e.code, e.message, e.snippet),
        (401, None, None, None)
    );
}

#[test]
fn a_truncated_success_body_is_a_decode_error_naming_the_operation() {
    let e = decode_error(respond(
        "listCallQueues",
        200,
        "application/json",
        br#"{"call_queues":[{"id":"abc","name":"Sal"#,
    ));
    assert_eq!(e.operation, "listCallQueues");
    assert_eq!(e.status, 200);
    assert!(e.message.contains("truncated"), "{}", e.message);
    assert!(e.snippet.unwrap().starts_with("{\"call_queues\""));
    assert_eq!(e.tracking_id.as_deref(), Some("v=2.0;clid=us06;rid=42"));
}

#[test]
fn a_2xx_whose_body_is_a_zoom_error_is_an_api_error() {
    let e = api_error(respond(
        "listCallQueues",
        200,
        "application/json",
        br#"{"code":124,"message":"Invalid access token."}"#,
    ));
    assert_eq!((e.status, e.code), (200, Some(124)));
    // An object that merely has code and message among other fields is data.
    let ok = respond(
        "listCallQueues",
        200,
        "application/json",
        br#"{"code":1,"message":"m","call_queues":[]}"#,
    )
    .expect("data");
    assert!(matches!(ok.body, Body::Json(_)));
}

#[test]
fn a_download_that_returns_an_error_object_is_an_api_error_but_bytes_stay_bytes() {
    let e = api_error(respond(
        "phoneDownloadRecordingFile",
        200,
        "application/json",
        br#"{"code":404,"message":"File does not exist."}"#,
    ));
    assert_eq!(e.code, Some(404));
    let bytes = b"{\"code\":1,\"message\":\"m\"}";
    let ok = respond("phoneDownloadRecordingFile", 200, "audio/mpeg", bytes).expect("bytes");
    assert_eq!(
        ok.body,
        Body::Binary {
            content_type: Some("audio/mpeg".into()),
            bytes: bytes.to_vec()
        }
    );
}

#[test]
fn typed_parsing_reports_the_failing_json_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Queue {
        id: String,
        extension_number: i64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        call_queues: Vec<Queue>,
    }
    let op = zoom_phone::operation("listCallQueues").unwrap();
    let body = json!({"call_queues": [
        {"id": "a", "extension_number": 1},
        {"id": "b", "extension_number": "not a number"}
    ]});
    let response = http::Response::builder()
        .status(200)
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap();
    match response::parse_json::<Page>(op, response) {
        Err(Error::Decode(e)) => {
            assert_eq!(e.path, "call_queues[1].extension_number");
            assert_eq!(e.operation, "listCallQueues");
            assert_eq!(e.status, 200);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
