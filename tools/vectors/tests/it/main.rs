//! The Rust runner of the parity vectors: every committed vector, run through
//! the core, must give exactly the recorded outcome. (The Node and Python
//! suites run the same files through the bindings.)

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use zoom_phone_vectors::files::{self, Runner};
use zoom_phone_vectors::run;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Every vector file: (file name, runner, vectors).
fn load() -> Vec<(String, Runner, Vec<Value>)> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .expect("tools/vectors/data exists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(data_dir().join(&name)).expect("readable");
            let (runner, vectors) = files::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            (name, runner, vectors)
        })
        .collect()
}

/// The recorded expectation as this host sees it: the default `User-Agent`
/// names the host.
fn expected(vector: &Value, host: &str) -> Value {
    let mut expect = vector["expect"].clone();
    if let Some(ua) = expect.pointer_mut("/ok/headers/user-agent")
        && let Some(s) = ua.as_str()
    {
        *ua = Value::String(s.replace("{host}", host));
    }
    expect
}

#[test]
fn every_vector_gives_its_recorded_outcome() {
    let mut ran = 0;
    let mut declared = 0;
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    for (file, runner, vectors) in load() {
        declared += vectors.len();
        for vector in &vectors {
            let name = format!("{file}: {}", vector["name"].as_str().unwrap_or("?"));
            assert!(names.insert(name.clone()), "duplicate vector {name}");
            let want = expected(vector, "rust");
            let got = runner.run(vector).unwrap_or_else(|e| panic!("{name}: {e}"));
            if got != want {
                failures.push(format!("{name}:\n  expected {want}\n  got      {got}"));
            }
            // The request a session sends is the same request, token included.
            // A bad configuration (base URL, User-Agent, token) is refused when
            // the session is made, by the config's own check: the same class,
            // worded for the configuration.
            if runner == Runner::Request {
                let via_session = run::request_via_session(vector).expect("runs");
                let config_refusal = |v: &serde_json::Value| {
                    matches!(
                        v["error"]["code"].as_str(),
                        Some("invalid_config" | "invalid_token")
                    )
                };
                let same = if config_refusal(&want) {
                    via_session["error"]["class"] == want["error"]["class"]
                        && config_refusal(&via_session)
                } else {
                    via_session == want
                };
                if !same {
                    failures.push(format!(
                        "{name} (session):\n  expected {want}\n  got      {via_session}"
                    ));
                }
            }
            ran += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(ran, declared);
    // 391 operations each have a request and a success-response vector.
    assert!(ran > 2 * 391, "only {ran} vectors ran");
}

#[test]
fn every_operation_has_a_request_and_a_response_vector() {
    let mut requested = BTreeSet::new();
    let mut answered = BTreeSet::new();
    for (_, runner, vectors) in load() {
        for v in vectors {
            let op = v["operation"].as_str().unwrap_or_default().to_owned();
            match runner {
                Runner::Request if v["expect"]["ok"].is_object() => requested.insert(op),
                Runner::Response if v["expect"]["ok"].is_object() => answered.insert(op),
                _ => false,
            };
        }
    }
    for op in zoom_phone::operations() {
        assert!(
            requested.contains(&op.id),
            "no request vector for {}",
            op.id
        );
        assert!(
            answered.contains(&op.id),
            "no response vector for {}",
            op.id
        );
    }
}

#[test]
fn every_error_code_the_bindings_name_has_a_vector() {
    let mut codes = BTreeSet::new();
    for (_, _, vectors) in load() {
        for v in vectors {
            if let Some(code) = v["expect"]["error"]["code"].as_str() {
                codes.insert(code.to_owned());
            }
        }
    }
    // Every BuildError and WebhookError code, and the OAuth and response
    // codes reachable from a single exported call.
    for code in [
        "unknown_operation",
        "params_not_object",
        "unknown_parameter",
        "missing_parameter",
        "invalid_parameter",
        "empty_path_parameter",
        "unexpected_body",
        "invalid_config",
        "url_too_long",
        "invalid_token",
        "api_error",
        "decode_error",
        "invalid_grant",
        "invalid_client",
        "invalid_request",
        "access_denied",
        "unexpected_response",
        "missing_field",
        "oauth_config",
        "state_mismatch",
        "malformed_callback",
        "missing_header",
        "malformed_header",
        "bad_signature",
        "stale_timestamp",
        "future_timestamp",
        "no_secret",
        "malformed_body",
    ] {
        assert!(codes.contains(code), "no vector with error code {code}");
    }
}
