//! One small fixture site per feature (`tests/fixtures/sites/<name>/`), each built and compared
//! with its golden `expected/` tree: a failure points at the feature, not at one big site.
//! `errors` is compared by what the build prints: every bad file, and nothing written.

use crate::support::{TempSite, assert_tree_matches, fixture_path};

/// Builds the fixture site `name` and compares its output with `expected/`.
fn builds_as_expected(name: &str, summary: &str) {
    let site = TempSite::new(name);
    let run = site.run(&["build"]);
    assert!(run.success, "{name}: {}", run.stderr);
    assert_eq!(run.stdout.split(" in ").next().unwrap(), summary, "{name}");
    assert!(!run.stderr.contains("warning"), "{name}: {}", run.stderr);
    assert_tree_matches(&site.path("public"), &fixture_path(&format!("sites/{name}/expected")));
}

#[test]
fn sections_are_ordered_and_paginated() {
    builds_as_expected("sections", "built 13 pages (7 articles, 3 sections, 1 issue)");
}

#[test]
fn authors_get_a_page_each_and_an_index() {
    builds_as_expected("authors", "built 9 pages (4 articles, 1 section, 2 issues)");
}

#[test]
fn a_sub_path_base_url_prefixes_links_static_files_and_feeds() {
    builds_as_expected("subpath", "built 5 pages (1 article, 1 section, 1 issue)");
}

#[test]
fn feed_bodies_carry_absolute_urls_under_the_sub_path() {
    let site = TempSite::new("subpath");
    assert!(site.run(&["build"]).success);
    let atom = std::fs::read_to_string(site.path("public/atom.xml")).unwrap();
    let body = atom.split("<content type=\"html\">").nth(1).unwrap();
    // A feed reader shows the body on its own origin: `/archive/` would point off the site.
    assert!(!body.contains("href=&quot;/") && !body.contains("src=&quot;/"), "{body}");
    assert!(body.contains("href=&quot;https://example.org/news/archive/&quot;"), "{body}");
    assert!(body.contains("src=&quot;https://example.org/news/logo.svg&quot;"), "{body}");
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    builds_as_expected("override", "built 2 pages (1 article, 1 section, 1 issue)");
}

#[test]
fn feeds_sitemap_and_robots_are_generated_and_escaped() {
    builds_as_expected("feeds", "built 5 pages (4 articles, 1 section, 2 issues)");
}

#[test]
fn a_theme_with_only_an_article_template_builds_article_pages() {
    builds_as_expected("minimal", "built 1 page (1 article, 1 section, 1 issue)");
}

#[test]
fn a_build_reports_every_bad_file_and_writes_nothing() {
    let site = TempSite::new("errors");
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(!site.path("public").exists(), "a failed build wrote its output folder");
    let root = site.root().to_str().unwrap();
    let printed = run.stderr.replace(root, "<site>");
    let expected = fixture_path("sites/errors/expected/stderr.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(&expected, &printed).unwrap();
        return;
    }
    assert_eq!(printed, std::fs::read_to_string(&expected).unwrap());
}
