//! Download a call recording as bytes and save it.
//!
//! cargo run -p zoom-phone-client --example download_recording

mod common;

use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = common::Sandbox::start().await?;
    let zp = sandbox.client().build()?;

    let file = zp
        .download(
            "phoneDownloadRecordingFile",
            json!({ "fileId": "recording-1" }),
        )
        .await?;
    let path = std::env::temp_dir().join("zoom-phone-recording-1.mp3");
    std::fs::write(&path, &file.bytes)?;
    println!(
        "{} bytes of {} saved to {}",
        file.bytes.len(),
        file.content_type.as_deref().unwrap_or("unknown type"),
        path.display()
    );
    Ok(())
}
