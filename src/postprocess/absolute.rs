//! Pass for HTML that leaves the site: every URL of an article body made absolute, so that a
//! feed reader, which shows the body on another origin, finds the pictures and links.
//!
//! A root-relative URL (`/archive/`) means the site's root, as it does in a body on the site,
//! so it resolves against `base_url` (a sub-path site keeps its sub-path); any other relative
//! reference (`../x/`, `images/a.jpg`) resolves against the article's own URL, as a browser
//! on the article page would. Fragment-only links (`#note`) stay, and so do URLs that have a
//! scheme.
//!
//! What this pass is not: a rewriter of URLs in CSS or scripts, and it needs a `base_url` with
//! a host; without one only the base path is added to root-relative URLs.

use anyhow::{Context as _, Result};
use lol_html::{RewriteStrSettings, element, rewrite_str};
use url::Url;

use super::urls::map_srcset;

/// The attributes that hold one URL each.
const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "poster", "data"];

/// Where a body's URLs point from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// `base_url` from `site.toml`: `https://example.org/news/`, or a bare path.
    pub base_url: &'a str,
    /// The path of `base_url`, starting and ending with `/`.
    pub base_path: &'a str,
    /// The article's root-relative URL, e.g. `/2024/05/24/slug/`.
    pub page: &'a str,
}

/// `html` with its `href`, `src`, `poster`, `data` and `srcset` URLs made absolute.
pub(crate) fn absolute_urls(html: &str, origin: &Origin) -> Result<String> {
    let resolver = Resolver::new(origin);
    let single = element!("[href], [src], [poster], [data]", |el| {
        for name in URL_ATTRIBUTES {
            if let Some(value) = el.get_attribute(name)
                && let Some(absolute) = resolver.resolve(&value)
            {
                el.set_attribute(name, &absolute)?;
            }
        }
        Ok(())
    });
    let srcset = element!("[srcset]", |el| {
        if let Some(value) = el.get_attribute("srcset")
            && let Some(absolute) = resolver.resolve_srcset(&value)
        {
            el.set_attribute("srcset", &absolute)?;
        }
        Ok(())
    });
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(single)
        .append_element_content_handler(srcset);
    rewrite_str(html, settings).context("failed to make the body's URLs absolute")
}

/// Resolves references for one page.
struct Resolver<'a> {
    /// The site root (`base_url`) and the page's absolute URL, when `base_url` has a host.
    urls: Option<(Url, Url)>,
    base_path: &'a str,
}

impl<'a> Resolver<'a> {
    fn new(origin: &Origin<'a>) -> Self {
        let root = Url::parse(origin.base_url).ok().filter(|url| url.has_host());
        let urls = root.and_then(|root| {
            let page = root.join(origin.page.trim_start_matches('/')).ok()?;
            Some((root, page))
        });
        Resolver { urls, base_path: origin.base_path }
    }

    /// The absolute form of `reference`, or `None` when it stays as it is.
    fn resolve(&self, reference: &str) -> Option<String> {
        let trimmed = reference.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || has_scheme(trimmed) {
            return None;
        }
        let root_relative = trimmed.starts_with('/') && !trimmed.starts_with("//");
        match &self.urls {
            Some((root, _)) if root_relative => {
                root.join(trimmed.trim_start_matches('/')).ok().map(String::from)
            }
            Some((_, page)) => page.join(trimmed).ok().map(String::from),
            None if root_relative && self.base_path != "/" => {
                Some(format!("{}{}", self.base_path.trim_end_matches('/'), trimmed))
            }
            None => None,
        }
    }

    /// `srcset` with each candidate's URL resolved, or `None` when none changed.
    fn resolve_srcset(&self, srcset: &str) -> Option<String> {
        map_srcset(srcset, |url| self.resolve(url))
    }
}

/// Whether `reference` starts with a URL scheme (`https:`, `mailto:`, `data:`).
fn has_scheme(reference: &str) -> bool {
    let Some(colon) = reference.find(':') else { return false };
    let scheme = &reference[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: Origin<'static> = Origin {
        base_url: "https://example.org/news/",
        base_path: "/news/",
        page: "/2024/05/24/port/",
    };

    fn absolute(html: &str, origin: &Origin) -> String {
        absolute_urls(html, origin).unwrap()
    }

    #[test]
    fn root_relative_urls_keep_the_sub_path() {
        let out = absolute(r#"<a href="/archive/">a</a><img src="/images/p-960.jpg">"#, &NEWS);
        assert_eq!(
            out,
            r#"<a href="https://example.org/news/archive/">a</a><img src="https://example.org/news/images/p-960.jpg">"#
        );
    }

    #[test]
    fn relative_urls_resolve_against_the_article() {
        let out = absolute(r#"<a href="../harbour/">h</a><img src="images/a.jpg">"#, &NEWS);
        assert!(out.contains(r#"href="https://example.org/news/2024/05/24/harbour/""#), "{out}");
        assert!(out.contains(r#"src="https://example.org/news/2024/05/24/port/images/a.jpg""#));
    }

    #[test]
    fn every_srcset_candidate_is_resolved() {
        let out = absolute(r#"<source srcset="/i/a-480.webp 480w, /i/a-960.webp 960w">"#, &NEWS);
        assert!(out.contains(
            r#"srcset="https://example.org/news/i/a-480.webp 480w, https://example.org/news/i/a-960.webp 960w""#
        ));
    }

    #[test]
    fn fragments_and_schemes_stay() {
        let html =
            r##"<a href="#n1">1</a><a href="mailto:x@y.z">m</a><a href="https://o.org/">o</a>"##;
        assert_eq!(absolute(html, &NEWS), html);
    }

    #[test]
    fn scheme_relative_urls_take_the_site_scheme() {
        let out = absolute(r#"<img src="//cdn.example.net/x.jpg">"#, &NEWS);
        assert_eq!(out, r#"<img src="https://cdn.example.net/x.jpg">"#);
    }

    #[test]
    fn without_a_host_only_the_base_path_is_added() {
        let origin = Origin { base_url: "/news/", ..NEWS };
        assert_eq!(
            absolute(r#"<a href="/archive/">a</a><a href="x/">x</a>"#, &origin),
            r#"<a href="/news/archive/">a</a><a href="x/">x</a>"#
        );
    }
}
