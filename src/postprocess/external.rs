//! Pass: links that leave the site get `rel="noopener"` and `class="external"`, merged into
//! what the link already has.
//!
//! What this pass is not: a judge of which links are internal for the link checker (that is
//! the `urls` pass); it only marks `<a href>` elements.

use lol_html::html_content::Element;
use lol_html::{HandlerResult, element};

use super::{Handler, PostOptions};

/// The pass's handler, on `<a href>`.
pub(super) fn handler<'h>(opts: &'h PostOptions<'_>) -> Handler<'h> {
    element!("a[href]", move |el| mark_external(el, opts))
}

/// What the pass adds to a link written without `rel` and `class`, as lol_html writes it.
pub(super) const EXTERNAL_ATTRIBUTES: &str = r#" rel="noopener" class="external""#;

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
pub(super) fn is_external(url: &str, site_origin: Option<&str>) -> bool {
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

/// `https://host:port/p?q` → (`https://host:port`, `/p?q`) for `http`/`https` URLs.
pub(super) fn split_origin(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let host_start = scheme_end + 3;
    let path_start = url[host_start..].find(['/', '?', '#']).map_or(url.len(), |i| host_start + i);
    Some((&url[..path_start], &url[path_start..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postprocess::test_support::{NEWS, html};

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
}
