//! `public-api.txt`: a checked-in snapshot of each library crate's public API, so that
//! every change to what users can name shows up as a diff in review.
//!
//! The crate sources are parsed with `syn` from `src/lib.rs`, following `mod` declarations
//! (`foo.rs`, `foo/mod.rs`, `#[path]`), so this needs neither a nightly toolchain (rustdoc
//! JSON) nor the network. An item is listed if it is reachable by a public path: `pub`
//! in modules that are all `pub`, or re-exported with `pub use` (globs of the crate's own
//! modules expanded). Each line is one item with a one-line signature; lines are sorted by
//! the item's path, then kind, then member name, so the order never depends on where or in
//! which order things are declared:
//!
//! ```text
//! pub struct openrouter_analytics::WithRawBody<T>
//! pub field openrouter_analytics::WithRawBody::raw_body: Bytes
//! #[derive] impl Clone for openrouter_analytics::WithRawBody<T>
//! pub fn openrouter_analytics::Call<'_, ActivityParams, Mode>::date(self, date: impl Into<ActivityDate>) -> Self
//! pub use bytes::Bytes as openrouter_analytics::Bytes
//! ```
//!
//! - Attributes that change what users may rely on prefix the line: `#[cfg(..)]` (inherited
//!   from enclosing modules and re-exports), `#[doc(hidden)]` (hidden items are listed and
//!   marked, since they can still be named), `#[non_exhaustive]`, `#[deprecated]`.
//! - `#[cfg(test)]` items and modules are left out.
//! - Types are printed as written in the source (not resolved), minus a leading `::`;
//!   re-exports of other crates' items are `pub use <their path> as <our path>`.
//! - Trait impls (written or derived) are listed for the crate's public types, except
//!   impls of the crate's private traits (e.g. a sealing trait); their associated types are
//!   part of the line. Items made by macros are not seen.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Fields, FnArg, GenericParam, Generics, ImplItem, Item, Pat, Signature, TraitItem,
    Type, UseTree, Visibility,
};

use crate::codegen::Output;

/// The library crates whose public API is snapshotted: crate directory and snapshot file,
/// relative to the workspace root.
const SNAPSHOTS: [(&str, &str); 4] = [
    (
        "crates/openrouter-analytics",
        "crates/openrouter-analytics/public-api.txt",
    ),
    (
        "crates/openrouter-analytics-api",
        "crates/openrouter-analytics-api/public-api.txt",
    ),
    (
        "crates/openrouter-analytics-mock",
        "crates/openrouter-analytics-mock/public-api.txt",
    ),
    (
        "crates/openrouter-analytics-store",
        "crates/openrouter-analytics-store/public-api.txt",
    ),
];

/// How deep re-export chains and globs are followed; a bound against `use` cycles.
const MAX_DEPTH: usize = 16;

/// Appends the API snapshots to the generated `outputs`. The snapshots are computed from
/// the crate sources with `outputs` laid over the files on disk, i.e. from the sources
/// exactly as `generate` leaves them, whichever order the files are written in.
pub(crate) fn with_snapshots(root: &Path, mut outputs: Vec<Output>) -> Result<Vec<Output>, String> {
    let mut snapshots = Vec::new();
    {
        let overlay: BTreeMap<PathBuf, &str> = outputs
            .iter()
            .map(|output| (root.join(output.path), output.content.as_str()))
            .collect();
        for (crate_dir, snapshot_path) in SNAPSHOTS {
            snapshots.push(Output {
                path: snapshot_path,
                content: snapshot(&root.join(crate_dir), &overlay)?,
            });
        }
    }
    outputs.extend(snapshots);
    Ok(outputs)
}

/// The snapshot of the library crate in `crate_dir` (its name is the directory's, with
/// `-` as `_`): a header line, then one line per public item.
pub fn snapshot(crate_dir: &Path, overlay: &BTreeMap<PathBuf, &str>) -> Result<String, String> {
    let name = crate_dir
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| format!("{}: not a crate directory", crate_dir.display()))?
        .replace('-', "_");
    let krate = Crate::load(name, crate_dir, overlay)?;
    let mut surface = Surface::new(&krate);
    surface.collect();
    let mut out = format!(
        "// The public API of `{}`, one item a line: written by `cargo xtask generate`, checked by `cargo xtask check`.\n",
        krate.name
    );
    for line in &surface.lines {
        for attr in &line.attrs {
            out.push_str(attr);
            out.push(' ');
        }
        out.push_str(&line.text);
        out.push('\n');
    }
    Ok(out)
}

/// Source files, read from the overlay when it has them and from disk otherwise.
struct Sources<'a> {
    overlay: &'a BTreeMap<PathBuf, &'a str>,
}

impl Sources<'_> {
    fn exists(&self, path: &Path) -> bool {
        self.overlay.contains_key(path) || path.is_file()
    }

    fn parse(&self, path: &Path) -> Result<syn::File, String> {
        let text = match self.overlay.get(path) {
            Some(text) => (*text).to_string(),
            None => std::fs::read_to_string(path)
                .map_err(|err| format!("{}: cannot read: {err}", path.display()))?,
        };
        syn::parse_file(&text).map_err(|err| format!("{}: does not parse: {err}", path.display()))
    }
}

/// One module of the crate, inline or from a file.
struct Module {
    /// Path from the crate root (empty for the root).
    path: Vec<String>,
    parent: Option<usize>,
    /// Its items, without `#[cfg(test)]` ones; inline modules' contents are moved to
    /// their own `Module`.
    items: Vec<Item>,
    children: BTreeMap<String, usize>,
    /// `#[cfg]` and `#[doc(hidden)]` of this module and its ancestors.
    inherited: BTreeSet<String>,
}

/// Where a module's files are: `dir` holds its child modules' files; `file_dir` is the
/// directory of the file it is written in (the base of `#[path]` outside inline modules).
struct Dirs {
    dir: PathBuf,
    file_dir: PathBuf,
    inline: bool,
}

struct Crate {
    name: String,
    modules: Vec<Module>,
}

impl Crate {
    fn load(
        name: String,
        crate_dir: &Path,
        overlay: &BTreeMap<PathBuf, &str>,
    ) -> Result<Self, String> {
        let sources = Sources { overlay };
        let src = crate_dir.join("src");
        let lib = sources.parse(&src.join("lib.rs"))?;
        let mut krate = Crate {
            name,
            modules: Vec::new(),
        };
        let dirs = Dirs {
            dir: src.clone(),
            file_dir: src,
            inline: false,
        };
        krate.add_module(
            &sources,
            lib.items,
            Vec::new(),
            None,
            BTreeSet::new(),
            &dirs,
        )?;
        Ok(krate)
    }

    fn add_module(
        &mut self,
        sources: &Sources,
        items: Vec<Item>,
        path: Vec<String>,
        parent: Option<usize>,
        inherited: BTreeSet<String>,
        dirs: &Dirs,
    ) -> Result<usize, String> {
        let id = self.modules.len();
        let mut items: Vec<Item> = items
            .into_iter()
            .filter(|item| !is_cfg_test(item_attrs(item)))
            .collect();
        self.modules.push(Module {
            path: path.clone(),
            parent,
            items: Vec::new(),
            children: BTreeMap::new(),
            inherited: inherited.clone(),
        });
        for item in &mut items {
            let Item::Mod(module) = item else { continue };
            let name = module.ident.to_string();
            let mut child_path = path.clone();
            child_path.push(name.clone());
            let mut child_inherited = inherited.clone();
            child_inherited.extend(inherited_attrs(&module.attrs));
            let child = if let Some((_, content)) = module.content.take() {
                let child_dirs = Dirs {
                    dir: dirs.dir.join(&name),
                    file_dir: dirs.file_dir.clone(),
                    inline: true,
                };
                self.add_module(
                    sources,
                    content,
                    child_path,
                    Some(id),
                    child_inherited,
                    &child_dirs,
                )?
            } else {
                let (file, child_dir) = match path_attr(&module.attrs) {
                    Some(relative) => {
                        let base = if dirs.inline {
                            &dirs.dir
                        } else {
                            &dirs.file_dir
                        };
                        let file = base.join(relative);
                        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                        (file, dir)
                    }
                    None => {
                        let dir = dirs.dir.join(&name);
                        let flat = dirs.dir.join(format!("{name}.rs"));
                        let nested = dir.join("mod.rs");
                        let file = if sources.exists(&flat) {
                            flat
                        } else if sources.exists(&nested) {
                            nested
                        } else {
                            return Err(format!(
                                "module `{name}`: neither {} nor {} exists",
                                flat.display(),
                                nested.display()
                            ));
                        };
                        (file, dir)
                    }
                };
                let parsed = sources.parse(&file)?;
                let child_dirs = Dirs {
                    dir: child_dir,
                    file_dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
                    inline: false,
                };
                self.add_module(
                    sources,
                    parsed.items,
                    child_path,
                    Some(id),
                    child_inherited,
                    &child_dirs,
                )?
            };
            self.modules[id].children.insert(name, child);
        }
        self.modules[id].items = items;
        Ok(id)
    }

    /// The public-path spelling of module `id`: `krate::a::b`.
    fn display(&self, id: usize) -> String {
        std::iter::once(self.name.as_str())
            .chain(self.modules[id].path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("::")
    }

    /// What `name` means inside module `m`: a child module, an item defined there, or
    /// what a `use` there (named or glob) brings in.
    fn lookup(&self, m: usize, name: &str, depth: usize) -> Option<Res> {
        if depth > MAX_DEPTH {
            return None;
        }
        let module = &self.modules[m];
        if let Some(&child) = module.children.get(name) {
            return Some(Res::Module(child));
        }
        for (index, item) in module.items.iter().enumerate() {
            if !matches!(item, Item::Use(_) | Item::Mod(_))
                && item_ident(item).as_deref() == Some(name)
            {
                return Some(Res::Item(m, index));
            }
        }
        let uses = module.items.iter().filter_map(|item| match item {
            Item::Use(item) => Some(item),
            _ => None,
        });
        let mut globs = Vec::new();
        for item in uses {
            for leaf in use_leaves(&item.tree) {
                match leaf {
                    Leaf::Name { segments, alias } if alias == name => {
                        return Some(self.resolve(
                            m,
                            &segments,
                            item.leading_colon.is_some(),
                            depth + 1,
                        ));
                    }
                    Leaf::Glob { segments } => globs.push((segments, item.leading_colon.is_some())),
                    Leaf::Name { .. } => {}
                }
            }
        }
        for (segments, leading_colon) in globs {
            if let Res::Module(target) = self.resolve(m, &segments, leading_colon, depth + 1)
                && let Some(found) = self.lookup(target, name, depth + 1)
            {
                return Some(found);
            }
        }
        None
    }

    /// Resolves a path written in module `m`, as in a `use` or a type; what cannot be
    /// resolved within the crate is a `Res::Path` with the path as text.
    fn resolve(&self, m: usize, segments: &[String], leading_colon: bool, depth: usize) -> Res {
        let written = || segments.join("::");
        let Some(first) = segments.first() else {
            return Res::Path(String::new());
        };
        if leading_colon || depth > MAX_DEPTH {
            return Res::Path(written());
        }
        let mut current = match first.as_str() {
            "crate" => Res::Module(0),
            "self" => Res::Module(m),
            "super" => Res::Module(self.modules[m].parent.unwrap_or(0)),
            name => match self.lookup(m, name, depth) {
                Some(found) => found,
                None => return Res::Path(written()),
            },
        };
        for segment in &segments[1..] {
            current = match current {
                Res::Module(module) => match segment.as_str() {
                    "super" => Res::Module(self.modules[module].parent.unwrap_or(0)),
                    "self" => Res::Module(module),
                    name => self
                        .lookup(module, name, depth)
                        .unwrap_or_else(|| Res::Path(format!("{}::{name}", self.display(module)))),
                },
                Res::Item(module, index) => {
                    let item = item_ident(&self.modules[module].items[index]).unwrap_or_default();
                    Res::Path(format!("{}::{item}::{segment}", self.display(module)))
                }
                Res::Path(path) => Res::Path(format!("{path}::{segment}")),
            };
        }
        current
    }
}

/// What a path names.
enum Res {
    Module(usize),
    /// An item: its module and its index in that module's items.
    Item(usize, usize),
    /// Not an item of this crate (another crate's, an enum variant, ...): the path as text.
    Path(String),
}

/// One `use` leaf: `a::b::c as d` or `a::b::*`.
enum Leaf {
    Name {
        segments: Vec<String>,
        alias: String,
    },
    Glob {
        segments: Vec<String>,
    },
}

fn use_leaves(tree: &UseTree) -> Vec<Leaf> {
    fn walk(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<Leaf>) {
        match tree {
            UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                walk(&path.tree, prefix, out);
                prefix.pop();
            }
            UseTree::Name(name) => out.push(leaf(prefix, name.ident.to_string(), None)),
            UseTree::Rename(rename) => out.push(leaf(
                prefix,
                rename.ident.to_string(),
                Some(rename.rename.to_string()),
            )),
            UseTree::Glob(_) => out.push(Leaf::Glob {
                segments: prefix.clone(),
            }),
            UseTree::Group(group) => {
                for tree in &group.items {
                    walk(tree, prefix, out);
                }
            }
        }
    }
    /// `a::{self}` names `a` itself.
    fn leaf(prefix: &[String], name: String, alias: Option<String>) -> Leaf {
        let mut segments = prefix.to_vec();
        if name != "self" {
            segments.push(name);
        }
        let alias = alias.unwrap_or_else(|| segments.last().cloned().unwrap_or_default());
        Leaf::Name { segments, alias }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

/// One line of the snapshot; the field order is the sort order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Line {
    /// The path of the item the line belongs to (an item, or the type of a field,
    /// variant, method or impl).
    owner: Vec<String>,
    rank: Rank,
    member: String,
    text: String,
    attrs: BTreeSet<String>,
}

/// Within one owner: the item, then its fields/variants/trait items, then inherent impls
/// and their items, then trait impls.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Item,
    Member,
    Impl,
    Method,
    TraitImpl,
}

/// The public surface of one crate, being collected.
struct Surface<'a> {
    krate: &'a Crate,
    lines: BTreeSet<Line>,
    /// Every public path of every exported item (module, index), with its attributes.
    exports: BTreeMap<(usize, usize), BTreeMap<Vec<String>, BTreeSet<String>>>,
    visited: HashSet<(usize, Vec<String>)>,
}

impl<'a> Surface<'a> {
    fn new(krate: &'a Crate) -> Self {
        Surface {
            krate,
            lines: BTreeSet::new(),
            exports: BTreeMap::new(),
            visited: HashSet::new(),
        }
    }

    fn collect(&mut self) {
        let root = vec![self.krate.name.clone()];
        self.walk(0, &root, &BTreeSet::new(), 0);
        let exports = std::mem::take(&mut self.exports);
        for (&(module, index), paths) in &exports {
            for (path, attrs) in paths {
                self.item_lines(module, index, path, attrs);
            }
        }
        self.exports = exports;
        self.macros();
        self.impls();
    }

    fn add(
        &mut self,
        owner: &[String],
        rank: Rank,
        member: &str,
        text: String,
        attrs: BTreeSet<String>,
    ) {
        self.lines.insert(Line {
            owner: owner.to_vec(),
            rank,
            member: member.to_string(),
            text,
            attrs,
        });
    }

    /// Lists the public names of module `m`, reached under the public path `public`.
    fn walk(&mut self, m: usize, public: &[String], attrs: &BTreeSet<String>, depth: usize) {
        if depth > MAX_DEPTH || !self.visited.insert((m, public.to_vec())) {
            return;
        }
        let krate = self.krate;
        for (index, item) in krate.modules[m].items.iter().enumerate() {
            if !item_vis(item).is_some_and(|vis| matches!(vis, Visibility::Public(_))) {
                continue;
            }
            let mut site_attrs = attrs.clone();
            site_attrs.extend(inherited_attrs(item_attrs(item)));
            match item {
                Item::Mod(module) => {
                    let name = module.ident.to_string();
                    if let Some(&child) = krate.modules[m].children.get(&name) {
                        let path = joined(public, &name);
                        self.module(child, &path, &site_attrs, depth);
                    }
                }
                Item::Use(item) => {
                    for leaf in use_leaves(&item.tree) {
                        let leading_colon = item.leading_colon.is_some();
                        match leaf {
                            Leaf::Name { segments, alias } => {
                                let path = joined(public, &alias);
                                match krate.resolve(m, &segments, leading_colon, 0) {
                                    Res::Item(module, index) => {
                                        self.export(module, index, &path, &site_attrs)
                                    }
                                    Res::Module(child) => {
                                        self.module(child, &path, &site_attrs, depth)
                                    }
                                    Res::Path(target) => {
                                        let text =
                                            format!("pub use {target} as {}", path.join("::"));
                                        self.add(&path, Rank::Item, "", text, site_attrs.clone());
                                    }
                                }
                            }
                            Leaf::Glob { segments } => {
                                match krate.resolve(m, &segments, leading_colon, 0) {
                                    Res::Module(child) => {
                                        let mut glob_attrs = site_attrs.clone();
                                        glob_attrs
                                            .extend(krate.modules[child].inherited.iter().cloned());
                                        self.walk(child, public, &glob_attrs, depth + 1);
                                    }
                                    Res::Item(..) => {}
                                    Res::Path(target) => {
                                        let text = format!(
                                            "pub use {target}::* as {}::*",
                                            public.join("::")
                                        );
                                        self.add(public, Rank::Item, "*", text, site_attrs.clone());
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {
                    if let Some(name) = item_ident(item) {
                        self.export(m, index, &joined(public, &name), attrs);
                    }
                }
            }
        }
    }

    /// A public module at `path`: its line, then its contents.
    fn module(&mut self, child: usize, path: &[String], attrs: &BTreeSet<String>, depth: usize) {
        let mut attrs = attrs.clone();
        attrs.extend(self.krate.modules[child].inherited.iter().cloned());
        let text = format!("pub mod {}", path.join("::"));
        self.add(path, Rank::Item, "", text, attrs.clone());
        self.walk(child, path, &attrs, depth + 1);
    }

    fn export(&mut self, module: usize, index: usize, path: &[String], attrs: &BTreeSet<String>) {
        let mut attrs = attrs.clone();
        attrs.extend(self.krate.modules[module].inherited.iter().cloned());
        self.exports
            .entry((module, index))
            .or_default()
            .entry(path.to_vec())
            .or_default()
            .extend(attrs);
    }

    /// The lines of one exported item at one of its public paths.
    fn item_lines(
        &mut self,
        module: usize,
        index: usize,
        path: &[String],
        attrs: &BTreeSet<String>,
    ) {
        let krate = self.krate;
        let item = &krate.modules[module].items[index];
        let name = path.join("::");
        let mut own = attrs.clone();
        own.extend(surface_attrs(item_attrs(item)));
        // Members inherit only what applies to them too (cfg, doc(hidden)).
        let mut inherited = attrs.clone();
        inherited.extend(inherited_attrs(item_attrs(item)));
        match item {
            Item::Fn(item) => self.add(path, Rank::Item, "", fn_text(&item.sig, &name), own),
            Item::Const(item) => {
                let text = format!("pub const {name}: {}", render(&item.ty));
                self.add(path, Rank::Item, "", text, own);
            }
            Item::Static(item) => {
                let mutability = if matches!(item.mutability, syn::StaticMutability::Mut(_)) {
                    "mut "
                } else {
                    ""
                };
                let text = format!("pub static {mutability}{name}: {}", render(&item.ty));
                self.add(path, Rank::Item, "", text, own);
            }
            Item::Type(item) => {
                let text = format!(
                    "pub type {name}{}{} = {}",
                    render(&item.generics),
                    where_text(&item.generics),
                    render(&item.ty)
                );
                self.add(path, Rank::Item, "", text, own);
            }
            Item::Struct(item) => {
                let text = format!(
                    "pub struct {name}{}{}",
                    render(&item.generics),
                    where_text(&item.generics)
                );
                self.add(path, Rank::Item, "", text, own);
                self.fields(path, &item.fields, &inherited);
                self.derives(path, &item.attrs, &item.generics, &inherited);
            }
            Item::Union(item) => {
                let text = format!(
                    "pub union {name}{}{}",
                    render(&item.generics),
                    where_text(&item.generics)
                );
                self.add(path, Rank::Item, "", text, own);
                self.fields(path, &Fields::Named(item.fields.clone()), &inherited);
                self.derives(path, &item.attrs, &item.generics, &inherited);
            }
            Item::Enum(item) => {
                let text = format!(
                    "pub enum {name}{}{}",
                    render(&item.generics),
                    where_text(&item.generics)
                );
                self.add(path, Rank::Item, "", text, own);
                for variant in &item.variants {
                    let shape = match &variant.fields {
                        Fields::Named(fields) => format!(
                            " {{ {} }}",
                            fields
                                .named
                                .iter()
                                .map(|field| format!(
                                    "{}: {}",
                                    field
                                        .ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    render(&field.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Unnamed(fields) => format!(
                            "({})",
                            fields
                                .unnamed
                                .iter()
                                .map(|field| render(&field.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Unit => String::new(),
                    };
                    let discriminant = variant
                        .discriminant
                        .as_ref()
                        .map(|(_, value)| format!(" = {}", render(value)))
                        .unwrap_or_default();
                    let member = variant.ident.to_string();
                    let text = format!("pub variant {name}::{member}{shape}{discriminant}");
                    let mut attrs = inherited.clone();
                    attrs.extend(surface_attrs(&variant.attrs));
                    self.add(path, Rank::Member, &member, text, attrs);
                }
                self.derives(path, &item.attrs, &item.generics, &inherited);
            }
            Item::Trait(item) => {
                let unsafety = if item.unsafety.is_some() {
                    "unsafe "
                } else {
                    ""
                };
                let auto = if item.auto_token.is_some() {
                    "auto "
                } else {
                    ""
                };
                let supertraits = if item.supertraits.is_empty() {
                    String::new()
                } else {
                    format!(": {}", render(&item.supertraits))
                };
                let text = format!(
                    "pub {unsafety}{auto}trait {name}{}{supertraits}{}",
                    render(&item.generics),
                    where_text(&item.generics)
                );
                self.add(path, Rank::Item, "", text, own);
                for trait_item in &item.items {
                    let (member, text, item_attrs) = match trait_item {
                        TraitItem::Fn(f) => (
                            f.sig.ident.to_string(),
                            fn_text(&f.sig, &format!("{name}::{}", f.sig.ident)),
                            &f.attrs,
                        ),
                        TraitItem::Const(c) => (
                            c.ident.to_string(),
                            format!("pub const {name}::{}: {}", c.ident, render(&c.ty)),
                            &c.attrs,
                        ),
                        TraitItem::Type(t) => {
                            let bounds = if t.bounds.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", render(&t.bounds))
                            };
                            let default = t
                                .default
                                .as_ref()
                                .map(|(_, ty)| format!(" = {}", render(ty)))
                                .unwrap_or_default();
                            (
                                t.ident.to_string(),
                                format!(
                                    "pub type {name}::{}{}{bounds}{}{default}",
                                    t.ident,
                                    render(&t.generics),
                                    where_text(&t.generics)
                                ),
                                &t.attrs,
                            )
                        }
                        _ => continue,
                    };
                    let mut attrs = inherited.clone();
                    attrs.extend(surface_attrs(item_attrs));
                    self.add(path, Rank::Member, &member, text, attrs);
                }
            }
            _ => {}
        }
    }

    fn fields(&mut self, owner: &[String], fields: &Fields, inherited: &BTreeSet<String>) {
        let name = owner.join("::");
        for (position, field) in fields.iter().enumerate() {
            if !matches!(field.vis, Visibility::Public(_)) {
                continue;
            }
            let member = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| position.to_string());
            let text = format!("pub field {name}::{member}: {}", render(&field.ty));
            let mut attrs = inherited.clone();
            attrs.extend(surface_attrs(&field.attrs));
            self.add(owner, Rank::Member, &member, text, attrs);
        }
    }

    /// `#[derive(..)]` impls, one line each, marked `#[derive]`.
    fn derives(
        &mut self,
        owner: &[String],
        attrs: &[Attribute],
        generics: &Generics,
        inherited: &BTreeSet<String>,
    ) {
        let self_text = format!("{}{}", owner.join("::"), generic_args(generics));
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
            let Ok(traits) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            for path in traits {
                let text = format!("impl {} for {self_text}", render(&path));
                let mut attrs = inherited.clone();
                attrs.insert("#[derive]".to_string());
                self.add(owner, Rank::TraitImpl, "", text, attrs);
            }
        }
    }

    /// `#[macro_export]` macros: at the crate root, whatever module defines them.
    fn macros(&mut self) {
        let krate = self.krate;
        for module in &krate.modules {
            for item in &module.items {
                if let Item::Macro(item) = item
                    && let Some(ident) = &item.ident
                    && item
                        .attrs
                        .iter()
                        .any(|attr| attr.path().is_ident("macro_export"))
                {
                    let path = vec![krate.name.clone(), ident.to_string()];
                    let text = format!("pub macro {}!", path.join("::"));
                    let mut attrs = module.inherited.clone();
                    attrs.extend(surface_attrs(&item.attrs));
                    self.add(&path, Rank::Item, "", text, attrs);
                }
            }
        }
    }

    /// Inherent impls' public items and trait impls, for every public path of their
    /// self type, wherever in the crate the impl is written.
    fn impls(&mut self) {
        let krate = self.krate;
        for (m, module) in krate.modules.iter().enumerate() {
            for item in &module.items {
                let Item::Impl(imp) = item else { continue };
                let mut impl_attrs = module.inherited.clone();
                impl_attrs.extend(surface_attrs(&imp.attrs));
                let generics = render(&imp.generics);
                let where_clause = where_text(&imp.generics);
                let trait_text = match &imp.trait_ {
                    Some((bang, trait_path, _)) => match self.trait_text(m, trait_path) {
                        Some(text) => {
                            Some(format!("{}{text}", if bang.is_some() { "!" } else { "" }))
                        }
                        None => continue,
                    },
                    None => None,
                };
                let assoc: Vec<String> = imp
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ImplItem::Type(ty) => Some(format!(
                            "type {}{} = {};",
                            ty.ident,
                            render(&ty.generics),
                            render(&ty.ty)
                        )),
                        _ => None,
                    })
                    .collect();
                let assoc = if assoc.is_empty() {
                    String::new()
                } else {
                    format!(" {{ {} }}", assoc.join(" "))
                };
                let exported_self = self
                    .self_type(m, &imp.self_ty)
                    .and_then(|(item, args)| Some((self.exports.get(&item)?.clone(), args)));
                let Some((paths, self_args)) = exported_self else {
                    // Another crate's type (or a private one) implementing one of this
                    // crate's public traits: listed under the trait.
                    if let Some(trait_text) = &trait_text
                        && let Some((_, trait_path, _)) = &imp.trait_
                        && let Some(owner) = self.local_trait_path(m, trait_path)
                    {
                        let text = format!(
                            "impl{generics} {trait_text} for {}{where_clause}{assoc}",
                            render(&imp.self_ty)
                        );
                        self.add(&owner, Rank::TraitImpl, "", text, impl_attrs);
                    }
                    continue;
                };
                for (path, attrs) in paths {
                    let self_text = format!("{}{self_args}", path.join("::"));
                    let mut attrs = attrs.clone();
                    attrs.extend(impl_attrs.iter().cloned());
                    if let Some(trait_text) = &trait_text {
                        let text = format!(
                            "impl{generics} {trait_text} for {self_text}{where_clause}{assoc}"
                        );
                        self.add(&path, Rank::TraitImpl, "", text, attrs);
                        continue;
                    }
                    let mut any = false;
                    for impl_item in &imp.items {
                        let (vis, member, text, item_attrs) = match impl_item {
                            ImplItem::Fn(f) => (
                                &f.vis,
                                f.sig.ident.to_string(),
                                fn_text(&f.sig, &format!("{self_text}::{}", f.sig.ident)),
                                &f.attrs,
                            ),
                            ImplItem::Const(c) => (
                                &c.vis,
                                c.ident.to_string(),
                                format!("pub const {self_text}::{}: {}", c.ident, render(&c.ty)),
                                &c.attrs,
                            ),
                            ImplItem::Type(t) => (
                                &t.vis,
                                t.ident.to_string(),
                                format!("pub type {self_text}::{} = {}", t.ident, render(&t.ty)),
                                &t.attrs,
                            ),
                            _ => continue,
                        };
                        if !matches!(vis, Visibility::Public(_)) || is_cfg_test(item_attrs) {
                            continue;
                        }
                        let mut attrs = attrs.clone();
                        attrs.extend(surface_attrs(item_attrs));
                        self.add(&path, Rank::Method, &member, text, attrs);
                        any = true;
                    }
                    if any {
                        let text = format!("impl{generics} {self_text}{where_clause}");
                        self.add(&path, Rank::Impl, "", text, attrs);
                    }
                }
            }
        }
    }

    /// The item an impl's self type names (if it is one of this crate's) and the
    /// generic arguments written after it.
    fn self_type(&self, m: usize, ty: &Type) -> Option<((usize, usize), String)> {
        match ty {
            Type::Paren(inner) => self.self_type(m, &inner.elem),
            Type::Group(inner) => self.self_type(m, &inner.elem),
            Type::Path(path) if path.qself.is_none() => {
                let segments: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let args = path
                    .path
                    .segments
                    .last()
                    .map(|s| render(&s.arguments))
                    .unwrap_or_default();
                match self
                    .krate
                    .resolve(m, &segments, path.path.leading_colon.is_some(), 0)
                {
                    Res::Item(module, index) => Some(((module, index), args)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The first public path of a trait of this crate.
    fn local_trait_path(&self, m: usize, path: &syn::Path) -> Option<Vec<String>> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match self
            .krate
            .resolve(m, &segments, path.leading_colon.is_some(), 0)
        {
            Res::Item(module, index) => self.exports.get(&(module, index))?.keys().next().cloned(),
            _ => None,
        }
    }

    /// How a trait in an impl is shown: its public path if it is this crate's public
    /// trait, as written if it is another crate's; `None` for this crate's private traits.
    fn trait_text(&self, m: usize, path: &syn::Path) -> Option<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let args = path.segments.last().map(|s| &s.arguments);
        match self
            .krate
            .resolve(m, &segments, path.leading_colon.is_some(), 0)
        {
            Res::Item(module, index) => {
                let public = self.exports.get(&(module, index))?.keys().next()?;
                Some(format!(
                    "{}{}",
                    public.join("::"),
                    args.map(render).unwrap_or_default()
                ))
            }
            Res::Module(_) => None,
            Res::Path(_) => Some(render(path)),
        }
    }
}

fn joined(path: &[String], name: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(name.to_string());
    path
}

/// `pub [const] [async] [unsafe] fn path<..>(args) -> ret where ..`, without `mut` on
/// parameters (not part of the signature) and without attributes.
fn fn_text(sig: &Signature, path: &str) -> String {
    const PLACEHOLDER: &str = "__surface_fn_name__";
    let mut sig = sig.clone();
    sig.ident = syn::Ident::new(PLACEHOLDER, sig.ident.span());
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                receiver.attrs.clear();
                if receiver.reference.is_none() {
                    receiver.mutability = None;
                }
            }
            FnArg::Typed(typed) => {
                typed.attrs.clear();
                if let Pat::Ident(ident) = &mut *typed.pat {
                    ident.mutability = None;
                }
            }
        }
    }
    let text = render(&sig).replacen(&format!("fn {PLACEHOLDER}"), &format!("fn {path}"), 1);
    format!("pub {text}")
}

fn where_text(generics: &Generics) -> String {
    match &generics.where_clause {
        Some(clause) if !clause.predicates.is_empty() => format!(" {}", render(clause)),
        _ => String::new(),
    }
}

/// A type's generic parameters as arguments: `<'a, T, N>` for `<'a, T: Clone, const N: usize>`.
fn generic_args(generics: &Generics) -> String {
    if generics.params.is_empty() {
        return String::new();
    }
    let args: Vec<String> = generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(param) => render(&param.lifetime),
            GenericParam::Type(param) => param.ident.to_string(),
            GenericParam::Const(param) => param.ident.to_string(),
        })
        .collect();
    format!("<{}>", args.join(", "))
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(item) => &item.attrs,
        Item::Enum(item) => &item.attrs,
        Item::ExternCrate(item) => &item.attrs,
        Item::Fn(item) => &item.attrs,
        Item::ForeignMod(item) => &item.attrs,
        Item::Impl(item) => &item.attrs,
        Item::Macro(item) => &item.attrs,
        Item::Mod(item) => &item.attrs,
        Item::Static(item) => &item.attrs,
        Item::Struct(item) => &item.attrs,
        Item::Trait(item) => &item.attrs,
        Item::TraitAlias(item) => &item.attrs,
        Item::Type(item) => &item.attrs,
        Item::Union(item) => &item.attrs,
        Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

fn item_vis(item: &Item) -> Option<&Visibility> {
    match item {
        Item::Const(item) => Some(&item.vis),
        Item::Enum(item) => Some(&item.vis),
        Item::Fn(item) => Some(&item.vis),
        Item::Mod(item) => Some(&item.vis),
        Item::Static(item) => Some(&item.vis),
        Item::Struct(item) => Some(&item.vis),
        Item::Trait(item) => Some(&item.vis),
        Item::Type(item) => Some(&item.vis),
        Item::Union(item) => Some(&item.vis),
        Item::Use(item) => Some(&item.vis),
        _ => None,
    }
}

fn item_ident(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Const(item) => &item.ident,
        Item::Enum(item) => &item.ident,
        Item::Fn(item) => &item.sig.ident,
        Item::Macro(item) => item.ident.as_ref()?,
        Item::Mod(item) => &item.ident,
        Item::Static(item) => &item.ident,
        Item::Struct(item) => &item.ident,
        Item::Trait(item) => &item.ident,
        Item::TraitAlias(item) => &item.ident,
        Item::Type(item) => &item.ident,
        Item::Union(item) => &item.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string() == "test")
    })
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(meta) if meta.path.is_ident("path") => match &meta.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(path),
                ..
            }) => Some(path.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The attributes that also hold for everything inside: `#[cfg]` and `#[doc(hidden)]`.
fn inherited_attrs(attrs: &[Attribute]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in attrs {
        if attr.path().is_ident("cfg") {
            out.insert(format!("#[{}]", render(&attr.meta)));
        } else if attr.path().is_ident("doc")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string() == "hidden")
        {
            out.insert("#[doc(hidden)]".to_string());
        }
    }
    out
}

/// The attributes shown on an item's own line: the inherited ones, `#[non_exhaustive]`
/// and `#[deprecated]` (its note is not part of the surface).
fn surface_attrs(attrs: &[Attribute]) -> BTreeSet<String> {
    let mut out = inherited_attrs(attrs);
    for attr in attrs {
        if attr.path().is_ident("non_exhaustive") {
            out.insert("#[non_exhaustive]".to_string());
        } else if attr.path().is_ident("deprecated") {
            out.insert("#[deprecated]".to_string());
        }
    }
    out
}

/// A token of the normalized one-line rendering.
#[derive(Debug, PartialEq)]
enum Atom {
    /// An identifier, literal or lifetime.
    Word(String),
    Punct(String),
    Open(char),
    Close(char),
}

impl Atom {
    fn is(&self, punct: &str) -> bool {
        matches!(self, Atom::Punct(p) if p == punct)
    }
}

/// Keywords after which a `::` starts a path and a `(` or `[` is not a call.
const KEYWORDS: &[&str] = &[
    "as", "async", "const", "dyn", "enum", "extern", "fn", "for", "impl", "in", "let", "mod",
    "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "type", "unsafe", "use",
    "where",
];

/// Renders tokens on one line with rustfmt-like spacing (`Vec<String>`, `a: T`,
/// `-> R`, `T: A + B`), without a path-leading `::` or trailing commas.
fn render(tokens: &impl ToTokens) -> String {
    let mut atoms = Vec::new();
    atomize(tokens.to_token_stream(), &mut atoms);
    let mut kept: Vec<&Atom> = Vec::with_capacity(atoms.len());
    for (index, atom) in atoms.iter().enumerate() {
        if atom.is("::") {
            let continues_path = match kept.last() {
                Some(Atom::Word(word)) => {
                    !word.starts_with('\'') && !KEYWORDS.contains(&word.as_str())
                }
                Some(prev) => prev.is(">"),
                None => false,
            };
            if !continues_path {
                continue;
            }
        }
        let next = atoms.get(index + 1);
        if atom.is(",")
            && (next.is_none_or(|next| next.is(">")) || matches!(next, Some(Atom::Close(_))))
        {
            continue;
        }
        kept.push(atom);
    }
    let mut out = String::new();
    for (index, atom) in kept.iter().enumerate() {
        if index > 0 && space_between(kept[index - 1], atom) {
            out.push(' ');
        }
        match atom {
            Atom::Word(text) | Atom::Punct(text) => out.push_str(text),
            Atom::Open(c) | Atom::Close(c) => out.push(*c),
        }
    }
    out
}

fn atomize(stream: TokenStream, out: &mut Vec<Atom>) {
    let mut joint = false;
    let mut tokens = stream.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Group(group) => {
                joint = false;
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Brace => ('{', '}'),
                    Delimiter::Bracket => ('[', ']'),
                    Delimiter::None => {
                        atomize(group.stream(), out);
                        continue;
                    }
                };
                out.push(Atom::Open(open));
                atomize(group.stream(), out);
                out.push(Atom::Close(close));
            }
            TokenTree::Ident(ident) => {
                joint = false;
                out.push(Atom::Word(ident.to_string()));
            }
            TokenTree::Literal(literal) => {
                joint = false;
                out.push(Atom::Word(literal.to_string()));
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                if c == '\''
                    && let Some(TokenTree::Ident(ident)) = tokens.peek()
                {
                    out.push(Atom::Word(format!("'{ident}")));
                    tokens.next();
                    joint = false;
                    continue;
                }
                let merged = joint
                    && match out.last_mut() {
                        Some(Atom::Punct(prev))
                            if matches!(
                                (prev.as_str(), c),
                                (":", ':') | ("-", '>') | ("=", '>') | (".", '.')
                            ) =>
                        {
                            prev.push(c);
                            true
                        }
                        _ => false,
                    };
                if !merged {
                    out.push(Atom::Punct(c.to_string()));
                }
                joint = punct.spacing() == Spacing::Joint;
            }
        }
    }
}

fn space_between(prev: &Atom, next: &Atom) -> bool {
    use Atom::{Close, Open, Punct, Word};
    match (prev, next) {
        (_, Punct(p)) if p == "," || p == ";" => false,
        (_, Close(c)) => *c == '}',
        (Open(c), _) => *c == '{',
        (Punct(p), _) if matches!(p.as_str(), "," | ";" | ":" | "->" | "=" | "+" | "=>") => true,
        (_, Punct(p)) if matches!(p.as_str(), "->" | "=" | "+" | "=>") => true,
        (Punct(p), _)
            if matches!(
                p.as_str(),
                "&" | "::" | "<" | "*" | "!" | "?" | "#" | "." | ".." | "-"
            ) =>
        {
            false
        }
        (_, Punct(p)) if matches!(p.as_str(), ":" | "::" | "<" | ">" | ".") => false,
        (Punct(p), Word(_) | Open('{')) if p == ">" => true,
        (Punct(p), _) if p == ">" => false,
        (Word(word), Open('(' | '[')) => {
            word.starts_with('\'') || (word != "fn" && KEYWORDS.contains(&word.as_str()))
        }
        _ => true,
    }
}

/// Copies the snapshotted crates' sources and snapshots from one workspace root to
/// another, for tests that run `generate` and `check` on a scratch copy.
#[cfg(test)]
pub(crate) fn copy_library_crates(from_root: &Path, to_root: &Path) {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    for (crate_dir, snapshot_path) in SNAPSHOTS {
        copy_dir(
            &from_root.join(crate_dir).join("src"),
            &to_root.join(crate_dir).join("src"),
        );
        std::fs::copy(from_root.join(snapshot_path), to_root.join(snapshot_path))
            .expect("copy snapshot");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a fixture crate named `fixture` (files relative to its directory) and
    /// returns its snapshot without the header line.
    fn snapshot_of(files: &[(&str, &str)]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let crate_dir = dir.path().join("fixture");
        for (relative, text) in files {
            let path = crate_dir.join(relative);
            std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let text = snapshot(&crate_dir, &BTreeMap::new()).expect("snapshot");
        let (header, body) = text.split_once('\n').expect("header line");
        assert!(
            header.starts_with("// The public API of `fixture`"),
            "{header}"
        );
        body.to_string()
    }

    #[test]
    fn only_items_reachable_by_a_public_path_are_listed() {
        let body = snapshot_of(&[
            (
                "src/lib.rs",
                "mod private_mod;\n\
                 pub mod public_mod;\n\
                 pub use private_mod::Reexported;\n\
                 fn private_fn() {}\n\
                 pub(crate) fn crate_fn() {}\n\
                 pub fn public_fn(mut count: u32, names: & [ String ]) -> Vec < String > { Vec::new() }\n\
                 struct PrivateStruct;\n\
                 #[cfg(test)]\n\
                 pub fn test_only() {}\n\
                 #[cfg(test)]\n\
                 mod tests { pub fn in_tests() {} }\n",
            ),
            (
                "src/private_mod.rs",
                "pub struct Reexported { pub shown: u8, hidden: u8, pub(crate) internal: u8 }\n\
                 pub struct NotReexported;\n\
                 pub fn unreachable_fn() {}\n",
            ),
            (
                "src/public_mod/mod.rs",
                "pub mod nested;\n\
                 mod inner { pub fn inner_fn() {} }\n\
                 #[path = \"elsewhere.rs\"]\n\
                 pub mod moved;\n\
                 pub const LIMIT: usize = 3;\n",
            ),
            (
                "src/public_mod/nested.rs",
                "pub static NAME: &str = \"n\";\n",
            ),
            (
                "src/public_mod/elsewhere.rs",
                "pub type Id<T = u8> = Vec<T>;\n",
            ),
        ]);
        assert_eq!(
            body,
            "pub struct fixture::Reexported\n\
             pub field fixture::Reexported::shown: u8\n\
             pub fn fixture::public_fn(count: u32, names: &[String]) -> Vec<String>\n\
             pub mod fixture::public_mod\n\
             pub const fixture::public_mod::LIMIT: usize\n\
             pub mod fixture::public_mod::moved\n\
             pub type fixture::public_mod::moved::Id<T = u8> = Vec<T>\n\
             pub mod fixture::public_mod::nested\n\
             pub static fixture::public_mod::nested::NAME: &str\n"
        );
    }

    #[test]
    fn glob_reexports_of_the_crates_modules_are_expanded() {
        let body = snapshot_of(&[
            (
                "src/lib.rs",
                "mod generated;\n\
                 pub use generated::*;\n\
                 pub use other_crate::prelude::*;\n",
            ),
            (
                "src/generated.rs",
                "pub use other_crate::Thing;\n\
                 pub struct Alpha(pub u8, u16);\n\
                 struct Private;\n\
                 impl Alpha { pub fn new() -> Self { Alpha(0, 0) } fn private(&self) {} }\n\
                 impl Private { pub fn not_listed(&self) {} }\n\
                 pub mod types {\n\
                     #[derive(Clone, ::serde::Serialize)]\n\
                     pub enum Kind { A, B(u8), C { id: u32 } = 4 }\n\
                     impl ::std::fmt::Display for Kind { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }\n\
                 }\n",
            ),
        ]);
        assert_eq!(
            body,
            "pub use other_crate::prelude::* as fixture::*\n\
             pub struct fixture::Alpha\n\
             pub field fixture::Alpha::0: u8\n\
             impl fixture::Alpha\n\
             pub fn fixture::Alpha::new() -> Self\n\
             pub use other_crate::Thing as fixture::Thing\n\
             pub mod fixture::types\n\
             pub enum fixture::types::Kind\n\
             pub variant fixture::types::Kind::A\n\
             pub variant fixture::types::Kind::B(u8)\n\
             pub variant fixture::types::Kind::C { id: u32 } = 4\n\
             #[derive] impl Clone for fixture::types::Kind\n\
             #[derive] impl serde::Serialize for fixture::types::Kind\n\
             impl std::fmt::Display for fixture::types::Kind\n"
        );
    }

    #[test]
    fn impls_anywhere_in_the_crate_are_listed_under_every_public_path_of_their_type() {
        let body = snapshot_of(&[
            (
                "src/lib.rs",
                "mod call;\n\
                 mod params;\n\
                 pub use call::{Call, Operation};\n\
                 pub use params::Params;\n\
                 pub mod alias { pub use crate::call::Call as AliasCall; }\n",
            ),
            (
                "src/call.rs",
                "pub trait Operation: sealed::Sealed { type Output: Send; const NAME: &'static str; fn run(&self) -> Self::Output; }\n\
                 pub(crate) mod sealed { pub trait Sealed {} }\n\
                 #[non_exhaustive]\n\
                 pub struct Call<'c, Op, Mode = ()> { pub op: &'c Op, mode: Mode }\n\
                 impl<'c, Op: Operation, Mode> Call<'c, Op, Mode> where Mode: Clone {\n\
                     pub async fn send(self) -> Op::Output { todo!() }\n\
                     #[doc(hidden)] pub fn internal(&mut self) {}\n\
                     #[deprecated(note = \"use send\")] pub fn old(self) {}\n\
                 }\n",
            ),
            (
                "src/params.rs",
                "use crate::call::{sealed, Call, Operation};\n\
                 #[derive(Debug)] pub struct Params;\n\
                 impl sealed::Sealed for Params {}\n\
                 impl Operation for Params { type Output = u8; const NAME: &'static str = \"p\"; fn run(&self) -> u8 { 0 } }\n\
                 impl<Mode> Call<'_, Params, Mode> { pub fn date(mut self, date: impl Into<String>) -> Self { self } }\n\
                 impl Operation for other_crate::Foreign { type Output = (); const NAME: &'static str = \"f\"; fn run(&self) {} }\n",
            ),
        ]);
        let expected = [
            "#[non_exhaustive] pub struct fixture::Call<'c, Op, Mode = ()>",
            "pub field fixture::Call::op: &'c Op",
            "impl<'c, Op: Operation, Mode> fixture::Call<'c, Op, Mode> where Mode: Clone",
            "impl<Mode> fixture::Call<'_, Params, Mode>",
            "pub fn fixture::Call<'_, Params, Mode>::date(self, date: impl Into<String>) -> Self",
            "#[doc(hidden)] pub fn fixture::Call<'c, Op, Mode>::internal(&mut self)",
            "#[deprecated] pub fn fixture::Call<'c, Op, Mode>::old(self)",
            "pub async fn fixture::Call<'c, Op, Mode>::send(self) -> Op::Output",
            "pub trait fixture::Operation: sealed::Sealed",
            "pub const fixture::Operation::NAME: &'static str",
            "pub type fixture::Operation::Output: Send",
            "pub fn fixture::Operation::run(&self) -> Self::Output",
            "impl fixture::Operation for other_crate::Foreign { type Output = (); }",
            "pub struct fixture::Params",
            "#[derive] impl Debug for fixture::Params",
            "impl fixture::Operation for fixture::Params { type Output = u8; }",
            "pub mod fixture::alias",
            "#[non_exhaustive] pub struct fixture::alias::AliasCall<'c, Op, Mode = ()>",
            "pub field fixture::alias::AliasCall::op: &'c Op",
        ];
        let lines: Vec<&str> = body.lines().collect();
        for line in expected {
            assert!(lines.contains(&line), "missing `{line}` in\n{body}");
        }
        assert!(
            lines.contains(&"pub fn fixture::alias::AliasCall<'_, Params, Mode>::date(self, date: impl Into<String>) -> Self"),
            "{body}"
        );
        assert!(
            !body.contains("Sealed for"),
            "private traits' impls are not surface:\n{body}"
        );
        assert!(
            !body.contains("mode"),
            "private fields are not surface:\n{body}"
        );
    }

    #[test]
    fn a_signature_change_changes_exactly_its_line() {
        let lib = "pub struct Call<Op, Mode>(Op, Mode);\n\
                   pub struct Params;\n\
                   impl<Mode> Call<Params, Mode> {\n\
                       pub fn date(self, date: impl Into<String>) -> Self { self }\n\
                       pub fn user(self, id: u64) -> Self { self }\n\
                   }\n";
        let before = snapshot_of(&[("src/lib.rs", lib)]);
        let after = snapshot_of(&[(
            "src/lib.rs",
            &lib.replace("date: impl Into<String>", "date: &str"),
        )]);
        let diff = similar::TextDiff::from_lines(&before, &after);
        let changes: Vec<String> = diff
            .iter_all_changes()
            .filter(|change| change.tag() != similar::ChangeTag::Equal)
            .map(|change| format!("{}{}", change.tag(), change.value()))
            .collect();
        assert_eq!(
            changes,
            [
                "-pub fn fixture::Call<Params, Mode>::date(self, date: impl Into<String>) -> Self\n",
                "+pub fn fixture::Call<Params, Mode>::date(self, date: &str) -> Self\n",
            ]
        );
    }

    #[test]
    fn the_order_of_lines_does_not_depend_on_the_order_of_declarations() {
        let items = [
            "pub fn zeta() {}",
            "pub struct Beta { pub b: u8, pub a: u8 }",
            "impl Beta { pub fn z(&self) {} pub fn a(&self) {} }",
            "impl Clone for Beta { fn clone(&self) -> Self { todo!() } }",
            "#[derive(Debug)] pub enum Alpha { Y, X }",
            "pub mod m { pub fn f() {} }",
        ];
        let forward = snapshot_of(&[("src/lib.rs", &items.join("\n"))]);
        let mut reversed_items = items;
        reversed_items.reverse();
        let reversed = snapshot_of(&[("src/lib.rs", &reversed_items.join("\n"))]);
        assert_eq!(forward, reversed);
        assert_eq!(forward, snapshot_of(&[("src/lib.rs", &items.join("\n"))]));
        assert_eq!(
            forward,
            "pub enum fixture::Alpha\n\
             pub variant fixture::Alpha::X\n\
             pub variant fixture::Alpha::Y\n\
             #[derive] impl Debug for fixture::Alpha\n\
             pub struct fixture::Beta\n\
             pub field fixture::Beta::a: u8\n\
             pub field fixture::Beta::b: u8\n\
             impl fixture::Beta\n\
             pub fn fixture::Beta::a(&self)\n\
             pub fn fixture::Beta::z(&self)\n\
             impl Clone for fixture::Beta\n\
             pub mod fixture::m\n\
             pub fn fixture::m::f()\n\
             pub fn fixture::zeta()\n"
        );
    }

    #[test]
    fn cfg_and_doc_hidden_are_inherited_from_modules_and_reexports() {
        let body = snapshot_of(&[
            (
                "src/lib.rs",
                "#[cfg(feature = \"blocking\")]\npub mod blocking;\n\
                 mod hidden { pub struct Secret; }\n\
                 #[doc(hidden)]\npub use hidden::Secret;\n",
            ),
            (
                "src/blocking.rs",
                "pub struct Client;\nimpl Client { pub fn new() -> Self { Client } }\n",
            ),
        ]);
        assert_eq!(
            body,
            "#[doc(hidden)] pub struct fixture::Secret\n\
             #[cfg(feature = \"blocking\")] pub mod fixture::blocking\n\
             #[cfg(feature = \"blocking\")] pub struct fixture::blocking::Client\n\
             #[cfg(feature = \"blocking\")] impl fixture::blocking::Client\n\
             #[cfg(feature = \"blocking\")] pub fn fixture::blocking::Client::new() -> Self\n"
        );
    }

    #[test]
    fn a_missing_module_file_is_an_error_naming_both_candidates() {
        let dir = tempfile::tempdir().expect("temp dir");
        let crate_dir = dir.path().join("fixture");
        std::fs::create_dir_all(crate_dir.join("src")).expect("mkdir");
        std::fs::write(crate_dir.join("src/lib.rs"), "pub mod gone;\n").expect("write");
        let err = snapshot(&crate_dir, &BTreeMap::new()).expect_err("missing module");
        assert!(err.contains("gone.rs") && err.contains("mod.rs"), "{err}");

        std::fs::write(crate_dir.join("src/lib.rs"), "pub fn broken( {}\n").expect("write");
        let err = snapshot(&crate_dir, &BTreeMap::new()).expect_err("unparsable");
        assert!(err.contains("lib.rs: does not parse"), "{err}");
    }

    #[test]
    fn the_overlay_is_read_instead_of_the_file_on_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let crate_dir = dir.path().join("fixture");
        std::fs::create_dir_all(crate_dir.join("src")).expect("mkdir");
        std::fs::write(
            crate_dir.join("src/lib.rs"),
            "mod generated;\npub use generated::*;\n",
        )
        .expect("write");
        std::fs::write(crate_dir.join("src/generated.rs"), "pub fn old() {}\n").expect("write");
        let overlay = BTreeMap::from([(crate_dir.join("src/generated.rs"), "pub fn new() {}\n")]);
        let text = snapshot(&crate_dir, &overlay).expect("snapshot");
        assert!(text.ends_with("\npub fn fixture::new()\n"), "{text}");
    }

    #[test]
    fn the_workspace_snapshots_name_the_documented_surface() {
        let root = crate::workspace_root();
        let client = snapshot(&root.join("crates/openrouter-analytics"), &BTreeMap::new())
            .expect("snapshot");
        for line in [
            "pub fn openrouter_analytics::Client::builder() -> ClientBuilder",
            "#[non_exhaustive] pub struct openrouter_analytics::WithRawBody<T>",
            "pub field openrouter_analytics::WithRawBody::raw_body: Bytes",
            "pub fn openrouter_analytics::Call<GetUserActivityParams, Mode>::date(self, date: impl Into<ActivityDate>) -> Self",
            "impl std::error::Error for openrouter_analytics::Error",
            "#[non_exhaustive] pub enum openrouter_analytics::ErrorKind",
            "pub variant openrouter_analytics::ErrorKind::RateLimited",
            "#[cfg(feature = \"blocking\")] pub struct openrouter_analytics::blocking::Client",
            "pub use openrouter_analytics_api::types as openrouter_analytics::types",
            "pub use bytes::Bytes as openrouter_analytics::Bytes",
        ] {
            assert!(client.lines().any(|l| l == line), "missing `{line}`");
        }
        assert!(
            !client.contains("CallOptions"),
            "pub(crate) items are not surface"
        );
        assert!(
            !client.contains("Sender for") && !client.contains("Validate for"),
            "impls of crate-private traits are not surface"
        );

        let api = snapshot(
            &root.join("crates/openrouter-analytics-api"),
            &BTreeMap::new(),
        )
        .expect("snapshot");
        assert!(
            api.lines()
                .any(|l| l == "pub struct openrouter_analytics_api::types::ActivityItem")
        );
        assert!(
            !api.contains("::generated::"),
            "the private module is not a public path"
        );
    }

    /// A copy of the spec, the library crates' sources and their snapshots.
    fn scratch_workspace() -> tempfile::TempDir {
        let real_root = crate::workspace_root();
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join(crate::spec::SPEC_PATH);
        std::fs::create_dir_all(spec.parent().expect("has parent")).expect("mkdir");
        std::fs::copy(real_root.join(crate::spec::SPEC_PATH), spec).expect("copy spec");
        // Its table of operations is generated, so `check` reads it too.
        let doc = dir.path().join(crate::codegen::OPERATIONS_DOC);
        std::fs::create_dir_all(doc.parent().expect("has parent")).expect("mkdir");
        std::fs::copy(real_root.join(crate::codegen::OPERATIONS_DOC), doc)
            .expect("copy the table of operations");
        copy_library_crates(&real_root, dir.path());
        dir
    }

    #[test]
    fn check_fails_with_a_diff_of_a_stale_snapshot_and_passes_after_generate() {
        let root = scratch_workspace();
        crate::codegen::check(root.path()).expect("the checked-in snapshots are fresh");

        let client_rs = root
            .path()
            .join("crates/openrouter-analytics/src/client.rs");
        let source = std::fs::read_to_string(&client_rs).expect("read");
        let edited = source.replace(
            "pub fn retry_config(&self) -> &RetryConfig",
            "pub fn retry_config(&self) -> RetryConfig",
        );
        assert_ne!(source, edited, "the fixture edit must apply");
        std::fs::write(&client_rs, edited).expect("write");

        let err = crate::codegen::check(root.path()).expect_err("a stale snapshot must fail");
        assert!(
            err.contains("crates/openrouter-analytics/public-api.txt (checked in)"),
            "{err}"
        );
        assert!(
            err.contains(
                "\n-pub fn openrouter_analytics::Client::retry_config(&self) -> &RetryConfig\n"
            ),
            "{err}"
        );
        assert!(
            err.contains(
                "\n+pub fn openrouter_analytics::Client::retry_config(&self) -> RetryConfig\n"
            ),
            "{err}"
        );
        assert!(
            !err.contains("openrouter-analytics-api/public-api.txt"),
            "{err}"
        );
        assert!(!err.contains("generated.rs"), "{err}");

        crate::codegen::generate(root.path()).expect("generate");
        crate::codegen::check(root.path()).expect("fresh after generate");
        let snapshot = std::fs::read_to_string(
            root.path()
                .join("crates/openrouter-analytics/public-api.txt"),
        )
        .expect("read");
        assert!(snapshot.contains(
            "\npub fn openrouter_analytics::Client::retry_config(&self) -> RetryConfig\n"
        ));
    }

    #[test]
    fn rendering_normalizes_token_spacing() {
        let ty: syn::Type =
            syn::parse_str("Option < & 'static :: std :: vec :: Vec < String , > >").expect("type");
        assert_eq!(render(&ty), "Option<&'static std::vec::Vec<String>>");
        let ty: syn::Type =
            syn::parse_str("Box<dyn Fn(u8, &mut [u8; 4]) -> Result<(), E> + Send + 'static>")
                .expect("type");
        assert_eq!(
            render(&ty),
            "Box<dyn Fn(u8, &mut [u8; 4]) -> Result<(), E> + Send + 'static>"
        );
        let ty: syn::Type = syn::parse_str("<T as ::core::ops::Deref>::Target").expect("type");
        assert_eq!(render(&ty), "<T as core::ops::Deref>::Target");
        let generics: syn::Generics =
            syn::parse_str("<'a, T: ?Sized + Clone, const N: usize = 3>").expect("generics");
        assert_eq!(
            render(&generics),
            "<'a, T: ?Sized + Clone, const N: usize = 3>"
        );
    }
}
