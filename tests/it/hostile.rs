//! Issue #11: hostile or careless input that used to lose files or publish what is outside
//! the site. Each test failed before its fix.

use crate::support::TempSite;

/// Item 1: an output folder that is, holds or sits inside a source folder is refused, and the
/// sources are all still there.
#[test]
fn an_output_folder_among_the_sources_is_refused_and_nothing_is_deleted() {
    let site = TempSite::new("basic");
    let before = crate::support::read_tree(&site.path("content"));
    for out in ["content", "content/2024-05-24", "themes", "templates", "static/sub"] {
        let run = site.run(&["build", "--output-dir", &site.path(out).to_string_lossy()]);
        assert!(!run.success, "--output-dir {out} was accepted");
        assert!(run.stderr.contains("source folder"), "{out}: {}", run.stderr);
        assert!(run.stderr.contains("choose a folder outside"), "{}", run.stderr);
    }
    assert!(crate::support::read_tree(&site.path("content")) == before, "sources were touched");
}

/// Item 2 (and 10: `static/.keep`): a symlink in `static/` or a theme's `static/` leading out
/// of the site is not published (with a warning); placeholders are not published either.
#[test]
fn symlinks_leading_out_of_static_folders_are_not_published() {
    let site = TempSite::new("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "private key").unwrap();
    site.write("static/inside.txt", "fine");
    site.write("static/.keep", "");
    std::os::unix::fs::symlink(outside.path().join("secret"), site.path("static/id_rsa")).unwrap();
    std::os::unix::fs::symlink(site.path("static/inside.txt"), site.path("static/alias.txt"))
        .unwrap();
    let theme_static =
        std::fs::read_dir(site.path("themes")).unwrap().next().unwrap().unwrap().path();
    std::fs::create_dir_all(theme_static.join("static")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", theme_static.join("static/passwd")).unwrap();
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert!(!site.path("public/id_rsa").exists(), "a symlink to a file outside was published");
    assert!(!site.path("public/passwd").exists(), "a theme symlink to /etc/passwd was published");
    assert!(!site.path("public/.keep").exists(), "static/.keep was published");
    assert_eq!(std::fs::read_to_string(site.path("public/alias.txt")).unwrap(), "fine");
    assert!(run.stderr.contains("is not published: it is a symlink"), "{}", run.stderr);
}

/// Item 3: a template that includes itself (directly or through another) is an error naming
/// the file and line, not a stack overflow (exit 134).
#[test]
fn a_self_including_template_is_an_error_not_a_crash() {
    let site = TempSite::new("basic");
    site.write("templates/loop.html", "<p>x</p>\n{% include \"loop.html\" %}\n");
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains(
            "templates/loop.html:2: template `loop.html` includes itself (loop.html → loop.html)"
        ),
        "{}",
        run.stderr
    );
    let site = TempSite::new("basic");
    site.write("templates/a.html", "{% include \"b.html\" %}");
    site.write("templates/b.html", "\n{% include \"a.html\" %}");
    let run = site.run(&["build"]);
    assert!(run.stderr.contains("(a.html → b.html → a.html)"), "{}", run.stderr);
    assert!(site.run(&["check"]).stderr.contains("includes itself"));
}

/// Item 7: permalinks that leave the site (`//:slug/` is protocol-relative, `%2e%2e` reads
/// as `..`) are refused, naming the `site.toml` key.
#[test]
fn permalinks_leaving_the_site_are_refused() {
    for pattern in ["//:slug/", "/%2e%2e/:slug/", "/../:slug/", "/a//:slug/"] {
        let site = TempSite::new("basic");
        let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
        let toml = toml.replacen(
            "[[sections]]",
            &format!("[permalinks]\narticle = {pattern:?}\n\n[[sections]]"),
            1,
        );
        site.write("site.toml", toml);
        let run = site.run(&["build"]);
        assert!(!run.success, "{pattern} was accepted");
        assert!(run.stderr.contains("`permalinks.article`"), "{pattern}: {}", run.stderr);
        assert!(!site.path("public").exists(), "{pattern}: something was written");
    }
}

/// Item 4: a theme without `article.html` is an error, not every article page silently gone.
#[test]
fn a_theme_without_an_article_template_is_an_error() {
    let site = TempSite::new("basic");
    assert!(site.run(&["build"]).success);
    for entry in walkdir::WalkDir::new(site.path("themes")) {
        let path = entry.unwrap().into_path();
        if path.file_name().is_some_and(|n| n == "article.html") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let _ = std::fs::remove_file(site.path("templates/article.html"));
    let run = site.run(&["build"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("the theme has no `article.html`"), "{}", run.stderr);
    assert!(site.path("public/2024/05/23").is_dir(), "the last good site lost its pages");
}

/// Item 6: an unclosed `<!--` in a body no longer turns the rest of the page (footer,
/// navigation) into a comment; a warning names the file and line.
#[test]
fn an_unclosed_comment_in_a_body_is_shown_as_text_with_a_warning() {
    let site = TempSite::new("basic");
    let file = "content/2024-05-23/01-yesterday.md";
    let text = std::fs::read_to_string(site.path(file)).unwrap();
    site.write(file, format!("{text}\n<!-- closed -->\n\nLast words <!-- never closed\n"));
    let run = site.run(&["build"]);
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stderr.contains("01-yesterday.md:") && run.stderr.contains("`<!--` is never closed"),
        "{}",
        run.stderr
    );
    let page = walkdir::WalkDir::new(site.path("public/2024/05/23"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.ends_with("index.html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|html| html.contains("Last words"))
        .expect("the article page");
    assert!(page.contains("Last words &lt;!-- never closed"), "{page}");
    assert!(page.contains("<!-- closed -->"), "a closed comment must stay a comment");
    assert!(page.trim_end().ends_with("</html>") && markdown_tail_is_live(&page));
}

/// The page after the body is markup, not inside a comment.
fn markdown_tail_is_live(page: &str) -> bool {
    let last_open = page.rfind("<!--");
    last_open.is_none_or(|at| page[at..].contains("-->"))
}
