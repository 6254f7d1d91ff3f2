//! OAuth for JS hosts: the core's request builders and response parsers for
//! the authorization-code (PKCE), refresh, revoke and device flows. The JS
//! side (client.js) only sends what these build with `fetch`.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use zoom_phone::Secret;
use zoom_phone::auth::{self, DeviceStep, OAuthConfig, OAuthError, OsRandom, TokenSet};

use crate::convert::{self, timestamp};
use crate::error::{self, set, type_error};

/// An OAuth app as JS describes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AppJs {
    client_id: String,
    client_secret: Option<String>,
    redirect_uri: Option<String>,
    oauth_base: Option<String>,
}

fn app_from_js(app: &JsValue) -> Result<OAuthConfig, JsValue> {
    let json = convert::params_from_js(app)
        .map_err(|_| type_error("the OAuth app must be a plain object"))?;
    let app: AppJs =
        serde_json::from_value(json).map_err(|e| type_error(&format!("OAuth app: {e}")))?;
    let mut config = match app.client_secret {
        Some(secret) => OAuthConfig::new(app.client_id, secret),
        None => OAuthConfig::public(app.client_id),
    };
    if let Some(uri) = app.redirect_uri {
        config = config.with_redirect_uri(uri);
    }
    if let Some(base) = app.oauth_base {
        config = config.with_oauth_base(base);
    }
    Ok(config)
}

fn oauth_err(e: OAuthError) -> JsValue {
    error::to_js(&e.into())
}

fn request_js(request: Result<http::Request<Vec<u8>>, OAuthError>) -> Result<JsValue, JsValue> {
    request
        .map(|r| convert::request_to_js(&r))
        .map_err(oauth_err)
}

fn response_from_js(
    status: &JsValue,
    headers: &JsValue,
    body: &JsValue,
) -> Result<http::Response<Vec<u8>>, JsValue> {
    let mut response = http::Response::new(convert::bytes_from_js(body)?);
    *response.status_mut() = convert::status_from_js(status)?;
    *response.headers_mut() = convert::headers_from_js(headers)?;
    Ok(response)
}

/// The token set in the store form (`StoredTokens`).
fn tokens_to_js(tokens: &TokenSet) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&String::from_utf8_lossy(&tokens.to_store_json()))
}

fn secret_arg(value: &str, what: &str) -> Result<Secret, JsValue> {
    if value.is_empty() {
        return Err(type_error(&format!("{what} must not be empty")));
    }
    Ok(Secret::new(value.to_owned()))
}

/// The authorize URL with a fresh `state` and PKCE S256 challenge. Keep
/// `state` and `codeVerifier` (server-side session, `sessionStorage`) until
/// the callback.
#[wasm_bindgen(
    js_name = authorizationUrl,
    unchecked_return_type = "{ url: string; state: string; codeVerifier: string }"
)]
pub fn authorization_url(
    #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
) -> Result<JsValue, JsValue> {
    let config = app_from_js(&app)?;
    let request = auth::AuthorizationRequest::new(&config, &mut OsRandom).map_err(oauth_err)?;
    let out = js_sys::Object::new();
    set(&out, "url", &request.url.as_str().into());
    set(&out, "state", &request.state.expose().into());
    set(&out, "codeVerifier", &request.code_verifier.expose().into());
    Ok(out.into())
}

/// The authorization code from the callback URL (or its query), after
/// checking `state` in constant time. Throws `OAuthError` (`state_mismatch`,
/// `access_denied`, ...).
#[wasm_bindgen(js_name = parseCallback)]
pub fn parse_callback(callback: &str, expected_state: &str) -> Result<String, JsValue> {
    auth::parse_callback(callback, &Secret::new(expected_state.to_owned()))
        .map(|code| code.expose().to_owned())
        .map_err(oauth_err)
}

/// The token request exchanging `code` (with its PKCE verifier).
#[wasm_bindgen(js_name = codeExchangeRequest, unchecked_return_type = "BuiltRequest")]
pub fn code_exchange_request(
    #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
    code: &str,
    #[wasm_bindgen(js_name = codeVerifier)] code_verifier: &str,
) -> Result<JsValue, JsValue> {
    let config = app_from_js(&app)?;
    let code = secret_arg(code, "code")?;
    let verifier = secret_arg(code_verifier, "codeVerifier")?;
    request_js(auth::code_exchange_request(&config, &code, &verifier))
}

/// The refresh-grant request.
#[wasm_bindgen(js_name = refreshRequest, unchecked_return_type = "BuiltRequest")]
pub fn refresh_request(
    #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
    #[wasm_bindgen(js_name = refreshToken)] refresh_token: &str,
) -> Result<JsValue, JsValue> {
    let config = app_from_js(&app)?;
    request_js(auth::refresh_request(
        &config,
        &Secret::new(refresh_token.to_owned()),
    ))
}

/// The request revoking an access or refresh token.
#[wasm_bindgen(js_name = revokeRequest, unchecked_return_type = "BuiltRequest")]
pub fn revoke_request(
    #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
    token: &str,
) -> Result<JsValue, JsValue> {
    let config = app_from_js(&app)?;
    request_js(auth::revoke_request(&config, &secret_arg(token, "token")?))
}

/// Reads a token endpoint's answer into `StoredTokens`; throws `OAuthError`.
/// With `previousRefreshToken`, a refresh answer that omits the refresh
/// token keeps the previous one.
#[wasm_bindgen(js_name = parseTokenResponse, unchecked_return_type = "StoredTokens")]
pub fn parse_token_response(
    #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
    body: JsValue,
    now: f64,
    #[wasm_bindgen(js_name = previousRefreshToken)] previous_refresh_token: Option<String>,
) -> Result<JsValue, JsValue> {
    let response = response_from_js(&status, &headers, &body)?;
    let now = timestamp(now)?;
    let tokens = match previous_refresh_token {
        Some(previous) => {
            auth::parse_refresh_response(&response, Some(&Secret::new(previous)), now)
        }
        None => auth::parse_token_response(&response, now),
    }
    .map_err(oauth_err)?;
    tokens_to_js(&tokens)
}

/// Reads a revoke endpoint's answer; throws `OAuthError` on a refusal.
#[wasm_bindgen(js_name = parseRevokeResponse)]
pub fn parse_revoke_response(
    #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
    body: JsValue,
) -> Result<(), JsValue> {
    let response = response_from_js(&status, &headers, &body)?;
    auth::parse_revoke_response(&response).map_err(oauth_err)
}

/// The request that starts a device authorization.
#[wasm_bindgen(js_name = deviceAuthorizationRequest, unchecked_return_type = "BuiltRequest")]
pub fn device_authorization_request(
    #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
) -> Result<JsValue, JsValue> {
    let config = app_from_js(&app)?;
    request_js(auth::device_authorization_request(&config))
}

/// A device authorization waiting for the user (RFC 8628): the core decides
/// when to poll, how `slow_down` stretches the interval, and when it expired.
#[wasm_bindgen]
#[derive(Debug)]
pub struct DeviceFlow {
    inner: auth::DeviceFlow,
}

#[wasm_bindgen]
impl DeviceFlow {
    /// Reads the `/oauth/devicecode` answer; throws `OAuthError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "OAuthApp")] app: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
        body: JsValue,
        now: f64,
    ) -> Result<DeviceFlow, JsValue> {
        let config = app_from_js(&app)?;
        let response = response_from_js(&status, &headers, &body)?;
        let inner =
            auth::DeviceFlow::start(&config, &response, timestamp(now)?).map_err(oauth_err)?;
        Ok(DeviceFlow { inner })
    }

    /// What to show the user.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ userCode: string; verificationUri: string; verificationUriComplete: string | null; expiresAt: number }"
    )]
    pub fn prompt(&self) -> JsValue {
        let p = self.inner.prompt();
        let out = js_sys::Object::new();
        set(&out, "userCode", &p.user_code.as_str().into());
        set(&out, "verificationUri", &p.verification_uri.as_str().into());
        let complete = p
            .verification_uri_complete
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from);
        set(&out, "verificationUriComplete", &complete);
        set(&out, "expiresAt", &(p.expires_at.as_millis() as f64).into());
        out.into()
    }

    /// `{type: "send", request}`, `{type: "wait", until}` or `{type: "done",
    /// tokens}`; throws `OAuthError` when the user refused or the code expired.
    #[wasm_bindgen(
        unchecked_return_type = "{ type: \"send\"; request: BuiltRequest } | { type: \"wait\"; until: number } | { type: \"done\"; tokens: StoredTokens }"
    )]
    pub fn poll(&mut self, now: f64) -> Result<JsValue, JsValue> {
        let out = js_sys::Object::new();
        match self.inner.poll(timestamp(now)?) {
            DeviceStep::Send(request) => {
                set(&out, "type", &"send".into());
                set(&out, "request", &convert::request_to_js(&request));
            }
            DeviceStep::WaitUntil(t) => {
                set(&out, "type", &"wait".into());
                set(&out, "until", &(t.as_millis() as f64).into());
            }
            DeviceStep::Done(Ok(tokens)) => {
                set(&out, "type", &"done".into());
                set(&out, "tokens", &tokens_to_js(&tokens)?);
            }
            DeviceStep::Done(Err(e)) => return Err(oauth_err(e)),
        }
        Ok(out.into())
    }

    /// The token endpoint's answer to the last `send`.
    pub fn receive(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] headers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | null | undefined")]
        body: JsValue,
        now: f64,
    ) -> Result<(), JsValue> {
        let response = response_from_js(&status, &headers, &body)?;
        self.inner.receive(&response, timestamp(now)?);
        Ok(())
    }
}
