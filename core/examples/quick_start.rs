//! The core in a dozen lines: a request built (nothing sent), then an answer
//! parsed. Send the `http::Request` with any HTTP client you like.
use serde_json::json;
use zoom_phone::request::{self, RequestConfig};
use zoom_phone::response::{self, Body};
use zoom_phone::{Error, Secret};

fn main() -> Result<(), Error> {
    let config = RequestConfig::default();
    let mut req = request::build("listCallQueues", &json!({ "page_size": 50 }), &config)?;
    request::authorize(&mut req, &Secret::new("an-access-token"))?;
    println!("{} {}", req.method(), req.uri()); // GET https://api.zoom.us/v2/phone/call_queues?page_size=50

    let answer = http::Response::new(br#"{"call_queues":[{"name":"Sales"}]}"#.to_vec()); // what Zoom sent back
    let op = zoom_phone::operation("listCallQueues").expect("in the catalog");
    if let Body::Json(page) = response::parse(op, answer)?.body {
        println!("{}", page["call_queues"][0]["name"]);
    }
    Ok(())
}
