//! Every one of the spec's operations: the catalog agrees with the raw spec,
//! a request built from the spec's example values has the method, URL and
//! body computed here from the raw spec, and a response synthesized from the
//! raw response schema parses.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use zoom_phone::catalog::{self, BodyMediaType, Host, RateLimitCategory};
use zoom_phone::request::{self, BuildError, RequestConfig};
use zoom_phone::response::{self, Body};

use crate::raw_spec::{self, RawOp, example, percent_encode, text};

const FAX_ZIP_BASE64: &str = "UEsDBAoAAAAAAA==";

fn params_for(raw: &RawOp<'_>) -> Map<String, Value> {
    let mut params = Map::new();
    for p in raw.params() {
        let name = p["name"].as_str().expect("name").to_owned();
        params.insert(name, example(&p["schema"]));
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

fn expected_url(raw: &RawOp<'_>, params: &Map<String, Value>) -> String {
    let base = if raw.path.starts_with("/phone/") {
        "https://api.zoom.us/v2"
    } else {
        // The fax upload goes to Zoom's file host (ZOOM-FACTS.md).
        "https://fileapi.zoom.us/v2"
    };
    let mut path = String::new();
    for segment in raw.path.split('/').skip(1) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => path.push_str(&percent_encode(&text(&params[name]))),
            None => path.push_str(segment),
        }
    }
    let mut query = Vec::new();
    for p in raw.params() {
        if p["in"] != "query" {
            continue;
        }
        let name = p["name"].as_str().expect("name");
        let values = match &params[name] {
            Value::Array(items) => items.clone(),
            v => vec![v.clone()],
        };
        // The spec's own description says these lists are one
        // comma-separated value.
        let comma = p["description"]
            .as_str()
            .is_some_and(|d| d.to_ascii_lowercase().contains("comma"));
        if comma && p["schema"]["type"] == "array" {
            let joined: Vec<String> = values.iter().map(|v| percent_encode(&text(v))).collect();
            query.push(format!("{}={}", percent_encode(name), joined.join(",")));
            continue;
        }
        for v in values {
            query.push(format!(
                "{}={}",
                percent_encode(name),
                percent_encode(&text(&v))
            ));
        }
    }
    if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", query.join("&"))
    }
}

fn rate_limit_label(description: &str) -> Option<RateLimitCategory> {
    let after = description.split("Rate Limit Label").nth(1)?;
    let label = after.split('`').nth(1)?;
    RateLimitCategory::parse(label)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

#[test]
fn the_catalog_agrees_with_the_raw_spec() {
    let spec = raw_spec::api_spec();
    let raws = raw_spec::operations(&spec);
    assert_eq!(raws.len(), 391);
    assert_eq!(catalog::operations().len(), raws.len());
    let mut names = BTreeSet::new();
    for raw in &raws {
        let op = catalog::operation(raw.id()).unwrap_or_else(|| panic!("{} missing", raw.id()));
        assert!(names.insert(op.name.clone()), "duplicate name {}", op.name);
        assert_eq!(op.method, raw.method, "{}", raw.id());
        assert_eq!(op.path, raw.path, "{}", raw.id());
        assert_eq!(op.tag, raw.op["tags"][0], "{}", raw.id());
        assert_eq!(op.summary, raw.op["summary"].as_str().unwrap().trim());
        assert_eq!(op.deprecated, raw.op["deprecated"] == true, "{}", raw.id());
        assert_eq!(op.success_status, raw.success().0, "{}", raw.id());
        assert_eq!(
            op.scopes,
            strings(&raw.op["x-extensions"]["x-macro-scopes"])
        );
        assert_eq!(
            op.granular_scopes,
            strings(&raw.op["x-extensions"]["x-granular-scopes"])
        );
        assert_eq!(
            op.rate_limit,
            rate_limit_label(raw.op["description"].as_str().unwrap()),
            "{}",
            raw.id()
        );
        let raw_params: Vec<(&str, &str, bool)> = raw
            .params()
            .iter()
            .map(|p| {
                let loc = p["in"].as_str().unwrap();
                (
                    p["name"].as_str().unwrap(),
                    loc,
                    loc == "path" || p["required"] == true,
                )
            })
            .collect();
        let params: Vec<(&str, &str, bool)> = op
            .params
            .iter()
            .map(|p| {
                let loc = match p.location {
                    catalog::ParamLocation::Path => "path",
                    catalog::ParamLocation::Query => "query",
                    other => {
                        panic!("a parameter location the raw spec check does not know: {other:?}")
                    }
                };
                (p.name.as_str(), loc, p.required)
            })
            .collect();
        // Zoom returns a page token from a few operations without declaring the
        // query parameters that send it back; the catalog declares them (optional).
        let mut raw_params = raw_params;
        let raw_declares = |name: &str| raw.params().iter().any(|p| p["name"] == name);
        if !raw_declares("next_page_token") && returns_page_token(raw) {
            raw_params.push(("next_page_token", "query", false));
            if !raw_declares("page_size") {
                raw_params.push(("page_size", "query", false));
            }
        }
        assert_eq!(params, raw_params, "{}", raw.id());
        let declares_token = raw.params().iter().any(|p| p["name"] == "next_page_token");
        if declares_token {
            assert!(
                op.pagination.as_ref().is_some_and(|p| p.declared),
                "{}",
                raw.id()
            );
        }
        match raw.body() {
            Some(("multipart/form-data", _)) => {
                assert_eq!(
                    op.body.as_ref().map(|b| b.media_type),
                    Some(BodyMediaType::Multipart)
                );
                assert_eq!(op.host, Host::FileApi);
            }
            Some((_, _)) => {
                assert_eq!(
                    op.body.as_ref().map(|b| b.media_type),
                    Some(BodyMediaType::Json)
                );
                assert_eq!(op.host, Host::Api);
            }
            None => assert!(op.body.is_none(), "{}", raw.id()),
        }
    }
    let by_label = |l| {
        catalog::operations()
            .iter()
            .filter(|o| o.rate_limit == l)
            .count()
    };
    assert_eq!(by_label(Some(RateLimitCategory::Light)), 290);
    assert_eq!(by_label(Some(RateLimitCategory::Medium)), 79);
    assert_eq!(by_label(Some(RateLimitCategory::Heavy)), 17);
    assert_eq!(by_label(Some(RateLimitCategory::ResourceIntensive)), 3);
    assert_eq!(by_label(None), 2);
    // The two operations that return a token without declaring the parameter.
    let undeclared: BTreeSet<&str> = catalog::operations()
        .iter()
        .filter(|o| o.pagination.as_ref().is_some_and(|p| !p.declared))
        .map(|o| o.path.as_str())
        .collect();
    assert_eq!(
        undeclared,
        BTreeSet::from([
            "/phone/call_queues/{callQueueId}/members",
            "/phone/metrics/location_tracking"
        ])
    );
}

#[test]
fn every_operation_builds_from_its_examples() {
    let spec = raw_spec::api_spec();
    let config = RequestConfig::default();
    let mut built = 0;
    for raw in raw_spec::operations(&spec) {
        let id = raw.id().to_owned();
        let params = params_for(&raw);
        let request = request::build(&id, &Value::Object(params.clone()), &config)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(request.method().as_str(), raw.method, "{id}");
        assert_eq!(
            request.uri().to_string(),
            expected_url(&raw, &params),
            "{id}"
        );
        let (status, json_schema) = raw.success();
        let download = json_schema.is_none() && (raw.method == "GET" || status == 302);
        let accept = if download { "*/*" } else { "application/json" };
        assert_eq!(request.headers()["accept"], accept, "{id}");
        assert!(request.headers().contains_key("user-agent"));
        assert!(!request.headers().contains_key("authorization"));
        match raw.body() {
            None => assert!(request.body().is_empty(), "{id}"),
            Some(("multipart/form-data", _)) => {
                let ct = request.headers()["content-type"].to_str().unwrap();
                let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect(ct);
                let body = request.body();
                let opening = format!("--{boundary}\r\n");
                assert!(body.starts_with(opening.as_bytes()), "{id}");
                assert!(
                    body.ends_with(format!("--{boundary}--\r\n").as_bytes()),
                    "{id}"
                );
                let zip = b"PK\x03\x04\n\0\0\0\0\0";
                assert!(
                    body.windows(zip.len()).any(|w| w == zip),
                    "{id}: file bytes"
                );
                let text = String::from_utf8_lossy(body);
                assert!(text.contains("name=\"file\"; filename=\"fax.zip\""));
                assert!(text.contains("Content-Type: application/zip"));
            }
            Some((_, _)) => {
                assert_eq!(request.headers()["content-type"], "application/json");
                let sent: Value = serde_json::from_slice(request.body()).expect("JSON body");
                assert_eq!(sent, params["body"], "{id}");
            }
        }
        built += 1;
    }
    assert_eq!(built, 391);
}

#[test]
fn missing_required_fields_are_named_for_every_operation() {
    let spec = raw_spec::api_spec();
    let config = RequestConfig::default();
    let mut checked = 0;
    for raw in raw_spec::operations(&spec) {
        let id = raw.id().to_owned();
        let params = params_for(&raw);
        for p in raw
            .params()
            .iter()
            .filter(|p| p["in"] == "path" || p["required"] == true)
        {
            let name = p["name"].as_str().unwrap();
            let mut without = params.clone();
            without.remove(name);
            let err = request::build(&id, &Value::Object(without), &config).unwrap_err();
            assert!(
                matches!(&err, zoom_phone::Error::Build(BuildError::MissingParameter { field, .. }) if field == name),
                "{id}: {err}"
            );
            checked += 1;
        }
        let required = raw
            .body()
            .and_then(|(_, s)| s["required"].as_array())
            .and_then(|r| r.first())
            .and_then(Value::as_str);
        if let Some(field) = required {
            let mut without = params.clone();
            if let Some(Value::Object(body)) = without.get_mut("body") {
                body.remove(field);
            }
            let err = request::build(&id, &Value::Object(without), &config).unwrap_err();
            let expected = format!("body.{field}");
            assert!(
                matches!(&err, zoom_phone::Error::Build(BuildError::MissingParameter { field, .. }) if *field == expected),
                "{id}: {err}"
            );
            checked += 1;
        }
    }
    assert!(checked > 391, "only {checked} required fields checked");
}

#[test]
fn every_operation_parses_a_synthesized_success_response() {
    let spec = raw_spec::api_spec();
    for raw in raw_spec::operations(&spec) {
        let id = raw.id().to_owned();
        let op = catalog::operation(&id).expect("in catalog");
        let (status, json_schema) = raw.success();
        let mut builder = http::Response::builder()
            .status(status)
            .header("x-zm-trackingid", "v=2.0;clid=us05;rid=TEST");
        let (bytes, expected) = match json_schema {
            Some(schema) => {
                let v = example(schema);
                builder = builder.header("content-type", "application/json;charset=UTF-8");
                (serde_json::to_vec(&v).unwrap(), Body::Json(v))
            }
            None if status == 302 => {
                builder = builder.header("location", "https://file.zoom.us/t/abc?x=1");
                (
                    Vec::new(),
                    Body::Redirect {
                        location: "https://file.zoom.us/t/abc?x=1".into(),
                    },
                )
            }
            None if raw.method == "GET" => {
                let bytes = vec![0x49, 0x44, 0x33, 0x00, 0xff, 0xfe];
                builder = builder.header("content-type", "audio/mpeg");
                (
                    bytes.clone(),
                    Body::Binary {
                        content_type: Some("audio/mpeg".into()),
                        bytes,
                    },
                )
            }
            None => (Vec::new(), Body::Empty),
        };
        let response = builder.body(bytes).unwrap();
        let output = response::parse(op, response).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(output.status, status, "{id}");
        assert_eq!(
            output.tracking_id.as_deref(),
            Some("v=2.0;clid=us05;rid=TEST")
        );
        assert_eq!(output.body, expected, "{id}");

        #[cfg(feature = "response-schemas")]
        if let Body::Json(v) = &output.body {
            let schema = catalog::response_schema(&id).expect("schema for a JSON op");
            zoom_phone::validate::validate(schema, v, "response")
                .unwrap_or_else(|e| panic!("{id}: {e}"));
        }
    }
}

/// Whether the raw success schema has a top-level `next_page_token` field,
/// looking into `allOf` parts.
fn returns_page_token(raw: &RawOp<'_>) -> bool {
    fn has(schema: &Value) -> bool {
        schema.pointer("/properties/next_page_token").is_some()
            || schema["allOf"]
                .as_array()
                .is_some_and(|parts| parts.iter().any(has))
    }
    raw.success().1.is_some_and(has)
}
