//! List phone users with a server-to-server token.
//!
//! cargo run -p zoom-phone --example list_users --features async-client

mod common;

use serde_json::json;
use zoom_phone::response::Body;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = common::Sandbox::start().await?;
    let zp = sandbox.client().build()?;

    let page = zp.call("listPhoneUsers", json!({ "page_size": 5 })).await?;
    let Body::Json(body) = &page.body else {
        return Err("listPhoneUsers answered without JSON".into());
    };
    println!("{} phone users; the first five:", body["total_records"]);
    for user in body["users"].as_array().into_iter().flatten() {
        println!(
            "  {:<28} ext {}",
            user["email"].as_str().unwrap_or("-"),
            user["extension_number"]
        );
    }
    Ok(())
}
