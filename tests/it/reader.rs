//! The reader's edition on the `reader` fixture site (three issues over two months, four
//! printed pages each, the repository's broadsheet theme): its golden output tree, the news
//! metadata of article pages, the Google News sitemap, print page (版面) navigation, the
//! archive calendar, and the proof in a real browser: home, an issue front, a page view, an
//! article, a section, the archive and search load with no console error, no request beyond
//! 127.0.0.1 and no critical or serious axe-core violation, with screenshots at 390 and
//! 1280 px in `target/screenshots/reader/`; search finds exactly the articles that contain
//! the query; the Nu HTML checker finds no error on any page.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::{TempSite, assert_tree_matches, copy_tree, fixture_path, repo_root};
use crate::tools::{self, node_with_playwright_and_axe, require_tool, run_vnu, serve_dir, vnu};

/// The reader fixture in a temporary folder, with the repository's themes.
fn reader_site() -> TempSite {
    let site = TempSite::new("reader");
    copy_tree(&repo_root().join("themes"), &site.path("themes"), &[]);
    site
}

/// Builds `site`, failing with the binary's output if the build fails.
fn build(site: &TempSite, extra: &[&str]) {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let run = site.run(&args);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
}

fn read(site: &TempSite, relative: &str) -> String {
    std::fs::read_to_string(site.path(relative))
        .unwrap_or_else(|e| panic!("cannot read `{relative}`: {e}"))
}

/// The built page of the article whose (escaped) title starts with `title`.
fn article_page(site: &TempSite, title: &str) -> String {
    let needle = format!("<h1 class=\"headline\">{title}");
    crate::support::read_tree(&site.path("public"))
        .into_iter()
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .find(|html| html.contains(&needle))
        .unwrap_or_else(|| panic!("no article page titled {title}"))
}

/// The text of the page's one `<script type="application/ld+json">`.
fn json_ld_text(html: &str) -> &str {
    let open = "<script type=\"application/ld+json\">";
    assert_eq!(html.matches(open).count(), 1, "one JSON-LD script: {html}");
    let start = html.find(open).unwrap() + open.len();
    &html[start..start + html[start..].find("</script>").unwrap()]
}

/// Removes from `public` what the golden tree leaves out: the theme's static files (its own
/// business, and byte-for-byte copies) and the search index files (checked in the browser
/// below, by what search finds); the search page itself is pinned.
fn strip_unpinned(public: &Path) {
    for entry in std::fs::read_dir(repo_root().join("themes/broadsheet/static")).unwrap() {
        let name = entry.unwrap().file_name();
        let _ = std::fs::remove_file(public.join(&name));
    }
    let _ = std::fs::remove_file(public.join("search.json"));
    for entry in std::fs::read_dir(public.join("search")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "json") {
            std::fs::remove_file(path).unwrap();
        }
    }
}

#[test]
fn reader_site_matches_golden_output() {
    let site = reader_site();
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(
        run.stdout.split(" in ").next().unwrap(),
        "built 44 pages (15 articles, 4 sections, 3 issues)"
    );
    strip_unpinned(&site.path("public"));
    assert_tree_matches(&site.path("public"), &fixture_path("sites/reader/expected"));
}

#[test]
fn article_json_ld_is_valid_escaped_news_article() {
    let site = reader_site();
    let title = "标题</script><script>alert(1)</script> & \"引号\" \\ 结束";
    site.write(
        "content/2024-05-24/07-hostile.md",
        format!(
            "---\ntitle: '{}'\nsubtitle: 副题 <b>粗</b>\nauthors: [陈静, 王海]\ndateline: 本报5月24日讯\n\
             section: 经济\npage: A02\ncolumn: 观察\norder: 7\n---\n\n正文。\n",
            title.replace('\'', "''")
        ),
    );
    build(&site, &[]);
    let html = article_page(&site, "标题&lt;");
    let text = json_ld_text(&html);
    assert!(!text.contains('<') && !text.contains('>'), "markup in JSON-LD: {text}");
    assert!(text.contains("\\u003c/script\\u003e"), "{text}");
    let ld: Value = serde_json::from_str(text).expect("JSON-LD is valid JSON");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], title);
    assert_eq!(ld["alternativeHeadline"], "副题 <b>粗</b>");
    assert_eq!(ld["datePublished"], "2024-05-24");
    let authors: Vec<(&str, &str)> = ld["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["@type"].as_str().unwrap(), a["name"].as_str().unwrap()))
        .collect();
    assert_eq!(authors, [("Person", "陈静"), ("Person", "王海")]);
    assert_eq!(ld["articleSection"], "经济");
    assert_eq!(ld["dateline"], "本报5月24日讯");
    assert_eq!(ld["printEdition"], "2024-05-24");
    assert_eq!((&ld["printPage"], &ld["printSection"]), (&"A02".into(), &"经济".into()));
    assert_eq!(ld["printColumn"], "观察");
    assert_eq!(ld["isPartOf"]["@type"], "PublicationIssue");
    assert_eq!(ld["isPartOf"]["url"], "https://news.example.org/2024/05/24/");
    assert_eq!(ld["publisher"]["name"], "海滨日报社");
    assert_eq!(ld["publisher"]["logo"]["url"], "https://news.example.org/favicon.svg");
    assert!(ld["url"].as_str().unwrap().starts_with("https://news.example.org/2024/05/24/"));
    assert!(ld.get("image").is_none(), "no image without article.image: {ld}");
    let canonical = format!("<link rel=\"canonical\" href=\"{}\">", ld["url"].as_str().unwrap());
    assert!(html.contains(&canonical), "{html}");
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"), "{html}");
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"), "{html}");
}

#[test]
fn news_sitemap_lists_the_last_two_days_and_robots_links_it() {
    let site = reader_site();
    build(&site, &[]);
    let xml = read(&site, "public/news-sitemap.xml");
    assert!(xml.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""), "{xml}");
    let locs: Vec<&str> =
        xml.split("<loc>").skip(1).map(|s| &s[..s.find("</loc>").unwrap()]).collect();
    assert_eq!(locs.len(), 11, "the articles of 05-24 and 05-23: {xml}");
    assert!(locs.iter().all(|l| l.starts_with("https://news.example.org/2024/05/2")), "{xml}");
    assert!(xml.contains("<news:name>海滨日报</news:name><news:language>zh-cn</news:language>"));
    assert!(xml.contains("<news:publication_date>2024-05-23</news:publication_date>"), "{xml}");
    assert!(!xml.contains("2024-04-30"), "an older issue is not news: {xml}");
    let robots = read(&site, "public/robots.txt");
    assert!(robots.contains("Sitemap: https://news.example.org/news-sitemap.xml\n"), "{robots}");

    build(&site, &["--base-url", "/"]);
    assert!(!site.path("public/news-sitemap.xml").exists(), "no absolute URLs, no news sitemap");
    assert!(!read(&site, "public/robots.txt").contains("news-sitemap"));
}

#[test]
fn page_views_list_their_articles_and_link_pages_and_issues() {
    let site = reader_site();
    build(&site, &[]);
    let page = read(&site, "public/2024/05/23/A02/index.html");
    assert!(page.contains("<h1 class=\"page-title\">第A02版 <span class=\"page-title__section\">· 经济</span></h1>"), "{page}");
    let first = page.find("芯片产业园签约十家企业").expect("first article of A02");
    let second = page.find("算力调度平台接入五家机构").expect("second article of A02");
    assert!(first < second, "print order");
    assert!(!page.contains("滨海公园改造完工"), "an A03 article on A02");
    assert!(page.contains("href=\"/2024/05/23/A01/\" rel=\"prev\""), "上一版");
    assert!(page.contains("href=\"/2024/05/23/A03/\" rel=\"next\""), "下一版");
    assert!(page.contains("<a href=\"/2024/04/30/\">← 上一期"), "{page}");
    assert!(page.contains("<a href=\"/2024/05/24/\">下一期"), "{page}");
    assert!(page.contains("keys.js"), "arrow keys on page views");

    let front = read(&site, "public/2024/05/23/index.html");
    for (url, label) in [("A01", "要闻"), ("A02", "经济"), ("A03", "城市"), ("A04", "文化")]
    {
        let link = format!("<a href=\"/2024/05/23/{url}/\">第{url}版 · {label}</a>");
        assert!(front.contains(&link), "the front lists {url}: {front}");
    }
    let article = article_page(&site, "算力调度平台接入五家机构");
    assert!(
        article.contains("<a class=\"story__page\" href=\"/2024/05/23/A02/\">第A02版 · 经济</a>"),
        "{article}"
    );
}

#[test]
fn moving_an_article_to_another_page_updates_the_page_views_like_a_clean_build() {
    let site = reader_site();
    build(&site, &[]);
    let file = "content/2024-05-23/03-compute.md";
    site.write(file, read(&site, file).replace("page: A02", "page: A03"));
    build(&site, &[]);
    let moved = read(&site, "public/2024/05/23/A03/index.html");
    assert!(moved.contains("算力调度平台接入五家机构"), "{moved}");
    assert!(!read(&site, "public/2024/05/23/A02/index.html").contains("算力调度平台接入五家机构"));
    let clean = tempfile::tempdir().unwrap();
    build(&site, &["--no-cache", "--output-dir", clean.path().to_str().unwrap()]);
    let same = crate::search_index::same_site(&site.path("public"), clean.path());
    assert!(same, "cached build differs from clean");
}

#[test]
fn an_article_url_equal_to_a_page_view_is_an_error_naming_the_file() {
    let site = reader_site();
    site.write(
        "content/2024-05-24/08-clash.md",
        "---\ntitle: 撞名\nslug: A01\npage: A01\n---\n\n正文。\n",
    );
    let run = site.run(&["build"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("content/2024-05-24/08-clash.md"), "{}", run.stderr);
    assert!(run.stderr.contains("print page's (版面) URL"), "{}", run.stderr);
}

#[test]
fn english_papers_label_pages_without_leading_zeros() {
    let site = reader_site();
    let config = read(&site, "site.toml").replace("language = \"zh-CN\"", "language = \"en\"");
    site.write("site.toml", config);
    build(&site, &[]);
    let article = article_page(&site, "算力调度平台接入五家机构");
    assert!(article.contains(">Page A2 · 经济</a>"), "{article}");
    let page = read(&site, "public/2024/05/23/A02/index.html");
    assert!(page.contains("<h1 class=\"page-title\">Page A2 "), "{page}");
    assert!(page.contains("Previous page"), "{page}");
}

#[test]
fn archive_shows_a_calendar_per_month_and_a_year_index() {
    let site = reader_site();
    build(&site, &[]);
    let archive = read(&site, "public/archive/index.html");
    assert_eq!(archive.matches("<table class=\"calendar\"").count(), 2, "May and April");
    assert_eq!(archive.matches("<th scope=\"col\">").count(), 14, "seven weekdays each");
    assert!(archive.contains("<abbr title=\"星期一\">一</abbr>"), "weeks start on Monday");
    for date in ["2024/05/24", "2024/05/23", "2024/04/30"] {
        assert!(archive.contains(&format!("<a href=\"/{date}/\" aria-label=")), "{date}");
    }
    assert!(archive.contains("<a href=\"#month-2024-04\">2024年4月</a>"), "{archive}");
    assert!(archive.contains("id=\"month-2024-04\""), "{archive}");
    // May 2024 starts on a Wednesday: two empty cells before the 1st.
    let may = &archive[archive.find("id=\"month-2024-05\"").unwrap()..];
    let body = &may[may.find("<tbody>").unwrap()..];
    let first_row = &body[..body.find("</tr>").unwrap()];
    assert_eq!(first_row.matches("<td></td>").count(), 2, "{first_row}");
}

#[test]
fn reader_site_is_valid_html() {
    let Some(_) = require_tool("vnu", vnu()) else { return };
    let site = reader_site();
    build(&site, &[]);
    let errors = run_vnu(&[site.path("public")]).unwrap();
    assert!(errors.is_empty(), "the Nu HTML checker found errors:\n{errors}");
}

/// One page the browser visits; `search` pages wait for search.js and report its results;
/// `press` is a key pressed once the page is checked, and the report says where it went.
#[derive(serde::Serialize)]
struct Visit {
    name: &'static str,
    path: String,
    search: bool,
    press: Option<&'static str>,
}

impl Visit {
    fn page(name: &'static str, path: &str) -> Visit {
        Visit { name, path: path.to_owned(), search: false, press: None }
    }
}

/// What `tests/browser/reader_pages.mjs` reports about one page.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageReport {
    name: String,
    title: String,
    h1: Option<String>,
    console_errors: Vec<String>,
    failed_requests: Vec<String>,
    axe: Vec<AxeViolation>,
    search: Option<SearchReport>,
    screenshots: Vec<PathBuf>,
    after_press: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct AxeViolation {
    id: String,
    impact: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct SearchReport {
    status: String,
    results: Vec<SearchResult>,
}

#[derive(Debug, serde::Deserialize)]
struct SearchResult {
    title: String,
}

/// The search queries the browser runs (the part after `/search/`), each with the query
/// words every listed article must contain. Add `&section=…` cases here when search filters.
const SEARCHES: &[(&str, &str)] = &[("?q=%E7%AE%97%E5%8A%9B", "算力")];

/// The titles of the fixture's articles whose file contains `word`: what search must list.
fn titles_containing(site: &TempSite, word: &str) -> BTreeSet<String> {
    crate::support::read_tree(&site.path("content"))
        .into_iter()
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .filter(|text| text.contains(word))
        .map(|text| text.lines().find_map(|l| l.strip_prefix("title: ")).unwrap().to_owned())
        .collect()
}

#[test]
fn reader_pages_pass_in_the_browser_with_no_serious_axe_violation() {
    let Some(checker) = require_tool("playwright and axe-core", node_with_playwright_and_axe())
    else {
        return;
    };
    let site = reader_site();
    build(&site, &[]);
    let (port, _guard) = serve_dir(&site.path("public"));
    let article = "/2024/05/23/suan-li-diao-du-ping-tai-jie-ru-wu-jia-ji-gou/";
    let mut visits = vec![
        Visit::page("home", "/"),
        Visit::page("issue", "/2024/05/23/"),
        Visit { press: Some("ArrowRight"), ..Visit::page("page", "/2024/05/23/A02/") },
        Visit { press: Some("ArrowLeft"), ..Visit::page("article", article) },
        Visit::page("section", "/sections/jingji/"),
        Visit::page("archive", "/archive/"),
    ];
    let names = ["search", "search-2", "search-3", "search-4"];
    for (i, (query, _)) in SEARCHES.iter().enumerate() {
        let path = format!("/search/{query}");
        visits.push(Visit { search: true, ..Visit::page(names[i], &path) });
    }
    let shots = repo_root().join("target/screenshots/reader");
    let mut command = Command::new(checker.node());
    command
        .arg(checker.script("reader_pages.mjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&shots)
        .arg(serde_json::to_string(&visits).unwrap());
    let output = tools::run_with_deadline(&mut command, Duration::from_secs(300)).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let reports: Vec<PageReport> = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(reports.len(), visits.len());
    for report in &reports {
        assert!(!report.title.is_empty() && report.h1.is_some(), "{report:?}");
        assert!(report.console_errors.is_empty(), "console errors: {report:?}");
        assert!(report.failed_requests.is_empty(), "requests beyond 127.0.0.1: {report:?}");
        let serious: Vec<String> = report
            .axe
            .iter()
            .filter(|v| matches!(v.impact.as_deref(), Some("critical" | "serious")))
            .map(|v| format!("{} ({:?})", v.id, v.impact))
            .collect();
        assert!(serious.is_empty(), "axe on {}: {serious:?}", report.name);
        assert!(report.screenshots.iter().all(|shot| shot.is_file()), "{report:?}");
    }
    let went = |name: &str| reports.iter().find(|r| r.name == name).unwrap().after_press.clone();
    assert_eq!(went("page").as_deref(), Some("/2024/05/23/A03/"), "→ on a page view: 下一版");
    assert_eq!(
        went("article").as_deref(),
        Some("/2024/05/23/xin-pian-chan-ye-yuan-qian-yue-shi-jia-qi-ye/"),
        "← on an article: the previous article of the issue"
    );
    let searched = reports.iter().filter(|r| r.search.is_some());
    for (report, (query, word)) in searched.zip(SEARCHES) {
        let search = report.search.as_ref().unwrap();
        let found: BTreeSet<String> = search.results.iter().map(|r| r.title.clone()).collect();
        assert_eq!(found, titles_containing(&site, word), "search {query}: {search:?}");
        assert!(!search.status.is_empty(), "{search:?}");
    }
}
