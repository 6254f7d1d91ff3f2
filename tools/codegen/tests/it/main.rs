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
