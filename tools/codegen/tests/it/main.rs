//! Generator snapshot tests on a small fixture spec written for these tests
//! (`tests/fixtures/mini.openapi.json`): allOf, oneOf, a literal segment
//! beside a parameter, one template under two parameter names, multipart,
//! binary, redirect, undeclared pagination, labels in several spellings.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p zoom-phone-codegen` rewrites the
//! snapshots; review the diff before committing it.

use std::path::PathBuf;

use zoom_phone_codegen::model::{Host, ResponseKind, Schema};
use zoom_phone_codegen::{GeneratedFile, catalog, spec};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn api() -> zoom_phone_codegen::model::Api {
    spec::load_api(&fixtures().join("mini.openapi.json")).expect("fixture reads")
}

fn assert_snapshot(file: &GeneratedFile, snapshot: &str) {
    let path = fixtures().join(snapshot);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &file.contents).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot exists (UPDATE_SNAPSHOTS=1)");
    assert_eq!(
        file.contents,
        expected,
        "{} differs from {snapshot}",
        file.path.display()
    );
}

#[test]
fn catalog_snapshot() {
    assert_snapshot(&catalog::catalog_json(&api()).unwrap(), "mini.catalog.json");
}

#[test]
fn catalog_index_snapshot() {
    assert_snapshot(
        &catalog::catalog_index_rs(&api()).unwrap(),
        "mini.catalog_index.rs",
    );
}

#[test]
fn each_span_of_the_index_is_one_operation_of_the_catalog_in_order() {
    let api = api();
    let json = catalog::catalog_json(&api).unwrap().contents;
    let index = catalog::catalog_index_rs(&api).unwrap().contents;
    let spans: Vec<(usize, usize)> = index
        .lines()
        .filter_map(|l| {
            let (a, b) = l
                .trim()
                .strip_prefix('(')?
                .strip_suffix("),")?
                .split_once(", ")?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    assert_eq!(spans.len(), api.operations.len());
    for ((start, end), op) in spans.into_iter().zip(&api.operations) {
        let entry: serde_json::Value = serde_json::from_str(&json[start..end]).unwrap();
        assert_eq!(entry["id"], op.id.as_str());
    }
}

#[test]
fn response_schemas_snapshot() {
    assert_snapshot(
        &catalog::response_schemas_json(&api()).unwrap(),
        "mini.response_schemas.json",
    );
}

#[test]
fn the_catalog_reads_back_as_the_core_types() {
    let file = catalog::catalog_json(&api()).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&file.contents).unwrap();
    assert!(
        parsed["generated"]
            .as_str()
            .unwrap()
            .contains("do not edit")
    );
    assert_eq!(parsed["spec_version"], "7");
}

#[test]
fn the_model_resolves_the_fixture_quirks() {
    let api = api();
    let op = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();

    // Sorted by tag, then path, then method.
    let order: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "uploadFile",
            "downloadThing",
            "getTranscript",
            "listThings",
            "AddA'Thing",
            "batchAddThings",
            "updateThing",
            "getThing",
        ]
    );
    assert_eq!(op("AddA'Thing").name, "add_a_thing");

    let list = op("listThings");
    let p = list.pagination.as_ref().unwrap();
    assert!(p.declared);
    assert_eq!(p.max_page_size, Some(100));
    assert_eq!(
        p.items_field.as_deref(),
        Some("things"),
        "deprecated array skipped"
    );
    let Some(Schema::Object { properties, .. }) = &list.response_schema else {
        panic!("allOf merges into an object")
    };
    assert!(properties.contains_key("next_page_token") && properties.contains_key("things"));

    let get = op("getThing");
    assert!(!get.pagination.as_ref().unwrap().declared);
    assert_eq!(get.summary, "Get a thing");

    let Some(body) = &op("AddA'Thing").body else {
        panic!("body")
    };
    let Schema::Object {
        properties,
        required,
        ..
    } = &body.schema
    else {
        panic!("object body")
    };
    assert_eq!(required, &["name"]);
    let Some(Schema::OneOf { variants }) = properties.get("routing") else {
        panic!("oneOf kept")
    };
    let titles: Vec<Option<&str>> = variants
        .iter()
        .map(|v| match v {
            Schema::Object { title, .. } => title.as_deref(),
            _ => None,
        })
        .collect();
    assert_eq!(titles, [Some("Forward to Voicemail"), Some("Disconnect")]);
    assert_eq!(op("AddA'Thing").response, ResponseKind::Empty);

    let batch = op("batchAddThings");
    assert!(batch.deprecated && batch.body.is_none() && batch.rate_limit.is_none());

    let update = op("updateThing");
    let Some(Schema::Object {
        properties,
        required,
        ..
    }) = update.body.as_ref().map(|b| &b.schema)
    else {
        panic!("allOf with sibling properties")
    };
    assert_eq!(required, &["a"]);
    assert_eq!(properties.keys().collect::<Vec<_>>(), ["a", "b"]);

    assert_eq!(op("downloadThing").response, ResponseKind::Binary);
    assert_eq!(op("getTranscript").response, ResponseKind::Redirect);
    let upload = op("uploadFile");
    assert_eq!(upload.host, Host::FileApi);
    let Some(Schema::Object { properties, .. }) = upload.body.as_ref().map(|b| &b.schema) else {
        panic!("multipart object")
    };
    assert_eq!(properties.get("file"), Some(&Schema::File));
    assert!(matches!(
        properties.get("note"),
        Some(Schema::String { .. })
    ));
}

#[test]
fn a_template_parameter_that_is_not_declared_is_an_error() {
    let doc = serde_json::json!({
        "info": {"version": "1"},
        "paths": {"/phone/x/{xId}": {"get": {
            "tags": ["X"], "summary": "x", "operationId": "getX",
            "responses": {"200": {"description": "ok"}}
        }}}
    });
    let err = spec::read_api(&doc).unwrap_err();
    assert!(err.contains("xId"), "{err}");
}

#[test]
fn two_operation_ids_with_one_snake_name_are_an_error() {
    let op = |id: &str| {
        serde_json::json!({"tags": ["X"], "summary": "x", "operationId": id,
            "responses": {"204": {"description": "ok"}}})
    };
    let doc = serde_json::json!({
        "info": {"version": "1"},
        "paths": {"/phone/x": {"get": op("getX"), "delete": op("GetX")}}
    });
    let err = spec::read_api(&doc).unwrap_err();
    assert!(err.contains("get_x"), "{err}");
}

/// The worst cases of Zoom's document in one operation
/// (`tests/fixtures/worst.openapi.json`): the longest operationId, a `oneOf`
/// whose title is prose, nesting deep enough to pass 60 characters, a body
/// whose required fields include a keyword and a parameter's name, bounds.
fn worst() -> zoom_phone_codegen::model::Api {
    spec::load_api(&fixtures().join("worst.openapi.json")).expect("fixture reads")
}

#[test]
fn worst_case_models_snapshot() {
    let api = worst();
    let ops: Vec<_> = api.operations.iter().collect();
    let source = zoom_phone_codegen::typed_ops::tag_module("Common Areas", &ops).unwrap();
    let file = GeneratedFile::new(
        "worst.ops.rs",
        zoom_phone_codegen::rust_types::rustfmt(&source).unwrap(),
    );
    assert_snapshot(&file, "worst.ops.rs.txt");
    let names = type_names(&file.contents);
    assert!(names.len() > 10, "{names:?}");
    for name in &names {
        assert!(name.len() <= 60, "{name} is {} characters", name.len());
        // The prose of the title stays out; its first phrase names the variant.
        assert!(!name.contains("ThisAction"), "{name}");
    }
    assert!(
        names.iter().any(|n| n.ends_with("CustomHoursSettings")),
        "{names:?}"
    );
    assert!(file.contents.contains("pub fn new(\n        common_area_id: impl Into<String>,\n        body_common_area_id: impl Into<String>,"), "{}", file.contents);
}

#[test]
fn worst_case_group_snapshot() {
    let api = worst();
    let ops: Vec<_> = api.operations.iter().collect();
    let source = zoom_phone_codegen::rust_client::group("Common Areas", "common_areas", &ops);
    let file = GeneratedFile::new(
        "worst.group.rs",
        zoom_phone_codegen::rust_types::rustfmt(&source).unwrap(),
    );
    assert_snapshot(&file, "worst.group.rs.txt");
}

/// Every type name declared in generated source: structs, enums, aliases and
/// the enums of `string_enum!` / `int_enum!`.
fn type_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        for prefix in ["pub struct ", "pub enum ", "pub type "] {
            if let Some(rest) = line.strip_prefix(prefix) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
        if line.ends_with("_enum! {")
            && let Some(next) = lines.peek()
        {
            let name = next.trim().trim_end_matches(" {");
            names.push(name.rsplit(' ').next().unwrap_or(name).to_owned());
        }
    }
    names
}

/// `$ZOOM_SPEC_DIR`, else `<repo root>/../shared/zoom-spec`.
fn spec_dir() -> PathBuf {
    match std::env::var_os("ZOOM_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/zoom-spec"),
    }
}

#[test]
fn every_generated_type_name_is_at_most_60_characters() {
    let dir = spec_dir();
    let api =
        spec::load_api(&dir.join("phone-api.openapi.json")).expect("Zoom's spec (ZOOM_SPEC_DIR)");
    let hooks = zoom_phone_codegen::events::load_events(&dir.join("phone-webhooks.openapi.json"))
        .expect("Zoom's webhook spec");
    let mut files = zoom_phone_codegen::typed_ops::ops_files(&api).unwrap();
    files.push(zoom_phone_codegen::events::events_rs(&hooks).unwrap());
    let mut names = Vec::new();
    for file in &files {
        names.extend(type_names(&file.contents));
    }
    assert!(names.len() > 2500, "{} names", names.len());
    let long: Vec<&String> = names.iter().filter(|n| n.len() > 60).collect();
    assert!(long.is_empty(), "{} names over 60: {long:?}", long.len());
}
