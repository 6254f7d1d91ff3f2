//! Core errors as instances of the classes in `zoom_phone.exceptions`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoom_phone::Error;

use crate::error_info::{ErrorInfo, describe};

/// The exception for a core error: the class named by `describe`, with
/// `code`, `status`, `zoom_code` and `tracking_id` attributes.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match instantiate(py, &describe(error)) {
        Ok(err) => err,
        // The exceptions module is part of the package; failing to import it
        // means a broken install, and that failure is the better report.
        Err(import_failure) => import_failure,
    }
}

fn instantiate(py: Python<'_>, info: &ErrorInfo) -> PyResult<PyErr> {
    let module = py.import("zoom_phone.exceptions")?;
    let class = module.getattr(info.name)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", &info.code)?;
    kwargs.set_item("status", info.status)?;
    kwargs.set_item("zoom_code", info.zoom_code)?;
    kwargs.set_item("tracking_id", &info.tracking_id)?;
    let instance = class.call((&info.message,), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}
