//! The vector inputs, and their outcomes recorded from the Rust core.
//!
//! Request parameters and success bodies come from the spec's examples, with
//! the same example logic the core's every-operation tests use (shared by
//! path, so one definition of "an example value" serves both).

use serde_json::{Map, Value, json};
use zoom_phone::catalog::{self, ResponseKind};

use crate::files::{File, Runner};
use crate::{NOW_MS, USER_AGENT, WEBHOOK_SECRET};

#[path = "../../../core/tests/it/raw_spec.rs"]
#[allow(dead_code)]
mod raw_spec;

use raw_spec::{RawOp, example};

/// A small zip header, as the fax upload's file part.
const FAX_ZIP_BASE64: &str = "UEsDBAoAAAAAAA==";
const TRACKING_ID: &str = "v=2.0;clid=us06;rid=VECTORS";

/// Every vector file, its outcomes recorded.
pub fn files(spec: &Value) -> Result<Vec<File>, String> {
    let mut files = vec![
        File {
            name: "requests.json",
            runner: Runner::Request,
            vectors: requests(spec),
        },
        File {
            name: "build_errors.json",
            runner: Runner::Request,
            vectors: build_errors(),
        },
        File {
            name: "responses.json",
            runner: Runner::Response,
            vectors: responses(spec),
        },
        File {
            name: "response_errors.json",
            runner: Runner::Response,
            vectors: response_errors(),
        },
        File {
            name: "oauth.json",
            runner: Runner::OAuth,
            vectors: oauth(),
        },
        File {
            name: "webhooks.json",
            runner: Runner::Webhook,
            vectors: webhooks(),
        },
        File {
            name: "driver.json",
            runner: Runner::Driver,
            vectors: crate::driver::scenarios(),
        },
    ];
    for file in &mut files {
        for vector in &mut file.vectors {
            let mut expect = file.runner.run(vector)?;
            if vector["default_user_agent"] == json!(true) {
                host_placeholder(&mut expect);
            }
            vector["expect"] = expect;
        }
    }
    Ok(files)
}

/// The default `User-Agent` names the host: `zoom-phone-{host}/<version>`.
fn host_placeholder(expect: &mut Value) {
    if let Some(ua) = expect.pointer_mut("/ok/headers/user-agent")
        && let Some(s) = ua.as_str()
    {
        *ua = json!(s.replacen("zoom-phone-rust/", "zoom-phone-{host}/", 1));
    }
}

fn params_for(raw: &RawOp<'_>) -> Map<String, Value> {
    let mut params = Map::new();
    for p in raw.params() {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
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

fn config() -> Value {
    json!({ "user_agent": USER_AGENT })
}

fn request_vector(name: &str, operation: &str, params: Value) -> Value {
    json!({ "name": name, "operation": operation, "params": params, "config": config() })
}

fn requests(spec: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = raw_spec::operations(spec)
        .iter()
        .map(|raw| {
            request_vector(
                &format!("request/{}", raw.id()),
                raw.id(),
                Value::Object(params_for(raw)),
            )
        })
        .collect();
    // Path segments: every reserved or unusual character stays in one segment.
    for (label, value) in [
        ("slash", "a/b"),
        ("dot", "."),
        ("dot-dot", ".."),
        ("query-and-fragment", "a?b#c"),
        ("percent", "100%2F"),
        ("space-plus", "a b+c"),
        ("unicode", "é🙂"),
        ("cr-lf", "line\r\nbreak"),
    ] {
        out.push(request_vector(
            &format!("path-encoding/{label}"),
            "getACallQueue",
            json!({ "callQueueId": value }),
        ));
    }
    out.extend([
        request_vector(
            "query/reserved-characters",
            "listCallQueues",
            json!({ "next_page_token": "a b&c=d+é/?#", "page_size": 30 }),
        ),
        request_vector(
            "query/array-repeats-key",
            "deleteOutboundCallerNumbers",
            json!({ "customize_ids": ["one", "two & three", "é"] }),
        ),
        request_vector(
            "query/empty-array-sends-nothing",
            "deleteOutboundCallerNumbers",
            json!({ "customize_ids": [] }),
        ),
        // JavaScript holds 3600.0 as 3600: every host must send `3600`.
        request_vector(
            "query/whole-float-number",
            "UploadFaxFiles",
            json!({ "expire": 3600.0, "body": {"file": {"data_base64": FAX_ZIP_BASE64}} }),
        ),
        request_vector(
            "query/fractional-number",
            "UploadFaxFiles",
            json!({ "expire": 1.5, "body": {"file": {"data_base64": FAX_ZIP_BASE64}} }),
        ),
        request_vector(
            "query/null-is-absent",
            "listCallQueues",
            json!({ "next_page_token": null }),
        ),
        request_vector("operation/snake-case-name", "list_call_queues", json!({})),
        json!({
            "name": "config/default-user-agent",
            "operation": "listCallQueues",
            "params": {},
            "default_user_agent": true,
        }),
        json!({
            "name": "config/base-urls-with-trailing-slash",
            "operation": "UploadFaxFiles",
            "params": {"body": {"file": {"filename": "a b.zip", "content_type": "application/zip", "data_base64": FAX_ZIP_BASE64}}},
            "config": {"user_agent": USER_AGENT, "base_url": "http://127.0.0.1:9/v2/", "file_base_url": "http://127.0.0.1:10/files/"},
        }),
        json!({
            "name": "config/regional-base-url",
            "operation": "getACallQueue",
            "params": {"callQueueId": "cq1"},
            "config": {"user_agent": USER_AGENT, "base_url": "https://eu01api-www4local.zoom.us/v2"},
        }),
        request_vector(
            "multipart/defaults-for-filename-and-type",
            "UploadFaxFiles",
            json!({"expire": 3600, "body": {"file": {"data_base64": FAX_ZIP_BASE64}}}),
        ),
        // JavaScript holds 2.0 as 2: every host must send `2`.
        request_vector(
            "body/whole-float-number",
            "updateCallQueue",
            json!({"callQueueId": "cq1", "body": {"extension_number": 1002.0, "name": "Q"}}),
        ),
        request_vector(
            "body/unicode-and-escapes",
            "updateCallQueue",
            json!({"callQueueId": "cq1", "body": {"name": "Support \"EU\" — ☎\n", "description": "<b>&</b>"}}),
        ),
    ]);
    out
}

/// The first operation with a query parameter whose schema has an enum.
fn enum_query_param() -> (String, String) {
    for op in catalog::operations() {
        for p in &op.params {
            if let catalog::Schema::String { enum_values, .. } = &p.schema
                && !enum_values.is_empty()
            {
                return (op.id.clone(), p.name.clone());
            }
        }
    }
    (String::new(), String::new())
}

fn build_errors() -> Vec<Value> {
    let (enum_op, enum_param) = enum_query_param();
    let long_token = "x".repeat(70_000);
    vec![
        request_vector("unknown-operation", "noSuchOperation", json!({})),
        json!({
            "name": "params-not-object",
            "operation": "listCallQueues",
            "params": [1, 2],
            "config": config(),
            // Both bindings refuse a non-object before the core sees it.
            "host_type_error": true,
        }),
        request_vector(
            "unknown-parameter-with-suggestion",
            "listCallQueues",
            json!({ "pageSize": 10 }),
        ),
        request_vector(
            "unknown-parameters",
            "getACallQueue",
            json!({ "callQueueId": "a", "zzz": 1, "yyy": 2 }),
        ),
        request_vector("missing-path-parameter", "getACallQueue", json!({})),
        request_vector(
            "missing-body-field",
            "SendEFax",
            json!({ "body": { "file_id": "f1", "receivers": [{"receiver_number": "+12055550100"}] } }),
        ),
        request_vector(
            "missing-nested-body-field",
            "SendEFax",
            json!({ "body": { "file_id": "f1", "sender_number": "+12055550100", "receivers": [{"receiver_name": "Ann"}] } }),
        ),
        request_vector(
            "wrong-type-query",
            "listCallQueues",
            json!({ "page_size": "ten" }),
        ),
        request_vector(
            "wrong-type-path-object",
            "getACallQueue",
            json!({ "callQueueId": {"id": 1} }),
        ),
        request_vector(
            "bad-enum",
            &enum_op,
            json!({ enum_param: "not-a-documented-value" }),
        ),
        request_vector(
            "empty-path-parameter",
            "getACallQueue",
            json!({ "callQueueId": "" }),
        ),
        request_vector("unexpected-body", "listCallQueues", json!({ "body": {} })),
        request_vector(
            "body-not-an-object",
            "updateCallQueue",
            json!({ "callQueueId": "cq1", "body": "name=x" }),
        ),
        request_vector(
            "body-field-wrong-type",
            "updateCallQueue",
            json!({ "callQueueId": "cq1", "body": { "name": 5 } }),
        ),
        request_vector(
            "multipart-file-not-base64",
            "UploadFaxFiles",
            json!({ "body": { "file": { "data_base64": "not base64!" } } }),
        ),
        json!({
            "name": "config/user-agent-cr-lf",
            "operation": "listCallQueues",
            "params": {},
            "config": {"user_agent": "ua\r\nX-Injected: 1"},
        }),
        json!({
            "name": "config/base-url-not-absolute",
            "operation": "listCallQueues",
            "params": {},
            "config": {"user_agent": USER_AGENT, "base_url": "api.zoom.us/v2"},
        }),
        json!({
            "name": "config/base-url-with-query",
            "operation": "listCallQueues",
            "params": {},
            "config": {"user_agent": USER_AGENT, "base_url": "https://api.zoom.us/v2?x=1"},
        }),
        request_vector(
            "url-too-long",
            "listCallQueues",
            json!({ "next_page_token": long_token }),
        ),
        json!({
            "name": "token-with-line-break",
            "operation": "listCallQueues",
            "params": {},
            "config": config(),
            "token": "bad\ntoken",
            // Only a session holds a token; `build_request` sends none.
            "session_only": true,
        }),
    ]
}

fn success_headers(extra: &[(&str, &str)]) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("x-zm-trackingid".into(), json!(TRACKING_ID));
    h.insert("x-ratelimit-category".into(), json!("Light"));
    h.insert("x-ratelimit-type".into(), json!("QPS"));
    h.insert("x-ratelimit-limit".into(), json!("30"));
    h.insert("x-ratelimit-remaining".into(), json!("29"));
    for (k, v) in extra {
        h.insert((*k).into(), json!(v));
    }
    h
}

fn response_vector(name: &str, operation: &str, status: u16, headers: Value, body: Value) -> Value {
    json!({ "name": name, "operation": operation, "status": status, "headers": headers, "body": body })
}

fn utf8(text: &str) -> Value {
    json!({ "utf8": text })
}

fn responses(spec: &Value) -> Vec<Value> {
    raw_spec::operations(spec)
        .iter()
        .map(|raw| {
            let (status, schema) = raw.success();
            let (headers, body) = match schema {
                Some(schema) => (
                    success_headers(&[("content-type", "application/json;charset=UTF-8")]),
                    utf8(&example(schema).to_string()),
                ),
                None if status == 302 => (
                    success_headers(&[("location", "https://file.zoom.us/t/abc?x=1")]),
                    Value::Null,
                ),
                None if raw.method == "GET" => (
                    success_headers(&[("content-type", "audio/mpeg")]),
                    json!({ "base64": "SUQzAP/+" }),
                ),
                None => (success_headers(&[]), Value::Null),
            };
            response_vector(
                &format!("success/{}", raw.id()),
                raw.id(),
                status,
                Value::Object(headers),
                body,
            )
        })
        .collect()
}

fn first_op(kind: ResponseKind) -> String {
    catalog::operations()
        .iter()
        .find(|op| op.response == kind)
        .map(|op| op.id.clone())
        .unwrap_or_default()
}

fn response_errors() -> Vec<Value> {
    let json_op = "listCallQueues";
    let empty_op = first_op(ResponseKind::Empty);
    let binary_op = first_op(ResponseKind::Binary);
    let redirect_op = first_op(ResponseKind::Redirect);
    let zoom_json = |extra: &[(&str, &str)]| {
        let mut h = Map::new();
        h.insert(
            "content-type".into(),
            json!("application/json;charset=UTF-8"),
        );
        h.insert("x-zm-trackingid".into(), json!(TRACKING_ID));
        for (k, v) in extra {
            h.insert((*k).into(), json!(v));
        }
        Value::Object(h)
    };
    let html = |status: u16| {
        format!(
            "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>nginx</center></body></html>"
        )
    };
    let long_html = format!("<html><body>{}</body></html>", "é".repeat(600));
    vec![
        response_vector(
            "api/404-zoom-error",
            json_op,
            404,
            zoom_json(&[]),
            utf8(r#"{"code":1001,"message":"User does not exist: abc."}"#),
        ),
        response_vector(
            "api/400-validation-errors-list",
            json_op,
            400,
            zoom_json(&[]),
            utf8(
                r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"name","message":"Invalid field."},{"field":"site_id","message":"Required."}]}"#,
            ),
        ),
        response_vector(
            "api/401-code-124-invalid-token",
            json_op,
            401,
            zoom_json(&[]),
            utf8(r#"{"code":124,"message":"Invalid access token."}"#),
        ),
        response_vector(
            "api/403-no-permission",
            json_op,
            403,
            zoom_json(&[]),
            utf8(
                r#"{"code":104,"message":"Invalid access token, does not contain scopes:[phone:read:admin]."}"#,
            ),
        ),
        response_vector(
            "api/422-unprocessable",
            json_op,
            422,
            zoom_json(&[]),
            utf8(r#"{"code":422,"message":"Unprocessable."}"#),
        ),
        response_vector(
            "api/code-as-numeric-string",
            json_op,
            400,
            zoom_json(&[]),
            utf8(r#"{"code":"1001","message":"User not found."}"#),
        ),
        response_vector(
            "api/429-qps-retry-after-seconds",
            json_op,
            429,
            zoom_json(&[
                ("x-ratelimit-category", "Medium"),
                ("x-ratelimit-type", "QPS"),
                ("x-ratelimit-limit", "20"),
                ("x-ratelimit-remaining", "0"),
                ("retry-after", "2"),
            ]),
            utf8(
                r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
            ),
        ),
        response_vector(
            "api/429-daily-limit-http-date",
            json_op,
            429,
            zoom_json(&[
                ("x-ratelimit-category", "Heavy"),
                ("x-ratelimit-type", "Daily-limit"),
                ("x-ratelimit-limit", "60000"),
                ("x-ratelimit-remaining", "0"),
                ("retry-after", "Fri, 02 Jan 2026 00:00:00 GMT"),
            ]),
            utf8(
                r#"{"code":429,"message":"You have reached the maximum daily rate limit for this API."}"#,
            ),
        ),
        response_vector(
            "api/429-retry-after-iso-instant",
            json_op,
            429,
            zoom_json(&[
                ("x-ratelimit-type", "Daily-limit"),
                ("retry-after", "2026-01-02T00:00:00Z"),
            ]),
            utf8(r#"{"code":429,"message":"Daily limit."}"#),
        ),
        response_vector(
            "api/429-unreadable-rate-limit-headers",
            json_op,
            429,
            zoom_json(&[
                ("x-ratelimit-type", "Hourly?"),
                ("x-ratelimit-limit", "lots"),
                ("retry-after", "soon"),
            ]),
            Value::Null,
        ),
        response_vector(
            "api/500-html",
            json_op,
            500,
            json!({"content-type": "text/html"}),
            utf8(&html(500)),
        ),
        response_vector(
            "api/502-html-long-snippet",
            json_op,
            502,
            json!({"content-type": "text/html"}),
            utf8(&long_html),
        ),
        response_vector("api/503-empty-body", json_op, 503, json!({}), Value::Null),
        response_vector(
            "api/500-invalid-utf8",
            json_op,
            500,
            json!({"content-type": "text/plain"}),
            json!({"base64": "/3g="}),
        ),
        response_vector(
            "api/400-token-endpoint-shape",
            json_op,
            400,
            zoom_json(&[]),
            utf8(r#"{"reason":"Invalid Token!","error":"invalid_request"}"#),
        ),
        response_vector(
            "api/2xx-with-zoom-error-object",
            json_op,
            200,
            zoom_json(&[]),
            utf8(r#"{"code":1001,"message":"User does not exist."}"#),
        ),
        response_vector(
            "api/download-answered-with-zoom-error",
            &binary_op,
            200,
            zoom_json(&[]),
            utf8(r#"{"code":3301,"message":"File not found."}"#),
        ),
        response_vector(
            "api/redirect-without-location",
            &redirect_op,
            302,
            json!({}),
            Value::Null,
        ),
        response_vector(
            "api/3xx-for-json-operation",
            json_op,
            301,
            json!({"location": "https://example.com/"}),
            Value::Null,
        ),
        response_vector(
            "decode/truncated-json",
            json_op,
            200,
            zoom_json(&[]),
            utf8(r#"{"call_queues":[{"id":"a""#),
        ),
        response_vector(
            "decode/html-for-json",
            json_op,
            200,
            json!({"content-type": "text/html"}),
            utf8(&html(200)),
        ),
        response_vector(
            "ok/empty-json-operation-body",
            json_op,
            200,
            zoom_json(&[]),
            utf8(" \n"),
        ),
        response_vector(
            "ok/empty-operation-ignores-garbage",
            &empty_op,
            204,
            json!({}),
            utf8("OK"),
        ),
        response_vector(
            "ok/json-object-that-is-not-an-error",
            json_op,
            200,
            zoom_json(&[]),
            utf8(r#"{"code":1,"message":"hi","total_records":0}"#),
        ),
        response_vector(
            "ok/download-json-that-is-not-an-error",
            &binary_op,
            200,
            zoom_json(&[]),
            utf8(r#"{"a":1}"#),
        ),
        response_vector(
            "ok/download-redirect-not-followed",
            &binary_op,
            302,
            json!({"location": "https://file.zoom.us/f/1"}),
            Value::Null,
        ),
        response_vector(
            "ok/download-without-content-type",
            &binary_op,
            200,
            json!({}),
            json!({"base64": "AAEC/w=="}),
        ),
        response_vector(
            "ok/big-integers-and-floats",
            json_op,
            200,
            zoom_json(&[]),
            utf8(
                r#"{"total_records":9007199254740991,"ratio":0.1,"neg":-5,"nested":{"a":[true,null,"é"]}}"#,
            ),
        ),
        response_vector(
            "unknown-operation",
            "noSuchOperation",
            200,
            zoom_json(&[]),
            utf8("{}"),
        ),
    ]
}

fn app(secret: bool) -> Value {
    let mut app =
        json!({"client_id": "vectors-client", "redirect_uri": "https://app.example/callback"});
    if secret {
        app["client_secret"] = json!("vectors-client-secret");
    }
    app
}

fn token_response(name: &str, call: &str, status: u16, content_type: &str, body: &str) -> Value {
    json!({
        "name": name,
        "call": call,
        "status": status,
        "headers": {"content-type": content_type},
        "body": if body.is_empty() { Value::Null } else { utf8(body) },
        "now": NOW_MS,
    })
}

fn oauth() -> Vec<Value> {
    let j = "application/json";
    let full = r#"{"access_token":"at-1","token_type":"bearer","refresh_token":"rt-1","expires_in":3599,"scope":"phone:read:admin phone:write:admin","api_url":"https://eu01api.zoom.us/"}"#;
    let mut out = vec![
        json!({"name": "request/code-exchange", "call": "code_exchange_request", "app": app(true), "code": "code-1", "code_verifier": "verifier-0123456789-0123456789-0123456789-abc"}),
        json!({"name": "request/code-exchange-public-client", "call": "code_exchange_request", "app": app(false), "code": "code-1", "code_verifier": "verifier-0123456789-0123456789-0123456789-abc"}),
        json!({"name": "request/refresh", "call": "refresh_request", "app": app(true), "token": "rt-1"}),
        json!({"name": "request/refresh-custom-base", "call": "refresh_request", "app": {"client_id": "c", "client_secret": "s", "oauth_base": "http://127.0.0.1:9/"}, "token": "rt-1"}),
        json!({"name": "request/revoke", "call": "revoke_request", "app": app(true), "token": "at-1"}),
        json!({"name": "request/device-authorization", "call": "device_authorization_request", "app": app(true)}),
        json!({"name": "request/code-exchange-without-redirect-uri", "call": "code_exchange_request", "app": {"client_id": "c", "client_secret": "s"}, "code": "code-1", "code_verifier": "v"}),
        token_response("token/full", "parse_token_response", 200, j, full),
        token_response(
            "token/minimal",
            "parse_token_response",
            200,
            j,
            r#"{"access_token":"at-2"}"#,
        ),
        token_response(
            "token/expires-in-as-string",
            "parse_token_response",
            200,
            j,
            r#"{"access_token":"at-2","expires_in":"3600"}"#,
        ),
        token_response(
            "token/api-url-not-http",
            "parse_token_response",
            200,
            j,
            r#"{"access_token":"at-2","api_url":"ftp://x"}"#,
        ),
        token_response(
            "token/invalid-grant",
            "parse_token_response",
            400,
            j,
            r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#,
        ),
        token_response(
            "token/invalid-client",
            "parse_token_response",
            401,
            j,
            r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
        ),
        token_response(
            "token/rfc6749-description",
            "parse_token_response",
            400,
            j,
            r#"{"error":"invalid_request","error_description":"Missing code."}"#,
        ),
        token_response(
            "token/unknown-error-code",
            "parse_token_response",
            400,
            j,
            r#"{"error":"something_new"}"#,
        ),
        token_response(
            "token/error-in-2xx",
            "parse_token_response",
            200,
            j,
            r#"{"error":"invalid_grant","reason":"Used."}"#,
        ),
        token_response(
            "token/html-5xx",
            "parse_token_response",
            502,
            "text/html",
            "<html><body>Bad Gateway</body></html>",
        ),
        token_response(
            "token/truncated-json",
            "parse_token_response",
            200,
            j,
            r#"{"access_token":"at-"#,
        ),
        token_response("token/empty-body", "parse_token_response", 200, j, ""),
        token_response(
            "token/missing-access-token",
            "parse_token_response",
            200,
            j,
            r#"{"token_type":"bearer","expires_in":3599}"#,
        ),
        token_response(
            "token/bad-expires-in",
            "parse_token_response",
            200,
            j,
            r#"{"access_token":"at-2","expires_in":"soon"}"#,
        ),
        token_response(
            "revoke/success",
            "parse_revoke_response",
            200,
            j,
            r#"{"status":"success"}"#,
        ),
        token_response("revoke/empty-success", "parse_revoke_response", 200, j, ""),
        token_response(
            "revoke/refused",
            "parse_revoke_response",
            400,
            j,
            r#"{"reason":"Invalid Token!","error":"invalid_request"}"#,
        ),
        token_response(
            "revoke/html",
            "parse_revoke_response",
            500,
            "text/html",
            "<html>oops</html>",
        ),
        json!({"name": "callback/ok", "call": "parse_callback", "callback": "https://app.example/callback?code=abc&state=s1", "expected_state": "s1"}),
        json!({"name": "callback/query-only", "call": "parse_callback", "callback": "?state=s1&code=a%20b", "expected_state": "s1"}),
        json!({"name": "callback/state-mismatch", "call": "parse_callback", "callback": "https://app.example/callback?code=abc&state=s2", "expected_state": "s1"}),
        json!({"name": "callback/access-denied", "call": "parse_callback", "callback": "https://app.example/callback?error=access_denied&error_description=User%20said%20no&state=s1", "expected_state": "s1"}),
        json!({"name": "callback/no-code", "call": "parse_callback", "callback": "https://app.example/callback?state=s1", "expected_state": "s1"}),
    ];
    for (name, previous, body) in [
        (
            "refresh/rotated",
            "rt-old",
            r#"{"access_token":"at-3","refresh_token":"rt-new","expires_in":3600}"#,
        ),
        (
            "refresh/keeps-previous",
            "rt-old",
            r#"{"access_token":"at-3","expires_in":3600}"#,
        ),
    ] {
        let mut v = token_response(name, "parse_refresh_response", 200, j, body);
        v["previous_refresh_token"] = json!(previous);
        out.push(v);
    }
    let mut refused = token_response(
        "refresh/refused",
        "parse_refresh_response",
        401,
        j,
        r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#,
    );
    refused["previous_refresh_token"] = json!("rt-old");
    out.push(refused);
    out
}

fn signed(name: &str, body: &str, timestamp_ms: u64, secret: &str) -> Value {
    let ts = (timestamp_ms / 1000).to_string();
    let signature = zoom_phone::webhook::sign(
        &zoom_phone::Secret::new(secret.to_owned()),
        &ts,
        body.as_bytes(),
    );
    json!({
        "name": name,
        "headers": {
            "content-type": "application/json",
            "x-zm-request-timestamp": ts,
            "x-zm-signature": signature,
        },
        "body": utf8(body),
        "secrets": [WEBHOOK_SECRET],
        "now": NOW_MS,
    })
}

fn webhooks() -> Vec<Value> {
    let event = r#"{"event":"phone.callee_ringing","event_ts":1767225599000,"payload":{"account_id":"acc","object":{"call_id":"7123","caller":{"phone_number":"+12055550100"}}}}"#;
    let validation = r#"{"event":"endpoint.url_validation","event_ts":1767225599000,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#;
    let mut out = vec![
        signed("genuine-event", event, NOW_MS, WEBHOOK_SECRET),
        signed("url-validation", validation, NOW_MS, WEBHOOK_SECRET),
        signed("bad-signature", event, NOW_MS, "another-secret"),
        signed("stale-timestamp", event, NOW_MS - 301_000, WEBHOOK_SECRET),
        signed("edge-of-window", event, NOW_MS - 300_000, WEBHOOK_SECRET),
        signed("future-timestamp", event, NOW_MS + 301_000, WEBHOOK_SECRET),
        signed(
            "body-not-json",
            "event=phone.callee_ringing",
            NOW_MS,
            WEBHOOK_SECRET,
        ),
        signed(
            "url-validation-without-plain-token",
            r#"{"event":"endpoint.url_validation","payload":{}}"#,
            NOW_MS,
            WEBHOOK_SECRET,
        ),
    ];
    let mut rotated = signed("rotation-second-secret", event, NOW_MS, "new-secret");
    rotated["secrets"] = json!([WEBHOOK_SECRET, "new-secret"]);
    out.push(rotated);
    let mut no_secret = signed("no-secret-configured", event, NOW_MS, WEBHOOK_SECRET);
    no_secret["secrets"] = json!([]);
    out.push(no_secret);
    // Rotation with the old secret unset: the empty slot is skipped.
    let mut empty_slot = signed("rotation-empty-slot", event, NOW_MS, WEBHOOK_SECRET);
    empty_slot["secrets"] = json!(["", WEBHOOK_SECRET]);
    out.push(empty_slot);
    // ... and is no key: signed with the empty key, refused.
    let mut empty_key = signed("rotation-empty-slot-is-no-key", event, NOW_MS, "");
    empty_key["secrets"] = json!(["", WEBHOOK_SECRET]);
    out.push(empty_key);
    // Only empty entries: refused like no secret at all, never accepted.
    let mut all_empty = signed("all-secrets-empty", event, NOW_MS, "");
    all_empty["secrets"] = json!(["", ""]);
    out.push(all_empty);
    // One string is one secret, in every host (never its characters).
    let mut one = signed("single-string-secret", event, NOW_MS, WEBHOOK_SECRET);
    one["secrets"] = json!(WEBHOOK_SECRET);
    out.push(one);
    let first_char = &WEBHOOK_SECRET[..1];
    let mut one_char = signed(
        "single-string-secret-one-character",
        event,
        NOW_MS,
        first_char,
    );
    one_char["secrets"] = json!(WEBHOOK_SECRET);
    out.push(one_char);
    let mut tampered = signed("body-tampered", event, NOW_MS, WEBHOOK_SECRET);
    tampered["body"] = utf8(&event.replace("7123", "7124"));
    out.push(tampered);
    for (name, header) in [
        ("missing-signature", "x-zm-signature"),
        ("missing-timestamp", "x-zm-request-timestamp"),
    ] {
        let mut v = signed(name, event, NOW_MS, WEBHOOK_SECRET);
        if let Some(h) = v["headers"].as_object_mut() {
            h.remove(header);
        }
        out.push(v);
    }
    let mut malformed_sig = signed("malformed-signature", event, NOW_MS, WEBHOOK_SECRET);
    malformed_sig["headers"]["x-zm-signature"] = json!("sha256=abc");
    out.push(malformed_sig);
    let mut malformed_ts = signed("malformed-timestamp", event, NOW_MS, WEBHOOK_SECRET);
    malformed_ts["headers"]["x-zm-request-timestamp"] = json!("yesterday");
    out.push(malformed_ts);
    out
}
