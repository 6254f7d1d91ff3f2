//! Sends Zoom Phone webhook events to a receiver, signed as Zoom signs them.
//! The example payloads come from Zoom's webhooks document, read at run time
//! (it cannot be copied into the repository). The HMAC is computed here with
//! `hmac`/`sha2` directly, independent of the SDK's own webhook code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::state::State;
use crate::util::{hex, now_ms};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

pub(crate) const URL_VALIDATION: &str = "endpoint.url_validation";

/// Event name -> example body, from the webhooks document.
#[derive(Debug, Clone)]
pub(crate) struct EventCatalog {
    pub events: BTreeMap<String, Value>,
}

/// Where to look for `phone-webhooks.openapi.json`: the configured path,
/// `$ZOOM_SPEC_DIR`, then `shared/zoom-spec` beside the current directory or
/// any of its ancestors (the repository sits next to `shared/`).
fn candidates(configured: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = configured {
        out.push(p.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("ZOOM_SPEC_DIR") {
        out.push(PathBuf::from(dir).join("phone-webhooks.openapi.json"));
    }
    let roots = [
        std::env::current_dir().ok(),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
    ];
    for root in roots.into_iter().flatten() {
        for dir in root.ancestors() {
            out.push(dir.join("../shared/zoom-spec/phone-webhooks.openapi.json"));
        }
    }
    out
}

pub(crate) fn load(configured: Option<&Path>) -> Result<EventCatalog, String> {
    let path = candidates(configured)
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            "phone-webhooks.openapi.json not found: pass --webhook-spec or set ZOOM_SPEC_DIR"
                .to_string()
        })?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let hooks = doc
        .get("webhooks")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} has no webhooks object", path.display()))?;
    let mut events = BTreeMap::new();
    for (name, hook) in hooks {
        let examples = hook
            .pointer("/post/requestBody/content/application~1json/examples")
            .and_then(Value::as_object);
        let example = examples
            .and_then(|m| m.values().next())
            .and_then(|e| e.get("value"));
        // Examples are stored as JSON text; a few may be objects already.
        let body = match example {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_else(|_| minimal(name)),
            Some(v @ Value::Object(_)) => v.clone(),
            _ => minimal(name),
        };
        events.insert(name.clone(), body);
    }
    Ok(EventCatalog { events })
}

fn minimal(name: &str) -> Value {
    json!({ "event": name, "payload": { "account_id": "mock-account", "object": {} } })
}

/// `POST /_admin/webhooks/send`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SendRequest {
    pub url: String,
    pub event: String,
    pub secret: String,
    /// Sign with a different secret than `secret` (the receiver must refuse).
    #[serde(default)]
    pub wrong_secret: bool,
    /// Shift the timestamp, e.g. -600 for a stale delivery.
    #[serde(default)]
    pub timestamp_offset_secs: i64,
    /// Send the timestamp in milliseconds instead of seconds.
    #[serde(default)]
    pub timestamp_ms: bool,
    /// Replaces `payload` of the example.
    #[serde(default)]
    pub payload: Option<Value>,
    /// Sends these exact bytes as the body instead (e.g. non-ASCII, escapes).
    #[serde(default)]
    pub raw_body: Option<String>,
    /// The `plainToken` of a url_validation event.
    #[serde(default)]
    pub plain_token: Option<String>,
}

fn hmac_hex(secret: &str, data: &[u8]) -> Result<String, String> {
    let mut m = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
    m.update(data);
    Ok(hex(&m.finalize().into_bytes()))
}

/// Zoom's signature: `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{body}`).
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut message = format!("v0:{timestamp}:").into_bytes();
    message.extend_from_slice(body);
    format!("v0={}", hmac_hex(secret, &message).unwrap_or_default())
}

/// Builds, signs and delivers one event; answers what the receiver said.
pub(crate) async fn send(state: &State, req: SendRequest) -> Result<Value, String> {
    let now = now_ms();
    let plain_token = req
        .plain_token
        .clone()
        .unwrap_or_else(|| format!("mock-plain-{now}"));
    let body: Vec<u8> = if let Some(raw) = &req.raw_body {
        raw.clone().into_bytes()
    } else if req.event == URL_VALIDATION {
        serde_json::to_vec(&json!({
            "payload": { "plainToken": plain_token },
            "event_ts": now,
            "event": URL_VALIDATION,
        }))
        .map_err(|e| e.to_string())?
    } else {
        let catalog = state
            .events
            .get_or_init(|| load(state.config.webhook_spec.as_deref()))
            .as_ref()
            .map_err(Clone::clone)?;
        let mut body = catalog
            .events
            .get(&req.event)
            .cloned()
            .ok_or_else(|| format!("unknown event {:?}", req.event))?;
        if let Value::Object(m) = &mut body {
            m.insert("event".into(), Value::String(req.event.clone()));
            m.insert("event_ts".into(), Value::from(now));
            if let Some(p) = &req.payload {
                m.insert("payload".into(), p.clone());
            }
        }
        serde_json::to_vec(&body).map_err(|e| e.to_string())?
    };
    let ts_secs = i64::try_from(now / 1000).unwrap_or(0) + req.timestamp_offset_secs;
    let timestamp = if req.timestamp_ms {
        (ts_secs * 1000).to_string()
    } else {
        ts_secs.to_string()
    };
    let signing_secret = if req.wrong_secret {
        format!("{}-not-the-secret", req.secret)
    } else {
        req.secret.clone()
    };
    let sig = signature(&signing_secret, &timestamp, &body);
    let http_req = Request::post(&req.url)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header(
            header::USER_AGENT,
            "Zoom Marketplace/1.0a (zoom-phone-mock)",
        )
        .header("x-zm-signature", &sig)
        .header("x-zm-request-timestamp", &timestamp)
        .body(Full::new(Bytes::from(body.clone())))
        .map_err(|e| format!("bad url {:?}: {e}", req.url))?;
    let resp = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        state.http.request(http_req),
    )
    .await
    .map_err(|_| "the receiver did not answer within 10 s".to_string())?
    .map_err(|e| format!("delivery failed: {e}"))?;
    let status = resp.status().as_u16();
    let headers: BTreeMap<String, String> = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let answer = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer failed: {e}"))?
        .to_bytes();
    let answer_text = String::from_utf8_lossy(&answer).into_owned();
    let mut out = json!({
        "status": status,
        "headers": headers,
        "body": answer_text,
        "sent": {
            "body": String::from_utf8_lossy(&body),
            "x-zm-signature": sig,
            "x-zm-request-timestamp": timestamp,
        },
    });
    if req.event == URL_VALIDATION && req.raw_body.is_none() {
        let expected = hmac_hex(&req.secret, plain_token.as_bytes())?;
        let got: Option<Value> = serde_json::from_slice(&answer).ok();
        let ok = got
            .as_ref()
            .and_then(|v| v.get("encryptedToken"))
            .and_then(Value::as_str)
            == Some(expected.as_str())
            && got
                .as_ref()
                .and_then(|v| v.get("plainToken"))
                .and_then(Value::as_str)
                == Some(plain_token.as_str());
        out["validation"] = json!({
            "plain_token": plain_token,
            "expected_encrypted_token": expected,
            "ok": ok,
        });
    }
    Ok(out)
}
