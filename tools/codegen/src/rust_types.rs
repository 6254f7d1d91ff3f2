//! Rust type emission from the normalized [`Schema`]: the one place that turns
//! a schema into structs and enums, used by the typed operation models
//! (`ops`) and the webhook events (`events`).
//!
//! Naming rules (mechanical, so a user can guess a type name from the JSON):
//! - a root type gets the name its caller gives (`ListCallQueuesResponse`,
//!   `CalleeRinging`);
//! - an object, enum or `oneOf` under property `foo` of type `Parent` is named
//!   `Parent` + PascalCase(`foo`) (`ListCallQueuesResponseCallQueues`); the
//!   element type of an array takes the array property's name (an array of
//!   arrays adds `Item`);
//! - a `oneOf` variant is named `Parent` + PascalCase(its `title`), or
//!   `Parent` + `Variant<n>` (1-based) without a title;
//! - a name already used in the module gets the suffix `2`, `3`, ... in
//!   emission order (properties sorted by name), so names are stable;
//! - fields are snake_case of the JSON name (`#[serde(rename)]` keeps the
//!   wire name); Rust keywords become raw identifiers (`r#type`).
//!
//! Shapes: every property is `Option<T>` unless the schema requires it;
//! integers are `i64`, numbers `f64`, objects without properties and untyped
//! values `serde_json::Value`, a multipart file part `typed::FilePart`. String and integer enums go through the
//! `string_enum!` / `int_enum!` macros of `zoom_phone::typed`, which add an
//! `Unknown(..)` variant so a value Zoom adds later never fails to parse.
//! Unknown JSON fields are ignored. Identical shapes are not merged: a type
//! name always tells where in the document the shape sits.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::Schema;
use crate::names;

/// Which direction a type travels: requests are serialized, responses and
/// events deserialized. Each type derives only the serde half it needs,
/// which keeps the typed build small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Request,
    Response,
}

/// A Rust type expression and whether it implements `Default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ty {
    pub rust: String,
    pub default: bool,
}

impl Ty {
    fn plain(rust: &str) -> Self {
        Ty {
            rust: rust.to_owned(),
            default: true,
        }
    }
}

/// The items of one generated module, in emission order, with the type names
/// already taken.
#[derive(Debug, Default)]
pub struct Module {
    items: Vec<String>,
    used: BTreeSet<String>,
}

/// One struct field about to be emitted.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier (possibly `r#`-prefixed).
    pub ident: String,
    /// Name on the wire.
    pub json: String,
    pub ty: Ty,
    pub required: bool,
}

impl Module {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves a unique type name derived from `base`.
    pub fn unique_name(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "Unnamed" } else { base };
        let mut name = base.to_owned();
        let mut n = 2;
        while self.used.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }

    /// Reserves a slot for an item so a parent is emitted before its children.
    fn slot(&mut self) -> usize {
        self.items.push(String::new());
        self.items.len() - 1
    }

    fn fill(&mut self, slot: usize, text: String) {
        if let Some(item) = self.items.get_mut(slot) {
            *item = text;
        }
    }

    /// Appends hand-assembled item text (request structs, trait impls).
    pub fn push(&mut self, text: String) {
        self.items.push(text);
    }

    /// The items, separated by blank lines.
    pub fn finish(self) -> String {
        let mut out = String::new();
        for item in self.items.iter().filter(|i| !i.is_empty()) {
            out.push('\n');
            out.push_str(item);
        }
        out
    }

    /// The Rust type for `schema`; named types it needs are emitted under
    /// names derived from `name`.
    pub fn type_for(&mut self, schema: &Schema, name: &str, role: Role) -> Ty {
        match schema {
            Schema::Any => Ty::plain("serde_json::Value"),
            Schema::File => Ty {
                rust: "crate::typed::FilePart".to_owned(),
                default: false,
            },
            Schema::Boolean => Ty::plain("bool"),
            Schema::Number { .. } => Ty::plain("f64"),
            Schema::Integer { enum_values, .. } if !enum_values.is_empty() => {
                self.int_enum(name, enum_values)
            }
            Schema::Integer { .. } => Ty::plain("i64"),
            Schema::String { enum_values, .. } if !enum_values.is_empty() => {
                self.string_enum(name, enum_values)
            }
            Schema::String { .. } => Ty::plain("String"),
            Schema::Array { items, .. } => {
                let item_name = if matches!(**items, Schema::Array { .. }) {
                    format!("{name}Item")
                } else {
                    name.to_owned()
                };
                let inner = self.type_for(items, &item_name, role);
                Ty::plain(&format!("Vec<{}>", inner.rust))
            }
            Schema::Object { properties, .. } if properties.is_empty() => {
                Ty::plain("serde_json::Value")
            }
            Schema::Object {
                properties,
                required,
                ..
            } => {
                let type_name = self.unique_name(name);
                let slot = self.slot();
                let mut fields = Vec::new();
                let mut idents = BTreeSet::new();
                for (json, prop) in properties {
                    let ident = field_ident(json, &mut idents);
                    let child = format!("{type_name}{}", names::pascal_case(json));
                    let ty = self.type_for(prop, &child, role);
                    fields.push(Field {
                        ident,
                        json: json.clone(),
                        ty,
                        required: required.contains(json),
                    });
                }
                let (text, default) = struct_item(&type_name, "", &fields, role);
                self.fill(slot, text);
                Ty {
                    rust: type_name,
                    default,
                }
            }
            Schema::OneOf { variants } => match variants.as_slice() {
                [] => Ty::plain("serde_json::Value"),
                // One alternative is no choice: use it directly.
                [only] => self.type_for(only, name, role),
                _ => self.one_of(name, variants, role),
            },
        }
    }

    fn string_enum(&mut self, name: &str, values: &[String]) -> Ty {
        let type_name = self.unique_name(name);
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut text = format!("crate::typed::string_enum! {{\n    {type_name} {{\n");
        let mut seen = BTreeSet::new();
        // Zoom lists some values twice.
        for value in values.iter().filter(|v| seen.insert(*v)) {
            let base = names::pascal_case(value);
            let variant = unique_variant(&ident_start(&base, "V"), &mut taken);
            let _ = writeln!(text, "        {variant} = {value:?},");
        }
        text.push_str("    }\n}\n");
        self.push(text);
        Ty {
            rust: type_name,
            default: false,
        }
    }

    fn int_enum(&mut self, name: &str, values: &[i64]) -> Ty {
        let type_name = self.unique_name(name);
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut text = format!("crate::typed::int_enum! {{\n    {type_name} {{\n");
        let mut seen = BTreeSet::new();
        for value in values.iter().filter(|v| seen.insert(**v)) {
            let base = if *value < 0 {
                format!("VMinus{}", value.unsigned_abs())
            } else {
                format!("V{value}")
            };
            let variant = unique_variant(&base, &mut taken);
            let _ = writeln!(text, "        {variant} = {value},");
        }
        text.push_str("    }\n}\n");
        self.push(text);
        Ty {
            rust: type_name,
            default: false,
        }
    }

    /// An untagged choice. Requests serialize whichever variant is set;
    /// responses pick the variant through `typed::one_of_index` (all of its
    /// required fields present, most of the object's keys known), because
    /// plain untagged decoding would always take the first all-optional
    /// variant.
    fn one_of(&mut self, name: &str, variants: &[Schema], role: Role) -> Ty {
        let type_name = self.unique_name(name);
        let slot = self.slot();
        let mut taken = BTreeSet::new();
        let mut arms = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let label = match v {
                Schema::Object { title: Some(t), .. } if !names::pascal_case(t).is_empty() => {
                    names::pascal_case(t)
                }
                _ => format!("Variant{}", i + 1),
            };
            let variant = unique_variant(&ident_start(&label, "V"), &mut taken);
            let ty = self.type_for(v, &format!("{type_name}{variant}"), role);
            let (props, required): (Vec<String>, Vec<String>) = match v {
                Schema::Object {
                    properties,
                    required,
                    ..
                } => (properties.keys().cloned().collect(), required.clone()),
                _ => (Vec::new(), Vec::new()),
            };
            arms.push((variant, ty, props, required));
        }
        let mut text = String::new();
        match role {
            Role::Request => {
                text.push_str("#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n");
                text.push_str("#[serde(untagged)]\n");
                let _ = writeln!(text, "pub enum {type_name} {{");
                for (variant, ty, _, _) in &arms {
                    let _ = writeln!(text, "    {variant}({}),", ty.rust);
                }
                text.push_str("}\n");
            }
            Role::Response => {
                text.push_str("#[derive(Debug, Clone, PartialEq)]\n");
                let _ = writeln!(text, "pub enum {type_name} {{");
                for (variant, ty, _, _) in &arms {
                    let _ = writeln!(text, "    {variant}({}),", ty.rust);
                }
                text.push_str("}\n\n");
                let _ = writeln!(
                    text,
                    "impl<'de> serde::Deserialize<'de> for {type_name} {{\n    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        let value = serde_json::Value::deserialize(d)?;\n        let shapes: &[crate::typed::Shape] = &["
                );
                for (_, _, props, required) in &arms {
                    let _ = writeln!(
                        text,
                        "            crate::typed::Shape {{ properties: &{props:?}, required: &{required:?} }},"
                    );
                }
                text.push_str(
                    "        ];\n        match crate::typed::one_of_index(&value, shapes) {\n",
                );
                let last = arms.len().saturating_sub(1);
                for (i, (variant, _, _, _)) in arms.iter().enumerate() {
                    let pat = if i == last {
                        "_".to_owned()
                    } else {
                        i.to_string()
                    };
                    let _ = writeln!(
                        text,
                        "            {pat} => serde_json::from_value(value).map(Self::{variant}),"
                    );
                }
                text.push_str("        }\n        .map_err(serde::de::Error::custom)\n    }\n}\n");
            }
        }
        self.fill(slot, text);
        Ty {
            rust: type_name,
            default: false,
        }
    }
}

/// A struct with `fields`; `docs` (already `///`-prefixed lines) goes above
/// it. Returns the item text and whether it derives `Default`.
pub fn struct_item(name: &str, docs: &str, fields: &[Field], role: Role) -> (String, bool) {
    let default = fields.iter().all(|f| !f.required || f.ty.default);
    let mut text = String::from(docs);
    text.push_str(match (role, default) {
        (Role::Request, true) => "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]\n",
        (Role::Request, false) => "#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n",
        (Role::Response, _) => "#[derive(Debug, Clone, PartialEq, serde::Deserialize)]\n",
    });
    let _ = writeln!(text, "pub struct {name} {{");
    for f in fields {
        let bare = f.ident.strip_prefix("r#").unwrap_or(&f.ident);
        let mut attrs = Vec::new();
        if bare != f.json {
            attrs.push(format!("rename = {:?}", f.json));
        }
        if role == Role::Request && !f.required {
            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
        }
        if !attrs.is_empty() {
            let _ = writeln!(text, "    #[serde({})]", attrs.join(", "));
        }
        let _ = writeln!(text, "    pub {}: {},", f.ident, field_type(f));
    }
    text.push_str("}\n");
    (text, default)
}

/// `Option<T>` unless required.
pub fn field_type(f: &Field) -> String {
    if f.required {
        f.ty.rust.clone()
    } else {
        format!("Option<{}>", f.ty.rust)
    }
}

/// A snake_case field identifier for JSON name `json`, unique in `taken`.
pub fn field_ident(json: &str, taken: &mut BTreeSet<String>) -> String {
    let snake = ident_start(&names::snake_case(json), "f_");
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else {
        snake
    };
    let mut ident = snake.clone();
    let mut n = 2;
    while taken.contains(&ident) {
        ident = format!("{snake}_{n}");
        n += 1;
    }
    taken.insert(ident.clone());
    if STRICT_KEYWORDS.contains(&ident.as_str()) {
        if ["self", "super", "crate"].contains(&ident.as_str()) {
            // These cannot be raw identifiers.
            return format!("{ident}_");
        }
        return format!("r#{ident}");
    }
    ident
}

/// Prefixes `prefix` when `ident` starts with a digit.
fn ident_start(ident: &str, prefix: &str) -> String {
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{ident}")
    } else {
        ident.to_owned()
    }
}

fn unique_variant(base: &str, taken: &mut BTreeSet<String>) -> String {
    let base = if base.is_empty() { "Empty" } else { base };
    let mut name = base.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

const STRICT_KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Formats generated Rust source with `rustfmt` (edition 2024, default
/// style, as `cargo fmt` does for the repository), so `cargo fmt --check`
/// and `make check-generated` agree about the committed files.
pub fn rustfmt(source: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .map_err(|e| format!("rustfmt: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt rejected generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt: {e}"))
}

/// Escapes text for a `///` doc line (no HTML or link syntax surprises).
pub fn doc_text(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn obj(props: &[(&str, Schema)], required: &[&str]) -> Schema {
        Schema::Object {
            properties: props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            required: required.iter().map(|s| (*s).to_owned()).collect(),
            title: None,
        }
    }

    fn string() -> Schema {
        Schema::String {
            format: None,
            enum_values: vec![],
            min_length: None,
            max_length: None,
            pattern: None,
        }
    }

    #[test]
    fn nested_types_are_named_from_their_path() {
        let items = obj(
            &[
                ("id", string()),
                (
                    "status",
                    Schema::String {
                        format: None,
                        enum_values: vec!["active".into(), "in-active".into(), "1x".into()],
                        min_length: None,
                        max_length: None,
                        pattern: None,
                    },
                ),
            ],
            &["id"],
        );
        let root = obj(
            &[(
                "callQueues",
                Schema::Array {
                    items: Box::new(items),
                    min_items: None,
                    max_items: None,
                },
            )],
            &[],
        );
        let mut m = Module::new();
        let ty = m.type_for(&root, "ListResponse", Role::Response);
        assert_eq!(ty.rust, "ListResponse");
        let out = m.finish();
        assert!(out.contains("pub struct ListResponse {"), "{out}");
        assert!(out.contains("#[serde(rename = \"callQueues\")]\n    pub call_queues: Option<Vec<ListResponseCallQueues>>,"), "{out}");
        assert!(out.contains("pub struct ListResponseCallQueues {"), "{out}");
        assert!(out.contains("    pub id: String,"), "{out}");
        assert!(out.contains("ListResponseCallQueuesStatus {"), "{out}");
        assert!(out.contains("InActive = \"in-active\","), "{out}");
        assert!(out.contains("V1x = \"1x\","), "{out}");
        // Parent before child.
        let parent = out.find("pub struct ListResponse {").unwrap_or(usize::MAX);
        let child = out.find("pub struct ListResponseCallQueues {").unwrap_or(0);
        assert!(parent < child);
    }

    #[test]
    fn field_names_are_unique_and_keywords_escaped() {
        let mut taken = BTreeSet::new();
        assert_eq!(field_ident("type", &mut taken), "r#type");
        assert_eq!(field_ident("callId", &mut taken), "call_id");
        assert_eq!(field_ident("call_id", &mut taken), "call_id_2");
        assert_eq!(field_ident("self", &mut taken), "self_");
        assert_eq!(field_ident("2fa", &mut taken), "f_2fa");
    }

    #[test]
    fn names_taken_twice_get_a_number() {
        let mut m = Module::new();
        assert_eq!(m.unique_name("A"), "A");
        assert_eq!(m.unique_name("A"), "A2");
        assert_eq!(m.unique_name("A"), "A3");
    }
}
