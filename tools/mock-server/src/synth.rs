//! Deterministic example values for a schema: the same schema, seed and
//! field name always give the same value, and the value validates.

use serde_json::{Map, Number, Value};
use zoom_phone::catalog::Schema;

use crate::util::{fnv1a, iso8601, mix};

/// Deeper than this, objects carry only required fields and arrays stay
/// empty where allowed: keeps recursive or very wide schemas small.
const MAX_DEPTH: usize = 8;

/// 2026-01-01T00:00:00Z: synthesized instants fall in the year after it.
const EPOCH_2026: u64 = 1_767_225_600;

/// A value for `schema`; `name` is the field's name, used for plausible strings.
pub(crate) fn value(schema: &Schema, seed: u64, name: &str) -> Value {
    at_depth(schema, seed, name, 0)
}

fn child_seed(seed: u64, name: &str) -> u64 {
    mix(seed ^ fnv1a(&[name]))
}

fn at_depth(schema: &Schema, seed: u64, name: &str, depth: usize) -> Value {
    match schema {
        Schema::Any => Value::String(format!("{name}-{}", seed % 1000)),
        Schema::Boolean => Value::Bool(seed % 2 == 0),
        Schema::Integer {
            minimum,
            maximum,
            enum_values,
            ..
        } => {
            if !enum_values.is_empty() {
                let i = usize::try_from(seed % enum_values.len() as u64).unwrap_or(0);
                return enum_values.get(i).map_or(Value::Null, |v| Value::from(*v));
            }
            let lo = minimum.map_or(0, |m| m.ceil() as i64);
            let hi = maximum.map_or(lo.saturating_add(100), |m| m.floor() as i64);
            let span = u64::try_from(hi.saturating_sub(lo))
                .unwrap_or(0)
                .saturating_add(1);
            let offset = i64::try_from(seed % span.max(1)).unwrap_or(0);
            Value::from(lo.saturating_add(offset))
        }
        Schema::Number { minimum, maximum } => {
            let lo = minimum.unwrap_or(0.0);
            let hi = maximum.unwrap_or(lo + 100.0);
            let frac = (seed % 10_000) as f64 / 10_000.0;
            let v = ((lo + (hi - lo) * frac) * 100.0).round() / 100.0;
            let v = v.clamp(lo, hi.max(lo));
            Number::from_f64(v).map_or(Value::Null, Value::Number)
        }
        Schema::String {
            format,
            enum_values,
            min_length,
            max_length,
            ..
        } => {
            if !enum_values.is_empty() {
                let i = usize::try_from(seed % enum_values.len() as u64).unwrap_or(0);
                return enum_values
                    .get(i)
                    .map_or(Value::Null, |v| Value::String(v.clone()));
            }
            let s = string(format.as_deref(), seed, name);
            Value::String(fit_length(s, *min_length, *max_length))
        }
        Schema::Array {
            items,
            min_items,
            max_items,
        } => {
            let min = usize::try_from(min_items.unwrap_or(0)).unwrap_or(0);
            let want = if depth >= MAX_DEPTH { min } else { min.max(2) };
            let n = max_items.map_or(want, |m| want.min(usize::try_from(m).unwrap_or(want)));
            Value::Array(
                (0..n)
                    .map(|i| at_depth(items, mix(seed ^ i as u64), name, depth + 1))
                    .collect(),
            )
        }
        Schema::Object {
            properties,
            required,
            ..
        } => {
            let mut out = Map::new();
            for (key, prop) in properties {
                if depth >= MAX_DEPTH && !required.contains(key) {
                    continue;
                }
                out.insert(
                    key.clone(),
                    at_depth(prop, child_seed(seed, key), key, depth + 1),
                );
            }
            Value::Object(out)
        }
        Schema::OneOf { variants } => variants
            .first()
            .map_or(Value::Null, |v| at_depth(v, seed, name, depth)),
        Schema::File => Value::String(String::new()),
        _ => Value::Null,
    }
}

fn string(format: Option<&str>, seed: u64, name: &str) -> String {
    let n = seed % 100_000;
    match format {
        Some("date-time") => iso8601(EPOCH_2026 + seed % 31_536_000),
        Some("date") => iso8601(EPOCH_2026 + seed % 31_536_000)
            .get(..10)
            .unwrap_or("2026-01-01")
            .to_string(),
        Some("email") => format!("user{n}@example.com"),
        Some("uri" | "url") => format!("https://example.com/{name}/{n}"),
        Some("uuid") => {
            let h = format!("{:016x}{:016x}", mix(seed), mix(seed ^ 1));
            format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
        _ => {
            let lower = name.to_ascii_lowercase();
            if lower.contains("email") {
                format!("user{n}@example.com")
            } else if lower.ends_with("id") || lower.ends_with("_ids") {
                format!("{:016x}", mix(seed))
            } else if lower.contains("phone_number") || lower == "number" {
                format!("+1650555{:04}", seed % 10_000)
            } else if lower.contains("time") || lower.ends_with("_at") {
                iso8601(EPOCH_2026 + seed % 31_536_000)
            } else if lower.contains("name") {
                format!("Mock {name} {n}")
            } else {
                format!("{name}-{n}")
            }
        }
    }
}

fn fit_length(mut s: String, min: Option<u64>, max: Option<u64>) -> String {
    let min = min.and_then(|m| usize::try_from(m).ok()).unwrap_or(0);
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = max.and_then(|m| usize::try_from(m).ok()) {
        s = s.chars().take(max).collect();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn values_are_deterministic_and_respect_limits() {
        let schema = Schema::Object {
            properties: BTreeMap::from([
                (
                    "n".to_string(),
                    Schema::Integer {
                        minimum: Some(5.0),
                        maximum: Some(7.0),
                        enum_values: vec![],
                        format: None,
                    },
                ),
                (
                    "s".to_string(),
                    Schema::String {
                        format: None,
                        enum_values: vec![],
                        min_length: Some(30),
                        max_length: Some(31),
                        pattern: None,
                    },
                ),
                (
                    "e".to_string(),
                    Schema::String {
                        format: None,
                        enum_values: vec!["a".into(), "b".into()],
                        min_length: None,
                        max_length: None,
                        pattern: None,
                    },
                ),
            ]),
            required: vec![],
            title: None,
        };
        for seed in 0..50 {
            let v = value(&schema, seed, "root");
            assert_eq!(v, value(&schema, seed, "root"));
            let n = v["n"].as_i64().unwrap();
            assert!((5..=7).contains(&n));
            let len = v["s"].as_str().unwrap().len();
            assert!((30..=31).contains(&len));
            assert!(["a", "b"].contains(&v["e"].as_str().unwrap()));
        }
    }
}
