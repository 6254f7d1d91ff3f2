//! Zoom's four incremental-sync operations, served statefully: each
//! (operation, path) has a log of records numbered 1..=N, newest last; the
//! admin API appends records (`POST /_admin/sync {"records": n}`), so a
//! client sees changes between syncs. `FSync` answers the newest `count`
//! records, `BSync` the next older ones, `ISync` those added since; the
//! opaque `sync_token` carries the newest and oldest record seen.

use base64::Engine as _;
use http::StatusCode;
use serde_json::{Map, Value};
use zoom_phone::catalog::{Schema, SyncSpec, response_schema};

use crate::api::ApiRequest;
use crate::body::{self, Resp, zoom_error};
use crate::state::State;
use crate::synth;
use crate::util::{fnv1a, lock, mix};

/// Records each log starts with.
pub(crate) const INITIAL_RECORDS: u64 = 120;
const DEFAULT_COUNT: u64 = 30;

/// How many records were added to every log since start.
#[derive(Debug, Default)]
pub(crate) struct SyncLogs {
    added: u64,
}

impl SyncLogs {
    /// Appends `n` records to every log; answers how many were added in all.
    pub(crate) fn add(&mut self, n: u64) -> u64 {
        self.added = self.added.saturating_add(n);
        self.added
    }

    fn total(&self) -> u64 {
        INITIAL_RECORDS + self.added
    }
}

fn token(newest: u64, oldest: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("sync:{newest}:{oldest}"))
}

fn read_token(t: &str) -> Option<(u64, u64)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let mut parts = text.strip_prefix("sync:")?.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn bad(message: &str) -> Resp {
    zoom_error(StatusCode::BAD_REQUEST, 300, message)
}

pub(crate) fn answer(state: &State, req: &ApiRequest<'_>, spec: &SyncSpec) -> Resp {
    let key = format!("{}:{:?}", req.op.id, req.path_params);
    let total = lock(&state.sync).total();
    let count = spec
        .count_param
        .as_ref()
        .and_then(|c| req.query.get(c))
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(DEFAULT_COUNT)
        .clamp(1, u64::from(spec.max_count.unwrap_or(300)));
    let kind = req
        .query
        .get(&spec.type_param)
        .map_or(spec.full.as_str(), String::as_str);
    let sent = match req.query.get(&spec.token_param) {
        None => None,
        Some(t) => match read_token(t) {
            Some(pair) => Some(pair),
            None => return bad("Invalid sync token."),
        },
    };
    if ![&spec.full, &spec.backward, &spec.incremental]
        .iter()
        .any(|k| k.as_str() == kind)
    {
        return bad("Invalid sync_type.");
    }
    // Without a token every kind starts from the newest records, as a full
    // sync does.
    let (seqs, newest, oldest): (Vec<u64>, u64, u64) = match sent {
        Some((newest, oldest)) if kind == spec.backward => {
            let seqs: Vec<u64> = (1..oldest).rev().take(count as usize).collect();
            let new_oldest = seqs.last().copied().unwrap_or(oldest);
            (seqs, newest, new_oldest)
        }
        Some((newest, oldest)) if kind == spec.incremental => {
            let seqs: Vec<u64> = ((newest + 1)..=total).take(count as usize).collect();
            let new_newest = seqs.last().copied().unwrap_or(newest);
            (seqs, new_newest, oldest)
        }
        _ => {
            let seqs: Vec<u64> = (1..=total).rev().take(count as usize).collect();
            let oldest = seqs.last().copied().unwrap_or(total + 1);
            (seqs, total, oldest)
        }
    };
    let schema = response_schema(&req.op.id);
    let mut out = Map::new();
    let base = mix(state.config.seed ^ fnv1a(&[&key]));
    for (i, field) in spec.record_fields.iter().enumerate() {
        let item_schema = match schema {
            Some(Schema::Object { properties, .. }) => match properties.get(field) {
                Some(Schema::Array { items, .. }) => Some(&**items),
                _ => None,
            },
            _ => None,
        };
        // The records go to the first array; the others stay empty.
        let items: Vec<Value> = if i == 0 {
            seqs.iter()
                .map(|seq| record(item_schema, base, *seq, &req.op.name))
                .collect()
        } else {
            Vec::new()
        };
        out.insert(field.clone(), Value::Array(items));
    }
    out.insert(
        spec.token_field.clone(),
        Value::String(token(newest, oldest)),
    );
    body::json(StatusCode::OK, &Value::Object(out))
}

fn record(schema: Option<&Schema>, base: u64, seq: u64, name: &str) -> Value {
    let mut item = schema.map_or_else(
        || Value::Object(Map::new()),
        |s| synth::value(s, mix(base ^ seq), name),
    );
    if let Value::Object(m) = &mut item {
        // A stable id per record: clients can check for gaps and repeats.
        m.insert("id".into(), Value::String(format!("rec-{seq:08}")));
    }
    item
}
