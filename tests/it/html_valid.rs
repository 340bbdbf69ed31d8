//! The built sample edition checked by external tools: every page is valid HTML
//! for the Nu HTML checker, and the home page loads cleanly in headless Chromium.
//!
//! Both build the repository's own sample (`site.toml`, `content/`, `themes/`)
//! with the real binary, as a user would. Tools come from `tools.rs`: a missing
//! one is a loud skip locally and a failure under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::tools::{self, node_with_playwright, require_tool, run_vnu, serve_dir, vnu};

/// How long one build of the sample edition may take.
const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `broadsheet build` on the repository root into `out`, panicking with
/// the binary's output if it fails.
fn build_sample(out: &Path, base_url: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    command.arg("build").arg("--root").arg(tools::repo_root()).arg("--output-dir").arg(out);
    if let Some(url) = base_url {
        command.args(["--base-url", url]);
    }
    let output = tools::run_with_deadline(&mut command, BUILD_TIMEOUT).unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Every `.html` file under `dir`, sorted.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect();
    files.sort();
    files
}

/// `files` as paths relative to `dir`.
fn relative(files: &[PathBuf], dir: &Path) -> Vec<PathBuf> {
    files.iter().map(|file| file.strip_prefix(dir).unwrap().to_path_buf()).collect()
}

#[test]

fn built_sample_edition_is_valid_html() {
    let Some(_) = require_tool("vnu", vnu()) else { return };
    let at_root = tempfile::tempdir().unwrap();
    let under_path = tempfile::tempdir().unwrap();
    build_sample(at_root.path(), None);
    build_sample(under_path.path(), Some("https://example.org/news/"));

    let pages = html_files(at_root.path());
    assert!(pages.contains(&at_root.path().join("index.html")), "no index.html in {at_root:?}");
    assert_eq!(
        relative(&pages, at_root.path()),
        relative(&html_files(under_path.path()), under_path.path()),
        "the two builds differ in pages"
    );

    // One JVM for both builds; vnu walks the folders and skips non-HTML files.
    let errors = run_vnu(&[at_root.path().to_path_buf(), under_path.path().to_path_buf()]).unwrap();
    assert!(
        errors.is_empty(),
        "the Nu HTML checker found errors in {} pages:\n{errors}",
        2 * pages.len()
    );
}

#[test]

fn sample_home_page_loads_in_browser() {
    let Some(checker) = require_tool("playwright", node_with_playwright()) else { return };
    let out = tempfile::tempdir().unwrap();
    // Built for its real base URL (https://example.org/) and served at a
    // 127.0.0.1 root: a page that loads anything by absolute URL shows up
    // in failed_requests.
    build_sample(out.path(), None);
    let (port, _guard) = serve_dir(out.path());

    let page = checker.check_page(&format!("http://127.0.0.1:{port}/")).unwrap();
    assert!(!page.title.trim().is_empty(), "no <title>: {page:?}");
    assert!(page.h1.as_deref().is_some_and(|h1| !h1.is_empty()), "no <h1>: {page:?}");
    assert!(page.console_errors.is_empty(), "console errors: {page:?}");
    assert!(page.failed_requests.is_empty(), "requests outside 127.0.0.1: {page:?}");
    assert_eq!(page.lang, "zh-CN");
}
