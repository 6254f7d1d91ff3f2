//! What a call's [`Reply`] (the core's classified answer, JSON still as
//! bytes) becomes for the caller: a JSON [`Output`], a [`Download`], or a
//! typed model decoded straight from the bytes.

use std::fmt;

use zoom_phone::Error;
use zoom_phone::response::{self, DecodeError, Output, RawBody, Reply};

/// A downloaded file: a recording, a voicemail, a fax, a transcript.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Download {
    /// `Content-Type` of the answer, when given.
    pub content_type: Option<String>,
    /// The bytes exactly as received.
    pub bytes: Vec<u8>,
    /// Where Zoom's redirect sent the download (the transcript's signed
    /// URL), if it was redirected.
    pub location: Option<String>,
}

impl Download {
    /// The file as text, when it is UTF-8 (the transcript's VTT).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

impl fmt::Debug for Download {
    // Files can be megabytes: their size, not their bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .field("redirected", &self.location.is_some())
            .finish()
    }
}

/// Zoom's operationId for a name the caller may have given in snake_case.
pub(crate) fn operation_id(name: &str) -> &str {
    zoom_phone::operation(name).map_or(name, |op| op.id.as_str())
}

/// The reply with its JSON parsed into a [`Value`].
pub(crate) fn into_json(operation: &str, reply: Reply) -> Result<Output, Error> {
    response::into_value(operation_id(operation), reply)
}

/// The file a download answered with, or a decode error naming what came
/// instead.
pub(crate) fn into_download(operation: &str, reply: Reply) -> Result<Download, Error> {
    let (status, tracking_id, location) = (
        reply.status,
        reply.tracking_id.clone(),
        reply.location.clone(),
    );
    let (content_type, bytes) = match reply.body {
        RawBody::Binary {
            content_type,
            bytes,
        } => (content_type, bytes),
        RawBody::Text { content_type, text } => (content_type, text.into_bytes()),
        other => return Err(unexpected(operation, status, tracking_id, &other)),
    };
    Ok(Download {
        content_type,
        bytes,
        location,
    })
}

fn unexpected(operation: &str, status: u16, tracking_id: Option<String>, body: &RawBody) -> Error {
    let (want, got) = match body {
        RawBody::Json(_) => ("a file", "a JSON body"),
        RawBody::Empty => ("a file", "no body"),
        RawBody::Binary { .. } | RawBody::Text { .. } => ("JSON", "a file"),
    };
    DecodeError::new(
        operation_id(operation),
        status,
        format!("expected {want}, got {got}"),
        tracking_id,
    )
    .into()
}

#[cfg(feature = "typed-base")]
pub use typed::FromReply;

#[cfg(feature = "typed-base")]
mod typed {
    use serde::de::DeserializeOwned;
    use zoom_phone::Error;
    use zoom_phone::response::{self, DecodeError, Output, RawBody, Reply};
    use zoom_phone::typed::{Binary, Bytes, Json, Location, NoBody, Redirect};

    /// How an operation's decoder ([`Endpoint::Decoder`](zoom_phone::typed::Endpoint))
    /// reads a reply into its response type `T`.
    pub trait FromReply<T> {
        #[doc(hidden)]
        fn from_reply(operation: &'static str, reply: Reply) -> Result<Output<T>, Error>;
    }

    /// JSON straight from the reply's bytes into the model.
    impl<T: DeserializeOwned> FromReply<T> for Json {
        fn from_reply(operation: &'static str, reply: Reply) -> Result<Output<T>, Error> {
            response::decode_json(operation, reply)
        }
    }

    impl FromReply<()> for NoBody {
        fn from_reply(_: &'static str, reply: Reply) -> Result<Output<()>, Error> {
            // Whatever a success carries, the operation promises nothing.
            Ok(reply.map(|_| ()))
        }
    }

    impl FromReply<Binary> for Bytes {
        fn from_reply(operation: &'static str, reply: Reply) -> Result<Output<Binary>, Error> {
            let (status, tracking_id) = (reply.status, reply.tracking_id.clone());
            reply.try_map(|body| match body {
                RawBody::Binary {
                    content_type,
                    bytes,
                } => Ok(Binary::new(bytes, content_type)),
                RawBody::Text { content_type, text } => {
                    Ok(Binary::new(text.into_bytes(), content_type))
                }
                RawBody::Empty => Ok(Binary::new(Vec::new(), None)),
                _ => Err(not_a(
                    operation,
                    status,
                    tracking_id,
                    "JSON instead of the file's bytes",
                )),
            })
        }
    }

    /// The URL a redirect operation sent the download to (the core followed
    /// it; [`Download::text`](crate::Download::text) of an untyped
    /// `download` has the file itself).
    impl FromReply<Redirect> for Location {
        fn from_reply(operation: &'static str, reply: Reply) -> Result<Output<Redirect>, Error> {
            let (status, tracking_id) = (reply.status, reply.tracking_id.clone());
            match reply.location.clone() {
                Some(location) => Ok(reply.map(|_| Redirect::new(location))),
                None => Err(not_a(
                    operation,
                    status,
                    tracking_id,
                    "no redirect with a Location",
                )),
            }
        }
    }

    fn not_a(operation: &str, status: u16, tracking_id: Option<String>, message: &str) -> Error {
        DecodeError::new(operation, status, message, tracking_id).into()
    }
}
