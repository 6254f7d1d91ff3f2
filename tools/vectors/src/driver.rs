//! Scripted protocol scenarios (`driver.json`): a session's configuration
//! and a script of crossings (start a call, report an outcome, cancel,
//! abandon) with fake time; the recorded expectation is what the core
//! answered to each crossing. Every host replays the script through its
//! binding's session and must answer the same: the same actions, the same
//! wake-ups, the same results and errors, deadline edges included.
//!
//! JSON shapes (times are ms since the epoch):
//! - script entry: `{"start": {"operation"|"download", "params", "options"}, "now_ms"}`
//!   (calls are numbered by their start, from 0), `{"handle": n, "outcome": O, "now_ms"}`,
//!   `{"cancel": n, "now_ms"}`, `{"abandon": n, "now_ms"}`;
//! - outcome `O`: `{"response": {"status", "headers", "body"}}`, `{"too_large": true}`,
//!   `{"failed": {"kind", "message"}}`, `{"token": {"ok": answer} | {"error": text}}`,
//!   `{"locked": true}`, `{"lock_busy": true}`, `{"stored": tokens | null}`, `{"written": true}`,
//!   `{"unlocked": true}`, `{"store_failed": text}`, `{"woken": true}`, `{"expired": true}`,
//!   `{"shared": {"ok": reply} | {"error": text}}` (a Redis reply as JSON: null, integers,
//!   strings, arrays);
//! - expectation per entry: `{"action": A, "wake", "events": [names]}` for
//!   start/handle, `{"cancelled": "gone"|"finishing"|"perform", "action"?}`
//!   for cancel, `{"abandoned": A | null}` for abandon;
//! - action `A`: `{"type": "send", "method", "url", "headers", "body",
//!   "body_limit", "timeout_ms", "detached", "expires_at_ms"}`,
//!   `{"type": "fetch_token"|"lock_store"|"read_store", "expires_at_ms"}`,
//!   `{"type": "write_store", "tokens", "expires_at_ms"}`, `{"type":
//!   "unlock_store"}`, `{"type": "wait", "until_ms"}`, `{"type": "done",
//!   "ok": {"status", "tracking_id", "kind", "content_type", "location",
//!   "body"}}` or `{"type": "done", "error": <Error::to_json>}`.

use std::time::Duration;

use serde_json::{Value, json};
use zoom_phone::Timestamp;
use zoom_phone::auth::{TokenSet, TokenSourceFailure};
use zoom_phone::config::HostConfig;
use zoom_phone::driver::{
    Action, CallId, CallOptions, CallRequest, Cancelled, Outcome, Session, Step,
};
use zoom_phone::error::TransportFailure;
use zoom_phone::response::{RawBody, Reply};
use zoom_phone::retry::TransportErrorKind;

use crate::outcome;

/// Runs a scenario through the core; returns the expectation list.
pub fn run(v: &Value) -> Result<Value, String> {
    let config = HostConfig::from_json(&v["config"]).map_err(|e| e.to_string())?;
    let mut session = Session::new(config).map_err(|e| e.to_string())?;
    let mut calls: Vec<CallId> = Vec::new();
    let mut out = Vec::new();
    let script = v["script"]
        .as_array()
        .ok_or("a scenario needs a `script`")?;
    for entry in script {
        let now =
            Timestamp::from_millis(entry["now_ms"].as_u64().ok_or("every entry has `now_ms`")?);
        let call = |key: &str| -> Result<CallId, String> {
            let n = entry[key].as_u64().ok_or("a call number")? as usize;
            calls.get(n).copied().ok_or_else(|| format!("no call {n}"))
        };
        if let Some(start) = entry.get("start") {
            // Options are read before the call starts: bad ones end it there
            // (the call keeps its number, and has no id).
            let options = match CallOptions::from_json(&start["options"]) {
                Ok(o) => o,
                Err(e) => {
                    calls.push(CallId(0));
                    out.push(json!({"action": {"type": "done", "error": e.to_json()}, "wake": false, "events": []}));
                    continue;
                }
            };
            let request = match (start["operation"].as_str(), start["download"].as_str()) {
                (Some(op), None) => CallRequest::operation(op, start["params"].clone()),
                (None, Some(url)) => CallRequest::download(url),
                _ => return Err("start names an operation or a download".into()),
            };
            let (id, step) = session.start(request.with_options(options), now);
            calls.push(id);
            out.push(step_json(step));
        } else if entry.get("handle").is_some() {
            let id = call("handle")?;
            let outcome = outcome_from(&entry["outcome"], now)?;
            out.push(step_json(session.handle(id, outcome, now)));
        } else if entry.get("cancel").is_some() {
            let id = call("cancel")?;
            out.push(match session.cancel(id, now) {
                Cancelled::Gone => json!({"cancelled": "gone"}),
                Cancelled::Finishing => json!({"cancelled": "finishing"}),
                Cancelled::Perform(step) => {
                    let mut v = step_json(*step);
                    v["cancelled"] = json!("perform");
                    v
                }
            });
        } else if entry.get("abandon").is_some() {
            let id = call("abandon")?;
            let action = session.abandon(id, now).map(action_json);
            out.push(json!({"abandoned": action}));
        } else {
            return Err(format!("unknown script entry {entry}"));
        }
    }
    Ok(Value::Array(out))
}

fn step_json(step: Step) -> Value {
    let events: Vec<&str> = step.events.iter().map(|e| e.name).collect();
    json!({"action": action_json(step.action), "wake": step.wake, "events": events})
}

fn ms(t: Option<Timestamp>) -> Value {
    json!(t.map(Timestamp::as_millis))
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

pub fn action_json(action: Action) -> Value {
    match action {
        Action::Send(send) => {
            let r = outcome::request(&send.request);
            json!({
                "type": "send",
                "method": r["method"], "url": r["url"], "headers": r["headers"], "body": r["body"],
                "body_limit": send.body_limit,
                "timeout_ms": duration_ms(send.timeout),
                "detached": send.detached,
                "expires_at_ms": ms(send.expires_at),
            })
        }
        Action::FetchToken { expires_at } => {
            json!({"type": "fetch_token", "expires_at_ms": ms(expires_at)})
        }
        Action::LockStore { expires_at } => {
            json!({"type": "lock_store", "expires_at_ms": ms(expires_at)})
        }
        Action::ReadStore { expires_at } => {
            json!({"type": "read_store", "expires_at_ms": ms(expires_at)})
        }
        Action::WriteStore { tokens, expires_at } => json!({
            "type": "write_store",
            "tokens": serde_json::from_slice::<Value>(&tokens.to_store_json()).unwrap_or(Value::Null),
            "expires_at_ms": ms(expires_at),
        }),
        Action::UnlockStore => json!({"type": "unlock_store"}),
        Action::Wait { until } => json!({"type": "wait", "until_ms": until.as_millis()}),
        Action::Done(Ok(reply)) => json!({"type": "done", "ok": reply_json(&reply)}),
        Action::Done(Err(e)) => json!({"type": "done", "error": e.to_json()}),
        Action::Shared(op) => {
            let mut v = op.to_json();
            v["type"] = json!("shared");
            // The source is the same in every host (it comes from the core); the
            // SHA-1 names it.
            if let Some(m) = v.as_object_mut() {
                m.remove("source");
            }
            v
        }
        other => json!({"type": other.name()}),
    }
}

fn reply_json(reply: &Reply) -> Value {
    let (kind, content_type, body) = match &reply.body {
        RawBody::Json(bytes) => ("json", None, outcome::bytes(bytes)),
        RawBody::Empty => ("empty", None, Value::Null),
        RawBody::Binary {
            content_type,
            bytes,
        } => ("binary", content_type.clone(), outcome::bytes(bytes)),
        RawBody::Text { content_type, text } => {
            ("text", content_type.clone(), json!({"utf8": text}))
        }
    };
    json!({
        "status": reply.status,
        "tracking_id": reply.tracking_id,
        "kind": kind,
        "content_type": content_type,
        "location": reply.location,
        "body": body,
    })
}

fn outcome_from(v: &Value, now: Timestamp) -> Result<Outcome, String> {
    let Value::Object(map) = v else {
        return Err(format!("an outcome is an object, not {v}"));
    };
    let (key, value) = map.iter().next().ok_or("an empty outcome")?;
    Ok(match key.as_str() {
        "response" => Outcome::Response(crate::run::http_response(value)?),
        "too_large" => Outcome::TooLarge,
        "failed" => {
            let kind = serde_json::from_value::<TransportErrorKind>(value["kind"].clone())
                .map_err(|e| format!("failed.kind: {e}"))?;
            Outcome::Failed(TransportFailure::new(
                kind,
                value["message"].as_str().unwrap_or_default(),
            ))
        }
        "token" => Outcome::Token(match (&value["ok"], value["error"].as_str()) {
            (answer, None) if !answer.is_null() => {
                TokenSet::from_source_answer(answer, now).map_err(TokenSourceFailure::new)
            }
            (_, Some(e)) => Err(TokenSourceFailure::new(e)),
            _ => return Err("token is {ok} or {error}".into()),
        }),
        "locked" => Outcome::Locked,
        "lock_busy" => Outcome::LockBusy,
        "stored" => Outcome::Stored(match value {
            Value::Null => None,
            tokens => Some(
                TokenSet::from_store_json(tokens.to_string().as_bytes())
                    .map_err(|e| e.to_string())?,
            ),
        }),
        "written" => Outcome::Written,
        "unlocked" => Outcome::Unlocked,
        "store_failed" => Outcome::StoreFailed(value.as_str().unwrap_or_default().to_owned()),
        "woken" => Outcome::Woken,
        "expired" => Outcome::Expired,
        "shared" => Outcome::Shared(match (&value["ok"], value["error"].as_str()) {
            (_, Some(e)) => Err(e.to_owned()),
            (ok, None) => Ok(zoom_phone::fleet::SharedReply::from_json(ok)?),
        }),
        other => return Err(format!("unknown outcome `{other}`")),
    })
}

// ---------------------------------------------------------------- the scenarios

const T: u64 = crate::NOW_MS;

fn start(op: &str, params: Value, options: Value, at: u64) -> Value {
    json!({"start": {"operation": op, "params": params, "options": options}, "now_ms": T + at})
}

fn handle(call: u64, outcome: Value, at: u64) -> Value {
    json!({"handle": call, "outcome": outcome, "now_ms": T + at})
}

fn respond(status: u16, headers: Value, body: &str) -> Value {
    json!({"response": {"status": status, "headers": headers, "body": if body.is_empty() { Value::Null } else { json!({"utf8": body}) }}})
}

fn zoom(status: u16, code: i64, message: &str) -> Value {
    let body = json!({"code": code, "message": message}).to_string();
    respond(
        status,
        json!({"content-type": "application/json", "x-zm-trackingid": "v=2.0;clid=us06;rid=DRIVER"}),
        &body,
    )
}

fn ok_page() -> Value {
    respond(
        200,
        json!({"content-type": "application/json", "x-zm-trackingid": "v=2.0;clid=us06;rid=OK"}),
        r#"{"call_queues":[{"id":"q1"}],"next_page_token":"","page_size":30}"#,
    )
}

fn token_ok(access: &str, refresh: Option<&str>) -> Value {
    let mut body = json!({"access_token": access, "token_type": "bearer", "expires_in": 3600});
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    respond(
        200,
        json!({"content-type": "application/json"}),
        &body.to_string(),
    )
}

fn failed(kind: &str) -> Value {
    json!({"failed": {"kind": kind, "message": "scripted failure"}})
}

fn fixed() -> Value {
    json!({"access_token": "driver-fixed-token", "seed": 7})
}

fn s2s() -> Value {
    json!({"account_id": "acct", "client_id": "cid", "client_secret": "csecret", "seed": 7})
}

fn user(store: &str) -> Value {
    json!({
        "client_id": "cid", "client_secret": "csecret",
        "tokens": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0},
        "token_store": store, "seed": 7,
    })
}

fn scenario(name: &str, config: Value, script: Vec<Value>) -> Value {
    json!({"name": name, "config": config, "script": script})
}

/// Every error class the driver can end a call with, one scenario each.
fn error_classes() -> Vec<Value> {
    let get = |status: u16, code: i64, message: &str| {
        vec![
            start("listCallQueues", json!({}), json!({"max_attempts": 1}), 0),
            handle(0, zoom(status, code, message), 5),
        ]
    };
    let mut out = vec![
        scenario(
            "class/authentication: a fixed token Zoom refuses",
            fixed(),
            get(401, 124, "Invalid access token."),
        ),
        scenario(
            "class/permission_denied",
            fixed(),
            get(403, 104, "Invalid access token, does not contain scopes."),
        ),
        scenario(
            "class/not_found",
            fixed(),
            get(404, 1001, "User does not exist."),
        ),
        scenario(
            "class/validation",
            fixed(),
            get(400, 300, "Validation Failed."),
        ),
        scenario("class/conflict", fixed(), get(409, 409, "Conflict.")),
        scenario(
            "class/rate_limit",
            fixed(),
            get(
                429,
                429,
                "You have reached the maximum per-second rate limit.",
            ),
        ),
        scenario(
            "class/server",
            fixed(),
            get(503, 503, "Service unavailable."),
        ),
        scenario("class/api", fixed(), get(405, 405, "Method not allowed.")),
    ];
    out.push(scenario(
        "class/daily_limit",
        fixed(),
        vec![
            start("listCallQueues", json!({}), json!({}), 0),
            handle(
                0,
                respond(
                    429,
                    json!({"content-type": "application/json", "x-ratelimit-type": "Daily-limit",
                           "retry-after": "2026-01-02T00:00:00Z", "x-zm-trackingid": "v=2.0;rid=DAILY"}),
                    r#"{"code":429,"message":"You have exceeded the daily rate limit."}"#,
                ),
                5,
            ),
        ],
    ));
    out.push(scenario(
        "class/transport: a reset on a write is not resent",
        fixed(),
        vec![
            start(
                "addExternalContact",
                json!({"body": {"name": "n"}}),
                json!({}),
                0,
            ),
            handle(0, failed("reset"), 5),
        ],
    ));
    out.push(scenario(
        "class/decode: a download redirect without a Location",
        fixed(),
        vec![
            start(
                "phoneDownloadRecordingFile",
                json!({"fileId": "f1"}),
                json!({}),
                0,
            ),
            handle(0, respond(302, json!({}), ""), 5),
        ],
    ));
    out.push(scenario(
        "class/build: an unknown parameter, nothing sent",
        fixed(),
        vec![start(
            "listCallQueues",
            json!({"pageSize": 10}),
            json!({}),
            0,
        )],
    ));
    out.push(scenario(
        "class/token_store: a store that cannot be read",
        user("private"),
        vec![
            start("listCallQueues", json!({}), json!({}), 0),
            handle(0, json!({"store_failed": "EACCES: permission denied"}), 1),
        ],
    ));
    out.push(scenario(
        "class/page_token_expired",
        fixed(),
        vec![
            start(
                "listCallQueues",
                json!({"next_page_token": "old"}),
                json!({}),
                0,
            ),
            handle(
                0,
                zoom(400, 300, "The next page token is invalid or expired."),
                5,
            ),
        ],
    ));
    out.push(scenario(
        "class/response_too_large",
        fixed(),
        vec![
            start("listCallQueues", json!({}), json!({}), 0),
            handle(0, json!({"too_large": true}), 5),
        ],
    ));
    out.push(scenario(
        "class/internal: an outcome that answers nothing out",
        fixed(),
        vec![
            start("listCallQueues", json!({}), json!({}), 0),
            handle(0, json!({"written": true}), 5),
        ],
    ));
    out
}

/// Every scenario, inputs only (the expectations are recorded).
pub fn scenarios() -> Vec<Value> {
    let mut out = vec![
        scenario(
            "fast-path: a fixed token is two crossings",
            fixed(),
            vec![
                start("listCallQueues", json!({"page_size": 30}), json!({}), 0),
                handle(0, ok_page(), 7),
            ],
        ),
        scenario(
            "fast-path: an s2s token is fetched once, then two crossings per call",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                start("listCallQueues", json!({}), json!({}), 1),
                handle(0, token_ok("s2s-1", None), 20),
                handle(1, json!({"woken": true}), 20),
                handle(0, ok_page(), 30),
                handle(1, ok_page(), 31),
                start("listCallQueues", json!({}), json!({}), 40),
                handle(2, ok_page(), 45),
            ],
        ),
        scenario(
            "retry: 429 waits for Retry-After exactly",
            fixed(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    respond(
                        429,
                        json!({"retry-after": "2", "x-ratelimit-type": "QPS", "content-type": "application/json"}),
                        r#"{"code":429,"message":"slow down"}"#,
                    ),
                    10,
                ),
                handle(0, json!({"woken": true}), 2_010),
                handle(0, ok_page(), 2_020),
            ],
        ),
        scenario(
            "retry: a 5xx on a read is retried after backoff, a write is not",
            fixed(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, zoom(502, 502, "Bad gateway"), 10),
                start(
                    "addExternalContact",
                    json!({"body": {"name": "n"}}),
                    json!({}),
                    11,
                ),
                handle(1, zoom(502, 502, "Bad gateway"), 20),
            ],
        ),
        scenario(
            "retry: a write the call allows is resent",
            fixed(),
            vec![
                start(
                    "addExternalContact",
                    json!({"body": {"name": "n"}}),
                    json!({"retry_non_idempotent": true}),
                    0,
                ),
                handle(0, zoom(503, 503, "busy"), 10),
            ],
        ),
        scenario(
            "deadline: the attempt's timeout is the time left, and its expiry is the deadline",
            fixed(),
            vec![
                start("listCallQueues", json!({}), json!({"timeout_ms": 300}), 0),
                handle(0, failed("timeout"), 299),
            ],
        ),
        scenario(
            "deadline: a reset before the deadline is the transport error; at it, a timeout",
            fixed(),
            vec![
                start(
                    "addExternalContact",
                    json!({"body": {"name": "n"}}),
                    json!({"timeout_ms": 300}),
                    0,
                ),
                handle(0, failed("reset"), 299),
                start(
                    "addExternalContact",
                    json!({"body": {"name": "n"}}),
                    json!({"timeout_ms": 300}),
                    1000,
                ),
                handle(1, failed("reset"), 1300),
            ],
        ),
        scenario(
            "deadline: a retry wait is cut by the deadline, and waking then ends the call",
            fixed(),
            vec![
                start("listCallQueues", json!({}), json!({"timeout_ms": 1000}), 0),
                handle(
                    0,
                    respond(
                        429,
                        json!({"retry-after": "0.3", "content-type": "application/json"}),
                        r#"{"code":429,"message":"slow down"}"#,
                    ),
                    600,
                ),
                handle(0, json!({"woken": true}), 1000),
            ],
        ),
        scenario(
            "deadline: a waiter for another call's token times out at its own deadline",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                start("listCallQueues", json!({}), json!({"timeout_ms": 500}), 0),
                handle(1, json!({"woken": true}), 500),
            ],
        ),
        scenario(
            "deadline: the client default timeout applies",
            json!({"access_token": "driver-fixed-token", "timeout_ms": 250, "attempt_timeout_ms": 1000}),
            vec![start("listCallQueues", json!({}), json!({}), 0)],
        ),
        scenario(
            "tokens: code 124 renews once and resends",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, token_ok("s2s-1", None), 10),
                handle(0, zoom(401, 124, "Invalid access token."), 20),
                handle(0, token_ok("s2s-2", None), 30),
                handle(0, ok_page(), 40),
            ],
        ),
        scenario(
            "tokens: a token request lost to a reset is resent for account credentials",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, failed("reset"), 10),
                handle(0, json!({"woken": true}), 2_000),
                handle(0, token_ok("s2s-1", None), 2_010),
                handle(0, ok_page(), 2_020),
            ],
        ),
        scenario(
            "tokens: a refresh lost to a reset is not resent",
            user("none"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, failed("reset"), 10),
            ],
        ),
        scenario(
            "tokens: the OAuth server refuses the client",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    respond(
                        401,
                        json!({"content-type": "application/json", "x-zm-trackingid": "v=2.0;rid=OAUTH"}),
                        r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
                    ),
                    10,
                ),
            ],
        ),
        scenario(
            "tokens: a token source is asked, its answer normalized",
            json!({"token_source": true, "seed": 7}),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    json!({"token": {"ok": {"accessToken": "from-source", "expiresIn": 600}}}),
                    1,
                ),
                handle(0, ok_page(), 10),
            ],
        ),
        scenario(
            "tokens: a token source that fails",
            json!({"token_source": true, "seed": 7}),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, json!({"token": {"error": "VaultError: sealed"}}), 1),
            ],
        ),
        scenario(
            "store: private: read once, refresh, write the rotated tokens",
            user("private"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, json!({"stored": null}), 1),
                handle(0, token_ok("a1", Some("rt-1")), 10),
                handle(0, json!({"written": true}), 11),
                handle(0, ok_page(), 20),
            ],
        ),
        scenario(
            "store: shared: lock, read, refresh, write, unlock",
            user("shared"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    json!({"stored": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0}}),
                    1,
                ),
                handle(0, json!({"locked": true}), 2),
                handle(
                    0,
                    json!({"stored": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0}}),
                    3,
                ),
                handle(0, token_ok("a1", Some("rt-1")), 10),
                handle(0, json!({"written": true}), 11),
                handle(0, json!({"unlocked": true}), 12),
                handle(0, ok_page(), 20),
            ],
        ),
        scenario(
            "store: shared: a lock held elsewhere is tried again 10 ms later",
            user("shared"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    json!({"stored": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0}}),
                    1,
                ),
                handle(0, json!({"lock_busy": true}), 2),
                handle(0, json!({"woken": true}), 12),
                handle(0, json!({"locked": true}), 12),
                handle(
                    0,
                    json!({"stored": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0}}),
                    13,
                ),
                handle(0, token_ok("a1", Some("rt-1")), 20),
                handle(0, json!({"written": true}), 21),
                handle(0, json!({"unlocked": true}), 22),
                handle(0, ok_page(), 30),
            ],
        ),
        scenario(
            "store: shared: a lock held past the call's deadline ends the call with its timeout",
            user("shared"),
            vec![
                start("listCallQueues", json!({}), json!({"timeout_ms": 15}), 0),
                handle(
                    0,
                    json!({"stored": {"access_token": "old-access", "refresh_token": "rt-0", "expires_at": 0}}),
                    1,
                ),
                handle(0, json!({"lock_busy": true}), 2),
                handle(0, json!({"woken": true}), 12),
                handle(0, json!({"lock_busy": true}), 12),
                handle(0, json!({"woken": true}), 15),
            ],
        ),
        scenario(
            "store: shared: fresh tokens another process saved are adopted without a refresh",
            user("shared"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    json!({"stored": {"access_token": "saved-by-another", "refresh_token": "rt-9", "expires_at": T + 3_600_000}}),
                    1,
                ),
                handle(0, ok_page(), 10),
            ],
        ),
        scenario(
            "abandon: cancelling the renewer finishes its refresh and saves the rotated token",
            user("private"),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, json!({"stored": null}), 1),
                start("listCallQueues", json!({}), json!({}), 2),
                json!({"cancel": 0, "now_ms": T + 3}),
                handle(0, token_ok("a1", Some("rt-1")), 10),
                handle(0, json!({"written": true}), 11),
                handle(1, json!({"woken": true}), 11),
                handle(1, ok_page(), 20),
            ],
        ),
        scenario(
            "abandon: the deadline passes during a refresh; the refresh still completes",
            user("private"),
            vec![
                start("listCallQueues", json!({}), json!({"timeout_ms": 100}), 0),
                handle(0, json!({"stored": null}), 1),
                handle(0, json!({"expired": true}), 100),
                handle(0, token_ok("a1", Some("rt-1")), 900),
                handle(0, json!({"written": true}), 901),
            ],
        ),
        scenario(
            "abandon: a host that cannot finish gives the renewal up; a waiter renews",
            s2s(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                start("listCallQueues", json!({}), json!({}), 0),
                json!({"abandon": 0, "now_ms": T + 5}),
                handle(1, json!({"woken": true}), 5),
            ],
        ),
        scenario(
            "abandon: cancelling an API request forgets the call",
            fixed(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                json!({"cancel": 0, "now_ms": T + 3}),
            ],
        ),
        scenario(
            "downloads: the transcript follows its redirect with the token to Zoom only",
            fixed(),
            vec![
                start(
                    "phoneDownloadRecordingTranscript",
                    json!({"recordingId": "r1"}),
                    json!({}),
                    0,
                ),
                handle(
                    0,
                    respond(
                        302,
                        json!({"location": "https://us06web.zoom.us/rec/t1.vtt"}),
                        "",
                    ),
                    5,
                ),
                handle(
                    0,
                    respond(
                        200,
                        json!({"content-type": "text/vtt"}),
                        "WEBVTT\n\n00:00.000 --> 00:01.000\nHello",
                    ),
                    10,
                ),
            ],
        ),
        scenario(
            "downloads: a download_url off Zoom's hosts gets no token",
            fixed(),
            vec![
                json!({"start": {"download": "https://storage.example.com/rec.mp3?sig=abc"}, "now_ms": T}),
                handle(
                    0,
                    respond(200, json!({"content-type": "audio/mpeg"}), "ID3"),
                    5,
                ),
            ],
        ),
        scenario(
            "options: extra headers are sent, Authorization cannot be overridden",
            fixed(),
            vec![
                start(
                    "listCallQueues",
                    json!({}),
                    json!({"headers": {"X-Request-Id": "req-1"}}),
                    0,
                ),
                start(
                    "listCallQueues",
                    json!({}),
                    json!({"headers": {"Authorization": "Bearer mine"}}),
                    1,
                ),
                start("listCallQueues", json!({}), json!({"timeoutMs": -5}), 2),
            ],
        ),
        scenario(
            "logging: every event the driver produces at debug",
            json!({"access_token": "driver-fixed-token", "log": "debug", "seed": 7}),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, zoom(503, 503, "busy"), 10),
                handle(0, json!({"woken": true}), 1_000),
                handle(0, ok_page(), 1_010),
            ],
        ),
        scenario(
            "limiter: pro plan spaces Heavy calls",
            json!({"access_token": "driver-fixed-token", "rate_limits": "pro", "seed": 7}),
            (0..7)
                .map(|i| start("accountCallLogs", json!({}), json!({}), i))
                .collect(),
        ),
    ];
    out.extend(error_classes());
    out.extend(fleet());
    out
}

fn shared(reply: Value) -> Value {
    json!({"shared": {"ok": reply}})
}

/// A fleet: the shared limiter, the fleet's tokens, degraded mode.
fn fleet() -> Vec<Value> {
    let limited = json!({"access_token": "driver-fixed-token", "rate_limits": "pro", "seed": 7,
                         "log": "warn", "fleet": {"account": "acct"}});
    let alone = json!({"access_token": "driver-fixed-token", "rate_limits": "pro", "seed": 7,
                       "log": "warn", "fleet": {"account": "acct", "probe_ms": 2000}});
    let tokens = json!({"account_id": "acct", "client_id": "cid", "client_secret": "csecret", "seed": 7,
                        "fleet": {}});
    let fresh = json!({"access_token": "from-fleet", "expires_at": T + 3_600_000});
    vec![
        scenario(
            "fleet: the shared limiter grants a slot",
            limited.clone(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, shared(json!([1, 0, "ok", 3, 1])), 1),
                handle(0, ok_page(), 10),
            ],
        ),
        scenario(
            "fleet: a reserved slot later, a pause, the daily quota",
            limited.clone(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, shared(json!([1, 120, "ok", 3, 1])), 1),
                start("listCallQueues", json!({}), json!({}), 2),
                handle(1, shared(json!([0, 1500, "paused", 3, 1])), 3),
                start("accountCallLogs", json!({}), json!({}), 4),
                handle(2, shared(json!([0, 3_600_000, "daily", 3, 1])), 5),
            ],
        ),
        scenario(
            "fleet: a 429 pauses the category for the fleet",
            limited.clone(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, shared(json!([1, 0, "ok", 2, 1])), 1),
                handle(
                    0,
                    respond(
                        429,
                        json!({"retry-after": "2", "x-ratelimit-type": "QPS", "content-type": "application/json"}),
                        r#"{"code":429,"message":"slow down"}"#,
                    ),
                    10,
                ),
                handle(0, shared(json!(2000)), 11),
            ],
        ),
        scenario(
            "fleet: Redis out of reach: alone in its turns after the fleet's window, said once",
            alone,
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(
                    0,
                    json!({"shared": {"error": "ECONNREFUSED 127.0.0.1:6379"}}),
                    1,
                ),
                // Alone before the probe: the next turn, nothing said again.
                start("listCallQueues", json!({}), json!({}), 20),
                // Its turn of the fleet's grid (Medium at 90 % of the share),
                // a window after the fleet's last slot.
                handle(0, json!({"woken": true}), 1_112),
                handle(0, ok_page(), 1_115),
            ],
        ),
        scenario(
            "fleet: back from an outage, the worker keeps to its turns for a window and a probe",
            limited,
            vec![
                start("accountCallLogs", json!({}), json!({}), 0),
                handle(0, json!({"shared": {"error": "ECONNREFUSED"}}), 1),
                // Waiting for its turn, it probes Redis (the heartbeat alone).
                handle(0, json!({"woken": true}), 501),
                handle(0, json!({"shared": {"error": "ECONNREFUSED"}}), 502),
                handle(0, json!({"woken": true}), 1_002),
                // Redis is back (empty): the call keeps its turn, then asks
                // the fleet too.
                handle(0, shared(json!([0, 0, "probe", 1, 0])), 1_003),
                handle(0, json!({"woken": true}), 1_235),
                handle(0, shared(json!([1, 0, "ok", 1, 0])), 1_236),
                handle(0, ok_page(), 1_240),
                // The next waits for its next turn, then asks the fleet.
                start("accountCallLogs", json!({}), json!({}), 1_250),
                handle(1, json!({"woken": true}), 1_482),
                handle(1, shared(json!([1, 0, "ok", 1, 0])), 1_483),
                handle(1, ok_page(), 1_490),
                // A window and a probe after the rejoin: the fleet alone.
                start("accountCallLogs", json!({}), json!({}), 2_600),
                handle(2, shared(json!([1, 0, "ok", 1, 0])), 2_601),
                handle(2, ok_page(), 2_605),
            ],
        ),
        scenario(
            "fleet: account tokens fetched under the fleet's lock",
            tokens.clone(),
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, shared(Value::Null), 1),
                handle(0, shared(json!([1, 5])), 2),
                handle(0, shared(Value::Null), 3),
                handle(0, token_ok("s2s-1", None), 10),
                handle(0, shared(json!(1)), 11),
                handle(0, shared(json!(1)), 12),
                handle(0, ok_page(), 20),
            ],
        ),
        scenario(
            "fleet: another worker holds the lock; its saved token is adopted",
            tokens,
            vec![
                start("listCallQueues", json!({}), json!({}), 0),
                handle(0, shared(Value::Null), 1),
                handle(0, shared(json!([0, 200])), 2),
                handle(0, json!({"woken": true}), 60),
                handle(0, shared(json!(fresh.to_string())), 61),
                handle(0, ok_page(), 70),
            ],
        ),
    ]
}
