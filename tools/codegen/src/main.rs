//! `zoom-phone-codegen SPEC_DIR OUT_ROOT [--check]`: regenerates every
//! generated file of the repository from Zoom's OpenAPI documents.
//!
//! With `--check` nothing is written: each file that differs from a fresh
//! generation is named and the exit status is 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zoom_phone_codegen::{
    GeneratedFile, catalog, dts, events, features, model::Api, pyi, rust_client, spec, typed_ops,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [spec_dir, out_root] = positional.as_slice() else {
        eprintln!("usage: zoom-phone-codegen SPEC_DIR OUT_ROOT [--check]");
        return ExitCode::from(2);
    };
    match run(Path::new(spec_dir), Path::new(out_root), check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("zoom-phone-codegen: {e}");
            ExitCode::from(2)
        }
    }
}

/// Generates everything; returns whether the tree is (or now is) up to date.
fn run(spec_dir: &Path, out_root: &Path, check: bool) -> Result<bool, String> {
    let api = spec::load_api(&spec_dir.join("phone-api.openapi.json"))?;
    print_counts(&api);
    let hooks = events::load_events(&spec_dir.join("phone-webhooks.openapi.json"))?;
    eprintln!("{} webhook events", hooks.len());

    // The output steps, in order.
    let mut files: Vec<GeneratedFile> = vec![
        catalog::catalog_json(&api)?,
        catalog::catalog_index_rs(&api)?,
        catalog::response_schemas_json(&api)?,
        dts::operations_js(&api)?,
        dts::operations_dts(&api)?,
        dts::events_dts(&hooks),
        events::events_rs(&hooks)?,
        events::events_json(&hooks)?,
    ];
    files.extend(pyi::api_files(&api)?);
    files.extend(pyi::events_files(&read_json(
        &spec_dir.join("phone-webhooks.openapi.json"),
    )?)?);
    files.extend(typed_ops::ops_files(&api)?);
    files.extend(rust_client::client_files(&api)?);
    let manifest = out_root.join("core/Cargo.toml");
    let manifest =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    files.push(features::core_manifest(&api, &manifest)?);
    let clients = out_root.join("clients/Cargo.toml");
    let clients =
        std::fs::read_to_string(&clients).map_err(|e| format!("{}: {e}", clients.display()))?;
    files.push(features::clients_manifest(&api, &clients)?);

    let mut up_to_date = true;
    for file in &files {
        let target: PathBuf = out_root.join(&file.path);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if check {
            eprintln!("out of date: {} (run `make generate`)", file.path.display());
            up_to_date = false;
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&target, &file.contents)
                .map_err(|e| format!("{}: {e}", target.display()))?;
            eprintln!("wrote {}", file.path.display());
        }
    }
    Ok(up_to_date)
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn print_counts(api: &Api) {
    let ops = &api.operations;
    let paginated = ops.iter().filter(|o| o.pagination.is_some()).count();
    let undeclared = ops
        .iter()
        .filter(|o| o.pagination.as_ref().is_some_and(|p| !p.declared))
        .count();
    let mut labels = std::collections::BTreeMap::new();
    for op in ops {
        let label = op.rate_limit.map_or("unlabeled", |l| l.as_str());
        *labels.entry(label).or_insert(0usize) += 1;
    }
    let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!(
        "{} operations, {} tags, {} paginated ({} undeclared), {} deprecated; rate limits: {}",
        ops.len(),
        api.tags().len(),
        paginated,
        undeclared,
        ops.iter().filter(|o| o.deprecated).count(),
        labels.join(", ")
    );
}
