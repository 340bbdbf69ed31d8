//! Pass: root-relative URLs get the site's base path, and internal link targets are collected
//! for the link checker. Handles single-URL attributes (`href`, `src`, `action`, `poster`,
//! `data`) and `srcset`, whose candidates are parsed as the HTML spec says.
//!
//! What this pass is not: a parser of URLs in CSS, inline scripts or `<meta>` content (those
//! are left alone), nor a link checker (it only reports targets).

use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;

use lol_html::html_content::Element;
use lol_html::{HandlerResult, element};

use super::entities::decode_entities;
use super::external::split_origin;
use super::{Handler, PostOptions};

/// Attributes holding a single URL, with the selector of the elements that carry them.
/// `srcset` holds several and has its own handler; `<meta content>` is deliberately absent.
const URL_ATTRS: [(&str, &str); 5] = [
    ("[href]", "href"),
    ("[src]", "src"),
    ("form[action]", "action"),
    ("[poster]", "poster"),
    ("object[data]", "data"),
];

/// Attributes whose root-relative targets the link checker should verify. `action` is not
/// among them: a form may post to a server endpoint that is no file of the site.
const LINK_ATTRS: [&str; 4] = ["href", "src", "poster", "data"];

/// The pass's handlers: one per URL attribute, then `srcset`, in that order.
pub(super) fn handlers<'h>(
    opts: &'h PostOptions<'_>,
    links: &'h RefCell<Links>,
) -> Vec<Handler<'h>> {
    let mut handlers: Vec<Handler<'h>> = URL_ATTRS
        .into_iter()
        .map(|(selector, attr)| {
            element!(selector, move |el| rewrite_url_attr(el, attr, opts, links))
        })
        .collect();
    handlers.push(element!("[srcset]", move |el| rewrite_srcset_attr(el, opts, links)));
    handlers
}

/// Prefixes a root-relative URL in `attr` with the base path and records internal targets.
fn rewrite_url_attr(
    el: &mut Element<'_, '_>,
    attr: &str,
    opts: &PostOptions,
    links: &RefCell<Links>,
) -> HandlerResult {
    let Some(value) = el.get_attribute(attr) else { return Ok(()) };
    if LINK_ATTRS.contains(&attr) {
        links.borrow_mut().add(internal_target(&value, opts));
    }
    if let Some(prefixed) = prefix_url(&value, opts.base_path) {
        el.set_attribute(attr, &prefixed)?;
    }
    Ok(())
}

/// Prefixes every root-relative candidate of `srcset` and records them as internal targets.
fn rewrite_srcset_attr(
    el: &mut Element<'_, '_>,
    opts: &PostOptions,
    links: &RefCell<Links>,
) -> HandlerResult {
    let Some(value) = el.get_attribute("srcset") else { return Ok(()) };
    for range in srcset_urls(&value) {
        links.borrow_mut().add(internal_target(&value[range], opts));
    }
    if let Some(prefixed) = prefix_srcset(&value, opts.base_path) {
        el.set_attribute("srcset", &prefixed)?;
    }
    Ok(())
}

/// The URL and external-link passes over HTML that pulldown-cmark wrote from Markdown alone
/// (no raw HTML, no `<img>`), without lol_html: there every `<a href="` starts a link tag in
/// pulldown-cmark's fixed form (`<a href="…">` or `<a href="…" title="…">`, values escaped),
/// and no other tag carries a URL. The result is what [`super::process`] gives for it.
pub(super) fn rewrite_markdown_links(html: &str, opts: &PostOptions) -> (String, Vec<String>) {
    const LINK: &str = "<a href=\"";
    let mut out = String::with_capacity(html.len() + 64);
    let mut links = Links::default();
    let mut copied = 0;
    let mut rest_at = 0;
    // Tags are found by their `<` (a memchr search), which is much faster than a substring
    // search for `<a href="`.
    while let Some(found) = html[rest_at..].find('<') {
        let tag_at = rest_at + found;
        if !html[tag_at..].starts_with(LINK) {
            rest_at = tag_at + 1;
            continue;
        }
        let value_at = tag_at + LINK.len();
        let Some(value_len) = html[value_at..].find('"') else { break };
        let value = &html[value_at..value_at + value_len];
        let Some(tag_len) = html[value_at + value_len..].find('>') else { break };
        let tag_end = value_at + value_len + tag_len;
        links.add(internal_target(value, opts));
        if let Some(prefixed) = prefix_url(value, opts.base_path) {
            out.push_str(&html[copied..value_at]);
            out.push_str(&prefixed);
            copied = value_at + value_len;
        }
        if super::external::is_external(value.trim(), opts.site_origin) {
            out.push_str(&html[copied..tag_end]);
            out.push_str(super::external::EXTERNAL_ATTRIBUTES);
            copied = tag_end;
        }
        rest_at = tag_end;
    }
    out.push_str(&html[copied..]);
    (out, links.list)
}

/// `/x` → `/news/x` under base path `/news/`; `None` when nothing changes.
fn prefix_url(url: &str, base_path: &str) -> Option<String> {
    let url = url.trim();
    let base = base_path.trim_end_matches('/');
    (is_root_relative(url) && !base.is_empty()).then(|| format!("{base}{url}"))
}

/// `srcset` with each root-relative candidate URL prefixed; `None` when nothing changes.
fn prefix_srcset(srcset: &str, base_path: &str) -> Option<String> {
    map_srcset(srcset, |url| prefix_url(url, base_path))
}

/// `srcset` with each candidate URL replaced by what `map` gives for it (`None` keeps it);
/// `None` when nothing changes. Descriptors, commas and spacing are kept exactly as written.
pub(super) fn map_srcset(srcset: &str, map: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(srcset.len() + 32);
    let mut copied = 0;
    let mut changed = false;
    for range in srcset_urls(srcset) {
        if let Some(mapped) = map(&srcset[range.clone()]) {
            out.push_str(&srcset[copied..range.start]);
            out.push_str(&mapped);
            copied = range.end;
            changed = true;
        }
    }
    out.push_str(&srcset[copied..]);
    changed.then_some(out)
}

/// The byte ranges of the candidate URLs in a `srcset` value, following the HTML spec's
/// parsing: a URL runs to whitespace (trailing commas end the candidate); descriptors run to
/// the next comma outside parentheses.
fn srcset_urls(srcset: &str) -> Vec<Range<usize>> {
    let bytes = srcset.as_bytes();
    let mut urls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() || bytes[i] == b',' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let end = start + srcset[start..i].trim_end_matches(',').len();
        urls.push(start..end);
        if end == i {
            i = skip_descriptors(bytes, i);
        }
    }
    urls
}

/// The index just past the comma that ends a candidate's descriptors (or the end).
fn skip_descriptors(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0_usize;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// `/x`, but not `//host/x`.
fn is_root_relative(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

/// The site path a URL points to, as root-relative (before prefixing), without query or
/// fragment; `None` for external, relative, fragment-only and non-http URLs.
fn internal_target(url: &str, opts: &PostOptions) -> Option<String> {
    let url = url.trim();
    let path = if is_root_relative(url) { url } else { same_site_path(url, opts)? };
    let path = path.split(['#', '?']).next().unwrap_or_default();
    (!path.is_empty()).then(|| decode_entities(path))
}

/// For an absolute URL on the site's origin under the base path: the path below the base path,
/// as root-relative (`https://example.org/news/a/` → `/a/` with base path `/news/`).
fn same_site_path<'u>(url: &'u str, opts: &PostOptions) -> Option<&'u str> {
    let (origin, path) = split_origin(url)?;
    if !origin.eq_ignore_ascii_case(opts.site_origin?.trim_end_matches('/')) {
        return None;
    }
    let base = opts.base_path.trim_end_matches('/');
    let rest = path.strip_prefix(base)?;
    match rest.chars().next() {
        None => Some("/"),
        Some('/') => Some(rest),
        Some(_) => None, // `/newsroom` is not under `/news`
    }
}

/// Internal link targets of one page, deduplicated, in order of first appearance.
#[derive(Debug, Default)]
pub(super) struct Links {
    seen: HashSet<String>,
    /// The targets in order of first appearance.
    pub(super) list: Vec<String>,
}

impl Links {
    /// Records a target unless it is `None` or already recorded.
    fn add(&mut self, target: Option<String>) {
        if let Some(target) = target
            && self.seen.insert(target.clone())
        {
            self.list.push(target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postprocess::test_support::{NEWS, ROOT, html, links};

    // URL prefixing

    #[test]
    fn root_base_path_changes_no_url() {
        let page =
            r#"<a href="/2024/05/24/">x</a><img src="/a.png" loading="lazy" decoding="async">"#;
        assert_eq!(html(page, &ROOT), page);
    }

    #[test]
    fn root_relative_urls_get_the_base_path() {
        let page = r#"<a href="/2024/05/24/">x</a><link href="/style.css"><script src="/app.js"></script>"#;
        assert_eq!(
            html(page, &NEWS),
            r#"<a href="/news/2024/05/24/">x</a><link href="/news/style.css"><script src="/news/app.js"></script>"#
        );
        assert_eq!(html(r#"<a href="/">home</a>"#, &NEWS), r#"<a href="/news/">home</a>"#);
    }

    #[test]
    fn other_url_attributes_get_the_base_path() {
        let page = r#"<form action="/search/"></form><video poster="/p.jpg"></video><object data="/m.svg"></object>"#;
        assert_eq!(
            html(page, &NEWS),
            r#"<form action="/news/search/"></form><video poster="/news/p.jpg"></video><object data="/news/m.svg"></object>"#
        );
    }

    #[test]
    fn non_root_relative_urls_are_untouched() {
        for url in ["../x/", "x.html", "#top", "mailto:a@b.c", "data:image/png;base64,AA", "?q=1"] {
            let page = format!(r#"<a href="{url}">x</a>"#);
            assert_eq!(html(&page, &NEWS), page, "{url}");
        }
        let page = r#"<a href="https://example.org/x">x</a>"#;
        assert_eq!(html(page, &NEWS), page);
    }

    #[test]
    fn meta_content_is_left_alone() {
        let page = r#"<meta property="og:url" content="/2024/05/24/">"#;
        assert_eq!(html(page, &NEWS), page);
    }

    #[test]
    fn srcset_candidates_each_get_the_base_path() {
        let page = r#"<img srcset="/a-1x.jpg 1x, https://cdn.example/a.jpg 2x,/a-3x.jpg 3x" loading="lazy" decoding="async">"#;
        assert_eq!(
            html(page, &NEWS),
            r#"<img srcset="/news/a-1x.jpg 1x, https://cdn.example/a.jpg 2x,/news/a-3x.jpg 3x" loading="lazy" decoding="async">"#
        );
    }

    #[test]
    fn srcset_parsing_follows_the_spec() {
        // A comma inside a URL belongs to it; trailing commas end the candidate.
        let set = "/a.jpg 100w,  /b,c.jpg   200w , /d.jpg,, /e.jpg (x, y) 2x, /f.jpg";
        let urls: Vec<&str> = srcset_urls(set).into_iter().map(|r| &set[r]).collect();
        assert_eq!(urls, ["/a.jpg", "/b,c.jpg", "/d.jpg", "/e.jpg", "/f.jpg"]);
        assert_eq!(prefix_srcset("x.jpg 1x", "/news/"), None);
    }

    // links

    #[test]
    fn links_are_root_relative_before_prefixing_and_deduplicated() {
        let page = r##"<a href="/a/?page=2#top">1</a><a href="/a/">2</a><a href="#only">3</a>
            <img src="/i.png"><a href="../rel/">4</a><a href="https://elsewhere.org/x">5</a>"##;
        assert_eq!(links(page, &NEWS), ["/a/", "/i.png"]);
    }

    #[test]
    fn absolute_links_to_the_site_become_root_relative() {
        let page = r#"<a href="https://example.org/news/2024/#x">1</a><a href="https://EXAMPLE.org/news">2</a>
            <a href="https://example.org/newsroom/">3</a><a href="https://example.org/other/">4</a>"#;
        assert_eq!(links(page, &NEWS), ["/2024/", "/"]);
    }

    #[test]
    fn srcset_targets_are_links_too() {
        let page = r#"<img srcset="/a.jpg 1x, /b.jpg 2x">"#;
        assert_eq!(links(page, &ROOT), ["/a.jpg", "/b.jpg"]);
    }

    #[test]
    fn link_entities_are_decoded() {
        assert_eq!(links(r#"<a href="/a&amp;b/">x</a>"#, &ROOT), ["/a&b/"]);
    }
}
