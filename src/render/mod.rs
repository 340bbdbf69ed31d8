//! [`Site`] → rendered pages: a cheap sequential plan of every page, then each page rendered
//! through Tera and post-processed with lol_html in one parallel pass.
//!
//! Values every page shows (`site`, the translations, issue, section and reporter references)
//! are made once in [`Shared`]; `site` and `t` live in each thread's base Tera context and are
//! never copied per page. An article's summary is made for each page that shows it (as cheap
//! as cloning a kept one, and it keeps memory flat as the archive grows).
//! Each page's work happens in its own job: an article page reads and renders its body there
//! (through `load`), and the finished page goes to `output`'s staging folder; only a small
//! [`Page`] record (path, broken links) comes back.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::config::Config;
use crate::model::Site;
mod context;

use crate::output::Staging;
use crate::postprocess::{self, PostOptions};
use crate::templates::Templates;
pub(crate) use context::{Shared, context_for, deps, kind_name, share, summary_hash};

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

/// Everything rendering a page reads: the site, its shared values, the templates, where
/// pages go (`staging`, absent in check mode) and which output paths exist (`known`, for the
/// link checker).
pub(crate) struct Env<'a> {
    pub(crate) site: &'a Site,
    pub(crate) config: &'a Config,
    pub(crate) shared: &'a Shared,
    pub(crate) templates: &'a Templates,
    pub(crate) staging: Option<&'a Staging>,
    pub(crate) known: &'a Known<'a>,
}

/// Every output path a run produces, for the link checker: the pages (kept with the page
/// plan, so a watch update does not copy them) and the generated and static files.
pub(crate) struct Known<'a> {
    pub(crate) pages: &'a HashSet<String>,
    pub(crate) files: HashSet<String>,
}

impl Known<'_> {
    fn contains(&self, path: &str) -> bool {
        self.pages.contains(path) || self.files.contains(path)
    }
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
    let context = context_for(job, env.site, body.as_deref(), env.config, env.shared);
    let mut rendered = Instant::now();
    let html = with_page_context(env, context, |context| {
        rendered = Instant::now();
        env.templates.render(env.config, job.template, context)
    })??;
    took.context = rendered - start;
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

/// A number no other call in this process returns: identifies a set of shared values or
/// templates, so a thread's base context can tell whether it is still current.
pub(crate) fn unique_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

thread_local! {
    /// This thread's base context: `site` and `t`, and the ids of the shared values and
    /// templates they came from.
    static BASE: RefCell<Option<((u64, u64), tera::Context)>> = const { RefCell::new(None) };
}

/// Runs `render` with `page` added to this thread's base context, then takes the page's
/// values out again. `site` and `t` are the same on every page: cloning them into each of
/// 10,000 contexts (and dropping them again) was a noticeable share of a build.
fn with_page_context<R>(
    env: &Env<'_>,
    page: serde_json::Value,
    render: impl FnOnce(&tera::Context) -> R,
) -> Result<R> {
    let keys: Vec<String> =
        page.as_object().map(|map| map.keys().cloned().collect()).unwrap_or_default();
    let page = tera::Context::from_value(page).context("page context is not an object")?;
    Ok(BASE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let current = (env.shared.id, env.templates.id);
        if slot.as_ref().is_some_and(|(ids, _)| *ids != current) {
            *slot = None;
        }
        let (_, context) = slot.get_or_insert_with(|| {
            let mut base = tera::Context::new();
            base.insert("site", &env.shared.site);
            base.insert("t", &env.templates.translations);
            (current, base)
        });
        context.extend(page);
        let result = render(context);
        for key in &keys {
            context.remove(key);
        }
        result
    }))
}

/// Whether a root-relative link names a produced file (`/a/` → `a/index.html`; `/a` also).
pub(crate) fn link_resolves(known: &Known<'_>, link: &str) -> bool {
    if known.contains(&output_path(link)) {
        return true;
    }
    let as_dir = format!("{}/index.html", link.trim_matches('/'));
    known.contains(&as_dir)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

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

    /// The watch fixture's site, config and templates.
    fn fixture_site() -> (Site, Config, Templates) {
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
        (site, config, templates)
    }

    #[test]
    fn a_change_to_anything_a_summary_shows_changes_its_hash() {
        use crate::load::LoadedArticle;
        let (mut site, config, _) = fixture_site();
        let hash = |site: &Site| summary_hash(&site.articles[0], site, Some(1), &[2]);
        let value = |site: &Site| share(site, &config).summary(site, 0);
        type Edit = (&'static str, fn(&mut LoadedArticle));
        let edits: [Edit; 13] = [
            ("title", |a| a.title.push('!')),
            ("kicker", |a| a.kicker = Some("k".into())),
            ("subtitle", |a| a.subtitle = Some("s".into())),
            ("column", |a| a.column = Some("c".into())),
            ("date", |a| a.date = a.date.pred_opt().unwrap()),
            ("page", |a| a.page = Some("A9".into())),
            ("order", |a| a.order = Some(99)),
            ("byline", |a| a.byline = Some("b".into())),
            ("dateline", |a| a.dateline = Some("d".into())),
            ("summary", |a| a.summary.push('!')),
            ("reading_time", |a| a.reading_time += 1),
            ("truncated", |a| a.truncated = !a.truncated),
            ("tags", |a| a.tags.push("t".into())),
        ];
        for (field, edit) in edits {
            let (before_hash, before) = (hash(&site), value(&site));
            edit(std::sync::Arc::make_mut(&mut site.articles[0].data));
            assert_ne!(before, value(&site), "the edit of `{field}` shows in the summary");
            assert_ne!(before_hash, hash(&site), "summary_hash misses `{field}`");
        }
        let before = hash(&site);
        site.articles[0].url.push('x');
        assert_ne!(before, hash(&site), "summary_hash misses the URL");
    }

    #[test]
    fn every_summary_a_page_shows_is_in_its_deps() {
        let (site, config, templates) = fixture_site();
        let shared = share(&site, &config);
        for job in plan(&site, &config, &templates) {
            let mut shown = Vec::new();
            let context = context_for(&job, &site, None, &config, &shared);
            summary_urls(&context, &mut shown);
            let deps: Vec<&str> =
                deps(&job, &site, &config).iter().map(|&i| site.articles[i].url.as_str()).collect();
            for url in shown {
                assert!(deps.contains(&url.as_str()), "{} shows {url} outside {deps:?}", job.url);
            }
        }
    }
}
