//! The README's Rust example is the compiled example file, verbatim.

#[test]
fn readme_example_is_the_compiled_example() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/build_and_parse.rs");
    let block = format!("```rust\n{example}```");
    assert!(
        readme.contains(&block),
        "README's Rust example differs from core/examples/build_and_parse.rs"
    );
}

/// The crate page's (core/README.md) example is the compiled quick start.
#[test]
fn crate_readme_example_is_the_compiled_quick_start() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/quick_start.rs");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "core/README.md's example differs from core/examples/quick_start.rs"
    );
}
