//! OAuth grants and their errors over real HTTP.

use std::time::Duration;

use base64::Engine;
use serde_json::json;
use sha2::Digest;
use zoom_phone_mock::MockConfig;

use crate::support::*;

const REDIRECT: &str = "http://127.0.0.1:9/callback";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// Runs /oauth/authorize and returns the code from the redirect.
async fn authorize(http: &Http, base: &str, client_id: &str, verifier: Option<&str>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", "xyz");
    if let Some(v) = verifier {
        q.append_pair("code_challenge", &challenge(v))
            .append_pair("code_challenge_method", "S256");
    }
    let r = http
        .send(
            "GET",
            &format!("{base}/oauth/authorize?{}", q.finish()),
            &[],
            "",
        )
        .await;
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with(REDIRECT), "{location}");
    let query = location.split_once('?').unwrap().1;
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(params.contains(&("state".into(), "xyz".into())));
    params.into_iter().find(|(k, _)| k == "code").unwrap().1
}

#[tokio::test]
async fn account_credentials_issue_a_token_the_api_accepts() {
    let config = MockConfig {
        api_url: Some("https://api-eu.example".into()),
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let r = http
        .form(
            &format!(
                "{}/oauth/token?grant_type=account_credentials&account_id={ACCOUNT}",
                server.url()
            ),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["api_url"], "https://api-eu.example");
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    let r = http
        .get(&format!("{}/phone/users", server.api_url()), token)
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn token_endpoint_errors_are_zoom_shaped() {
    let server = start().await;
    let http = Http::new();
    let url = format!("{}/oauth/token", server.url());
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, "wrong")),
            &[
                ("grant_type", "account_credentials"),
                ("account_id", ACCOUNT),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.json()["reason"].is_string());

    let r = http
        .form(&url, None, &[("grant_type", "account_credentials")])
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");

    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "account_credentials"),
                ("account_id", "nope"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_request");

    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("grant_type", "password")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn client_credentials_grant_works_for_confidential_clients_only() {
    let server = start().await;
    let http = Http::new();
    let url = format!("{}/oauth/token", server.url());
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json()["access_token"].is_string());
    let r = http
        .form(
            &url,
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "mock-public-client-id"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn authorization_code_with_pkce_is_single_use_and_checks_verifier_and_redirect() {
    let server = start().await;
    let http = Http::new();
    let base = server.url();
    let url = format!("{base}/oauth/token");
    let verifier = "a-verifier-that-is-long-enough-to-be-realistic-0123456789";

    let code = authorize(&http, &base, CLIENT_ID, Some(verifier)).await;
    let pairs = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ];
    let r = http
        .form(&url, Some((CLIENT_ID, CLIENT_SECRET)), &pairs)
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["refresh_token"].is_string());
    // Used once: dead.
    let r = http
        .form(&url, Some((CLIENT_ID, CLIENT_SECRET)), &pairs)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");

    let code = authorize(&http, &base, CLIENT_ID, Some(verifier)).await;
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", "wrong"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");

    let code = authorize(&http, &base, CLIENT_ID, Some(verifier)).await;
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://elsewhere/cb"),
                ("code_verifier", verifier),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_request");
}

#[tokio::test]
async fn public_clients_use_pkce_with_body_client_id() {
    let server = start().await;
    let http = Http::new();
    let base = server.url();
    let url = format!("{base}/oauth/token");
    let public = "mock-public-client-id";
    let verifier = "public-verifier-0123456789-0123456789-0123456789";
    let code = authorize(&http, &base, public, Some(verifier)).await;
    let r = http
        .form(
            &url,
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", public),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // Without PKCE a public client gets nothing.
    let code = authorize(&http, &base, public, None).await;
    let r = http
        .form(
            &url,
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", public),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn an_expired_authorization_code_is_refused() {
    let config = MockConfig {
        auth_code_ttl: Duration::ZERO,
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let code = authorize(&http, &server.url(), CLIENT_ID, None).await;
    let r = http
        .form(
            &format!("{}/oauth/token", server.url()),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_used_one_is_dead() {
    let server = start().await;
    let http = Http::new();
    let base = server.url();
    let url = format!("{base}/oauth/token");
    let code = authorize(&http, &base, CLIENT_ID, None).await;
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    let first = r.json()["refresh_token"].as_str().unwrap().to_string();
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", &first)],
        )
        .await;
    assert_eq!(r.status, 200);
    let second = r.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", &first)],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");
    let r = http
        .form(
            &url,
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", &second)],
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn device_code_goes_pending_slow_down_then_approved() {
    let config = MockConfig {
        device_interval: Duration::from_secs(3600),
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let base = server.url();
    let r = http
        .form(
            &format!("{base}/oauth/devicecode?client_id={CLIENT_ID}"),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let d = r.json();
    let device_code = d["device_code"].as_str().unwrap().to_string();
    let user_code = d["user_code"].as_str().unwrap().to_string();
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", device_code.as_str()),
    ];
    let url = format!("{base}/oauth/token");
    let r = http
        .form(&url, Some((CLIENT_ID, CLIENT_SECRET)), &poll)
        .await;
    assert_eq!(r.json()["error"], "authorization_pending");
    let r = http
        .form(&url, Some((CLIENT_ID, CLIENT_SECRET)), &poll)
        .await;
    assert_eq!(r.json()["error"], "slow_down");

    // The verification page approves the user code.
    let page = http
        .send(
            "GET",
            d["verification_uri_complete"].as_str().unwrap(),
            &[],
            "",
        )
        .await;
    assert_eq!(page.status, 200);
    let r = http
        .form(&url, Some((CLIENT_ID, CLIENT_SECRET)), &poll)
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["refresh_token"].is_string());
    let _ = user_code;
}

#[tokio::test]
async fn device_codes_expire_and_can_be_denied_through_admin() {
    let config = MockConfig {
        device_code_ttl: Duration::ZERO,
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let base = server.url();
    let d = http
        .form(
            &format!("{base}/oauth/devicecode"),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[],
        )
        .await
        .json();
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", d["device_code"].as_str().unwrap()),
    ];
    let r = http
        .form(
            &format!("{base}/oauth/token"),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &poll,
        )
        .await;
    assert_eq!(r.json()["error"], "expired_token");

    let server = start().await;
    let base = server.url();
    let d = http
        .form(
            &format!("{base}/oauth/devicecode"),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[],
        )
        .await
        .json();
    let r = http
        .admin(
            &server,
            "POST",
            "device/approve",
            &json!({"user_code": d["user_code"], "deny": true}),
        )
        .await;
    assert_eq!(r.status, 200);
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", d["device_code"].as_str().unwrap()),
    ];
    let r = http
        .form(
            &format!("{base}/oauth/token"),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &poll,
        )
        .await;
    assert_eq!(r.json()["error"], "access_denied");
}

#[tokio::test]
async fn revoked_and_expired_tokens_answer_124() {
    let config = MockConfig {
        access_token_ttl: Duration::ZERO,
        ..MockConfig::default()
    };
    let server = start_with(config).await;
    let http = Http::new();
    let t = token(&http, &server).await;
    let r = http
        .get(&format!("{}/phone/users", server.api_url()), &t)
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], 124);

    let server = start().await;
    let t = token(&http, &server).await;
    let users = format!("{}/phone/users", server.api_url());
    assert_eq!(http.get(&users, &t).await.status, 200);
    let r = http
        .form(
            &format!("{}/oauth/revoke", server.url()),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[("token", &t)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(http.get(&users, &t).await.json()["code"], 124);

    let t = token(&http, &server).await;
    assert_eq!(
        http.admin(&server, "POST", "tokens/expire", &json!({}))
            .await
            .status,
        200
    );
    let r = http.get(&users, &t).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"code": 124, "message": "Access token has expired."})
    );
}
