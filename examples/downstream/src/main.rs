//! What a downstream project does with `zoom-phone-client`, checked
//! against the mock Zoom: run it as
//! `scripts/with-mock.sh cargo run -p zoom-phone-downstream` (`make test`
//! does). It exits non-zero when anything is not as the client promises.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::StreamExt;
use zoom_phone_client::ops::call_logs::AccountCallHistory;
use zoom_phone_client::ops::external_contacts::GetAExternalContact;
use zoom_phone_client::ops::users::ListPhoneUsers;
use zoom_phone_client::{Error, ErrorClass, ResumePoint, ZoomPhone, http_client_builder};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn check(ok: bool, what: &str) -> Result<()> {
    if ok {
        println!("  ok  {what}");
        Ok(())
    } else {
        Err(format!("not as promised: {what}").into())
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let url = std::env::var("ZOOM_PHONE_MOCK_URL")
        .map_err(|_| "run it under scripts/with-mock.sh (needs ZOOM_PHONE_MOCK_URL)")?;

    // Our own reqwest client (a proxy or a custom CA would go here).
    let http = http_client_builder(Duration::from_secs(5))
        .user_agent("downstream-app/1.0")
        .pool_max_idle_per_host(8)
        .build()?;
    let admin = http.clone();
    let zp = ZoomPhone::builder()
        .server_to_server("mock-account", "mock-client-id", "mock-client-secret")
        .oauth_base(&url)
        .base_url(format!("{url}/v2"))
        .http_client(http)
        .timeout(Duration::from_secs(30))
        .build()?;

    // A typed page with its response metadata.
    let users = ListPhoneUsers {
        page_size: Some(100),
        ..Default::default()
    };
    let page = zp
        .users()
        .list_phone_users(&users)
        .send_with_response()
        .await?;
    check(page.status == 200, "a typed page answers 200")?;
    check(
        page.tracking_id.is_some(),
        "the tracking id comes with the model",
    )?;
    check(
        page.body.users.as_ref().is_some_and(|u| u.len() == 100),
        "the model holds the page's 100 users",
    )?;

    // Typed pagination: every record of the call history, as its model.
    let history = AccountCallHistory {
        page_size: Some(300),
        ..Default::default()
    };
    let mut records = zp.call_logs().account_call_history(&history).pages();
    let mut ids = BTreeSet::new();
    while let Some(record) = records.next().await {
        ids.insert(record?.call_history_uuid.unwrap_or_default());
    }
    check(
        ids.len() == 20_000,
        "20,000 distinct typed records, page after page",
    )?;

    // Stop mid-page, save where, and resume there.
    let mut head = zp.users().list_phone_users(&users).pages().limit(150);
    let mut first = Vec::new();
    while let Some(user) = head.next().await {
        first.extend(user?.id);
    }
    let saved = head.resume_point().ok_or("a place to resume")?.to_json();
    let next = zp
        .users()
        .list_phone_users(&users)
        .pages()
        .resume(ResumePoint::from_json(&saved)?)
        .next()
        .await
        .ok_or("a user after the 150th")??;
    check(
        first.len() == 150 && next.id.as_ref().is_some_and(|id| !first.contains(id)),
        "a listing resumed mid-page goes on with the next item",
    )?;

    // Per-call options: the mock answers in 1.5 s, this call may take 200 ms.
    let fault = r#"{"kind": "latency", "ms": 1500, "count": 4, "path": "/v2/phone/users"}"#;
    admin
        .post(format!("{url}/_admin/faults"))
        .header("content-type", "application/json")
        .body(fault)
        .send()
        .await?
        .error_for_status()?;
    let err = zp
        .users()
        .list_phone_users(&users)
        .timeout(Duration::from_millis(200))
        .await
        .err()
        .ok_or("a call past its timeout")?;
    check(
        matches!(err, Error::Timeout) && err.class() == ErrorClass::Timeout,
        "a per-call timeout ends the call with Error::Timeout",
    )?;
    admin.delete(format!("{url}/_admin/faults")).send().await?;

    // The error helpers on Zoom's 404.
    let err = zp
        .external_contacts()
        .get_a_external_contact(&GetAExternalContact::new("no-such-contact"))
        .await
        .err()
        .ok_or("an unknown contact")?;
    check(err.is_not_found(), "a 404 is not_found")?;
    check(err.status() == Some(404), "status() is 404")?;
    check(
        err.tracking_id().is_some(),
        "tracking_id() names the answer",
    )?;
    check(!err.is_rate_limited(), "a 404 is not rate limiting")?;
    println!("downstream: every check passed ({})", err.class().name());
    Ok(())
}
