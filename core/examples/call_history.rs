//! Walk the account's call history page by page, then resume a listing.
//!
//! cargo run -p zoom-phone --example call_history --features async-client

mod common;

use std::collections::BTreeSet;

use futures_util::StreamExt;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = common::Sandbox::start().await?;
    let zp = sandbox.client().build()?;
    let params = json!({ "page_size": 300, "from": "2026-10-01", "to": "2026-10-31" });

    // Every record, fetched a page at a time as the stream is consumed.
    let mut records = zp.paginate("accountCallHistory", params.clone());
    let mut ids = BTreeSet::new();
    while let Some(record) = records.next().await {
        let record = record?;
        ids.insert(
            record["call_history_uuid"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    println!("walked {} distinct call-history records", ids.len());

    // Take two pages now, keep the resume token, go on later (within 15 min).
    let mut first = zp.paginate("accountCallHistory", params.clone());
    let head: Vec<_> = first.by_ref().take(600).collect().await;
    let token = first
        .resume_token()
        .ok_or("stopped between pages, so a token exists")?;
    let next = zp
        .paginate("accountCallHistory", params)
        .resume(token)
        .limit(3)
        .collect::<Vec<_>>()
        .await;
    println!(
        "took {} records, then resumed with {} more",
        head.len(),
        next.len()
    );
    Ok(())
}
