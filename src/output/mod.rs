//! The only writer to the output folder: pages are staged beside it while they render
//! ([`Staging`]), then moved in; static files are copied (theme first, then site; later
//! folders win), and what this build no longer produces is removed.
//!
//! Nothing reaches the output folder before every page has rendered, so a failed build never
//! touches it. It does not render, post-process or decide URLs: it takes finished bytes and
//! relative paths. It refuses output folders that look like a mistake (`/`, the home folder, a
//! site root, a folder holding a static source) because it deletes files there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::fs;

/// What a build wrote, for its report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Generated files written because they were new or changed.
    pub written: usize,
    /// Generated files left alone because the folder already held their bytes.
    pub unchanged: usize,
    /// Files removed because this build no longer produces them.
    pub removed: usize,
    /// Static files copied because they were new or changed.
    pub static_copied: usize,
}

mod lock;
mod staging;
mod sync;

pub(crate) use lock::OutputLock;
pub(crate) use staging::{Removal, Staging};
pub(crate) use sync::sync_static;

/// Static files that win, by path relative to the output folder, with their source.
type StaticPlan = BTreeMap<PathBuf, PathBuf>;

/// The static files of a build, listed once: for each path relative to the output folder, the
/// source that wins (later folders over earlier ones: site over theme). Placeholders and
/// symlinks leading out of their folder are left out, so links to them count as broken.
#[derive(Debug, Default, Clone)]
pub(crate) struct StaticFiles {
    files: StaticPlan,
}

impl StaticFiles {
    /// Walks each folder of `static_dirs` (missing ones are skipped) once.
    pub(crate) fn list(static_dirs: &[PathBuf]) -> Result<StaticFiles> {
        let mut files = StaticPlan::new();
        for dir in static_dirs {
            if !dir.is_dir() {
                log::debug!("no static folder at `{}`", dir.display());
                continue;
            }
            for relative in fs::walk_files(dir)? {
                if publishable(dir, &relative) {
                    files.insert(relative.clone(), dir.join(relative));
                }
            }
        }
        Ok(StaticFiles { files })
    }

    /// Each file's path in the output folder, `/`-separated.
    pub(crate) fn output_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.files.keys().map(|relative| {
            let parts: Vec<_> =
                relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
            parts.join("/")
        })
    }

    /// The files to copy when `pages` are generated: a generated file wins over a static one
    /// of the same path (with a warning).
    fn without(&self, pages: &BTreeSet<PathBuf>) -> StaticPlan {
        let mut plan = self.files.clone();
        plan.retain(|relative, source| {
            let clash = pages.contains(relative);
            if clash {
                log::warn!(
                    "static file `{}` is ignored: a generated page has the same path",
                    source.display()
                );
            }
            !clash
        });
        plan
    }
}

/// Refuses output folders where cleaning up would destroy something that is not output.
fn check_out_dir(out_dir: &Path, static_dirs: &[PathBuf], home: Option<&Path>) -> Result<()> {
    let shown = out_dir.display();
    let resolved = resolve(out_dir);
    if resolved.parent().is_none() {
        bail!("refusing to use `{shown}` as the output folder: it is the filesystem root");
    }
    if home.is_some_and(|home| resolve(home) == resolved) {
        bail!("refusing to use `{shown}` as the output folder: it is the home folder");
    }
    if out_dir.join("site.toml").exists() || out_dir.join("content").is_dir() {
        bail!(
            "refusing to use `{shown}` as the output folder: it looks like a site root \
             (it has `site.toml` or `content/`)"
        );
    }
    // Cleaning up deletes what this build did not produce: a source folder inside the output,
    // or an output inside a source folder, would lose sources.
    if let Some(dir) = static_dirs.iter().find(|dir| resolve(dir).starts_with(&resolved)) {
        bail!(
            "refusing to use `{shown}` as the output folder: it holds the source folder `{}`; \
             choose a folder outside the site's sources (the default is `public/`)",
            dir.display()
        );
    }
    if let Some(dir) = static_dirs.iter().find(|dir| resolved.starts_with(resolve(dir))) {
        bail!(
            "refusing to use `{shown}` as the output folder: it is inside the source folder \
             `{}`; choose a folder outside the site's sources (the default is `public/`)",
            dir.display()
        );
    }
    Ok(())
}

/// The canonical form of `path` if it exists, else its absolute form (best effort).
fn resolve(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `path` as a relative `PathBuf`, or an error if it could escape or clobber the folder.
fn checked_path(path: &str) -> Result<PathBuf> {
    let relative = Path::new(path);
    let plain = relative.components().all(|c| matches!(c, Component::Normal(_)));
    if path.is_empty() || !plain {
        bail!("invalid output path `{path}`: it must be relative, without `.` or `..`");
    }
    Ok(relative.to_path_buf())
}

/// Whether the static file `dir/relative` may be published: not a placeholder (`.keep`,
/// `.gitkeep`), and not a symlink leading out of its static folder (`x -> /etc/passwd` would
/// be deployed with the site). A skipped symlink is warned about.
pub(crate) fn publishable(dir: &Path, relative: &Path) -> bool {
    if relative.file_name().is_some_and(|name| name == ".keep" || name == ".gitkeep") {
        return false;
    }
    let source = dir.join(relative);
    let inside = match (source.canonicalize(), dir.canonicalize()) {
        (Ok(target), Ok(dir)) => target.starts_with(dir),
        _ => false,
    };
    if !inside {
        let target = fs::read_link(&source).map(|t| t.display().to_string());
        log::warn!(
            "static file `{}` is not published: it is a symlink to `{}`, outside `{}`; copy the \
             file into the folder if it belongs to the site",
            source.display(),
            target.unwrap_or_else(|_| "nothing".to_owned()),
            dir.display()
        );
    }
    inside
}

/// Copies the winning static files whose bytes changed, in parallel; returns how many.
fn copy_static(out_dir: &Path, plan: &StaticPlan) -> Result<usize> {
    plan.par_iter()
        .map(|(relative, source)| {
            fs::copy_if_changed(source, &out_dir.join(relative)).map(usize::from)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Removes files this build did not produce, then every folder left empty (deepest first).
/// Both steps run in parallel: on a busy disk, unlinking 10,000 files one by one takes seconds.
fn remove_stale(out_dir: &Path, pages: &BTreeSet<PathBuf>, plan: &StaticPlan) -> Result<usize> {
    let listing = fs::walk(out_dir, |relative| !is_hidden_top_level(relative))?;
    let stale: Vec<&PathBuf> = listing
        .files
        .iter()
        .filter(|file| !pages.contains(*file) && !plan.contains_key(*file))
        .collect();
    stale.par_iter().try_for_each(|file| fs::remove_file(&out_dir.join(file)))?;
    remove_empty_dirs(out_dir, stale.iter().copied())?;
    Ok(stale.len())
}

/// Removes the folders that removing `files` left empty (their parents, then theirs), one
/// depth at a time from the deepest. Only those folders are looked at: trying every folder
/// of a 10,000-page site costs as much as writing it.
pub(crate) fn remove_empty_dirs<'a>(
    out_dir: &Path,
    files: impl Iterator<Item = &'a PathBuf>,
) -> Result<()> {
    let mut by_depth: BTreeMap<usize, BTreeSet<&Path>> = BTreeMap::new();
    for file in files {
        for dir in file.ancestors().skip(1).filter(|d| !d.as_os_str().is_empty()) {
            by_depth.entry(dir.components().count()).or_default().insert(dir);
        }
    }
    for level in by_depth.values().rev() {
        level
            .par_iter()
            .try_for_each(|dir| fs::remove_dir_if_empty(&out_dir.join(dir)).map(drop))?;
    }
    Ok(())
}

/// Whether a relative path lies under a top-level entry named `.…` (`.git`, `.well-known`).
fn is_hidden_top_level(relative: &Path) -> bool {
    match relative.components().next() {
        Some(Component::Normal(name)) => name.as_encoded_bytes().starts_with(b"."),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Instant, SystemTime};

    use super::*;

    /// One finished file of the site.
    struct OutputFile {
        path: String,
        bytes: Vec<u8>,
    }

    /// The whole-site write as a build does it: stage every file, then commit.
    fn write_site(
        out_dir: &Path,
        files: &[OutputFile],
        static_dirs: &[PathBuf],
    ) -> Result<WriteStats> {
        let staging = Staging::new(out_dir, static_dirs)?;
        let mut staged = Vec::new();
        for file in files {
            if staging.stage(&file.path, &file.bytes)? {
                staged.push(file.path.clone());
            }
        }
        let produced: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        let statics = StaticFiles::list(static_dirs)?;
        staging.commit(&produced, &staged, &statics, Removal::Sweep)
    }

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile { path: path.to_owned(), bytes: text.as_bytes().to_vec() }
    }

    fn site() -> Vec<OutputFile> {
        vec![
            file("index.html", "front"),
            file("2024/05/24/index.html", "issue"),
            file("2024/05/24/budget/index.html", "budget"),
            file("atom.xml", "<feed/>"),
        ]
    }

    fn read(dir: &Path, path: &str) -> String {
        fs::read_to_string(&dir.join(path)).unwrap()
    }

    fn mtime(path: &Path) -> SystemTime {
        path.metadata().unwrap().modified().unwrap()
    }

    #[test]
    fn first_write_creates_the_folder_and_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let stats = write_site(&out, &site(), &[]).unwrap();
        assert_eq!(stats, WriteStats { written: 4, ..WriteStats::default() });
        assert_eq!(read(&out, "2024/05/24/budget/index.html"), "budget");
    }

    #[test]
    fn second_write_of_the_same_files_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        write_site(tmp.path(), &site(), &[]).unwrap();
        let stats = write_site(tmp.path(), &site(), &[]).unwrap();
        assert_eq!(stats, WriteStats { unchanged: 4, ..WriteStats::default() });
    }

    #[test]
    fn a_changed_file_is_rewritten_alone() {
        let tmp = tempfile::tempdir().unwrap();
        write_site(tmp.path(), &site(), &[]).unwrap();
        let untouched = tmp.path().join("index.html");
        let before = mtime(&untouched);
        let mut files = site();
        files[2].bytes = b"budget, revised".to_vec();
        let stats = write_site(tmp.path(), &files, &[]).unwrap();
        assert_eq!(stats, WriteStats { written: 1, unchanged: 3, ..WriteStats::default() });
        assert_eq!(read(tmp.path(), "2024/05/24/budget/index.html"), "budget, revised");
        assert_eq!(mtime(&untouched), before);
    }

    #[test]
    fn a_file_no_longer_produced_is_removed_with_its_empty_folders() {
        let tmp = tempfile::tempdir().unwrap();
        write_site(tmp.path(), &site(), &[]).unwrap();
        let gone = ["atom.xml", "2024/05/24/budget/index.html"];
        let files: Vec<OutputFile> =
            site().into_iter().filter(|f| !gone.contains(&f.path.as_str())).collect();
        let stats = write_site(tmp.path(), &files, &[]).unwrap();
        assert_eq!(stats.removed, 2);
        assert!(!tmp.path().join("atom.xml").exists());
        assert!(!tmp.path().join("2024/05/24/budget").exists(), "empty folder left behind");
        assert!(tmp.path().join("2024/05/24/index.html").exists());
    }

    #[test]
    fn hidden_top_level_entries_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(&tmp.path().join(".git/HEAD"), b"ref").unwrap();
        fs::write(&tmp.path().join("old/.hidden"), b"x").unwrap();
        let stats = write_site(tmp.path(), &site(), &[]).unwrap();
        assert_eq!(stats.removed, 1);
        assert_eq!(read(tmp.path(), ".git/HEAD"), "ref");
        assert!(!tmp.path().join("old").exists());
    }

    #[test]
    fn later_static_folders_win_and_unchanged_ones_are_not_copied() {
        let tmp = tempfile::tempdir().unwrap();
        let (theme, own) = (tmp.path().join("theme/static"), tmp.path().join("static"));
        fs::write(&theme.join("css/site.css"), b"theme").unwrap();
        fs::write(&theme.join("logo.svg"), b"<svg/>").unwrap();
        fs::write(&own.join("css/site.css"), b"site").unwrap();
        let out = tmp.path().join("public");
        let dirs = [theme, own, tmp.path().join("missing")];
        let stats = write_site(&out, &site(), &dirs).unwrap();
        assert_eq!(stats.static_copied, 2);
        assert_eq!(read(&out, "css/site.css"), "site");
        assert_eq!(read(&out, "logo.svg"), "<svg/>");
        let stats = write_site(&out, &site(), &dirs).unwrap();
        assert_eq!((stats.static_copied, stats.removed), (0, 0));
    }

    #[test]
    fn a_generated_page_beats_a_static_file() {
        let tmp = tempfile::tempdir().unwrap();
        let own = tmp.path().join("static");
        fs::write(&own.join("atom.xml"), b"static feed").unwrap();
        let out = tmp.path().join("public");
        let stats = write_site(&out, &site(), &[own]).unwrap();
        assert_eq!(stats.static_copied, 0);
        assert_eq!(read(&out, "atom.xml"), "<feed/>");
    }

    #[test]
    fn invalid_or_duplicate_paths_are_errors_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for bad in ["../x.html", "/etc/x", "", "a/../b", "./a"] {
            let err = write_site(&out, &[file(bad, "x")], &[]).unwrap_err();
            assert!(err.to_string().starts_with("invalid output path"), "{bad}: {err}");
        }
        let twice = [file("a.html", "1"), file("a.html", "2")];
        let err = write_site(&out, &twice, &[]).unwrap_err();
        assert_eq!(err.to_string(), "two generated files share the output path `a.html`");
        assert!(!out.exists());
    }

    #[test]
    fn guard_refuses_dangerous_output_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let refuse = |dir: &Path, statics: &[PathBuf]| {
            check_out_dir(dir, statics, Some(root)).unwrap_err().to_string()
        };
        assert!(refuse(Path::new("/"), &[]).contains("filesystem root"));
        assert!(refuse(root, &[]).contains("home folder"));
        fs::write(&root.join("a/site.toml"), b"").unwrap();
        assert!(refuse(&root.join("a"), &[]).contains("site root"));
        fs::create_dir_all(&root.join("b/content")).unwrap();
        assert!(refuse(&root.join("b"), &[]).contains("site root"));
        assert!(
            refuse(&root.join("c"), &[root.join("c/static")]).contains("holds the source folder")
        );
        check_out_dir(&root.join("public"), &[root.join("static")], Some(root)).unwrap();
    }

    /// Times 10,000 files of 8 KB: cold, unchanged, all changed, and one thread vs the pool.
    /// `BENCH_DIR=/dev/shm cargo test --release --lib output::tests::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "benchmark; run by hand"]
    fn bench_10k_files() {
        let parent = std::env::var_os("BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
        let tmp = tempfile::tempdir_in(parent).unwrap();
        let make = |fill: u8| -> Vec<OutputFile> {
            (0..10_000)
                .map(|i| OutputFile {
                    path: format!("{}/{}/page-{i}/index.html", i % 10, i % 100),
                    bytes: vec![fill; 8 * 1024],
                })
                .collect()
        };
        let (a, b) = (make(b'a'), make(b'b'));
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let time = |label: &str, out: &Path, files: &[OutputFile], single: bool| {
            let start = Instant::now();
            let stats = if single {
                one.install(|| write_site(out, files, &[]))
            } else {
                write_site(out, files, &[])
            };
            eprintln!("{label:>28}: {:>8.1?} {:?}", start.elapsed(), stats.unwrap());
        };
        eprintln!("in {} with {} threads", tmp.path().display(), rayon::current_num_threads());
        for (dir, single) in [("pool", false), ("one", true)] {
            let out = tmp.path().join(dir);
            time(&format!("{dir}: cold"), &out, &a, single);
            time(&format!("{dir}: unchanged"), &out, &a, single);
            time(&format!("{dir}: all changed"), &out, &b, single);
            time(&format!("{dir}: all removed"), &out, &[], single);
        }
    }
}
