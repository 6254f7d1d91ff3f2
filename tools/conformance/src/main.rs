//! The conformance run's Rust side (see docs/conformance.md):
//!
//! - `examples SPEC OUT`: one set of example parameters per operation, taken
//!   from the raw spec, that every host's runner builds its request from;
//! - `run EXAMPLES BASE_URL OUT`: the blocking client calls every operation
//!   against Prism and writes its verdicts;
//! - `check DIR DOC`: compares the hosts' verdicts with each other and with
//!   the exceptions table in DOC.

mod check;
mod examples;
mod runner;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["examples", spec, out] => examples::write(Path::new(spec), Path::new(out)),
        ["run", examples, base_url, out] => {
            runner::run(Path::new(examples), base_url, Path::new(out))
        }
        ["check", dir, doc] => check::run(Path::new(dir), Path::new(doc)),
        _ => Err("usage: zoom-phone-conformance examples SPEC OUT | run EXAMPLES BASE_URL OUT | check DIR DOC".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("conformance: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a JSON file, naming the file in the error.
fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes pretty JSON, creating the directory.
fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}
