//! Resources whose writes can be read back: phone users, sites, call queues,
//! external contacts and the blocked list. Each starts with seeded records
//! and answers list, create, get, update and delete from them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use zoom_phone::catalog::{Schema, operation, response_schema};
use zoom_phone::validate::validate;

use crate::config::DataSizes;
use crate::synth;
use crate::util::{fnv1a, mix};

/// Which operations make up one resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceDef {
    pub name: &'static str,
    pub list: &'static str,
    pub create: Option<&'static str>,
    pub get: &'static str,
    pub update: &'static str,
    pub delete: Option<&'static str>,
    /// The field that holds the record's id in list items and answers.
    pub id_field: &'static str,
    /// Zoom's code and message for an unknown id.
    pub not_found: (i64, &'static str),
}

pub(crate) const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        name: "users",
        list: "listPhoneUsers",
        create: None,
        get: "phoneUser",
        update: "updateUserProfile",
        delete: None,
        id_field: "id",
        not_found: (1001, "User does not exist"),
    },
    ResourceDef {
        name: "sites",
        list: "listPhoneSites",
        create: Some("createPhoneSite"),
        get: "getASite",
        update: "updateSiteDetails",
        delete: Some("deletePhoneSite"),
        id_field: "id",
        not_found: (8001, "Site does not exist"),
    },
    ResourceDef {
        name: "call_queues",
        list: "listCallQueues",
        create: Some("createCallQueue"),
        get: "getACallQueue",
        update: "updateCallQueue",
        delete: Some("deleteACallQueue"),
        id_field: "id",
        not_found: (300, "Call queue does not exist"),
    },
    ResourceDef {
        name: "external_contacts",
        list: "listExternalContacts",
        create: Some("addExternalContact"),
        get: "getAExternalContact",
        update: "updateExternalContact",
        delete: Some("deleteAExternalContact"),
        id_field: "external_contact_id",
        not_found: (300, "External contact does not exist"),
    },
    ResourceDef {
        name: "blocked_list",
        list: "listBlockedList",
        create: Some("addAnumberToBlockedList"),
        get: "getABlockedList",
        update: "updateBlockedList",
        delete: Some("deleteABlockedList"),
        id_field: "id",
        not_found: (300, "Blocked list does not exist"),
    },
];

/// What an operation does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    List,
    Create,
    Get,
    Update,
    Delete,
}

/// The resource and action an operation id stands for, if it is stateful.
pub(crate) fn action_of(op_id: &str) -> Option<(usize, Action)> {
    RESOURCES.iter().enumerate().find_map(|(i, r)| {
        let action = if r.list == op_id {
            Action::List
        } else if r.create == Some(op_id) {
            Action::Create
        } else if r.get == op_id {
            Action::Get
        } else if r.update == op_id {
            Action::Update
        } else if r.delete == Some(op_id) {
            Action::Delete
        } else {
            return None;
        };
        Some((i, action))
    })
}

/// The item schema of a paged list operation.
pub(crate) fn list_item_schema(op_id: &str) -> Option<&'static Schema> {
    let op = operation(op_id)?;
    let field = op.pagination.as_ref()?.items_field.as_deref()?;
    match response_schema(op_id)? {
        Schema::Object { properties, .. } => match properties.get(field)? {
            Schema::Array { items, .. } => Some(items),
            _ => None,
        },
        _ => None,
    }
}

/// Keeps the fields of `record` that `schema` (an object) knows and that
/// validate against it, laid over `base`.
pub(crate) fn overlay(base: &mut Value, record: &Value, schema: &Schema) {
    let (Value::Object(out), Value::Object(rec), Schema::Object { properties, .. }) =
        (base, record, schema)
    else {
        return;
    };
    for (k, v) in rec {
        let Some(prop) = properties.get(k) else {
            continue;
        };
        if validate(prop, v, k).is_ok() {
            out.insert(k.clone(), v.clone());
        } else if let Some(converted) = convert(prop, v) {
            out.insert(k.clone(), converted);
        }
    }
}

/// Zoom writes some fields as strings and reads them back as numbers (an
/// extension number): convert where nothing is lost.
fn convert(schema: &Schema, v: &Value) -> Option<Value> {
    match (schema, v) {
        (Schema::Integer { .. }, Value::String(s)) => s.parse::<i64>().ok().map(Value::from),
        (Schema::String { enum_values, .. }, Value::Number(n)) if enum_values.is_empty() => {
            Some(Value::String(n.to_string()))
        }
        _ => None,
    }
}

/// The field that identifies an item of a list: `id`, else the first
/// `..uuid` string field (call history has `call_history_uuid`).
pub(crate) fn identity_field(item: &Schema) -> Option<&str> {
    let Schema::Object { properties, .. } = item else {
        return None;
    };
    let is_string =
        |s: &Schema| matches!(s, Schema::String { enum_values, .. } if enum_values.is_empty());
    if properties.get("id").is_some_and(is_string) {
        return Some("id");
    }
    properties
        .iter()
        .find(|(k, s)| k.ends_with("uuid") && is_string(s))
        .map(|(k, _)| k.as_str())
}

#[derive(Debug, Default)]
struct Table {
    /// Creation order -> (id, record).
    rows: BTreeMap<u64, (String, Value)>,
    by_id: BTreeMap<String, u64>,
    next: u64,
}

impl Table {
    fn insert(&mut self, id: String, record: Value) {
        self.next += 1;
        self.by_id.insert(id.clone(), self.next);
        self.rows.insert(self.next, (id, record));
    }

    fn get(&self, id: &str) -> Option<&Value> {
        let seq = self.by_id.get(id)?;
        self.rows.get(seq).map(|(_, r)| r)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        let seq = self.by_id.get(id)?;
        self.rows.get_mut(seq).map(|(_, r)| r)
    }

    fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(seq) => self.rows.remove(&seq).is_some(),
            None => false,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Store {
    seed: u64,
    tables: Vec<Table>,
    created: u64,
}

/// The seeded id of record `i` of a resource: stable across runs.
pub(crate) fn seeded_id(resource: &str, seed: u64, i: usize) -> String {
    format!(
        "{}{:04x}{i:06}",
        &resource[..2.min(resource.len())],
        mix(seed ^ fnv1a(&[resource])) & 0xffff
    )
}

impl Store {
    pub(crate) fn new(seed: u64, sizes: &DataSizes) -> Self {
        let mut tables = Vec::new();
        for r in RESOURCES {
            let mut t = Table::default();
            let n = if r.name == "users" {
                sizes.users
            } else {
                sizes.other_lists
            };
            let item = list_item_schema(r.list);
            for i in 0..n {
                let id = seeded_id(r.name, seed, i);
                let record = new_record(r, item, seed, &id);
                t.insert(id, record);
            }
            tables.push(t);
        }
        Self {
            seed,
            tables,
            created: 0,
        }
    }

    pub(crate) fn count(&self, resource: usize) -> usize {
        self.tables.get(resource).map_or(0, |t| t.rows.len())
    }

    /// Records `offset..offset+limit` in creation order.
    pub(crate) fn page(&self, resource: usize, offset: usize, limit: usize) -> Vec<Value> {
        self.tables.get(resource).map_or_else(Vec::new, |t| {
            t.rows
                .values()
                .skip(offset)
                .take(limit)
                .map(|(_, r)| r.clone())
                .collect()
        })
    }

    pub(crate) fn get(&self, resource: usize, id: &str) -> Option<Value> {
        self.tables.get(resource)?.get(id).cloned()
    }

    /// Stores a new record built from the request body; returns its id.
    pub(crate) fn create(&mut self, resource: usize, body: &Value) -> Option<(String, Value)> {
        let def = RESOURCES.get(resource)?;
        self.created += 1;
        let id = format!("{}new{:08}", &def.name[..2], self.created);
        let mut record = new_record(def, list_item_schema(def.list), self.seed, &id);
        merge(&mut record, body);
        set_id(&mut record, def, &id);
        let table = self.tables.get_mut(resource)?;
        table.insert(id.clone(), record.clone());
        Some((id, record))
    }

    /// Merges the body into the record; false when there is no such record.
    pub(crate) fn update(&mut self, resource: usize, id: &str, body: &Value) -> bool {
        let Some(def) = RESOURCES.get(resource) else {
            return false;
        };
        match self.tables.get_mut(resource).and_then(|t| t.get_mut(id)) {
            Some(record) => {
                merge(record, body);
                set_id(record, def, id);
                true
            }
            None => false,
        }
    }

    pub(crate) fn delete(&mut self, resource: usize, id: &str) -> bool {
        self.tables.get_mut(resource).is_some_and(|t| t.remove(id))
    }
}

fn new_record(def: &ResourceDef, item: Option<&Schema>, seed: u64, id: &str) -> Value {
    let mut record = item.map_or_else(
        || Value::Object(Map::new()),
        |s| synth::value(s, mix(seed ^ fnv1a(&[def.name, id])), def.name),
    );
    set_id(&mut record, def, id);
    record
}

fn set_id(record: &mut Value, def: &ResourceDef, id: &str) {
    if let Value::Object(m) = record {
        m.insert(def.id_field.to_string(), Value::String(id.to_string()));
        if def.id_field != "id" && m.contains_key("id") {
            m.insert("id".to_string(), Value::String(id.to_string()));
        }
    }
}

/// Shallow merge, one level deep for nested objects (a PATCH of
/// `{"site": {"name": ..}}` keeps the site's other fields).
fn merge(record: &mut Value, body: &Value) {
    let (Value::Object(rec), Value::Object(patch)) = (record, body) else {
        return;
    };
    for (k, v) in patch {
        match (rec.get_mut(k), v) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                for (nk, nv) in new {
                    old.insert(nk.clone(), nv.clone());
                }
            }
            _ => {
                rec.insert(k.clone(), v.clone());
            }
        }
    }
}
