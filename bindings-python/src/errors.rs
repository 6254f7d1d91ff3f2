//! Core errors as instances of the classes in `zoom_phone.exceptions`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoom_phone::Error;

use crate::error_info::describe;

/// The exception for a core error: the class named by `describe`, with
/// `code` and `status` attributes.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    let info = describe(error);
    match instantiate(py, info.name, &info.message, info.code, info.status) {
        Ok(err) => err,
        // The exceptions module is part of the package; failing to import it
        // means a broken install, and that failure is the better report.
        Err(import_failure) => import_failure,
    }
}

fn instantiate(
    py: Python<'_>,
    class_name: &str,
    message: &str,
    code: &str,
    status: Option<u16>,
) -> PyResult<PyErr> {
    let module = py.import("zoom_phone.exceptions")?;
    let class = module.getattr(class_name)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code)?;
    kwargs.set_item("status", status)?;
    let instance = class.call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}
