//! lol_html passes over rendered HTML: by default over each article body only
//! ([`process_fragment`], then [`anchor_headings`] on the page for body headings), and over
//! each whole page for themes that ask for it (`postprocess = "page"`: [`process`]). Theme
//! markup needs no rewriting when it prints URLs through `url()`. [`process`] runs the passes
//! in one rewriter pass; their handlers go into the rewriter's list in this order, which is the order they
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

/// Runs the URL, external-link and image passes over one HTML fragment (an article body, as
/// the theme will insert it) and returns it with its internal link targets. Heading anchors
/// are not added here: their ids must be unique in the whole page ([`anchor_headings`]).
///
/// `markdown_only` says the fragment is pulldown-cmark's output with no raw HTML: then,
/// unless it has an `<img>`, its links are rewritten by a plain scan instead of lol_html,
/// with the same result.
pub(crate) fn process_fragment(
    html: &str,
    opts: &PostOptions,
    markdown_only: bool,
) -> Result<Processed> {
    if !may_need_rewriting(html) {
        return Ok(Processed { html: html.to_owned(), links: Vec::new() });
    }
    if markdown_only && !html.contains("<img") {
        let (html, links) = urls::rewrite_markdown_links(html, opts);
        return Ok(Processed { html, links });
    }
    process(html, &PostOptions { heading_anchors: false, ..*opts })
}

/// Whether a fragment may have anything a pass acts on: an attribute with a value (every
/// URL attribute needs one to change or to be a link) or an `<img>`. A body of plain
/// paragraphs has neither, and then lol_html is not run at all.
fn may_need_rewriting(html: &str) -> bool {
    html.contains('=')
        || html.match_indices('<').any(|(at, _)| {
            html.as_bytes().get(at + 1..at + 4).is_some_and(|tag| tag.eq_ignore_ascii_case(b"img"))
        })
}

/// Heading ids and anchors for a page whose other passes already ran (on its body): `None`
/// when the page has no heading the pass would touch, which is the case without a
/// `.article-body` wrapper (the default theme has none).
pub(crate) fn anchor_headings(html: &str) -> Result<Option<String>> {
    let anchors = headings::plan_anchors(html)?;
    if anchors.is_empty() {
        return Ok(None);
    }
    let anchors = RefCell::new(anchors);
    let settings =
        RewriteStrSettings::new().append_element_content_handler(headings::handler(&anchors));
    rewrite_str(html, settings).context("failed to post-process html").map(Some)
}

/// Whether [`anchor_headings`] could change the page: it has `.article-body` headings.
pub(crate) fn may_anchor_headings(html: &[u8]) -> bool {
    headings::may_have_body_headings(html)
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

    const ROOT_ORIGIN: PostOptions<'static> = PostOptions {
        base_path: "/",
        site_origin: Some("https://example.org"),
        heading_anchors: false,
    };

    #[test]
    fn a_fragment_gets_every_pass_but_heading_anchors() {
        let body = r#"<h2>A</h2><p><a href="/x/">x</a> <a href="https://a.org/">a</a><img src="/i.png"></p>"#;
        let out =
            process_fragment(body, &PostOptions { heading_anchors: true, ..NEWS }, false).unwrap();
        assert_eq!(
            out.html,
            r#"<h2>A</h2><p><a href="/news/x/">x</a> <a href="https://a.org/" rel="noopener" class="external">a</a><img src="/news/i.png" loading="lazy" decoding="async"></p>"#
        );
        assert_eq!(out.links, ["/x/", "/i.png"]);
    }

    #[test]
    fn a_fragment_of_plain_paragraphs_is_left_as_it_is() {
        let body = "<p>一段<strong>文字</strong></p>\n<IMG>";
        assert!(may_need_rewriting(body), "an <img> gets loading hints");
        let body = "<p>一段<strong>文字</strong></p>\n";
        assert!(!may_need_rewriting(body));
        assert_eq!(process_fragment(body, &NEWS, true).unwrap().html, body);
    }

    #[test]
    fn the_markdown_link_scan_gives_what_lol_html_gives() {
        let markdown = r#"见[往期](/archive/)、[要闻](/sections/yaowen/?p=2#top "标题 \"引\" & 号")、
[外站](https://www.example.com/x)、[同站](https://example.org/news/a/)、<https://a.org/?q=1&b=2>、
<mail@example.org>、[相对](../x/)、[协议相对](//cdn.org/y)、[空]()、[片段](#frag)、
[实体](/a&b/'c'/) 和脚注[^1]。`<a href="/code/">` 与 a href="/text/"

[^1]: 注释 [链接](/note/)

| 表 | 格 |
|:--|--:|
| [单元](/cell/) | x |
"#;
        let html = crate::content::markdown::to_marked_html(markdown, true);
        assert!(!html.has_raw_html);
        for opts in [ROOT_ORIGIN, NEWS] {
            let fast = process_fragment(&html.html, &opts, true).unwrap();
            let slow = process_fragment(&html.html, &opts, false).unwrap();
            assert_eq!(fast, slow, "{opts:?}");
        }
        assert!(
            html.html.contains("<a href=\"#fn-1\"") || html.html.contains("footnote"),
            "{}",
            html.html
        );
    }

    #[test]
    fn headings_are_anchored_against_every_id_of_the_page() {
        let page = r#"<p id="a"></p><div class="article-body"><h2>A</h2></div>"#;
        let out = anchor_headings(page).unwrap().unwrap();
        assert!(out.contains(r#"<h2 id="a-2">"#), "{out}");
        assert_eq!(anchor_headings("<div><h2>A</h2></div>").unwrap(), None);
    }

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
