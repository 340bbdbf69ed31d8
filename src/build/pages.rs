//! The render step of a build: every job rendered (by `render`, which is pure), then in the
//! same parallel pass post-processed, its links checked, and its bytes staged when they differ
//! from the output folder's. This is where a build decides where a page goes.
//!
//! Not for planning pages or deciding which ones to render again (see `build` and
//! `incremental`).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use super::report::RenderTimings;
use crate::content::load::load_marked_body;
use crate::model::Article;
use crate::model::urls::output_path;
use crate::output::Staging;
use crate::postprocess::{self, PostOptions};
use crate::render::{self, Body, Env, Job, Rendered, SharedLinks};

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

/// Where finished pages go: the staging folder (absent in check mode), and what the link
/// checker knows exists.
pub(crate) struct Sink<'a> {
    pub(crate) staging: Option<&'a Staging>,
    pub(crate) known: &'a Known<'a>,
}

/// An article's body as HTML, its images shown as responsive pictures.
pub(super) fn article_body(config: &crate::config::Config, article: &Article) -> Result<String> {
    pictured_body(config, article).map(|(html, _)| html)
}

/// [`article_body`], and whether the body kept raw HTML (lol_html is needed only then).
fn pictured_body(config: &crate::config::Config, article: &Article) -> Result<(String, bool)> {
    let body = load_marked_body(config, &article.data.path)?;
    let html = crate::images::rewrite_body(&body.html, &article.data.pictures, &config.images)?;
    Ok((html, body.has_raw_html))
}

/// An article's body as its page shows it: post-processed here unless the whole page will be.
fn page_body(
    config: &crate::config::Config,
    article: &Article,
    post: Option<&PostOptions<'_>>,
) -> Result<Body> {
    let (html, has_raw_html) = pictured_body(config, article)?;
    let Some(post) = post else { return Ok(Body { html, ..Body::default() }) };
    let started = Instant::now();
    let markdown_only = !has_raw_html;
    let processed =
        postprocess::process_fragment(&html, post, markdown_only).with_context(|| {
            format!("failed to post-process the body of `{}`", article.data.path.display())
        })?;
    Ok(Body { html: processed.html, links: processed.links, post: started.elapsed() })
}

/// A finished page and the time its post-processing and staging took.
struct Finished {
    page: Page,
    post: Duration,
    stage: Duration,
}

/// Renders, post-processes and stages every job in parallel. Results keep the jobs' order.
pub(crate) fn render_pages(
    jobs: &[Job],
    env: &Env<'_>,
    sink: &Sink<'_>,
) -> (Vec<Result<Page>>, RenderTimings) {
    let post = PostOptions {
        base_path: &env.config.base_path,
        site_origin: env.config.origin(),
        heading_anchors: true,
    };
    let config = env.config;
    let whole_page = env.templates.whole_page;
    let body_post = (!whole_page).then_some(&post);
    let body_of = |article: &Article| page_body(config, article, body_post);
    let fragments = FragmentChecks::default();
    let results = render::render_all(jobs, env, &body_of, |page| {
        finish(page, &post, whole_page, sink, &fragments)
    });
    let mut timings = RenderTimings::default();
    let pages = jobs
        .iter()
        .zip(results)
        .map(|(job, (finished, took))| {
            let entry = timings.per_template.entry(job.template).or_default();
            entry.0 += took.template;
            entry.1 += 1;
            timings.context += took.context;
            timings.template += took.template;
            timings.post += took.body_post;
            finished.map(|done| {
                timings.post += done.post;
                timings.stage += done.stage;
                done.page
            })
        })
        .collect();
    (pages, timings)
}

/// The broken links among each shared list of fragment links, found once per render pass (a
/// list is shared by every page that shows the same fragments). Keyed by the list's address;
/// the entry holds the list, so no other list can take that address during the pass.
#[derive(Default)]
struct FragmentChecks(Mutex<HashMap<usize, (SharedLinks, Vec<String>)>>);

impl FragmentChecks {
    /// The broken links of `links` (in order, each once).
    fn broken(&self, known: &Known<'_>, links: &SharedLinks) -> Vec<String> {
        if links.is_empty() {
            return Vec::new();
        }
        let key = std::sync::Arc::as_ptr(links) as usize;
        let mut checked = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (_, broken) = checked
            .entry(key)
            .or_insert_with(|| (links.clone(), broken_links(known, unique(links.to_vec()))));
        broken.clone()
    }
}

/// `links` in order, each once.
fn unique(links: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::with_capacity(links.len());
    links.into_iter().filter(|link| seen.insert(link.clone())).collect()
}

/// The links of `links` that name no produced file.
fn broken_links(known: &Known<'_>, links: Vec<String>) -> Vec<String> {
    links.into_iter().filter(|link| !link_resolves(known, link)).collect()
}

/// Post-processes one rendered page, stages it and checks its links: its fragments' (checked
/// once per list, see [`FragmentChecks`]), then its own that the fragments do not break.
fn finish(
    page: Rendered,
    post: &PostOptions<'_>,
    whole_page: bool,
    sink: &Sink<'_>,
    fragments: &FragmentChecks,
) -> Result<Finished> {
    let processed = Instant::now();
    let (html, links) = if whole_page {
        let html = String::from_utf8(page.html).context("the page is not UTF-8")?;
        postprocess::process(&html, post).map(|done| (done.html.into_bytes(), done.links))
    } else {
        finish_fragment_page(page.html, page.links, post)
    }
    .with_context(|| format!("failed to post-process `{}`", page.url))?;
    let staged_at = Instant::now();
    let staged = match sink.staging {
        Some(staging) => staging.stage(&page.path, &html)?,
        None => false,
    };
    let mut broken = fragments.broken(sink.known, &page.fragment_links);
    let shared = broken.len();
    for link in broken_links(sink.known, links) {
        if !broken[..shared].contains(&link) {
            broken.push(link);
        }
    }
    let page = Page { url: page.url, path: page.path, broken_links: broken, staged };
    Ok(Finished { page, post: staged_at - processed, stage: staged_at.elapsed() })
}

/// A page whose body was post-processed on its own: only heading anchors are left to add
/// (their ids must be unique in the whole page); its HTML and its links, deduplicated. A page
/// without `.article-body` headings stays bytes (it needs no `str`, so no UTF-8 check).
fn finish_fragment_page(
    html: Vec<u8>,
    links: Vec<String>,
    post: &PostOptions<'_>,
) -> Result<(Vec<u8>, Vec<String>)> {
    let html = match post.heading_anchors && postprocess::may_anchor_headings(&html) {
        true => {
            let html = String::from_utf8(html).context("the page is not UTF-8")?;
            postprocess::anchor_headings(&html)?.unwrap_or(html).into_bytes()
        }
        false => html,
    };
    Ok((html, unique(links)))
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
    use super::*;

    #[test]
    fn links_resolve_to_pages_and_files() {
        let pages: HashSet<String> = ["a/index.html", "index.html"].map(String::from).into();
        let files = ["style.css"].map(String::from).into();
        let known = Known { pages: &pages, files };
        assert!(link_resolves(&known, "/a/"));
        assert!(link_resolves(&known, "/a"));
        assert!(link_resolves(&known, "/style.css"));
        assert!(link_resolves(&known, "/"));
        assert!(!link_resolves(&known, "/b/"));
    }
}
