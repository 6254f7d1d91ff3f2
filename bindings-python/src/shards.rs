//! `zoom_phone._core.ShardJob`: a date range of a listing cut into shards
//! that the workers of a fleet claim one at a time, with a lease, each
//! shard's position saved after every page (`zoom_phone::fleet::shards`).
//! Made by `Session.shard_job`. Its Redis scripts come out as the same dicts
//! a `shared` step carries (`SharedOp::to_json`), so the fleet runner that
//! performs the session's scripts performs these; their replies come back
//! as the runner read them (`None`, int, str or a list of them).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};
use serde_json::Value;
use zoom_phone::Error;
use zoom_phone::config::ConfigError;
use zoom_phone::date::Date;
use zoom_phone::fleet::shards::ShardJob as CoreShardJob;
use zoom_phone::fleet::{FleetConfig, SharedOp, SharedReply};
use zoom_phone::paginate::{ResumePoint, Span};

use crate::{convert, errors};

#[derive(Debug)]
#[pyclass(module = "zoom_phone._core", frozen)]
pub struct ShardJob {
    inner: CoreShardJob,
}

fn config_error(py: Python<'_>, field: &str, problem: &str) -> PyErr {
    errors::to_py(py, &Error::from(ConfigError::new(field, problem)))
}

/// `{"months": n}` or `{"days": n}` (n from 1 to 1000); a month without one.
fn span_from(py: Python<'_>, span: Option<&Bound<'_, PyAny>>) -> PyResult<Span> {
    let bad = || {
        config_error(
            py,
            "span",
            "must be {\"months\": n} or {\"days\": n} with n from 1 to 1000",
        )
    };
    let Some(span) = span.filter(|s| !s.is_none()) else {
        return Ok(Span::Months(1));
    };
    let dict = span.cast::<PyDict>().map_err(|_| bad())?;
    if dict.len() != 1 {
        return Err(bad());
    }
    let n = |key: &str| -> Option<u32> {
        let value = dict.get_item(key).ok()??;
        if value.is_instance_of::<PyBool>() {
            return None;
        }
        value
            .extract::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
    };
    n("months")
        .map(Span::Months)
        .or_else(|| n("days").map(Span::Days))
        .ok_or_else(bad)
}

fn op_to_py<'py>(py: Python<'py>, op: &SharedOp) -> PyResult<Bound<'py, PyAny>> {
    convert::json_to_py(py, &op.to_json())
}

/// A script's reply as the fleet runner read it, for the core to interpret.
fn reply_from(reply: &Bound<'_, PyAny>) -> PyResult<SharedReply> {
    let bad = |problem: String| pyo3::exceptions::PyTypeError::new_err(problem);
    let value = convert::to_json(reply)
        .map_err(|(_, problem)| bad(format!("the Redis reply {problem}")))?;
    SharedReply::from_json(&value).map_err(bad)
}

impl ShardJob {
    pub fn new(
        py: Python<'_>,
        fleet: &FleetConfig,
        job: &str,
        worker: &str,
        from: &str,
        to: &str,
        span: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ShardJob> {
        let date = |field: &str, text: &str| {
            Date::parse(text).ok_or_else(|| config_error(py, field, "must be a date YYYY-MM-DD"))
        };
        let (from, to) = (date("from_", from)?, date("to", to)?);
        let span = span_from(py, span)?;
        let inner = CoreShardJob::new(fleet, job, worker, from, to, span)
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(ShardJob { inner })
    }
}

#[pymethods]
impl ShardJob {
    /// The script registering the job's shards (a no-op once any worker did).
    fn plan_op<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        op_to_py(py, &self.inner.plan_op())
    }

    /// The script claiming the next free shard.
    fn claim_op<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        op_to_py(py, &self.inner.claim_op())
    }

    /// What the claim answered: `{shard, params, resume}` (`params`: `base`
    /// with the shard's `from`/`to`; `resume`: where an earlier worker
    /// stopped in it), or `None` when no shard is free.
    #[pyo3(signature = (reply, base = None))]
    fn claimed<'py>(
        &self,
        py: Python<'py>,
        reply: &Bound<'py, PyAny>,
        base: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let base = match base {
            Some(b) if !b.is_none() => {
                errors::params_json(py, b, "the listing's parameters", "invalid_parameter")?
            }
            _ => Value::Object(serde_json::Map::new()),
        };
        let claim = self
            .inner
            .claimed(reply_from(reply)?)
            .map_err(|e| errors::to_py(py, &e))?;
        claim
            .map(|c| {
                convert::json_to_py(
                    py,
                    &serde_json::json!({
                        "shard": c.shard,
                        "params": c.params(&base),
                        "resume": c.resume.to_json(),
                    }),
                )
            })
            .transpose()
    }

    /// The script saving where `shard` stands (`None`: it is done) and
    /// renewing its lease.
    #[pyo3(signature = (shard, point = None))]
    fn checkpoint_op<'py>(
        &self,
        py: Python<'py>,
        shard: &str,
        point: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let point = match point {
            Some(p) if !p.is_none() => {
                let value = errors::params_json(py, p, "the resume point", "invalid_option")?;
                Some(ResumePoint::from_json(&value).map_err(|e| errors::to_py(py, &e))?)
            }
            _ => None,
        };
        op_to_py(py, &self.inner.checkpoint_op(shard, point.as_ref()))
    }

    /// Whether a checkpoint was saved: `False` when the lease was lost to
    /// another worker (stop working on the shard).
    #[staticmethod]
    fn checkpointed(reply: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(CoreShardJob::checkpointed(&reply_from(reply)?))
    }

    /// The shards' names, in order (`2026-01-01..2026-01-31`).
    #[getter]
    fn shards(&self) -> Vec<String> {
        self.inner.shard_names()
    }

    fn __repr__(&self) -> String {
        format!(
            "<zoom_phone._core.ShardJob {} shards>",
            self.inner.shard_names().len()
        )
    }
}
