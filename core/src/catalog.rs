//! Every Zoom Phone operation as data.
//!
//! The generator (`tools/codegen`) writes `generated/catalog.json` from Zoom's
//! OpenAPI document; this module gives it types. The bindings drive requests
//! through the catalog with JSON parameters, so they need not compile a typed
//! model per operation, and they hand the same catalog to JS and Python.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::generated::catalog_index as index;

/// One operation of the API, e.g. `GET /phone/call_queues` (`listCallQueues`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Zoom's `operationId`, as on Zoom's reference page (`listCallQueues`).
    pub id: String,
    /// `id` in snake_case (`list_call_queues`): the Rust and Python method name.
    pub name: String,
    /// Zoom's tag (`Call Queues`); the bindings group methods by it.
    pub tag: String,
    /// HTTP method in upper case (`GET`).
    pub method: String,
    /// Path template relative to the base URL (`/phone/call_queues/{callQueueId}`).
    pub path: String,
    /// Which Zoom host serves it.
    #[serde(default)]
    pub host: Host,
    /// Zoom's one-line summary, used as the title of generated docs.
    pub summary: String,
    #[serde(default)]
    pub deprecated: bool,
    /// Path and query parameters, in the spec's order.
    #[serde(default)]
    pub params: Vec<Param>,
    #[serde(default)]
    pub body: Option<Body>,
    /// The documented success status (200, 201, 202, 204 or 302).
    pub success_status: u16,
    pub response: ResponseKind,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Incremental sync instead of pages ([`crate::sync`]).
    #[serde(default)]
    pub sync: Option<SyncSpec>,
    #[serde(default)]
    pub rate_limit: Option<RateLimitCategory>,
    /// Classic scopes (any one suffices).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Granular scopes (any one suffices).
    #[serde(default)]
    pub granular_scopes: Vec<String>,
}

impl Operation {
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether a retry of this call can never apply its effect twice.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method.as_str(),
            "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"
        )
    }

    /// Link to Zoom's reference page for this operation.
    pub fn reference_url(&self) -> String {
        format!(
            "https://developers.zoom.us/docs/api/phone/#tag/{}/{}{}",
            self.tag.replace(' ', "-"),
            self.method,
            self.path
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Host {
    /// `https://api.zoom.us/v2` (or the regional `api_url` from the token).
    #[default]
    Api,
    /// `https://fileapi.zoom.us/v2`: fax file upload.
    FileApi,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Name exactly as in the URL template or query string.
    pub name: String,
    #[serde(rename = "in")]
    pub location: ParamLocation,
    #[serde(default)]
    pub required: bool,
    pub schema: Schema,
    /// How an array query parameter is written in the query string.
    #[serde(default, skip_serializing_if = "QueryStyle::is_form")]
    pub style: QueryStyle,
}

/// The query-string form of an array parameter, as the generator read it
/// from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueryStyle {
    /// The key repeated, one item each: `ids=a&ids=b` (OpenAPI's default).
    #[default]
    Form,
    /// One value, the items joined by commas: `ids=a,b` (the spec says the
    /// server reads a comma-separated list). Callers may give the items or
    /// the joined string.
    Comma,
}

impl QueryStyle {
    fn is_form(&self) -> bool {
        *self == QueryStyle::Form
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParamLocation {
    Path,
    Query,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub media_type: BodyMediaType,
    #[serde(default)]
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BodyMediaType {
    #[serde(rename = "application/json")]
    Json,
    #[serde(rename = "multipart/form-data")]
    Multipart,
}

/// What a successful response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponseKind {
    /// A JSON document.
    Json,
    /// No body (204, or a 2xx the spec gives no content).
    Empty,
    /// Raw bytes (recording and voicemail downloads).
    Binary,
    /// A 302 whose `Location` is the result (transcript download).
    Redirect,
}

/// How an incremental-sync operation is driven (`syncUserCallHistory`,
/// `syncUserCallLogs`, `smsSessionSync`, `GetSmsSessions`): a kind of sync
/// and a token the answer gives for the next one, instead of pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSpec {
    /// The query parameter naming the kind of sync (`sync_type`).
    pub type_param: String,
    /// The query parameter carrying the token (`sync_token`).
    pub token_param: String,
    /// The answer's field with the token for the next sync (`sync_token`).
    pub token_field: String,
    /// The query parameter for the number of records (`count`), if any.
    #[serde(default)]
    pub count_param: Option<String>,
    /// The largest `count` Zoom accepts, where the spec says.
    #[serde(default)]
    pub max_count: Option<u32>,
    /// The answer's arrays of records (`call_logs` and `call_elements`
    /// both for call history), the ones not marked deprecated first.
    #[serde(default)]
    pub record_fields: Vec<String>,
    /// `sync_type` of a full sync (`FSync`).
    pub full: String,
    /// `sync_type` of the changes since a token (`ISync`).
    pub incremental: String,
    /// `sync_type` of older records than a token's (`BSync`).
    pub backward: String,
}

/// How an operation pages (Zoom's token style).
///
/// An operation pages when it declares a `next_page_token` query parameter
/// or its response carries a `next_page_token` field (after `allOf`
/// merging). Spec inconsistencies, resolved by the generator:
/// `GET /phone/call_queues/{callQueueId}/members` and
/// `GET /phone/metrics/location_tracking` return a token without declaring
/// the parameter (`declared: false`; Zoom accepts it anyway), and
/// `GET /phone/reports/operationlogs`, which looks as if it returns no token,
/// declares it inside an `allOf` part, so it is an ordinary paginated
/// operation. A missing or empty token always ends a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Query parameter that carries the token (`next_page_token`).
    pub token_param: String,
    /// Response field that carries the next token (`next_page_token`).
    pub token_field: String,
    /// Query parameter for the page size, if any (`page_size`).
    #[serde(default)]
    pub page_size_param: Option<String>,
    /// Largest page size Zoom accepts for this operation, where the spec says.
    #[serde(default)]
    pub max_page_size: Option<u32>,
    /// Response field holding the page's items (`call_queues`): the only
    /// array property, or the first one not marked deprecated.
    #[serde(default)]
    pub items_field: Option<String>,
    /// False where Zoom returns a token without declaring the query parameters.
    #[serde(default = "yes")]
    pub declared: bool,
}

fn yes() -> bool {
    true
}

/// Zoom's rate-limit label of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RateLimitCategory {
    Light,
    Medium,
    Heavy,
    #[serde(rename = "Resource-intensive")]
    ResourceIntensive,
}

impl RateLimitCategory {
    pub const ALL: [RateLimitCategory; 4] = [
        Self::Light,
        Self::Medium,
        Self::Heavy,
        Self::ResourceIntensive,
    ];

    /// The category's name in the errors' JSON and the hosts' `rateLimit`:
    /// `light`, `medium`, `heavy`, `resource_intensive`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Medium => "medium",
            Self::Heavy => "heavy",
            Self::ResourceIntensive => "resource_intensive",
        }
    }

    /// The label as Zoom writes it in `X-RateLimit-Category`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Medium => "Medium",
            Self::Heavy => "Heavy",
            Self::ResourceIntensive => "Resource-intensive",
        }
    }

    /// Parses Zoom's label in any case, with `-`, `_` or space as separator.
    pub fn parse(label: &str) -> Option<Self> {
        let norm: String = label
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match norm.as_str() {
            "light" => Some(Self::Light),
            "medium" => Some(Self::Medium),
            "heavy" => Some(Self::Heavy),
            "resourceintensive" => Some(Self::ResourceIntensive),
            _ => None,
        }
    }
}

/// A JSON schema reduced to what validation, typing and mocking need: types,
/// required fields, enums and limits. No descriptions. `allOf` is merged by
/// the generator; `oneOf` stays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Schema {
    /// Anything (the spec gives no type).
    Any,
    Boolean,
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum: Option<f64>,
        #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
        enum_values: Vec<i64>,
        /// `int32` or `int64` where given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum: Option<f64>,
    },
    String {
        /// `date`, `date-time`, `email`, `binary`, ... where given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
        enum_values: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
    },
    Array {
        items: Box<Schema>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u64>,
    },
    Object {
        #[serde(default)]
        properties: BTreeMap<String, Schema>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        required: Vec<String>,
        /// The spec's `title`, where it names the object (oneOf variants).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    OneOf {
        variants: Vec<Schema>,
    },
    /// A file part of a multipart body (bytes plus file name and type).
    File,
}

/// The catalog as written by the generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Marks the file as generated (JSON has no comments): who wrote it, from what.
    #[serde(default)]
    pub generated: String,
    /// Version of Zoom's spec the catalog was generated from.
    pub spec_version: String,
    pub operations: Vec<Operation>,
}

static CATALOG_JSON: &str = include_str!("generated/catalog.json");

/// The whole catalog, once something asks for all of it.
static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The whole catalog, parsed once on first use.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        // The JSON is generated and checked in CI; failing here means the
        // committed file is corrupt, which no caller can recover from.
        #[allow(clippy::expect_used)]
        serde_json::from_str(CATALOG_JSON).expect("generated catalog.json is valid")
    })
}

/// The catalog's JSON text as generated, for bindings that hand it to a host.
pub fn catalog_json() -> &'static str {
    CATALOG_JSON
}

/// Every operation, in the generator's deterministic order (tag, then path, then method).
pub fn operations() -> &'static [Operation] {
    &catalog().operations
}

/// Each operation parsed from its own line of the catalog when it is first
/// called: all 391 parsed take ~2 MB, the largest part of a fresh client's
/// memory, for the one a walk uses. The generator's index says where each
/// line is, so nothing else of the catalog is read. (References, not the
/// operations themselves: an array of 391 `OnceLock<Operation>` is 254 KB of
/// initialised data in every build.)
static PARSED: [OnceLock<&'static Operation>; index::OPERATIONS] =
    [const { OnceLock::new() }; index::OPERATIONS];

/// The JSON text of operation `i`, as the generator placed it.
fn operation_text(i: usize) -> &'static str {
    let (start, end) = index::SPANS[i];
    &CATALOG_JSON[start as usize..end as usize]
}

/// Looks an operation up by Zoom's `operationId` or by its snake_case name.
pub fn operation(id_or_name: &str) -> Option<&'static Operation> {
    // A sorted table searched by halving: this lookup is on every call's
    // path, and a `BTreeMap` of the 782 names cost ~5,000 instructions a
    // lookup (its nodes are scanned key by key) against a few hundred.
    let at = index::NAMES
        .binary_search_by(|(name, _)| (*name).cmp(id_or_name))
        .ok()?;
    let i = usize::from(index::NAMES[at].1);
    // Once the whole catalog is parsed, its copy serves: one operation, one
    // value, whichever way it was found.
    if let Some(all) = CATALOG.get() {
        return all.operations.get(i);
    }
    Some(PARSED[i].get_or_init(|| {
        // Generated and checked in CI, like `catalog()`.
        #[allow(clippy::expect_used)]
        let op = serde_json::from_str(operation_text(i)).expect("generated catalog.json is valid");
        // Parsed once (`OnceLock`) and kept for the process, as `catalog()` is.
        Box::leak(Box::new(op))
    }))
}

/// Success-response schemas by operation id, as written by the generator.
#[cfg(feature = "response-schemas")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSchemas {
    #[serde(default)]
    pub generated: String,
    pub schemas: BTreeMap<String, Schema>,
}

/// The JSON schema of the success body of operation `id` (Zoom's operationId
/// or the snake_case name); `None` for unknown operations and for operations
/// whose success response is not JSON. Only under the `response-schemas`
/// feature, so the wasm build does not carry ~300 kB of schemas.
#[cfg(feature = "response-schemas")]
pub fn response_schema(id: &str) -> Option<&'static Schema> {
    static SCHEMAS: OnceLock<ResponseSchemas> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        // Generated and checked in CI, like catalog.json.
        #[allow(clippy::expect_used)]
        serde_json::from_str(include_str!("generated/response_schemas.json"))
            .expect("generated response_schemas.json is valid")
    });
    let op = operation(id)?;
    schemas.schemas.get(&op.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_its_id_and_its_name_and_nothing_else_is() {
        for op in operations() {
            for key in [op.id.as_str(), op.name.as_str()] {
                assert!(std::ptr::eq(operation(key).unwrap(), op), "{key}");
            }
        }
        for key in ["", "phoneuser", "phoneUserX", "zzz", "AAA"] {
            assert!(operation(key).is_none(), "{key}");
        }
    }

    #[test]
    fn each_operation_parsed_alone_equals_its_entry_in_the_whole_catalog() {
        assert_eq!(index::OPERATIONS, operations().len());
        for (i, op) in operations().iter().enumerate() {
            let alone: Operation = serde_json::from_str(operation_text(i)).unwrap();
            assert_eq!(&alone, op, "{}", op.id);
        }
    }

    #[test]
    fn the_name_index_holds_each_id_and_name_once_in_order() {
        let mut expected: Vec<(&str, u16)> = Vec::new();
        for (i, op) in operations().iter().enumerate() {
            let i = u16::try_from(i).unwrap();
            expected.push((&op.id, i));
            if op.name != op.id {
                expected.push((&op.name, i));
            }
        }
        expected.sort_unstable();
        assert_eq!(index::NAMES.as_slice(), expected.as_slice());
    }

    #[test]
    fn rate_limit_labels_parse_in_any_spelling() {
        for c in RateLimitCategory::ALL {
            assert_eq!(RateLimitCategory::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            RateLimitCategory::parse("RESOURCE-INTENSIVE"),
            Some(RateLimitCategory::ResourceIntensive)
        );
        assert_eq!(
            RateLimitCategory::parse(" medium "),
            Some(RateLimitCategory::Medium)
        );
        assert_eq!(RateLimitCategory::parse("extreme"), None);
    }

    #[test]
    fn generated_catalog_loads_and_indexes_both_names() {
        assert_eq!(operations().len(), 391);
        assert!(catalog().generated.contains("do not edit"));
        let op = operation("listCallQueues").map(|o| o.name.as_str());
        assert_eq!(op, Some("list_call_queues"));
        assert_eq!(
            operation("list_call_queues").map(|o| o.id.as_str()),
            Some("listCallQueues")
        );
        assert!(operation("noSuchOperation").is_none());
    }

    #[cfg(feature = "response-schemas")]
    #[test]
    fn response_schemas_cover_exactly_the_json_operations() {
        for op in operations() {
            let has = response_schema(&op.id).is_some();
            assert_eq!(has, op.response == ResponseKind::Json, "{}", op.id);
        }
    }
}
