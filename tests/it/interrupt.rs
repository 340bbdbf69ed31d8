//! Issue #11, interruption: a build killed (SIGKILL) at random points leaves nothing that the
//! next cached build trusts wrongly; SIGINT/SIGTERM leave the old site or the new one and say
//! so; a corrupted build cache is detected, not trusted. Bounded (a few hundred articles):
//! `scripts/kill_test.sh` runs the same checks on 10,000 articles by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_tree, read_tree, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_broadsheet");

/// A generated site at `<dir>/site`, with the content trees `A` and `B` (B: edits, one
/// article gone, one added) kept beside it to switch between.
struct Corpus {
    dir: tempfile::TempDir,
}

impl Corpus {
    fn new(articles: usize) -> Corpus {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        assert!(Command::new(BIN).arg("init").arg(&site).output().unwrap().status.success());
        std::fs::remove_dir_all(site.join("content")).unwrap();
        let generated = Command::new("python3")
            .arg(repo_root().join("scripts/gen_corpus.py"))
            .arg(&site)
            .args(["--articles", &articles.to_string(), "--layout", "issue"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(generated.success());
        let a = dir.path().join("A");
        copy_tree(&site.join("content"), &a, &[]);
        let b = dir.path().join("B");
        copy_tree(&a, &b, &[]);
        mutate(&b);
        Corpus { dir }
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Replaces the site's content with tree `name`.
    fn switch(&self, name: &str) {
        let content = self.site().join("content");
        std::fs::remove_dir_all(&content).unwrap();
        copy_tree(&self.dir.path().join(name), &content, &[]);
    }

    /// A clean build (no cache, fresh folder) of tree `name`.
    fn reference(&self, name: &str) -> Vec<(String, Vec<u8>)> {
        self.switch(name);
        let out = self.dir.path().join(format!("ref-{name}"));
        let _ = std::fs::remove_dir_all(&out);
        let run = build(&self.site(), &["--no-cache", "--output-dir", out.to_str().unwrap()]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        read_tree(&out)
    }
}

/// Edits every tenth article, deletes one and adds one.
fn mutate(content: &Path) {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for file in files.iter().step_by(10) {
        let mut text = std::fs::read_to_string(file).unwrap();
        text.push_str("\n补记:本段为修改后的内容。\n");
        std::fs::write(file, text).unwrap();
    }
    std::fs::remove_file(&files[1]).unwrap();
    let added = files[2].with_file_name("99-added.md");
    std::fs::write(added, "---\ntitle: 新增的文章\n---\n\n新增的正文。\n").unwrap();
}

fn build(site: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(BIN).arg("build").arg("--root").arg(site).args(extra).output().unwrap()
}

/// How long a cached build of B after A takes, to aim the kills.
fn duration_of_build(corpus: &Corpus) -> Duration {
    corpus.switch("A");
    assert!(build(&corpus.site(), &[]).status.success());
    corpus.switch("B");
    let started = Instant::now();
    assert!(build(&corpus.site(), &[]).status.success());
    started.elapsed()
}

/// Starts a cached build and sends `signal` after `delay`; returns its output.
fn signalled_build(site: &Path, signal: &str, delay: Duration) -> std::process::Output {
    let child = Command::new(BIN)
        .arg("build")
        .arg("--root")
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status();
    child.wait_with_output().unwrap()
}

/// Kill points spread over the build, with a fixed jitter (no RNG crate needed).
fn points(total: Duration, count: u32) -> Vec<Duration> {
    (0..count)
        .map(|i| total * (2 * i + 1) / (2 * count) + Duration::from_millis(u64::from(i) * 7))
        .collect()
}

#[test]
fn a_killed_build_is_repaired_by_the_next_cached_build() {
    let corpus = Corpus::new(150);
    let (ref_a, ref_b) = (corpus.reference("A"), corpus.reference("B"));
    let total = duration_of_build(&corpus);
    for (i, delay) in points(total, 5).into_iter().enumerate() {
        // Build A with the cache, then kill a build of B; the next build is of B or, every
        // other time, of A again: the cache must not vouch for pages B's build replaced.
        corpus.switch("A");
        assert!(build(&corpus.site(), &[]).status.success());
        corpus.switch("B");
        signalled_build(&corpus.site(), "KILL", delay);
        let (name, expected) = if i % 2 == 0 { ("B", &ref_b) } else { ("A", &ref_a) };
        corpus.switch(name);
        let run = build(&corpus.site(), &[]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let got = read_tree(&corpus.site().join("public"));
        assert!(
            got == *expected,
            "after a kill at {delay:?} the build of {name} differs from a clean one"
        );
    }
}

#[test]
fn sigint_and_sigterm_leave_the_old_site_or_the_new_one_and_say_so() {
    let corpus = Corpus::new(150);
    let (ref_a, ref_b) = (corpus.reference("A"), corpus.reference("B"));
    let total = duration_of_build(&corpus);
    for (i, delay) in points(total, 4).into_iter().enumerate() {
        corpus.switch("A");
        assert!(build(&corpus.site(), &[]).status.success());
        corpus.switch("B");
        let signal = if i % 2 == 0 { "INT" } else { "TERM" };
        let run = signalled_build(&corpus.site(), signal, delay);
        let got = read_tree(&corpus.site().join("public"));
        assert!(got == ref_a || got == ref_b, "SIG{signal} at {delay:?} left a mix");
        if !run.status.success() {
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(stderr.contains(&format!("interrupted by SIG{signal}")), "{stderr}");
            assert_eq!(run.status.code(), Some(130), "{stderr}");
        }
    }
}

#[test]
fn a_corrupted_build_cache_is_detected_and_not_trusted() {
    let site = crate::support::TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    let segments = site.path(".broadsheet-cache/content");
    let mut changed = 0;
    for entry in std::fs::read_dir(&segments).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // Same length, still valid MessagePack: only a checksum can tell.
        let needle = "Yesterday's lead".as_bytes();
        if let Some(at) = bytes.windows(needle.len()).position(|w| w == needle) {
            let mut bad = bytes.clone();
            bad[at..at + needle.len()].copy_from_slice(b"YESTERDAY'S LEAD");
            std::fs::write(&path, bad).unwrap();
            changed += 1;
        }
    }
    assert_eq!(changed, 1, "the fixture's cache should hold the title once");
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    let trusted = read_tree(&site.path("public"))
        .iter()
        .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("YESTERDAY'S LEAD"));
    assert!(!trusted, "the corrupted cache was trusted");
    // Truncated files are ignored too.
    for entry in std::fs::read_dir(&segments).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    std::fs::write(site.path(".broadsheet-cache/state.msgpack"), b"\x93").unwrap();
    assert!(site.run(&["build"]).success);
}
