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
//! - a `oneOf` variant is named `Parent` + its label: PascalCase of its
//!   `title` when the title is a name (its first phrase, up to the first
//!   sentence mark, of at most [`TITLE_WORDS`] words: Zoom writes prose into
//!   some titles), else `Variant<n>` (1-based);
//! - a name is never longer than [`MAX_NAME`]: past it, labels are dropped
//!   from the start of the path below the root, and the root keeps its first
//!   words and its last (`Body`, `Response`), so every name is still words of
//!   the operationId and property names, never of descriptions;
//! - a name already used in the module gets the suffix `2`, `3`, ... in
//!   emission order (properties sorted by name), so names are stable;
//! - a shape the module already has (the same fields, types, docs and
//!   direction; the same enum values) is that type, named where it was
//!   first met: Zoom repeats shapes (a site reference, a status enum) across
//!   the operations of a tag, and each copy would cost build time. `{Op}Body`
//!   and `{Op}Response` always exist, as an alias where they are a copy;
//! - fields are snake_case of the JSON name (`#[serde(rename)]` keeps the
//!   wire name); Rust keywords become raw identifiers (`r#type`).
//!
//! Shapes: every property is `Option<T>` unless the schema requires it;
//! integers are `i64`, numbers `f64`, objects without properties and untyped
//! values `serde_json::Value`, a multipart file part `typed::FilePart`. String and integer enums go through the
//! `string_enum!` / `int_enum!` macros of `zoom_phone::typed`, which add an
//! `Unknown(..)` variant so a value Zoom adds later never fails to parse.
//! Unknown JSON fields are ignored.
//!
//! Derives are kept to `Debug`, `Clone` and the one serde half a type needs
//! (plus `Default` for requests without a required field): with ~2,700
//! generated types, dropping `PartialEq` alone cut the typed build by ~15%.
//! Responses do not derive `Deserialize`: serde's derive also writes a
//! field enum with its own visitor and a sequence visitor per struct; the
//! generated impl is one map visitor matching the wire names (keys read as
//! borrowed `typed::Key`s), about half the code to compile and no slower.
//! Enums implement only the serde half of their role, and derive `Debug`,
//! `Clone`, `PartialEq`, `Eq` (plus `Copy` for integers).
//! A request type with required fields has `new(required...)` instead, so a
//! request that Zoom must reject for a missing field does not compile.
//!
//! Field docs state the spec's bounds (minimum, maximum, lengths, item
//! counts, pattern, format) and Zoom's wire name where it differs.

use std::collections::{BTreeMap, BTreeSet};
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

impl Role {
    /// The word the `string_enum!` / `int_enum!` macros take.
    fn word(self) -> &'static str {
        match self {
            Role::Request => "request",
            Role::Response => "response",
        }
    }
}

/// The longest generated type name.
pub const MAX_NAME: usize = 60;
/// The most words a `oneOf` title may have to name its variant.
pub const TITLE_WORDS: usize = 5;

/// A Rust type expression, whether it implements `Default`, and, for a
/// request struct with required fields, the arguments of its `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ty {
    pub rust: String,
    pub default: bool,
    /// Non-empty exactly when the type has `new(args...)`.
    pub new_args: Vec<Arg>,
}

/// One argument of a generated constructor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The field it sets.
    pub ident: String,
    /// Its type in the signature (`impl Into<String>` for strings).
    pub param: String,
    /// The expression that stores it (`name.into()`).
    pub store: String,
}

impl Arg {
    /// The argument for field `ident` of type `rust`, under the name `name`.
    pub fn new(ident: &str, name: &str, rust: &str) -> Self {
        let (param, store) = if rust == "String" {
            ("impl Into<String>".to_owned(), format!("{name}.into()"))
        } else {
            (rust.to_owned(), name.to_owned())
        };
        Arg {
            ident: ident.to_owned(),
            param,
            store,
        }
    }
}

impl Ty {
    fn plain(rust: &str) -> Self {
        Ty {
            rust: rust.to_owned(),
            default: true,
            new_args: Vec::new(),
        }
    }

    fn without_default(rust: &str) -> Self {
        Ty {
            rust: rust.to_owned(),
            default: false,
            new_args: Vec::new(),
        }
    }
}

/// The items of one generated module, in emission order, with the type names
/// already taken.
#[derive(Debug, Default)]
pub struct Module {
    items: Vec<String>,
    used: BTreeSet<String>,
    /// Per nested type name: its root type and the labels from there
    /// (property names, variant labels), to shorten its children's names.
    paths: BTreeMap<String, (String, Vec<String>)>,
    /// Each emitted shape (its item text, its own name blanked) and its type.
    shapes: BTreeMap<String, Ty>,
    /// The root whose name must exist even when its shape is a copy.
    kept_root: Option<String>,
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
    /// Doc lines (bounds, wire name), without `///`.
    pub docs: Vec<String>,
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
        if name != base
            && let Some(path) = self.paths.get(base).cloned()
        {
            self.paths.insert(name.clone(), path);
        }
        name
    }

    /// [`Module::type_for`] for a root type: `name` is the root of the
    /// names of its nested types when theirs grow past [`MAX_NAME`].
    ///
    /// With `keep`, the root's name exists even when its shape is a copy of
    /// one already emitted (as an alias): `{Op}Body` and `{Op}Response` are
    /// names users and the generated methods write.
    pub fn root_type_for(&mut self, schema: &Schema, name: &str, role: Role, keep: bool) -> Ty {
        self.paths.remove(name);
        self.kept_root = keep.then(|| name.to_owned());
        let ty = self.type_for(schema, name, role);
        self.kept_root = None;
        ty
    }

    /// Emits `text`, the item of type `ty`, into `slot` (or at the end),
    /// unless the module already has that shape: then that type is the
    /// answer and `ty`'s name is given back (or, for a kept root, becomes
    /// an alias of it).
    fn settle(&mut self, slot: Option<usize>, text: String, ty: Ty) -> Ty {
        let shape = replace_word(&text, &ty.rust, "\u{1}");
        let (text, ty) = match self.shapes.get(&shape).cloned() {
            Some(existing) if self.kept_root.as_deref() == Some(ty.rust.as_str()) => (
                format!("pub type {} = {};\n", ty.rust, existing.rust),
                Ty {
                    rust: ty.rust,
                    ..existing
                },
            ),
            Some(existing) => {
                self.used.remove(&ty.rust);
                (String::new(), existing)
            }
            None => {
                self.shapes.insert(shape, ty.clone());
                (text, ty)
            }
        };
        match slot {
            Some(slot) => self.fill(slot, text),
            None if !text.is_empty() => self.push(text),
            None => {}
        }
        ty
    }

    /// The name of the type under `label` (PascalCase) of type `parent`:
    /// `parent` + `label`, or shortened as the module docs say.
    fn child_name(&mut self, parent: &str, label: &str) -> String {
        let (root, mut path) = self
            .paths
            .get(parent)
            .cloned()
            .unwrap_or_else(|| (parent.to_owned(), Vec::new()));
        path.push(label.to_owned());
        let name = shorten(&root, &path);
        self.paths.insert(name.clone(), (root, path));
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
            Schema::File => Ty::without_default("crate::typed::FilePart"),
            Schema::Boolean => Ty::plain("bool"),
            Schema::Number { .. } => Ty::plain("f64"),
            Schema::Integer { enum_values, .. } if !enum_values.is_empty() => {
                self.int_enum(name, enum_values, role)
            }
            Schema::Integer { .. } => Ty::plain("i64"),
            Schema::String { enum_values, .. } if !enum_values.is_empty() => {
                self.string_enum(name, enum_values, role)
            }
            Schema::String { .. } => Ty::plain("String"),
            Schema::Array { items, .. } => {
                let item_name = if matches!(**items, Schema::Array { .. }) {
                    self.child_name(name, "Item")
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
                    let child = self.child_name(&type_name, &names::pascal_case(json));
                    let ty = self.type_for(prop, &child, role);
                    fields.push(Field {
                        docs: field_docs(json, &ident, prop),
                        ident,
                        json: json.clone(),
                        ty,
                        required: required.contains(json),
                    });
                }
                let (mut text, default) = struct_item(&type_name, "", &fields, role);
                let mut new_args = Vec::new();
                if role == Role::Request && !default {
                    let (ctor, args) = constructor(
                        &type_name,
                        &fields,
                        "A value with the required fields; the optional ones are `None`.",
                    );
                    text.push('\n');
                    text.push_str(&ctor);
                    new_args = args;
                }
                self.settle(
                    Some(slot),
                    text,
                    Ty {
                        rust: type_name,
                        default,
                        new_args,
                    },
                )
            }
            Schema::OneOf { variants } => match variants.as_slice() {
                [] => Ty::plain("serde_json::Value"),
                // One alternative is no choice: use it directly.
                [only] => self.type_for(only, name, role),
                _ => self.one_of(name, variants, role),
            },
        }
    }

    fn string_enum(&mut self, name: &str, values: &[String], role: Role) -> Ty {
        let type_name = self.unique_name(name);
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut text = format!(
            "crate::typed::string_enum! {{\n    {} {type_name} {{\n",
            role.word()
        );
        let mut seen = BTreeSet::new();
        // Zoom lists some values twice.
        for value in values.iter().filter(|v| seen.insert(*v)) {
            let base = names::pascal_case(value);
            let variant = unique_variant(&ident_start(&base, "V"), &mut taken);
            let _ = writeln!(text, "        {variant} = {value:?},");
        }
        text.push_str("    }\n}\n");
        self.settle(None, text, Ty::without_default(&type_name))
    }

    fn int_enum(&mut self, name: &str, values: &[i64], role: Role) -> Ty {
        let type_name = self.unique_name(name);
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let mut text = format!(
            "crate::typed::int_enum! {{\n    {} {type_name} {{\n",
            role.word()
        );
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
        self.settle(None, text, Ty::without_default(&type_name))
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
                Schema::Object { title: Some(t), .. } => title_label(t),
                _ => None,
            }
            .unwrap_or_else(|| format!("Variant{}", i + 1));
            let variant = unique_variant(&ident_start(&label, "V"), &mut taken);
            let child = self.child_name(&type_name, &variant);
            let ty = self.type_for(v, &child, role);
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
                text.push_str("#[derive(Debug, Clone, serde::Serialize)]\n");
                text.push_str("#[serde(untagged)]\n");
                let _ = writeln!(text, "pub enum {type_name} {{");
                for (variant, ty, _, _) in &arms {
                    let _ = writeln!(text, "    {variant}({}),", ty.rust);
                }
                text.push_str("}\n");
            }
            Role::Response => {
                text.push_str("#[derive(Debug, Clone)]\n");
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
        self.settle(Some(slot), text, Ty::without_default(&type_name))
    }
}

/// `text` with every whole-word `word` (an identifier) replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest.get(..at).unwrap_or_default();
        let after = rest.get(at + word.len()..).unwrap_or_default();
        let bounded = !before.ends_with(is_ident) && !after.starts_with(is_ident);
        out.push_str(before);
        out.push_str(if bounded { with } else { word });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `root` + the labels of `path`, at most [`MAX_NAME`] - 2 characters (room
/// for a uniqueness suffix): whole when it fits; else the last labels that
/// fit beside the root's first words and its last word (`Body`, `Response`,
/// a parameter's name), keeping as many labels as leave room for one of the
/// root's first words;
/// else the last label's first words.
fn shorten(root: &str, path: &[String]) -> String {
    let limit = MAX_NAME - 2;
    let whole = format!("{root}{}", path.concat());
    if whole.len() <= limit {
        return whole;
    }
    let root_words = names::words(root);
    for keep in (1..=path.len()).rev() {
        let labels = path.get(path.len() - keep..).unwrap_or_default().concat();
        if root.len() + labels.len() <= limit {
            return format!("{root}{labels}");
        }
        let Some((last, first)) = root_words.split_last() else {
            break;
        };
        let mut head = String::new();
        let mut words = 0;
        for w in first {
            if head.len() + w.len() + last.len() + labels.len() > limit {
                break;
            }
            head.push_str(w);
            words += 1;
        }
        if words >= 1 {
            return format!("{head}{last}{labels}");
        }
    }
    // One label too long for any root: the root's first word and the
    // label's first words.
    let mut out = root_words.first().cloned().unwrap_or_default();
    for w in path.last().map(|l| names::words(l)).unwrap_or_default() {
        if out.len() + w.len() > limit {
            break;
        }
        out.push_str(&w);
    }
    out
}

/// The variant label a `oneOf` title gives: PascalCase of its first phrase
/// (up to the first sentence mark) when that is a name of at most
/// [`TITLE_WORDS`] words; `None` for prose.
fn title_label(title: &str) -> Option<String> {
    let phrase = title
        .split(['.', ',', ';', ':', '(', '!', '?'])
        .next()
        .unwrap_or_default();
    let words = names::words(phrase);
    if words.is_empty() || words.len() > TITLE_WORDS {
        return None;
    }
    Some(names::pascal_case(phrase))
}

/// The doc lines of a field: the spec's bounds and Zoom's name for it.
pub fn field_docs(json: &str, ident: &str, schema: &Schema) -> Vec<String> {
    let mut docs = bounds(schema);
    if ident.strip_prefix("r#").unwrap_or(ident) != json {
        docs.push(format!("Zoom's name: `{}`.", code(json)));
    }
    docs
}

/// The limits `schema` states, as sentences.
fn bounds(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    match schema {
        Schema::Integer {
            minimum, maximum, ..
        }
        | Schema::Number {
            minimum, maximum, ..
        } => match (minimum, maximum) {
            (Some(lo), Some(hi)) => out.push(format!("From `{}` to `{}`.", num(*lo), num(*hi))),
            (Some(lo), None) => out.push(format!("At least `{}`.", num(*lo))),
            (None, Some(hi)) => out.push(format!("At most `{}`.", num(*hi))),
            (None, None) => {}
        },
        Schema::String {
            format,
            min_length,
            max_length,
            pattern,
            ..
        } => {
            match (min_length, max_length) {
                (Some(lo), Some(hi)) => out.push(format!("From {lo} to {hi} characters.")),
                (Some(lo), None) => out.push(format!("At least {lo} characters.")),
                (None, Some(hi)) => out.push(format!("At most {hi} characters.")),
                (None, None) => {}
            }
            if let Some(p) = pattern {
                out.push(format!("Pattern: `{}`.", code(p)));
            }
            if let Some(f) = format {
                out.push(format!("Format: `{}`.", code(f)));
            }
        }
        Schema::Array {
            items,
            min_items,
            max_items,
        } => {
            match (min_items, max_items) {
                (Some(lo), Some(hi)) => out.push(format!("From {lo} to {hi} items.")),
                (Some(lo), None) => out.push(format!("At least {lo} items.")),
                (None, Some(hi)) => out.push(format!("At most {hi} items.")),
                (None, None) => {}
            }
            out.extend(bounds(items).into_iter().map(|b| format!("Each item: {b}")));
        }
        _ => {}
    }
    out
}

/// A whole number without `.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Text for inside a code span (no backticks, one line).
fn code(s: &str) -> String {
    s.replace('`', "'").replace(['\n', '\r'], " ")
}

/// `impl {name} { pub fn new(required...) }` for `fields`, with `doc` on
/// `new`, and the constructor's arguments.
pub fn constructor(name: &str, fields: &[Field], doc: &str) -> (String, Vec<Arg>) {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in fields {
        if f.required {
            let arg = Arg::new(&f.ident, &f.ident, &f.ty.rust);
            inits.push(if arg.store == f.ident {
                f.ident.clone()
            } else {
                format!("{}: {}", f.ident, arg.store)
            });
            args.push(arg);
        } else {
            inits.push(format!("{}: None", f.ident));
        }
    }
    let params: Vec<String> = args
        .iter()
        .map(|a| format!("{}: {}", a.ident, a.param))
        .collect();
    let text = format!(
        "impl {name} {{\n    /// {doc}\n    pub fn new({}) -> Self {{\n        Self {{ {} }}\n    }}\n}}\n",
        params.join(", "),
        inits.join(", ")
    );
    (text, args)
}

/// A struct with `fields`; `docs` (already `///`-prefixed lines) goes above
/// it. Returns the item text and whether it derives `Default`.
pub fn struct_item(name: &str, docs: &str, fields: &[Field], role: Role) -> (String, bool) {
    // A required field has no default a request could be sent with.
    let default = fields.iter().all(|f| !f.required);
    let mut text = String::from(docs);
    text.push_str(match (role, default) {
        (Role::Request, true) => "#[derive(Debug, Clone, Default, serde::Serialize)]\n",
        (Role::Request, false) => "#[derive(Debug, Clone, serde::Serialize)]\n",
        (Role::Response, _) => "#[derive(Debug, Clone)]\n",
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
        for line in &f.docs {
            let _ = writeln!(text, "    /// {line}");
        }
        // Responses implement `Deserialize` by hand, with the wire names.
        if !attrs.is_empty() && role == Role::Request {
            let _ = writeln!(text, "    #[serde({})]", attrs.join(", "));
        }
        let _ = writeln!(text, "    pub {}: {},", f.ident, field_type(f));
    }
    text.push_str("}\n");
    if role == Role::Response {
        text.push('\n');
        text.push_str(&deserialize_impl(name, fields));
    }
    (text, default)
}

/// `Deserialize` for a response struct: one map visitor that matches the
/// wire names, skips unknown keys and reports a missing required field.
fn deserialize_impl(name: &str, fields: &[Field]) -> String {
    let mut lets = String::new();
    let mut arms = String::new();
    let mut inits = String::new();
    for (i, f) in fields.iter().enumerate() {
        let _ = write!(lets, "let mut v{i} = None; ");
        if f.required {
            let _ = writeln!(arms, "{:?} => v{i} = Some(map.next_value()?),", f.json);
            let _ = writeln!(
                inits,
                "{}: crate::typed::required(v{i}, {:?})?,",
                f.ident, f.json
            );
        } else {
            let _ = writeln!(arms, "{:?} => v{i} = map.next_value()?,", f.json);
            let _ = writeln!(inits, "{}: v{i},", f.ident);
        }
    }
    format!(
        "impl<'de> serde::Deserialize<'de> for {name} {{\n\
         fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n\
         struct Fields;\n\
         impl<'de> serde::de::Visitor<'de> for Fields {{\n\
         type Value = {name};\n\
         fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n\
         f.write_str(\"an object\")\n}}\n\
         fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<{name}, A::Error> {{\n\
         {lets}\n\
         while let Some(key) = map.next_key::<crate::typed::Key<'de>>()? {{\n\
         match key.as_str() {{\n{arms}\
         _ => map.next_value::<serde::de::IgnoredAny>().map(drop)?,\n}}\n}}\n\
         Ok({name} {{\n{inits}}})\n}}\n}}\n\
         d.deserialize_map(Fields)\n}}\n}}\n"
    )
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
        assert!(
            out.contains("    pub call_queues: Option<Vec<ListResponseCallQueues>>,"),
            "{out}"
        );
        // Responses match the wire name in their own decoder.
        assert!(!out.contains("#[serde("), "{out}");
        assert!(
            out.contains("\"callQueues\" => v0 = map.next_value()?,"),
            "{out}"
        );
        assert!(
            out.contains("\"id\" => v0 = Some(map.next_value()?),"),
            "{out}"
        );
        assert!(
            out.contains("id: crate::typed::required(v0, \"id\")?,"),
            "{out}"
        );
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
    fn a_shape_met_twice_is_one_type_and_kept_roots_alias_it() {
        let site = obj(&[("id", string()), ("name", string())], &["id"]);
        let a = obj(&[("site", site.clone())], &[]);
        let b = obj(&[("home_site", site.clone())], &[]);
        let mut m = Module::new();
        m.root_type_for(&a, "A", Role::Request, true);
        let b_ty = m.root_type_for(&b, "B", Role::Request, true);
        assert_eq!(b_ty.rust, "B");
        let again = m.root_type_for(&site, "C", Role::Request, true);
        assert_eq!(again.rust, "C");
        assert_eq!(again.new_args.len(), 1);
        let unkept = m.root_type_for(&site, "D", Role::Request, false);
        assert_eq!(unkept.rust, "ASite");
        // A response of the same shape is a type of its own.
        let resp = m.root_type_for(&site, "E", Role::Response, false);
        assert_eq!(resp.rust, "E");
        let out = m.finish();
        assert!(out.contains("pub home_site: Option<ASite>,"), "{out}");
        assert!(!out.contains("pub struct BHomeSite"), "{out}");
        assert!(out.contains("pub type C = ASite;"), "{out}");
        assert!(!out.contains("pub type D"), "{out}");
    }

    #[test]
    fn long_names_keep_the_roots_ends_and_the_last_labels() {
        let path = |labels: &[&str]| labels.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            shorten("ListUsersResponse", &path(&["Users", "Site"])),
            "ListUsersResponseUsersSite"
        );
        let long = shorten(
            "UpdateCommonAreaOutboundCallingCountriesOrRegionsBody",
            &path(&["CustomHoursSettings", "Days", "Weekday"]),
        );
        assert_eq!(
            long,
            "UpdateCommonAreaOutboundBodyCustomHoursSettingsDaysWeekday"
        );
        assert!(long.len() <= MAX_NAME - 2);
        assert_eq!(
            title_label("Forward to Voicemail"),
            Some("ForwardToVoicemail".into())
        );
        assert_eq!(
            title_label("Custom hours settings. This action ignores break hours and more words"),
            Some("CustomHoursSettings".into())
        );
        assert_eq!(
            title_label("This field is only required for the break hours type"),
            None
        );
    }

    #[test]
    fn names_taken_twice_get_a_number() {
        let mut m = Module::new();
        assert_eq!(m.unique_name("A"), "A");
        assert_eq!(m.unique_name("A"), "A2");
        assert_eq!(m.unique_name("A"), "A3");
    }
}
