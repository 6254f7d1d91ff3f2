//! Zoom OAuth as plain data: request builders and response parsers for every
//! grant ([`flows`]), the token model ([`token`]), PKCE and `state`
//! ([`pkce`]), the device-code state machine ([`device`]), and the token
//! lifecycle shared by a session's calls ([`lifecycle`]). Nothing here does IO
//! or reads a clock: `now` and randomness come from the caller.

pub mod config;
pub mod device;
mod error;
pub mod flows;
pub mod lifecycle;
pub mod pkce;
pub mod random;
mod source;
pub mod token;

pub use config::{DEFAULT_OAUTH_BASE, OAuthConfig};
pub use device::{DeviceCodePrompt, DeviceFlow, DeviceStep};
pub use error::{AnswerOrigin, HostCause, OAuthError, OAuthErrorKind, TokenSourceFailure};
pub use flows::{
    AuthorizationRequest, client_credentials_request, code_exchange_request,
    device_authorization_request, parse_callback, refresh_request, revoke_request,
    server_to_server_request,
};
pub use lifecycle::{
    Access, AccessToken, AfterReload, Generation, LifecycleSettings, Persist, Rejection, Renewal,
    RenewalAction, RenewalId, Renewed, TokenLifecycle, TokenSource,
};
pub use random::{OsRandom, RandomSource};
pub use token::{
    DEFAULT_API_BASE_URL, TokenSet, parse_refresh_response, parse_revoke_response,
    parse_token_response,
};
