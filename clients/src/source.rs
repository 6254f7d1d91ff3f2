//! The host's own source of access tokens (a vault, another service), for
//! a client built with `token_source`: the core asks it (`FetchToken`)
//! whenever the session needs a token.

use std::future::Future;

use zoom_phone::auth::TokenSet;

use crate::transport::{BoxError, BoxFuture};

/// What a [`TokenProvider`] returns.
pub type TokenFuture = BoxFuture<'static, Result<TokenSet, BoxError>>;

/// A token source for the async client. Any `Fn() -> impl Future<Output =
/// Result<TokenSet, BoxError>>` is one. Its error is the call error's
/// [`source()`](std::error::Error::source), never part of the call error's
/// message or `Debug` (which may be logged, and a source's words may quote
/// what it handles), as JS and Python keep a source's exception as the
/// cause and name only its class.
pub trait TokenProvider: Send + Sync {
    fn fetch(&self) -> TokenFuture;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<TokenSet, BoxError>> + Send + 'static,
{
    fn fetch(&self) -> TokenFuture {
        Box::pin(self())
    }
}
