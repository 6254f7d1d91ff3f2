//! Locating and reading Zoom's spec files in tests.

use std::path::PathBuf;

/// `ZOOM_SPEC_DIR`, else `<repo root>/../shared/zoom-spec`.
pub fn dir() -> PathBuf {
    match std::env::var_os("ZOOM_SPEC_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/zoom-spec"),
    }
}

/// A spec file parsed as JSON; panics with the path when it cannot be read.
pub fn load(file: &str) -> serde_json::Value {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set ZOOM_SPEC_DIR)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
