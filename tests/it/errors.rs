//! Each kind of bad input gives an error that names the file and line, a build reports every
//! bad file, nothing panics, and the last good `public/` survives.

use crate::support::{TempSite, read_tree};

/// Builds the fixture once (good), applies `breakage`, builds again, and returns stderr;
/// asserts the failed build changed nothing in `public/`.
fn failing_build(breakage: impl FnOnce(&TempSite)) -> String {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    let before = read_tree(&site.path("public"));
    breakage(&site);
    let run = site.run(&["build"]);
    assert!(!run.success, "the build should fail:\n{}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        read_tree(&site.path("public")),
        before,
        "a failed build must leave public/ untouched"
    );
    run.stderr
}

const NOTHING_WRITTEN: &str = "nothing was written, `<site>/public` still holds the last good site";

#[test]
fn bad_yaml_names_file_and_line() {
    let stderr = failing_build(|s| {
        s.write("content/2024-05-24/09-bad.md", "---\ntitle: A\nauthors: [x\n---\n")
    });
    assert!(stderr.starts_with("error: content/2024-05-24/09-bad.md:3: "), "{stderr}");
    assert!(stderr.contains(NOTHING_WRITTEN), "{stderr}");
}

#[test]
fn missing_title_names_file_and_line() {
    let stderr = failing_build(|s| {
        s.write("content/2024-05-24/09-bad.md", "---\nauthors: [x]\n---\n\nbody\n")
    });
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content/2024-05-24/09-bad.md:2: missing `title` in the front matter; add a line `title: …`"
    );
}

#[test]
fn bad_date_names_file_and_line() {
    let stderr =
        failing_build(|s| s.write("content/x/bad.md", "---\ntitle: A\ndate: 2024-02-30\n---\n"));
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content/x/bad.md:3: `date` = \"2024-02-30\" is no such day: February 2024 has 29 days; correct the date"
    );
    let stderr =
        failing_build(|s| s.write("content/x/bad.md", "---\ntitle: A\ndate: 24/05/2024\n---\n"));
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content/x/bad.md:3: `date` = \"24/05/2024\" is not a date; write it as YYYY-MM-DD, e.g. 2024-05-24"
    );
}

#[test]
fn not_utf8_names_file_and_line() {
    let stderr = failing_build(|s| {
        s.write("content/2024-05-24/09-bad.md", b"---\ntitle: \xff\xfe\n---\n".as_slice())
    });
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content/2024-05-24/09-bad.md:2: the file is not valid UTF-8 (byte 11); save it as UTF-8"
    );
}

#[test]
fn two_articles_with_the_same_url_are_an_error() {
    let stderr = failing_build(|s| {
        s.write("content/2024-05-24/10-a.md", "---\ntitle: A\nslug: same\n---\n");
        s.write("content/2024-05-24/11-b.md", "---\ntitle: B\nslug: same\n---\n");
    });
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content/2024-05-24/11-b.md: two articles have the URL `/2024/05/24/same/`: \
         `content/2024-05-24/10-a.md` and this file; give one of them another `slug`"
    );
}

#[test]
fn several_bad_files_are_all_reported() {
    let stderr = failing_build(|s| {
        s.write("content/2024-05-24/09-a.md", "---\ntitle: A\ndate: nope\n---\n");
        s.write("content/2024-05-24/10-b.md", "no front matter\n");
        s.write("content/2024-05-24/11-c.md", "---\ntitle: [unclosed\n---\n");
    });
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: content/")).collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(stderr.contains("build failed with 3 problems"), "{stderr}");
}

#[test]
fn unknown_site_toml_key_is_named_with_a_suggestion() {
    let stderr = failing_build(|s| {
        let text = std::fs::read_to_string(s.path("site.toml")).unwrap();
        s.write("site.toml", text.replace("paginate = 2", "paginat = 2"));
    });
    assert!(stderr.starts_with("error: invalid `site.toml`\n"), "{stderr}");
    assert!(stderr.contains("unknown field `paginat`"), "{stderr}");
    assert!(stderr.contains("did you mean `paginate`?"), "{stderr}");
    assert!(stderr.contains("line 6"), "{stderr}");
}

#[test]
fn missing_theme_is_named() {
    let stderr = failing_build(|s| {
        let text = std::fs::read_to_string(s.path("site.toml")).unwrap();
        s.write("site.toml", text.replace("theme = \"plain\"", "theme = \"fancy\""));
    });
    assert!(stderr.contains("theme `fancy` not found"), "{stderr}");
    assert!(stderr.contains("one of: `plain`"), "{stderr}");
}

#[test]
fn template_syntax_error_names_file_and_line() {
    let stderr = failing_build(|s| {
        s.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ article.title \n{% endblock %}\n",
        )
    });
    assert!(stderr.starts_with("error: syntax error in `templates/article.html:4`"), "{stderr}");
}

#[test]
fn undefined_variable_names_template_and_line() {
    let stderr = failing_build(|s| {
        s.write("templates/article.html", "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ article.headline }}</p>\n{% endblock %}\n")
    });
    let first = stderr.lines().next().unwrap();
    assert!(first.contains("template `templates/article.html:3`"), "{stderr}");
    assert!(first.contains("Variable `article.headline` not found"), "{stderr}");
    let count = stderr
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains("article.headline"))
        .count();
    assert_eq!(count, 1, "the same template error is reported once, not once per page:\n{stderr}");
}

#[test]
fn missing_site_toml_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::support::run_binary(&["build", "--root", "."], dir.path());
    assert!(!run.success);
    assert!(
        run.stderr.starts_with("error: cannot read `./site.toml`: is `.` a broadsheet site?"),
        "{}",
        run.stderr
    );
}
