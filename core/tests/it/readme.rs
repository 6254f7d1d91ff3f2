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
