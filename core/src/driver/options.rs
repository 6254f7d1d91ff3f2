//! Per-call options from the JSON shape bindings pass.

use std::time::Duration;

use serde_json::Value;

use super::CallOptions;
use crate::config::{ConfigError, snake_case};
use crate::error::Error;

/// `{timeout_ms, max_attempts, retry_non_idempotent, headers}` (camelCase
/// keys read as snake_case), or `null` for the defaults. Numbers are checked
/// here, so a host never converts `1e300` or `-1` itself.
pub(super) fn from_json(value: &Value) -> Result<CallOptions, Error> {
    let map = match value {
        Value::Null => return Ok(CallOptions::default()),
        Value::Object(map) => map,
        _ => return Err(invalid("options", "must be an object")),
    };
    let mut out = CallOptions::default();
    for (key, v) in map {
        let key = snake_case(key);
        if v.is_null() {
            continue;
        }
        match key.as_str() {
            "timeout_ms" => {
                let ms = v
                    .as_f64()
                    .filter(|ms| ms.is_finite() && *ms > 0.0 && *ms <= 1e12)
                    .ok_or_else(|| {
                        invalid(
                            "timeout_ms",
                            "must be a positive number of milliseconds (at most 10^12)",
                        )
                    })?;
                out.timeout = Some(Duration::from_micros((ms * 1000.0).round() as u64));
            }
            "max_attempts" => {
                let n = v
                    .as_u64()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        invalid("max_attempts", "must be a whole number from 1 to 100")
                    })?;
                out.max_attempts = u32::try_from(n).ok();
            }
            "retry_non_idempotent" => {
                out.retry_non_idempotent = Some(
                    v.as_bool()
                        .ok_or_else(|| invalid("retry_non_idempotent", "must be true or false"))?,
                );
            }
            "headers" => {
                let Value::Object(headers) = v else {
                    return Err(invalid("headers", "must be an object of strings"));
                };
                for (name, value) in headers {
                    let value = value
                        .as_str()
                        .ok_or_else(|| invalid("headers", "must be an object of strings"))?;
                    out.headers.push((name.clone(), value.to_owned()));
                }
            }
            other => {
                let known = [
                    "timeout_ms",
                    "max_attempts",
                    "retry_non_idempotent",
                    "headers",
                ];
                let hint = crate::request::closest(other, &known)
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                return Err(invalid(other, &format!("is not a call option{hint}")));
            }
        }
    }
    Ok(out)
}

fn invalid(field: &str, problem: &str) -> Error {
    ConfigError::new(field, problem).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_spellings_and_refuses_nonsense() {
        let o =
            from_json(&json!({"timeoutMs": 250, "max_attempts": 2, "headers": {"X-Trace": "1"}}))
                .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(250)));
        assert_eq!(o.max_attempts, Some(2));
        assert_eq!(o.headers, vec![("X-Trace".to_owned(), "1".to_owned())]);
        for bad in [
            json!({"timeout_ms": -1}),
            json!({"timeout_ms": 1e300}),
            json!({"max_attempts": 0}),
            json!({"timeout": 5}),
        ] {
            let err = from_json(&bad).unwrap_err();
            assert_eq!(err.class(), crate::error::ErrorClass::Build, "{bad}");
        }
        let err = from_json(&json!({"timeout": 5})).unwrap_err();
        assert!(
            err.to_string().contains("did you mean `timeout_ms`"),
            "{err}"
        );
    }
}
