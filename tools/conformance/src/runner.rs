//! The Rust host: the blocking client (fixed token, retries off, both base
//! URLs at Prism) calls every operation with its examples. The client does
//! not surface response headers, so a request it did not get a success for
//! is built again with `request::build` and re-sent once over ureq to read
//! Prism's `sl-violations` header.

use std::path::Path;

use serde_json::{Map, Value, json};
use zoom_phone::request::{self, RequestConfig};
use zoom_phone::retry::RetryPolicy;
use zoom_phone::{Error, Secret};
use zoom_phone_client::blocking::ZoomPhone;

/// The token every host sends; Prism checks only that one is present.
pub const TOKEN: &str = "conformance-token";

pub fn run(examples: &Path, base_url: &str, out: &Path) -> Result<(), String> {
    let examples = crate::read_json(examples)?;
    let examples = examples
        .as_object()
        .ok_or("examples: not an object of operations")?;
    let client = ZoomPhone::builder()
        .access_token(TOKEN)
        .base_url(base_url)
        .file_base_url(base_url)
        .retry(RetryPolicy::never())
        .build()
        .map_err(|e| e.to_string())?;
    let mut config = RequestConfig::default();
    config.base_url = base_url.to_owned();
    config.file_base_url = base_url.to_owned();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut verdicts = Map::new();
    for (id, params) in examples {
        let verdict = match client.call(id, params.clone()) {
            Ok(output) => json!({"accepted": output.status < 400, "status": output.status,
                "violations": [], "response_parsed": true}),
            Err(error) => {
                let (status, violations) = resend(&agent, &config, id, params)?;
                let client_status = match &error {
                    Error::Api(e) => Some(e.status),
                    Error::Decode(e) => Some(e.status),
                    _ => None,
                };
                if client_status.is_some_and(|s| s != status) {
                    return Err(format!(
                        "{id}: the client saw {client_status:?}, the re-send {status}"
                    ));
                }
                let (parsed, violations) = if status < 400 {
                    (json!(false), Vec::new())
                } else {
                    (Value::Null, violations)
                };
                json!({"accepted": status < 400, "status": status, "violations": violations,
                    "response_parsed": parsed, "client_error": error.to_string()})
            }
        };
        verdicts.insert(id.clone(), verdict);
    }
    crate::write_json(out, &json!({"host": "rust", "operations": verdicts}))
}

/// Builds the request as the client does and sends it: (status, short
/// violations).
fn resend(
    agent: &ureq::Agent,
    config: &RequestConfig,
    id: &str,
    params: &Value,
) -> Result<(u16, Vec<String>), String> {
    let mut req = request::build(id, params, config).map_err(|e| format!("{id}: {e}"))?;
    request::authorize(&mut req, &Secret::new(TOKEN)).map_err(|e| format!("{id}: {e}"))?;
    let mut response = agent.run(req).map_err(|e| format!("{id}: {e}"))?;
    let status = response.status().as_u16();
    let header = response
        .headers()
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Ok((status, short_violations(header.as_deref(), &body)))
}

/// `location: message` of each Error-severity violation in the header, else
/// the title of Prism's problem body (a route or security failure).
pub fn short_violations(header: Option<&str>, body: &str) -> Vec<String> {
    let from_header: Vec<String> = header
        .and_then(|h| serde_json::from_str::<Value>(h).ok())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|v| v["severity"] == "Error")
        .map(|v| {
            let location: Vec<String> = v["location"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            format!(
                "{}: {}",
                location.join("."),
                v["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    if !from_header.is_empty() {
        return from_header;
    }
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["title"].as_str().map(str::to_owned))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::short_violations;

    #[test]
    fn violations_keep_errors_with_their_location() {
        let header = r#"[{"location":["request","query","page_size"],"severity":"Error","code":"type","message":"must be integer"},
            {"location":["request","body"],"severity":"Warning","message":"ignored"}]"#;
        assert_eq!(
            short_violations(Some(header), ""),
            ["request.query.page_size: must be integer"]
        );
    }

    #[test]
    fn without_a_header_the_problem_title_is_the_violation() {
        let body = r#"{"type":"x","title":"Route not resolved, no path matched","status":404}"#;
        assert_eq!(
            short_violations(None, body),
            ["Route not resolved, no path matched"]
        );
        assert!(short_violations(None, "").is_empty());
    }
}
