//! A small HTTP client over hyper-util and helpers shared by the tests.

use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use zoom_phone_mock::{MockConfig, MockServer};

pub const CLIENT_ID: &str = "mock-client-id";
pub const CLIENT_SECRET: &str = "mock-client-secret";
pub const ACCOUNT: &str = "mock-account";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn try_send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Result<Reply, String> {
        let mut b = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(url);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Full::new(body.into())).unwrap();
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("body: {e:?}"))?
            .to_bytes();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        self.try_send(method, url, headers, body).await.unwrap()
    }

    pub async fn get(&self, url: &str, token: &str) -> Reply {
        self.send(
            "GET",
            url,
            &[("authorization", &format!("Bearer {token}"))],
            Bytes::new(),
        )
        .await
    }

    pub async fn json(&self, method: &str, url: &str, token: &str, body: &Value) -> Reply {
        self.send(
            method,
            url,
            &[
                ("authorization", &format!("Bearer {token}")),
                ("content-type", "application/json"),
            ],
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    /// A form POST with HTTP Basic client authentication.
    pub async fn form(
        &self,
        url: &str,
        basic: Option<(&str, &str)>,
        pairs: &[(&str, &str)],
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let auth = basic.map(|(id, secret)| {
            use base64::Engine;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
            )
        });
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(a) = &auth {
            headers.push(("authorization", a));
        }
        self.send("POST", url, &headers, body).await
    }

    /// POSTs JSON to an admin route and returns the answer.
    pub async fn admin(
        &self,
        server: &MockServer,
        method: &str,
        route: &str,
        body: &Value,
    ) -> Reply {
        self.send(
            method,
            &format!("{}/_admin/{route}", server.url()),
            &[("content-type", "application/json")],
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }
}

pub async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

pub async fn start_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.unwrap()
}

/// An access token from the account_credentials grant.
pub async fn token(http: &Http, server: &MockServer) -> String {
    let r = http
        .form(
            &format!("{}/oauth/token", server.url()),
            Some((CLIENT_ID, CLIENT_SECRET)),
            &[
                ("grant_type", "account_credentials"),
                ("account_id", ACCOUNT),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["access_token"].as_str().unwrap().to_string()
}
