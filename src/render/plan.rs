//! The page plan: every page the site has, as a [`Job`] (what it shows, with which template,
//! at which URL), in a stable order. Cheap and sequential; rendering the jobs is `render_all`'s.

use super::templates::Templates;
use crate::config::Config;
use crate::model::Site;
use crate::model::urls::{page_count, paginated_url};

/// One page to render: which template, at which URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    pub(crate) kind: Kind,
    pub(crate) template: &'static str,
    /// Root-relative URL.
    pub(crate) url: String,
}

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Index,
    Issue(usize),
    Article(usize),
    /// A printed page (版面) of an issue: indexes into `Site::issues` and its `pages`.
    Page {
        issue: usize,
        page: usize,
    },
    Section {
        section: usize,
        page: usize,
    },
    Author(usize),
    Authors,
    Archive,
    Search,
    NotFound,
}

/// Plans every page of the site, in a stable order: every page kind the theme has a
/// template for.
pub(crate) fn plan(site: &Site, config: &Config, templates: &Templates) -> Vec<Job> {
    let mut jobs =
        Vec::with_capacity(site.articles.len() + site.sections.len() * 2 + site.authors.len() + 8);
    let job = |kind, template, url: String| Job { kind, template, url };
    jobs.push(job(Kind::Index, "index.html", "/".to_owned()));
    for (i, issue) in site.issues.iter().enumerate() {
        jobs.push(job(Kind::Issue(i), "issue.html", issue.url.clone()));
    }
    for (i, issue) in site.issues.iter().enumerate() {
        for (page, print) in issue.pages.iter().enumerate() {
            jobs.push(job(Kind::Page { issue: i, page }, "page.html", print.url.clone()));
        }
    }
    for (i, article) in site.articles.iter().enumerate() {
        jobs.push(job(Kind::Article(i), "article.html", article.url.clone()));
    }
    for (i, section) in site.sections.iter().enumerate() {
        for page in 1..=page_count(section.articles.len(), config.paginate) {
            jobs.push(job(
                Kind::Section { section: i, page },
                "section.html",
                paginated_url(&section.url, page),
            ));
        }
    }
    for (i, author) in site.authors.iter().enumerate() {
        jobs.push(job(Kind::Author(i), "author.html", author.url.clone()));
    }
    let optional = [
        (Kind::Authors, "authors.html", "/authors/"),
        (Kind::Archive, "archive.html", "/archive/"),
        (Kind::Search, "search.html", "/search/"),
        (Kind::NotFound, "404.html", "/404.html"),
    ];
    for (kind, template, url) in optional {
        if kind != Kind::Search || config.search {
            jobs.push(job(kind, template, url.to_owned()));
        }
    }
    // A theme renders only the page kinds it has templates for (a minimal theme may have just
    // index, article and section pages).
    jobs.retain(|job| templates.has(job.template));
    jobs
}
