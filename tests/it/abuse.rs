//! Issue #11, items 9 and 10: careless or hostile input gets an error that names the file,
//! the line and what to do, and site-level traps (relative sitemaps, unbounded templates, raw
//! HTML) are handled or switched off. Each test failed before its fix.

use crate::support::{Run, TempSite};

/// The fixture's article whose front matter the tests below break.
const ARTICLE: &str = "content/2024-05-23/02-more.md";

/// The fixture site with `line` added to the front matter of [`ARTICLE`] (before `title:`,
/// so it is line 2), built.
fn build_with_field(line: &str) -> Run {
    let site = TempSite::new("basic");
    let text = std::fs::read_to_string(site.path(ARTICLE)).unwrap();
    site.write(ARTICLE, text.replacen("title:", &format!("{line}\ntitle:"), 1));
    site.run(&["build"])
}

fn first_error(run: &Run) -> &str {
    assert!(!run.success, "the build succeeded:\n{}", run.stderr);
    run.stderr.lines().next().unwrap_or_default()
}

#[test]
fn authors_that_are_not_names_say_what_authors_must_be() {
    for value in ["5", "{name: x}", "[[a, b]]"] {
        let run = build_with_field(&format!("authors: {value}"));
        assert_eq!(
            first_error(&run),
            format!(
                "error: {ARTICLE}:2: `authors` must be a name or a list of names, e.g. `authors: [Jane Doe]`"
            ),
            "authors: {value}"
        );
    }
    let run = build_with_field("tags: {a: 1}");
    assert!(first_error(&run).contains(":2: `tags` must be a word or a list of words"));
}

#[test]
fn a_slug_with_nothing_to_make_a_url_from_is_refused_with_file_and_line() {
    for slug in ["..", ".", "/", "\"!!!\"", "\"../..\""] {
        let run = build_with_field(&format!("slug: {slug}"));
        let error = first_error(&run);
        assert!(
            error.starts_with(&format!("error: {ARTICLE}:2: `slug` = ")),
            "slug: {slug}: {error}"
        );
        assert!(error.contains("has no letter or digit to make a URL from"), "{error}");
        assert!(error.contains("or remove the line"), "{error}");
    }
}

#[test]
fn dates_that_do_not_exist_say_why() {
    let cases = [
        ("2023-02-29", "February 2023 has 28 days"),
        ("2024-04-31", "April 2024 has 30 days"),
        ("2024-13-01", "there is no month 13"),
        ("2024-05-00", "days start at 01"),
    ];
    for (date, why) in cases {
        let run = build_with_field(&format!("date: {date}"));
        let error = first_error(&run);
        assert!(
            error.contains(&format!(":2: `date` = \"{date}\" is no such day: {why}")),
            "{error}"
        );
    }
}

#[test]
fn a_yaml_alias_bomb_names_the_line_of_the_aliases() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]");
    for (name, inner) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip("abcdefgh".chars()) {
        let refs = vec![format!("*{inner}"); 9].join(", ");
        yaml.push_str(&format!("\n{name}: &{name} [{refs}]"));
    }
    let run = build_with_field(&yaml);
    let error = first_error(&run);
    // `a:` is line 2, its first user `b:` line 3.
    assert!(error.starts_with(&format!("error: {ARTICLE}:3: YAML aliases")), "{error}");
    assert!(error.contains("alias bomb"), "{error}");
}

#[test]
fn a_failing_filter_names_the_template_file_line_and_the_article() {
    let site = TempSite::new("basic");
    let theme = std::fs::read_to_string(site.path("themes/plain/templates/article.html")).unwrap();
    let broken = theme.replacen("<h1>", "{{ article.title | date(format=\"%Y\") }}\n<h1>", 1);
    site.write("templates/article.html", &broken);
    let line = broken.lines().position(|l| l.contains("| date(")).unwrap() + 1;
    let run = site.run(&["build"]);
    assert!(!run.success);
    let error = run.stderr.lines().find(|l| l.contains("02-more.md")).expect(&run.stderr);
    assert!(error.contains("the page of `content/2024-05-23/02-more.md`"), "{error}");
    assert!(error.contains(&format!("template `templates/article.html:{line}`")), "{error}");
    assert!(error.contains("Filter call 'date' failed"), "{error}");
    assert!(error.contains("fix the `date` filter's use or its input"), "{error}");

    // In a parent template the file is the parent's, found by its call of the filter.
    let site = TempSite::new("basic");
    let base = std::fs::read_to_string(site.path("themes/plain/templates/base.html")).unwrap();
    site.write("templates/base.html", format!("{{{{ \"x\" | long_date }}}}\n{base}"));
    let run = site.run(&["build"]);
    assert!(run.stderr.contains("template `templates/base.html:1`"), "{}", run.stderr);
    assert!(!run.stderr.contains("template `date`"), "{}", run.stderr);
}

#[test]
fn a_template_error_common_to_every_article_is_reported_once() {
    let site = TempSite::new("basic");
    let theme = std::fs::read_to_string(site.path("themes/plain/templates/article.html")).unwrap();
    site.write("templates/article.html", theme.replacen("<h1>", "{{ article.nope }}<h1>", 1));
    let run = site.run(&["build"]);
    assert_eq!(
        run.stderr.matches("Variable `article.nope` not found").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("templates/article.html:"), "{}", run.stderr);
}

/// The fixture site with `toml` appended to its `site.toml`.
fn site_with_toml(toml: &str) -> TempSite {
    let site = TempSite::new("basic");
    let text = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{text}\n{toml}\n"));
    site
}

#[test]
fn an_article_landing_on_a_generated_page_names_the_article_file() {
    let site = site_with_toml("[permalinks]\narticle = \"/:slug/\"");
    let text = std::fs::read_to_string(site.path(ARTICLE)).unwrap();
    site.write(ARTICLE, text.replacen("title:", "slug: archive\ntitle:", 1));
    let run = site.run(&["build"]);
    assert_eq!(
        first_error(&run),
        format!(
            "error: {ARTICLE}: this article's page and the archive page would both be written to \
             `archive/index.html` (the URL `/archive/`); give this article another `slug`, or \
             change `permalinks.article` in site.toml"
        )
    );
    assert!(!site.path("public").exists());
}

#[test]
fn a_section_landing_on_a_generated_page_names_the_site_toml_key() {
    let site = site_with_toml("[permalinks]\nsection = \"/:slug/\"");
    let text = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", text.replace("slug = \"jingji\"", "slug = \"authors\""));
    let run = site.run(&["build"]);
    let error = first_error(&run);
    assert!(error.starts_with("error: site.toml: the index of section `经济` (slug `authors`)"));
    assert!(error.contains("the list of authors would both be written to `authors/index.html`"));
    assert!(error.contains("`[[sections]]` entry of site.toml, or change `permalinks.section`"));
}

#[test]
fn without_a_host_in_base_url_the_sitemap_is_left_out_with_one_warning() {
    let site = TempSite::new("basic");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        toml.replace("base_url = \"https://example.org/\"", "base_url = \"/\""),
    );
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert!(!site.path("public/sitemap.xml").exists(), "a sitemap with relative <loc>s");
    assert_eq!(run.stderr.matches("`sitemap.xml` is not written").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("set `base_url = \"https://your.domain/\"`"), "{}", run.stderr);
    let robots = std::fs::read_to_string(site.path("public/robots.txt")).unwrap();
    assert!(!robots.contains("Sitemap"), "{robots}");
    // Atom ids must be absolute IRIs: stable `urn:uuid:`s, the same on the next build.
    let atom = std::fs::read_to_string(site.path("public/atom.xml")).unwrap();
    let ids: Vec<&str> =
        atom.split("<id>").skip(1).map(|s| &s[..s.find("</id>").unwrap()]).collect();
    assert!(ids.len() > 1 && ids.iter().all(|id| id.starts_with("urn:uuid:")), "{ids:?}");
    std::fs::remove_dir_all(site.path("public")).unwrap();
    assert!(site.run(&["build"]).success);
    assert_eq!(std::fs::read_to_string(site.path("public/atom.xml")).unwrap(), atom);

    // With a host, the sitemap is back with absolute URLs, and no warning.
    let run = site.run(&["build", "--base-url", "https://example.org/news/"]);
    assert!(!run.stderr.contains("sitemap"), "{}", run.stderr);
    let sitemap = std::fs::read_to_string(site.path("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/news/archive/</loc>"), "{sitemap}");
}

#[test]
fn init_ignores_what_builds_write_and_its_placeholders_are_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let run = crate::support::run_binary(&["init", site.to_str().unwrap()], dir.path());
    assert!(run.success, "{}", run.stderr);
    let placeholders: Vec<_> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == ".keep" || n == ".gitkeep"))
        .collect();
    let gitignore =
        std::fs::read_to_string(site.join(".gitignore")).expect("init writes .gitignore");
    for ignored in ["/public/", "/.public.staging/", "/.public.lock", "/.broadsheet-cache/"] {
        assert!(gitignore.lines().any(|l| l == ignored), "{ignored} missing:\n{gitignore}");
    }
    let run = crate::support::run_binary(&["build", "--root", site.to_str().unwrap()], dir.path());
    assert!(run.success, "{}", run.stderr);
    assert!(site.join(".public.lock").exists() && site.join(".broadsheet-cache").is_dir());
    for entry in walkdir::WalkDir::new(site.join("public")) {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name != ".keep" && name != ".gitkeep", "{name} was published ({placeholders:?})");
    }
}

#[test]
fn a_template_range_past_the_limit_is_an_error_not_gigabytes() {
    for (call, says) in [
        ("range(end=100000000)", "would make 100000000 numbers, more than the 100000"),
        ("range(end=5, step_by=0)", "`step_by=0` would never end"),
    ] {
        let site = TempSite::new("basic");
        site.write(
            "templates/404.html",
            format!("{{% for i in {call} %}}{{{{ i }}}}{{% endfor %}}\n"),
        );
        let started = std::time::Instant::now();
        let run = site.run(&["build"]);
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{call} took too long");
        assert!(!run.success, "{call}");
        assert!(run.stderr.contains(says), "{call}: {}", run.stderr);
        assert!(run.stderr.contains("template `templates/404.html:1`"), "{}", run.stderr);
    }
    let site = TempSite::new("basic");
    site.write(
        "templates/404.html",
        "{% for i in range(start=2, end=11, step_by=3) %}{{ i }},{% endfor %}",
    );
    assert!(site.run(&["build"]).success);
    assert_eq!(std::fs::read_to_string(site.path("public/404.html")).unwrap(), "2,5,8,");
}

#[test]
fn unsafe_html_false_drops_raw_html_and_script_links_from_bodies() {
    let body =
        "\n<script>steal()</script>\n\nText <iframe src=x></iframe> [go](javascript:steal())\n";
    let page_of = |site: &TempSite| {
        walkdir::WalkDir::new(site.path("public"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.ends_with("index.html"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .find(|html| html.contains("Text "))
            .expect("the article page")
    };
    let default = TempSite::new("basic");
    let text = std::fs::read_to_string(default.path(ARTICLE)).unwrap();
    default.write(ARTICLE, format!("{text}{body}"));
    assert!(default.run(&["build"]).success);
    assert!(page_of(&default).contains("<script>steal()</script>"), "the default keeps raw HTML");

    let site = site_with_toml("[markdown]\nunsafe_html = false");
    site.write(ARTICLE, format!("{text}{body}"));
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    let page = page_of(&site);
    assert!(!page.contains("steal()</script>") && !page.contains("<iframe"), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(page.contains("<a href=\"#\">go</a>"), "{page}");
}

/// The build cache sits in the site (`.broadsheet-cache/`), shared by every output folder
/// of the site, while each output folder has its own lock: a cache saved by a build of
/// another output folder is never trusted (its key names the output folder), so a page gone
/// since the last build of this folder is still removed from it.
#[test]
fn a_cache_saved_for_another_output_folder_is_not_trusted() {
    let site = TempSite::new("basic");
    let (one, two) = (site.path("out-one"), site.path("out-two"));
    let build = |out: &std::path::Path| {
        let run = site.run(&["build", "--output-dir", out.to_str().unwrap()]);
        assert!(run.success, "{}", run.stderr);
    };
    build(&one);
    let page = one.join("2024/05/23/qian-yi-tian-de-jing-ji-xin-wen/index.html");
    assert!(page.is_file());
    std::fs::remove_file(site.path(ARTICLE)).unwrap();
    build(&two);
    build(&one);
    assert!(!page.exists(), "a stale page stayed: the other folder's cache was trusted");
    let clean = site.path("clean");
    build(&clean);
    assert!(crate::support::read_tree(&one) == crate::support::read_tree(&clean));
}

/// `broadsheet split <source> --date 2024-05-24 --out out` in a temporary folder, timed;
/// it must end by itself with an exit status (no panic, no abort) within `limit`.
fn split(source: &[u8], extra: &[&str]) -> (tempfile::TempDir, Run, std::time::Duration) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("issue.txt"), source).unwrap();
    let mut args = vec!["split", "issue.txt", "--date", "2024-05-24", "--out", "out"];
    args.extend(extra);
    let started = std::time::Instant::now();
    let run = crate::support::run_binary(&args, dir.path());
    let took = started.elapsed();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(took < std::time::Duration::from_secs(60), "split took {took:?}");
    (dir, run, took)
}

fn written(dir: &tempfile::TempDir) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.path().join("out")) else { return Vec::new() };
    let mut names: Vec<String> =
        entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn split_refuses_sources_without_an_article_and_writes_nothing() {
    let only_headings: String = (0..20_000).map(|i| format!("## 标题{i}\n")).collect();
    for source in ["plain text\nwith no heading\n", only_headings.as_str()] {
        let (dir, run, _) = split(source.as_bytes(), &[]);
        assert!(!run.success);
        assert!(run.stderr.contains("no article found in `issue.txt`"), "{}", run.stderr);
        assert!(run.stderr.contains("expected a heading followed by a byline or by text"));
        assert!(written(&dir).is_empty());
    }
    for source in ["", "\n \n\t\n"] {
        let (dir, run, _) = split(source.as_bytes(), &[]);
        assert!(run.stderr.contains("source issue `issue.txt` is empty"), "{}", run.stderr);
        assert!(!run.success && written(&dir).is_empty());
    }
}

#[test]
fn split_refuses_binary_and_survives_control_characters() {
    let binary: Vec<u8> =
        (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let (dir, run, _) = split(&binary, &[]);
    assert!(!run.success);
    assert!(run.stderr.contains("is not valid UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("save it as UTF-8"), "{}", run.stderr);
    assert!(written(&dir).is_empty());

    // Valid UTF-8 full of NULs, control characters and replacement characters.
    let noisy = String::from_utf8_lossy(&binary).replace('\n', " ");
    let source = format!("## Noise\0\u{1}\n\n{noisy}\n");
    let (dir, run, _) = split(source.as_bytes(), &[]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(written(&dir).len(), 1, "{}", run.stdout);
}

#[test]
fn split_handles_a_hundred_thousand_lines_and_a_one_megabyte_line() {
    let mut big = String::new();
    for i in 0..100_000 {
        big.push_str(&if i % 500 == 0 {
            format!("## 标题{i}\n")
        } else {
            format!("正文{i}。\n")
        });
    }
    let (dir, run, took) = split(big.as_bytes(), &[]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(written(&dir).len(), 200, "{}", run.stdout);
    eprintln!("100,000 lines split in {took:?}");

    let line = "字".repeat(350_000); // 1,050,000 bytes
    let (dir, run, took) = split(format!("## 长文\n\n{line}\n").as_bytes(), &[]);
    assert!(run.success, "{}", run.stderr);
    let file = dir.path().join("out").join(&written(&dir)[0]);
    assert!(std::fs::read_to_string(file).unwrap().contains(&line), "the line was cut");
    eprintln!("a 1 MB line split in {took:?}");
}

#[test]
fn split_of_mixed_scripts_gives_ascii_file_names_and_keeps_the_text() {
    let source = "## Заголовок 标题 عنوان ☃\n□记者 Иван Петров\n\nمرحبا 你好 Привет 😀 \u{200b}\u{202e}.\n\n\
                  ## 見出し\n\nこんにちは。\n";
    let (dir, run, _) = split(source.as_bytes(), &[]);
    assert!(run.success, "{}", run.stderr);
    let names = written(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.is_ascii()), "{names:?}");
    let all: String = names
        .iter()
        .map(|n| std::fs::read_to_string(dir.path().join("out").join(n)).unwrap())
        .collect();
    assert!(all.contains("مرحبا 你好 Привет 😀") && all.contains("こんにちは。"), "{all}");
}

#[test]
fn split_into_a_folder_with_files_never_overwrites_without_force() {
    let source = "## Harbour opens\n\nThe harbour opened today.\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("issue.txt"), source).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let args = ["split", "issue.txt", "--date", "2024-05-24", "--out", "out"];
    assert!(crate::support::run_binary(&args, dir.path()).success);
    let article = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    std::fs::write(&article, "edited by a person").unwrap();

    let run = crate::support::run_binary(&args, dir.path());
    assert!(!run.success);
    assert!(run.stderr.contains("already exists; use --force to overwrite"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&article).unwrap(), "edited by a person");

    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(crate::support::run_binary(&forced, dir.path()).success);
    assert!(std::fs::read_to_string(&article).unwrap().contains("The harbour opened today."));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine",
        "--force touched another file"
    );

    // A folder where an article goes, and an `--out` that is a file, are refused before
    // anything is written, even with --force.
    std::fs::remove_file(&article).unwrap();
    std::fs::create_dir(&article).unwrap();
    let run = crate::support::run_binary(&forced, dir.path());
    assert!(
        run.stderr.contains("is a folder, where split would write an article file"),
        "{}",
        run.stderr
    );
    std::fs::write(dir.path().join("afile"), "x").unwrap();
    let run = crate::support::run_binary(
        &["split", "issue.txt", "--date", "2024-05-24", "--out", "afile"],
        dir.path(),
    );
    assert!(run.stderr.contains("`afile` is a file, not a folder"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("afile")).unwrap(), "x");
}
