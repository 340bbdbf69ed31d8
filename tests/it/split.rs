//! Splitting source issues into article files: the golden sample, small fixtures in other
//! conventions, escaping, and `run`'s I/O behaviour.

use std::fs;
use std::path::{Path, PathBuf};

use broadsheet::split::{
    ArticleReport, Report, SplitConfig, SplitOptions, SplitOutcome, run, split_issue,
    unaccounted_lines,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SAMPLE: &str = "tests/fixtures/issues/qingdao-2024-05-24.md";

/// The `[split]` table and section names of the repo's `site.toml`.
fn site_config() -> (SplitConfig, Vec<String>) {
    let text = fs::read_to_string(repo().join("site.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let config = value.get("split").cloned().map(|v| v.try_into().unwrap()).unwrap_or_default();
    let sections = value["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    (config, sections)
}

fn split_sample() -> (String, SplitOutcome) {
    let text = fs::read_to_string(repo().join(SAMPLE)).unwrap();
    let (config, sections) = site_config();
    let outcome =
        split_issue(&text, "qingdao-2024-05-24.md", "2024-05-24", &config, &sections).unwrap();
    (text, outcome)
}

/// Compares `files` (name → contents) with the folder `expected`, failing on missing and
/// extra files; `UPDATE_EXPECT=1` rewrites the folder instead.
pub(crate) fn check_golden(expected: &Path, files: &[(String, String)]) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        // Files only, as the comparison below: the sample edition's `images/` is not a golden,
        // and other tests read it while this one runs.
        fs::create_dir_all(expected).unwrap();
        for entry in fs::read_dir(expected).unwrap().map(|e| e.unwrap()) {
            if entry.file_type().unwrap().is_file() {
                fs::remove_file(entry.path()).unwrap();
            }
        }
        for (name, contents) in files {
            fs::write(expected.join(name), contents).unwrap();
        }
        return;
    }
    // Only files: a content folder's `images/` (binary copies) is checked by its test.
    let mut on_disk: Vec<String> = fs::read_dir(expected)
        .unwrap_or_else(|e| {
            panic!("missing `{}` ({e}); run with UPDATE_EXPECT=1", expected.display())
        })
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut produced: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    produced.sort();
    assert_eq!(produced, on_disk, "file sets differ in `{}`", expected.display());
    for (name, contents) in files {
        let want = fs::read_to_string(expected.join(name)).unwrap();
        assert_eq!(contents, &want, "`{name}` differs from `{}`", expected.display());
    }
}

pub(crate) fn outcome_files(outcome: &SplitOutcome) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        outcome.files.iter().map(|f| (f.file_name.clone(), f.contents.clone())).collect();
    let mut json = serde_json::to_string_pretty(&outcome.report).unwrap();
    json.push('\n');
    files.push(("report.json".to_owned(), json));
    files
}

fn article(report: &Report, order: usize) -> &ArticleReport {
    &report.articles[order - 1]
}

#[test]
fn sample_matches_golden_files() {
    let (_, outcome) = split_sample();
    check_golden(&repo().join("tests/fixtures/split/qingdao/expected"), &outcome_files(&outcome));
}

#[test]
fn sample_headlines_authors_and_datelines() {
    let (_, outcome) = split_sample();
    let r = &outcome.report;
    assert_eq!(r.articles.len(), 8);
    let titles: Vec<&str> = r.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles[1], "做好关心下一代工作 促进青少年健康成长");
    assert_eq!(titles[4], "“七大行动”打造世界级海洋AI集聚区");
    assert_eq!(titles[5], "青岛市算力调度服务平台正式上线");
    assert!(titles[0].starts_with("青岛市少工委七届五次全会召开"));
    assert!(titles[6].starts_with("青岛成为“版权赋能城市高质量发展”"));
    assert!(titles[7].starts_with("市12345·青诉即办"));
    let five = article(r, 5);
    assert_eq!(five.column.as_deref(), Some("稳扎稳打有干头·打头阵当先锋"));
    assert_eq!(
        five.kicker.as_deref(),
        Some("《青岛市人工智能产业创新发展行动计划(2024—2026)》发布")
    );
    assert_eq!(article(r, 2).subtitle.as_deref(), Some("全市关工委工作会议召开"));
    assert_eq!(article(r, 4).subtitle.as_deref(), Some("市政协机关全面从严治党暨警示教育会召开"));
    assert_eq!(article(r, 6).subtitle.as_deref(), Some("实现对全市算力资源池的统一纳管和编排调度"));
    assert_eq!(article(r, 7).column.as_deref(), Some("第二十届文博会·时尚青岛"));
    let kicked: Vec<usize> =
        r.articles.iter().filter(|a| a.kicker.is_some()).map(|a| a.order).collect();
    assert_eq!(kicked, [5]);
    let authors: Vec<String> = r.articles.iter().map(|a| a.authors.join(",")).collect();
    assert_eq!(authors, ["刘佳旋", "刘佳旋", "衣涛", "蔺君妍", "孙欣", "孙欣", "马晓婷", "陈金"]);
    for a in &r.articles {
        let expected = if a.order == 7 { None } else { Some("本报5月24日讯") };
        assert_eq!(a.dateline.as_deref(), expected, "article {}", a.order);
    }
}

#[test]
fn sample_repairs() {
    let (text, outcome) = split_sample();
    let r = &outcome.report;
    let five = article(r, 5);
    assert_eq!(five.sidebars.len(), 1);
    let items: Vec<&str> = five.sidebars[0].items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        items,
        [
            "算力设施“强基”",
            "算法模型“铸魂”",
            "数据要素“提质”",
            "核心产业“固链”",
            "创新平台“领航”",
            "产业生态“聚力”",
            "场景应用“赋能”"
        ]
    );
    assert_eq!(five.paragraphs.iter().filter(|p| p.contains("清洗、标注、质检等业务")).count(), 1);
    let dups: Vec<(usize, Option<usize>)> = r
        .dropped
        .iter()
        .filter(|d| d.reason == "duplicate")
        .map(|d| (d.line, d.duplicate_of))
        .collect();
    assert_eq!(dups, [(97, Some(71)), (169, Some(165))]);
    assert!(r.joined.iter().any(|j| j.lines == [71, 87] && j.across == "sidebar"));
    assert!(r.joined.iter().any(|j| j.lines == [157, 165] && j.across == "caption"));
    let seven = article(r, 7);
    assert!(seven.paragraphs.iter().any(|p| p.ends_with("别看现场仅有绿幕")));
    assert!(seven.paragraphs.iter().any(|p| p.starts_with("创新是引领发展的第一动力")));
    assert_eq!(r.fragments.iter().map(|f| f.line).collect::<Vec<_>>(), [167]);
    assert_eq!(seven.captions.len(), 1);
    assert!(!seven.captions[0].starts_with('■'));
    let truncated: Vec<usize> =
        r.articles.iter().filter(|a| a.truncated).map(|a| a.order).collect();
    assert_eq!(truncated, [8]);
    assert!(unaccounted_lines(&text, r).is_empty());
}

#[test]
fn sample_sections_follow_site_toml() {
    let (_, outcome) = split_sample();
    let sections: Vec<&str> =
        outcome.report.articles.iter().map(|a| a.section.as_deref().unwrap()).collect();
    assert_eq!(sections, ["时政", "时政", "经济", "时政", "经济", "经济", "文化", "城市"]);
}

#[test]
fn content_folder_is_the_split_of_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let (config, sections) = site_config();
    let opts = SplitOptions {
        source: repo().join(SAMPLE),
        date: Some("2024-05-24".into()),
        out: Some(dir.path().join("out")),
        ..SplitOptions::default()
    };
    run(dir.path(), &config, &sections, &opts).unwrap();
    let written: Vec<(String, String)> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (e.file_name().to_string_lossy().into_owned(), fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    check_golden(&repo().join("content/2024-05-24"), &written);
    // The sample's photograph is copied beside the articles, byte for byte.
    let copied = fs::read(dir.path().join("out/images/p1_2.jpg")).unwrap();
    assert_eq!(copied, fs::read(repo().join("content/2024-05-24/images/p1_2.jpg")).unwrap());
}

fn split_fixture(case: &str, sections: &[&str]) -> SplitOutcome {
    let dir = repo().join("tests/fixtures/split").join(case);
    let text = fs::read_to_string(dir.join("source.md")).unwrap();
    let sections: Vec<String> = sections.iter().map(|s| (*s).to_owned()).collect();
    let outcome =
        split_issue(&text, "source.md", "2024-06-01", &SplitConfig::default(), &sections).unwrap();
    assert!(unaccounted_lines(&text, &outcome.report).is_empty(), "{:?}", outcome.report.warnings);
    check_golden(&dir.join("expected"), &outcome_files(&outcome));
    outcome
}

#[test]
fn chinese_conventions() {
    let outcome = split_fixture("chinese", &["要闻", "经济"]);
    let r = &outcome.report;
    type Row<'a> = (&'a str, Vec<String>, Option<&'a str>, Option<&'a str>);
    let summary: Vec<Row> = r
        .articles
        .iter()
        .map(|a| (a.title.as_str(), a.authors.clone(), a.dateline.as_deref(), a.section.as_deref()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        summary,
        [
            ("全市重点项目建设提速", s(&["张明", "刘芳"]), Some("本报北京5月24日电"), Some("要闻")),
            ("坚持不懈抓好作风建设", s(&[]), None, Some("要闻")),
            ("新能源汽车产业链加速集聚", s(&["陈亮"]), Some("新华社上海6月1日电"), Some("经济")),
            ("港口吞吐量再创新高", s(&["王强"]), Some("新华社青岛6月1日电"), Some("经济")),
        ]
    );
    let first = article(r, 1);
    assert_eq!(first.page.as_deref(), Some("A01"));
    assert_eq!(first.captions, ["5月23日,工人在项目现场施工。", "本报记者 王伟 摄"]);
    assert!(first.paragraphs.last().unwrap().contains("持续加大投资力度,推动一批重大项目开工。"));
    assert!(r.joined.iter().any(|j| j.across == "page"));
    assert_eq!(article(r, 2).byline.as_deref(), Some("本报评论员"));
    assert_eq!(article(r, 3).page.as_deref(), Some("A02"));
    let reasons: Vec<&str> = r.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(reasons, ["page marker", "jump line", "page marker", "jump line"]);
}

#[test]
fn english_conventions() {
    let outcome = split_fixture("english", &["News", "Sports"]);
    let r = &outcome.report;
    let titles: Vec<&str> = r.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        ["City Council Approves Harbor Plan", "Schools Open Early", "Tigers Win Opener"]
    );
    let first = article(r, 1);
    assert_eq!(first.authors, ["Sam Lee"]);
    assert_eq!(first.byline.as_deref(), Some("By SAM LEE, Staff Writer"));
    assert_eq!(first.dateline.as_deref(), Some("RIVERSIDE, Calif."));
    assert!(first.paragraphs[0].ends_with("aging infrastructure, including two new piers."));
    assert!(
        first.paragraphs[1]
            .ends_with("cast the deciding vote after a long debate. Work starts in June.")
    );
    assert_eq!(first.captions, ["Photo: Crews inspect the north pier on Monday."]);
    assert!(!first.truncated);
    assert_eq!(article(r, 2).authors, ["Jane Doe", "John Roe"]);
    let sections: Vec<&str> = r.articles.iter().map(|a| a.section.as_deref().unwrap()).collect();
    assert_eq!(sections, ["News", "News", "Sports"]);
    assert_eq!(article(r, 3).page.as_deref(), Some("B1"));
    let reasons: Vec<&str> = r.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(
        reasons,
        ["page marker", "jump line", "page marker", "jump headline", "jump line", "page marker"]
    );
}

const ESCAPES: &str = "## Escaping <b>test</b>\n\nBy Jane Doe\n\n<script>alert(1)</script> and a < b & c, {{ x }}, **bold**, # not a heading, [link](http://x), `code`.\n\n- not a list.\n\n> not a quote.\n\n1. not a list either.\n\n■Caption with <i>tags</i> & \"quotes\".\n";

#[test]
fn source_text_reaches_the_page_as_text() {
    let outcome = split_issue(ESCAPES, "x.md", "2024-06-01", &SplitConfig::default(), &[]).unwrap();
    let file = &outcome.files[0].contents;
    let body = file.splitn(3, "---\n").nth(2).unwrap();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
    for needle in [
        "&lt;script&gt;",
        "a &lt; b &amp; c",
        "{{ x }}",
        "**bold**",
        "# not a heading",
        "[link](http://x)",
        "`code`",
        "<p>- not a list.</p>",
        "<p>&gt; not a quote.</p>",
        "<p>1. not a list either.</p>",
        "Caption with &lt;i&gt;tags&lt;/i&gt; &amp; &quot;quotes&quot;.",
    ] {
        assert!(html.contains(needle), "missing {needle:?} in {html}");
    }
    for tag in [
        "<script",
        "<strong>",
        "<em>",
        "<a ",
        "<code>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<h1>",
        "<i>",
    ] {
        assert!(!html.contains(tag), "unexpected {tag:?} in {html}");
    }
    assert_eq!(outcome.report.articles[0].title, "Escaping <b>test</b>");
}

fn options(dir: &Path, source: PathBuf) -> SplitOptions {
    SplitOptions {
        source,
        date: Some("2024-05-24".into()),
        out: Some(dir.join("out")),
        ..SplitOptions::default()
    }
}

fn run_err(dir: &Path, opts: &SplitOptions) -> String {
    let (config, sections) = site_config();
    format!("{:#}", run(dir, &config, &sections, opts).unwrap_err())
}

#[test]
fn run_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let (_, outcome) = split_sample();
    let first = &outcome.files[0].file_name;
    fs::write(out.join(first), "edited by a person").unwrap();
    let mut opts = options(dir.path(), repo().join(SAMPLE));
    let err = run_err(dir.path(), &opts);
    assert!(err.contains(first.as_str()) && err.contains("use --force to overwrite"), "{err}");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1, "nothing else may be written");
    opts.force = true;
    opts.report = Some(dir.path().join("report.json"));
    let (config, sections) = site_config();
    let summary = run(dir.path(), &config, &sections, &opts).unwrap();
    assert!(summary.contains("8 articles"), "{summary}");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 9, "8 articles and the images/ folder");
    let report: Report =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report.articles.len(), 8);
}

#[test]
fn the_masthead_date_makes_date_optional() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo().join("tests/fixtures/split/herald/source.md");
    let mut opts = options(dir.path(), source);
    opts.date = None;
    let summary = run(dir.path(), &SplitConfig::default(), &[], &opts).unwrap();
    assert!(summary.starts_with("split `source.md` (2025-10-02): 5 articles"), "{summary}");
    let plain = dir.path().join("plain.md");
    fs::write(&plain, "## T\n\nText.\n").unwrap();
    let mut opts = options(dir.path(), plain);
    opts.date = None;
    let err = run_err(dir.path(), &opts);
    assert!(err.contains("no masthead date") && err.contains("--date"), "{err}");
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), repo().join(SAMPLE));
    opts.dry_run = true;
    opts.report = Some(dir.path().join("report.json"));
    let (config, sections) = site_config();
    let summary = run(dir.path(), &config, &sections, &opts).unwrap();
    assert!(summary.contains("would write 8 files"), "{summary}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn bad_sources_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        path
    };
    let cases = [
        (dir.path().join("missing.md"), "missing.md"),
        (write("empty.md", b"\n  \n"), "is empty"),
        (write("latin1.md", b"## T\n\nok\n\xff\xfe\n"), "line 4: the file is not valid UTF-8"),
        (write("plain.md", b"just some text.\n"), "no article found"),
    ];
    for (path, expected) in cases {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let err = run_err(dir.path(), &options(dir.path(), path));
        assert!(err.contains(&name) && err.contains(expected), "{err}");
    }
    let mut opts = options(dir.path(), repo().join(SAMPLE));
    opts.date = Some("24/05/2024".into());
    assert!(run_err(dir.path(), &opts).contains("invalid issue date `24/05/2024`"));
    assert!(!dir.path().join("out").exists());
}
