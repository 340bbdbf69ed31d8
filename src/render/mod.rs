//! [`Site`] → rendered pages: each planned [`Job`] rendered through Tera, in parallel.
//!
//! Render is pure: it takes the model, the templates and a way to get an article's body (given
//! by `build`, which reads the file), and hands back each page as [`Rendered`] (URL, output
//! path, HTML). It reads no files and writes nothing; post-processing, link checking and where
//! a page goes are `build`'s business, done in the same parallel pass through the `deliver`
//! function it passes in, so the pages of a big site are never all in memory at once.
//!
//! Values every page shows (`site`, the translations, issue, section and reporter references)
//! are made once in [`Shared`]; `site` and `t` live in each thread's base Tera context and are
//! never copied per page. An article's summary is made for each page that shows it (as cheap
//! as cloning a kept one, and it keeps memory flat as the archive grows).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::Value;

use crate::config::Config;
use crate::model::urls::output_path;
use crate::model::{Article, Site};

mod byline;
mod calendar;
mod clashes;
mod context;
mod json_ld;
mod plan;
pub(crate) mod signature;
mod template_deps;
pub mod templates;

pub(crate) use clashes::url_clashes;
pub(crate) use context::{Shared, context_for, deps, kind_name, share, summary_hash};
pub(crate) use plan::{Job, Kind, plan};
pub use templates::Templates;

/// How many other articles "more from the section" shows.
const MORE_FROM_SECTION: usize = 5;
/// How many recent issues the fronts list.
const RECENT_ISSUES: usize = 10;
/// How many of each section's newest articles the home page gets.
const LATEST_PER_SECTION: usize = 10;

/// Bodies (HTML) of the articles the feed carries, by article index.
pub(crate) type Bodies = HashMap<usize, String>;

/// One rendered page, before post-processing: the URL it answers, its path under the output
/// folder (`/`-separated), its HTML and the site paths it links to that are known so far
/// (its body's, and those its templates asked `url()` for).
#[derive(Debug)]
pub(crate) struct Rendered {
    pub(crate) url: String,
    pub(crate) path: String,
    /// UTF-8, kept as bytes: most pages go to the staging folder untouched.
    pub(crate) html: Vec<u8>,
    pub(crate) links: Vec<String>,
    /// The site paths its fragments link to, before `links`: the same list (one allocation)
    /// on every page that shows the same fragments, so a link check can check it once.
    pub(crate) fragment_links: SharedLinks,
}

/// Site paths that many pages link to, shared rather than copied per page.
pub(crate) type SharedLinks = Arc<Vec<String>>;

/// An article's body as the page shows it: HTML, and the site paths it links to (empty when
/// the whole page is post-processed, which finds them itself).
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub(crate) html: String,
    pub(crate) links: Vec<String>,
    /// How long post-processing it took (part of making the page's context otherwise).
    pub(crate) post: Duration,
}

/// Gives an article page its body.
pub(crate) type BodyOf<'a> = dyn Fn(&Article) -> Result<Body> + Sync + 'a;

/// Where one page's render time went: its body and context, and Tera.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Took {
    pub(crate) context: Duration,
    pub(crate) template: Duration,
    /// The body's post-processing, not counted in `context`.
    pub(crate) body_post: Duration,
}

/// Everything rendering a page reads: the site, its shared values and the templates.
pub(crate) struct Env<'a> {
    pub(crate) site: &'a Site,
    pub(crate) config: &'a Config,
    pub(crate) shared: &'a Shared,
    pub(crate) templates: &'a Templates,
}

/// Renders every job in parallel and passes each page to `deliver` on the thread that made it.
/// `body_of` gives an article page its body as HTML. Results keep the jobs' order (so output
/// and error order are deterministic), each with the time its rendering took (not counting
/// `deliver`).
pub(crate) fn render_all<T: Send>(
    jobs: &[Job],
    env: &Env<'_>,
    body_of: &BodyOf<'_>,
    deliver: impl Fn(Rendered) -> Result<T> + Sync,
) -> Vec<(Result<T>, Took)> {
    jobs.par_iter()
        .map(|job| {
            let (page, took) = render_page(job, env, body_of);
            (page.and_then(&deliver), took)
        })
        .collect()
}

/// Renders one page.
pub(crate) fn render_page(
    job: &Job,
    env: &Env<'_>,
    body_of: &BodyOf<'_>,
) -> (Result<Rendered>, Took) {
    let mut took = Took::default();
    let page = render_timed(job, env, body_of, &mut took);
    (page, took)
}

fn render_timed(
    job: &Job,
    env: &Env<'_>,
    body_of: &BodyOf<'_>,
    took: &mut Took,
) -> Result<Rendered> {
    let start = Instant::now();
    let body = match job.kind {
        Kind::Article(i) => Some(body_of(&env.site.articles[i])?),
        _ => None,
    };
    let body_html = body.as_ref().map(|body| body.html.as_str());
    let reads = env.templates.reads(job.template);
    let context = context_for(job, env.site, body_html, env.config, env.shared, reads);
    let mut rendered = Instant::now();
    templates::take_url_targets(); // whatever a failed render left
    let mut fragment_links = SharedLinks::default();
    let html = with_page_context(env, context, &mut fragment_links, |context| {
        rendered = Instant::now();
        env.templates.render_bytes(env.config, job.template, context)
    })?
    .map_err(|error| match job.kind {
        Kind::Article(i) => error.context(PageOf(env.site.articles[i].data.path.clone())),
        _ => error,
    })?;
    took.body_post = body.as_ref().map_or(Duration::ZERO, |body| body.post);
    took.context = (rendered - start).saturating_sub(took.body_post);
    took.template = rendered.elapsed();
    let mut links = templates::take_url_targets();
    links.extend(body.map(|body| body.links).unwrap_or_default());
    Ok(Rendered { url: job.url.clone(), path: output_path(&job.url), html, links, fragment_links })
}

/// Says which article file the page that failed to render shows.
#[derive(Debug)]
struct PageOf(std::path::PathBuf);

impl std::fmt::Display for PageOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the page of `{}`", self.0.display())
    }
}

/// What tells one render error from another, leaving out which article's page it happened
/// on: a template that fails the same way on every article page is reported once.
pub(crate) fn error_key(error: &anyhow::Error) -> String {
    let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
    let skip = usize::from(error.downcast_ref::<PageOf>().is_some());
    chain[skip..].join(": ")
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
    /// This thread's rendered fragments, per [`FragmentKey`], and the ids of the shared values
    /// and templates they came from.
    static FRAGMENTS: RefCell<Option<((u64, u64), FragmentCache)>> = const { RefCell::new(None) };
}

/// What a fragment may depend on: the page's kind and, when its context has `section`, that
/// section's slug (`None` inside for a `section` that is null).
type FragmentKey = (String, Option<Option<String>>);

/// One thread's rendered fragments, by what they depend on.
type FragmentCache = HashMap<FragmentKey, Fragments>;

/// The rendered fragments of one [`FragmentKey`] (`name` → HTML) and the site paths they
/// gave through `url()`, which every page showing them links to.
#[derive(Clone)]
struct Fragments {
    html: Value,
    links: SharedLinks,
}

/// Runs `render` with `page` added to this thread's base context, then takes the page's
/// values out again. `site` and `t` are the same on every page: cloning them into each of
/// 10,000 contexts (and dropping them again) was a noticeable share of a build. The links of
/// the fragments the page shows go to `fragment_links`.
fn with_page_context<R>(
    env: &Env<'_>,
    mut page: Value,
    fragment_links: &mut SharedLinks,
    render: impl FnOnce(&tera::Context) -> R,
) -> Result<R> {
    if let Some(fragments) = fragments_for(env, &page)?
        && let Value::Object(map) = &mut page
    {
        map.insert("fragments".to_owned(), fragments.html);
        *fragment_links = fragments.links;
    }
    let keys: Vec<String> =
        page.as_object().map(|map| map.keys().cloned().collect()).unwrap_or_default();
    let page = tera::Context::from_value(page).context("page context is not an object")?;
    Ok(BASE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let current = (env.shared.id, env.templates.id);
        if slot.as_ref().is_some_and(|(ids, _)| *ids != current) {
            *slot = None;
        }
        let (_, context) = slot.get_or_insert_with(|| (current, base_context(env)));
        context.extend(page);
        let result = render(context);
        for key in &keys {
            context.remove(key);
        }
        result
    }))
}

/// `site` and `t`: what every page's context starts with.
fn base_context(env: &Env<'_>) -> tera::Context {
    let mut base = tera::Context::new();
    base.insert("site", &env.shared.site);
    base.insert("t", &env.templates.translations);
    base
}

/// The theme's fragments (`fragments/<name>.html`) as this page shows them, rendered once
/// per build for each kind of page (and section) on each thread, not once per page: the
/// navigation and footer are the same on thousands of pages. `None` without fragments.
fn fragments_for(env: &Env<'_>, page: &Value) -> Result<Option<Fragments>> {
    if env.templates.fragments.is_empty() {
        return Ok(None);
    }
    let kind = page.pointer("/page/kind").and_then(Value::as_str).unwrap_or_default();
    let section = page
        .get("section")
        .map(|section| section.get("slug").and_then(Value::as_str).map(str::to_owned));
    let key = (kind.to_owned(), section);
    FRAGMENTS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let current = (env.shared.id, env.templates.id);
        if slot.as_ref().is_some_and(|(ids, _)| *ids != current) {
            *slot = None;
        }
        let (_, rendered) = slot.get_or_insert_with(|| (current, HashMap::new()));
        let fragments = match rendered.get(&key) {
            Some(fragments) => fragments.clone(),
            None => {
                let fragments = render_fragments(env, &key)?;
                rendered.insert(key, fragments.clone());
                fragments
            }
        };
        Ok(Some(fragments))
    })
}

/// Renders every fragment with the values a fragment may read: `site`, `t`, `page.kind` and
/// `section.slug`.
fn render_fragments(env: &Env<'_>, (kind, section): &FragmentKey) -> Result<Fragments> {
    let mut context = base_context(env);
    context.insert("page", &serde_json::json!({ "kind": kind }));
    if let Some(section) = section {
        context
            .insert("section", &section.as_ref().map(|slug| serde_json::json!({ "slug": slug })));
    }
    let page_links = templates::take_url_targets();
    let mut fragments = serde_json::Map::new();
    let rendered = env.templates.fragments.iter().try_for_each(|(key, name)| {
        let html = env.templates.render(env.config, name, &context)?;
        fragments.insert(key.clone(), Value::String(html));
        anyhow::Ok(())
    });
    let links = templates::take_url_targets();
    templates::note_url_targets(page_links);
    rendered?;
    Ok(Fragments { html: Value::Object(fragments), links: Arc::new(links) })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let paths = crate::content::load::list_content(&config).unwrap();
        let files = crate::content::load::load_files(
            &config,
            &paths,
            &Default::default(),
            &Default::default(),
        );
        let articles = files
            .into_values()
            .filter_map(|(_, item)| match item {
                Ok(crate::content::load::Item::Article(a)) => Some(a),
                _ => None,
            })
            .collect();
        let loaded = crate::content::load::Loaded { articles, section_indexes: vec![] };
        let (site, _) = crate::model::build_site(&config, loaded);
        (site, config, templates)
    }

    #[test]
    fn a_change_to_anything_a_summary_shows_changes_its_hash() {
        use crate::content::load::LoadedArticle;
        let (mut site, config, _) = fixture_site();
        let hash = |site: &Site| summary_hash(&site.articles[0], site, Some(1), &[2]);
        let value = |site: &Site| share(site, &config).summary(site, 0);
        type Edit = (&'static str, fn(&mut LoadedArticle));
        let edits: [Edit; 14] = [
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
            ("image", |a| {
                a.pictures.push(crate::content::load::Picture {
                    src: "p.jpg".into(),
                    alt: String::new(),
                    key: 1,
                    widths: vec![480],
                    width: 480,
                    height: 320,
                })
            }),
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
            let context = context_for(&job, &site, None, &config, &shared, context::Reads::ALL);
            summary_urls(&context, &mut shown);
            let deps: Vec<&str> =
                deps(&job, &site, &config).iter().map(|&i| site.articles[i].url.as_str()).collect();
            for url in shown {
                assert!(deps.contains(&url.as_str()), "{} shows {url} outside {deps:?}", job.url);
            }
        }
    }
}
