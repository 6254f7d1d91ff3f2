//! Runs a vector's input through the core and returns its outcome
//! (`{"ok": ...}` or `{"error": ...}`): the generator records it, the Rust
//! runner compares it with the committed expectation.

use serde_json::{Value, json};
use zoom_phone::config::{Credentials, HostConfig};
use zoom_phone::driver::{Action, CallRequest, Session};
use zoom_phone::request::{self, RequestConfig};
use zoom_phone::webhook::WebhookReceiver;
use zoom_phone::{Error, Secret, Timestamp};

use crate::outcome;

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    v[key]
        .as_str()
        .ok_or_else(|| format!("vector field `{key}` must be a string"))
}

fn string_or_none(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(str::to_owned)
}

/// The request config of a vector: the core's defaults (the Rust host's
/// `User-Agent`) with the fields the vector sets.
pub fn request_config(v: &Value) -> RequestConfig {
    let mut config = RequestConfig::default();
    let c = &v["config"];
    if let Some(s) = c["base_url"].as_str() {
        s.clone_into(&mut config.base_url);
    }
    if let Some(s) = c["file_base_url"].as_str() {
        s.clone_into(&mut config.file_base_url);
    }
    if let Some(s) = c["user_agent"].as_str() {
        s.clone_into(&mut config.user_agent);
    }
    config
}

fn token(v: &Value) -> String {
    v["token"].as_str().unwrap_or(crate::TOKEN).to_owned()
}

/// A request vector through `request::build` and `request::authorize`.
pub fn request(v: &Value) -> Result<Value, String> {
    let operation = text(v, "operation")?;
    let built = request::build(operation, &v["params"], &request_config(v)).and_then(|mut r| {
        request::authorize(&mut r, &Secret::new(token(v)))?;
        Ok(outcome::request(&r))
    });
    Ok(outcome::result(built))
}

/// A request vector through a `Session` with a fixed token: the request of
/// its first `Send`, or the error the call ends with.
pub fn request_via_session(v: &Value) -> Result<Value, String> {
    let operation = text(v, "operation")?;
    let mut config = HostConfig::new(Credentials::AccessToken(Secret::new(token(v))));
    config.request = request_config(v);
    let outcome = Session::new(config).and_then(|mut session| {
        let now = Timestamp::from_millis(crate::NOW_MS);
        let call = CallRequest::operation(operation, v["params"].clone());
        match session.start(call, now).1.action {
            Action::Send(send) => Ok(outcome::request(&send.request)),
            Action::Done(Err(e)) => Err(e),
            other => Err(Error::Internal {
                problem: format!("the first step neither sent nor failed: {other:?}"),
            }),
        }
    });
    Ok(outcome::result(outcome))
}

fn header_map(v: &Value) -> Result<http::HeaderMap, String> {
    let mut map = http::HeaderMap::new();
    for (name, value) in v.as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .ok_or_else(|| format!("header `{name}` must be a string"))?;
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = http::HeaderValue::from_str(value).map_err(|e| e.to_string())?;
        map.append(name, value);
    }
    Ok(map)
}

pub fn http_response(v: &Value) -> Result<http::Response<Vec<u8>>, String> {
    let status = v["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .ok_or("vector field `status` must be an HTTP status")?;
    let mut response = http::Response::new(outcome::from_bytes(&v["body"])?);
    *response.status_mut() = status;
    *response.headers_mut() = header_map(&v["headers"])?;
    Ok(response)
}

/// A response vector through `response::parse`.
pub fn response(v: &Value) -> Result<Value, String> {
    let operation = text(v, "operation")?;
    let response = http_response(v)?;
    let parsed = match zoom_phone::operation(operation) {
        None => Err(request::BuildError::UnknownOperation(operation.to_owned()).into()),
        Some(op) => zoom_phone::response::parse(op, response).map(|o| outcome::output(&o)),
    };
    Ok(outcome::result(parsed))
}

fn oauth_app(v: &Value) -> zoom_phone::auth::OAuthConfig {
    use zoom_phone::auth::OAuthConfig;
    let app = &v["app"];
    let client_id = app["client_id"].as_str().unwrap_or_default().to_owned();
    let mut config = match app["client_secret"].as_str() {
        Some(secret) => OAuthConfig::new(client_id, secret.to_owned()),
        None => OAuthConfig::public(client_id),
    };
    if let Some(uri) = app["redirect_uri"].as_str() {
        config = config.with_redirect_uri(uri.to_owned());
    }
    if let Some(base) = app["oauth_base"].as_str() {
        config = config.with_oauth_base(base.to_owned());
    }
    config
}

fn secret(v: &Value, key: &str) -> Secret {
    Secret::new(v[key].as_str().unwrap_or_default().to_owned())
}

fn tokens_json(tokens: &zoom_phone::auth::TokenSet) -> Value {
    serde_json::from_slice(&tokens.to_store_json()).unwrap_or(Value::Null)
}

/// An OAuth vector: `call` names the exported function.
pub fn oauth(v: &Value) -> Result<Value, String> {
    use zoom_phone::auth;
    let now = Timestamp::from_millis(v["now"].as_u64().unwrap_or(crate::NOW_MS));
    let as_request = |r: Result<http::Request<Vec<u8>>, auth::OAuthError>| {
        r.map(|r| outcome::request(&r)).map_err(Error::from)
    };
    let outcome = match text(v, "call")? {
        "code_exchange_request" => as_request(auth::code_exchange_request(
            &oauth_app(v),
            &secret(v, "code"),
            &secret(v, "code_verifier"),
        )),
        "refresh_request" => as_request(auth::refresh_request(&oauth_app(v), &secret(v, "token"))),
        "revoke_request" => as_request(auth::revoke_request(&oauth_app(v), &secret(v, "token"))),
        "device_authorization_request" => {
            as_request(auth::device_authorization_request(&oauth_app(v)))
        }
        "parse_token_response" => auth::parse_token_response(&http_response(v)?, now)
            .map(|t| tokens_json(&t))
            .map_err(Error::from),
        "parse_refresh_response" => {
            let previous = string_or_none(v, "previous_refresh_token").map(Secret::new);
            auth::parse_refresh_response(&http_response(v)?, previous.as_ref(), now)
                .map(|t| tokens_json(&t))
                .map_err(Error::from)
        }
        "parse_revoke_response" => auth::parse_revoke_response(&http_response(v)?)
            .map(|()| Value::Null)
            .map_err(Error::from),
        "parse_callback" => auth::parse_callback(
            text(v, "callback")?,
            &Secret::new(text(v, "expected_state")?.to_owned()),
        )
        .map(|code| json!(code.expose()))
        .map_err(Error::from),
        other => return Err(format!("unknown OAuth call `{other}`")),
    };
    Ok(outcome::result(outcome))
}

/// A webhook vector through `WebhookReceiver::handle` (default window).
pub fn webhook(v: &Value) -> Result<Value, String> {
    let headers = header_map(&v["headers"])?;
    let body = outcome::from_bytes(&v["body"])?;
    // A string is one secret (as the hosts take it), an array several.
    let secrets = match &v["secrets"] {
        Value::String(one) => vec![Secret::new(one.clone())],
        Value::Array(many) => many
            .iter()
            .map(|s| s.as_str().map(|s| Secret::new(s.to_owned())))
            .collect::<Option<Vec<_>>>()
            .ok_or("secrets must be strings")?,
        _ => return Err("vector field `secrets` must be a string or an array".to_owned()),
    };
    let now = Timestamp::from_millis(v["now"].as_u64().unwrap_or(crate::NOW_MS));
    let handled = WebhookReceiver::new(secrets)
        .handle(&headers, &body, now)
        .map_err(Error::from)
        .map(|received| {
            let payload = received
                .body
                .as_deref()
                .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                .unwrap_or(Value::Null);
            json!({
                "status": received.ack.status().as_u16(),
                "content_type": received
                    .ack
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                "body": outcome::bytes(received.ack.body()),
                "event": received.event,
                "payload": payload,
            })
        });
    Ok(outcome::result(handled))
}
