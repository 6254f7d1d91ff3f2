//! The response body type and builders for the answers every module gives.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Response, StatusCode};
use http_body::{Frame, SizeHint};
use serde_json::{Value, json};

/// A whole body, or one that stops halfway with an error so the connection
/// breaks after a `Content-Length` that promised more (the truncation fault).
#[derive(Debug)]
pub enum MockBody {
    Full(Option<Bytes>),
    Truncated(Option<Bytes>),
    /// A whole body of unknown length: sent chunked (the oversized fault).
    Chunked(Option<Bytes>),
    /// Bytes, a pause (so the head and those bytes reach the client), then
    /// a broken connection: a `Content-Length` that promised far more.
    Stalled(Option<Bytes>, bool),
}

impl MockBody {
    pub fn empty() -> Self {
        Self::Full(None)
    }

    /// The bytes this body will send (for the request log and tests).
    pub fn peek(&self) -> &[u8] {
        match self {
            Self::Full(Some(b))
            | Self::Truncated(Some(b))
            | Self::Chunked(Some(b))
            | Self::Stalled(Some(b), _) => b,
            _ => &[],
        }
    }
}

impl http_body::Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            Self::Stalled(data, paused) => {
                if let Some(d) = data.take() {
                    return Poll::Ready(Some(Ok(Frame::data(d))));
                }
                if !*paused {
                    // Pending makes hyper flush what it has written.
                    *paused = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "oversized_length fault",
                ))))
            }
            Self::Full(data) | Self::Chunked(data) => {
                Poll::Ready(data.take().map(|d| Ok(Frame::data(d))))
            }
            Self::Truncated(data) => match data.take() {
                Some(d) => Poll::Ready(Some(Ok(Frame::data(d)))),
                None => Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "truncation fault",
                )))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Full(None) | Self::Chunked(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(d) => SizeHint::with_exact(d.as_ref().map_or(0, |b| b.len() as u64)),
            Self::Truncated(_) | Self::Chunked(_) | Self::Stalled(..) => SizeHint::default(),
        }
    }
}

pub type Resp = Response<MockBody>;

pub fn bytes(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let body: Bytes = body.into();
    let mut r = Response::new(MockBody::Full(Some(body.clone())));
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    r
}

pub fn json(status: StatusCode, value: &Value) -> Resp {
    let text = serde_json::to_vec(value).unwrap_or_default();
    bytes(status, "application/json;charset=UTF-8", text)
}

pub fn empty(status: StatusCode) -> Resp {
    let mut r = Response::new(MockBody::empty());
    *r.status_mut() = status;
    r
}

/// Zoom's API error body: `{"code": <zoom code>, "message": "..."}`.
pub fn zoom_error(status: StatusCode, code: i64, message: &str) -> Resp {
    json(status, &json!({ "code": code, "message": message }))
}

/// Zoom's OAuth error body: `{"reason": "...", "error": "invalid_client"}`.
pub fn oauth_error(status: StatusCode, error: &str, reason: &str) -> Resp {
    json(status, &json!({ "reason": reason, "error": error }))
}
