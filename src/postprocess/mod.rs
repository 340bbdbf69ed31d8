//! lol_html passes over each rendered HTML page. [`process`] runs them all in one rewriter
//! pass; their handlers go into the rewriter's list in this order, which is the order they
//! act on an element:
//!
//! 1. [`urls`]: base-path prefixing of root-relative URLs (`href`, `src`, `action`, `poster`,
//!    `data`, then `srcset`), and internal-link collection for the link checker;
//! 2. [`external`]: external-link marking (`rel="noopener"`, `class="external"`);
//! 3. [`images`]: image loading hints;
//! 4. [`headings`]: heading ids with anchor links, when `heading_anchors` is on. Heading ids
//!    need a heading's text before its start tag is written, so a first read-only lol_html
//!    pass collects the heading texts and the ids already taken.
//!
//! [`absolute`] is a separate pass for bodies that leave the site (the Atom feed): every URL
//! made absolute.
//!
//! [`entities`] is the small character-reference decoder that `urls` and `headings` share.
//!
//! What this module is not: a parser of URLs in CSS, inline scripts or `<meta>` content (those
//! are left alone), nor a link checker (it only reports targets), and it never touches the disk.
//! Everything is built per call because lol_html's default handlers are not `Send`: call it
//! from inside the rayon closure, once per page.

mod absolute;
mod entities;
mod external;
mod headings;
mod images;
mod urls;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;

use anyhow::{Context as _, Result};
use lol_html::{ElementContentHandlers, RewriteStrSettings, Selector, rewrite_str};

pub(crate) use absolute::{Origin, absolute_urls};

/// Site-wide settings the passes need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostOptions<'a> {
    /// The path of `base_url`: `"/"` or e.g. `"/news/"`; always starts and ends with `/`.
    pub base_path: &'a str,
    /// `"https://example.org"`: absolute links to this origin are internal, not external.
    pub site_origin: Option<&'a str>,
    /// Whether article-body headings get ids and `#` anchor links.
    pub heading_anchors: bool,
}

/// A post-processed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Processed {
    /// The rewritten HTML.
    pub html: String,
    /// Internal link targets as root-relative paths (before base-path prefixing), without query
    /// or fragment, deduplicated, in order of first appearance.
    pub links: Vec<String>,
}

/// One `(selector, handlers)` entry of the rewriter's handler list, as `element!` makes it.
type Handler<'h> = (Cow<'static, Selector>, ElementContentHandlers<'h>);

/// Runs every pass over one page and returns the new HTML and its internal link targets.
pub(crate) fn process(html: &str, opts: &PostOptions) -> Result<Processed> {
    let anchors =
        if opts.heading_anchors { headings::plan_anchors(html)? } else { VecDeque::new() };
    let anchors = RefCell::new(anchors);
    let links = RefCell::new(urls::Links::default());
    let mut handlers = urls::handlers(opts, &links);
    handlers.push(external::handler(opts));
    handlers.push(images::handler());
    if opts.heading_anchors {
        handlers.push(headings::handler(&anchors));
    }
    let settings = handlers
        .into_iter()
        .fold(RewriteStrSettings::new(), RewriteStrSettings::append_element_content_handler);
    let html = rewrite_str(html, settings).context("failed to post-process html")?;
    Ok(Processed { html, links: links.into_inner().list })
}

/// Options and shortcuts the passes' unit tests share.
#[cfg(test)]
mod test_support {
    use super::{PostOptions, process};

    pub(super) const ROOT: PostOptions<'static> =
        PostOptions { base_path: "/", site_origin: None, heading_anchors: false };
    pub(super) const NEWS: PostOptions<'static> = PostOptions {
        base_path: "/news/",
        site_origin: Some("https://example.org"),
        heading_anchors: false,
    };
    pub(super) const ANCHORS: PostOptions<'static> = PostOptions { heading_anchors: true, ..ROOT };

    /// The rewritten page.
    pub(super) fn html(input: &str, opts: &PostOptions) -> String {
        process(input, opts).unwrap().html
    }

    /// The page's internal link targets.
    pub(super) fn links(input: &str, opts: &PostOptions) -> Vec<String> {
        process(input, opts).unwrap().links
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::NEWS;
    use super::*;

    // robustness

    #[test]
    fn malformed_html_passes_through() {
        let page = r#"<div class="article-body"><h2>Open <a href="/x">link</div><img src="/y"#;
        let out = process(page, &PostOptions { heading_anchors: true, ..NEWS }).unwrap();
        assert!(out.html.contains(r#"href="/news/x""#), "{}", out.html);
        assert_eq!(out.links, ["/x"]);
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// `cargo test --release --lib postprocess::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "a timing probe, run by hand"]
    fn time_a_real_page() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/2024/05/24");
        let page = dir.join("qi-da-xing-dong-da-zao-shi-jie-ji-hai-yang-aiji-ju-qu/index.html");
        let Ok(html) = std::fs::read_to_string(page) else { return };
        let opts = PostOptions { base_path: "/", site_origin: None, heading_anchors: true };
        let start = std::time::Instant::now();
        for _ in 0..2000 {
            process(&html, &opts).unwrap();
        }
        eprintln!("{} bytes: {:?} per page", html.len(), start.elapsed() / 2000);
    }
}
