//! A typed call of the async client.

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use zoom_phone::Error;
use zoom_phone::response::Output;
use zoom_phone::typed::Endpoint;

use super::{Pages, ZoomPhone};
use crate::host::drive;
use crate::options::call_options;
use crate::transport::BoxFuture;
use crate::typed::{FromReply, Paginated, Prepared};

/// A typed call of operation `E` on the async client: `.await` it for
/// the response model, or set per-call options first, or ask for the
/// response's metadata with [`send_with_response`](TypedCall::send_with_response),
/// or walk a listing with [`pages`](TypedCall::pages).
///
/// ```no_run
/// # async fn demo(zp: zoom_phone_client::ZoomPhone) -> Result<(), zoom_phone_client::Error> {
/// use std::time::Duration;
/// use zoom_phone_client::ops::call_queues::ListCallQueues;
/// let request = ListCallQueues { page_size: Some(50), ..Default::default() };
/// let page = zp.call_queues().list_call_queues(&request).await?;
/// let answer = zp
///     .call_queues()
///     .list_call_queues(&request)
///     .timeout(Duration::from_secs(5))
///     .send_with_response()
///     .await?;
/// println!("{:?} queues, tracking id {:?}", page.total_records, answer.tracking_id);
/// # Ok(()) }
/// ```
#[must_use = "a typed call does nothing until it is awaited or sent"]
pub struct TypedCall<'a, E> {
    client: &'a ZoomPhone,
    call: Prepared<E>,
}

impl<E> fmt::Debug for TypedCall<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.call.fmt(f)
    }
}

impl<'a, E: Endpoint> TypedCall<'a, E> {
    pub(crate) fn new(client: &'a ZoomPhone, request: &E) -> Self {
        TypedCall {
            client,
            call: Prepared::new(request),
        }
    }

    call_options!(call.options);
}

impl<E: Endpoint> TypedCall<'_, E>
where
    E::Decoder: FromReply<E::Response>,
{
    /// Sends the call; the response model.
    pub async fn send(self) -> Result<E::Response, Error> {
        Ok(self.send_with_response().await?.body)
    }

    /// Sends the call; the response model with the answer's status,
    /// headers, tracking id and rate-limit headers.
    pub async fn send_with_response(self) -> Result<Output<E::Response>, Error> {
        let reply = drive(&self.client.core, self.call.call()?).await?;
        E::Decoder::from_reply(E::OPERATION_ID, reply)
    }
}

impl<E: Paginated> TypedCall<'_, E> {
    /// Every item of the listing, page after page, as the operation's item
    /// model (the request's own page token, if set, is where it starts).
    pub fn pages(self) -> Pages<E::Item> {
        let core = Arc::clone(&self.client.core);
        match self.call.params {
            Ok(params) => Pages::new(core, E::OPERATION_ID, params).options(self.call.options),
            Err(e) => Pages::failed(core, e),
        }
    }
}

impl<'a, E> IntoFuture for TypedCall<'a, E>
where
    E: Endpoint + 'a,
    E::Decoder: FromReply<E::Response>,
    E::Response: Send + 'a,
{
    type Output = Result<E::Response, Error>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
