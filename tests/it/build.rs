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
    assert!(written < 20, "a cached build rewrites only what changed: {}", cached.stdout);
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

#[test]
fn search_index_is_sharded_by_month_and_an_edit_rewrites_one_shard() {
    let site = TempSite::new("basic");
    site.write(
        "content/2024-04-30/01-april.md",
        "---\ntitle: 四月的稿件\nsection: 经济\n---\n\n四月正文。\n",
    );
    assert!(site.run(&["build"]).success);
    let manifest = json(&site, "public/search.json");
    let shards: Vec<(&str, u64)> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["url"].as_str().unwrap(), s["articles"].as_u64().unwrap()))
        .collect();
    assert_eq!(shards, [("/search/2024-05.json", 6), ("/search/2024-04.json", 1)]);
    assert_eq!(manifest["articles"], 7);
    let april = json(&site, "public/search/2024-04.json");
    assert_eq!(april[0]["title"], "四月的稿件");
    assert_eq!(april[0]["text"], "四月正文。");

    let may = std::fs::metadata(site.path("public/search/2024-05.json")).unwrap().modified();
    site.write(
        "content/2024-04-30/01-april.md",
        "---\ntitle: 四月的稿件\nsection: 经济\n---\n\n改过的正文。\n",
    );
    let edited = site.run(&["build"]);
    assert!(edited.success, "{}", edited.stderr);
    assert_eq!(json(&site, "public/search/2024-04.json")[0]["text"], "改过的正文。");
    let may_after = std::fs::metadata(site.path("public/search/2024-05.json")).unwrap().modified();
    assert_eq!(may.unwrap(), may_after.unwrap(), "the May shard was rewritten");

    std::fs::remove_file(site.path("content/2024-04-30/01-april.md")).unwrap();
    assert!(site.run(&["build"]).success);
    assert!(!site.path("public/search/2024-04.json").exists(), "an empty month's shard stays");
    assert_eq!(json(&site, "public/search.json")["shards"].as_array().unwrap().len(), 1);
}
