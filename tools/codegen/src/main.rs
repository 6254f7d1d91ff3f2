//! `zoom-phone-codegen SPEC_DIR OUT_ROOT [--check]`: regenerates every
//! generated file of the repository from Zoom's OpenAPI documents.

fn main() {
    eprintln!("usage: zoom-phone-codegen SPEC_DIR OUT_ROOT [--check]");
    std::process::exit(2);
}
