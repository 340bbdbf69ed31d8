//! One-shot builds with the build cache: a build where nothing changed writes nothing and
//! still reports the site, and a build after any kind of change (text, title, new or deleted
//! article, template, static file, `site.toml`, an image, a deleted output file) equals a clean
//! build; retitles applied to a kept model in place move pages as a clean build does.

use std::time::Duration;

use crate::support::{TempSite, read_tree};

/// Longer than a tick of the file-time clock: files written just before a build cannot vouch
/// for themselves by their stamps, so the build would not record that it read them.
const SETTLE: Duration = Duration::from_millis(40);

/// The basic fixture, built once with the cache, its files older than a clock tick.
fn built_site() -> TempSite {
    let site = TempSite::new("basic");
    std::thread::sleep(SETTLE);
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    site
}

/// `wrote N, M unchanged` from a summary line.
fn written_and_unchanged(stdout: &str) -> (usize, usize) {
    let rest = stdout.split("wrote ").nth(1).unwrap_or_else(|| panic!("no summary: {stdout}"));
    let mut numbers = rest.split([',', ' ']).filter_map(|word| word.parse().ok());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

/// The `(… articles, … sections, … issues)` part of a summary line.
fn counts(stdout: &str) -> &str {
    let start = stdout.find('(').unwrap_or(0);
    let end = stdout.find(')').unwrap_or(stdout.len());
    &stdout[start..end]
}

/// Asserts that `public/` holds, byte for byte, what a clean build writes.
fn assert_equals_clean_build(site: &TempSite, change: &str) {
    let clean = clean_build(site);
    assert!(
        crate::search_index::same_site(&site.path("public"), clean.path()),
        "after {change}, the cached build differs from a clean build"
    );
}

/// After watch updates: like [`assert_equals_clean_build`], the search postings compared by
/// what they answer (edits are in `search/delta.json`).
fn assert_answers_like_clean_build(site: &TempSite, change: &str) {
    let clean = clean_build(site);
    assert!(
        crate::search_index::answers_like(&site.path("public"), clean.path()),
        "after {change}, the updated output differs from a clean build"
    );
}

fn clean_build(site: &TempSite) -> tempfile::TempDir {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().to_str().unwrap();
    let run = site.run(&["build", "--no-cache", "--output-dir", out]);
    assert!(run.success, "{}", run.stderr);
    clean
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_reports_the_same_site() {
    let site = TempSite::new("basic");
    std::thread::sleep(SETTLE);
    let first = site.run(&["build"]);
    assert!(site.path(".broadsheet-cache/unchanged.msgpack").is_file());
    let before = read_tree(&site.path("public"));
    let again = site.run(&["build"]);
    assert!(again.success, "{}", again.stderr);
    let (written, unchanged) = written_and_unchanged(&first.stdout);
    assert_eq!(written_and_unchanged(&again.stdout), (0, written + unchanged), "{}", again.stdout);
    assert_eq!(counts(&again.stdout), counts(&first.stdout));
    assert!(again.stdout.starts_with("built 0 pages ("), "{}", again.stdout);
    assert_eq!(read_tree(&site.path("public")), before);
}

#[test]
fn a_deleted_or_altered_output_file_is_noticed_by_the_next_build() {
    let site = built_site();
    std::fs::remove_file(site.path("public/index.html")).unwrap();
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(written_and_unchanged(&run.stdout).0, 1, "{}", run.stdout);
    assert_equals_clean_build(&site, "deleting an output page");
    std::thread::sleep(SETTLE);
    assert!(site.run(&["build"]).success);
    site.write("public/logo.txt", "tampered\n");
    assert!(site.run(&["build"]).success);
    assert_equals_clean_build(&site, "altering a copied static file");
}

/// Replaces the first `from` in a file of the site.
fn edit(site: &TempSite, file: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(file)).unwrap();
    assert!(text.contains(from), "{file} holds no `{from}`");
    site.write(file, text.replacen(from, to, 1));
}

/// A change a user makes to a site between two builds, and its name.
type Change = (&'static str, fn(&TempSite));

/// Each kind of change a user makes between two builds, applied to a built site.
fn changes() -> Vec<Change> {
    vec![
        ("a text edit", |site| {
            let file = "content/2024-05-24/02-economy.md";
            let text = std::fs::read_to_string(site.path(file)).unwrap();
            site.write(file, format!("{text}\n追加的一段正文。\n"));
        }),
        ("a same-length text edit", |site| {
            edit(site, "content/2024-05-24/02-economy.md", "正式上线", "正式开通")
        }),
        ("a retitle", |site| {
            edit(site, "content/2024-05-24/01-lead.md", "title: ", "title: 新标题 ")
        }),
        ("a new article", |site| {
            site.write(
                "content/2024-05-23/04-new.md",
                "---\ntitle: 新增的稿件\nsection: 经济\n---\n\n新稿件。\n",
            )
        }),
        ("a deleted article", |site| {
            std::fs::remove_file(site.path("content/2024-05-23/03-older.md")).unwrap()
        }),
        ("a template change", |site| {
            let file = "themes/plain/templates/article.html";
            let text = std::fs::read_to_string(site.path(file)).unwrap();
            site.write(file, format!("{text}<!-- changed -->\n"));
        }),
        ("a static file change", |site| site.write("static/logo.txt", "a new logo\n")),
        ("a new static file", |site| site.write("static/extra.txt", "extra\n")),
        ("a site.toml change", |site| edit(site, "site.toml", "测试日报", "测试晚报")),
    ]
}

#[test]
fn a_cached_build_after_each_kind_of_change_equals_a_clean_build() {
    for (change, apply) in changes() {
        let site = built_site();
        apply(&site);
        let run = site.run(&["build"]);
        assert!(run.success, "after {change}: {}", run.stderr);
        assert_equals_clean_build(&site, change);
        // The build after it has nothing to do, and says so with the new counts.
        std::thread::sleep(SETTLE);
        let settled = site.run(&["build"]);
        let again = site.run(&["build"]);
        assert_eq!(written_and_unchanged(&again.stdout).0, 0, "after {change}: {}", again.stdout);
        assert_eq!(counts(&again.stdout), counts(&settled.stdout), "after {change}");
        assert_equals_clean_build(&site, change);
    }
}

#[test]
fn a_build_with_other_options_does_not_take_the_last_one_for_its_own() {
    let site = built_site();
    let drafts = site.run(&["build", "--drafts"]);
    assert!(drafts.success, "{}", drafts.stderr);
    assert!(written_and_unchanged(&drafts.stdout).0 > 0, "{}", drafts.stdout);
    let with_drafts = read_tree(&site.path("public"));
    assert!(with_drafts.iter().any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("草稿")));
    std::thread::sleep(SETTLE);
    assert!(site.run(&["build"]).success);
    let without = site.run(&["build"]);
    assert_eq!(written_and_unchanged(&without.stdout).0, 0, "{}", without.stdout);
    assert_equals_clean_build(&site, "a build with drafts, then one without");
}

#[test]
fn a_watch_update_leaves_no_record_that_vouches_for_the_old_output() {
    use broadsheet::build::{BuildOptions, Session};
    let site = built_site();
    let article = site.path("content/2024-05-24/02-economy.md");
    let (original, modified) = {
        let file = std::fs::File::open(&article).unwrap();
        (std::fs::read(&article).unwrap(), file.metadata().unwrap().modified().unwrap())
    };
    let options = BuildOptions { cache: true, ..BuildOptions::default() };
    let mut session = Session::start(site.root(), &options).unwrap();
    assert!(session.rebuild().failures.is_empty());
    let text = String::from_utf8(original.clone()).unwrap();
    site.write("content/2024-05-24/02-economy.md", text.replace("正式上线", "正式开通"));
    session.reload_files(std::slice::from_ref(&article));
    assert!(session.update().failures.is_empty());
    drop(session);
    // The file is put back as it was, time included: the inputs are again what the first
    // build recorded, but the output is not what it wrote.
    std::fs::write(&article, &original).unwrap();
    std::fs::File::options().write(true).open(&article).unwrap().set_modified(modified).unwrap();
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert_equals_clean_build(&site, "a watch update, then the file put back");
}

#[test]
fn retitles_applied_in_place_move_pages_as_a_clean_build_does() {
    use broadsheet::build::{BuildOptions, Session};
    let site = built_site();
    let options = BuildOptions { cache: true, ..BuildOptions::default() };
    let mut session = Session::start(site.root(), &options).unwrap();
    assert!(session.rebuild().failures.is_empty());
    let economy = "content/2024-05-24/02-economy.md";
    let original = std::fs::read_to_string(site.path(economy)).unwrap();
    // The economy article (printed before the culture one) takes the culture article's
    // title: its slug, and the culture article's (now `-2`), both move.
    let steps: [(&str, &str, &str); 3] = [
        (economy, "title: \"算力调度服务平台正式上线 <beta> & more\"", "title: 版权展区亮相文博会"),
        (economy, "title: 版权展区亮相文博会", "title: 另一个标题"),
        ("content/2024-05-24/01-lead.md", "title: ", "title: 新的 "),
    ];
    for (file, from, to) in steps {
        edit(&site, file, from, to);
        session.reload_files(&[site.path(file)]);
        let report = session.update();
        assert!(report.failures.is_empty(), "{:?}", report.failures);
        assert_answers_like_clean_build(&site, &format!("retitling {file} to `{to}`"));
    }
    site.write(economy, original);
    session.reload_files(&[site.path(economy)]);
    assert!(session.update().failures.is_empty());
    assert_answers_like_clean_build(&site, "the economy article's title put back");
}

#[test]
fn a_cached_build_after_an_image_change_equals_a_clean_build() {
    let sample = |name: &str| {
        let path = crate::support::repo_root().join("tests/fixtures/images").join(name);
        std::fs::read(path).unwrap()
    };
    let site = TempSite::new("basic");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n[images]\nwidths = [320]\nquality = 60\n"));
    site.write("content/2024-06-01/images/photo.jpg", sample("harbour.jpg"));
    site.write(
        "content/2024-06-01/01-photo.md",
        "---\ntitle: 港口新貌\nsection: 要闻\n---\n\n第一段。\n\n![港口](images/photo.jpg)\n",
    );
    std::thread::sleep(SETTLE);
    assert!(site.run(&["build"]).success);
    site.write("content/2024-06-01/images/photo.jpg", sample("tower.jpg"));
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert_equals_clean_build(&site, "replacing an image");
    std::thread::sleep(SETTLE);
    assert!(site.run(&["build"]).success);
    let again = site.run(&["build"]);
    assert_eq!(written_and_unchanged(&again.stdout).0, 0, "{}", again.stdout);
}
