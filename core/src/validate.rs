//! Checks a JSON value against a catalog [`Schema`] before a request is built,
//! so a mistake is reported by field name instead of as Zoom's HTTP 400.
//!
//! How strict, and why:
//! - **Types and required fields are checked everywhere** (parameters and the
//!   body, at any depth): a wrong type or a missing required field can never
//!   succeed, and the error names the field (`body.site_id`).
//! - **Enums are checked for path and query parameters only** ([`validate_param`]).
//!   In bodies Zoom adds enum values before the published spec lists them
//!   (the spec drifts), so a body enum check would block valid calls; Zoom
//!   itself rejects a truly wrong value with a precise message.
//! - **Limits (min/max, lengths, item counts, patterns) are not checked**: the
//!   spec's limits are prose-derived and inconsistent across operations, and a
//!   client-side limit that is wrong is worse than a server-side one that is
//!   right.
//! - Unknown object properties are allowed (the spec lags Zoom's API).
//! - `null` stands for "absent": allowed where the field is optional.
//! - A [`Schema::File`] is the generic JSON form of a file:
//!   `{"filename": "...", "content_type": "...", "data_base64": "..."}`, with
//!   `data_base64` required.
//!
//! Violations name the field and the expected shape, never the value (a value
//! may be a secret or personal data).

use std::fmt;

use serde_json::Value;

use crate::catalog::Schema;

/// Which checks apply (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Path and query parameters: types and enums.
    Param,
    /// Request bodies: types and required fields, no enums.
    Body,
}

/// The first thing wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Where, as a dotted path from the root given to [`validate`]
    /// (`body.members[2].extension_id`).
    pub path: String,
    pub kind: ViolationKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The JSON type is wrong.
    Type {
        expected: &'static str,
        found: &'static str,
    },
    /// A required property is absent or `null`.
    MissingRequired,
    /// Not one of the documented values (parameters only).
    NotInEnum { allowed: Vec<String> },
    /// Matches none of a `oneOf`'s variants.
    NoVariant { variants: usize },
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Type { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::MissingRequired => f.write_str("is required"),
            Self::NotInEnum { allowed } => {
                write!(f, "must be one of: {}", allowed.join(", "))
            }
            Self::NoVariant { variants } => {
                write!(f, "matches none of the {variants} allowed shapes")
            }
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.path, self.kind)
    }
}

impl std::error::Error for Violation {}

/// Checks a JSON document (a request or response body) against `schema`:
/// types and required fields, not enums or limits. `path` names `value` in
/// the violation (`body`).
pub fn validate(schema: &Schema, value: &Value, path: &str) -> Result<(), Violation> {
    check(schema, value, path, Mode::Body)
}

/// Checks a path or query parameter: types and enums, with the one coercion
/// rule of URL parameters (see [`url_text`]).
pub fn validate_param(schema: &Schema, value: &Value, name: &str) -> Result<(), Violation> {
    check(schema, value, name, Mode::Param)
}

/// The text a path or query parameter value (an array parameter's item)
/// puts in the URL, or `None` when its JSON type cannot be that parameter.
///
/// A URL parameter is text whatever its JSON type, so every host follows one
/// rule: a string parameter takes a string or an integer (written in
/// decimal: an extension number given as `1001`); an integer parameter takes
/// an integer or a string of decimal digits (`"200"`, written as the integer
/// it stands for); a number parameter a number; a boolean parameter a
/// boolean. Anything else (a fraction for a string, `"ten"` for an integer,
/// an object) is refused rather than guessed at.
pub fn url_text(schema: &Schema, value: &Value) -> Option<String> {
    match schema {
        Schema::String { .. } => match value {
            Value::String(s) => Some(s.clone()),
            other => as_integer(other).map(|n| n.to_string()),
        },
        Schema::Integer { .. } => url_integer(value).map(|n| n.to_string()),
        Schema::Number { .. } => match value {
            // A whole number is written without a fraction whatever its JSON
            // form: JavaScript cannot tell `3600.0` from `3600`, so every host
            // must send the same text for it.
            Value::Number(n) => Some(match n.as_f64() {
                Some(f) if !n.is_i64() && !n.is_u64() && f.fract() == 0.0 => format!("{f:.0}"),
                _ => n.to_string(),
            }),
            _ => None,
        },
        Schema::Boolean => value.as_bool().map(|b| b.to_string()),
        // Untyped: as JSON writes it, strings unquoted.
        _ => match value {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        },
    }
}

/// An integer URL parameter's value: an integer, or a string of decimal
/// digits (an optional `-`, no sign `+`, no spaces, no fraction).
fn url_integer(value: &Value) -> Option<i64> {
    match value {
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        other => as_integer(other),
    }
}

fn check(schema: &Schema, value: &Value, path: &str, mode: Mode) -> Result<(), Violation> {
    let fail = |kind| {
        Err(Violation {
            path: path.to_owned(),
            kind,
        })
    };
    let mismatch = |expected| {
        fail(ViolationKind::Type {
            expected,
            found: json_type(value),
        })
    };
    match schema {
        Schema::Any => Ok(()),
        Schema::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => mismatch("boolean"),
        },
        Schema::Integer { enum_values, .. } => {
            let n = match mode {
                Mode::Param => url_integer(value).ok_or("integer (or a string of decimal digits)"),
                Mode::Body => as_integer(value).ok_or("integer"),
            };
            let n = match n {
                Ok(n) => n,
                // 2**63 is an integer, just not one Zoom (or i64) takes.
                Err(_) if value.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                    return fail(ViolationKind::Type {
                        expected: "integer from -2^63 to 2^63-1",
                        found: "integer out of range",
                    });
                }
                Err(expected) => return mismatch(expected),
            };
            if mode == Mode::Param && !enum_values.is_empty() && !enum_values.contains(&n) {
                return fail(ViolationKind::NotInEnum {
                    allowed: enum_values.iter().map(i64::to_string).collect(),
                });
            }
            Ok(())
        }
        Schema::Number { .. } => match value {
            Value::Number(_) => Ok(()),
            _ => mismatch("number"),
        },
        Schema::String { enum_values, .. } => {
            let text = match (value, mode) {
                (Value::String(s), _) => s.clone(),
                (_, Mode::Param) => match url_text(schema, value) {
                    Some(text) => text,
                    None => return mismatch("string (or an integer)"),
                },
                _ => return mismatch("string"),
            };
            if mode == Mode::Param && !enum_values.is_empty() && !enum_values.contains(&text) {
                return fail(ViolationKind::NotInEnum {
                    allowed: enum_values.clone(),
                });
            }
            Ok(())
        }
        Schema::Array { items, .. } => {
            let Value::Array(elements) = value else {
                return mismatch("array");
            };
            for (i, element) in elements.iter().enumerate() {
                check(items, element, &format!("{path}[{i}]"), mode)?;
            }
            Ok(())
        }
        Schema::Object {
            properties,
            required,
            ..
        } => {
            let Value::Object(map) = value else {
                return mismatch("object");
            };
            for name in required {
                if map.get(name).is_none_or(Value::is_null) {
                    return Err(Violation {
                        path: join(path, name),
                        kind: ViolationKind::MissingRequired,
                    });
                }
            }
            for (name, field) in map {
                if field.is_null() {
                    continue;
                }
                if let Some(schema) = properties.get(name) {
                    check(schema, field, &join(path, name), mode)?;
                }
            }
            Ok(())
        }
        Schema::OneOf { variants } => {
            if variants.is_empty() || variants.iter().any(|v| check(v, value, path, mode).is_ok()) {
                return Ok(());
            }
            // One variant: its own violation is the most precise report.
            if let [only] = variants.as_slice() {
                return check(only, value, path, mode);
            }
            fail(ViolationKind::NoVariant {
                variants: variants.len(),
            })
        }
        Schema::File => {
            let Value::Object(map) = value else {
                return mismatch("file object {filename, content_type, data_base64}");
            };
            match map.get("data_base64") {
                Some(Value::String(_)) => {}
                Some(v) if !v.is_null() => {
                    return Err(Violation {
                        path: join(path, "data_base64"),
                        kind: ViolationKind::Type {
                            expected: "string",
                            found: json_type(v),
                        },
                    });
                }
                _ => {
                    return Err(Violation {
                        path: join(path, "data_base64"),
                        kind: ViolationKind::MissingRequired,
                    });
                }
            }
            for key in ["filename", "content_type"] {
                match map.get(key) {
                    None | Some(Value::Null) | Some(Value::String(_)) => {}
                    Some(v) => {
                        return Err(Violation {
                            path: join(path, key),
                            kind: ViolationKind::Type {
                                expected: "string",
                                found: json_type(v),
                            },
                        });
                    }
                }
            }
            Ok(())
        }
    }
}

/// An integer, including a float with no fractional part (JavaScript has only
/// doubles, so `5` may arrive as `5.0`).
fn as_integer(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else { return None };
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // Exactly representable range of i64 in f64.
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Some(f as i64);
    }
    None
}

/// The JSON type name of a value, for messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn string_enum(values: &[&str]) -> Schema {
        Schema::String {
            format: None,
            enum_values: values.iter().map(|s| (*s).to_owned()).collect(),
            min_length: None,
            max_length: None,
            pattern: None,
        }
    }

    fn int() -> Schema {
        Schema::Integer {
            minimum: None,
            maximum: Some(300.0),
            enum_values: vec![],
            format: None,
        }
    }

    fn object(props: Vec<(&str, Schema)>, required: &[&str]) -> Schema {
        Schema::Object {
            properties: props
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<BTreeMap<_, _>>(),
            required: required.iter().map(|s| (*s).to_owned()).collect(),
            title: None,
        }
    }

    #[test]
    fn enums_bind_parameters_but_not_bodies() {
        let s = string_enum(&["a", "b"]);
        let err = validate_param(&s, &json!("c"), "type").unwrap_err();
        assert_eq!(err.to_string(), "`type` must be one of: a, b");
        assert!(validate(&s, &json!("c"), "body.type").is_ok());
    }

    #[test]
    fn nested_required_and_type_errors_name_the_field_not_the_value() {
        let s = object(
            vec![(
                "members",
                Schema::Array {
                    items: Box::new(object(vec![("id", int())], &["id"])),
                    min_items: None,
                    max_items: None,
                },
            )],
            &["members"],
        );
        let missing = validate(&s, &json!({}), "body").unwrap_err();
        assert_eq!(missing.path, "body.members");
        assert_eq!(missing.kind, ViolationKind::MissingRequired);
        let wrong = json!({"members": [{"id": 1}, {"id": "secret-value"}]});
        let err = validate(&s, &wrong, "body").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`body.members[1].id` expected integer, found string"
        );
        // Limits are not enforced (maximum 300 above).
        assert!(validate(&s, &json!({"members": [{"id": 5000}]}), "body").is_ok());
    }

    #[test]
    fn integers_accept_integral_floats_and_params_accept_numbers_as_strings() {
        assert!(validate(&int(), &json!(5.0), "n").is_ok());
        assert!(validate(&int(), &json!(5.5), "n").is_err());
        let s = string_enum(&[]);
        assert!(validate_param(&s, &json!(1001), "ext").is_ok());
        assert!(validate(&s, &json!(1001), "body.ext").is_err());
    }

    #[test]
    fn one_of_passes_when_any_variant_does() {
        let s = Schema::OneOf {
            variants: vec![
                object(vec![("a", int())], &["a"]),
                object(vec![("b", int())], &["b"]),
            ],
        };
        assert!(validate(&s, &json!({"b": 1}), "x").is_ok());
        let err = validate(&s, &json!({"c": 1}), "x").unwrap_err();
        assert_eq!(err.kind, ViolationKind::NoVariant { variants: 2 });
    }

    #[test]
    fn file_needs_base64_data() {
        assert!(validate(&Schema::File, &json!({"data_base64": "AA=="}), "f").is_ok());
        let err = validate(&Schema::File, &json!({"filename": "a.zip"}), "f").unwrap_err();
        assert_eq!(err.path, "f.data_base64");
        let err = validate(&Schema::File, &json!("a.zip"), "f").unwrap_err();
        assert!(matches!(err.kind, ViolationKind::Type { .. }));
    }
}
