//! Print pages (版面): each issue's printed pages in print order, with their articles, the
//! section each page belongs to and its URL.
//!
//! Pure: decided from the articles' `page` fields once the issues are known. An article
//! without a `page` is on no print page. Not here: how a page view looks (`render`).

use std::collections::HashSet;

use anyhow::anyhow;

use super::Site;
use super::urls::permalink;
use crate::config::Config;
use crate::content::load::Failure;
use crate::text::slugify;

/// One printed page of an issue (`A01`).
#[derive(Debug, Clone)]
pub struct PrintPage {
    /// The page as printed and written in front matter: `A01`.
    pub name: String,
    /// The name without leading zeros in its number (`A1`), as English papers write it.
    pub short: String,
    /// Root-relative URL of the page view, e.g. `/2024/05/24/A01/`.
    pub url: String,
    /// The section of the page's first article with one (index into [`Site::sections`]).
    pub section: Option<usize>,
    /// The page's articles in print order (indexes into [`Site::articles`]).
    pub articles: Vec<usize>,
}

/// Groups every issue's articles into print pages, in the order the pages first occur in
/// print order, and records each article's page. A page URL equal to an article's is a
/// failure naming the article.
pub(crate) fn assign_pages(config: &Config, site: &mut Site) -> Vec<Failure> {
    for issue in 0..site.issues.len() {
        let mut pages: Vec<PrintPage> = Vec::new();
        for position in 0..site.issues[issue].articles.len() {
            let index = site.issues[issue].articles[position];
            let article = &site.articles[index];
            let Some(name) = article.data.page.as_deref().map(str::trim).filter(|n| !n.is_empty())
            else {
                continue;
            };
            let at = match pages.iter().position(|p| p.name == name) {
                Some(at) => at,
                None => {
                    let url = page_url(config, site.issues[issue].date, name, pages.len());
                    pages.push(new_page(name, url));
                    pages.len() - 1
                }
            };
            let page = &mut pages[at];
            page.articles.push(index);
            page.section = page.section.or(article.section);
            site.articles[index].print_page = Some(at);
        }
        site.issues[issue].pages = pages;
    }
    url_clashes(site)
}

fn new_page(name: &str, url: String) -> PrintPage {
    PrintPage {
        name: name.to_owned(),
        short: short_name(name),
        url,
        section: None,
        articles: Vec::new(),
    }
}

fn page_url(config: &Config, date: chrono::NaiveDate, name: &str, position: usize) -> String {
    let pattern = config.permalinks.page.replace(":page", ":slug");
    permalink(&pattern, Some(date), &page_slug(name, position))
}

/// The URL segment of a page name: the name itself when it is plain ASCII (`A01`), else its
/// transliteration, else `page-N`.
pub(crate) fn page_slug(name: &str, position: usize) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return name.to_owned();
    }
    let slug = slugify(name);
    if slug.is_empty() { format!("page-{}", position + 1) } else { slug }
}

/// `A01` → `A1`, `03` → `3`, `B10` → `B10`: the first run of digits without leading zeros.
pub(crate) fn short_name(name: &str) -> String {
    let Some(start) = name.find(|c: char| c.is_ascii_digit()) else { return name.to_owned() };
    let digits =
        name[start..].find(|c: char| !c.is_ascii_digit()).map_or(name.len(), |e| e + start);
    let number = name[start..digits].trim_start_matches('0');
    let number = if number.is_empty() { "0" } else { number };
    format!("{}{number}{}", &name[..start], &name[digits..])
}

/// A page view would overwrite an article page (or the other way round) when their URLs are
/// equal ignoring case (case-insensitive file systems).
fn url_clashes(site: &Site) -> Vec<Failure> {
    let pages: HashSet<String> = site
        .issues
        .iter()
        .flat_map(|issue| issue.pages.iter().map(|p| p.url.to_lowercase()))
        .collect();
    site.articles
        .iter()
        .filter(|a| pages.contains(&a.url.to_lowercase()))
        .map(|a| Failure {
            path: a.data.path.clone(),
            error: anyhow!(
                "this article's URL `{}` is also a print page's (版面) URL; give the article \
                 another `slug`, or change `permalinks.page` in site.toml",
                a.url
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_leading_zeros() {
        assert_eq!(short_name("A01"), "A1");
        assert_eq!(short_name("03"), "3");
        assert_eq!(short_name("B10"), "B10");
        assert_eq!(short_name("00"), "0");
        assert_eq!(short_name("要闻"), "要闻");
    }

    #[test]
    fn page_slugs_keep_plain_names() {
        assert_eq!(page_slug("A01", 0), "A01");
        assert_eq!(page_slug("  ", 2), "page-3");
        assert!(page_slug("第3版", 0).is_ascii());
    }
}
