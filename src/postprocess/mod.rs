//! lol_html passes over each rendered HTML page: base-path prefixing of root-relative URLs,
//! internal-link collection for the link checker, heading ids with anchor links, external-link
//! marking and image loading hints.
//!
//! Each pass is a small element handler (plus pure string helpers, unit-tested on their own);
//! [`process`] runs them all in one rewriter pass. Heading ids need a heading's text before its
//! start tag is written, so when anchors are on, a first read-only lol_html pass collects the
//! heading texts and the ids already taken.
//!
//! What this module is not: a parser of URLs in CSS, inline scripts or `<meta>` content (those
//! are left alone), nor a link checker (it only reports targets), and it never touches the disk.
//! Everything is built per call because lol_html's default handlers are not `Send`: call it
//! from inside the rayon closure, once per page.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::ops::Range;

use anyhow::{Context as _, Result};
use lol_html::html_content::{ContentType, Element};
use lol_html::{HandlerResult, RewriteStrSettings, element, rewrite_str, text};

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

/// The headings that get ids and anchors: `h2`..`h6` inside the Markdown wrapper.
const HEADINGS: &str = ".article-body h2, .article-body h3, .article-body h4, \
                        .article-body h5, .article-body h6";

/// Runs every pass over one page and returns the new HTML and its internal link targets.
pub(crate) fn process(html: &str, opts: &PostOptions) -> Result<Processed> {
    let anchors = if opts.heading_anchors { plan_anchors(html)? } else { VecDeque::new() };
    let anchors = RefCell::new(anchors);
    let links = RefCell::new(Links::default());
    let mut settings = RewriteStrSettings::new();
    for (selector, attr) in URL_ATTRS {
        settings = settings.append_element_content_handler(element!(selector, |el| {
            rewrite_url_attr(el, attr, opts, &links)
        }));
    }
    settings = settings
        .append_element_content_handler(element!("[srcset]", |el| {
            rewrite_srcset_attr(el, opts, &links)
        }))
        .append_element_content_handler(element!("a[href]", |el| mark_external(el, opts)))
        .append_element_content_handler(element!("img", add_image_hints));
    if opts.heading_anchors {
        settings = settings
            .append_element_content_handler(element!(HEADINGS, |el| add_anchor(el, &anchors)));
    }
    let html = rewrite_str(html, settings).context("failed to post-process html")?;
    Ok(Processed { html, links: links.into_inner().list })
}

// ---------------------------------------------------------------------------------------------
// Pass: root-relative URLs get the base path; internal targets are collected.

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

/// `/x` → `/news/x` under base path `/news/`; `None` when nothing changes.
fn prefix_url(url: &str, base_path: &str) -> Option<String> {
    let url = url.trim();
    let base = base_path.trim_end_matches('/');
    (is_root_relative(url) && !base.is_empty()).then(|| format!("{base}{url}"))
}

/// `srcset` with each root-relative candidate URL prefixed; `None` when nothing changes.
/// Descriptors, commas and spacing are kept exactly as written.
fn prefix_srcset(srcset: &str, base_path: &str) -> Option<String> {
    let mut out = String::with_capacity(srcset.len() + 32);
    let mut copied = 0;
    let mut changed = false;
    for range in srcset_urls(srcset) {
        if let Some(prefixed) = prefix_url(&srcset[range.clone()], base_path) {
            out.push_str(&srcset[copied..range.start]);
            out.push_str(&prefixed);
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

/// `https://host:port/p?q` → (`https://host:port`, `/p?q`) for `http`/`https` URLs.
fn split_origin(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let host_start = scheme_end + 3;
    let path_start = url[host_start..].find(['/', '?', '#']).map_or(url.len(), |i| host_start + i);
    Some((&url[..path_start], &url[path_start..]))
}

/// Internal link targets of one page, deduplicated, in order of first appearance.
#[derive(Debug, Default)]
struct Links {
    seen: HashSet<String>,
    list: Vec<String>,
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

// ---------------------------------------------------------------------------------------------
// Pass: external links.

/// Adds `rel="noopener"` and `class="external"` to links that leave the site.
fn mark_external(el: &mut Element<'_, '_>, opts: &PostOptions) -> HandlerResult {
    let Some(href) = el.get_attribute("href") else { return Ok(()) };
    if !is_external(href.trim(), opts.site_origin) {
        return Ok(());
    }
    for (attr, token) in [("rel", "noopener"), ("class", "external")] {
        if let Some(merged) = add_token(el.get_attribute(attr).as_deref(), token) {
            el.set_attribute(attr, &merged)?;
        }
    }
    Ok(())
}

/// `http(s)://` on another origin than the site's, or `//host` on another host.
fn is_external(url: &str, site_origin: Option<&str>) -> bool {
    let site = site_origin.map(|o| o.trim_end_matches('/'));
    if let Some(rest) = url.strip_prefix("//") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let site_host = site.and_then(|s| s.split_once("://")).map(|(_, h)| h);
        return !site_host.is_some_and(|h| h.eq_ignore_ascii_case(host));
    }
    match split_origin(url) {
        Some((origin, _)) => !site.is_some_and(|s| s.eq_ignore_ascii_case(origin)),
        None => false,
    }
}

/// A space-separated token list with `token` added, or `None` if it is already there.
fn add_token(list: Option<&str>, token: &str) -> Option<String> {
    let list = list.unwrap_or_default();
    if list.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case(token)) {
        return None;
    }
    let list = list.trim();
    Some(if list.is_empty() { token.to_owned() } else { format!("{list} {token}") })
}

// ---------------------------------------------------------------------------------------------
// Pass: images.

/// Adds `loading="lazy"` and `decoding="async"` to an `<img>` unless already set.
fn add_image_hints(el: &mut Element<'_, '_>) -> HandlerResult {
    for (attr, value) in [("loading", "lazy"), ("decoding", "async")] {
        if !el.has_attribute(attr) {
            el.set_attribute(attr, value)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pass: heading ids and anchors.

/// One heading's anchor, decided before the rewriting pass.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchor {
    /// The id the anchor links to.
    id: String,
    /// Whether the heading lacks this id and must get it.
    set_id: bool,
}

/// What the first pass sees of one heading.
#[derive(Debug, Default)]
struct HeadingText {
    id: Option<String>,
    text: String,
}

/// First pass: reads every matching heading's text and every id in the page, and decides the
/// anchors in document order.
fn plan_anchors(html: &str) -> Result<VecDeque<Anchor>> {
    if !may_have_body_headings(html) {
        return Ok(VecDeque::new()); // cheap exit: no heading can match
    }
    let headings = RefCell::new(Vec::<HeadingText>::new());
    let taken = RefCell::new(HashSet::<String>::new());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", |el| {
            taken.borrow_mut().extend(el.get_attribute("id"));
            Ok(())
        }))
        .append_element_content_handler(element!(HEADINGS, |el| {
            let id = el.get_attribute("id").filter(|id| !id.trim().is_empty());
            headings.borrow_mut().push(HeadingText { id, text: String::new() });
            Ok(())
        }))
        .append_element_content_handler(text!(HEADINGS, |chunk| {
            if let Some(heading) = headings.borrow_mut().last_mut() {
                heading.text.push_str(chunk.as_str());
            }
            Ok(())
        }));
    rewrite_str(html, settings).context("failed to read headings")?;
    Ok(assign_ids(headings.into_inner(), taken.into_inner()))
}

/// Whether an `h2`..`h6` tag follows the first `article-body`; most articles have none, and
/// then the reading pass is skipped.
fn may_have_body_headings(html: &str) -> bool {
    let Some(start) = html.find("article-body") else { return false };
    let rest = &html[start..];
    ["<h2", "<h3", "<h4", "<h5", "<h6"].iter().any(|tag| rest.contains(tag))
}

/// Gives every heading without an id a unique one (`-2`, `-3` for repeats; `section-N` for
/// an empty text, N counting headings from 1), never reusing an id the page already has.
fn assign_ids(headings: Vec<HeadingText>, mut taken: HashSet<String>) -> VecDeque<Anchor> {
    let mut anchors = VecDeque::with_capacity(headings.len());
    for (n, heading) in headings.into_iter().enumerate() {
        if let Some(id) = heading.id {
            anchors.push_back(Anchor { id, set_id: false });
            continue;
        }
        let mut base = heading_id(&decode_entities(&heading.text));
        if base.is_empty() {
            base = format!("section-{}", n + 1);
        }
        let id = unique_id(&base, &taken);
        taken.insert(id.clone());
        anchors.push_back(Anchor { id, set_id: true });
    }
    anchors
}

/// `base`, or `base-2`, `base-3`, … whichever is free first.
fn unique_id(base: &str, taken: &HashSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Heading text → id: letters and digits of any script kept (lowercased), every run of other
/// characters becomes one `-`, no `-` at either end. `实施“七大行动”` → `实施-七大行动`.
fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !id.is_empty() {
                id.push('-');
            }
            gap = false;
            id.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    id
}

/// Second pass: sets the planned id on a heading and appends its `#` anchor link.
fn add_anchor(el: &mut Element<'_, '_>, anchors: &RefCell<VecDeque<Anchor>>) -> HandlerResult {
    let anchor = anchors.borrow_mut().pop_front().ok_or("headings changed between passes")?;
    if anchor.set_id {
        el.set_attribute("id", &anchor.id)?;
    }
    let href = anchor.id.replace('"', "&quot;");
    let link = format!(r##"<a class="anchor" href="#{href}" aria-hidden="true">#</a>"##);
    el.append(&link, ContentType::Html);
    Ok(())
}

/// Decodes the few character references that matter for ids and link paths (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric ones); other named references become a
/// space, which [`heading_id`] treats as a separator.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match rest.find(';').filter(|&end| end <= 32) {
            Some(end) => {
                out.push_str(&decode_reference(&rest[1..end]));
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text for one character reference name (between `&` and `;`).
fn decode_reference(name: &str) -> String {
    let numeric = match name.strip_prefix('#') {
        Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
        Some(dec) => dec.parse().ok(),
        None => None,
    };
    if let Some(c) = numeric.and_then(char::from_u32) {
        return c.to_string();
    }
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => " ",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: PostOptions<'static> =
        PostOptions { base_path: "/", site_origin: None, heading_anchors: false };
    const NEWS: PostOptions<'static> = PostOptions {
        base_path: "/news/",
        site_origin: Some("https://example.org"),
        heading_anchors: false,
    };
    const ANCHORS: PostOptions<'static> = PostOptions { heading_anchors: true, ..ROOT };

    fn html(input: &str, opts: &PostOptions) -> String {
        process(input, opts).unwrap().html
    }

    fn links(input: &str, opts: &PostOptions) -> Vec<String> {
        process(input, opts).unwrap().links
    }

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

    // external links

    #[test]
    fn external_links_get_rel_and_class() {
        let page = r#"<a href="https://elsewhere.org/">x</a>"#;
        assert_eq!(
            html(page, &NEWS),
            r#"<a href="https://elsewhere.org/" rel="noopener" class="external">x</a>"#
        );
    }

    #[test]
    fn external_link_merges_existing_rel_and_class() {
        let page = r#"<a class="btn" rel="nofollow" href="//cdn.org/x">x</a>"#;
        assert_eq!(
            html(page, &NEWS),
            r#"<a class="btn external" rel="nofollow noopener" href="//cdn.org/x">x</a>"#
        );
        let done = r#"<a class="external" rel="noopener" href="http://a.org">x</a>"#;
        assert_eq!(html(done, &NEWS), done);
    }

    #[test]
    fn same_origin_and_local_links_are_not_external() {
        for url in ["https://example.org/news/x/", "//example.org/x", "/x", "mailto:x@y.z", "x/"] {
            assert!(!is_external(url, NEWS.site_origin), "{url}");
        }
        assert!(is_external("http://example.org/", NEWS.site_origin), "other scheme");
        assert!(is_external("https://example.org/", None), "no site origin known");
    }

    #[test]
    fn add_token_merges_once() {
        assert_eq!(add_token(None, "external").as_deref(), Some("external"));
        assert_eq!(add_token(Some(" a  b "), "c").as_deref(), Some("a  b c"));
        assert_eq!(add_token(Some("a NoOpener"), "noopener"), None);
    }

    // images

    #[test]
    fn images_get_loading_hints_unless_set() {
        assert_eq!(html("<img src=x>", &ROOT), r#"<img src=x loading="lazy" decoding="async">"#);
        let eager = r#"<img src=x loading="eager" decoding="sync">"#;
        assert_eq!(html(eager, &ROOT), eager);
    }

    // headings

    fn body(inner: &str) -> String {
        format!(r#"<h2>Outside</h2><div class="article-body">{inner}</div>"#)
    }

    #[test]
    fn cjk_heading_gets_an_id_and_anchor() {
        assert_eq!(
            html(&body("<h2>实施“七大行动”</h2>"), &ANCHORS),
            body(
                r##"<h2 id="实施-七大行动">实施“七大行动”<a class="anchor" href="#实施-七大行动" aria-hidden="true">#</a></h2>"##
            )
        );
    }

    #[test]
    fn duplicate_and_empty_headings_get_unique_ids() {
        let out = html(&body("<h3>Vote</h3><h3>vote!</h3><h4>  </h4><h3>VOTE</h3>"), &ANCHORS);
        for id in [r#"id="vote""#, r#"id="vote-2""#, r#"id="section-3""#, r#"id="vote-3""#] {
            assert!(out.contains(id), "{id} in {out}");
        }
    }

    #[test]
    fn heading_text_includes_nested_elements_and_entities() {
        let out = html(&body("<h2>Budget <em>&amp;</em> Tax</h2>"), &ANCHORS);
        assert!(out.contains(r#"<h2 id="budget-tax">"#), "{out}");
    }

    #[test]
    fn existing_ids_are_kept_and_never_reused() {
        let out = html(&body(r#"<p id="intro"></p><h2 id="mine">A</h2><h2>Intro</h2>"#), &ANCHORS);
        assert!(out.contains(r##"<h2 id="mine">A<a class="anchor" href="#mine""##), "{out}");
        assert!(out.contains(r#"<h2 id="intro-2">"#), "{out}");
    }

    #[test]
    fn headings_outside_the_body_or_when_off_are_untouched() {
        let page = body("<h1>Title</h1><p>x</p>");
        assert_eq!(html(&page, &ANCHORS), page);
        let page = body("<h2>A</h2>");
        assert_eq!(html(&page, &ROOT), page);
    }

    #[test]
    fn heading_id_rules() {
        assert_eq!(heading_id("Hello, World!"), "hello-world");
        assert_eq!(heading_id("  --Été 2024--  "), "été-2024");
        assert_eq!(heading_id("实施“七大行动”"), "实施-七大行动");
        assert_eq!(heading_id("…"), "");
    }

    #[test]
    fn decode_entities_handles_known_numeric_and_broken_references() {
        assert_eq!(decode_entities("a&amp;b&#x4e2d;&#25991;&mdash;c & d"), "a&b中文 c & d");
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
