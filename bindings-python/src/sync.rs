//! `zoom_phone._core.Syncer`: one incremental sync of one of Zoom's four
//! sync operations (`zoom_phone::sync`). The core decides which batch to ask
//! for next (full, backward, incremental) and where the sync stands after
//! each answer; the host sends the calls and counts the records.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyString;
use zoom_phone::sync::{SyncCheckpoint, Syncer as CoreSyncer};

use crate::{convert, errors};

#[derive(Debug)]
#[pyclass(module = "zoom_phone._core", frozen)]
pub struct Syncer {
    inner: Mutex<CoreSyncer>,
}

fn lock(m: &Mutex<CoreSyncer>) -> std::sync::MutexGuard<'_, CoreSyncer> {
    // As the session's: a panic inside the core already surfaced; go on.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[pymethods]
impl Syncer {
    /// A full sync of `operation` with `params` by spec name (never
    /// `sync_type` or `sync_token`: the syncer's), or, from a `checkpoint`
    /// saved earlier (`{forward, backward, backfilled}`), only what changed
    /// since. An operation that is not a sync operation, or a malformed
    /// checkpoint, raises `BuildError` naming it.
    #[new]
    #[pyo3(signature = (operation, params = None, checkpoint = None))]
    fn new(
        py: Python<'_>,
        operation: &str,
        params: Option<&Bound<'_, PyAny>>,
        checkpoint: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let op = zoom_phone::operation(operation).ok_or_else(|| {
            let unknown = zoom_phone::request::BuildError::UnknownOperation(operation.to_owned());
            errors::to_py(py, &unknown.into())
        })?;
        let params = match params {
            Some(p) if !p.is_none() => {
                errors::params_json(py, p, &format!("`{operation}`"), "invalid_parameter")?
            }
            _ => serde_json::Value::Object(serde_json::Map::new()),
        };
        let mut inner = CoreSyncer::new(op, params).map_err(|e| errors::to_py(py, &e))?;
        if let Some(point) = checkpoint.filter(|c| !c.is_none()) {
            let value = errors::params_json(py, point, "the checkpoint", "invalid_option")?;
            let at = SyncCheckpoint::from_json(&value).map_err(|e| errors::to_py(py, &e))?;
            inner = inner.resume(at);
        }
        Ok(Syncer {
            inner: Mutex::new(inner),
        })
    }

    /// The next batch: `(params, phase)` (`"full"`, `"backward"`,
    /// `"incremental"`), or `None` when caught up.
    fn next_batch<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(Bound<'py, PyAny>, &'static str)>> {
        let next = lock(&self.inner).next_params();
        next.map(|(params, phase)| Ok((convert::json_to_py(py, &params)?, phase.name())))
            .transpose()
    }

    /// Takes the answer to the batch asked for: its sync token and how many
    /// records it held (the items of `record_fields` together); returns the
    /// batch's phase.
    fn accept(&self, token: Option<&Bound<'_, PyAny>>, records: usize) -> &'static str {
        let token = token.and_then(|t| t.cast::<PyString>().ok().and_then(|s| s.to_cow().ok()));
        lock(&self.inner).accept(token.as_deref(), records).name()
    }

    /// Where the sync stands: `{forward, backward, backfilled}`, to save.
    #[getter]
    fn checkpoint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::json_to_py(py, &lock(&self.inner).checkpoint().to_json())
    }

    /// The answer's arrays of records (`call_logs`, `sms_histories`, ...).
    #[getter]
    fn record_fields(&self) -> Vec<String> {
        lock(&self.inner).record_fields().to_vec()
    }

    /// The answer's field with the next sync token.
    #[getter]
    fn token_field(&self) -> String {
        lock(&self.inner).token_field().to_owned()
    }

    /// Nothing more to ask for now (a later run resumes from the checkpoint).
    #[getter]
    fn caught_up(&self) -> bool {
        lock(&self.inner).is_caught_up()
    }

    fn __repr__(&self) -> &'static str {
        "<zoom_phone._core.Syncer>"
    }
}
