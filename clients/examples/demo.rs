//! The Rust half of `make demo`: one pass over what the client does, against
//! the mock server, printed as a short transcript.
//!
//! scripts/with-mock.sh cargo run -p zoom-phone-client --example demo

// An example is a host: it may read the clock the core never reads.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use futures_util::StreamExt;
use serde_json::{Value, json};
use zoom_phone_client::Body;
use zoom_phone_client::Webhooks;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const WALK: u64 = 3_000;
const WEBHOOK_SECRET: &str = "demo-webhook-secret";

fn json(body: &Body) -> Result<&Value> {
    match body {
        Body::Json(v) => Ok(v),
        _ => Err("expected a JSON answer".into()),
    }
}

fn minutes_left(until: zoom_phone_client::Timestamp) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    until.as_secs().saturating_sub(now).div_ceil(60)
}

fn step(name: &str, text: impl std::fmt::Display) {
    println!("  {name:<10} {text}");
}

#[tokio::main]
async fn main() -> Result<()> {
    let sandbox = common::Sandbox::start().await?;
    println!(
        "zoom-phone Rust client demo against the mock Zoom at {}",
        sandbox.url
    );
    let zp = sandbox.client().build()?;

    // 1. A server-to-server token (fetched by the first call).
    let users = zp.call("listPhoneUsers", json!({ "page_size": 3 })).await?;
    let token = zp.tokens().ok_or("a token after the first call")?;
    step(
        "token",
        format!(
            "server-to-server token for mock-account ({} scopes, valid for {} min)",
            token.scopes.len(),
            token
                .expires_at
                .map_or_else(|| "?".to_owned(), |t| minutes_left(t).to_string())
        ),
    );

    // 2. A list call.
    let body = json(&users.body)?;
    let first = &body["users"][0];
    step(
        "list",
        format!(
            "listPhoneUsers: {} users; first {} (ext {}); tracking id {}",
            body["total_records"],
            first["email"].as_str().unwrap_or("-"),
            first["extension_number"],
            users.tracking_id.as_deref().unwrap_or("-")
        ),
    );

    // 3. A paginated walk.
    let started = Instant::now();
    let mut records = zp
        .paginate("accountCallHistory", json!({ "page_size": 300 }))
        .limit(WALK);
    let mut ids = BTreeSet::new();
    while let Some(record) = records.next().await {
        ids.insert(
            record?["call_history_uuid"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    step(
        "paginate",
        format!(
            "accountCallHistory: {} records in {} pages of 300, all distinct, {:.1} s",
            ids.len(),
            WALK.div_ceil(300),
            started.elapsed().as_secs_f64()
        ),
    );

    // 4. A write, read back, then cleaned up.
    let created = zp
        .call(
            "addExternalContact",
            json!({ "body": { "name": "Demo Contact", "email": "demo@example.com" } }),
        )
        .await?;
    let id = json(&created.body)?["external_contact_id"]
        .as_str()
        .ok_or("an id for the new contact")?
        .to_owned();
    zp.call(
        "updateExternalContact",
        json!({ "externalContactId": id, "body": { "name": "Demo Contact (renamed)" } }),
    )
    .await?;
    let read = zp
        .call("getAExternalContact", json!({ "externalContactId": id }))
        .await?;
    let name = json(&read.body)?["name"].clone();
    zp.call("deleteAExternalContact", json!({ "externalContactId": id }))
        .await?;
    step(
        "write",
        format!("addExternalContact -> {id}; updated and read back as {name}; deleted"),
    );

    // 5. A recording download.
    let file = zp
        .download(
            "phoneDownloadRecordingFile",
            json!({ "fileId": "demo-recording" }),
        )
        .await?;
    step(
        "download",
        format!(
            "phoneDownloadRecordingFile: {} bytes of {}",
            file.bytes.len(),
            file.content_type.as_deref().unwrap_or("?")
        ),
    );

    // 6. Webhooks: the mock signs and delivers; our endpoint verifies.
    let (url, mut verdicts) = common::webhook_endpoint(Webhooks::new([WEBHOOK_SECRET]), 0).await?;
    for (what, forged) in [("genuine", false), ("forged", true)] {
        let answer = sandbox
            .admin(
                "webhooks/send",
                json!({ "url": url, "event": "phone.callee_ringing",
                        "secret": WEBHOOK_SECRET, "wrong_secret": forged }),
            )
            .await?;
        let verdict = verdicts.recv().await.ok_or("the endpoint stopped")?;
        let outcome = match verdict {
            Ok(event) => format!("verified {event}"),
            Err(status) => format!("refused ({status})"),
        };
        step(
            "webhook",
            format!(
                "{what} delivery: {outcome}; endpoint answered {}",
                answer["status"]
            ),
        );
    }
    println!("Rust demo done.");
    Ok(())
}
