//! Building HTTP requests from the catalog.
//!
//! [`build`] takes an operation (Zoom's operationId or its snake_case name)
//! and JSON parameters: path and query parameters by their spec name at the
//! top level, the request body under `"body"`. It checks them against the
//! catalog ([`crate::validate`] says how strictly), then produces an
//! `http::Request<Vec<u8>>` without credentials; [`authorize`] adds the token.
//!
//! Encoding:
//! - path parameters become exactly one segment each ([`encode::path_segment`]);
//! - query parameters follow the spec's order; arrays repeat the key
//!   (`ids=a&ids=b`), booleans are `true`/`false`, numbers their JSON text,
//!   strings as they are, all percent-encoded;
//! - JSON bodies are serialized as given; the multipart fax upload takes the
//!   generic file form described in [`multipart`];
//! - headers: `Accept` (`application/json`, or `*/*` for downloads and
//!   redirects), `Content-Type` when there is a body, `User-Agent` from the
//!   config, and `X-Zoom-Phone-Sdk: zoom-phone-core/<version>` naming this
//!   core (turn it off with [`RequestConfig::sdk_header`]: browsers send a
//!   custom header only after a CORS preflight).
//!
//! Errors name the operation and the field, never a parameter's value.

pub mod encode;
pub mod multipart;

use std::borrow::Cow;

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use serde_json::{Map, Value};

use crate::Error;
use crate::catalog::{
    self, BodyMediaType, Host, Operation, Param, ParamLocation, QueryStyle, ResponseKind, Schema,
};
use crate::secret::Secret;
use crate::validate::{self, Violation, ViolationKind};

/// The header naming this SDK core and its version.
pub const SDK_HEADER: &str = "x-zoom-phone-sdk";
/// Value of [`SDK_HEADER`].
pub const SDK_ID: &str = concat!("zoom-phone-core/", env!("CARGO_PKG_VERSION"));

/// Where requests go and how the SDK identifies itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestConfig {
    /// Base URL of the API, default `https://api.zoom.us/v2`; the token's
    /// `api_url` (plus `/v2`) replaces it when present.
    pub base_url: String,
    /// Base URL of Zoom's file API, default `https://fileapi.zoom.us/v2`.
    pub file_base_url: String,
    /// Value of the `User-Agent` header.
    pub user_agent: String,
    /// Whether to send [`SDK_HEADER`] (default `true`).
    pub sdk_header: bool,
}

impl Default for RequestConfig {
    fn default() -> Self {
        RequestConfig {
            base_url: "https://api.zoom.us/v2".to_owned(),
            file_base_url: "https://fileapi.zoom.us/v2".to_owned(),
            user_agent: concat!("zoom-phone-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            sdk_header: true,
        }
    }
}

impl RequestConfig {
    /// The base URL serving `host`, without a trailing `/`.
    pub fn base_url(&self, host: Host) -> &str {
        let url = match host {
            Host::Api => &self.base_url,
            Host::FileApi => &self.file_base_url,
        };
        url.trim_end_matches('/')
    }
}

/// Why a request could not be built. Nothing was sent. Messages name
/// operations and fields, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),

    #[error("the parameters of `{operation}` must be a JSON object")]
    ParamsNotObject { operation: String },

    #[error("`{operation}` has no parameter {}{}", quoted(names), suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownParameter {
        operation: String,
        names: Vec<String>,
        /// The closest known name to the first unknown one, if any is close.
        suggestion: Option<String>,
    },

    /// A required path or query parameter, or a required body field
    /// (`body.site_id`), is absent.
    #[error("`{operation}` needs `{field}`")]
    MissingParameter { operation: String, field: String },

    /// A value has the wrong JSON type, or a parameter is not one of its
    /// documented values.
    #[error("`{operation}`: `{field}` {problem}")]
    InvalidParameter {
        operation: String,
        field: String,
        problem: String,
    },

    #[error("`{operation}`: path parameter `{field}` is empty")]
    EmptyPathParameter { operation: String, field: String },

    #[error("`{operation}` takes no request body")]
    UnexpectedBody { operation: String },

    /// A [`RequestConfig`] value cannot be used (a base URL that is not an
    /// absolute URL, a `User-Agent` with line breaks).
    #[error("request config `{field}` {problem}")]
    InvalidConfig {
        field: &'static str,
        problem: &'static str,
    },

    /// The URL exceeds what `http::Uri` holds (about 64 KiB): too many
    /// query values for one request.
    #[error("the URL of `{operation}` is {length} bytes long, more than a request can carry")]
    UrlTooLong { operation: String, length: usize },

    /// The access token holds characters that cannot go into a header.
    #[error("the access token contains characters that are not allowed in an HTTP header")]
    InvalidToken,
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the request for `operation` (Zoom's operationId or its snake_case
/// name) from JSON parameters: path and query parameters by their spec name at
/// the top level, the request body under `"body"`. No `Authorization` header:
/// the driver adds the current token with [`authorize`].
pub fn build(
    operation: &str,
    params: &Value,
    config: &RequestConfig,
) -> Result<http::Request<Vec<u8>>, Error> {
    let op = catalog::operation(operation)
        .ok_or_else(|| BuildError::UnknownOperation(operation.to_owned()))?;
    Ok(build_operation(op, params, config)?)
}

/// [`build`] for an operation already looked up.
pub fn build_operation(
    op: &Operation,
    params: &Value,
    config: &RequestConfig,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    let empty = Map::new();
    let given = match params {
        Value::Object(map) => map,
        Value::Null => &empty,
        _ => {
            return Err(BuildError::ParamsNotObject {
                operation: op.id.clone(),
            });
        }
    };
    check_names(op, given)?;

    let mut path = String::with_capacity(op.path.len() + 32);
    path.push_str(config.base_url(op.host));
    let mut query: Vec<String> = Vec::new();
    let mut segments = Vec::new();
    for param in &op.params {
        let value = given
            .get(&param.name)
            .filter(|v| !v.is_null())
            .map(|v| comma_items(param, v));
        let Some(value) = value.as_deref() else {
            if param.required {
                return Err(BuildError::MissingParameter {
                    operation: op.id.clone(),
                    field: param.name.clone(),
                });
            }
            continue;
        };
        validate::validate_param(&param.schema, value, &param.name)
            .map_err(|v| violation(op, v))?;
        match param.location {
            ParamLocation::Path => {
                let text = url_text(op, param, &param.schema, value)?;
                if text.is_empty() {
                    return Err(BuildError::EmptyPathParameter {
                        operation: op.id.clone(),
                        field: param.name.clone(),
                    });
                }
                // WHATWG URL parsers (fetch, reqwest's `url`) resolve `%2E%2E`
                // like `..`, so no encoding keeps these inside their segment.
                if text == "." || text == ".." {
                    return Err(BuildError::InvalidParameter {
                        operation: op.id.clone(),
                        field: param.name.clone(),
                        problem: "cannot be `.` or `..`: URL parsers resolve it as a dot-segment \
                                  even when percent-encoded, which would change the endpoint"
                            .to_owned(),
                    });
                }
                segments.push((param.name.as_str(), encode::path_segment(&text)));
            }
            ParamLocation::Query => {
                let key = encode::query_component(&param.name);
                let items: &[Value] = match value {
                    Value::Array(items) => items,
                    single => std::slice::from_ref(single),
                };
                let item_schema = match &param.schema {
                    Schema::Array { items, .. } => items,
                    other => other,
                };
                let mut texts = Vec::with_capacity(items.len());
                for item in items.iter().filter(|v| !v.is_null()) {
                    let text = url_text(op, param, item_schema, item)?;
                    texts.push(encode::query_component(&text));
                }
                match param.style {
                    // The separator is a literal comma; a comma inside an
                    // item is percent-encoded, so it stays in its item.
                    QueryStyle::Comma if !texts.is_empty() => {
                        query.push(format!("{key}={}", texts.join(",")));
                    }
                    QueryStyle::Comma => {}
                    QueryStyle::Form => {
                        query.extend(texts.into_iter().map(|text| format!("{key}={text}")));
                    }
                }
            }
        }
    }
    for segment in op.path.split('/').skip(1) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => match segments.iter().find(|(n, _)| *n == name) {
                Some((_, encoded)) => path.push_str(encoded),
                // The generator checks every template name is a declared path
                // parameter, and path parameters are required; still, never panic.
                None => {
                    return Err(BuildError::MissingParameter {
                        operation: op.id.clone(),
                        field: name.to_owned(),
                    });
                }
            },
            None => path.push_str(segment),
        }
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }

    let (content_type, body) = build_body(op, given.get("body"))?;

    let uri = parse_uri(op, config, &path)?;
    let method = http::Method::from_bytes(op.method.as_bytes())
        .map_err(|_| BuildError::UnknownOperation(op.id.clone()))?;
    let user_agent =
        HeaderValue::from_str(&config.user_agent).map_err(|_| BuildError::InvalidConfig {
            field: "user_agent",
            problem: "contains characters not allowed in a header",
        })?;
    let accept = match op.response {
        ResponseKind::Json | ResponseKind::Empty => "application/json",
        ResponseKind::Binary | ResponseKind::Redirect => "*/*",
    };

    let mut request = http::Request::new(body.unwrap_or_default());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static(accept));
    headers.insert(USER_AGENT, user_agent);
    if config.sdk_header {
        headers.insert(
            HeaderName::from_static(SDK_HEADER),
            HeaderValue::from_static(SDK_ID),
        );
    }
    if let Some(content_type) = content_type {
        // Built from our own constants and a boundary of [a-z0-9-].
        let value =
            HeaderValue::from_str(&content_type).map_err(|_| BuildError::InvalidConfig {
                field: "content_type",
                problem: "contains characters not allowed in a header",
            })?;
        headers.insert(CONTENT_TYPE, value);
    }
    Ok(request)
}

/// Parses the assembled URL, telling a bad base URL from an overlong URL.
fn parse_uri(op: &Operation, config: &RequestConfig, url: &str) -> Result<http::Uri, BuildError> {
    let field = match op.host {
        Host::Api => "base_url",
        Host::FileApi => "file_base_url",
    };
    let bad_base = BuildError::InvalidConfig {
        field,
        problem: "is not an absolute http(s) URL",
    };
    let base: http::Uri = config
        .base_url(op.host)
        .parse()
        .map_err(|_| bad_base.clone())?;
    // `http::Uri` drops a fragment: the path and query appended after a `#`
    // in the base URL would vanish and the request would go to the base's path.
    if base.scheme().is_none()
        || base.authority().is_none()
        || base.query().is_some()
        || config.base_url(op.host).contains('#')
    {
        return Err(bad_base);
    }
    url.parse().map_err(|_| BuildError::UrlTooLong {
        operation: op.id.clone(),
        length: url.len(),
    })
}

/// Sets `Authorization: Bearer <token>`, marked sensitive so that `http`'s
/// `Debug` of the header map hides it.
pub fn authorize<B>(request: &mut http::Request<B>, token: &Secret) -> Result<(), BuildError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| BuildError::InvalidToken)?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

/// Every given name is a parameter of `op`, or `body` for an operation with one.
fn check_names(op: &Operation, given: &Map<String, Value>) -> Result<(), BuildError> {
    let unknown: Vec<String> = given
        .keys()
        .filter(|k| k.as_str() != "body" && op.param(k).is_none())
        .cloned()
        .collect();
    if let Some(first) = unknown.first() {
        let mut known: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        if op.body.is_some() {
            known.push("body");
        }
        return Err(BuildError::UnknownParameter {
            operation: op.id.clone(),
            suggestion: closest(first, &known).map(str::to_owned),
            names: unknown,
        });
    }
    if op.body.is_none() && given.get("body").is_some_and(|b| !b.is_null()) {
        return Err(BuildError::UnexpectedBody {
            operation: op.id.clone(),
        });
    }
    Ok(())
}

/// The known name closest to `name`: equal ignoring case and `_`/`-`
/// (`call_queue_id` for `callQueueId`), else within a small edit distance.
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let folded = fold(name);
    if let Some(k) = known.iter().find(|k| fold(k) == folded) {
        return Some(k);
    }
    let limit = (name.chars().count() / 3).max(2);
    known
        .iter()
        .map(|k| (edit_distance(&folded, &fold(k)), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = diagonal + usize::from(ca != *cb);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = cost
                    .min(above.saturating_add(1))
                    .min(left.saturating_add(1));
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// The body bytes and their content type.
fn build_body(
    op: &Operation,
    given: Option<&Value>,
) -> Result<(Option<String>, Option<Vec<u8>>), BuildError> {
    let Some(spec) = &op.body else {
        return Ok((None, None));
    };
    let given = given.filter(|v| !v.is_null());
    let has_required =
        matches!(&spec.schema, Schema::Object { required, .. } if !required.is_empty());
    let empty = Value::Object(Map::new());
    let body = match given {
        Some(body) => body,
        // No body but required fields: report the first missing field by name.
        None if spec.required || has_required => &empty,
        None => return Ok((None, None)),
    };
    validate::validate(&spec.schema, body, "body").map_err(|v| violation(op, v))?;
    let mut body = body.clone();
    whole_numbers_as_integers(&mut body);
    let body = &body;
    match spec.media_type {
        BodyMediaType::Json => {
            let bytes = serde_json::to_vec(body).map_err(|_| BuildError::InvalidParameter {
                operation: op.id.clone(),
                field: "body".to_owned(),
                problem: "cannot be serialized as JSON".to_owned(),
            })?;
            Ok((Some("application/json".to_owned()), Some(bytes)))
        }
        BodyMediaType::Multipart => {
            let Value::Object(fields) = body else {
                return Err(BuildError::InvalidParameter {
                    operation: op.id.clone(),
                    field: "body".to_owned(),
                    problem: "expected object".to_owned(),
                });
            };
            let properties = match &spec.schema {
                Schema::Object { properties, .. } => Some(properties),
                _ => None,
            };
            let encoded = multipart::encode(fields, properties, "body").map_err(|e| {
                BuildError::InvalidParameter {
                    operation: op.id.clone(),
                    field: e.field,
                    problem: e.problem.to_owned(),
                }
            })?;
            Ok((Some(encoded.content_type), Some(encoded.body)))
        }
    }
}

fn violation(op: &Operation, v: Violation) -> BuildError {
    match v.kind {
        ViolationKind::MissingRequired => BuildError::MissingParameter {
            operation: op.id.clone(),
            field: v.path,
        },
        kind => BuildError::InvalidParameter {
            operation: op.id.clone(),
            field: v.path,
            problem: kind.to_string(),
        },
    }
}

/// The text of a validated scalar: strings as they are, booleans `true` /
/// `false`, integers without a fraction (JavaScript's `5.0` is `5`), other
/// numbers as their JSON text.
/// Writes whole numbers given as floats (`2.0`, as Python floats and
/// serde_json's f64 arrive) as integers, as JavaScript always holds them: the
/// same body leaves every host. Beyond 2^53 a float is not exact, so it stays.
fn whole_numbers_as_integers(value: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < EXACT
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// A comma-list parameter's value as its items: a string `"a,b"` is the
/// list already joined, so it is split to be checked item by item (empty
/// pieces dropped, as the server drops them). Any other value is as given.
fn comma_items<'v>(param: &Param, value: &'v Value) -> Cow<'v, Value> {
    match value {
        Value::String(joined) if param.style == QueryStyle::Comma => Cow::Owned(
            joined
                .split(',')
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        other => Cow::Borrowed(other),
    }
}

/// The URL text of a parameter value (validation already accepted it).
fn url_text(
    op: &Operation,
    param: &Param,
    schema: &Schema,
    value: &Value,
) -> Result<String, BuildError> {
    // Should validation and this ever disagree, the parameter is reported,
    // never sent as a guess.
    validate::url_text(schema, value).ok_or_else(|| BuildError::InvalidParameter {
        operation: op.id.clone(),
        field: param.name.clone(),
        problem: format!(
            "cannot be written in a URL ({})",
            validate::json_type(value)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build_err(op: &str, params: Value) -> BuildError {
        match build(op, &params, &RequestConfig::default()) {
            Err(Error::Build(e)) => e,
            other => panic!("expected a build error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_parameter_names_it_and_suggests_the_spec_name() {
        let e = build_err("getACallQueue", json!({"call_queue_id": "x"}));
        assert_eq!(
            e,
            BuildError::UnknownParameter {
                operation: "getACallQueue".into(),
                names: vec!["call_queue_id".into()],
                suggestion: Some("callQueueId".into()),
            }
        );
        assert!(e.to_string().contains("did you mean `callQueueId`"));
        assert_eq!(
            closest("page_sise", &["page_size", "next_page_token"]),
            Some("page_size")
        );
        assert_eq!(closest("zzz", &["page_size"]), None);
    }

    #[test]
    fn errors_name_fields_and_never_values() {
        let e = build_err("getACallQueue", json!({}));
        assert_eq!(e.to_string(), "`getACallQueue` needs `callQueueId`");
        let e = build_err("getACallQueue", json!({"callQueueId": ""}));
        assert!(matches!(e, BuildError::EmptyPathParameter { .. }));
        for dots in [".", ".."] {
            let e = build_err("getACallQueue", json!({ "callQueueId": dots }));
            assert!(matches!(e, BuildError::InvalidParameter { .. }), "{e}");
            assert!(e.to_string().contains("callQueueId"), "{e}");
        }
        let e = build_err(
            "getACallQueue",
            json!({"callQueueId": {"secret": "s3cr3t"}}),
        );
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
        let e = build_err("nope", json!({}));
        assert_eq!(e, BuildError::UnknownOperation("nope".into()));
    }

    #[test]
    fn authorization_is_sensitive_and_refuses_line_breaks() {
        let mut r = build("listCallQueues", &json!({}), &RequestConfig::default()).unwrap();
        authorize(&mut r, &Secret::new("tok")).unwrap();
        let v = r.headers().get(AUTHORIZATION).unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer tok");
        assert!(!format!("{:?}", r.headers()).contains("tok\""));
        assert_eq!(
            authorize(&mut r, &Secret::new("a\r\nX: y")),
            Err(BuildError::InvalidToken)
        );
    }

    #[test]
    fn config_values_with_line_breaks_never_reach_a_header() {
        let config = RequestConfig {
            user_agent: "ua\r\nX-Evil: 1".into(),
            ..RequestConfig::default()
        };
        assert!(matches!(
            build("listCallQueues", &json!({}), &config),
            Err(Error::Build(BuildError::InvalidConfig {
                field: "user_agent",
                ..
            }))
        ));
    }
}
