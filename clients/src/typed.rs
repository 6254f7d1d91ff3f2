//! What the typed calls share: how an operation's reply becomes its
//! response type ([`FromReply`], decoded straight from the bytes), and the
//! item type of each listing ([`Paginated`]) for typed pagination.
//!
//! The request and response types themselves are the core's
//! ([`ops`](crate::ops)); every operation is also a method of its tag's
//! group (`zp.users().list_phone_users(&request)`, see
//! [`groups`](crate::groups)) on the client, which returns a typed call:
//! `.await` it (or `.send()`), or first set per-call options, ask for the
//! response's metadata (`.send_with_response()`), or walk a listing item by
//! item (`.pages()`).

use serde::de::DeserializeOwned;
use zoom_phone::typed::Endpoint;

pub use crate::reply::FromReply;

/// A listing: an operation answered page by page, whose items
/// `.pages()` hands out one at a time as `Item` (implemented for every
/// paginated operation whose items the spec types).
pub trait Paginated: Endpoint {
    /// One entry of the page's list (`users`, `call_logs`, ...).
    type Item: DeserializeOwned;
}

/// A typed call of `E` ready to send: its parameters (serialized once) and
/// options. What both clients' `TypedCall` wrap.
pub(crate) struct Prepared<E> {
    pub(crate) params: Result<serde_json::Value, zoom_phone::Error>,
    pub(crate) options: zoom_phone::driver::CallOptions,
    endpoint: std::marker::PhantomData<fn() -> E>,
}

impl<E: Endpoint> Prepared<E> {
    pub(crate) fn new(request: &E) -> Self {
        Prepared {
            params: zoom_phone::typed::to_params(request),
            options: zoom_phone::driver::CallOptions::default(),
            endpoint: std::marker::PhantomData,
        }
    }

    pub(crate) fn call(self) -> Result<zoom_phone::driver::CallRequest, zoom_phone::Error> {
        Ok(
            zoom_phone::driver::CallRequest::operation(E::OPERATION_ID, self.params?)
                .with_options(self.options),
        )
    }
}

impl<E> std::fmt::Debug for Prepared<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedCall")
            .field("operation", &std::any::type_name::<E>())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
