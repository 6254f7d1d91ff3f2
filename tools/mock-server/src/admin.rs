//! `/_admin/...`: how tests steer the mock (documented in the README).

use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::body::{self, Resp};
use crate::config::RateLimitConfig;
use crate::faults::FaultSpec;
use crate::state::State;
use crate::util::lock;
use crate::webhooks;

fn bad(message: impl Into<String>) -> Resp {
    body::json(StatusCode::BAD_REQUEST, &json!({ "error": message.into() }))
}

fn ok(value: Value) -> Resp {
    body::json(StatusCode::OK, &value)
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Resp> {
    let text = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(text).map_err(|e| bad(format!("bad JSON body: {e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneSwitchBody {
    enabled: bool,
    #[serde(default)]
    account_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MintBody {
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    ttl_secs: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceBody {
    user_code: String,
    #[serde(default)]
    deny: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigBody {
    #[serde(default)]
    token_ttl_secs: Option<f64>,
    #[serde(default)]
    page_token_ttl_secs: Option<f64>,
    #[serde(default)]
    api_url: Option<String>,
}

fn duration(secs: f64) -> Result<Duration, Resp> {
    if secs.is_finite() && secs >= 0.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(bad("durations must be non-negative seconds"))
    }
}

pub(crate) async fn handle(
    state: &State,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Resp {
    match run(state, method, path, query, body).await {
        Ok(r) | Err(r) => r,
    }
}

async fn run(
    state: &State,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<Resp, Resp> {
    let route = path.trim_start_matches("/_admin").trim_end_matches('/');
    Ok(match (method.as_str(), route) {
        ("GET", "/health") => ok(json!({ "ok": true, "url": state.base_url })),
        ("GET", "/requests") => {
            let prefix = query
                .and_then(|q| {
                    form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "path_prefix")
                })
                .map(|(_, v)| v.into_owned());
            let log = lock(&state.log);
            let entries: Vec<&crate::log::LoggedRequest> = log
                .iter()
                .filter(|e| prefix.as_deref().is_none_or(|p| e.path.starts_with(p)))
                .collect();
            ok(serde_json::to_value(entries).unwrap_or(Value::Null))
        }
        ("DELETE", "/requests") => {
            lock(&state.log).clear();
            ok(json!({ "cleared": true }))
        }
        ("POST", "/sync") => {
            // Changes between syncs: `records` new records in every sync log.
            let v: Value = parse(body)?;
            let n = v["records"]
                .as_u64()
                .ok_or_else(|| bad("give {\"records\": n}"))?;
            let added = lock(&state.sync).add(n);
            ok(json!({ "added": added, "total": crate::sync::INITIAL_RECORDS + added }))
        }
        ("GET", "/faults") => {
            ok(serde_json::to_value(lock(&state.faults).list()).unwrap_or(Value::Null))
        }
        ("POST", "/faults") => {
            let spec: FaultSpec = parse(body)?;
            let fault = spec.into_fault().map_err(bad)?;
            lock(&state.faults).push(fault.clone());
            ok(serde_json::to_value(fault).unwrap_or(Value::Null))
        }
        ("DELETE", "/faults") => {
            lock(&state.faults).clear();
            ok(json!({ "cleared": true }))
        }
        ("GET", "/rate_limits") => {
            ok(serde_json::to_value(lock(&state.limits).config).unwrap_or(Value::Null))
        }
        ("PUT", "/rate_limits") => {
            let config: RateLimitConfig = match parse::<Value>(body)? {
                Value::String(plan) if plan == "pro" => RateLimitConfig::pro(),
                Value::String(plan) if plan == "business" => RateLimitConfig::business(),
                Value::String(plan) if plan == "off" => RateLimitConfig::default(),
                v => serde_json::from_value(v).map_err(|e| bad(format!("bad rate limits: {e}")))?,
            };
            lock(&state.limits).reconfigure(config);
            ok(serde_json::to_value(config).unwrap_or(Value::Null))
        }
        ("PUT", "/phone") => {
            let b: PhoneSwitchBody = parse(body)?;
            let mut phone = lock(&state.phone);
            match b.account_id {
                Some(account) if b.enabled => {
                    phone.disabled.remove(&account);
                }
                Some(account) => {
                    phone.disabled.insert(account);
                }
                None => {
                    phone.all_disabled = !b.enabled;
                    if b.enabled {
                        phone.disabled.clear();
                    }
                }
            }
            ok(json!({ "all_disabled": phone.all_disabled, "disabled_accounts": phone.disabled }))
        }
        ("POST", "/tokens") => {
            let b: MintBody = parse(body)?;
            let mut oauth = lock(&state.oauth);
            let ttl = match b.ttl_secs {
                Some(s) => duration(s)?,
                None => oauth.token_ttl,
            };
            let account = b
                .account_id
                .or_else(|| oauth.accounts.first().cloned())
                .unwrap_or_else(|| "mock-account".into());
            let client = b
                .client_id
                .or_else(|| oauth.clients.first().map(|c| c.client_id.clone()))
                .unwrap_or_default();
            let token = oauth.mint(&account, &client, ttl, Instant::now());
            ok(
                json!({ "access_token": token, "token_type": "bearer", "expires_in": ttl.as_secs(), "account_id": account }),
            )
        }
        ("POST", "/tokens/expire") => {
            lock(&state.oauth).expire_all(Instant::now());
            ok(json!({ "expired": true }))
        }
        ("POST", "/device/approve") => {
            let b: DeviceBody = parse(body)?;
            if lock(&state.oauth).decide_device(&b.user_code, !b.deny) {
                ok(json!({ "user_code": b.user_code, "approved": !b.deny }))
            } else {
                body::json(
                    StatusCode::NOT_FOUND,
                    &json!({ "error": "unknown user_code" }),
                )
            }
        }
        ("PATCH", "/config") => {
            let b: ConfigBody = parse(body)?;
            let mut oauth = lock(&state.oauth);
            if let Some(s) = b.token_ttl_secs {
                oauth.token_ttl = duration(s)?;
            }
            if let Some(url) = b.api_url {
                oauth.api_url = (!url.is_empty()).then_some(url);
            }
            if let Some(s) = b.page_token_ttl_secs {
                *lock(&state.page_token_ttl) = duration(s)?;
            }
            ok(json!({
                "token_ttl_secs": oauth.token_ttl.as_secs_f64(),
                "page_token_ttl_secs": lock(&state.page_token_ttl).as_secs_f64(),
                "api_url": oauth.api_url,
            }))
        }
        ("POST", "/reset") => {
            state.reset();
            ok(json!({ "reset": true }))
        }
        ("GET", "/webhooks/events") => {
            let catalog = state
                .events
                .get_or_init(|| webhooks::load(state.config.webhook_spec.as_deref()))
                .as_ref()
                .map_err(|e| bad(e.clone()))?;
            let mut names: Vec<&String> = catalog.events.keys().collect();
            let validation = webhooks::URL_VALIDATION.to_string();
            names.push(&validation);
            ok(json!(names))
        }
        ("POST", "/webhooks/send") => {
            let req: webhooks::SendRequest = parse(body)?;
            let out = webhooks::send(state, req).await.map_err(bad)?;
            ok(out)
        }
        _ => body::json(
            StatusCode::NOT_FOUND,
            &json!({ "error": format!("no admin route {method} {path}") }),
        ),
    })
}
