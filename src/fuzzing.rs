//! Entry points for the fuzz targets in `fuzz/` (and their regression tests): each takes raw
//! bytes, runs one pure stage the way a build does, and panics only where an invariant breaks.
//! Not an API: hidden from the docs, no stability promised.

use std::path::{Component, Path};

use crate::config::Config;
use crate::config::split::SplitConfig;

/// The `site.toml` the article target runs under: one section, heading anchors on.
const SITE: &str = "title = \"Fuzz\"\nbase_url = \"https://example.org/news/\"\n\
                    [[sections]]\nname = \"要闻\"\nslug = \"yaowen\"\n";

/// `broadsheet split` on arbitrary text: an error is fine, a panic is a finding.
pub fn split(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let sections = ["要闻".to_owned(), "经济".to_owned()];
    let _ = crate::split::split_issue(
        &text,
        "fuzz.txt",
        "2024-05-24",
        &SplitConfig::default(),
        &sections,
    );
}

/// One article file: front matter, Markdown, then the lol_html passes over the body.
pub fn article(data: &[u8]) {
    // The repository is a site: its theme is there to be found.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = match Config::parse(SITE, root) {
        Ok(config) => config,
        Err(e) => panic!("the fuzz site.toml must parse: {e:#}"),
    };
    let text = String::from_utf8_lossy(data);
    let path = &root.join("content/2024-05-24/01-fuzz.md");
    let Ok(parts) = crate::content::front_matter::split(&text) else { return };
    let _ = crate::content::load::parse_article(&config, path, &text);
    // The safe rendering (`[markdown] unsafe_html = false`) must hold no raw tag of the body.
    let safe = crate::content::markdown::to_html(parts.body, false);
    assert!(!safe.contains("<script"), "raw HTML survived the safe rendering: {safe}");
    let html = format!(
        "<div class=\"article-body\">{}</div>",
        crate::content::markdown::to_html(parts.body, true)
    );
    let options = crate::postprocess::PostOptions {
        base_path: "/news/",
        site_origin: config.origin(),
        heading_anchors: true,
    };
    let _ = crate::postprocess::process(&html, &options);
}

/// The path handling of `serve` on an arbitrary request target: whatever it decodes to stays
/// below the output folder.
pub fn serve_path(data: &[u8]) {
    let target = String::from_utf8_lossy(data);
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let _ = crate::serve::since(query);
    let path = crate::serve::strip_base_path(path, "/news/");
    if let Some(relative) = crate::serve::decode_path(&path) {
        let escapes = relative.components().any(|c| !matches!(c, Component::Normal(_)));
        assert!(!escapes, "{target:?} decodes to {relative:?}, which leaves the folder");
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Every seed and every kept finding (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`)
    /// runs through its target in `cargo test`.
    #[test]
    fn seeds_and_findings_pass_their_targets() {
        let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        type Target = (&'static str, fn(&[u8]));
        let targets: [Target; 3] = [
            ("split", super::split),
            ("article", super::article),
            ("serve_path", super::serve_path),
        ];
        let mut ran = 0;
        for (name, target) in targets {
            for folder in ["seeds", "regressions"] {
                let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(name)) else { continue };
                for entry in entries {
                    let path = entry.unwrap().path();
                    target(&std::fs::read(&path).unwrap());
                    ran += 1;
                }
            }
        }
        assert!(ran > 30, "only {ran} inputs found under fuzz/");
    }
}
