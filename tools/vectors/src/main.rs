//! `zoom-phone-vectors <spec dir> <repo root> [--check]`: writes the parity
//! vectors to `<repo root>/tools/vectors/data`, or with `--check` fails when
//! the committed files differ from a fresh generation.

use std::path::PathBuf;
use std::process::ExitCode;

use zoom_phone_vectors::files::DATA_DIR;
use zoom_phone_vectors::generate;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zoom-phone-vectors: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [spec_dir, root] = paths.as_slice() else {
        return Err("usage: zoom-phone-vectors <spec dir> <repo root> [--check]".into());
    };
    let spec_path = PathBuf::from(spec_dir).join("phone-api.openapi.json");
    let spec_text =
        std::fs::read_to_string(&spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let spec: serde_json::Value =
        serde_json::from_str(&spec_text).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let dir = PathBuf::from(root).join(DATA_DIR);
    let files = generate::files(&spec)?;
    let mut stale = Vec::new();
    for file in &files {
        let path = dir.join(file.name);
        let text = file.render();
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else {
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!(
                "{}: {} vectors, {} bytes",
                path.display(),
                file.vectors.len(),
                text.len()
            );
        }
    }
    // A file no longer generated would still be run by the host suites.
    let known: Vec<&str> = files.iter().map(|f| f.name).collect();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !known.contains(&name.as_str()) {
                stale.push(format!(
                    "{} (not generated any more)",
                    entry.path().display()
                ));
            }
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "vectors out of date (run `make generate-vectors`): {}",
            stale.join(", ")
        ))
    }
}
