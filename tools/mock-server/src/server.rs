//! The HTTP server: accepts connections on 127.0.0.1, sends each request
//! through faults, routing and the handlers, and stamps every answer with
//! `x-zm-trackingid` and CORS headers.
//!
//! Built on hyper 1 directly rather than axum: the routing is our own (the
//! catalog's 391 templates, with literal-before-parameter order and the same
//! template under two parameter names, which axum's router rejects), faults
//! need the raw connection (reset, truncation), and fewer crates keep the
//! build short on small machines.

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::admin;
use crate::api::{self, ApiRequest};
use crate::body::{self, MockBody, Resp, zoom_error};
use crate::config::MockConfig;
use crate::faults::FaultKind;
use crate::log::{LoggedRequest, redact_authorization, redact_form};
use crate::state::State;
use crate::util::{lock, now_ms};

/// Largest request body accepted (fax uploads are up to 50 MB).
const MAX_BODY: usize = 64 * 1024 * 1024;

const EXPOSED_HEADERS: &str = "x-zm-trackingid, x-ratelimit-category, x-ratelimit-type, \
     x-ratelimit-limit, x-ratelimit-remaining, retry-after, content-disposition, content-length";

/// A running mock server. Dropping it without [`MockServer::shutdown`]
/// stops it too (the accept loop ends when the handle goes away).
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds 127.0.0.1 (on `config.port`, or a free port for 0) and serves
    /// in the background on the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(config, format!("http://{addr}")));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, state.clone(), stopped));
        Ok(MockServer {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: OAuth is under it, the API under `/v2`.
    pub fn url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The API base, `http://127.0.0.1:PORT/v2`.
    pub fn api_url(&self) -> String {
        format!("{}/v2", self.state.base_url)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far (admin requests excluded), oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.state.log).iter().cloned().collect()
    }

    pub fn clear_request_log(&self) {
        lock(&self.state.log).clear();
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                connections.spawn(serve_connection(stream, state.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

/// A TCP stream that can end with a reset instead of a clean close.
struct ResettableStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            // Linger 0: closing sends RST, which is what the fault promises.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Returned by the service to make hyper drop the connection unanswered.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault")
    }
}

impl std::error::Error for ResetConnection {}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(ResettableStream {
        inner: stream,
        reset: reset.clone(),
    });
    let service = service_fn(move |req| {
        let state = state.clone();
        let reset = reset.clone();
        async move {
            // On a task of its own: a client that gives up (a timeout during
            // a latency fault) does not cancel the request, as with a real
            // server, so it is still performed and logged.
            let answer = tokio::spawn(async move { handle(&state, req).await }).await;
            match answer.ok().flatten() {
                Some(resp) => Ok(resp),
                None => {
                    reset.store(true, Ordering::Relaxed);
                    Err(ResetConnection)
                }
            }
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
}

fn header_map_for_log(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let text = if name == header::AUTHORIZATION {
            redact_authorization(&text)
        } else {
            text
        };
        out.entry(name.as_str().to_string())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&text);
            })
            .or_insert(text);
    }
    out
}

fn query_map(query: Option<&str>) -> BTreeMap<String, String> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn cors(resp: &mut Resp, origin: Option<&HeaderValue>) {
    let h = resp.headers_mut();
    match origin {
        Some(o) => {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        None => {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
    }
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
}

fn preflight(headers: &HeaderMap) -> Resp {
    let mut r = body::empty(StatusCode::NO_CONTENT);
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
    );
    let allow = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("authorization, content-type"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow);
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

/// Applies a fault to what would have been answered; `None` resets the connection.
fn apply_fault(kind: &FaultKind, resp: Resp) -> Option<Resp> {
    Some(match kind {
        FaultKind::Status { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            zoom_error(status, i64::from(status.as_u16()), "Internal error (injected by the mock).")
        }
        FaultKind::RateLimit { retry_after } => {
            let mut r = zoom_error(
                StatusCode::TOO_MANY_REQUESTS,
                429,
                "You have reached the maximum per-second rate limit for this API. Try again later.",
            );
            let h = r.headers_mut();
            h.insert("x-ratelimit-category", HeaderValue::from_static("Light"));
            h.insert("x-ratelimit-type", HeaderValue::from_static("QPS"));
            if let Some(v) = retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                h.insert(header::RETRY_AFTER, v);
            }
            r
        }
        FaultKind::Latency { .. } => resp,
        FaultKind::Reset => return None,
        FaultKind::Truncate => {
            let (mut parts, body) = resp.into_parts();
            let full = Bytes::copy_from_slice(body.peek());
            let full_len = full.len().max(2);
            let cut = full.slice(..full.len() / 2);
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full_len));
            http::Response::from_parts(parts, MockBody::Truncated(Some(cut)))
        }
        FaultKind::InvalidJson => body::bytes(
            StatusCode::OK,
            "application/json;charset=UTF-8",
            &b"{\"users\": [{\"id\": \"abc\", \"name\": "[..],
        ),
        FaultKind::Oversized { bytes } => oversized(*bytes),
        FaultKind::OversizedLength { bytes } => {
            let mut r = http::Response::new(MockBody::Stalled(Some(Bytes::from_static(b"{\"pad\":\"")), false));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(*bytes));
            r
        }
        FaultKind::Html => body::bytes(
            StatusCode::BAD_GATEWAY,
            "text/html",
            &b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"[..],
        ),
    })
}

/// A 200 JSON body of `bytes` bytes (`{"pad":"xxx…"}`, or spaces when
/// shorter than that), without `Content-Length`.
fn oversized(bytes: u64) -> Resp {
    let len = usize::try_from(bytes).unwrap_or(usize::MAX);
    let mut body = if len >= 10 {
        let mut b = Vec::with_capacity(len);
        b.extend_from_slice(b"{\"pad\":\"");
        b.resize(len - 2, b'x');
        b.extend_from_slice(b"\"}");
        b
    } else {
        vec![b' '; len]
    };
    body.truncate(len);
    let mut r = http::Response::new(MockBody::Chunked(Some(Bytes::from(body))));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Runs a handler that computes for a while (a 300-record page takes tens
/// of milliseconds in a debug build) where it does not hold up the runtime:
/// with every runtime thread making pages, a request arriving meanwhile
/// would be read, stamped and counted against its rate limit only when one
/// is free, late by a page or two, and the log would show sends bunched
/// that were not. A current-thread runtime (a test's) has nowhere else to
/// run it.
fn off_the_runtime<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// One request from arrival to answer; `None` asks for a connection reset.
async fn handle(state: &State, req: Request<Incoming>) -> Option<Resp> {
    let (parts, incoming) = req.into_parts();
    let seq = state.next_seq();
    let timestamp_ms = now_ms();
    let tracking_id = format!("mock-{:x}-{seq:06}", state.key[0]);
    let body = match Limited::new(incoming, MAX_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            let mut r = zoom_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                300,
                "Request body too large.",
            );
            stamp(&mut r, &tracking_id, parts.headers.get(header::ORIGIN));
            return Some(r);
        }
    };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let origin = parts.headers.get(header::ORIGIN).cloned();

    if path.starts_with("/_admin") {
        let mut r = admin::handle(state, &parts.method, &path, query.as_deref(), &body).await;
        stamp(&mut r, &tracking_id, origin.as_ref());
        return Some(r);
    }

    let is_preflight = parts.method == Method::OPTIONS
        && parts
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let routed = path
        .strip_prefix("/v2")
        .filter(|_| !is_preflight)
        .map(|rest| state.router.find(parts.method.as_str(), rest));
    let operation = match &routed {
        Some(Ok(m)) => Some((m.op.id.as_str(), m.op.name.as_str())),
        _ => None,
    };
    let fault = if is_preflight {
        None
    } else {
        lock(&state.faults).take(&path, operation)
    };
    if let Some(FaultKind::Latency { ms }) = &fault {
        tokio::time::sleep(Duration::from_millis(*ms)).await;
    }

    // A 429 means Zoom did not perform the call, so the handler must not run
    // (a refused POST creates nothing). The other faults answer after the
    // handler: a 5xx, a reset or a truncated body leave it unknown whether a
    // write happened, which is what makes retrying a POST unsafe.
    let refused = matches!(fault, Some(FaultKind::RateLimit { .. }));
    let resp = if is_preflight {
        preflight(&parts.headers)
    } else if refused {
        zoom_error(StatusCode::TOO_MANY_REQUESTS, 429, "")
    } else if let Some(routed) = routed {
        match routed {
            Ok(m) => off_the_runtime(|| {
                api::handle(
                    state,
                    &ApiRequest {
                        op: m.op,
                        path_params: m.params,
                        query: query_map(query.as_deref()),
                        headers: &parts.headers,
                        body: &body,
                    },
                )
            }),
            Err(_) => zoom_error(StatusCode::NOT_FOUND, 404, "Not Found."),
        }
    } else if path.starts_with("/oauth/") {
        oauth(
            state,
            &parts.method,
            &path,
            query.as_deref(),
            &parts.headers,
            &body,
        )
    } else if let Some(id) = path
        .strip_prefix("/_files/transcripts/")
        .and_then(|p| p.strip_suffix(".vtt"))
        .filter(|_| parts.method == Method::GET)
    {
        let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
        body::bytes(
            StatusCode::OK,
            "text/vtt; charset=utf-8",
            api::transcript_text(&id),
        )
    } else {
        zoom_error(StatusCode::NOT_FOUND, 404, "Not Found.")
    };

    let resp = match &fault {
        Some(kind) => apply_fault(kind, resp),
        None => Some(resp),
    };
    let status = resp.as_ref().map_or(0, |r| r.status().as_u16());
    let body_text = if path.starts_with("/oauth/") {
        redact_form(&String::from_utf8_lossy(&body))
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    state.record(LoggedRequest {
        seq,
        timestamp_ms,
        method: parts.method.to_string(),
        path: path.clone(),
        query: query.as_deref().map(redact_form),
        headers: header_map_for_log(&parts.headers),
        body: body_text,
        body_len: body.len(),
        operation: operation.map(|(id, _)| id.to_string()),
        status,
        tracking_id: tracking_id.clone(),
    });
    let mut resp = resp?;
    stamp(&mut resp, &tracking_id, origin.as_ref());
    Some(resp)
}

fn stamp(resp: &mut Resp, tracking_id: &str, origin: Option<&HeaderValue>) {
    if let Ok(v) = HeaderValue::from_str(tracking_id) {
        resp.headers_mut()
            .insert(HeaderName::from_static("x-zm-trackingid"), v);
    }
    cors(resp, origin);
}

fn oauth(
    state: &State,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Resp {
    // Zoom takes grant parameters in the query string or the form body.
    let mut params = query_map(query);
    for (k, v) in form_urlencoded::parse(body) {
        params.insert(k.into_owned(), v.into_owned());
    }
    let now = std::time::Instant::now();
    let mut oauth = lock(&state.oauth);
    match (method.as_str(), path) {
        ("POST", "/oauth/token") => oauth.token(headers, &params, now),
        ("GET", "/oauth/authorize") => oauth.authorize(&params, now),
        ("POST", "/oauth/devicecode") => oauth.device_code(headers, &params, &state.base_url, now),
        ("POST", "/oauth/revoke") => oauth.revoke(headers, &params),
        _ => body::json(
            StatusCode::NOT_FOUND,
            &json!({ "reason": "Not Found", "error": "not_found" }),
        ),
    }
}
