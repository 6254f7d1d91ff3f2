//! [`reqwest::Client`] as the async client's [`Transport`], with failures
//! sorted into the kinds the retry policy tells apart and the reqwest
//! error kept as their `source`.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use zoom_phone::error::TransportFailure;
use zoom_phone::retry::TransportErrorKind;

use crate::transport::{
    BoxFuture, SendError, SendOptions, SendResult, Transport, declared_too_large,
};

/// A `reqwest::ClientBuilder` set up as the client needs it, to add your
/// own settings to (a proxy, a custom CA, ...) before passing the built
/// client to [`Builder::http_client`](crate::Builder::http_client):
/// redirects are not followed (where a redirect may take the token is the
/// core's decision: a download's `Location` may point off Zoom), and
/// connections time out after `connect_timeout`.
///
/// ```
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// let http = zoom_phone_client::http_client_builder(Duration::from_secs(5))
///     .pool_max_idle_per_host(4)
///     .build()?;
/// let zp = zoom_phone_client::ZoomPhone::builder()
///     .access_token("a-token")
///     .http_client(http)
///     .build()?;
/// # Ok(()) }
/// ```
pub fn http_client_builder(connect_timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
}

/// The client's default reqwest client (`native`: the platform's roots
/// instead of the bundled webpki roots, feature `native-roots`).
pub(crate) fn default_client(
    connect_timeout: Duration,
    native: bool,
) -> Result<reqwest::Client, zoom_phone::Error> {
    let builder = http_client_builder(connect_timeout);
    #[cfg(feature = "native-roots")]
    let builder = if native {
        builder
            .tls_built_in_webpki_certs(false)
            .tls_built_in_native_certs(true)
    } else {
        builder
            .tls_built_in_native_certs(false)
            .tls_built_in_webpki_certs(true)
    };
    #[cfg(not(feature = "native-roots"))]
    let _ = native;
    builder.build().map_err(|e| {
        let message = format!("cannot set up the HTTP client: {e}");
        TransportFailure::new(TransportErrorKind::Other, message)
            .with_source(e)
            .into()
    })
}

/// Sends the request as it is: `options.timeout` bounds the whole
/// exchange, and at most `options.body_limit` bytes of body are read.
impl Transport for reqwest::Client {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        options: SendOptions,
    ) -> BoxFuture<'_, SendResult> {
        Box::pin(exchange(self, request, options))
    }
}

async fn exchange(
    client: &reqwest::Client,
    request: http::Request<Vec<u8>>,
    options: SendOptions,
) -> SendResult {
    let mut request = reqwest::Request::try_from(request).map_err(classify)?;
    *request.timeout_mut() = Some(options.timeout);
    let sent_to = request.url().clone();
    let mut response = client.execute(request).await.map_err(classify)?;
    if response.url() != &sent_to {
        // A client built without `http_client_builder` followed a redirect
        // the core had to decide on (it may have carried the token off Zoom).
        return Err(TransportFailure::new(
            TransportErrorKind::Other,
            "the reqwest::Client followed a redirect: build it with \
             zoom_phone_client::http_client_builder (redirect::Policy::none())",
        )
        .into());
    }
    let limit = options.body_limit;
    if declared_too_large(response.headers(), limit) {
        return Err(SendError::TooLarge);
    }
    let capacity = response.content_length().unwrap_or(0).min(limit);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(SendError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let mut answer = http::Response::new(body);
    *answer.status_mut() = response.status();
    *answer.version_mut() = response.version();
    // Taken, not copied: the answer is the only owner from here.
    *answer.headers_mut() = std::mem::take(response.headers_mut());
    Ok(answer)
}

fn classify(error: reqwest::Error) -> SendError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_body() || error.is_decode() || io_kind(&error).is_some_and(is_reset) {
        TransportErrorKind::Reset
    } else if error.is_request() {
        // hyper's "connection closed before message completed" and friends:
        // the connection went away after the request may have been sent.
        TransportErrorKind::Reset
    } else {
        TransportErrorKind::Other
    };
    // Without the URL: a signed download URL carries keys in its query.
    let error = error.without_url();
    SendError::Failed(TransportFailure::new(kind, describe(&error)).with_source(error))
}

fn io_kind(error: &reqwest::Error) -> Option<io::ErrorKind> {
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = e.source();
    }
    None
}

fn is_reset(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

/// The error and its causes on one line.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
