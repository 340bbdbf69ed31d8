//! Test harness: fixture sites copied into temporary folders, the `broadsheet` binary run on
//! them, and output trees compared with golden `expected/` trees.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<relative>`.
pub(crate) fn fixture_path(relative: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(relative)
}

/// A fixture site copied into a temporary folder (dropped with it).
pub(crate) struct TempSite {
    pub(crate) dir: tempfile::TempDir,
}

/// What running the binary gave.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) success: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl TempSite {
    /// Copies `tests/fixtures/sites/<name>` (without its `expected/`).
    pub(crate) fn new(name: &str) -> TempSite {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture_path(&format!("sites/{name}")), dir.path(), &["expected"]);
        TempSite { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes (or overwrites) a file of the site.
    pub(crate) fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Runs `broadsheet <args…> --root <site>`.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--root", self.root().to_str().unwrap()]);
        run_binary(&all, self.root())
    }
}

/// Runs the binary with `args` in `cwd`; the temp folder in messages is replaced by `<site>`.
pub(crate) fn run_binary(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let clean =
        |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(cwd.to_str().unwrap(), "<site>");
    Run {
        success: output.status.success(),
        stdout: clean(&output.stdout),
        stderr: clean(&output.stderr),
    }
}

/// Copies a file, or a folder with [`copy_tree`].
pub(crate) fn copy_tree_or_file(from: &Path, to: &Path) {
    if from.is_dir() {
        copy_tree(from, to, &[]);
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Copies a folder tree, skipping top-level names in `skip`.
pub(crate) fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(from).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_string_lossy();
        if skip.contains(&top.as_ref()) {
            continue;
        }
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative, sorted, with its bytes.
pub(crate) fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Compares `actual` with the golden tree `expected`, failing on missing, extra and changed
/// files. With `UPDATE_EXPECT=1`, rewrites `expected` instead (review the diff in git).
pub(crate) fn assert_tree_matches(actual: &Path, expected: &Path) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = std::fs::remove_dir_all(expected);
        copy_tree(actual, expected, &[]);
        return;
    }
    let actual_files = read_tree(actual);
    let expected_files = read_tree(expected);
    let names =
        |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let (a, e) = (names(&actual_files), names(&expected_files));
    let missing: Vec<_> = e.iter().filter(|n| !a.contains(n)).collect();
    let extra: Vec<_> = a.iter().filter(|n| !e.contains(n)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing files: {missing:?}\nextra files: {extra:?}"
    );
    for ((name, actual), (_, expected)) in actual_files.iter().zip(&expected_files) {
        if actual != expected {
            panic!(
                "`{name}` differs from the golden copy (UPDATE_EXPECT=1 cargo test rewrites it)\n--- expected\n{}\n--- actual\n{}",
                String::from_utf8_lossy(expected),
                String::from_utf8_lossy(actual)
            );
        }
    }
}
