//! Core errors as instances of the classes in `zoom_phone.exceptions`: the
//! core's `Error::to_json()` (class, code, message and evidence) handed to
//! `zoom_phone.exceptions._from_core`, which only looks the class up. No
//! decision about an error is made here.

use pyo3::prelude::*;
use zoom_phone::Error;

use crate::convert;

/// The exception instance for a core error.
pub fn instance<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    from_info(py, &error.to_json())
}

fn from_info<'py>(py: Python<'py>, info: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    let info = convert::json_to_py(py, info)?;
    py.import("zoom_phone.exceptions")?
        .getattr("_from_core")?
        .call1((info,))
}

/// The Python exception for a core error.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match instance(py, error) {
        Ok(e) => PyErr::from_value(e),
        // The exceptions module is part of the package; failing to import it
        // means a broken install, and that failure is the better report.
        Err(import_failure) => import_failure,
    }
}

/// A `BuildError` of the binding's own finding (a value that cannot cross
/// into the core), worded like the core's: nothing was sent.
pub fn build(py: Python<'_>, code: &str, message: String) -> PyErr {
    let info = serde_json::json!({"class": "build", "code": code, "message": message});
    match from_info(py, &info) {
        Ok(e) => PyErr::from_value(e),
        Err(import_failure) => import_failure,
    }
}

/// JSON from a caller's value, a `BuildError` naming the parameter if it
/// cannot be: `what` says whose value it is (`` `listPhoneUsers` ``).
pub fn params_json(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
    code: &str,
) -> PyResult<serde_json::Value> {
    convert::to_json(value).map_err(|(path, problem)| {
        let message = if path.is_empty() {
            format!("{what}: the value {problem}")
        } else {
            format!("{what}: `{path}` {problem}")
        };
        build(py, code, message)
    })
}
