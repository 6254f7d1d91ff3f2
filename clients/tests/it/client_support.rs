//! What the client tests share: the mock server's admin API, request-log
//! queries and a tiny webhook receiver that verifies with the SDK.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use zoom_phone_client::Webhooks;
use zoom_phone_mock::{LoggedRequest, MockConfig, MockServer};

pub const ACCOUNT: &str = "mock-account";
pub const CLIENT_ID: &str = "mock-client-id";
pub const CLIENT_SECRET: &str = "mock-client-secret";

/// A retry policy with short backoff, so fault tests take milliseconds.
pub fn quick_retry() -> zoom_phone_client::RetryPolicy {
    let mut policy = zoom_phone_client::RetryPolicy::default();
    policy.base_delay = std::time::Duration::from_millis(20);
    policy.max_delay = std::time::Duration::from_millis(200);
    policy
}

pub async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

pub async fn start_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock server starts")
}

/// The mock's `/_admin` API and the authorize endpoint (a browser's part).
#[derive(Clone)]
pub struct Admin {
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Admin {
    pub fn new(server: &MockServer) -> Self {
        Admin {
            base: server.url(),
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends `body` to `/_admin/{route}`; panics unless the answer is 2xx.
    pub async fn call(&self, method: &str, route: &str, body: Value) -> Value {
        let (status, _, bytes) = self
            .raw(method, &format!("{}/_admin/{route}", self.base), body)
            .await;
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            (200..300).contains(&status),
            "{method} /_admin/{route}: {status} {text}"
        );
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    /// Queues a fault (`{kind, count, path, ...}`).
    pub async fn fault(&self, fault: Value) {
        self.call("POST", "faults", fault).await;
    }

    pub async fn expire_tokens(&self) {
        self.call("POST", "tokens/expire", json!({})).await;
    }

    /// The `Location` a user's browser would be sent to from `url`.
    #[cfg(feature = "async")]
    pub async fn follow_authorize(&self, url: &str) -> String {
        let (status, headers, _) = self.raw("GET", url, Value::Null).await;
        assert_eq!(status, 302, "authorize answers with a redirect");
        headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("a Location")
            .to_owned()
    }

    async fn raw(&self, method: &str, url: &str, body: Value) -> (u16, http::HeaderMap, Bytes) {
        let body = if body.is_null() {
            Bytes::new()
        } else {
            Bytes::from(body.to_string())
        };
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("a valid admin request");
        let response = self.http.request(request).await.expect("admin answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("admin body")
            .to_bytes();
        (status, headers, bytes)
    }
}

/// Requests of the log with this method whose path starts with `prefix`.
pub fn requests<'a>(
    log: &'a [LoggedRequest],
    method: &str,
    prefix: &str,
) -> Vec<&'a LoggedRequest> {
    log.iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .collect()
}

/// How many token requests the log holds.
pub fn token_requests(log: &[LoggedRequest]) -> usize {
    requests(log, "POST", "/oauth/token").len()
}

/// The index a seeded list item's id ends with (`{seed:08x}-{index:08}`).
pub fn seeded_index(item: &Value, field: &str) -> u64 {
    let id = item[field].as_str().expect("an id");
    let (_, index) = id.rsplit_once('-').expect("a seeded id");
    index.parse().expect("a numeric index")
}

/// What the test receiver concluded about one delivery: the event name, or
/// the status it refused with.
pub type Verdict = Result<String, u16>;

/// Starts an HTTP receiver on loopback that verifies each request with
/// [`Webhooks`] and answers as Zoom expects; returns its URL and the verdicts.
pub async fn webhook_receiver(secret: &str) -> (String, mpsc::UnboundedReceiver<Verdict>) {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let hooks = Webhooks::new([secret]);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let hooks = hooks.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<Incoming>| {
                    let hooks = hooks.clone();
                    let tx = tx.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let answer = match hooks.handle(&parts.headers, &body) {
                            Ok(received) => {
                                let _ = tx.send(Ok(received.event));
                                received.ack.map(|b| Full::new(Bytes::from(b)))
                            }
                            Err(e) => {
                                let _ = tx.send(Err(e.http_status()));
                                let mut r = http::Response::new(Full::new(Bytes::new()));
                                *r.status_mut() = http::StatusCode::from_u16(e.http_status())
                                    .unwrap_or(http::StatusCode::UNAUTHORIZED);
                                r
                            }
                        };
                        Ok::<_, Infallible>(answer)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}/hook"), rx)
}

#[cfg(feature = "tracing")]
pub use collect::Collect;

/// A `tracing` subscriber that keeps every event as one line.
#[cfg(feature = "tracing")]
mod collect {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Every event as one line: its target, level and fields.
    #[derive(Clone, Default)]
    pub struct Collect(Arc<Mutex<Vec<String>>>);

    struct Line(String);

    impl Visit for Line {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    impl Subscriber for Collect {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::TRACE)
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let meta = event.metadata();
            let mut line = Line(format!("{} {}", meta.target(), meta.level()));
            event.record(&mut line);
            self.0.lock().unwrap().push(line.0);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    impl Collect {
        /// Every event so far: `target LEVEL field=value...`.
        pub fn lines(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }
    }
}
