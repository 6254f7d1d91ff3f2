//! A webhook endpoint that verifies Zoom's signatures and answers URL
//! validation. Against the mock it has the mock deliver a few events to
//! itself; with `--listen PORT` it keeps serving until stopped.
//!
//! cargo run -p zoom-phone-client --example webhook_receiver

mod common;

use serde_json::json;
use zoom_phone_client::Webhooks;

const SECRET: &str = "example-webhook-secret-token";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let listen = args
        .iter()
        .position(|a| a == "--listen")
        .and_then(|i| args.get(i + 1))
        .map(|p| p.parse::<u16>())
        .transpose()?;
    let (url, mut verdicts) =
        common::webhook_endpoint(Webhooks::new([SECRET]), listen.unwrap_or(0)).await?;
    println!("webhook endpoint at {url}");

    if listen.is_some() {
        while let Some(verdict) = verdicts.recv().await {
            println!("{verdict:?}");
        }
        return Ok(());
    }

    let sandbox = common::Sandbox::start().await?;
    for (what, extra) in [
        (
            "URL validation",
            json!({ "event": "endpoint.url_validation" }),
        ),
        ("a signed event", json!({ "event": "phone.callee_ringing" })),
        (
            "a forged signature",
            json!({ "event": "phone.callee_ringing", "wrong_secret": true }),
        ),
        (
            "a replayed event",
            json!({ "event": "phone.callee_ringing", "timestamp_offset_secs": -600 }),
        ),
    ] {
        let mut delivery = json!({ "url": url, "secret": SECRET });
        if let (Some(d), Some(e)) = (delivery.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        let answer = sandbox.admin("webhooks/send", delivery).await?;
        let verdict = verdicts.recv().await.ok_or("the endpoint stopped")?;
        println!("{what:<20} -> answered {} ({verdict:?})", answer["status"]);
    }
    Ok(())
}
