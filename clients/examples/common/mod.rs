//! What the examples share: where the (mock) Zoom is, and a tiny webhook
//! endpoint. The examples talk to the mock server; against the real Zoom,
//! drop `oauth_base`/`base_url` and pass your app's credentials.

#![allow(dead_code)] // each example uses part of this

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use zoom_phone_client::{Builder, Webhooks, ZoomPhone};

/// The mock's default app credentials (`tools/mock-server/README.md`).
pub const ACCOUNT_ID: &str = "mock-account";
pub const CLIENT_ID: &str = "mock-client-id";
pub const CLIENT_SECRET: &str = "mock-client-secret";

/// The mock server the example talks to: `$ZOOM_PHONE_MOCK_URL` (what
/// `scripts/with-mock.sh` exports), else one started in this process.
pub struct Sandbox {
    pub url: String,
    _embedded: Option<zoom_phone_mock::MockServer>,
}

impl Sandbox {
    pub async fn start() -> Result<Sandbox, Box<dyn std::error::Error>> {
        if let Ok(url) = std::env::var("ZOOM_PHONE_MOCK_URL") {
            return Ok(Sandbox {
                url: url.trim_end_matches('/').to_owned(),
                _embedded: None,
            });
        }
        let server = zoom_phone_mock::MockServer::start(Default::default()).await?;
        Ok(Sandbox {
            url: server.url(),
            _embedded: Some(server),
        })
    }

    /// A client builder with server-to-server credentials for this sandbox.
    pub fn client(&self) -> Builder<ZoomPhone> {
        ZoomPhone::builder()
            .server_to_server(ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET)
            .oauth_base(&self.url)
            .base_url(format!("{}/v2", self.url))
    }

    /// POSTs JSON to the mock's admin API (faults, webhook delivery, ...).
    pub async fn admin(
        &self,
        route: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let answer = zoom_phone_client::reqwest::Client::new()
            .post(format!("{}/_admin/{route}", self.url))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        Ok(serde_json::from_slice(&answer.bytes().await?)?)
    }
}

/// One delivery as the endpoint judged it: the event name, or the status
/// it refused with.
pub type Verdict = Result<String, u16>;

/// A webhook endpoint on 127.0.0.1: verifies each request with
/// [`Webhooks`], acknowledges at once, and reports what it saw.
pub async fn webhook_endpoint(
    hooks: Webhooks,
    port: u16,
) -> std::io::Result<(String, mpsc::UnboundedReceiver<Verdict>)> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let addr: SocketAddr = listener.local_addr()?;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (hooks, tx) = (hooks.clone(), tx.clone());
            let service = service_fn(move |req: http::Request<Incoming>| {
                let (hooks, tx) = (hooks.clone(), tx.clone());
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    // Zoom wants an answer within 3 s: verify, acknowledge,
                    // and process the event afterwards.
                    let response = match hooks.handle(&parts.headers, &body) {
                        Ok(received) => {
                            let _ = tx.send(Ok(received.event));
                            received.ack.map(|b| Full::new(Bytes::from(b)))
                        }
                        Err(error) => {
                            let _ = tx.send(Err(error.http_status()));
                            let mut r = http::Response::new(Full::new(Bytes::new()));
                            *r.status_mut() = http::StatusCode::from_u16(error.http_status())
                                .unwrap_or(http::StatusCode::UNAUTHORIZED);
                            r
                        }
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((format!("http://{addr}/zoom/webhooks"), rx))
}
