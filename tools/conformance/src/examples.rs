//! The example parameters of every operation, derived from the raw spec by
//! the same code the core's every-operation test uses, so the conformance
//! run and that test exercise the same requests.

use std::path::Path;

use serde_json::{Map, Value, json};

#[path = "../../../core/tests/it/raw_spec.rs"]
#[allow(dead_code)]
mod raw_spec;

use raw_spec::{RawOp, example};

/// A one-entry ZIP header: the fax upload's file (the same bytes the core's
/// every-operation test sends).
const FAX_ZIP_BASE64: &str = "UEsDBAoAAAAAAA==";

/// Path and query parameters by spec name, the body under `"body"`.
pub fn params_for(raw: &RawOp<'_>) -> Map<String, Value> {
    let mut params = Map::new();
    for p in raw.params() {
        if let Some(name) = p["name"].as_str() {
            params.insert(name.to_owned(), example(&p["schema"]));
        }
    }
    if let Some((media, schema)) = raw.body() {
        let body = if media == "multipart/form-data" {
            json!({"file": {"filename": "fax.zip", "content_type": "application/zip", "data_base64": FAX_ZIP_BASE64}})
        } else {
            example(schema)
        };
        params.insert("body".into(), body);
    }
    params
}

/// operationId -> params, in the spec's order.
pub fn all(spec: &Value) -> Map<String, Value> {
    raw_spec::operations(spec)
        .iter()
        .map(|raw| (raw.id().to_owned(), Value::Object(params_for(raw))))
        .collect()
}

pub fn write(spec: &Path, out: &Path) -> Result<(), String> {
    let spec = crate::read_json(spec)?;
    let examples = all(&spec);
    crate::write_json(out, &Value::Object(examples.clone()))?;
    eprintln!(
        "conformance: {} operations' examples in {}",
        examples.len(),
        out.display()
    );
    Ok(())
}
