//! The zoom-phone generator: reads Zoom's OpenAPI documents into a normalized
//! [`model`] and writes every generated file of the repository from it.

use std::path::PathBuf;

pub mod catalog;
pub mod dts;
pub mod events;
pub mod features;
pub mod model;
pub mod names;
pub mod pyi;
pub mod rust_client;
pub mod rust_types;
pub mod spec;
pub mod typed_ops;

/// One output file: its path relative to the repository root and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

impl GeneratedFile {
    pub fn new(path: impl Into<PathBuf>, contents: String) -> Self {
        Self {
            path: path.into(),
            contents,
        }
    }
}
