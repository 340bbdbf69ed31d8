//! Loaded articles → [`Site`]: issues by date, sections, reporters, print order, URLs.
//!
//! Pure: no I/O, no templates. Everything a page lists is computed here once (section
//! listings newest first, an issue's articles in print order, each reporter's articles), so
//! rendering only looks things up. Slugs and URLs are decided here and checked for clashes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::anyhow;
use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::load::{Failure, Loaded, LoadedArticle, SectionIndex, base_slug};
use crate::text::slugify;

pub(crate) mod pages;
pub(crate) mod urls;

pub use pages::PrintPage;
use urls::permalink;

/// An article with its place in the site.
#[derive(Debug, Clone)]
pub struct Article {
    /// What the file said.
    pub(crate) data: Arc<LoadedArticle>,
    /// URL segment, unique within its URL pattern.
    pub slug: String,
    /// Root-relative URL, e.g. `/2024/05/24/slug/`.
    pub url: String,
    /// Index into [`Site::sections`].
    pub(crate) section: Option<usize>,
    /// Indexes into [`Site::authors`].
    pub(crate) authors: Vec<usize>,
    /// Index into [`Site::issues`].
    pub(crate) issue: usize,
    /// Index into its issue's [`Issue::pages`], when it names a `page`.
    pub(crate) print_page: Option<usize>,
}

/// One day's edition.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The issue's date.
    pub date: NaiveDate,
    /// Root-relative URL of its front.
    pub url: String,
    /// Its articles in print order (indexes into [`Site::articles`]).
    pub articles: Vec<usize>,
    /// Its printed pages (版面) in print order.
    pub pages: Vec<PrintPage>,
}

/// A section of the paper.
#[derive(Debug, Clone)]
pub struct Section {
    /// Display name.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Sort key for navigation.
    pub order: i64,
    /// One line for its index page.
    pub description: String,
    /// Root-relative URL of its first index page.
    pub url: String,
    /// Its articles, newest first.
    pub articles: Vec<usize>,
}

/// A reporter (or any name in `authors`).
#[derive(Debug, Clone)]
pub struct Author {
    /// The name as written in front matter.
    pub name: String,
    /// URL segment (transliterated).
    pub slug: String,
    /// Root-relative URL of the reporter's page.
    pub url: String,
    /// Their articles, newest first.
    pub articles: Vec<usize>,
}

/// The whole edition archive, immutable once built.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Newest issue first; within an issue, print order.
    pub articles: Vec<Article>,
    /// Newest first.
    pub issues: Vec<Issue>,
    /// Navigation order.
    pub sections: Vec<Section>,
    /// Sorted by name.
    pub authors: Vec<Author>,
}

/// Builds the site from what `load` read, with each issue's print pages. Clashing URLs become
/// failures.
pub(crate) fn build_site(config: &Config, loaded: Loaded) -> (Site, Vec<Failure>) {
    let Loaded { mut articles, section_indexes } = loaded;
    articles.sort_by(|a, b| b.issue.cmp(&a.issue).then_with(|| compare_print_order(a, b)));
    let mut sections = declared_sections(config, &section_indexes, &articles);
    let section_of = section_lookup(&sections);
    let mut failures = Vec::new();
    let (slugs, mut clashes) = assign_slugs(config, &articles);
    failures.append(&mut clashes);
    let mut site = Site::default();
    let mut issue_index: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut author_names: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (data, slug) in articles.into_iter().zip(slugs) {
        let index = site.articles.len();
        let issue = *issue_index.entry(data.issue).or_insert_with(|| {
            site.issues.push(Issue {
                date: data.issue,
                url: permalink(&config.permalinks.issue, Some(data.issue), ""),
                articles: Vec::new(),
                pages: Vec::new(),
            });
            site.issues.len() - 1
        });
        site.issues[issue].articles.push(index);
        let section = data.section.as_deref().and_then(|s| section_of.get(s).copied());
        if let Some(section) = section {
            sections[section].articles.push(index);
        }
        for name in &data.authors {
            author_names.entry(name.clone()).or_default().push(index);
        }
        let url = permalink(&config.permalinks.article, Some(data.issue), &slug);
        site.articles.push(Article {
            data,
            slug,
            url,
            section,
            authors: Vec::new(),
            issue,
            print_page: None,
        });
    }
    site.sections = sections;
    site.authors = build_authors(config, author_names, &mut site.articles);
    failures.extend(pages::assign_pages(config, &mut site));
    (site, failures)
}

/// Whether two versions of an article file give the same model: the same URL, issue, print
/// position, section and reporters. Compares every field [`build_site`] reads (the title
/// gives the derived slug), so a change elsewhere (text, summary, kicker, tags…) can be applied
/// to a built [`Site`] in place by swapping the article's data.
pub(crate) fn same_structure(a: &LoadedArticle, b: &LoadedArticle) -> bool {
    (&a.path, &a.title, a.issue, a.order, &a.page, &a.section, &a.authors, &a.slug, a.draft)
        == (&b.path, &b.title, b.issue, b.order, &b.page, &b.section, &b.authors, &b.slug, b.draft)
}

/// Whether two versions of an article file keep their place in the model: everything
/// [`same_structure`] compares but the title, which only gives the derived slug (so a
/// retitle keeps every index and moves at most some URLs, see [`reslug`]).
pub(crate) fn same_place(a: &LoadedArticle, b: &LoadedArticle) -> bool {
    (&a.path, a.issue, a.order, &a.page, &a.section, &a.authors, &a.slug, a.draft)
        == (&b.path, b.issue, b.order, &b.page, &b.section, &b.authors, &b.slug, b.draft)
}

/// Gives every article the slug and URL [`build_site`] would give it now (after a retitle
/// applied in place); returns the articles whose URL moved, with their old URL. `None` if
/// the slugs clash, which only a fresh model reports.
pub(crate) fn reslug(config: &Config, site: &mut Site) -> Option<Vec<(usize, String)>> {
    let data: Vec<Arc<LoadedArticle>> = site.articles.iter().map(|a| Arc::clone(&a.data)).collect();
    let (slugs, failures) = assign_slugs(config, &data);
    if !failures.is_empty() {
        return None;
    }
    let mut moved = Vec::new();
    for (index, (article, slug)) in site.articles.iter_mut().zip(slugs).enumerate() {
        if article.slug != slug {
            let url = permalink(&config.permalinks.article, Some(article.data.issue), &slug);
            article.slug = slug;
            moved.push((index, std::mem::replace(&mut article.url, url)));
        }
    }
    Some(moved)
}

/// Print order within an issue: `order`, then page, then section name, then file path.
fn compare_print_order(a: &LoadedArticle, b: &LoadedArticle) -> std::cmp::Ordering {
    print_order_key(a).cmp(&print_order_key(b))
}

fn print_order_key(a: &LoadedArticle) -> (u32, Option<&str>, &PathBuf) {
    (a.order.unwrap_or(u32::MAX), a.page.as_deref(), &a.path)
}

fn declared_sections(
    config: &Config,
    indexes: &[SectionIndex],
    articles: &[Arc<LoadedArticle>],
) -> Vec<Section> {
    let mut sections: Vec<Section> = config
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let slug = s.slug.clone().unwrap_or_else(|| slugify(&s.name));
            new_section(config, &s.name, slug, s.order.unwrap_or(i as i64), &s.description)
        })
        .collect();
    let known = |sections: &[Section], name: &str| {
        sections.iter().any(|s| s.name == name || s.slug == name)
    };
    let mut extra: BTreeMap<String, (String, String)> = BTreeMap::new();
    for index in indexes {
        if !known(&sections, &index.title) && !known(&sections, &index.slug) {
            extra.insert(index.title.clone(), (index.slug.clone(), index.description.clone()));
        }
    }
    for name in articles.iter().filter_map(|a| a.section.as_deref()) {
        if !known(&sections, name) && !extra.contains_key(name) {
            extra.insert(name.to_owned(), (slugify(name), String::new()));
        }
    }
    let base = sections.iter().map(|s| s.order).max().map_or(0, |m| m + 1);
    for (i, (name, (slug, description))) in extra.into_iter().enumerate() {
        sections.push(new_section(config, &name, slug, base + i as i64, &description));
    }
    sections.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));
    sections
}

fn new_section(
    config: &Config,
    name: &str,
    slug: String,
    order: i64,
    description: &str,
) -> Section {
    let url = permalink(&config.permalinks.section, None, &slug);
    Section {
        name: name.to_owned(),
        slug,
        order,
        description: description.to_owned(),
        url,
        articles: vec![],
    }
}

/// Maps both names and slugs to section indexes.
fn section_lookup(sections: &[Section]) -> HashMap<String, usize> {
    let mut lookup = HashMap::new();
    for (i, section) in sections.iter().enumerate() {
        lookup.entry(section.slug.clone()).or_insert(i);
        lookup.insert(section.name.clone(), i);
    }
    lookup
}

/// Slugs for every article. A slug written in front matter that clashes is an error; a derived
/// one gets `-2`, `-3`… in file order.
fn assign_slugs(config: &Config, articles: &[Arc<LoadedArticle>]) -> (Vec<String>, Vec<Failure>) {
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut failures = Vec::new();
    let explicit: Vec<Option<String>> =
        articles.par_iter().map(|a| a.slug.as_deref().map(slugify)).collect();
    let bases = articles.iter().map(|a| a.title_slug.clone());
    for (i, slug) in explicit.iter().enumerate() {
        let Some(slug) = slug else { continue };
        let url = permalink(&config.permalinks.article, Some(articles[i].issue), slug);
        if let Some(&first) = taken.get(&url) {
            failures.push(url_clash(&articles[first].path, &articles[i].path, &url));
        } else {
            taken.insert(url, i);
        }
    }
    let slugs = articles
        .iter()
        .zip(explicit)
        .zip(bases)
        .enumerate()
        .map(|(i, ((article, slug), base))| {
            slug.unwrap_or_else(|| derive_unique_slug(config, article, base, i, &mut taken))
        })
        .collect();
    (slugs, failures)
}

fn derive_unique_slug(
    config: &Config,
    article: &LoadedArticle,
    base: String,
    index: usize,
    taken: &mut HashMap<String, usize>,
) -> String {
    let mut slug = base.clone();
    let mut n = 2;
    loop {
        let url = permalink(&config.permalinks.article, Some(article.issue), &slug);
        if let std::collections::hash_map::Entry::Vacant(entry) = taken.entry(url) {
            entry.insert(index);
            return slug;
        }
        slug = format!("{base}-{n}");
        n += 1;
    }
}

fn url_clash(first: &std::path::Path, second: &std::path::Path, url: &str) -> Failure {
    Failure {
        path: second.to_path_buf(),
        error: anyhow!(
            "two articles have the URL `{url}`: `{}` and this file; give one of them another `slug`",
            first.display()
        ),
    }
}

fn build_authors(
    config: &Config,
    names: BTreeMap<String, Vec<usize>>,
    articles: &mut [Article],
) -> Vec<Author> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut authors = Vec::with_capacity(names.len());
    let bases: Vec<String> = names.par_iter().map(|(name, _)| base_slug(name, "author")).collect();
    for ((name, list), base) in names.into_iter().zip(bases) {
        let count = used.entry(base.clone()).or_insert(0);
        *count += 1;
        let slug = if *count == 1 { base } else { format!("{base}-{count}") };
        for &a in &list {
            articles[a].authors.push(authors.len());
        }
        let url = permalink(&config.permalinks.author, None, &slug);
        authors.push(Author { name, slug, url, articles: list });
    }
    for article in articles.iter_mut() {
        let order: Vec<&String> = article.data.authors.iter().collect();
        article.authors.sort_by_key(|&i| order.iter().position(|n| **n == authors[i].name));
    }
    authors
}

impl Site {
    /// The issue before (older than) `issue`, if any.
    pub fn older_issue(&self, issue: usize) -> Option<&Issue> {
        self.issues.get(issue + 1)
    }

    /// The issue after (newer than) `issue`, if any.
    pub fn newer_issue(&self, issue: usize) -> Option<&Issue> {
        issue.checked_sub(1).and_then(|i| self.issues.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_fill_dates() {
        let date = NaiveDate::from_ymd_opt(2024, 5, 4);
        assert_eq!(permalink("/:year/:month/:day/:slug/", date, "x"), "/2024/05/04/x/");
        assert_eq!(permalink("/sections/:slug/", None, "a-b"), "/sections/a-b/");
        assert_eq!(permalink("/:year/:slug/", None, "x"), "/:year/x/");
        assert_eq!(permalink("/a:b/:slugs/:day", date, "x"), "/a:b/xs/04");
    }
}
