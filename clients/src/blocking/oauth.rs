//! The OAuth flows on the blocking client.

use std::sync::Arc;
use std::time::Duration;

use zoom_phone::auth::{AuthorizationRequest, DeviceCodePrompt, DeviceFlow, OAuthConfig, TokenSet};
use zoom_phone::config::Timeouts;
use zoom_phone::{Error, Secret};

use super::Ready;
use super::runtime::{Threads, block_on};
use crate::oauth::Flows;
use crate::transport::Transport;

/// OAuth flows (authorization code with PKCE, refresh, revoke, device)
/// over the blocking client's transport: the requests come from the core's
/// [`auth`](zoom_phone::auth), the answers go back to it.
#[derive(Debug, Clone)]
pub struct OAuth {
    flows: Flows,
}

/// A device authorization waiting for the user: show
/// [`prompt`](DeviceAuthorization::prompt), then
/// [`wait`](DeviceAuthorization::wait).
#[derive(Debug)]
pub struct DeviceAuthorization {
    flows: Flows,
    flow: DeviceFlow,
}

impl OAuth {
    /// Without a [`ZoomPhone`](super::ZoomPhone): for getting a user's
    /// first tokens (the default ureq agent and timeouts).
    pub fn new(config: OAuthConfig) -> Result<OAuth, Error> {
        let timeouts = Timeouts::default();
        let agent = super::ureq::default_agent(timeouts.connect, false)?;
        Ok(OAuth::with(
            config,
            Arc::new(Ready(agent)),
            timeouts.attempt,
        ))
    }

    pub(crate) fn with(
        config: OAuthConfig,
        transport: Arc<dyn Transport>,
        timeout: Duration,
    ) -> Self {
        OAuth {
            flows: Flows::new(config, transport, timeout),
        }
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.flows.config
    }

    /// Where to send the user (PKCE and `state` included); keep the
    /// returned request for [`OAuth::exchange_code`].
    pub fn authorization_request(&self) -> Result<AuthorizationRequest, Error> {
        self.flows.authorization_request()
    }

    /// Checks the redirect Zoom sent the user back with (`state`, errors)
    /// and trades its code for tokens.
    pub fn exchange_code(
        &self,
        callback_url: &str,
        authorization: &AuthorizationRequest,
    ) -> Result<TokenSet, Error> {
        block_on(self.flows.exchange_code(callback_url, authorization))
    }

    /// A new token set for `refresh_token` (which is then dead: Zoom rotates).
    pub fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, Error> {
        block_on(self.flows.refresh(refresh_token))
    }

    /// Revokes an access or refresh token.
    pub fn revoke(&self, token: &Secret) -> Result<(), Error> {
        block_on(self.flows.revoke(token))
    }

    /// Starts the device flow (RFC 8628): a code for the user to enter.
    pub fn device_authorization(&self) -> Result<DeviceAuthorization, Error> {
        let flow = block_on(self.flows.device_authorization())?;
        Ok(DeviceAuthorization {
            flows: self.flows.clone(),
            flow,
        })
    }
}

impl DeviceAuthorization {
    /// What to show the user: the code and where to enter it.
    pub fn prompt(&self) -> &DeviceCodePrompt {
        self.flow.prompt()
    }

    /// Polls Zoom at the interval it asks for until the user approves,
    /// refuses, or the code expires.
    pub fn wait(self) -> Result<TokenSet, Error> {
        block_on(self.flows.device_wait::<Threads>(self.flow))
    }
}
