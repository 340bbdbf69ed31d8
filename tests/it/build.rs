//! Whole-site builds of fixture sites, compared with golden output trees, and the build
//! behaviours a user sees (drafts, base URL, second build, stale files).

use crate::support::{
    TempSite, assert_tree_matches, copy_tree, fixture_path, read_tree, repo_root,
};

#[test]
fn basic_site_matches_golden_output() {
    let site = TempSite::new("basic");
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(
        run.stdout.split(" in ").next().unwrap(),
        "built 20 pages (6 articles, 3 sections, 2 issues)"
    );
    assert_tree_matches(&site.path("public"), &fixture_path("sites/basic/expected"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    assert!(
        !std::fs::read_to_string(site.path("public/2024/05/24/index.html"))
            .unwrap()
            .contains("草稿不发布")
    );
    assert!(site.run(&["build", "--drafts"]).success);
    assert!(
        std::fs::read_to_string(site.path("public/2024/05/24/index.html"))
            .unwrap()
            .contains("草稿不发布")
    );
}

#[test]
fn second_build_writes_nothing_and_stale_pages_are_removed() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    let again = site.run(&["build"]);
    assert!(again.stdout.contains("wrote 0, "), "{}", again.stdout);
    std::fs::remove_file(site.path("content/2024-05-23/03-older.md")).unwrap();
    let after = site.run(&["build"]);
    assert!(after.success, "{}", after.stderr);
    assert!(!site.path("public/2024/05/23/geng-zao-de-yao-wen").exists());
}

#[test]
fn sub_path_base_url_prefixes_every_root_relative_link() {
    let site = TempSite::new("basic");
    let run = site.run(&["build", "--base-url", "https://example.org/news/"]);
    assert!(run.success, "{}", run.stderr);
    let home = std::fs::read_to_string(site.path("public/index.html")).unwrap();
    assert!(home.contains("href=\"/news/style.css\""), "{home}");
    assert!(home.contains("href=\"/news/sections/yaowen/\""), "{home}");
    // The `plain` theme asks for whole-page post-processing: its hand-written links get it.
    assert!(home.contains("href=\"/news/archive/\""), "{home}");
    assert!(!home.contains("href=\"/sections/"), "{home}");
    let feed = std::fs::read_to_string(site.path("public/atom.xml")).unwrap();
    assert!(feed.contains("https://example.org/news/2024/05/24/"), "{feed}");
}

/// Every root-relative `href`/`src` in `html` that lacks `prefix`.
fn unprefixed_links(html: &str, prefix: &str) -> Vec<String> {
    ["href=\"/", "src=\"/"]
        .iter()
        .flat_map(|needle| html.match_indices(needle).map(|(at, n)| &html[at + n.len() - 1..]))
        .filter(|url| !url.starts_with(prefix) && !url.starts_with("//"))
        .map(|url| url.chars().take(40).collect())
        .collect()
}

#[test]
fn the_default_theme_under_a_sub_path_gives_every_link_the_base_path() {
    let site = TempSite::new("reader");
    copy_tree(&repo_root().join("themes"), &site.path("themes"), &[]);
    site.write(
        "content/2024-05-24/09-links.md",
        "---\ntitle: 链接\nsection: 要闻\n---\n\n[往期](/archive/)与[外站](https://elsewhere.org/x)。\n",
    );
    let run = site.run(&["build", "--base-url", "https://example.org/news/"]);
    assert!(run.success, "{}", run.stderr);
    let tree = read_tree(&site.path("public"));
    let pages: Vec<_> = tree.iter().filter(|(name, _)| name.ends_with(".html")).collect();
    assert!(pages.len() > 5, "{} pages", pages.len());
    for (name, bytes) in pages {
        let html = String::from_utf8_lossy(bytes);
        assert_eq!(unprefixed_links(&html, "/news/"), Vec::<String>::new(), "in {name}");
    }
    let page = tree.iter().find(|(n, _)| n.contains("lian-jie")).expect("the links article");
    let html = String::from_utf8_lossy(&page.1);
    assert!(html.contains(r#"<a href="/news/archive/">往期</a>"#), "{html}");
    assert!(
        html.contains(r#"<a href="https://elsewhere.org/x" rel="noopener" class="external">"#),
        "{html}"
    );
}

#[test]
fn a_theme_link_to_a_missing_page_is_reported_without_whole_page_rewriting() {
    let site = TempSite::new("subpath");
    site.write(
        "templates/article.html",
        "<html><body><a href=\"{{ url(path='/nowhere/') }}\">x</a>{{ article.content | safe }}</body></html>",
    );
    let run = site.run(&["check"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(
        run.stderr.contains("error: broken link on `/2024/05/24/lian-jie/`: `/nowhere/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn body_heading_ids_stay_unique_against_ids_in_the_theme_markup() {
    let site = TempSite::new("subpath");
    site.write(
        "templates/article.html",
        "<html><body><p id=\"vote\"></p><div class=\"article-body\">{{ article.content | safe }}</div></body></html>",
    );
    site.write("content/2024-05-24/02-vote.md", "---\ntitle: 投票\n---\n\n## Vote\n\n## Vote\n");
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    let tree = read_tree(&site.path("public"));
    let page = tree.iter().find(|(n, _)| n.contains("tou-piao")).expect("the vote article");
    let html = String::from_utf8_lossy(&page.1);
    assert!(html.contains(r##"<h2 id="vote-2">Vote<a class="anchor" href="#vote-2""##), "{html}");
    assert!(html.contains(r#"<h2 id="vote-3">"#), "{html}");
}

#[test]
fn a_site_fragment_override_shows_on_every_page_and_a_cached_build_picks_up_its_edit() {
    let site = TempSite::new("reader");
    copy_tree(&repo_root().join("themes"), &site.path("themes"), &[]);
    let footer =
        "<footer>{{ page.kind }} {% if section is defined %}{{ section.slug }}{% endif %}</footer>";
    site.write("templates/fragments/footer.html", footer);
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    let home = std::fs::read_to_string(site.path("public/index.html")).unwrap();
    assert!(home.contains("<footer>index </footer>"), "{home}");
    let tree = read_tree(&site.path("public"));
    let section = tree.iter().find(|(n, _)| n.starts_with("sections/")).expect("a section page");
    let slug = section.0.split('/').nth(1).unwrap();
    let html = String::from_utf8_lossy(&section.1);
    assert!(html.contains(&format!("<footer>section {slug}</footer>")), "{html}");
    site.write("templates/fragments/footer.html", "<footer>edited</footer>");
    let again = site.run(&["build"]);
    assert!(again.success, "{}", again.stderr);
    for (name, bytes) in read_tree(&site.path("public")) {
        let html = String::from_utf8_lossy(&bytes);
        if name.ends_with(".html") && html.contains("<footer") {
            assert!(html.contains("<footer>edited</footer>"), "{name} kept the old footer");
        }
    }
}

#[test]
fn a_broken_link_in_a_fragment_is_reported_once_on_every_page_that_shows_it() {
    let site = TempSite::new("reader");
    copy_tree(&repo_root().join("themes"), &site.path("themes"), &[]);
    let footer = "<footer><a href=\"{{ url(path='/gone/') }}\">x</a></footer>";
    site.write("templates/fragments/footer.html", footer);
    let page = "{% extends \"theme/404.html\" %}{% block main %}<a href=\"{{ url(path='/gone/') }}\">again</a><a href=\"{{ url(path='/lost/') }}\">y</a>{% endblock main %}";
    site.write("templates/404.html", page);
    let run = site.run(&["check"]);
    assert!(!run.success, "{}", run.stdout);
    let lines = |link: &str| -> Vec<String> {
        let marker = format!(": `{link}` is not a page");
        run.stderr.lines().filter(|line| line.contains(&marker)).map(str::to_owned).collect()
    };
    let (gone, lost) = (lines("/gone/"), lines("/lost/"));
    let pages: std::collections::HashSet<&String> = gone.iter().collect();
    assert_eq!(pages.len(), gone.len(), "one line per page: {}", run.stderr);
    assert!(gone.len() > 10, "every page with the footer: {}", run.stderr);
    assert!(gone.iter().any(|line| line.contains("broken link on `/`")), "{}", run.stderr);
    let not_found = "broken link on `/404.html`";
    assert_eq!(lost.len(), 1, "{}", run.stderr);
    assert!(lost[0].contains(not_found), "{}", run.stderr);
    let at = |line: &str| run.stderr.find(line).unwrap_or(usize::MAX);
    let gone_404 = gone.iter().find(|line| line.contains(not_found)).expect("404 shows the footer");
    assert!(at(gone_404) < at(&lost[0]), "the fragment's link comes first: {}", run.stderr);
}

#[test]
fn text_from_content_is_escaped_not_executed() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    let tree = read_tree(&site.path("public"));
    let page = tree.iter().find(|(n, _)| n.contains("beta")).expect("article page");
    let html = String::from_utf8_lossy(&page.1);
    assert!(html.contains("A &lt; B &amp; C {{ not_a_template }}"), "{html}");
    assert!(html.contains("<title>算力调度服务平台正式上线 &lt;beta&gt; &amp; more"), "{html}");
}

#[test]
fn check_reports_broken_links_and_writes_nothing() {
    let site = TempSite::new("basic");
    site.write(
        "content/2024-05-24/05-links.md",
        "---\ntitle: 链接\n---\n\n[坏链接](/2024/01/01/nope/)\n",
    );
    let run = site.run(&["check"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("error: broken link on `/2024/05/24/lian-jie/`: `/2024/01/01/nope/`"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists());
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("paper");
    let run = crate::support::run_binary(&["init", target.to_str().unwrap()], dir.path());
    assert!(run.success, "{}", run.stderr);
    let build =
        crate::support::run_binary(&["build", "--root", target.to_str().unwrap()], dir.path());
    assert!(build.success, "{}", build.stderr);
    assert!(target.join("public/index.html").is_file());
}

#[test]
fn cached_rebuild_after_an_edit_equals_a_clean_build() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    assert!(site.path(".broadsheet-cache/state.msgpack").is_file());
    let article = "content/2024-05-24/02-economy.md";
    let text = std::fs::read_to_string(site.path(article)).unwrap();
    site.write(article, text.replace("正式上线", "正式上线运行"));
    site.write(
        "content/2024-05-23/04-new.md",
        "---\ntitle: 新增的稿件\nsection: 经济\n---\n\n新稿件。\n",
    );
    std::fs::remove_file(site.path("content/2024-05-23/03-older.md")).unwrap();
    let cached = site.run(&["build"]);
    assert!(cached.success, "{}", cached.stderr);
    let written: usize =
        cached.stdout.split("wrote ").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    // Removing the oldest article moves every document id of the search index, so its 64 term
    // and 64 position shards (the least a site has) are rewritten too: docs/search.md.
    assert!(written < 20 + 128, "a cached build rewrites only what changed: {}", cached.stdout);
    let clean = tempfile::tempdir().unwrap();
    let run = site.run(&["build", "--no-cache", "--output-dir", clean.path().to_str().unwrap()]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(read_tree(&site.path("public")), read_tree(clean.path()));
}

#[test]
fn a_build_without_the_cache_invalidates_it() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    assert!(site.run(&["build", "--no-cache"]).success);
    assert!(!site.path(".broadsheet-cache").exists());
}

#[test]
fn cached_build_removes_a_deleted_static_file() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    assert!(site.path("public/logo.txt").is_file());
    std::fs::remove_file(site.path("static/logo.txt")).unwrap();
    assert!(site.run(&["build"]).success);
    assert_eq!(std::fs::read_to_string(site.path("public/logo.txt")).unwrap(), "theme logo\n");
    std::fs::remove_file(site.path("themes/plain/static/logo.txt")).unwrap();
    assert!(site.run(&["build"]).success);
    assert!(!site.path("public/logo.txt").exists());
}

#[test]
fn a_cache_that_cannot_be_written_does_not_fail_the_build() {
    let site = TempSite::new("basic");
    site.write(".broadsheet-cache", "a file where the cache folder should be");
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.contains("the build cache is removed"), "{}", run.stderr);
    assert!(site.path("public/index.html").is_file());
}

/// Reads a JSON file of the output.
fn json(site: &TempSite, path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(site.path(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {text}"))
}

/// The modification times of every term and position shard in the output.
fn shard_times(site: &TempSite) -> Vec<std::time::SystemTime> {
    let manifest = json(site, "public/search.json");
    let shards = 1_u64 << manifest["shardBits"].as_u64().unwrap();
    let paths = (0..shards)
        .flat_map(|s| [format!("public/search/t/{s}.json"), format!("public/search/p/{s}.txt")]);
    paths.map(|p| std::fs::metadata(site.path(&p)).unwrap().modified().unwrap()).collect()
}

/// What a clean build of a copy of `site` answers, read back from its index (a copy: the
/// site's own build cache stays as it is).
fn clean_answers(site: &TempSite) -> crate::search_index::Answers {
    let copy = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&site.path(""), copy.path(), &["public", ".broadsheet-cache"]);
    let report = broadsheet::build::build(copy.path(), &Default::default()).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    crate::search_index::read(&copy.path().join("public"))
}

/// A clean build of a copy of `site` into the copy's own `public/`: the copy's path.
fn clean_copy(site: &TempSite) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&site.path(""), copy.path(), &["public", ".broadsheet-cache"]);
    let report = broadsheet::build::build(copy.path(), &Default::default()).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    copy
}

/// Whether `site`'s `public/` holds, byte for byte, what a clean build of it writes.
fn same_as_clean(site: &TempSite) -> bool {
    let copy = clean_copy(site);
    crate::search_index::same_site(&site.path("public"), &copy.path().join("public"))
}

#[test]
fn search_index_is_sharded_by_term_and_a_build_after_an_edit_writes_what_a_clean_build_does() {
    let site = TempSite::new("basic");
    site.write(
        "content/2024-04-30/01-april.md",
        "---\ntitle: 四月的稿件\nsection: 经济\n---\n\n四月正文。\n",
    );
    assert!(site.run(&["build"]).success);
    let manifest = json(&site, "public/search.json");
    assert_eq!(manifest["version"], 4);
    assert_eq!(manifest["docs"], 7);
    assert_eq!(manifest["delta"], 0);
    // The oldest article is document 0: its metadata, where its text is, its issue date.
    assert_eq!(manifest["dates"][0], serde_json::json!([0, "2024-04-30"]));
    let row = &json(&site, "public/search/d/0.json")[0];
    assert_eq!(row[0], "四月的稿件");
    let texts = std::fs::read(site.path("public/search/x/0.txt")).unwrap();
    let (start, len) = (row[5].as_u64().unwrap() as usize, row[6].as_u64().unwrap() as usize);
    assert_eq!(&texts[start..start + len], "四月正文。".as_bytes());
    let answers = crate::search_index::read(&site.path("public"));
    assert_eq!(answers, clean_answers(&site));
    assert!(same_as_clean(&site));

    // `build` after an edit assembles it into the shards (a watch update would send it as
    // a delta): what it writes depends only on the content, not on the build before.
    site.write(
        "content/2024-04-30/01-april.md",
        "---\ntitle: 四月的稿件\nsection: 经济\n---\n\n改过的正文。\n",
    );
    let edited = site.run(&["build"]);
    assert!(edited.success, "{}", edited.stderr);
    assert_eq!(json(&site, "public/search.json")["delta"], 0);
    assert!(!site.path("public/search/delta.json").exists());
    assert!(same_as_clean(&site), "a build after an edit differs from a clean build");

    std::fs::remove_file(site.path("content/2024-04-30/01-april.md")).unwrap();
    assert!(site.run(&["build"]).success);
    assert_eq!(json(&site, "public/search.json")["docs"], 6);
    assert!(same_as_clean(&site), "a build after a removal differs from a clean build");
}

#[test]
fn a_watch_edit_past_the_delta_limit_assembles_the_shards_again() {
    use broadsheet::build::{BuildOptions, Session};
    let site = TempSite::new("basic");
    let options = BuildOptions { cache: true, ..BuildOptions::default() };
    let mut session = Session::start(site.root(), &options).unwrap();
    assert!(session.rebuild().failures.is_empty());
    let before = shard_times(&site);
    let file = site.path("content/2024-05-24/01-lead.md");
    let lead = std::fs::read_to_string(&file).unwrap();
    site.write("content/2024-05-24/01-lead.md", format!("{lead}\n\n短的补充。\n"));
    session.reload_files(std::slice::from_ref(&file));
    assert!(session.update().failures.is_empty());
    assert_eq!(json(&site, "public/search.json")["delta"], 1, "a small edit is a delta");
    assert_eq!(shard_times(&site), before, "a small edit rewrites no shard");
    // More text than search/delta.json may carry (64 KB).
    let long = "长篇报道的正文。".repeat(3000);
    site.write("content/2024-05-24/01-lead.md", format!("{lead}\n\n{long}\n"));
    session.reload_files(std::slice::from_ref(&file));
    assert!(session.update().failures.is_empty());
    assert_eq!(json(&site, "public/search.json")["delta"], 0);
    assert!(!site.path("public/search/delta.json").exists());
    assert_ne!(shard_times(&site), before);
    assert_eq!(crate::search_index::read(&site.path("public")), clean_answers(&site));
}

#[test]
fn a_no_op_build_keeps_the_search_index_and_restores_a_deleted_shard() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    let shard = site.path("public/search/t/0.json");
    let bytes = std::fs::read(&shard).unwrap();
    let manifest = std::fs::read(site.path("public/search.json")).unwrap();
    let again = site.run(&["build"]);
    assert!(again.success, "{}", again.stderr);
    assert_eq!(std::fs::read(&shard).unwrap(), bytes);
    assert_eq!(std::fs::read(site.path("public/search.json")).unwrap(), manifest);

    // A kept index is only trusted while all of it is there: a missing file is made again.
    std::fs::remove_file(&shard).unwrap();
    let restored = site.run(&["build"]);
    assert!(restored.success, "{}", restored.stderr);
    assert_eq!(std::fs::read(&shard).unwrap(), bytes);
}
