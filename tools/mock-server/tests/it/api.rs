//! The /v2 API: every operation routed, validation, auth errors, paging,
//! stateful resources, downloads, the redirect and the Zoom Phone switch.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};
use zoom_phone::catalog::{
    BodyMediaType, Operation, ParamLocation, ResponseKind, Schema, operation, operations,
    response_schema,
};
use zoom_phone::date::Date;
use zoom_phone::validate::validate;
use zoom_phone_mock::{MockConfig, download_bytes, example};

use crate::support::*;

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn query_value(schema: &Schema) -> String {
    match example(schema, 1) {
        Value::String(s) => s,
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(","),
        v => v.to_string(),
    }
}

/// A valid request for `op`: path ids from `ids` where given, required query
/// parameters and a body from the schema examples.
fn request_for(
    op: &Operation,
    ids: &BTreeMap<String, String>,
) -> (String, Option<Vec<u8>>, &'static str) {
    let mut path = op.path.clone();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for p in &op.params {
        match p.location {
            ParamLocation::Path => {
                let id = match (ids.get(&op.id), &p.schema) {
                    (Some(id), _) => id.clone(),
                    (None, Schema::String { enum_values, .. }) if enum_values.is_empty() => {
                        format!("id-{}", p.name)
                    }
                    (None, schema) => query_value(schema),
                };
                path = path.replace(&format!("{{{}}}", p.name), &encode(&id));
            }
            ParamLocation::Query if p.required => {
                query.append_pair(&p.name, &query_value(&p.schema));
            }
            ParamLocation::Query => {}
            other => panic!("a parameter location this test does not know: {other:?}"),
        }
    }
    let q = query.finish();
    let url = if q.is_empty() {
        path
    } else {
        format!("{path}?{q}")
    };
    match &op.body {
        Some(b) if b.media_type == BodyMediaType::Json => (
            url,
            Some(serde_json::to_vec(&example(&b.schema, 7)).unwrap()),
            "application/json",
        ),
        Some(_) => (
            url,
            Some(b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n".to_vec()),
            "multipart/form-data; boundary=XyZ",
        ),
        None => (url, None, "application/json"),
    }
}

/// Ids that exist in the seeded stores, by operation id (deletes get their own).
async fn seeded_ids(http: &Http, api: &str, token: &str) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    for (list, field, field_name, get, update, delete) in [
        (
            "/phone/users",
            "users",
            "id",
            "phoneUser",
            "updateUserProfile",
            None,
        ),
        (
            "/phone/sites",
            "sites",
            "id",
            "getASite",
            "updateSiteDetails",
            Some("deletePhoneSite"),
        ),
        (
            "/phone/call_queues",
            "call_queues",
            "id",
            "getACallQueue",
            "updateCallQueue",
            Some("deleteACallQueue"),
        ),
        (
            "/phone/external_contacts",
            "external_contacts",
            "external_contact_id",
            "getAExternalContact",
            "updateExternalContact",
            Some("deleteAExternalContact"),
        ),
        (
            "/phone/blocked_list",
            "blocked_list",
            "id",
            "getABlockedList",
            "updateBlockedList",
            Some("deleteABlockedList"),
        ),
    ] {
        let r = http.get(&format!("{api}{list}"), token).await.json();
        let items = r[field].as_array().unwrap();
        let id = |i: usize| items[i][field_name].as_str().unwrap().to_string();
        ids.insert(get.to_string(), id(0));
        ids.insert(update.to_string(), id(0));
        if let Some(d) = delete {
            ids.insert(d.to_string(), id(1));
        }
    }
    ids
}

#[tokio::test]
async fn every_operation_answers_its_documented_success_with_a_schema_valid_body() {
    let server = start().await;
    let http = Http::new();
    let token = token(&http, &server).await;
    let api = server.api_url();
    let ids = seeded_ids(&http, &api, &token).await;
    let auth = format!("Bearer {token}");
    let mut failures = Vec::new();
    let mut checked = 0;
    for op in operations() {
        let (url, body, content_type) = request_for(op, &ids);
        let r = http
            .send(
                &op.method,
                &format!("{api}{url}"),
                &[("authorization", &auth), ("content-type", content_type)],
                body.unwrap_or_default(),
            )
            .await;
        checked += 1;
        if r.status != op.success_status {
            failures.push(format!(
                "{} {} {url}: {} {}",
                op.id,
                op.method,
                r.status,
                String::from_utf8_lossy(&r.body)
            ));
            continue;
        }
        if op.response == ResponseKind::Json {
            let Some(schema) = response_schema(&op.id) else {
                continue;
            };
            let value: Value = match serde_json::from_slice(&r.body) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{}: body is not JSON: {e}", op.id));
                    continue;
                }
            };
            if let Err(v) = validate(schema, &value, "") {
                failures.push(format!("{}: response invalid: {v}", op.id));
            }
        }
    }
    assert_eq!(checked, 391);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn literal_segments_win_over_parameters() {
    let server = start().await;
    let http = Http::new();
    let token = token(&http, &server).await;
    let _ = http
        .get(
            &format!("{}/phone/voice_mails/download/abc", server.api_url()),
            &token,
        )
        .await;
    let _ = http
        .get(
            &format!("{}/phone/voice_mails/xyz", server.api_url()),
            &token,
        )
        .await;
    let log = server.request_log();
    let ops: Vec<_> = log.iter().filter_map(|e| e.operation.clone()).collect();
    assert_eq!(ops, ["phoneDownloadVoicemailFile", "getVoicemailDetails"]);
    assert!(operation("getVoicemailDetails").is_some());
}

#[tokio::test]
async fn bad_tokens_answer_124_and_query_tokens_are_refused() {
    let server = start().await;
    let http = Http::new();
    let users = format!("{}/phone/users", server.api_url());
    let r = http.send("GET", &users, &[], "").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], 124);
    let r = http.get(&users, "made-up").await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"code": 124, "message": "Invalid access token."})
    );
    let t = token(&http, &server).await;
    let r = http
        .send("GET", &format!("{users}?access_token={t}"), &[], "")
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], 124);
    assert!(r.header("x-zm-trackingid").is_some());
}

#[tokio::test]
async fn invalid_requests_answer_300_naming_the_field() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    // page_size over the operation's maximum (300 for call history).
    let r = http
        .get(&format!("{api}/phone/call_history?page_size=301"), &t)
        .await;
    assert_eq!(r.status, 400);
    let b = r.json();
    assert_eq!(b["code"], 300);
    assert_eq!(b["errors"][0]["field"], "page_size");
    // A wrong type in a query parameter.
    let r = http
        .get(&format!("{api}/phone/call_history?page_size=many"), &t)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["field"], "page_size");
    // A body missing a required field.
    let r = http
        .json(
            "POST",
            &format!("{api}/phone/sites"),
            &t,
            &json!({"name": "x"}),
        )
        .await;
    assert_eq!(r.status, 400);
    let b = r.json();
    assert_eq!(b["code"], 300);
    let field = b["errors"][0]["field"].as_str().unwrap();
    assert!(
        ["auto_receptionist_name", "default_emergency_address"].contains(&field),
        "{b}"
    );
    // A body field of the wrong type.
    let r = http
        .json(
            "POST",
            &format!("{api}/phone/external_contacts"),
            &t,
            &json!({"name": 5}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["field"], "name");
    // A body that is not JSON.
    let r = http
        .send(
            "POST",
            &format!("{api}/phone/external_contacts"),
            &[("authorization", &format!("Bearer {t}"))],
            "{nope",
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], 300);
    // A required query parameter missing.
    let required = operations()
        .iter()
        .find(|o| {
            o.method == "GET"
                && !o.path.contains('{')
                && o.params
                    .iter()
                    .any(|p| p.required && p.location == ParamLocation::Query)
        })
        .unwrap();
    let r = http.get(&format!("{api}{}", required.path), &t).await;
    assert_eq!(r.status, 400, "{}", required.id);
    assert_eq!(r.json()["code"], 300);
}

#[tokio::test]
async fn call_history_pages_through_20000_records_without_gaps_or_repeats() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    let mut seen = BTreeSet::new();
    let mut next = String::new();
    let mut pages = 0;
    loop {
        let url = if next.is_empty() {
            format!("{api}/phone/call_history?page_size=300")
        } else {
            format!(
                "{api}/phone/call_history?page_size=300&next_page_token={}",
                encode(&next)
            )
        };
        let b = http.get(&url, &t).await.json();
        pages += 1;
        assert_eq!(b["total_records"], 20_000);
        for item in b["call_history"].as_array().unwrap() {
            let id = item["call_history_uuid"].as_str().unwrap().to_string();
            assert!(seen.insert(id), "repeat at page {pages}");
        }
        next = b["next_page_token"].as_str().unwrap().to_string();
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 20_000);
    assert_eq!(pages, 67);
}

/// Every record of a call-history query, as `(uuid, start_time)`, following
/// its page tokens with the same query.
async fn walk_history(http: &Http, t: &str, api: &str, query: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut next = String::new();
    loop {
        let url = format!(
            "{api}/phone/call_history?page_size=300{query}&next_page_token={}",
            encode(&next)
        );
        let b = http.get(&url, t).await.json();
        for item in b["call_history"].as_array().unwrap() {
            out.push((
                item["call_history_uuid"].as_str().unwrap().to_string(),
                item["start_time"].as_str().unwrap().to_string(),
            ));
        }
        next = b["next_page_token"].as_str().unwrap().to_string();
        if next.is_empty() {
            return out;
        }
    }
}

#[tokio::test]
async fn from_and_to_select_the_records_of_those_days_so_months_partition_the_listing() {
    let mut config = MockConfig::default();
    config.sizes.call_history = 3000;
    config.call_history_dates = (
        Date::parse("2026-01-01").unwrap(),
        Date::parse("2026-03-31").unwrap(),
    );
    let server = start_with(config).await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    let whole = walk_history(&http, &t, &api, "").await;
    assert_eq!(whole.len(), 3000);
    let mut seen = BTreeSet::new();
    for (from, to) in [
        ("2026-01-01", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
    ] {
        let month = walk_history(&http, &t, &api, &format!("&from={from}&to={to}")).await;
        let expected: Vec<_> = whole
            .iter()
            .filter(|(_, at)| (from..=to).contains(&&at[..10]))
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(
            month, expected,
            "{from}..{to}: the records of those days, in order"
        );
        for (uuid, _) in month {
            assert!(seen.insert(uuid), "a record in two months");
        }
    }
    assert_eq!(seen.len(), 3000, "the months hold every record");

    // One end open; a single day of call logs, dated by `date_time`.
    let march_on = walk_history(&http, &t, &api, "&from=2026-03-01").await;
    assert_eq!(march_on.first().map(|r| &r.1[..10]), Some("2026-03-01"));
    assert_eq!(march_on.last(), whole.last());
    let b = http
        .get(
            &format!("{api}/phone/call_logs?page_size=300&from=2026-01-02&to=2026-01-02"),
            &t,
        )
        .await
        .json();
    let logs = b["call_logs"].as_array().unwrap();
    assert!(!logs.is_empty() && b["total_records"] == logs.len());
    assert!(
        logs.iter()
            .all(|l| l["date_time"].as_str().unwrap().starts_with("2026-01-02T"))
    );

    // A range that ends before it starts, or a day that is not one, is refused by name.
    for (query, field) in [
        ("from=2026-02-01&to=2026-01-31", "to"),
        ("from=2026-1-1", "from"),
    ] {
        let r = http
            .get(&format!("{api}/phone/call_history?{query}"), &t)
            .await;
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(
            (
                r.json()["code"].clone(),
                r.json()["errors"][0]["field"].clone()
            ),
            (json!(300), json!(field))
        );
    }
}

#[tokio::test]
async fn default_page_size_is_30_and_tokens_are_bound_to_their_operation() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    let b = http.get(&format!("{api}/phone/users"), &t).await.json();
    assert_eq!(b["users"].as_array().unwrap().len(), 30);
    assert_eq!(b["total_records"], 1000);
    let token = b["next_page_token"].as_str().unwrap();
    let r = http
        .get(
            &format!("{api}/phone/sites?next_page_token={}", encode(token)),
            &t,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "The next page token is invalid or expired."
    );
}

#[tokio::test]
async fn page_tokens_expire() {
    let config = MockConfig {
        page_token_ttl: Duration::ZERO,
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    let b = http
        .get(&format!("{api}/phone/call_history"), &t)
        .await
        .json();
    let next = b["next_page_token"].as_str().unwrap();
    let r = http
        .get(
            &format!("{api}/phone/call_history?next_page_token={}", encode(next)),
            &t,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"code": 400, "message": "The next page token is invalid or expired."})
    );
}

#[tokio::test]
async fn writes_are_read_back() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();

    // Create, read, update, read, delete, read.
    let r = http
        .json(
            "POST",
            &format!("{api}/phone/external_contacts"),
            &t,
            &json!({"name": "Ada Lovelace", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.json()["external_contact_id"]
        .as_str()
        .unwrap()
        .to_string();
    let item = format!("{api}/phone/external_contacts/{id}");
    let got = http.get(&item, &t).await.json();
    assert_eq!(got["name"], "Ada Lovelace");
    assert_eq!(got["email"], "ada@example.com");
    assert_eq!(
        http.json("PATCH", &item, &t, &json!({"name": "Ada King"}))
            .await
            .status,
        204
    );
    assert_eq!(http.get(&item, &t).await.json()["name"], "Ada King");
    assert_eq!(
        http.send(
            "DELETE",
            &item,
            &[("authorization", &format!("Bearer {t}"))],
            ""
        )
        .await
        .status,
        204
    );
    assert_eq!(http.get(&item, &t).await.status, 404);

    // A new site shows up in the list and its total.
    let before = http.get(&format!("{api}/phone/sites"), &t).await.json()["total_records"]
        .as_u64()
        .unwrap();
    let site = json!({"name": "Mock HQ", "auto_receptionist_name": "Front desk", "default_emergency_address": {"address_line1": "1 Main St", "city": "San Jose", "country": "US", "state_code": "CA", "zip": "95113"}});
    let r = http
        .json("POST", &format!("{api}/phone/sites"), &t, &site)
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let sid = r.json()["id"].as_str().unwrap().to_string();
    let list = http
        .get(&format!("{api}/phone/sites?page_size=300"), &t)
        .await
        .json();
    assert_eq!(list["total_records"].as_u64().unwrap(), before + 1);
    assert!(
        list["sites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == sid.as_str() && s["name"] == "Mock HQ")
    );

    // Phone users: update then read.
    let users = http.get(&format!("{api}/phone/users"), &t).await.json();
    let uid = users["users"][0]["id"].as_str().unwrap().to_string();
    let r = http
        .json(
            "PATCH",
            &format!("{api}/phone/users/{uid}"),
            &t,
            &json!({"extension_number": "4242"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        http.get(&format!("{api}/phone/users/{uid}"), &t)
            .await
            .json()["extension_number"],
        4242
    );
    let r = http.get(&format!("{api}/phone/users/nobody"), &t).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], 1001);

    // Blocked list and call queues accept writes too; reset forgets them.
    let r = http
        .json(
            "POST",
            &format!("{api}/phone/blocked_list"),
            &t,
            &json!({"phone_number": "+16505550100", "block_type": "inbound"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let bid = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        http.get(&format!("{api}/phone/blocked_list/{bid}"), &t)
            .await
            .json()["phone_number"],
        "+16505550100"
    );
    assert_eq!(
        http.admin(&server, "POST", "reset", &json!({}))
            .await
            .status,
        200
    );
    let t = token(&http, &server).await;
    assert_eq!(
        http.get(&format!("{api}/phone/blocked_list/{bid}"), &t)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn downloads_are_byte_exact_and_need_the_bearer_header() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let api = server.api_url();
    for (path, ct) in [
        ("recording/download/rec%2F1", "audio/mpeg"),
        ("voice_mails/download/vm-7", "audio/mpeg"),
    ] {
        let r = http.get(&format!("{api}/phone/{path}"), &t).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some(ct));
        let id = if path.contains("rec") {
            "rec/1"
        } else {
            "vm-7"
        };
        let expected = download_bytes(id);
        assert_eq!(
            r.header("content-length"),
            Some(expected.len().to_string().as_str())
        );
        assert_eq!(r.body.as_ref(), expected.as_slice());
        assert!(
            std::str::from_utf8(&r.body).is_err(),
            "bytes must not be UTF-8"
        );
        let r = http
            .send("GET", &format!("{api}/phone/{path}"), &[], "")
            .await;
        assert_eq!(r.status, 401);
    }
}

#[tokio::test]
async fn transcript_download_redirects_to_a_file() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let r = http
        .get(
            &format!(
                "{}/phone/recording_transcript/download/rec-9",
                server.api_url()
            ),
            &t,
        )
        .await;
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap().to_string();
    let file = http.send("GET", &location, &[], "").await;
    assert_eq!(file.status, 200);
    assert!(String::from_utf8_lossy(&file.body).contains("rec-9"));
}

#[tokio::test]
async fn the_phone_switch_answers_2031() {
    let server = start().await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let users = format!("{}/phone/users", server.api_url());
    let r = http
        .admin(
            &server,
            "PUT",
            "phone",
            &json!({"enabled": false, "account_id": ACCOUNT}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json(),
        json!({"code": 2031, "message": "Zoom Phone has not been enabled for this account."})
    );
    http.admin(&server, "PUT", "phone", &json!({"enabled": true}))
        .await;
    assert_eq!(http.get(&users, &t).await.status, 200);

    let config = MockConfig {
        phone_disabled: true,
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let t = token(&http, &server).await;
    assert_eq!(
        http.get(&format!("{}/phone/users", server.api_url()), &t)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn cors_preflight_and_headers_let_a_browser_call() {
    let server = start().await;
    let http = Http::new();
    let r = http
        .send(
            "OPTIONS",
            &format!("{}/phone/users", server.api_url()),
            &[
                ("origin", "http://localhost:5173"),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
            "",
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization")
    );
    let t = token(&http, &server).await;
    let r = http
        .send(
            "GET",
            &format!("{}/phone/users", server.api_url()),
            &[
                ("origin", "http://localhost:5173"),
                ("authorization", &format!("Bearer {t}")),
            ],
            "",
        )
        .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    let exposed = r.header("access-control-expose-headers").unwrap();
    for h in ["x-zm-trackingid", "x-ratelimit-category", "retry-after"] {
        assert!(exposed.contains(h), "{h}");
    }
}
