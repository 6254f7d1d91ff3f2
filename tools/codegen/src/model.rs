//! The normalized model of Zoom's API document that every output step reads.
//!
//! `spec::read_api` builds it from the raw OpenAPI JSON; the emitters
//! (`catalog`, and the typed-model and event generators) only ever see this
//! model, so every quirk of Zoom's document is resolved in one place:
//!
//! - every schema is inline: there is nothing to resolve, each operation owns
//!   its schemas outright;
//! - `allOf` is merged into one [`Schema::Object`] (properties and `required`
//!   united, later parts win on a clash); `oneOf` stays a [`Schema::OneOf`]
//!   whose object variants keep their `title` (Zoom names each variant, e.g.
//!   "Forward to Voicemail");
//! - a multipart body's file part becomes [`Schema::File`];
//! - the success response decides [`ResponseKind`]: JSON content -> `Json`,
//!   `302` -> `Redirect`, a `GET` with no declared content -> `Binary` (the
//!   recording, voicemail and fax-file downloads), anything else -> `Empty`;
//! - descriptions are dropped on purpose (Zoom's prose stays out of the repo);
//!   summaries are kept as titles.
//!
//! The model serializes exactly like `zoom_phone::catalog` deserializes, so
//! the catalog emitter is plain serde.

use std::collections::BTreeMap;

use serde::Serialize;

/// The whole API document, normalized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// `info.version` of Zoom's document.
    pub spec_version: String,
    /// Operations sorted by tag, then path, then method.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// Zoom's `operationId`, verbatim.
    pub id: String,
    /// `id` in snake_case ([`crate::names::snake_case`]); unique across the API.
    pub name: String,
    /// Zoom's single tag (`Call Queues`).
    pub tag: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template relative to the host's base URL (`/phone/sites/{siteId}`).
    pub path: String,
    pub host: Host,
    pub summary: String,
    #[serde(skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Path and query parameters in the spec's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub success_status: u16,
    pub response: ResponseKind,
    /// Schema of the success body when `response` is `Json` (not in the catalog:
    /// it goes to `response_schemas.json`).
    #[serde(skip)]
    pub response_schema: Option<Schema>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Incremental sync (`sync_type` + `sync_token`) instead of pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncSpec>,
    /// Zoom's rate-limit label; `None` for the two operations whose
    /// description gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitCategory>,
    /// Classic scopes (`x-extensions.x-macro-scopes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Granular scopes (`x-extensions.x-granular-scopes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub granular_scopes: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Host {
    /// `https://api.zoom.us/v2`.
    Api,
    /// `https://fileapi.zoom.us/v2`: the multipart fax upload. The spec's only
    /// server is `api.zoom.us`; Zoom serves uploads from its file host, so the
    /// generator assigns every multipart operation to it.
    FileApi,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: String,
    #[serde(rename = "in")]
    pub location: ParamLocation,
    #[serde(skip_serializing_if = "is_false")]
    pub required: bool,
    pub schema: Schema,
    /// How an array query parameter goes into the query string.
    #[serde(skip_serializing_if = "QueryStyle::is_form")]
    pub style: QueryStyle,
}

/// The query-string form of an array parameter, decided by the generator
/// from the spec (`style`/`explode`, else what the parameter's description
/// says the server reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryStyle {
    /// OpenAPI's default for query arrays: the key repeated, `ids=a&ids=b`.
    #[default]
    Form,
    /// One value, the items joined by commas: `ids=a,b`.
    Comma,
}

impl QueryStyle {
    fn is_form(&self) -> bool {
        *self == QueryStyle::Form
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    pub media_type: BodyMediaType,
    #[serde(skip_serializing_if = "is_false")]
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyMediaType {
    #[serde(rename = "application/json")]
    Json,
    #[serde(rename = "multipart/form-data")]
    Multipart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    Json,
    Empty,
    Binary,
    Redirect,
}

/// How a listing pages (token style; Zoom's older `page_number` style is not
/// modelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    pub token_param: String,
    pub token_field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size_param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u32>,
    /// The response's array of items: the only array property, or the first
    /// one not marked deprecated (`call_history` rather than the deprecated
    /// `call_logs` of `GET /phone/call_history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_field: Option<String>,
    /// `false` where the response carries `next_page_token` but the operation
    /// declares no such query parameter (Zoom accepts it anyway).
    pub declared: bool,
}

/// How an incremental-sync operation is driven: a `sync_type` query
/// parameter (full, incremental, backward) and a `sync_token` the answer
/// returns for the next sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncSpec {
    pub type_param: String,
    pub token_param: String,
    pub token_field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// The answer's arrays of records (`call_logs` and `call_elements`
    /// both for call history: Zoom moves from one to the other), the ones
    /// not marked deprecated first.
    pub record_fields: Vec<String>,
    /// The `sync_type` values: full, incremental, backward.
    pub full: String,
    pub incremental: String,
    pub backward: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum RateLimitCategory {
    Light,
    Medium,
    Heavy,
    #[serde(rename = "Resource-intensive")]
    ResourceIntensive,
}

impl RateLimitCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Medium => "Medium",
            Self::Heavy => "Heavy",
            Self::ResourceIntensive => "Resource-intensive",
        }
    }
}

/// A JSON schema reduced to types, required fields, enums and limits
/// (mirrors `zoom_phone::catalog::Schema`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Schema {
    Any,
    Boolean,
    Integer {
        #[serde(skip_serializing_if = "Option::is_none")]
        minimum: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        maximum: Option<f64>,
        #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
        enum_values: Vec<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    Number {
        #[serde(skip_serializing_if = "Option::is_none")]
        minimum: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        maximum: Option<f64>,
    },
    String {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
        enum_values: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        min_length: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_length: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
    },
    Array {
        items: Box<Schema>,
        #[serde(skip_serializing_if = "Option::is_none")]
        min_items: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_items: Option<u64>,
    },
    Object {
        /// Sorted by name (BTreeMap), so output is deterministic.
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        properties: BTreeMap<String, Schema>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        required: Vec<String>,
        /// Zoom's `title`, where it names the object (oneOf variants).
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    OneOf {
        variants: Vec<Schema>,
    },
    /// A file part of a multipart body.
    File,
}

impl Schema {
    /// An object with no properties.
    pub fn empty_object() -> Schema {
        Schema::Object {
            properties: BTreeMap::new(),
            required: Vec::new(),
            title: None,
        }
    }
}

impl Api {
    /// The distinct tags, sorted.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self.operations.iter().map(|o| o.tag.as_str()).collect();
        tags.dedup();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}
