//! [`Site`] → rendered pages: a cheap sequential plan of every page, then each page rendered
//! through Tera and post-processed with lol_html in one parallel pass.
//!
//! Listings shown on many pages (each article's summary) are turned into template values once
//! in [`Shared`]; a page's context borrows those by cloning only the few entries it shows.
//! This module reads no files and writes none: it returns [`Page`]s for `output`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::Datelike;
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::config::Config;
use crate::model::{Article, Issue, Site};
use crate::output::Staging;
use crate::postprocess::{self, PostOptions};
use crate::templates::Templates;

/// How many other articles "more from the section" shows.
const MORE_FROM_SECTION: usize = 5;
/// How many recent issues the fronts list.
const RECENT_ISSUES: usize = 10;
/// How many of each section's newest articles the home page gets.
const LATEST_PER_SECTION: usize = 10;

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
    Section { section: usize, page: usize },
    Author(usize),
    Authors,
    Archive,
    Search,
    NotFound,
}

/// A rendered page: where it goes and what it links to. Its HTML went to the staging folder
/// (when it differed from the output) and is not kept in memory.
#[derive(Debug, Clone)]
pub struct Page {
    /// Root-relative URL it answers.
    pub url: String,
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Internal links on it that name no page or file of the site.
    pub broken_links: Vec<String>,
    /// Whether its bytes differed from the output folder's and were staged.
    pub staged: bool,
}

/// Bodies (HTML) of the articles the feed carries, by article index.
pub(crate) type Bodies = HashMap<usize, String>;

/// Template values computed once per build and shared by every page.
pub(crate) struct Shared {
    pub(crate) site: Value,
    /// `ArticleSummary` for every article, by article index.
    pub(crate) summaries: Arc<Vec<Value>>,
    pub(crate) issue_refs: Vec<Value>,
    pub(crate) section_refs: Vec<Value>,
    pub(crate) author_refs: Vec<Value>,
}

/// Time spent rendering pages, summed over threads.
#[derive(Debug, Clone, Default)]
pub struct RenderTimings {
    /// Per template: time in Tera (rendering that template and what it extends and includes)
    /// and calls.
    pub per_template: HashMap<&'static str, (Duration, usize)>,
    /// Building page contexts.
    pub context: Duration,
    /// Tera, all templates.
    pub template: Duration,
    /// The lol_html post-processing pass.
    pub post: Duration,
    /// Comparing with the output, staging, checking links.
    pub stage: Duration,
}

/// Where one page's time went.
#[derive(Debug, Clone, Copy, Default)]
struct PageTimings {
    context: Duration,
    template: Duration,
    post: Duration,
    stage: Duration,
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

/// Computes the values shared by every page.
pub(crate) fn share(site: &Site, config: &Config) -> Shared {
    let section_refs: Vec<Value> = site.sections.iter().map(section_ref).collect();
    let issue_refs: Vec<Value> = site.issues.iter().map(issue_ref).collect();
    let author_refs: Vec<Value> = site
        .authors
        .iter()
        .map(|a| json!({"name": a.name, "slug": a.slug, "url": a.url}))
        .collect();
    let summaries = site
        .articles
        .par_iter()
        .map(|article| summary(article, site, &section_refs, &author_refs))
        .collect();
    let site_value = json!({
        "title": config.title, "description": config.description, "language": config.language,
        "base_url": config.base_url, "base_path": config.base_path, "feeds": config.feeds,
        "search": config.search, "build_date": build_date(site), "sections": section_refs,
        "newest_issue": site.issues.first().map(issue_date_ref), "extra": config.extra,
    });
    Shared {
        site: site_value,
        summaries: Arc::new(summaries),
        issue_refs,
        section_refs,
        author_refs,
    }
}

/// The newest issue's date stands for the build date, so output does not depend on the clock.
fn build_date(site: &Site) -> String {
    site.issues.first().map(|i| i.date.to_string()).unwrap_or_default()
}

fn section_ref(section: &crate::model::Section) -> Value {
    json!({"name": section.name, "slug": section.slug, "url": section.url,
           "description": section.description, "order": section.order})
}

fn issue_ref(issue: &Issue) -> Value {
    let mut value = issue_date_ref(issue);
    if let Some(map) = value.as_object_mut() {
        map.insert("article_count".into(), issue.articles.len().into());
    }
    value
}

/// An issue's date and URL only: what `site` may carry without depending on any article, so
/// that adding an article does not change every page's context.
fn issue_date_ref(issue: &Issue) -> Value {
    json!({"date": issue.date.to_string(), "year": issue.date.year(), "month": issue.date.month(),
           "day": issue.date.day(), "url": issue.url})
}

fn summary(article: &Article, site: &Site, sections: &[Value], authors: &[Value]) -> Value {
    let data = &article.data;
    json!({
        "title": data.title, "kicker": data.kicker, "subtitle": data.subtitle, "column": data.column,
        "url": article.url, "date": data.date.to_string(), "issue": site.issues[article.issue].date.to_string(),
        "section": article.section.map(|s| &sections[s]), "page": data.page, "order": data.order,
        "authors": article.authors.iter().map(|&a| &authors[a]).collect::<Vec<_>>(),
        "byline": data.byline, "dateline": data.dateline, "summary": data.summary,
        "reading_time": data.reading_time, "truncated": data.truncated, "tags": data.tags,
    })
}

/// Everything rendering a page reads: the site, its shared values, the templates, where
/// pages go (`staging`, absent in check mode) and which output paths exist (`known`, for the
/// link checker).
pub(crate) struct Env<'a> {
    pub(crate) site: &'a Site,
    pub(crate) config: &'a Config,
    pub(crate) shared: &'a Shared,
    pub(crate) templates: &'a Templates,
    pub(crate) staging: Option<&'a Staging>,
    pub(crate) known: &'a HashSet<String>,
}

/// Renders and post-processes every job in parallel. Results keep the jobs' order.
pub(crate) fn render_all(jobs: &[Job], env: &Env<'_>) -> (Vec<Result<Page>>, RenderTimings) {
    let post = PostOptions {
        base_path: &env.config.base_path,
        site_origin: env.config.origin(),
        heading_anchors: true,
    };
    let results: Vec<(Result<Page>, PageTimings)> =
        jobs.par_iter().map(|job| render_one(job, env, &post)).collect();
    let mut timings = RenderTimings::default();
    let pages = jobs
        .iter()
        .zip(results)
        .map(|(job, (page, took))| {
            let entry = timings.per_template.entry(job.template).or_default();
            entry.0 += took.template;
            entry.1 += 1;
            timings.context += took.context;
            timings.template += took.template;
            timings.post += took.post;
            timings.stage += took.stage;
            page
        })
        .collect();
    (pages, timings)
}

fn render_one(job: &Job, env: &Env<'_>, post: &PostOptions<'_>) -> (Result<Page>, PageTimings) {
    let mut took = PageTimings::default();
    let page = render_timed(job, env, post, &mut took);
    (page, took)
}

fn render_timed(
    job: &Job,
    env: &Env<'_>,
    post: &PostOptions<'_>,
    took: &mut PageTimings,
) -> Result<Page> {
    let start = Instant::now();
    let body = match job.kind {
        Kind::Article(i) => {
            Some(crate::load::load_body(env.config, &env.site.articles[i].data.path)?)
        }
        _ => None,
    };
    let context =
        context_for(job, env.site, body.as_deref(), env.config, env.shared, env.templates);
    let context = tera::Context::from_value(context).context("page context is not an object")?;
    let rendered = Instant::now();
    took.context = rendered - start;
    let html = env.templates.render(env.config, job.template, &context)?;
    let processed = Instant::now();
    took.template = processed - rendered;
    let processed_html = postprocess::process(&html, post)
        .with_context(|| format!("failed to post-process `{}`", job.url))?;
    let staged_at = Instant::now();
    took.post = staged_at - processed;
    let path = output_path(&job.url);
    let staged = match env.staging {
        Some(staging) => staging.stage(&path, processed_html.html.as_bytes())?,
        None => false,
    };
    let broken =
        processed_html.links.into_iter().filter(|link| !link_resolves(env.known, link)).collect();
    took.stage = staged_at.elapsed();
    Ok(Page { url: job.url.clone(), path, broken_links: broken, staged })
}

/// Whether a root-relative link names a produced file (`/a/` → `a/index.html`; `/a` also).
pub(crate) fn link_resolves(known: &HashSet<String>, link: &str) -> bool {
    if known.contains(&output_path(link)) {
        return true;
    }
    let as_dir = format!("{}/index.html", link.trim_matches('/'));
    known.contains(&as_dir)
}

/// The whole context of one page.
pub(crate) fn context_for(
    job: &Job,
    site: &Site,
    body: Option<&str>,
    config: &Config,
    shared: &Shared,
    templates: &Templates,
) -> Value {
    let (title, mut extra) = match job.kind {
        Kind::Index => (config.title.clone(), index_context(site, shared)),
        Kind::Issue(i) => (issue_title(site, i, config), issue_context(site, shared, i)),
        Kind::Article(i) => {
            (site.articles[i].data.title.clone(), article_context(site, body, shared, i))
        }
        Kind::Section { section, page } => section_context(site, config, shared, section, page),
        Kind::Author(i) => (site.authors[i].name.clone(), author_context(site, shared, i)),
        Kind::Authors => (String::new(), authors_context(site, shared)),
        Kind::Archive => (String::new(), archive_context(site, shared)),
        Kind::Search | Kind::NotFound => (String::new(), json!({})),
    };
    let kind = kind_name(job.kind);
    let map = extra.as_object_mut().expect("every page context is built as a JSON object");
    map.insert("site".into(), shared.site.clone());
    map.insert("t".into(), templates.translations.clone());
    map.insert("page".into(), json!({"kind": kind, "url": job.url, "title": title}));
    extra
}

/// The `page.kind` templates see.
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Index => "index",
        Kind::Issue(_) => "issue",
        Kind::Article(_) => "article",
        Kind::Section { .. } => "section",
        Kind::Author(_) => "author",
        Kind::Authors => "authors",
        Kind::Archive => "archive",
        Kind::Search => "search",
        Kind::NotFound => "404",
    }
}

fn issue_title(site: &Site, issue: usize, config: &Config) -> String {
    let chinese = config.language.to_ascii_lowercase().starts_with("zh");
    crate::templates::long_date(site.issues[issue].date, chinese)
}

fn summaries_of(shared: &Shared, indexes: &[usize]) -> Vec<Value> {
    indexes.iter().map(|&i| shared.summaries[i].clone()).collect()
}

/// The newest issue's front, plus each section's newest articles.
fn index_context(site: &Site, shared: &Shared) -> Value {
    let mut value = issue_context(site, shared, 0);
    let latest: Vec<Value> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, section)| {
            json!({"section": shared.section_refs[i], "articles": summaries_of(shared, latest_of(section))})
        })
        .collect();
    if let Some(map) = value.as_object_mut() {
        map.insert("latest_by_section".into(), latest.into());
    }
    value
}

/// A section's newest articles, as the home page lists them.
fn latest_of(section: &crate::model::Section) -> &[usize] {
    &section.articles[..section.articles.len().min(LATEST_PER_SECTION)]
}

fn issue_context(site: &Site, shared: &Shared, index: usize) -> Value {
    let recent: Vec<&Value> = shared.issue_refs.iter().take(RECENT_ISSUES).collect();
    let Some(issue) = site.issues.get(index) else {
        return json!({"issue": null, "recent_issues": recent});
    };
    let mut value = shared.issue_refs[index].clone();
    let map = value.as_object_mut().expect("issue refs are objects");
    map.insert("prev".into(), shared.issue_refs.get(index + 1).cloned().unwrap_or(Value::Null));
    map.insert(
        "next".into(),
        index.checked_sub(1).map_or(Value::Null, |i| shared.issue_refs[i].clone()),
    );
    map.insert(
        "lead".into(),
        issue.articles.first().map_or(Value::Null, |&a| shared.summaries[a].clone()),
    );
    map.insert("groups".into(), print_groups(site, shared, issue));
    json!({"issue": value, "recent_issues": recent})
}

/// Consecutive articles of the same section and page, in print order.
fn print_groups(site: &Site, shared: &Shared, issue: &Issue) -> Value {
    let mut groups: Vec<(Option<usize>, Option<&str>, Vec<usize>)> = Vec::new();
    for &a in &issue.articles {
        let article = &site.articles[a];
        let key = (article.section, article.data.page.as_deref());
        match groups.last_mut() {
            Some((section, page, list)) if (*section, *page) == key => list.push(a),
            _ => groups.push((key.0, key.1, vec![a])),
        }
    }
    groups
        .into_iter()
        .map(|(section, page, list)| {
            json!({"section": section.map(|s| &shared.section_refs[s]), "page": page,
                   "articles": summaries_of(shared, &list)})
        })
        .collect()
}

fn article_context(site: &Site, body: Option<&str>, shared: &Shared, index: usize) -> Value {
    let article = &site.articles[index];
    let data = &article.data;
    let mut value = shared.summaries[index].clone();
    let map = value.as_object_mut().expect("summaries are objects");
    map.insert("content".into(), Value::String(body.unwrap_or_default().to_owned()));
    map.insert("word_count".into(), data.word_count.into());
    map.insert("slug".into(), article.slug.clone().into());
    map.insert("extra".into(), data.extra.clone());
    map.insert("source".into(), data.source.clone().into());
    let (prev, next) = neighbours(site, index);
    let summary = |i: Option<usize>| i.map(|a| shared.summaries[a].clone());
    json!({
        "article": value,
        "issue": shared.issue_refs[article.issue],
        "prev": summary(prev),
        "next": summary(next),
        "more_from_section": summaries_of(shared, &more_from_section(site, index)),
    })
}

/// The articles printed just before and after `index` in its issue.
fn neighbours(site: &Site, index: usize) -> (Option<usize>, Option<usize>) {
    let issue = &site.issues[site.articles[index].issue];
    let position = issue.articles.iter().position(|&a| a == index).unwrap_or(0);
    let at = |i: Option<usize>| i.and_then(|i| issue.articles.get(i)).copied();
    (at(position.checked_sub(1)), at(Some(position + 1)))
}

/// Up to [`MORE_FROM_SECTION`] other articles of the article's section, newest first.
fn more_from_section(site: &Site, index: usize) -> Vec<usize> {
    let Some(section) = site.articles[index].section else { return Vec::new() };
    let others =
        site.sections[section].articles.iter().filter(|&&a| a != index).take(MORE_FROM_SECTION);
    others.copied().collect()
}

/// The articles listed on page `page` (from 1) of section `index`.
fn section_slice<'a>(site: &'a Site, config: &Config, index: usize, page: usize) -> &'a [usize] {
    let articles = &site.sections[index].articles;
    let total = articles.len();
    let per_page = if config.paginate == 0 { total.max(1) } else { config.paginate };
    let start = ((page - 1) * per_page).min(total);
    &articles[start..(start + per_page).min(total)]
}

/// The articles whose summary a page shows (and, for an article page, the article itself):
/// the pages to re-render when one of these articles changes. Kept next to the contexts above,
/// which must show no summary outside this list.
pub(crate) fn deps(job: &Job, site: &Site, config: &Config) -> Vec<usize> {
    match job.kind {
        Kind::Index => {
            let mut list = site.issues.first().map(|i| i.articles.clone()).unwrap_or_default();
            list.extend(site.sections.iter().flat_map(latest_of));
            list
        }
        Kind::Issue(i) => site.issues[i].articles.clone(),
        Kind::Article(i) => {
            let (prev, next) = neighbours(site, i);
            let mut list = vec![i];
            list.extend(prev.into_iter().chain(next));
            list.extend(more_from_section(site, i));
            list
        }
        Kind::Section { section, page } => section_slice(site, config, section, page).to_vec(),
        Kind::Author(i) => site.authors[i].articles.clone(),
        Kind::Authors | Kind::Archive | Kind::Search | Kind::NotFound => Vec::new(),
    }
}

fn section_context(
    site: &Site,
    config: &Config,
    shared: &Shared,
    index: usize,
    page: usize,
) -> (String, Value) {
    let section = &site.sections[index];
    let total = section.articles.len();
    let pages = page_count(total, config.paginate);
    let list = section_slice(site, config, index, page);
    let url = |p: usize| paginated_url(&section.url, p);
    let paginator = json!({
        "articles": summaries_of(shared, list), "current": page, "total_pages": pages,
        "total_articles": total,
        "prev_url": (page > 1).then(|| url(page - 1)),
        "next_url": (page < pages).then(|| url(page + 1)),
        "pages": (1..=pages).map(|p| json!({"number": p, "url": url(p)})).collect::<Vec<_>>(),
    });
    (section.name.clone(), json!({"section": shared.section_refs[index], "paginator": paginator}))
}

fn author_context(site: &Site, shared: &Shared, index: usize) -> Value {
    let author = &site.authors[index];
    let mut value = shared.author_refs[index].clone();
    let map = value.as_object_mut().expect("author refs are objects");
    map.insert("articles".into(), summaries_of(shared, &author.articles).into());
    map.insert("article_count".into(), author.articles.len().into());
    json!({"author": value})
}

fn authors_context(site: &Site, shared: &Shared) -> Value {
    let authors: Vec<Value> = site
        .authors
        .iter()
        .zip(&shared.author_refs)
        .map(|(author, reference)| {
            let mut value = reference.clone();
            if let Some(map) = value.as_object_mut() {
                map.insert("article_count".into(), author.articles.len().into());
            }
            value
        })
        .collect();
    json!({"authors": authors})
}

fn archive_context(site: &Site, shared: &Shared) -> Value {
    let mut months: Vec<Value> = Vec::new();
    let mut current: Option<(i32, u32)> = None;
    for (issue, reference) in site.issues.iter().zip(&shared.issue_refs) {
        let key = (issue.date.year(), issue.date.month());
        if current != Some(key) {
            current = Some(key);
            months.push(json!({"year": key.0, "month": key.1,
                               "label_date": format!("{:04}-{:02}-01", key.0, key.1), "issues": []}));
        }
        if let Some(Value::Array(issues)) = months.last_mut().and_then(|m| m.get_mut("issues")) {
            issues.push(reference.clone());
        }
    }
    json!({"months": months})
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

    /// Collects the URL of every article summary (objects with `reading_time`) in a context.
    fn summary_urls(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if map.contains_key("reading_time") {
                    found.extend(map.get("url").and_then(Value::as_str).map(str::to_owned));
                }
                map.values().for_each(|v| summary_urls(v, found));
            }
            Value::Array(list) => list.iter().for_each(|v| summary_urls(v, found)),
            _ => {}
        }
    }

    #[test]
    fn every_summary_a_page_shows_is_in_its_deps() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch");
        let config = Config::load(&root).unwrap();
        let templates = Templates::load(&config).unwrap();
        let paths = crate::load::list_content(&config).unwrap();
        let files = crate::load::load_files(&config, &paths, &Default::default());
        let articles = files
            .into_values()
            .filter_map(|(_, item)| match item {
                Ok(crate::load::Item::Article(a)) => Some(a),
                _ => None,
            })
            .collect();
        let loaded = crate::load::Loaded { articles, section_indexes: vec![] };
        let (site, _) = crate::model::build_site(&config, loaded);
        let shared = share(&site, &config);
        for job in plan(&site, &config, &templates) {
            let mut shown = Vec::new();
            let context = context_for(&job, &site, None, &config, &shared, &templates);
            summary_urls(&context, &mut shown);
            let deps: Vec<&str> =
                deps(&job, &site, &config).iter().map(|&i| site.articles[i].url.as_str()).collect();
            for url in shown {
                assert!(deps.contains(&url.as_str()), "{} shows {url} outside {deps:?}", job.url);
            }
        }
    }
}
