//! The `/v2` API: bearer authentication, the Zoom Phone switch, rate
//! limits, request validation against the catalog, then an answer that
//! validates against the operation's response schema.

use std::collections::BTreeMap;
use std::time::Instant;

use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};
use zoom_phone::catalog::{
    BodyMediaType, Operation, ParamLocation, RateLimitCategory, ResponseKind, Schema,
    response_schema,
};
use zoom_phone::date::Date;
use zoom_phone::validate::{validate, validate_param};

use crate::body::{self, Resp, zoom_error};
use crate::dated::{self, Dated};
use crate::paging;
use crate::ratelimit::Verdict;
use crate::state::State;
use crate::store::{self, Action, RESOURCES};
use crate::synth;
use crate::util::{fnv1a, iso8601, lock, mix, now_ms, sha256};

/// A request routed to an operation.
#[derive(Debug)]
pub(crate) struct ApiRequest<'a> {
    pub op: &'static Operation,
    pub path_params: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

const DEFAULT_PAGE_SIZE: usize = 30;
const UNSTATED_MAX_PAGE_SIZE: usize = 300;

/// The bytes every download of `file_id` returns: deterministic, about
/// 4-5 kB, and deliberately not UTF-8 (they start with `FF FE 00 80`).
pub fn download_bytes(file_id: &str) -> Vec<u8> {
    let len = 4096 + usize::try_from(fnv1a(&[file_id]) % 1024).unwrap_or(0);
    let mut out = vec![0xff, 0xfe, 0x00, 0x80];
    let mut block = sha256(file_id.as_bytes());
    while out.len() < len {
        out.extend_from_slice(&block);
        block = sha256(&block);
    }
    out.truncate(len);
    out
}

/// The text at a transcript's redirect target.
pub fn transcript_text(recording_id: &str) -> String {
    format!(
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.500\nMock caller: transcript of {recording_id}.\n"
    )
}

fn validation_failed(errors: Vec<(String, String)>) -> Resp {
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|(field, message)| json!({ "field": field, "message": message }))
        .collect();
    body::json(
        StatusCode::BAD_REQUEST,
        &json!({ "code": 300, "message": "Validation Failed.", "errors": errors }),
    )
}

/// A query string value as the JSON type its schema asks for, so the
/// catalog's validator can judge it.
fn coerce(schema: &Schema, raw: &str) -> Value {
    match schema {
        Schema::Integer { .. } => raw
            .parse::<i64>()
            .map_or_else(|_| Value::String(raw.to_string()), Value::from),
        Schema::Number { .. } => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(raw.to_string()), Value::Number),
        Schema::Boolean => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.to_string()),
        },
        Schema::Array { items, .. } => Value::Array(
            raw.split(',')
                .filter(|s| !s.is_empty())
                .map(|s| coerce(items, s))
                .collect(),
        ),
        _ => Value::String(raw.to_string()),
    }
}

/// Checks parameters and body; returns the parsed JSON body.
fn check_request(req: &ApiRequest<'_>) -> Result<Option<Value>, Resp> {
    let op = req.op;
    let mut errors = Vec::new();
    for p in &op.params {
        let raw = match p.location {
            ParamLocation::Path => req.path_params.get(&p.name),
            ParamLocation::Query => req.query.get(&p.name),
            // A location this mock does not serve is never sent.
            _ => None,
        };
        let Some(raw) = raw else {
            if p.required {
                errors.push((p.name.clone(), format!("'{}' is required.", p.name)));
            }
            continue;
        };
        let value = coerce(&p.schema, raw);
        if let Err(v) = validate_param(&p.schema, &value, &p.name) {
            errors.push((v.path.clone(), v.kind.to_string()));
            continue;
        }
        if let Some(pg) = &op.pagination {
            if pg.page_size_param.as_deref() == Some(p.name.as_str()) {
                if let (Some(max), Some(n)) = (pg.max_page_size, value.as_i64()) {
                    if n > i64::from(max) || n < 1 {
                        errors.push((p.name.clone(), format!("must be between 1 and {max}.")));
                    }
                }
            }
        }
    }
    let mut parsed = None;
    if let Some(b) = &op.body {
        let empty = req.body.iter().all(u8::is_ascii_whitespace);
        match b.media_type {
            BodyMediaType::Json if !empty => match serde_json::from_slice::<Value>(req.body) {
                Ok(v) => {
                    if let Err(violation) = validate(&b.schema, &v, "") {
                        errors.push((violation.path.clone(), violation.kind.to_string()));
                    }
                    parsed = Some(v);
                }
                Err(_) => {
                    return Err(zoom_error(
                        StatusCode::BAD_REQUEST,
                        300,
                        "Request Body should be a valid JSON object.",
                    ));
                }
            },
            _ if empty && b.required => {
                errors.push(("body".into(), "A request body is required.".into()));
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(validation_failed(errors))
    }
}

fn add_rate_headers(resp: &mut Resp, v: &Verdict) {
    let h = resp.headers_mut();
    h.insert(
        "x-ratelimit-category",
        HeaderValue::from_static(v.category.as_str()),
    );
    h.insert("x-ratelimit-type", HeaderValue::from_static(v.limit_type));
    h.insert("x-ratelimit-limit", HeaderValue::from(v.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(v.remaining));
    if let Some(ra) = v
        .retry_after
        .as_deref()
        .and_then(|s| HeaderValue::from_str(s).ok())
    {
        h.insert(header::RETRY_AFTER, ra);
    }
}

/// The 429 Zoom sends for an exhausted limit.
pub(crate) fn too_many(v: &Verdict) -> Resp {
    let message = if v.limit_type == "Daily-limit" {
        "You have reached the maximum daily rate limit for this API. See the Retry-After header for when to try again."
    } else {
        "You have reached the maximum per-second rate limit for this API. Try again later."
    };
    let mut r = zoom_error(StatusCode::TOO_MANY_REQUESTS, 429, message);
    add_rate_headers(&mut r, v);
    r
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Answers one API request.
pub(crate) fn handle(state: &State, req: &ApiRequest<'_>) -> Resp {
    let now = Instant::now();
    // Zoom refuses tokens in the query string, even valid ones.
    if req.query.contains_key("access_token") {
        return zoom_error(StatusCode::UNAUTHORIZED, 124, "Invalid access token.");
    }
    let Some(token) = bearer(req.headers) else {
        return zoom_error(StatusCode::UNAUTHORIZED, 124, "Requires an access token.");
    };
    let account = match lock(&state.oauth).authenticate(token, now) {
        Ok(t) => t.account_id,
        Err(crate::oauth::TokenProblem::Expired) => {
            return zoom_error(StatusCode::UNAUTHORIZED, 124, "Access token has expired.");
        }
        Err(crate::oauth::TokenProblem::Unknown) => {
            return zoom_error(StatusCode::UNAUTHORIZED, 124, "Invalid access token.");
        }
    };
    if lock(&state.phone).is_disabled(&account) {
        return zoom_error(
            StatusCode::FORBIDDEN,
            2031,
            "Zoom Phone has not been enabled for this account.",
        );
    }
    let category = req.op.rate_limit.unwrap_or(RateLimitCategory::Light);
    let verdict = lock(&state.limits).check(&account, category, now, now_ms() / 1000);
    if let Some(v) = &verdict {
        if !v.allowed {
            return too_many(v);
        }
    }
    let mut resp = match check_request(req) {
        Ok(body) => answer(state, req, body.as_ref()),
        Err(r) => r,
    };
    if let Some(v) = &verdict {
        add_rate_headers(&mut resp, v);
    }
    resp
}

fn op_seed(state: &State, req: &ApiRequest<'_>) -> u64 {
    let mut parts: Vec<&str> = vec![req.op.id.as_str()];
    for v in req.path_params.values() {
        parts.push(v);
    }
    mix(state.config.seed ^ fnv1a(&parts))
}

fn answer(state: &State, req: &ApiRequest<'_>, body: Option<&Value>) -> Resp {
    let op = req.op;
    match op.response {
        ResponseKind::Binary => return download(op, req),
        ResponseKind::Redirect => {
            let id = req.path_params.values().next().cloned().unwrap_or_default();
            let encoded =
                percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
            let mut r = body::empty(StatusCode::FOUND);
            let location = format!("{}/_files/transcripts/{encoded}.vtt", state.base_url);
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        _ => {}
    }
    if let Some((resource, action)) = store::action_of(&op.id) {
        return stateful(state, req, resource, action, body);
    }
    if let Some(spec) = &op.sync {
        return crate::sync::answer(state, req, spec);
    }
    if op.pagination.is_some() {
        return paged(state, req);
    }
    success(op, op_seed(state, req))
}

fn status_of(op: &Operation) -> StatusCode {
    StatusCode::from_u16(op.success_status).unwrap_or(StatusCode::OK)
}

/// The documented success answer with a synthesized body.
fn success(op: &Operation, seed: u64) -> Resp {
    match op.response {
        ResponseKind::Json => {
            let value = response_schema(&op.id)
                .map_or_else(|| json!({}), |s| synth::value(s, seed, &op.name));
            body::json(status_of(op), &value)
        }
        _ => body::empty(status_of(op)),
    }
}

fn download(op: &Operation, req: &ApiRequest<'_>) -> Resp {
    let file_id = req
        .path_params
        .get("fileId")
        .or_else(|| req.path_params.values().last())
        .cloned()
        .unwrap_or_default();
    let (content_type, ext) = if op.path.contains("/fax/") {
        ("application/pdf", "pdf")
    } else {
        ("audio/mpeg", "mp3")
    };
    let mut r = body::bytes(StatusCode::OK, content_type, download_bytes(&file_id));
    let disposition = format!(
        "attachment; filename=\"{}.{ext}\"",
        file_id.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
            "_"
        )
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// How many records a seeded (stateless) list holds.
fn list_total(state: &State, op: &Operation) -> usize {
    match op.id.as_str() {
        "accountCallHistory" | "accountCallLogs" | "phoneUserCallHistory" | "phoneUserCallLogs" => {
            state.config.sizes.call_history
        }
        _ => state.config.sizes.other_lists,
    }
}

/// The page window a request asks for, or the error for a bad token.
fn window(state: &State, req: &ApiRequest<'_>) -> Result<(usize, usize), Resp> {
    let pg = req.op.pagination.as_ref();
    let size_param = pg
        .and_then(|p| p.page_size_param.as_deref())
        .unwrap_or("page_size");
    let size = req
        .query
        .get(size_param)
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        // Where the spec states no maximum, Zoom still caps the page.
        .min(
            pg.and_then(|p| p.max_page_size)
                .map_or(UNSTATED_MAX_PAGE_SIZE, |m| m as usize),
        );
    let token_param = pg.map_or("next_page_token", |p| p.token_param.as_str());
    let offset = match req.query.get(token_param).filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => {
            let ttl = u64::try_from(lock(&state.page_token_ttl).as_millis()).unwrap_or(u64::MAX);
            paging::decode(&state.key, token, &req.op.id, now_ms(), ttl).map_err(|_| {
                zoom_error(
                    StatusCode::BAD_REQUEST,
                    400,
                    "The next page token is invalid or expired.",
                )
            })?
        }
    };
    Ok((offset, size))
}

/// Builds a list answer around `items`.
fn list_page(
    state: &State,
    req: &ApiRequest<'_>,
    items: Vec<Value>,
    offset: usize,
    size: usize,
    total: usize,
) -> Resp {
    let op = req.op;
    let Some(pg) = &op.pagination else {
        return success(op, op_seed(state, req));
    };
    let mut value = response_schema(&op.id).map_or_else(
        || json!({}),
        |s| synth::value(s, op_seed(state, req), &op.name),
    );
    let end = offset + items.len();
    let next = if end < total {
        paging::encode(&state.key, &op.id, end, now_ms())
    } else {
        String::new()
    };
    if let Value::Object(m) = &mut value {
        if let Some(field) = &pg.items_field {
            m.insert(field.clone(), Value::Array(items));
        }
        m.insert(pg.token_field.clone(), Value::String(next));
        m.insert("page_size".into(), Value::from(size));
        m.insert("total_records".into(), Value::from(total));
    }
    body::json(status_of(op), &value)
}

fn paged(state: &State, req: &ApiRequest<'_>) -> Resp {
    let (offset, size) = match window(state, req) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let total = list_total(state, req.op);
    let dated = dated::time_field(&req.op.id).map(|field| {
        let (first, last) = state.config.call_history_dates;
        (field, Dated::new(first, last, total))
    });
    let records = match &dated {
        None => 0..total,
        Some((_, d)) => match date_filter(req) {
            Ok((from, to)) => d.select(from, to),
            Err(r) => return r,
        },
    };
    let item_schema = store::list_item_schema(&req.op.id);
    let base = op_seed(state, req);
    let end = records.len().min(offset.saturating_add(size));
    let items = (records.start + offset.min(end)..records.start + end)
        .map(|i| {
            let mut item = item_schema.map_or_else(
                || json!({}),
                |s| synth::value(s, mix(base ^ i as u64), &req.op.name),
            );
            if let Value::Object(m) = &mut item {
                // Unique, stable ids so a client can check for gaps and repeats.
                if let Some(field) = item_schema.and_then(store::identity_field) {
                    m.insert(
                        field.to_string(),
                        Value::String(format!("{:08x}-{i:08}", base & 0xffff_ffff)),
                    );
                }
                if let Some((field, d)) = &dated {
                    let secs = u64::try_from(d.at(i)).unwrap_or(0);
                    m.insert((*field).to_string(), Value::String(iso8601(secs)));
                }
            }
            item
        })
        .collect();
    list_page(state, req, items, offset, size, records.len())
}

/// A dated listing's `from` and `to` days, or the answer refusing them.
fn date_filter(req: &ApiRequest<'_>) -> Result<(Option<Date>, Option<Date>), Resp> {
    let mut errors = Vec::new();
    let mut day = |name: &str| {
        let raw = req.query.get(name).filter(|v| !v.is_empty())?;
        let parsed = Date::parse(raw);
        if parsed.is_none() {
            errors.push((
                name.to_string(),
                format!("`{name}` must be a date (yyyy-mm-dd)."),
            ));
        }
        parsed
    };
    let (from, to) = (day("from"), day("to"));
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            errors.push(("to".to_string(), "`to` is before `from`.".to_string()));
        }
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(validation_failed(errors))
    }
}

fn stateful(
    state: &State,
    req: &ApiRequest<'_>,
    resource: usize,
    action: Action,
    body: Option<&Value>,
) -> Resp {
    let Some(def) = RESOURCES.get(resource) else {
        return success(req.op, op_seed(state, req));
    };
    let id = req.path_params.values().next().cloned().unwrap_or_default();
    let not_found = || {
        zoom_error(
            StatusCode::NOT_FOUND,
            def.not_found.0,
            &format!("{}: {id}.", def.not_found.1),
        )
    };
    let empty_body = json!({});
    let body = body.unwrap_or(&empty_body);
    match action {
        Action::List => {
            let (offset, size) = match window(state, req) {
                Ok(w) => w,
                Err(r) => return r,
            };
            let store = lock(&state.store);
            let total = store.count(resource);
            let records = store.page(resource, offset, size);
            drop(store);
            let item_schema = store::list_item_schema(&req.op.id);
            let items = records
                .into_iter()
                .map(|r| match item_schema {
                    Some(s) => {
                        let mut base = json!({});
                        store::overlay(&mut base, &r, s);
                        base
                    }
                    None => r,
                })
                .collect();
            list_page(state, req, items, offset, size, total)
        }
        Action::Get => {
            let Some(record) = lock(&state.store).get(resource, &id) else {
                return not_found();
            };
            let Some(schema) = response_schema(&req.op.id) else {
                return body::json(status_of(req.op), &record);
            };
            let mut value = synth::value(schema, mix(fnv1a(&[def.name, &id])), &req.op.name);
            store::overlay(&mut value, &record, schema);
            body::json(status_of(req.op), &value)
        }
        Action::Create => {
            let Some((new_id, record)) = lock(&state.store).create(resource, body) else {
                return success(req.op, op_seed(state, req));
            };
            let Some(schema) = response_schema(&req.op.id) else {
                return body::empty(status_of(req.op));
            };
            let mut value = synth::value(schema, mix(fnv1a(&[def.name, &new_id])), &req.op.name);
            store::overlay(&mut value, &record, schema);
            body::json(status_of(req.op), &value)
        }
        Action::Update => {
            if lock(&state.store).update(resource, &id, body) {
                body::empty(status_of(req.op))
            } else {
                not_found()
            }
        }
        Action::Delete => {
            if lock(&state.store).delete(resource, &id) {
                body::empty(status_of(req.op))
            } else {
                not_found()
            }
        }
    }
}
