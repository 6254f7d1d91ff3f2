//! List phone users with a server-to-server token: one typed page, with
//! the answer's tracking id beside the model.
//!
//! cargo run -p zoom-phone-client --example list_users

mod common;

use zoom_phone_client::ops::users::ListPhoneUsers;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = common::Sandbox::start().await?;
    let zp = sandbox.client().build()?;

    let request = ListPhoneUsers {
        page_size: Some(5),
        ..Default::default()
    };
    let page = zp
        .users()
        .list_phone_users(&request)
        .send_with_response()
        .await?;
    println!(
        "{} phone users (tracking id {}); the first five:",
        page.body.total_records.unwrap_or_default(),
        page.tracking_id.as_deref().unwrap_or("-")
    );
    for user in page.body.users.unwrap_or_default() {
        println!(
            "  {:<28} ext {}",
            user.email.as_deref().unwrap_or("-"),
            user.extension_number.unwrap_or_default()
        );
    }
    Ok(())
}
