//! Reads Zoom's OpenAPI document (raw `serde_json::Value`) into the
//! normalized [`crate::model`]. Every quirk of the document is handled here;
//! see the module docs of `model` for the rules.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::model::{
    Api, Body, BodyMediaType, Host, Operation, Pagination, Param, ParamLocation, QueryStyle,
    RateLimitCategory, ResponseKind, Schema, SyncSpec,
};
use crate::names;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Reads and normalizes the API document at `path`.
pub fn load_api(path: &Path) -> Result<Api, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    read_api(&doc)
}

/// Normalizes a parsed API document.
pub fn read_api(doc: &Value) -> Result<Api, String> {
    let spec_version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no `paths` object")?;
    let mut operations = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let op = read_operation(path, method, op)
                .map_err(|e| format!("{} {path}: {e}", method.to_uppercase()))?;
            operations.push(op);
        }
    }
    operations.sort_by(|a, b| {
        (&a.tag, &a.path, &a.method, &a.id).cmp(&(&b.tag, &b.path, &b.method, &b.id))
    });
    let mut seen = BTreeMap::new();
    for op in &operations {
        for key in [&op.id, &op.name] {
            if let Some(other) = seen.insert(key.clone(), op.id.clone())
                && other != op.id
            {
                return Err(format!("`{key}` names both `{other}` and `{}`", op.id));
            }
        }
    }
    Ok(Api {
        spec_version,
        operations,
    })
}

/// How an array query parameter is sent. OpenAPI's `style`/`explode` decide
/// when present; the Phone spec has none, and for a few parameters its
/// description states, against OpenAPI's default, that the server reads one
/// comma-separated value. Only that fact is taken from the prose.
fn query_style(param: &Value) -> Result<QueryStyle, String> {
    let explode = param.get("explode").and_then(Value::as_bool);
    match (str_at(param, "style"), explode) {
        (Some("form") | None, Some(false)) => return Ok(QueryStyle::Comma),
        (Some("form"), _) | (None, Some(true)) => return Ok(QueryStyle::Form),
        (Some(other), _) => return Err(format!("query style `{other}` is not supported")),
        (None, None) => {}
    }
    let description = str_at(param, "description")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace('-', " ");
    // "comma separated", "comma-separated", and the spec's "comma seperated".
    let says_comma = ["comma separated", "comma seperated", "comma delimited"]
        .iter()
        .any(|hint| description.contains(hint));
    Ok(if says_comma {
        QueryStyle::Comma
    } else {
        QueryStyle::Form
    })
}

fn read_operation(path: &str, method: &str, op: &Value) -> Result<Operation, String> {
    let id = str_at(op, "operationId")
        .ok_or("no operationId")?
        .to_owned();
    let tag = op
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .ok_or("no tag")?
        .to_owned();
    let summary = str_at(op, "summary").unwrap_or_default().trim().to_owned();
    let deprecated = op
        .get("deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let mut params = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = str_at(p, "name")
            .ok_or("a parameter without a name")?
            .to_owned();
        let location = match str_at(p, "in") {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            other => return Err(format!("parameter `{name}` in {other:?} is not supported")),
        };
        let required = location == ParamLocation::Path
            || p.get("required").and_then(Value::as_bool) == Some(true);
        let schema = p.get("schema").map_or(Schema::Any, |s| schema(s, false));
        let style = match (&schema, location) {
            (Schema::Array { .. }, ParamLocation::Query) => {
                query_style(p).map_err(|e| format!("parameter `{name}`: {e}"))?
            }
            _ => QueryStyle::Form,
        };
        params.push(Param {
            name,
            location,
            required,
            schema,
            style,
        });
    }
    check_template(path, &params)?;

    let body = read_body(op.get("requestBody"))?;
    let host = match &body {
        Some(b) if b.media_type == BodyMediaType::Multipart => Host::FileApi,
        _ => Host::Api,
    };

    let (success_status, success) = success_response(op)?;
    let json_schema = success.and_then(|r| r.pointer("/content/application~1json/schema"));
    let response = match (success_status, json_schema) {
        (_, Some(_)) => ResponseKind::Json,
        (300..=399, None) => ResponseKind::Redirect,
        (_, None) if method == "get" && success_status != 204 => ResponseKind::Binary,
        (_, None) => ResponseKind::Empty,
    };
    let response_schema = json_schema.map(|s| schema(s, false));
    let sync = read_sync(&params, json_schema);
    let mut pagination = read_pagination(&params, json_schema);
    if let Some(p) = pagination.as_mut().filter(|p| !p.declared) {
        add_implicit_paging_params(&mut params, p);
    }

    let description = str_at(op, "description").unwrap_or_default();
    Ok(Operation {
        name: names::snake_case(&id),
        id,
        tag,
        method: method.to_uppercase(),
        path: path.to_owned(),
        host,
        summary,
        deprecated,
        params,
        body,
        success_status,
        response,
        response_schema,
        pagination,
        sync,
        rate_limit: rate_limit_label(description),
        scopes: string_list(op.pointer("/x-extensions/x-macro-scopes")),
        granular_scopes: string_list(op.pointer("/x-extensions/x-granular-scopes")),
    })
}

/// Every `{name}` of the template is a declared path parameter and vice versa.
fn check_template(path: &str, params: &[Param]) -> Result<(), String> {
    let in_template: Vec<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect();
    for name in &in_template {
        if !params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.name == *name)
        {
            return Err(format!("template parameter `{name}` is not declared"));
        }
    }
    for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
        if !in_template.contains(&p.name.as_str()) {
            return Err(format!(
                "path parameter `{}` is not in the template",
                p.name
            ));
        }
    }
    Ok(())
}

fn read_body(raw: Option<&Value>) -> Result<Option<Body>, String> {
    let Some(raw) = raw else { return Ok(None) };
    let required = raw
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let Some(content) = raw.get("content").and_then(Value::as_object) else {
        // A requestBody with a description only (one DELETE): nothing to send.
        return Ok(None);
    };
    if let Some(s) = content
        .get("application/json")
        .and_then(|c| c.get("schema"))
    {
        return Ok(Some(Body {
            media_type: BodyMediaType::Json,
            required,
            schema: schema(s, false),
        }));
    }
    if let Some(s) = content
        .get("multipart/form-data")
        .and_then(|c| c.get("schema"))
    {
        return Ok(Some(Body {
            media_type: BodyMediaType::Multipart,
            // The only multipart operation requires its file; Zoom omits the flag.
            required: true,
            schema: schema(s, true),
        }));
    }
    Err(format!(
        "request media types {:?} are not supported",
        content.keys().collect::<Vec<_>>()
    ))
}

/// The one documented 2xx/3xx response.
fn success_response(op: &Value) -> Result<(u16, Option<&Value>), String> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or("no responses")?;
    let mut found = None;
    for (status, r) in responses {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if (200..400).contains(&code) {
            if found.is_some() {
                return Err("more than one success response".into());
            }
            found = Some((code, Some(r)));
        }
    }
    found.ok_or_else(|| "no success response".into())
}

/// Token pagination: declared by a `next_page_token` query parameter, or
/// (undeclared) implied by a `next_page_token` response field. Both are read
/// after `allOf` merging, which is why `GET /phone/reports/operationlogs`
/// (whose token sits inside an `allOf` part) counts as declared and paginated.
fn read_pagination(params: &[Param], response: Option<&Value>) -> Option<Pagination> {
    const TOKEN: &str = "next_page_token";
    let declared = params
        .iter()
        .any(|p| p.location == ParamLocation::Query && p.name == TOKEN);
    let props = response.map(raw_properties).unwrap_or_default();
    let returns_token = props.iter().any(|(name, _)| name == TOKEN);
    if !declared && !returns_token {
        return None;
    }
    let page_size = params
        .iter()
        .find(|p| p.location == ParamLocation::Query && p.name == "page_size");
    let max_page_size = page_size.and_then(|p| match &p.schema {
        Schema::Integer { maximum, .. } | Schema::Number { maximum, .. } => {
            maximum.and_then(|m| u32::try_from(m as i64).ok())
        }
        _ => None,
    });
    let arrays: Vec<&(String, Value)> = props
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("array"))
        .collect();
    let items_field = if arrays.len() == 1 {
        arrays.first().map(|(n, _)| n.clone())
    } else {
        arrays
            .iter()
            .find(|(_, s)| s.get("deprecated").and_then(Value::as_bool) != Some(true))
            .map(|(n, _)| n.clone())
    };
    Some(Pagination {
        token_param: TOKEN.to_owned(),
        token_field: TOKEN.to_owned(),
        page_size_param: page_size.map(|p| p.name.clone()),
        max_page_size,
        items_field,
        declared,
    })
}

/// Incremental sync: a `sync_type` and a `sync_token` query parameter, and a
/// `sync_token` in the answer. The `sync_type` values are the enum's when the
/// spec lists one (matched by their first letter: F, I, B), else Zoom's
/// documented `FSync`, `ISync`, `BSync`.
fn read_sync(params: &[Param], response: Option<&Value>) -> Option<SyncSpec> {
    let query = |name: &str| {
        params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name == name)
    };
    let type_param = query("sync_type")?;
    query("sync_token")?;
    let props = response.map(raw_properties).unwrap_or_default();
    if !props.iter().any(|(n, _)| n == "sync_token") {
        return None;
    }
    let values = match &type_param.schema {
        Schema::String { enum_values, .. } => enum_values.clone(),
        _ => Vec::new(),
    };
    let value = |first: char, default: &str| {
        values
            .iter()
            .find(|v| v.starts_with(first))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let count = query("count");
    let max_count = count.and_then(|p| match &p.schema {
        Schema::Integer { maximum, .. } => maximum.and_then(|m| u32::try_from(m as i64).ok()),
        _ => None,
    });
    let mut arrays: Vec<&(String, Value)> = props
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("array"))
        .collect();
    arrays.sort_by_key(|(_, s)| s.get("deprecated").and_then(Value::as_bool) == Some(true));
    let record_fields = arrays.iter().map(|(n, _)| n.clone()).collect();
    Some(SyncSpec {
        type_param: "sync_type".to_owned(),
        token_param: "sync_token".to_owned(),
        token_field: "sync_token".to_owned(),
        count_param: count.map(|p| p.name.clone()),
        max_count,
        record_fields,
        full: value('F', "FSync"),
        incremental: value('I', "ISync"),
        backward: value('B', "BSync"),
    })
}

/// Zoom returns a page token from some operations without declaring the query
/// parameters that send it back. Declaring them in the catalog (optional, as
/// everywhere else) lets every consumer of the catalog (request building, the
/// mock server's validation, typed models, .d.ts and .pyi) page past the first
/// page without a special case of its own.
fn add_implicit_paging_params(params: &mut Vec<Param>, p: &mut Pagination) {
    params.push(Param {
        name: p.token_param.clone(),
        location: ParamLocation::Query,
        required: false,
        schema: Schema::String {
            format: None,
            enum_values: Vec::new(),
            min_length: None,
            max_length: None,
            pattern: None,
        },
        style: QueryStyle::Form,
    });
    if p.page_size_param.is_none() {
        params.push(Param {
            name: "page_size".to_owned(),
            location: ParamLocation::Query,
            required: false,
            schema: Schema::Integer {
                minimum: Some(1.0),
                maximum: None,
                enum_values: Vec::new(),
                format: None,
            },
            style: QueryStyle::Form,
        });
        p.page_size_param = Some("page_size".to_owned());
    }
}

/// Properties of a raw object schema in document order, `allOf` parts flattened.
fn raw_properties(s: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for part in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (k, v) in raw_properties(part) {
            out.retain(|(n, _)| *n != k);
            out.push((k, v));
        }
    }
    for (k, v) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.retain(|(n, _)| n != k);
        out.push((k.clone(), v.clone()));
    }
    out
}

/// "Rate Limit Label ... `MEDIUM`" anywhere in the description.
fn rate_limit_label(description: &str) -> Option<RateLimitCategory> {
    let at = description.find("Rate Limit Label")?;
    let rest = description.get(at..)?;
    let open = rest.find('`')?;
    let after = rest.get(open + 1..)?;
    let label = after.get(..after.find('`')?)?;
    let norm: String = label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match norm.as_str() {
        "light" => Some(RateLimitCategory::Light),
        "medium" => Some(RateLimitCategory::Medium),
        "heavy" => Some(RateLimitCategory::Heavy),
        "resourceintensive" => Some(RateLimitCategory::ResourceIntensive),
        _ => None,
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Reduces a raw schema. `multipart` marks the top level of a multipart body,
/// whose untyped-object or `format: binary` properties are file parts.
pub fn schema(raw: &Value, multipart: bool) -> Schema {
    let Some(obj) = raw.as_object() else {
        return Schema::Any;
    };
    if let Some(parts) = obj.get("oneOf").and_then(Value::as_array) {
        return Schema::OneOf {
            variants: parts.iter().map(|p| schema(p, false)).collect(),
        };
    }
    if obj.contains_key("allOf") {
        return merged_all_of(obj);
    }
    let ty = obj.get("type").and_then(Value::as_str);
    match ty {
        Some("boolean") => Schema::Boolean,
        Some("integer") => Schema::Integer {
            minimum: num(obj, "minimum"),
            maximum: num(obj, "maximum"),
            enum_values: obj
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .collect(),
            format: obj.get("format").and_then(Value::as_str).map(str::to_owned),
        },
        Some("number") => Schema::Number {
            minimum: num(obj, "minimum"),
            maximum: num(obj, "maximum"),
        },
        Some("string") => Schema::String {
            format: obj.get("format").and_then(Value::as_str).map(str::to_owned),
            enum_values: obj
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            min_length: obj.get("minLength").and_then(Value::as_u64),
            max_length: obj.get("maxLength").and_then(Value::as_u64),
            pattern: obj
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
        },
        Some("array") => Schema::Array {
            items: Box::new(obj.get("items").map_or(Schema::Any, |i| schema(i, false))),
            min_items: obj.get("minItems").and_then(Value::as_u64),
            max_items: obj.get("maxItems").and_then(Value::as_u64),
        },
        Some("object") | None if obj.contains_key("properties") || ty.is_some() => {
            object(obj, multipart)
        }
        _ => Schema::Any,
    }
}

fn object(obj: &Map<String, Value>, multipart: bool) -> Schema {
    let mut properties = BTreeMap::new();
    for (name, p) in obj
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let s = if multipart && is_file_part(p) {
            Schema::File
        } else {
            schema(p, false)
        };
        properties.insert(name.clone(), s);
    }
    Schema::Object {
        properties,
        required: string_list(obj.get("required")),
        title: obj.get("title").and_then(Value::as_str).map(str::to_owned),
    }
}

fn is_file_part(p: &Value) -> bool {
    let format = p.get("format").and_then(Value::as_str);
    let ty = p.get("type").and_then(Value::as_str);
    format == Some("binary") || (ty == Some("object") && p.get("properties").is_none())
}

/// `allOf`: the parts and any sibling `properties`/`required` merged into one
/// object; later parts win on a property clash. A part that is not an object
/// (never seen in Zoom's document) makes the whole schema `Any` rather than
/// claiming a shape we cannot express.
fn merged_all_of(obj: &Map<String, Value>) -> Schema {
    let mut properties = BTreeMap::new();
    let mut required: Vec<String> = Vec::new();
    let mut title = obj.get("title").and_then(Value::as_str).map(str::to_owned);
    let parts = obj
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let mut sibling = obj.clone();
    sibling.remove("allOf");
    let sibling = Value::Object(sibling);
    for part in parts.chain(std::iter::once(&sibling)) {
        let is_sibling = std::ptr::eq(part, &sibling);
        if is_sibling && part.get("properties").is_none() && part.get("required").is_none() {
            continue;
        }
        match schema(part, false) {
            Schema::Object {
                properties: p,
                required: r,
                title: t,
            } => {
                properties.extend(p);
                for name in r {
                    if !required.contains(&name) {
                        required.push(name);
                    }
                }
                title = title.or(t);
            }
            _ => return Schema::Any,
        }
    }
    Schema::Object {
        properties,
        required,
        title,
    }
}

fn num(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
}
