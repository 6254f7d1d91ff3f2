//! The OAuth flows a user runs before a client has tokens (authorization
//! code with PKCE, refresh, revoke, the device flow), over a client's
//! [`Transport`]: the requests and their reading come from the core
//! ([`zoom_phone::auth`]); this sends them. Both clients' `OAuth` wrap it.

use std::sync::Arc;
use std::time::Duration;

use zoom_phone::auth::{
    self, AuthorizationRequest, DeviceFlow, DeviceStep, OAuthConfig, OsRandom, TokenSet,
};
use zoom_phone::driver::DEFAULT_API_BODY_LIMIT;
use zoom_phone::{Error, Secret};

use crate::clock;
use crate::host::Runtime;
use crate::transport::{self, SendOptions, Transport};

#[derive(Clone)]
pub(crate) struct Flows {
    pub(crate) config: OAuthConfig,
    transport: Arc<dyn Transport>,
    /// Of each request.
    timeout: Duration,
}

impl std::fmt::Debug for Flows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Flows {
    pub(crate) fn new(
        config: OAuthConfig,
        transport: Arc<dyn Transport>,
        timeout: Duration,
    ) -> Self {
        Flows {
            config,
            transport,
            timeout,
        }
    }

    pub(crate) fn authorization_request(&self) -> Result<AuthorizationRequest, Error> {
        Ok(AuthorizationRequest::new(&self.config, &mut OsRandom)?)
    }

    pub(crate) async fn exchange_code(
        &self,
        callback_url: &str,
        authorization: &AuthorizationRequest,
    ) -> Result<TokenSet, Error> {
        let code = auth::parse_callback(callback_url, &authorization.state)?;
        let request =
            auth::code_exchange_request(&self.config, &code, &authorization.code_verifier)?;
        let response = self.send(request).await?;
        Ok(auth::parse_token_response(&response, clock::now())?)
    }

    pub(crate) async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, Error> {
        let request = auth::refresh_request(&self.config, refresh_token)?;
        let response = self.send(request).await?;
        Ok(auth::parse_refresh_response(
            &response,
            Some(refresh_token),
            clock::now(),
        )?)
    }

    pub(crate) async fn revoke(&self, token: &Secret) -> Result<(), Error> {
        let request = auth::revoke_request(&self.config, token)?;
        let response = self.send(request).await?;
        Ok(auth::parse_revoke_response(&response)?)
    }

    pub(crate) async fn device_authorization(&self) -> Result<DeviceFlow, Error> {
        let request = auth::device_authorization_request(&self.config)?;
        let response = self.send(request).await?;
        Ok(DeviceFlow::start(&self.config, &response, clock::now())?)
    }

    /// Polls Zoom at the interval it asks for until the user approves,
    /// refuses, or the code expires.
    pub(crate) async fn device_wait<R: Runtime>(
        &self,
        mut flow: DeviceFlow,
    ) -> Result<TokenSet, Error> {
        loop {
            match flow.poll(clock::now()) {
                DeviceStep::Send(request) => {
                    let response = self.send(request).await?;
                    flow.receive(&response, clock::now());
                }
                DeviceStep::WaitUntil(at) => R::sleep(clock::until(at)).await,
                DeviceStep::Done(result) => return Ok(result?),
            }
        }
    }

    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let uri = request.uri().clone();
        let limit = DEFAULT_API_BODY_LIMIT;
        let result = self
            .transport
            .send(request, SendOptions::new(self.timeout, limit))
            .await;
        transport::answer(result, &uri, limit)
    }
}
