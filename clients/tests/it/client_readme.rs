//! The READMEs' client examples are the compiled example files, verbatim.

#[test]
fn readme_client_example_is_the_compiled_example() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/blocking.rs");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README's client example differs from clients/examples/blocking.rs"
    );
}

#[test]
fn the_crate_readme_quick_start_is_the_compiled_example() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/quick_start.rs");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "clients/README.md's quick start differs from clients/examples/quick_start.rs"
    );
}
