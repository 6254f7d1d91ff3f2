//! A downstream app of the async client: three typed groups (`three`), every
//! group enabled but the same three used (`all`), or only untyped calls
//! (`none`). It is built, never run against Zoom: `run.sh` times the build.

use zoom_phone::client::ZoomPhone;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), zoom_phone::Error> {
    let zp = ZoomPhone::builder()
        .server_to_server("account-id", "client-id", "client-secret")
        .build()?;
    if std::env::args().nth(1).as_deref() != Some("--call") {
        return Ok(());
    }
    typed_calls(&zp).await?;
    let users = zp.call("listPhoneUsers", serde_json_value()).await?;
    println!("{}", users.body);
    Ok(())
}

fn serde_json_value() -> zoom_phone_value::Value {
    zoom_phone_value::json()
}

#[cfg(any(feature = "three", feature = "all"))]
async fn typed_calls(zp: &ZoomPhone) -> Result<(), zoom_phone::Error> {
    include!("typed_calls.rs")
}

#[cfg(not(any(feature = "three", feature = "all")))]
async fn typed_calls(_: &ZoomPhone) -> Result<(), zoom_phone::Error> {
    Ok(())
}

mod zoom_phone_value {
    pub use serde_json::Value;
    pub fn json() -> Value {
        serde_json::json!({ "page_size": 10 })
    }
}
