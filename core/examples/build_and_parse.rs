use serde_json::json;
use zoom_phone::request::{self, RequestConfig};
use zoom_phone::response::{self, Body};
use zoom_phone::{Error, Secret};

fn main() -> Result<(), Error> {
    // Operations by Zoom's operationId or its snake_case name; path and query
    // parameters by their spec name, a request body under "body".
    let config = RequestConfig::default();
    let mut req = request::build(
        "list_call_queues",
        &json!({ "page_size": 50, "site_id": "8f71O6rWT8KFUGQmJIFAdQ" }),
        &config,
    )?;
    request::authorize(&mut req, &Secret::new("an-access-token"))?;
    assert_eq!(
        req.uri(),
        "https://api.zoom.us/v2/phone/call_queues?page_size=50&site_id=8f71O6rWT8KFUGQmJIFAdQ"
    );

    // Mistakes are caught before sending, by field name.
    let err = request::build("getACallQueue", &json!({ "call_queue_id": "x" }), &config);
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("did you mean `callQueueId`")
    );

    // Send `req` with any HTTP client; here is a canned answer instead.
    let op = zoom_phone::operation("listCallQueues").expect("in the catalog");
    let answer = http::Response::builder()
        .status(200)
        .header("x-zm-trackingid", "v=2.0;rid=1")
        .body(br#"{"call_queues":[{"id":"cq1","name":"Sales"}],"next_page_token":""}"#.to_vec())
        .expect("valid response");
    let output = response::parse(op, answer)?;
    assert_eq!(output.tracking_id.as_deref(), Some("v=2.0;rid=1"));
    let Body::Json(page) = output.body else {
        unreachable!("listCallQueues answers JSON")
    };
    assert_eq!(page["call_queues"][0]["name"], "Sales");

    // Zoom's errors become typed errors that keep Zoom's code and tracking id.
    let denied = http::Response::builder()
        .status(404)
        .body(br#"{"code":1001,"message":"Call queue does not exist."}"#.to_vec())
        .expect("valid response");
    match response::parse(op, denied) {
        Err(Error::Api(e)) => assert_eq!((e.status, e.code), (404, Some(1001))),
        other => panic!("expected an API error, got {other:?}"),
    }
    Ok(())
}
