//! URL rules: permalink patterns, pagination, output paths for URLs, and site URLs with the
//! base path. Pure functions of their arguments; what URL a page gets is decided in `model` and
//! `render`'s plan, not here.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

/// Fills a permalink pattern: `:slug`, and `:year`, `:month`, `:day` when there is a date
/// (without one they stay as written).
pub(crate) fn permalink(pattern: &str, date: Option<NaiveDate>, slug: &str) -> String {
    let mut url = String::with_capacity(pattern.len() + slug.len());
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        url.push_str(&rest[..at]);
        rest = &rest[at..];
        let token = ["slug", "year", "month", "day"]
            .into_iter()
            .find(|t| rest[1..].starts_with(t) && (*t == "slug" || date.is_some()));
        let Some(token) = token else {
            url.push(':');
            rest = &rest[1..];
            continue;
        };
        match (token, date) {
            ("year", Some(d)) => write!(url, "{:04}", d.year()),
            ("month", Some(d)) => write!(url, "{:02}", d.month()),
            ("day", Some(d)) => write!(url, "{:02}", d.day()),
            _ => write!(url, "{slug}"),
        }
        .unwrap_or_default();
        rest = &rest[1 + token.len()..];
    }
    url.push_str(rest);
    url
}

/// Pages a section index needs (always at least one).
pub(crate) fn page_count(articles: usize, per_page: usize) -> usize {
    if per_page == 0 { 1 } else { articles.div_ceil(per_page).max(1) }
}

/// `/sections/x/` for page 1, `/sections/x/page/2/` after.
pub(crate) fn paginated_url(first: &str, page: usize) -> String {
    if page == 1 { first.to_owned() } else { format!("{first}page/{page}/") }
}

/// The output path for a root-relative URL: `/a/` → `a/index.html`, `/404.html` → `404.html`.
pub(crate) fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || url.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_owned()
    }
}

/// Root-relative `path` as a site URL. Root-relative results get the base path from the
/// post-processor, so here only absolute URLs carry it.
pub(crate) fn make_url(path: &str, absolute: bool, base_url: &str, base_path: &str) -> String {
    if path.contains("://") || path.starts_with("//") {
        return path.to_owned();
    }
    let rooted = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    if !absolute {
        return rooted;
    }
    if base_url.contains("://") {
        format!("{}{}", base_url.trim_end_matches('/'), rooted)
    } else {
        format!("{}{}", base_path.trim_end_matches('/'), rooted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_are_pretty() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/2024/05/24/x/"), "2024/05/24/x/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn pagination_counts_and_urls() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(page_count(41, 0), 1);
        assert_eq!(paginated_url("/sections/a/", 1), "/sections/a/");
        assert_eq!(paginated_url("/sections/a/", 2), "/sections/a/page/2/");
    }

    #[test]
    fn urls_respect_base_url_only_when_absolute() {
        assert_eq!(make_url("/a/", false, "https://x.org/news/", "/news/"), "/a/");
        assert_eq!(make_url("/a/", true, "https://x.org/news/", "/news/"), "https://x.org/news/a/");
        assert_eq!(make_url("a.css", true, "/", "/"), "/a.css");
    }
}
