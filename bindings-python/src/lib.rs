//! Python bindings of the zoom-phone core: the private module
//! `zoom_phone._core`, wrapped by the pure-Python package `zoom_phone`.
//!
//! Functions only translate between Python objects and the core's types;
//! every decision is the core's. Core errors become the exception classes of
//! `zoom_phone.exceptions`, chosen by `error_info::describe`; arguments of the
//! wrong type raise `TypeError`/`ValueError`. A panic would surface as
//! `pyo3_runtime.PanicException` (PyO3 catches it at the boundary), but no
//! input reaches one: every conversion returns a `PyResult`.

mod convert;
mod errors;
mod oauth;
mod session;
mod webhook;

// Shared with the wasm binding so both hosts classify errors and start from
// the same configuration.
#[path = "../../bindings-wasm/src/defaults.rs"]
mod defaults;
#[path = "../../bindings-wasm/src/error_info.rs"]
mod error_info;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyDict};

    use crate::{convert, errors};

    #[pymodule_export]
    use crate::oauth::{authorization_url, parse_callback, parse_token_response, token_request};
    #[pymodule_export]
    use crate::session::{Pager, Session};
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
        params: Option<&Bound<'py, PyDict>>,
        base_url: Option<String>,
        file_base_url: Option<String>,
        user_agent: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let params = match params {
            Some(p) => convert::py_to_json(p.as_any())?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut config = crate::defaults::request_config("python");
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

    /// Reads a response of an operation. Returns a dict: status,
    /// tracking_id, rate_limit, kind ("json", "empty", "binary",
    /// "redirect"), body (the JSON value, the bytes, or None), and
    /// content_type / location where they apply. Raises ApiError (Zoom's
    /// error, with status and zoom_code) or DecodeError.
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
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = convert::status_from_py(status)?;
        *response.headers_mut() = convert::headers_from_py(headers)?;
        let output =
            zoom_phone::response::parse(op, response).map_err(|e| errors::to_py(py, &e))?;
        convert::output_to_py(py, &output)
    }
}
