//! Request building from any JSON parameters, for any operation.
//!
//! Input: `<operation id | snake name | index>`, optional config lines
//! (`base-url:`, `file-base-url:`, `user-agent:`, `sdk-header: off`), an
//! empty line, then the parameters: JSON text when the rest parses as JSON,
//! otherwise bytes from which parameters are generated along the
//! operation's own schema (the names and types it declares, with wrong
//! types, out-of-range values and stray fields mixed in).
//!
//! Invariants on every request built: the method is the operation's, the URL
//! is the base URL plus the operation's path template with each placeholder
//! filled by exactly one non-empty segment that is not a dot-segment, every
//! query key is a declared query parameter, no header holds CR or LF, a JSON
//! body is JSON, and building again gives the same request.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use zoom_phone::catalog::{Host, Operation, ParamLocation, Schema};
use zoom_phone::request::{RequestConfig, build_operation};
use zoom_phone_fuzz::{BoundedAlloc, exchange, operation};

#[global_allocator]
static ALLOC: BoundedAlloc = BoundedAlloc;

/// Nesting of generated values; the validator recurses too.
const MAX_DEPTH: u32 = 6;

fuzz_target!(|data: &[u8]| {
    let input = exchange(data);
    let op = operation(input.word(0));
    let mut config = RequestConfig::default();
    if let Some(v) = input.header("base-url") {
        config.base_url = v.to_owned();
    }
    if let Some(v) = input.header("file-base-url") {
        config.file_base_url = v.to_owned();
    }
    if let Some(v) = input.header("user-agent") {
        config.user_agent = v.to_owned();
    }
    config.sdk_header = input.header("sdk-header") != Some("off");

    let params = match serde_json::from_slice::<Value>(&input.body) {
        Ok(value) => value,
        Err(_) => {
            let mut u = Unstructured::new(&input.body);
            generate_params(&mut u, op).unwrap_or(Value::Null)
        }
    };
    let Ok(request) = build_operation(op, &params, &config) else {
        return;
    };
    check(op, &config, &request);
    let again = build_operation(op, &params, &config).expect("built once");
    assert_eq!(again.uri(), request.uri(), "the URL is not deterministic");
    assert_eq!(
        again.body(),
        request.body(),
        "the body is not deterministic"
    );
});

fn check(op: &Operation, config: &RequestConfig, request: &http::Request<Vec<u8>>) {
    assert_eq!(request.method().as_str(), op.method.to_ascii_uppercase());
    for (name, value) in request.headers() {
        assert!(
            !value
                .as_bytes()
                .iter()
                .any(|b| matches!(b, b'\r' | b'\n' | 0)),
            "header {name} holds a line break"
        );
    }

    let base: http::Uri = config
        .base_url(op.host)
        .parse()
        .expect("the build parsed it");
    let uri = request.uri();
    assert_eq!(uri.scheme(), base.scheme(), "scheme changed");
    assert_eq!(uri.authority(), base.authority(), "host changed");
    let base_path = base.path().trim_end_matches('/');
    let path = uri.path();
    let rest = path
        .strip_prefix(base_path)
        .unwrap_or_else(|| panic!("{path} is not under the base path {base_path}"));
    let got: Vec<&str> = rest.split('/').skip(1).collect();
    let template: Vec<&str> = op.path.split('/').skip(1).collect();
    assert!(
        rest.starts_with('/') || op.path.is_empty(),
        "{path} does not continue the base path"
    );
    assert_eq!(
        got.len(),
        template.len(),
        "{path} does not follow {}",
        op.path
    );
    for (segment, pattern) in got.iter().zip(&template) {
        if pattern.starts_with('{') {
            assert!(!segment.is_empty(), "an empty path segment in {path}");
            assert!(
                !matches!(*segment, "." | ".."),
                "a dot-segment in {path} would leave {}",
                op.path
            );
        } else {
            assert_eq!(segment, pattern, "{path} does not follow {}", op.path);
        }
    }

    if let Some(query) = uri.query() {
        for pair in query.split('&') {
            let key = pair.split('=').next().unwrap_or_default();
            assert!(
                op.params
                    .iter()
                    .any(|p| p.location == ParamLocation::Query && p.name == key),
                "query key {key} is not a declared query parameter of {}",
                op.id
            );
        }
    }

    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type == Some("application/json") {
        serde_json::from_slice::<Value>(request.body()).expect("a JSON body is JSON");
    }
    if op.host == Host::FileApi {
        assert_eq!(uri.authority(), base.authority());
    }
}

/// Parameters along the operation's declared names and schemas.
fn generate_params(u: &mut Unstructured, op: &Operation) -> arbitrary::Result<Value> {
    let mut map = Map::new();
    for param in &op.params {
        if param.required || u.arbitrary()? {
            map.insert(param.name.clone(), value(u, &param.schema, 0)?);
        }
    }
    if let Some(body) = &op.body {
        if u.ratio(7, 8)? {
            map.insert("body".to_owned(), value(u, &body.schema, 0)?);
        }
    }
    if u.ratio(1, 16)? {
        map.insert(String::arbitrary(u)?, wild(u, 0)?);
    }
    Ok(Value::Object(map))
}

/// A value that mostly fits `schema`, sometimes not.
fn value(u: &mut Unstructured, schema: &Schema, depth: u32) -> arbitrary::Result<Value> {
    if depth >= MAX_DEPTH || u.ratio(1, 12)? {
        return wild(u, depth);
    }
    Ok(match schema {
        Schema::Any => wild(u, depth)?,
        Schema::Boolean => Value::Bool(u.arbitrary()?),
        Schema::Integer {
            minimum,
            maximum,
            enum_values,
            ..
        } => {
            if !enum_values.is_empty() && u.ratio(3, 4)? {
                Value::from(*u.choose(enum_values)?)
            } else if u.arbitrary()? {
                let lo = minimum.map_or(-1000, |m| m as i64);
                let hi = maximum.map_or(1000, |m| m as i64).max(lo);
                Value::from(u.int_in_range(lo..=hi)?)
            } else {
                Value::from(i64::arbitrary(u)?)
            }
        }
        Schema::Number { .. } => {
            serde_json::Number::from_f64(f64::arbitrary(u)?).map_or(Value::Null, Value::Number)
        }
        Schema::String { enum_values, .. } => {
            if !enum_values.is_empty() && u.ratio(3, 4)? {
                Value::String(u.choose(enum_values)?.clone())
            } else {
                let special = ["", ".", "..", "a/b", "%2e", "x\r\ny: z", "é", "2026-01-01"];
                if u.ratio(1, 4)? {
                    Value::String((*u.choose(&special)?).to_owned())
                } else {
                    Value::String(String::arbitrary(u)?)
                }
            }
        }
        Schema::Array { items, .. } => {
            let n = u.int_in_range(0..=4)?;
            let mut list = Vec::with_capacity(n);
            for _ in 0..n {
                list.push(value(u, items, depth + 1)?);
            }
            Value::Array(list)
        }
        Schema::Object {
            properties,
            required,
            ..
        } => {
            let mut map = Map::new();
            for (name, schema) in properties {
                if required.contains(name) || u.arbitrary()? {
                    map.insert(name.clone(), value(u, schema, depth + 1)?);
                }
            }
            Value::Object(map)
        }
        Schema::OneOf { variants } => {
            if variants.is_empty() {
                wild(u, depth)?
            } else {
                let variant = u.choose(variants)?;
                value(u, variant, depth + 1)?
            }
        }
        Schema::File => {
            let mut map = Map::new();
            map.insert("filename".to_owned(), Value::String(String::arbitrary(u)?));
            map.insert(
                "content_type".to_owned(),
                Value::String(String::arbitrary(u)?),
            );
            map.insert(
                "data_base64".to_owned(),
                Value::String(String::arbitrary(u)?),
            );
            Value::Object(map)
        }
        // A schema kind this target does not know yet: any value.
        _ => wild(u, depth)?,
    })
}

/// Any JSON value.
fn wild(u: &mut Unstructured, depth: u32) -> arbitrary::Result<Value> {
    let leaf = depth >= MAX_DEPTH;
    Ok(match u.int_in_range(0..=if leaf { 3 } else { 5 })? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(i64::arbitrary(u)?),
        3 => Value::String(String::arbitrary(u)?),
        4 => {
            let n = u.int_in_range(0..=3)?;
            let mut list = Vec::with_capacity(n);
            for _ in 0..n {
                list.push(wild(u, depth + 1)?);
            }
            Value::Array(list)
        }
        _ => {
            let n = u.int_in_range(0..=3)?;
            let mut map = Map::new();
            for _ in 0..n {
                map.insert(String::arbitrary(u)?, wild(u, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}
