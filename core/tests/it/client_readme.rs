//! The README's client example is the compiled example file, verbatim.

#[test]
fn readme_client_example_is_the_compiled_example() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/blocking.rs");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README's client example differs from core/examples/blocking.rs"
    );
}
