//! Typed operation models against Zoom's own spec: every JSON operation's
//! success body (synthesized from the raw schema, using Zoom's per-field
//! examples where they fit the declared type) decodes into its typed
//! response; typed requests build exactly what the generic path builds.

mod all_ops;

use http::StatusCode;
use serde_json::{Map, Value, json};
use zoom_phone::Error;
use zoom_phone::ops::call_queues::{
    GetACallQueue, GetACallQueueResponse, ListCallQueues, UpdateCallQueue, UpdateCallQueueBody,
};
use zoom_phone::request::RequestConfig;
use zoom_phone::typed::{Binary, Endpoint, build_typed, parse_typed, to_params};

/// How much of an object to synthesize.
#[derive(Clone, Copy, PartialEq)]
enum Fill {
    /// Every property.
    All,
    /// Required properties only.
    Required,
}

/// A JSON value that satisfies raw OpenAPI `schema`. Written against the raw
/// document (not the generator's model), so it checks the generator too.
fn synth(schema: &Value, fill: Fill, variant: usize) -> Value {
    if let Some(parts) = schema.get("oneOf").and_then(Value::as_array) {
        let part = parts.get(variant.min(parts.len().saturating_sub(1)));
        return part.map_or(Value::Null, |p| synth(p, fill, variant));
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut siblings = schema.clone();
        if let Some(o) = siblings.as_object_mut() {
            o.remove("allOf");
        }
        for part in parts.iter().chain(std::iter::once(&siblings)) {
            if let Value::Object(o) = synth(part, fill, variant) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let example = schema.get("example");
    let fits = |v: &Value| match ty {
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        _ => false,
    };
    if let Some(e) = example.filter(|e| fits(e)) {
        return e.clone();
    }
    // Zoom puts some item enums on the array itself; they describe the items.
    if let Some(first) = schema
        .get("enum")
        .filter(|_| ty != Some("array"))
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match ty {
        Some("string") => json!("2024-01-02T03:04:05Z"),
        Some("integer") => json!(7),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => {
            let item = schema
                .get("items")
                .map_or(Value::Null, |i| synth(i, fill, variant));
            Value::Array(vec![item])
        }
        _ => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut out = Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if fill == Fill::All || required.contains(&name.as_str()) {
                    out.insert(name.clone(), synth(prop, fill, variant));
                }
            }
            Value::Object(out)
        }
    }
}

/// `(operationId, raw success schema)` of every JSON operation.
fn json_operations() -> Vec<(String, Value)> {
    let doc = crate::raw_spec::api_spec();
    let mut out = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                let schema = &r["content"]["application/json"]["schema"];
                if status.starts_with('2') && !schema.is_null() {
                    out.push((id.to_owned(), schema.clone()));
                }
            }
        }
    }
    out
}

fn response(status: u16, body: Vec<u8>) -> http::Response<Vec<u8>> {
    let mut r = http::Response::new(body);
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r
}

#[test]
fn every_json_operation_decodes_its_synthesized_success_body() {
    let ops = json_operations();
    assert_eq!(ops.len(), 220);
    let mut failures = Vec::new();
    for (id, schema) in &ops {
        let cases = [
            (
                "all fields, first oneOf variant",
                synth(schema, Fill::All, 0),
            ),
            ("required fields only", synth(schema, Fill::Required, 0)),
            (
                "all fields, second oneOf variant",
                synth(schema, Fill::All, 1),
            ),
        ];
        for (case, body) in cases {
            let bytes = body.to_string().into_bytes();
            match all_ops::parse(id, response(200, bytes)) {
                Some(Ok(())) => {}
                Some(Err(e)) => failures.push(format!("{id} ({case}): {e}")),
                None => failures.push(format!("{id}: no typed model")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalog_operation_has_a_typed_model() {
    for op in zoom_phone::operations() {
        // A 500 reaches the status check of every model, whatever its kind.
        let parsed = all_ops::parse(&op.id, response(500, Vec::new()));
        assert!(
            matches!(parsed, Some(Err(Error::Api(ref e))) if e.status == 500),
            "{}: {parsed:?}",
            op.id
        );
    }
    assert!(all_ops::parse("noSuchOperation", response(200, Vec::new())).is_none());
}

#[test]
fn unknown_fields_and_enum_values_are_tolerated() {
    let body = json!({
        "id": "cq1",
        "name": "Sales",
        "status": "a-status-zoom-adds-later",
        "field_zoom_adds_later": {"deep": [1, 2, 3]}
    });
    let parsed = parse_typed::<GetACallQueue>(response(200, body.to_string().into_bytes()));
    let queue: GetACallQueueResponse = parsed.unwrap_or_else(|e| panic!("{e}")).body;
    assert_eq!(queue.id.as_deref(), Some("cq1"));
    assert_eq!(queue.name.as_deref(), Some("Sales"));
    let status = queue.status.as_ref().map(|s| s.as_str());
    assert_eq!(status, Some("a-status-zoom-adds-later"));
}

#[test]
fn a_mistyped_field_is_a_decode_error_naming_its_path() {
    let body = json!({
        "call_queues": [
            {"id": "a", "extension_number": 100},
            {"id": "b", "extension_number": "one hundred"}
        ]
    });
    let err = parse_typed::<ListCallQueues>(response(200, body.to_string().into_bytes()));
    match err {
        Err(Error::Decode(e)) => {
            assert_eq!(e.operation, "listCallQueues");
            assert_eq!(e.path, "call_queues[1].extension_number");
            assert_eq!(e.status, 200);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let err = parse_typed::<ListCallQueues>(response(200, b"{} trailing".to_vec()));
    assert!(matches!(err, Err(Error::Decode(_))), "{err:?}");
}

#[test]
fn typed_params_use_spec_names_and_skip_unset_options() {
    let mut req = UpdateCallQueue::new("cq 1/2");
    req.body = Some(UpdateCallQueueBody {
        name: Some("Support".into()),
        ..UpdateCallQueueBody::default()
    });
    let params = to_params(&req).unwrap_or_default();
    assert_eq!(
        params,
        json!({"callQueueId": "cq 1/2", "body": {"name": "Support"}})
    );

    let list = ListCallQueues {
        page_size: Some(50),
        ..ListCallQueues::default()
    };
    assert_eq!(
        to_params(&list).unwrap_or_default(),
        json!({"page_size": 50})
    );
    assert_eq!(ListCallQueues::OPERATION_ID, "listCallQueues");
}

#[test]
fn typed_requests_build_what_the_generic_path_builds() {
    let config = RequestConfig::default();
    let mut update = UpdateCallQueue::new("cq1");
    update.body = Some(UpdateCallQueueBody {
        name: Some("Support".into()),
        ..UpdateCallQueueBody::default()
    });
    let list = ListCallQueues {
        page_size: Some(10),
        site_id: Some("s1".into()),
        ..ListCallQueues::default()
    };
    fn same<E: Endpoint>(e: &E, generic: Value, config: &RequestConfig) {
        let typed = build_typed(e, config);
        let plain = zoom_phone::request::build(E::OPERATION_ID, &generic, config);
        let (a, b) = match (typed, plain) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => panic!("typed {a:?} vs generic {b:?}"),
        };
        assert_eq!(a.method(), b.method());
        assert_eq!(a.uri(), b.uri());
        assert_eq!(a.headers(), b.headers());
        assert_eq!(a.body(), b.body());
    }
    same(
        &update,
        json!({"callQueueId": "cq1", "body": {"name": "Support"}}),
        &config,
    );
    same(&list, json!({"page_size": 10, "site_id": "s1"}), &config);
    let built = build_typed(&update, &config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(built.method(), http::Method::PATCH);
    assert_eq!(built.uri(), "https://api.zoom.us/v2/phone/call_queues/cq1");
    assert_eq!(built.body().as_slice(), br#"{"name":"Support"}"#);
}

#[test]
fn non_json_operations_answer_bytes_locations_and_nothing() {
    use zoom_phone::ops::recordings::{
        DeleteCallRecording, PhoneDownloadRecordingFile, PhoneDownloadRecordingTranscript,
    };
    use zoom_phone::typed::Redirect;

    let mut download = response(200, vec![0, 159, 146, 150]);
    download.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("audio/mpeg"),
    );
    assert_eq!(
        parse_typed::<PhoneDownloadRecordingFile>(download)
            .ok()
            .map(|o| o.body),
        Some(Binary::new(
            vec![0, 159, 146, 150],
            Some("audio/mpeg".into())
        ))
    );

    let mut moved = response(302, Vec::new());
    moved.headers_mut().insert(
        http::header::LOCATION,
        http::HeaderValue::from_static("https://file.zoom.us/t.vtt"),
    );
    assert_eq!(
        parse_typed::<PhoneDownloadRecordingTranscript>(moved)
            .ok()
            .map(|o| o.body),
        Some(Redirect::new("https://file.zoom.us/t.vtt"))
    );
    // A 302 without a Location is not the promised redirect: Zoom's error path.
    let no_location = parse_typed::<PhoneDownloadRecordingTranscript>(response(302, Vec::new()));
    assert!(matches!(no_location, Err(Error::Api(_))), "{no_location:?}");

    let deleted = parse_typed::<DeleteCallRecording>(response(204, Vec::new()));
    assert!(
        matches!(deleted, Ok(ref o) if o.status == 204),
        "{deleted:?}"
    );
}

#[test]
fn decode_errors_name_the_path_from_the_bytes() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        tags: Option<Vec<i64>>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        #[serde(rename = "we\"ird")]
        weird: Option<String>,
        items: Vec<Item>,
    }
    let path = |body: &str| {
        zoom_phone::typed::decode_json::<Page>("op", 200, None, body.as_bytes())
            .map(drop)
            .map_err(|e| (e.path, e.message))
    };
    // A missing field is the path of its object.
    let (p, m) = path(r#"{"items": [{"id": "a"}, {"tags": [1]}]}"#).unwrap_err();
    assert_eq!(p, "items[1]");
    assert_eq!(m, "missing field `id`");
    // A wrong value: its own path, scalars, objects and arrays alike.
    assert_eq!(
        path(r#"{"items": [{"id": "a", "tags": [1, "x"]}]}"#)
            .unwrap_err()
            .0,
        "items[0].tags[1]"
    );
    assert_eq!(
        path(r#"{"items": [{"id": {"deep": 1}}]}"#).unwrap_err().0,
        "items[0].id"
    );
    assert_eq!(path(r#"{"items": {"id": "a"}}"#).unwrap_err().0, "items");
    // Escaped keys and strings, whitespace and newlines before the fault.
    let body =
        "{\n \"we\\\"ird\": \"a,\\\"b]\",\n \"items\": [\n  {\"id\": \"a\"},\n  {\"id\": 5}\n ]\n}";
    assert_eq!(path(body).unwrap_err().0, "items[1].id");
    assert_eq!(path("{}").unwrap_err().0, ".");
    assert!(path(r#"{"items": []}"#).is_ok());
}

#[test]
fn a_success_carrying_zooms_error_object_is_an_api_error() {
    let mut r = response(
        200,
        br#"{"code": 1001, "message": "User does not exist"}"#.to_vec(),
    );
    r.headers_mut().insert(
        "x-zm-trackingid",
        http::HeaderValue::from_static("v=2.0;clid=us06;rid=1"),
    );
    match parse_typed::<ListCallQueues>(r) {
        Err(Error::Api(e)) => {
            assert_eq!(e.code, Some(1001));
            assert_eq!(e.tracking_id.as_deref(), Some("v=2.0;clid=us06;rid=1"));
        }
        other => panic!("expected Zoom's error, got {other:?}"),
    }
    // `code` and `message` beside a model's own keys: a model.
    let body = br#"{"code": 1, "message": "m", "total_records": 3}"#;
    let parsed = parse_typed::<ListCallQueues>(response(200, body.to_vec()));
    assert_eq!(parsed.ok().and_then(|o| o.body.total_records), Some(3));
    // Truncated and non-JSON bodies keep a snippet.
    match parse_typed::<ListCallQueues>(response(200, br#"{"call_queues": [{"#.to_vec())) {
        Err(Error::Decode(e)) => {
            assert_eq!(e.path, ".");
            assert!(e.message.contains("truncated"), "{e}");
            assert_eq!(e.snippet.as_deref(), Some(r#"{"call_queues": [{"#));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn decode_json_reads_bytes_a_host_already_classified() {
    use zoom_phone::ops::call_queues::ListCallQueuesResponse;
    use zoom_phone::typed::decode_json;
    let page: ListCallQueuesResponse = decode_json(
        "listCallQueues",
        200,
        None,
        br#"{"call_queues": [{"id": "a"}], "next_page_token": ""}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.call_queues.map(|q| q.len()), Some(1));
    // An empty body is `null`: what a `()` or `Option` model reads.
    assert!(matches!(
        decode_json::<Option<ListCallQueuesResponse>>("x", 204, None, b" "),
        Ok(None)
    ));
    let e = decode_json::<ListCallQueuesResponse>("listCallQueues", 201, Some("t"), b"[1]")
        .err()
        .unwrap_or_else(|| panic!("an array is not the model"));
    assert_eq!(
        (e.status, e.path.as_str(), e.tracking_id.as_deref()),
        (201, ".", Some("t"))
    );
}

#[test]
fn requests_with_required_fields_take_them_in_new() {
    use zoom_phone::ops::call_queues::CreateCallQueue;
    use zoom_phone::ops::external_contacts::AddExternalContact;
    let mut contact = AddExternalContact::new("Ada");
    contact.body.email = Some("ada@example.com".into());
    assert_eq!(
        to_params(&contact).unwrap_or_default(),
        json!({"body": {"name": "Ada", "email": "ada@example.com"}})
    );
    let queue = CreateCallQueue::new("Sales", "site-1");
    assert_eq!(
        to_params(&queue).unwrap_or_default(),
        json!({"body": {"name": "Sales", "site_id": "site-1"}})
    );
    // What the catalog validator checks, the type now guarantees.
    let config = RequestConfig::default();
    assert!(build_typed(&contact, &config).is_ok());
    assert!(build_typed(&queue, &config).is_ok());
}

#[test]
fn binary_bodies_debug_as_length_and_type() {
    let file = Binary::new(vec![7; 4976], Some("audio/mpeg".into()));
    let shown = format!("{file:?}");
    assert_eq!(
        shown,
        r#"Binary { len: 4976, content_type: Some("audio/mpeg") }"#
    );
}
