//! The built sample edition checked by external tools: every page is valid HTML
//! for the Nu HTML checker, the home page loads cleanly in headless Chromium, and
//! the search page finds articles through the term shards of the search index.
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

/// What `tests/browser/search_page.mjs` reports.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchReport {
    status: String,
    results: Vec<SearchResult>,
    requests: Vec<String>,
    console_errors: Vec<String>,
    failed_requests: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct SearchResult {
    title: String,
    href: String,
}

#[test]
fn search_page_finds_articles_through_the_term_shards_of_the_query() {
    let Some(checker) = require_tool("playwright", node_with_playwright()) else { return };
    let site = tempfile::tempdir().unwrap();
    let root = tools::repo_root();
    for part in ["site.toml", "content", "themes"] {
        crate::support::copy_tree_or_file(&root.join(part), &site.path().join(part));
    }
    let april = site.path().join("content/2024-04-30/01-april.md");
    std::fs::create_dir_all(april.parent().unwrap()).unwrap();
    std::fs::write(&april, "---\ntitle: 四月青岛港口新闻\nsection: 经济\n---\n\n四月的正文。\n")
        .unwrap();
    // Built under a sub-path, so the shard URLs must get the base path too.
    let served = tempfile::tempdir().unwrap();
    let out = served.path().join("news");
    let mut command = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    command.arg("build").arg("--root").arg(site.path()).arg("--output-dir").arg(&out);
    command.args(["--base-url", "https://example.org/news/"]);
    let output = tools::run_with_deadline(&mut command, BUILD_TIMEOUT).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (port, _guard) = serve_dir(served.path());

    let report = search_page(&checker, port, "?q=%E9%9D%92%E5%B2%9B"); // 青岛
    // Only the index's head, the fold table, the query term's shard and the shown results'
    // metadata are fetched: no position shard for a two-character query.
    assert_eq!(report.requests[..2], ["/news/search.json", "/news/search/fold.json"]);
    assert!(report.requests.iter().any(|r| r.starts_with("/news/search/t/")), "{report:?}");
    assert!(report.requests.iter().all(|r| !r.starts_with("/news/search/p/")), "{report:?}");
    let titles: Vec<&str> = report.results.iter().map(|r| r.title.as_str()).collect();
    assert!(titles.contains(&"四月青岛港口新闻"), "{report:?}");
    assert!(titles.len() > 1, "May articles mentioning 青岛 are missing: {report:?}");
    assert!(report.results.iter().all(|r| r.href.starts_with("/news/2024/")), "{report:?}");
    assert!(!report.status.is_empty(), "{report:?}");

    // Traditional characters find the simplified text; the section filter keeps 经济 only.
    let report = search_page(&checker, port, "?q=%E9%9D%92%E5%B3%B6&section=%E7%BB%8F%E6%B5%8E");
    let titles: Vec<&str> = report.results.iter().map(|r| r.title.as_str()).collect();
    assert!(titles.contains(&"四月青岛港口新闻"), "{report:?}");
    assert!(titles.len() < 8, "{report:?}");
    // The date range leaves out April.
    let report = search_page(&checker, port, "?q=%E9%9D%92%E5%B2%9B&from=2024-05-01");
    assert!(report.results.iter().all(|r| r.title != "四月青岛港口新闻"), "{report:?}");
    assert_eq!(report.results.len(), titles_in_may(&report));
}

/// What `tests/browser/search_typing.mjs` reports.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypingReport {
    enter_runs: u32,
    enter_results: u32,
    composing_runs: u32,
    composed_runs: u32,
    composed_start_ms: Option<f64>,
    composed_results: u32,
    console_errors: Vec<String>,
}

/// Typing then Enter runs the query once (it ran twice: Enter, then the end of the typing
/// pause redrew the same list); an input method's pinyin is not searched for while it is
/// composed, and the composed characters run at compositionend, without the typing pause.
#[test]
fn search_runs_a_typed_query_once_and_waits_for_the_input_method() {
    let Some(checker) = require_tool("playwright", node_with_playwright()) else { return };
    let served = tempfile::tempdir().unwrap();
    build_sample(served.path(), None);
    let (port, _guard) = serve_dir(served.path());
    let mut command = Command::new(checker.node());
    command.arg(checker.script("search_typing.mjs"));
    command.arg(format!("http://127.0.0.1:{port}/search/")).arg("青岛");
    let output = tools::run_with_deadline(&mut command, Duration::from_secs(90)).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: TypingReport =
        serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).unwrap();
    assert_eq!(report.enter_runs, 1, "{report:?}");
    assert!(report.enter_results > 0, "{report:?}");
    assert_eq!(report.composing_runs, 0, "pinyin was searched for: {report:?}");
    assert_eq!(report.composed_runs, 1, "{report:?}");
    assert!(report.composed_start_ms.is_some_and(|ms| ms < 100.0), "{report:?}");
    assert_eq!(report.composed_results, report.enter_results, "{report:?}");
    assert!(report.console_errors.is_empty(), "{report:?}");
}

/// How many results of `report` are dated in May 2024 (all of them when the filter works).
fn titles_in_may(report: &SearchReport) -> usize {
    report.results.iter().filter(|r| r.href.starts_with("/news/2024/05/")).count()
}

/// Runs `search_page.mjs` on the search page served at `port` with the query string `query`.
fn search_page(checker: &tools::PageChecker, port: u16, query: &str) -> SearchReport {
    let url = format!("http://127.0.0.1:{port}/news/search/{query}");
    let mut command = Command::new(checker.node());
    command.arg(checker.script("search_page.mjs")).arg(&url);
    let output = tools::run_with_deadline(&mut command, Duration::from_secs(60)).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: SearchReport = serde_json::from_str(stdout.trim()).unwrap();
    assert!(report.console_errors.is_empty(), "{report:?}");
    assert!(report.failed_requests.is_empty(), "{report:?}");
    report
}
