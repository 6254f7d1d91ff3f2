//! Building HTTP requests from the catalog. (Skeleton: owned by the
//! foundation work, which replaces this file; the public names below are the
//! contract other modules code against.)

use crate::Error;

/// Where requests go and how the SDK identifies itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestConfig {
    /// Base URL of the API, default `https://api.zoom.us/v2`; the token's
    /// `api_url` (plus `/v2`) replaces it when present.
    pub base_url: String,
    /// Base URL of Zoom's file API, default `https://fileapi.zoom.us/v2`.
    pub file_base_url: String,
    /// Value of the `User-Agent` header.
    pub user_agent: String,
}

/// Why a request could not be built. Nothing was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),
}

/// Builds the request for `operation` (Zoom's operationId or its snake_case
/// name) from JSON parameters: path and query parameters by their spec name at
/// the top level, the request body under `"body"`. No `Authorization` header:
/// the driver adds the current token.
pub fn build(
    operation: &str,
    _params: &serde_json::Value,
    _config: &RequestConfig,
) -> Result<http::Request<Vec<u8>>, Error> {
    Err(BuildError::UnknownOperation(operation.to_owned()).into())
}
