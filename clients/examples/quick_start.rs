//! The typed API in one page: a call with its metadata, per-call options,
//! a listing as a stream of typed items, and errors by class.
//!
//! scripts/with-mock.sh cargo run -p zoom-phone-client --example quick_start

use std::time::Duration;

use futures_util::StreamExt;
use zoom_phone_client::ZoomPhone;
use zoom_phone_client::ops::sites::GetASite;
use zoom_phone_client::ops::users::ListPhoneUsers;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Against Zoom itself: drop oauth_base and base_url, pass your app's credentials.
    let url = std::env::var("ZOOM_PHONE_MOCK_URL")
        .map_err(|_| "run it under scripts/with-mock.sh (needs ZOOM_PHONE_MOCK_URL)")?;
    let zp = ZoomPhone::builder()
        .server_to_server("mock-account", "mock-client-id", "mock-client-secret")
        .oauth_base(&url)
        .base_url(format!("{url}/v2"))
        .build()?;

    // One typed call, with a timeout of its own and the answer's metadata.
    let request = ListPhoneUsers {
        page_size: Some(100),
        ..Default::default()
    };
    let page = zp
        .users()
        .list_phone_users(&request)
        .timeout(Duration::from_secs(10))
        .send_with_response()
        .await?;
    println!(
        "{} users; tracking id {}",
        page.body.total_records.unwrap_or_default(),
        page.tracking_id.as_deref().unwrap_or("-")
    );

    // Every user, page after page, as the operation's item type.
    let mut users = zp.users().list_phone_users(&request).pages().limit(250);
    let mut emails = Vec::new();
    while let Some(user) = users.next().await {
        emails.extend(user?.email);
    }
    println!(
        "{} emails; resume later at {:?}",
        emails.len(),
        users.resume_point()
    );

    // Errors carry Zoom's evidence.
    match zp.sites().get_a_site(&GetASite::new("no-such-site")).await {
        Err(e) if e.is_not_found() => println!(
            "no such site: {} (HTTP {:?}, Zoom code {:?})",
            e.class().name(),
            e.status(),
            e.zoom_code()
        ),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
