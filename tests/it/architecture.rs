//! The layering test: imports inside `src/` go one way, down the layer table.
//!
//! [`LAYERS`] is the one copy of the table (docs/architecture.md and DESIGN.md quote it). A
//! module may use `crate::x` only when `x` sits in a lower-numbered layer than itself, or is
//! itself; two modules on the same layer (`split` and `content`, `postprocess` and `feeds`)
//! know nothing of each other. `split` is held to a stricter list of its own. The test reads
//! the source text, so it sees every `use crate::…`, `crate::x::f(…)` path and grouped import
//! (`use crate::{a, b}`), in tests too; comments are skipped (a doc link is not an import).
//! It does not compile anything and does not look at `main.rs`, which is the CLI on top.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::repo_root;

/// The layer table: top-level module of `src/` → layer. Lower layers know nothing of higher
/// ones. A new module must be added here, in its place, before the test passes.
const LAYERS: &[(&str, u32)] = &[
    ("fs", 1),
    ("interrupt", 1),
    ("text", 2),
    ("hash", 2),
    ("config", 3),
    ("split", 4),
    ("content", 4),
    ("model", 5),
    ("images", 5),
    ("render", 6),
    ("postprocess", 7),
    ("feeds", 7),
    ("search", 7),
    ("output", 8),
    ("incremental", 9),
    ("build", 10),
    ("watch", 11),
    ("serve", 12),
    ("init", 12),
    ("fuzzing", 13),
    ("lib", 13),
];

/// `split` is a subcommand of its own: it may read config and text rules and use `fs`, nothing
/// of the build.
const SPLIT_MAY_USE: &[&str] = &["fs", "text", "config"];

/// One import that breaks the table.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: PathBuf,
    line: usize,
    from: String,
    to: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}` (layer {}) imports `crate::{}` (layer {})",
            self.file.display(),
            self.line,
            self.from,
            layer_of(&self.from).map_or("?".to_owned(), |l| l.to_string()),
            self.to,
            layer_of(&self.to).map_or("?".to_owned(), |l| l.to_string()),
        )
    }
}

fn layer_of(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|(_, layer)| *layer)
}

/// The top-level module a file of `src/` belongs to: `render/plan.rs` → `render`.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy());
    let first = first.unwrap_or_default();
    first.strip_suffix(".rs").unwrap_or(&first).to_owned()
}

/// Whether `from` may import `to`.
fn allowed(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    if from == "split" {
        return SPLIT_MAY_USE.contains(&to);
    }
    match (layer_of(from), layer_of(to)) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    }
}

/// The code of a line without its `//` comment (a `//` inside a string literal, as in a URL,
/// ends the scan early, which can only miss an import written after it on the same line).
fn code_of(line: &str) -> &str {
    if line.trim_start().starts_with("//") {
        return "";
    }
    let mut in_string = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The top-level modules named after each `crate::` in `text` (the source of one file, as
/// (line number, module) pairs). `crate::{a::x, b}` names `a` and `b`.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let code: Vec<&str> = text.lines().map(code_of).collect();
    let joined = code.join("\n");
    let mut found = Vec::new();
    let mut rest = joined.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("crate::") {
        let start = offset + at + "crate::".len();
        let before = joined[..offset + at].chars().next_back();
        let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word_start {
            let line = joined[..start].matches('\n').count() + 1;
            for name in names_at(&joined[start..]) {
                found.push((line, name));
            }
        }
        offset = start;
        rest = &joined[start..];
    }
    found
}

/// The identifiers a path continues with: `render::x` → `render`; `{a, b::c}` → `a`, `b`.
fn names_at(after: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if !after.starts_with('{') {
        return vec![ident(after)];
    }
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in after.char_indices() {
        match c {
            '{' => {
                depth += 1;
                item_start = depth == 1;
                continue;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                item_start = true;
                continue;
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        if item_start && depth == 1 {
            let name: String = ident(&after[i..]);
            if !name.is_empty() && name != "self" {
                names.push(name);
            }
            item_start = false;
        }
    }
    names
}

/// Every Rust file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every import in the tree at `src` that breaks the table, plus files whose module is not in
/// the table.
fn violations(src: &Path) -> (Vec<Violation>, Vec<String>) {
    let mut bad = Vec::new();
    let mut unknown = BTreeMap::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap().to_path_buf();
        if relative == Path::new("main.rs") {
            continue;
        }
        let from = module_of(&relative);
        if layer_of(&from).is_none() {
            unknown.insert(from.clone(), ());
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, to) in crate_paths(&text) {
            if !allowed(&from, &to) {
                bad.push(Violation { file: relative.clone(), line, from: from.clone(), to });
            }
        }
    }
    (bad, unknown.into_keys().collect())
}

#[test]
fn imports_go_down_the_layer_table() {
    let (bad, unknown) = violations(&repo_root().join("src"));
    assert!(
        unknown.is_empty(),
        "modules missing from the layer table in tests/it/architecture.rs: {unknown:?}"
    );
    let list: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert!(list.is_empty(), "imports against the layer table:\n{}", list.join("\n"));
}

#[test]
fn an_upward_import_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("fs.rs", "// crate::build in a comment is no import\nfn f() {}\n");
    write("model/mod.rs", "use crate::{config, render::Job};\n");
    write("split/lex.rs", "use crate::content::load;\nuse crate::text::slugify;\n");
    write("render/mod.rs", "let x = \"//\"; crate::output::write();\n");
    let (bad, unknown) = violations(dir.path());
    assert!(unknown.is_empty());
    let found: Vec<(String, String)> = bad.into_iter().map(|v| (v.from, v.to)).collect();
    let want = [("model", "render"), ("render", "output"), ("split", "content")];
    assert_eq!(found, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

#[test]
fn grouped_imports_name_each_module() {
    let names = crate_paths("use crate::{\n    a::{x, y},\n    self,\n    b,\n};\nsupercrate::c");
    let names: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

/// Lines outside `fs.rs` (and outside test code: everything after a file's first
/// `#[cfg(test)]`) that call `std::fs` directly, as `file:line`.
fn file_access_outside_fs(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap();
        if relative == Path::new("fs.rs") || relative == Path::new("fuzzing.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            if calls_std_fs(code_of(line)) {
                found.push(format!("{}:{}", relative.display(), number + 1));
            }
        }
    }
    found
}

/// Whether a line of code calls a `std::fs` function or imports the module (naming the
/// `std::fs::File` type, as a lock holder does, is no access).
fn calls_std_fs(code: &str) -> bool {
    code.contains("use std::fs")
        || code.match_indices("std::fs::").any(|(at, _)| {
            code[at + "std::fs::".len()..].starts_with(|c: char| c.is_ascii_lowercase())
        })
}

#[test]
fn every_file_access_goes_through_fs_rs() {
    let found = file_access_outside_fs(&repo_root().join("src"));
    assert!(
        found.is_empty(),
        "std::fs used outside src/fs.rs (use crate::fs):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_direct_file_access_is_found() {
    assert!(calls_std_fs("    let text = std::fs::read_to_string(&path)?;"));
    assert!(calls_std_fs("use std::fs;"));
    assert!(!calls_std_fs("    _file: std::fs::File,"));
    assert!(!calls_std_fs(code_of("// std::fs::read in a comment")));
}

/// Layers that compute and never touch the disk (DESIGN.md: render reads no files): they may
/// not import `fs`, even though it is below them in the table.
const PURE: &[&str] = &["model", "render", "postprocess"];

#[test]
fn model_render_and_postprocess_read_no_files() {
    let src = repo_root().join("src");
    let mut found = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap().to_path_buf();
        if !PURE.contains(&module_of(&relative).as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (line, to) in crate_paths(code) {
            if to == "fs" || code.lines().nth(line - 1).is_some_and(|l| l.contains("walkdir")) {
                found.push(format!("{}:{line}", relative.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "file access in a pure layer (read it in content/):\n{}",
        found.join("\n")
    );
}
