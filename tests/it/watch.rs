//! Watch mode: incremental rebuilds must equal a clean build byte for byte, after any sequence
//! of edits (randomized, through the `Session` API), and the real watcher (the binary) must
//! pick up edits, creations, deletions, renames, template and static changes, and recover from
//! a broken file. Waits are deadline-based polls; nothing sleeps a fixed time.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use broadsheet::build::{BuildOptions, Session};

use crate::tools::wait_until;

const SECTIONS: [&str; 4] = ["City", "Business", "Culture", "Sport"];
const AUTHORS: [&str; 3] = ["Jane Doe", "Li Wei", "Ana Lima"];
const TEMPLATES: [&str; 4] = ["base.html", "article.html", "partials/summary.html", "section.html"];

/// A 64-bit xorshift: enough randomness for edit sequences, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Copies the watch fixture into a temporary folder; returns (tempdir, site root).
pub(crate) fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = site.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, site)
}

/// Every file under `dir`, by relative path. A file removed while the walk runs (the watcher
/// may be committing) is left out rather than failing the walk; callers that need a settled
/// tree compare until it matches.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            Some((relative, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

/// Asserts `out` holds exactly what a clean build of `site` writes. The search postings are
/// compared by what they answer: a watch session keeps its edits in `search/delta.json` rather
/// than re-assembling most shards, where a clean build has them in the shards.
pub(crate) fn assert_equals_clean_build(site: &Path, out: &Path, step: &str) {
    let clean = tempfile::tempdir().unwrap();
    let options = BuildOptions { output_dir: Some(clean.path().into()), ..BuildOptions::default() };
    let report = broadsheet::build::build(site, &options).unwrap();
    assert!(report.failures.is_empty(), "{step}: clean build failed: {:?}", report.failures);
    if clean.path().join("search.json").exists() {
        let same = crate::search_index::read(out) == crate::search_index::read(clean.path());
        assert!(same, "{step}: the search index answers differently from a clean build's");
    }
    let postings = |t: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        t.into_iter().filter(|(name, _)| !crate::search_index::is_postings_file(name)).collect()
    };
    let (expected, actual) = (postings(tree(clean.path())), postings(tree(out)));
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected), "{step}: different files");
    for (name, bytes) in &expected {
        assert!(
            actual[name] == *bytes,
            "{step}: `{name}` differs\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&actual[name]),
            String::from_utf8_lossy(bytes)
        );
    }
}

pub(crate) fn article_text(
    title: &str,
    section: &str,
    author: &str,
    order: usize,
    body: &str,
) -> String {
    format!(
        "---\ntitle: {title}\nsection: {section}\nauthors: [{author}]\norder: {order}\n---\n\n{body}\n"
    )
}

fn articles(site: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(site).unwrap().to_path_buf())
        .collect();
    list.sort();
    list
}

/// Replaces the value of `key:` in a front matter.
fn set_field(site: &Path, file: &Path, key: &str, value: &str) {
    let text = std::fs::read_to_string(site.join(file)).unwrap();
    let prefix = format!("{key}: ");
    let text: Vec<String> = text
        .lines()
        .map(|l| if l.starts_with(&prefix) { format!("{prefix}{value}") } else { l.to_owned() })
        .collect();
    std::fs::write(site.join(file), text.join("\n") + "\n").unwrap();
}

/// Sets `key:` in a front matter, adding the line after the title when it is not there.
fn put_field(site: &Path, file: &Path, key: &str, value: &str) {
    let text = std::fs::read_to_string(site.join(file)).unwrap();
    let prefix = format!("{key}: ");
    if text.lines().any(|l| l.starts_with(&prefix)) {
        return set_field(site, file, key, value);
    }
    let text = text.replacen("\ntitle: ", &format!("\n{prefix}{value}\ntitle: "), 1);
    std::fs::write(site.join(file), text).unwrap();
}

/// Applies one random edit; returns its description and the content paths it touched
/// (`None` when templates changed).
fn random_edit(rng: &mut Rng, site: &Path, step: usize) -> (String, Option<Vec<PathBuf>>) {
    let list = articles(site);
    let file = list[rng.below(list.len())].clone();
    let path = site.join(&file);
    match rng.below(9) {
        0 => {
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str(&format!("\nAdded paragraph {step}.\n"));
            // Saved as `sed -i` does: a temporary file beside it, renamed over it; the watcher
            // reports both paths.
            let temporary = file.with_file_name(format!("sed{step:06}"));
            std::fs::write(site.join(&temporary), text).unwrap();
            std::fs::rename(site.join(&temporary), &path).unwrap();
            (format!("edit body of {}", file.display()), Some(vec![file, temporary]))
        }
        1 => {
            set_field(site, &file, "title", &format!("Retitled {step}"));
            (format!("retitle {}", file.display()), Some(vec![file]))
        }
        2 => {
            set_field(site, &file, "section", SECTIONS[rng.below(SECTIONS.len())]);
            (format!("move {} to another section", file.display()), Some(vec![file]))
        }
        3 => {
            set_field(site, &file, "authors", &format!("[{}]", AUTHORS[rng.below(3)]));
            (format!("change author of {}", file.display()), Some(vec![file]))
        }
        4 => {
            let day = ["2024-05-23", "2024-05-24", "2024-05-25"][rng.below(3)];
            let new = PathBuf::from(format!("content/{day}/{step:02}-new.md"));
            let text = article_text(
                &format!("New story {step}"),
                SECTIONS[rng.below(4)],
                AUTHORS[rng.below(3)],
                rng.below(6),
                &format!("Fresh text {step}."),
            );
            std::fs::create_dir_all(site.join(&new).parent().unwrap()).unwrap();
            std::fs::write(site.join(&new), text).unwrap();
            (format!("add {}", new.display()), Some(vec![new]))
        }
        5 if list.len() > 2 => {
            std::fs::remove_file(&path).unwrap();
            (format!("delete {}", file.display()), Some(vec![file]))
        }
        6 => {
            let renamed = file.with_file_name(format!("{step:02}-renamed.md"));
            std::fs::rename(&path, site.join(&renamed)).unwrap();
            (
                format!("rename {} → {}", file.display(), renamed.display()),
                Some(vec![file, renamed]),
            )
        }
        7 => {
            // Fields that change what summaries show but not the site's structure.
            let (key, value) = [
                ("kicker", format!("Kicker {step}")),
                ("summary", format!("Summary {step}.")),
                ("date", "2024-05-20".to_owned()),
                ("tags", format!("[tag{step}]")),
            ][rng.below(4)]
            .clone();
            put_field(site, &file, key, &value);
            (format!("set {key} of {}", file.display()), Some(vec![file]))
        }
        _ => {
            let name = TEMPLATES[rng.below(TEMPLATES.len())];
            let template = site.join("themes/mini/templates").join(name);
            let mut text = std::fs::read_to_string(&template).unwrap();
            text = text.replacen("</", &format!("<!-- edit {step} --></"), 1);
            std::fs::write(&template, text).unwrap();
            (format!("edit template {name}"), None)
        }
    }
}

#[test]
fn incremental_rebuilds_equal_a_clean_build_after_random_edits() {
    for seed in [0x9E37_79B9_7F4A_7C15_u64, 42, 7_777_777] {
        let (dir, site) = fixture_copy();
        let out = dir.path().join("out");
        let options = BuildOptions { output_dir: Some(out.clone()), ..BuildOptions::default() };
        let mut session = Session::start(&site, &options).unwrap();
        assert!(session.update().failures.is_empty());
        assert_equals_clean_build(&site, &out, "initial build");
        let mut rng = Rng(seed);
        for step in 1..=40 {
            if rng.below(8) == 0 {
                break_and_fix(&mut session, &site, &out, &mut rng, step);
                continue;
            }
            let (what, touched) = random_edit(&mut rng, &site, step);
            match touched {
                Some(paths) => session.reload_files(&paths),
                None => session.reload_templates().unwrap(),
            }
            let report = session.update();
            let step = format!("seed {seed:#x}, step {step}: {what}");
            assert!(report.failures.is_empty(), "{step}: {:?}", report.failures);
            assert_equals_clean_build(&site, &out, &step);
        }
    }
}

/// Breaks an article's front matter: the update fails naming the file and line, the output
/// stays as it was; fixing it rebuilds.
fn break_and_fix(session: &mut Session, site: &Path, out: &Path, rng: &mut Rng, step: usize) {
    let list = articles(site);
    let file = list[rng.below(list.len())].clone();
    let good = std::fs::read_to_string(site.join(&file)).unwrap();
    let before = tree(out);
    std::fs::write(site.join(&file), good.replacen("title: ", "title: [unclosed ", 1)).unwrap();
    session.reload_files(std::slice::from_ref(&file));
    let report = session.update();
    assert_eq!(report.failures.len(), 1, "step {step}: {:?}", report.failures);
    assert_eq!(report.failures[0].path, file);
    assert!(tree(out) == before, "step {step}: a failed update changed the output");
    std::fs::write(site.join(&file), good).unwrap();
    session.reload_files(std::slice::from_ref(&file));
    assert!(session.update().failures.is_empty());
    assert_equals_clean_build(site, out, &format!("step {step}: fixed {}", file.display()));
}

/// `broadsheet watch` running on a site; killed on drop.
pub(crate) struct Watcher {
    child: Child,
    lines: Receiver<String>,
}

impl Watcher {
    pub(crate) fn start(site: &Path, out: &Path) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
            .args(["watch", "--root"])
            .arg(site)
            .arg("--output-dir")
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        Watcher { child, lines }
    }

    /// Whether the watcher is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits (up to 30 s) for the watcher to exit; its exit code.
    pub(crate) fn wait_for_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(30);
        assert!(wait_until(deadline, || self.child.try_wait().unwrap().is_some()), "still running");
        self.child.wait().unwrap().code()
    }

    /// The watcher's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (up to 30 s) for an output line containing `needle`; returns the lines seen.
    pub(crate) fn wait_for_line(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => {
                    seen.push(line);
                    return seen;
                }
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no line with {needle:?} within 30 s; saw {seen:#?}");
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap_or_default()
}

/// Waits until the output matches a clean build of the site and `check` holds.
/// Waits until the output shows a change, then until it equals a clean build. The first sign
/// of a change can be seen while the same rebuild is still moving pages in and removing gone
/// ones (or before the second half of a rename-save arrives): comparing at once failed on a
/// loaded machine although the watcher finished with the right output.
pub(crate) fn settle(site: &Path, out: &Path, step: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    assert!(wait_until(deadline, check), "{step}: output never showed the change");
    let clean = tempfile::tempdir().unwrap();
    let options = BuildOptions { output_dir: Some(clean.path().into()), ..BuildOptions::default() };
    let report = broadsheet::build::build(site, &options).unwrap();
    assert!(report.failures.is_empty(), "{step}: clean build failed: {:?}", report.failures);
    let expected = tree(clean.path());
    if !wait_until(deadline, || tree(out) == expected) {
        assert_equals_clean_build(site, out, step);
    }
}

#[test]
fn watch_rebuilds_on_every_kind_of_change() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    assert_equals_clean_build(&site, &out, "initial build");
    let budget = "content/2024-05-24/01-budget.md";
    let budget_page = "2024/05/24/budget-vote/index.html";

    let text = std::fs::read_to_string(site.join(budget)).unwrap();
    std::fs::write(site.join(budget), text.replace("voted the budget", "passed the budget"))
        .unwrap();
    let lines = watcher.wait_for_line("rebuilt");
    assert!(lines.last().unwrap().contains("1 article changed (content/2024-05-24/01-budget.md)"));
    settle(&site, &out, "edit", || read(&out, "index.html").contains("passed the budget"));

    // A save by `sed -i`: a temporary file beside the article, renamed over it. The temporary
    // file is no change of its own.
    let sed_tmp = site.join("content/2024-05-24/sedAb12Cd");
    let text = std::fs::read_to_string(site.join(budget)).unwrap();
    std::fs::write(&sed_tmp, format!("{text}\nSaved by sed.\n")).unwrap();
    std::fs::rename(&sed_tmp, site.join(budget)).unwrap();
    let lines = watcher.wait_for_line("rebuilt");
    let line = lines.last().unwrap();
    assert!(line.contains("1 article changed (content/2024-05-24/01-budget.md)"), "{line}");
    settle(&site, &out, "sed save", || read(&out, budget_page).contains("Saved by sed."));

    let new = site.join("content/2024-05-24/05-regatta.md");
    std::fs::write(&new, article_text("Regatta", "Culture", "Ana Lima", 5, "Boats raced."))
        .unwrap();
    settle(&site, &out, "create", || read(&out, "authors/ana-lima/index.html").contains("Regatta"));

    std::fs::remove_file(&new).unwrap();
    settle(&site, &out, "delete", || !out.join("authors/ana-lima").exists());

    // A rename-save, as vim or JetBrains do: write a temp file, rename it over the original.
    let tmp = site.join("content/2024-05-24/01-budget.md___jb_tmp___");
    let text = std::fs::read_to_string(site.join(budget)).unwrap();
    std::fs::write(&tmp, text.replace("title: Budget vote", "title: Budget approved")).unwrap();
    std::fs::rename(&tmp, site.join(budget)).unwrap();
    settle(&site, &out, "rename-save", || {
        out.join("2024/05/24/budget-approved/index.html").exists()
    });
    assert!(!out.join(budget_page).exists());

    let renamed = site.join("content/2024-05-24/09-budget.md");
    std::fs::rename(site.join(budget), &renamed).unwrap();
    settle(&site, &out, "rename", || read(&out, "index.html").contains("Budget approved"));

    let template = site.join("themes/mini/templates/article.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, text.replace("<article>", "<article class=\"story\">")).unwrap();
    settle(&site, &out, "template", || {
        read(&out, "2024/05/24/budget-approved/index.html").contains("class=\"story\"")
    });

    let good = std::fs::read_to_string(&renamed).unwrap();
    std::fs::write(&renamed, good.replace("title: ", "title: [")).unwrap();
    // stderr and stdout are read on two threads: wait for the located error line itself.
    watcher.wait_for_line("error: content/2024-05-24/09-budget.md:");
    assert_equals_clean_build_before_break(&out);
    std::fs::write(&renamed, good.replace("passed the budget", "approved the budget")).unwrap();
    settle(&site, &out, "fix", || read(&out, "index.html").contains("approved the budget"));

    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/style.css"), "body{color:navy}").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    assert!(wait_until(deadline, || read(&out, "style.css") == "body{color:navy}"));
}

/// After a broken edit the last good pages stay: the page still has the previous text.
fn assert_equals_clean_build_before_break(out: &Path) {
    assert!(read(out, "index.html").contains("passed the budget"));
}

/// An edited article goes to `search/delta.json`: the term shards are left as they were, and
/// the index answers as a clean build's does.
#[test]
fn a_watch_edit_keeps_the_search_shards_and_writes_a_delta() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    // With the build cache, as `watch` and `build` run: the next build knows what this one
    // wrote (and may remove).
    let options =
        BuildOptions { output_dir: Some(out.clone()), cache: true, ..BuildOptions::default() };
    let mut session = Session::start(&site, &options).unwrap();
    assert!(session.update().failures.is_empty());
    let shards = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        tree(out).into_iter().filter(|(name, _)| name.starts_with("search/t/")).collect()
    };
    let before = shards(&out);
    let file = articles(&site)[0].clone();
    let text = std::fs::read_to_string(site.join(&file)).unwrap();
    std::fs::write(site.join(&file), format!("{text}\n\nZebracorn 斑马角兽。\n")).unwrap();
    session.reload_files(std::slice::from_ref(&file));
    assert!(session.update().failures.is_empty());
    assert_eq!(shards(&out), before, "a term shard was rewritten");
    let delta = read(&out, "search/delta.json");
    assert!(delta.contains("Zebracorn 斑马角兽"), "{delta}");
    assert_equals_clean_build(&site, &out, "after one edit");

    // The next whole build (`build`, or `watch` started again) writes what a clean build
    // writes, byte for byte: the edit goes into the shards and the delta is gone.
    drop(session);
    let mut again = Session::start(&site, &options).unwrap();
    assert!(again.rebuild().failures.is_empty());
    assert!(!out.join("search/delta.json").exists(), "the delta outlived a whole build");
    let clean = tempfile::tempdir().unwrap();
    let options = BuildOptions { output_dir: Some(clean.path().into()), ..BuildOptions::default() };
    assert!(broadsheet::build::build(&site, &options).unwrap().failures.is_empty());
    assert!(crate::search_index::same_site(&out, clean.path()), "a whole build after watch");
}
