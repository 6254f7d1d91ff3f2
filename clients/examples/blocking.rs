//! The blocking client: no async runtime in your code.
//!
//! scripts/with-mock.sh cargo run -p zoom-phone-client --example blocking --features blocking

use serde_json::json;
use zoom_phone_client::blocking::ZoomPhone;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("ZOOM_PHONE_MOCK_URL")
        .map_err(|_| "run it under scripts/with-mock.sh (needs ZOOM_PHONE_MOCK_URL)")?;
    let zp = ZoomPhone::builder()
        .server_to_server("mock-account", "mock-client-id", "mock-client-secret")
        .oauth_base(&url)
        .base_url(format!("{url}/v2"))
        .build()?;

    let queues = zp.call("listCallQueues", json!({ "page_size": 3 }))?;
    println!("listCallQueues answered {}", queues.status);
    let emails: Vec<String> = zp
        .paginate("listPhoneUsers", json!({ "page_size": 100 }))
        .limit(250)
        .map(|user| user.map(|u| u["email"].as_str().unwrap_or_default().to_owned()))
        .collect::<Result<_, _>>()?;
    println!(
        "{} users, first {}",
        emails.len(),
        emails.first().map_or("-", String::as_str)
    );
    Ok(())
}
