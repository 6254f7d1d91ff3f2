//! The typed layer's Cargo features in `core/Cargo.toml`: one per Zoom tag
//! (`typed-call-queues`, ...), `typed-events` for the webhook event types,
//! and `typed`, all of them. The lines sit between two marker comments in
//! the hand-written manifest; this step rewrites only those lines, so a new
//! tag in Zoom's document gets its feature from `make generate` and
//! `make check-generated` notices a stale list.

use std::fmt::Write as _;

use crate::GeneratedFile;
use crate::model::Api;
use crate::rust_client::tag_feature;

pub const BEGIN: &str =
    "# @generated begin: typed features (tools/codegen, `make generate`). Do not edit.";
pub const END: &str = "# @generated end: typed features";

/// The feature lines for `api`'s tags.
pub fn feature_lines(api: &Api) -> String {
    let tags: Vec<String> = api.tags().iter().map(|t| tag_feature(t)).collect();
    let mut out = String::from(
        "# Every typed model and method, and the webhook event types.\ntyped = [\n    \"typed-events\",\n",
    );
    for feature in &tags {
        let _ = writeln!(out, "    {feature:?},");
    }
    out.push_str(
        "]\n# The typed webhook events (`zoom_phone::events`).\ntyped-events = [\"typed-base\"]\n",
    );
    out.push_str(
        "# One Zoom tag each: its models (`zoom_phone::ops::<tag>`) and client methods.\n",
    );
    for feature in &tags {
        let _ = writeln!(out, "{feature} = [\"typed-base\"]");
    }
    out
}

/// `core/Cargo.toml` as `current` with the lines between the markers
/// replaced.
pub fn core_manifest(api: &Api, current: &str) -> Result<GeneratedFile, String> {
    let (Some(begin), Some(end)) = (current.find(BEGIN), current.find(END)) else {
        return Err(format!(
            "core/Cargo.toml has no `{BEGIN}` ... `{END}` lines for the typed features"
        ));
    };
    let head = current.get(..begin + BEGIN.len()).unwrap_or_default();
    let tail = current.get(end..).unwrap_or_default();
    if begin > end {
        return Err("core/Cargo.toml: the typed feature markers are out of order".to_owned());
    }
    Ok(GeneratedFile::new(
        "core/Cargo.toml",
        format!("{head}\n{}{tail}", feature_lines(api)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marked_lines_change() {
        let api = Api {
            spec_version: "1".into(),
            operations: Vec::new(),
        };
        let current = format!("[features]\nkeep = []\n{BEGIN}\nold = []\n{END}\nafter = []\n");
        let file = core_manifest(&api, &current).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            file.contents
                .starts_with(&format!("[features]\nkeep = []\n{BEGIN}\n# Every"))
        );
        assert!(file.contents.ends_with(&format!("typed-events = [\"typed-base\"]\n# One Zoom tag each: its models (`zoom_phone::ops::<tag>`) and client methods.\n{END}\nafter = []\n")), "{}", file.contents);
        assert!(!file.contents.contains("old = []"));
        assert!(core_manifest(&api, "[features]\n").is_err());
    }
}
