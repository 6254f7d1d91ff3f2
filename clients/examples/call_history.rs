//! Walk the account's call history as typed records, then stop in the
//! middle of a page and resume exactly there.
//!
//! cargo run -p zoom-phone-client --example call_history

mod common;

use std::collections::BTreeSet;

use futures_util::StreamExt;
use zoom_phone_client::ResumePoint;
use zoom_phone_client::ops::call_logs::AccountCallHistory;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = common::Sandbox::start().await?;
    let zp = sandbox.client().build()?;
    let request = AccountCallHistory {
        page_size: Some(300),
        from: Some("2026-10-01".into()),
        to: Some("2026-10-31".into()),
        ..Default::default()
    };

    // Every record, fetched a page at a time as the stream is consumed.
    let mut records = zp.call_logs().account_call_history(&request).pages();
    let mut ids = BTreeSet::new();
    while let Some(record) = records.next().await {
        ids.insert(record?.call_history_uuid.unwrap_or_default());
    }
    println!("walked {} distinct call-history records", ids.len());

    // Take 450 records (a page and a half), keep where that stopped (as
    // JSON, as another process would), and go on later (within 15 min).
    let mut first = zp
        .call_logs()
        .account_call_history(&request)
        .pages()
        .limit(450);
    let mut head = Vec::new();
    while let Some(record) = first.next().await {
        head.push(record?);
    }
    let saved = first.resume_point().ok_or("records are left")?.to_json();
    let next: Vec<_> = zp
        .call_logs()
        .account_call_history(&request)
        .pages()
        .resume(ResumePoint::from_json(&saved)?)
        .limit(3)
        .collect()
        .await;
    println!(
        "took {} records, saved {saved}, then resumed with {} more",
        head.len(),
        next.len()
    );
    Ok(())
}
