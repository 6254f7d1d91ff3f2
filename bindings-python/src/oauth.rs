//! OAuth helpers for user apps: authorization URL with PKCE and state, the
//! callback check, and the token-endpoint requests and their parsing. The
//! Python layer sends the requests with httpx.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use zoom_phone::auth::{self, OAuthConfig, OsRandom};
use zoom_phone::{Secret, Timestamp};

use crate::{convert, errors};

fn config(
    client_id: String,
    client_secret: Option<String>,
    redirect_uri: Option<String>,
    oauth_base: Option<String>,
) -> OAuthConfig {
    let mut c = match client_secret {
        Some(s) => OAuthConfig::new(client_id, s),
        None => OAuthConfig::public(client_id),
    };
    c.redirect_uri = redirect_uri;
    if let Some(base) = oauth_base {
        c = c.with_oauth_base(base);
    }
    c
}

fn oauth_err(py: Python<'_>, e: auth::OAuthError) -> PyErr {
    errors::to_py(py, &e.into())
}

/// `(url, state, code_verifier)`: send the user to `url`, keep the other two
/// for the callback.
#[pyfunction]
#[pyo3(signature = (client_id, redirect_uri, *, oauth_base = None))]
pub fn authorization_url<'py>(
    py: Python<'py>,
    client_id: String,
    redirect_uri: String,
    oauth_base: Option<String>,
) -> PyResult<Bound<'py, PyTuple>> {
    let c = config(client_id, None, Some(redirect_uri), oauth_base);
    let req = auth::AuthorizationRequest::new(&c, &mut OsRandom).map_err(|e| oauth_err(py, e))?;
    PyTuple::new(
        py,
        [
            req.url,
            req.state.expose().to_owned(),
            req.code_verifier.expose().to_owned(),
        ],
    )
}

/// The code of a redirect back from Zoom, after checking `state`.
#[pyfunction]
pub fn parse_callback(py: Python<'_>, callback: &str, expected_state: String) -> PyResult<String> {
    auth::parse_callback(callback, &Secret::new(expected_state))
        .map(|code| code.expose().to_owned())
        .map_err(|e| oauth_err(py, e))
}

/// The token request of a grant: `grant` is `authorization_code` (code,
/// code_verifier), `refresh_token` (token), `revoke` (token),
/// `device_code` (no token: asks for a device code) or `device_token`
/// (token = the device code).
#[pyfunction]
#[pyo3(signature = (grant, client_id, *, client_secret = None, redirect_uri = None,
    oauth_base = None, code = None, code_verifier = None, token = None))]
#[allow(clippy::too_many_arguments)]
pub fn token_request<'py>(
    py: Python<'py>,
    grant: &str,
    client_id: String,
    client_secret: Option<String>,
    redirect_uri: Option<String>,
    oauth_base: Option<String>,
    code: Option<String>,
    code_verifier: Option<String>,
    token: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = config(client_id, client_secret, redirect_uri, oauth_base);
    let secret = |v: Option<String>| Secret::new(v.unwrap_or_default());
    let request = match grant {
        "authorization_code" => {
            auth::code_exchange_request(&c, &secret(code), &secret(code_verifier))
        }
        "refresh_token" => auth::refresh_request(&c, &secret(token)),
        "revoke" => auth::revoke_request(&c, &secret(token)),
        "device_code" => auth::device_authorization_request(&c),
        "device_token" => auth::flows::device_token_request(&c, &secret(token)),
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown grant `{other}`"
            )));
        }
    }
    .map_err(|e| oauth_err(py, e))?;
    convert::request_to_py(py, &request)
}

/// Reads a token endpoint answer: the token store JSON (bytes) of the
/// tokens, or raises `OAuthError`. For `revoke`, returns `None`.
#[pyfunction]
#[pyo3(signature = (grant, status, headers, body, now_ms, *, previous_refresh_token = None))]
pub fn parse_token_response<'py>(
    py: Python<'py>,
    grant: &str,
    status: u16,
    headers: &Bound<'py, PyAny>,
    body: &Bound<'py, PyBytes>,
    now_ms: u64,
    previous_refresh_token: Option<String>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let mut response = http::Response::new(body.as_bytes().to_vec());
    *response.status_mut() = convert::status_from_py(status)?;
    *response.headers_mut() = convert::headers_from_py(headers)?;
    let now = Timestamp::from_millis(now_ms);
    let tokens = match grant {
        "revoke" => {
            auth::parse_revoke_response(&response).map_err(|e| oauth_err(py, e))?;
            return Ok(None);
        }
        "refresh_token" => {
            let previous = previous_refresh_token.map(Secret::new);
            auth::parse_refresh_response(&response, previous.as_ref(), now)
        }
        _ => auth::parse_token_response(&response, now),
    }
    .map_err(|e| oauth_err(py, e))?;
    Ok(Some(PyBytes::new(py, &tokens.to_store_json())))
}
