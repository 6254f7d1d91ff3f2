//! Python bindings of the zoom-phone core: the private module
//! `zoom_phone._core`, wrapped by the pure-Python package `zoom_phone`.
//!
//! Functions only translate between Python objects and the core's types;
//! every decision is the core's. Core errors become the exception classes of
//! `zoom_phone.exceptions` by the core's class (`Error::to_json`); a caller's
//! value that cannot become JSON is a `BuildError` too. A panic would
//! surface as `pyo3_runtime.PanicException` (PyO3 catches it at the
//! boundary), but no input reaches one: every conversion returns a
//! `PyResult`.

mod convert;
mod errors;
mod oauth;
mod session;
mod shards;
mod sync;
mod webhook;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyDict};
    use zoom_phone::request::RequestConfig;

    use crate::{convert, errors};

    #[pymodule_export]
    use crate::oauth::{authorization_url, parse_callback, parse_token_response, token_request};
    #[pymodule_export]
    use crate::session::{Pager, Session};
    #[pymodule_export]
    use crate::shards::ShardJob;
    #[pymodule_export]
    use crate::sync::Syncer;
    #[pymodule_export]
    use crate::webhook::handle_webhook;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// Every operation of the API as data (the generated catalog): a dict
    /// with `spec_version` and `operations`.
    #[pyfunction]
    fn catalog(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        convert::json_str_to_py(py, zoom_phone::catalog::catalog_json())
    }

    /// Builds the HTTP request for an operation (Zoom's operationId or its
    /// snake_case name) from path and query parameters by spec name, the
    /// JSON body under "body". Returns a dict: method, url, headers (dict of
    /// str), body (bytes, or None when there is none).
    #[pyfunction]
    #[pyo3(signature = (operation_id, params = None, *, base_url = None, file_base_url = None, user_agent = None))]
    fn build_request<'py>(
        py: Python<'py>,
        operation_id: &str,
        params: Option<&Bound<'py, PyAny>>,
        base_url: Option<String>,
        file_base_url: Option<String>,
        user_agent: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let params = match params {
            Some(p) if !p.is_none() => {
                errors::params_json(py, p, &format!("`{operation_id}`"), "invalid_parameter")?
            }
            _ => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut config = RequestConfig::default();
        config.user_agent = format!("zoom-phone-python/{}", env!("CARGO_PKG_VERSION"));
        if let Some(v) = base_url {
            config.base_url = v;
        }
        if let Some(v) = file_base_url {
            config.file_base_url = v;
        }
        if let Some(v) = user_agent {
            config.user_agent = v;
        }
        let request = zoom_phone::request::build(operation_id, &params, &config)
            .map_err(|e| errors::to_py(py, &e))?;
        convert::request_to_py(py, &request)
    }

    /// Classifies a response of an operation without parsing a JSON body.
    /// Returns a dict: status, tracking_id, rate_limit, kind ("json",
    /// "empty", "binary", "text", "redirect"), body (the JSON text as bytes,
    /// the bytes, the text, or None), and content_type / location where they
    /// apply; `zoom_phone.parse_response` parses the JSON. Raises the error
    /// class of Zoom's answer.
    #[pyfunction]
    fn parse_response<'py>(
        py: Python<'py>,
        operation_id: &str,
        status: u16,
        headers: &Bound<'py, PyAny>,
        body: &Bound<'py, PyBytes>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let op = zoom_phone::operation(operation_id).ok_or_else(|| {
            let unknown =
                zoom_phone::request::BuildError::UnknownOperation(operation_id.to_owned());
            errors::to_py(py, &unknown.into())
        })?;
        // No buffer kept between calls, as in sessions: a kept one would
        // hold the largest body for the thread's life.
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = convert::status_from_py(status)?;
        *response.headers_mut() = convert::headers_from_py(headers)?;
        if response.status().is_redirection() {
            // A redirect the host did not follow: its Location is the answer.
            let output =
                zoom_phone::response::parse(op, response).map_err(|e| errors::to_py(py, &e))?;
            return convert::output_to_py(py, &output);
        }
        let reply =
            zoom_phone::response::classify(op, response).map_err(|e| errors::to_py(py, &e))?;
        let out = PyDict::new(py);
        out.set_item("status", reply.status)?;
        out.set_item("tracking_id", &reply.tracking_id)?;
        let rate_limit = serde_json::to_value(&reply.rate_limit).unwrap_or_default();
        out.set_item("rate_limit", convert::json_to_py(py, &rate_limit)?)?;
        // Downloads (binary, text) say their content type, even when absent.
        let typed = matches!(
            reply.body,
            zoom_phone::response::RawBody::Binary { .. }
                | zoom_phone::response::RawBody::Text { .. }
        );
        // JSON is the body that arrived: the caller's own bytes, not a copy.
        let mut reply = reply;
        let mut same = false;
        if let zoom_phone::response::RawBody::Json(bytes) = &mut reply.body {
            if bytes.as_slice() == body.as_bytes() {
                *bytes = Vec::new();
                same = true;
            }
        }
        let mut fields = crate::session::reply_fields(py, reply)?;
        if same {
            if let Some(slot) = fields.get_mut(2) {
                *slot = body.clone().into_any();
            }
        }
        for (key, value) in ["status", "kind", "body", "content_type"]
            .iter()
            .zip(fields)
        {
            if *key != "content_type" || typed {
                out.set_item(*key, value)?;
            }
        }
        Ok(out)
    }

    /// The `DecodeError` for a success body the host's JSON parser refused,
    /// worded by the core as in every host.
    #[pyfunction]
    #[pyo3(signature = (operation, status, tracking_id, body))]
    fn decode_error<'py>(
        py: Python<'py>,
        operation: &str,
        status: u16,
        tracking_id: Option<String>,
        body: &Bound<'py, PyBytes>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = zoom_phone::operation(operation).map_or(operation, |op| op.id.as_str());
        let error = zoom_phone::response::decode_error(id, status, tracking_id, body.as_bytes());
        errors::instance(py, &error)
    }
}
