//! Emits `core/src/generated/catalog.json` (every operation as data, shipped
//! inside the wasm build) and `core/src/generated/response_schemas.json`
//! (success-response schemas, compiled only under the core feature
//! `response-schemas`).
//!
//! Layout: one operation (or schema) per line, so a spec change shows up as a
//! one-line diff; keys inside a line in a fixed order; no descriptions.

use std::fmt::Write as _;

use serde::Serialize;

use crate::GeneratedFile;
use crate::model::Api;

/// The `generated` marker of both files (JSON cannot hold a comment).
pub const MARKER: &str =
    "by tools/codegen from Zoom's phone-api.openapi.json; do not edit (make generate)";

pub fn catalog_json(api: &Api) -> Result<GeneratedFile, String> {
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"generated\":{},\"spec_version\":{},\"operations\":[",
        json(&MARKER)?,
        json(&api.spec_version)?
    );
    for (i, op) in api.operations.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&json(op)?);
    }
    out.push_str("\n]}\n");
    Ok(GeneratedFile::new("core/src/generated/catalog.json", out))
}

pub fn response_schemas_json(api: &Api) -> Result<GeneratedFile, String> {
    let mut out = String::new();
    let _ = write!(out, "{{\"generated\":{},\"schemas\":{{", json(&MARKER)?);
    let mut entries: Vec<(&str, String)> = Vec::new();
    for op in &api.operations {
        if let Some(schema) = &op.response_schema {
            entries.push((op.id.as_str(), json(schema)?));
        }
    }
    entries.sort();
    for (i, (id, schema)) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let _ = write!(out, "{}:{schema}", json(id)?);
    }
    out.push_str("\n}}\n");
    Ok(GeneratedFile::new(
        "core/src/generated/response_schemas.json",
        out,
    ))
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}
