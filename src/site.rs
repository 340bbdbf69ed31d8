//! One build, start to finish: config → load → model → render → output, with a [`Report`].
//!
//! Per-file problems (bad front matter, clashing URLs, a page whose template fails) are
//! collected and reported together; if there is any, nothing is written, so the last good site
//! stays in place. Fatal problems (unreadable `site.toml`, missing theme, template syntax error)
//! return `Err` at once. [`Session`] keeps the loaded state so `watch` can rebuild from it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

use crate::config::Config;
use crate::feeds;
use crate::load::{self, Failure, LoadedArticle, SectionIndex};
use crate::model::{self, Site};
use crate::output::{self, OutputFile, WriteStats};
use crate::render::{self, Job, Page, TemplateTimings};
use crate::signature::{self, Signatures};
use crate::sync;
use crate::templates::Templates;

/// What the command line asks of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where to write instead of `<root>/public`.
    pub output_dir: Option<PathBuf>,
    /// Replaces `base_url` from `site.toml`.
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// `Check` does everything but writing, and treats broken links as errors.
    pub mode: Mode,
}

/// Build or check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Render and write the site.
    #[default]
    Build,
    /// Render everything, write nothing, fail on broken internal links.
    Check,
}

/// Time spent in each stage of a build.
#[derive(Debug, Clone, Default)]
pub struct StageTimings {
    /// Walking `content/`.
    pub walk: Duration,
    /// Reading, front matter and Markdown, in parallel (wall time).
    pub load: Duration,
    /// Assembling issues, sections and authors.
    pub model: Duration,
    /// Loading templates.
    pub templates: Duration,
    /// Rendering and post-processing every page, in parallel (wall time).
    pub render: Duration,
    /// Feeds, sitemap, search index.
    pub feeds: Duration,
    /// Checking internal links.
    pub links: Duration,
    /// Writing the output folder.
    pub write: Duration,
    /// Per template: total render time summed over threads, and calls.
    pub per_template: TemplateTimings,
}

/// A link on a page to a path the site does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page's URL.
    pub page: String,
    /// The link target.
    pub target: String,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    /// HTML pages rendered.
    pub pages: usize,
    /// Articles published.
    pub articles: usize,
    /// Sections.
    pub sections: usize,
    /// Issues.
    pub issues: usize,
    /// Reporters.
    pub authors: usize,
    /// Files written, unchanged, removed (zero in check mode or when the build failed).
    pub written: WriteStats,
    /// Bad files and failed pages; when not empty nothing was written.
    pub failures: Vec<Failure>,
    /// Links to pages that do not exist.
    pub broken_links: Vec<BrokenLink>,
    /// Where the time went.
    pub timings: StageTimings,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Where the site was (or would have been) written.
    pub output_dir: PathBuf,
}

impl Report {
    /// Whether the build succeeded (in check mode, broken links count as failure).
    pub fn ok(&self, mode: Mode) -> bool {
        self.failures.is_empty() && (mode == Mode::Build || self.broken_links.is_empty())
    }
}

/// Loads `site.toml` and applies the command line's overrides.
pub fn load_config(root: &Path, options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url)?;
    }
    if let Some(dir) = &options.output_dir {
        config.output_dir =
            if dir.is_absolute() { dir.clone() } else { std::env::current_dir()?.join(dir) };
    }
    Ok(config)
}

/// Builds the site at `root` once.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Report> {
    let mut session = Session::start(root, options)?;
    Ok(session.rebuild())
}

/// A loaded site kept in memory between rebuilds (used by `build` once and by `watch` repeatedly).
pub struct Session {
    /// The resolved configuration.
    pub config: Config,
    /// How this session builds.
    pub options: BuildOptions,
    templates: Templates,
    files: BTreeMap<PathBuf, Result<load::Item, String>>,
    timings: StageTimings,
    /// Signatures of the pages last written; empty until the first successful write.
    signatures: Signatures,
}

impl Session {
    /// Reads the config, templates and every content file.
    pub fn start(root: &Path, options: &BuildOptions) -> Result<Session> {
        let config = load_config(root, options)?;
        let started = Instant::now();
        let templates = Templates::load(&config)?;
        let mut timings = StageTimings { templates: started.elapsed(), ..StageTimings::default() };
        let started = Instant::now();
        let paths = load::list_content(&config)?;
        timings.walk = started.elapsed();
        let started = Instant::now();
        let files = load::load_files(&config, &paths);
        timings.load = started.elapsed();
        let signatures = Signatures::default();
        Ok(Session { config, options: options.clone(), templates, files, timings, signatures })
    }

    /// Reads the config, templates and content again (after a `site.toml` or theme change),
    /// keeping the signatures of what is on disk so the next [`Session::update`] writes only
    /// what differs. On error the session is left as it was.
    pub fn restart(&mut self) -> Result<()> {
        let mut fresh = Session::start(&self.config.root, &self.options)?;
        fresh.signatures = std::mem::take(&mut self.signatures);
        *self = fresh;
        Ok(())
    }

    /// Re-reads the given content files or folders (changed, created or deleted), given
    /// relative to the site root or under it.
    pub fn reload_files(&mut self, paths: &[PathBuf]) {
        for path in paths {
            let relative = path.strip_prefix(&self.config.root).unwrap_or(path).to_path_buf();
            let full = self.config.root.join(&relative);
            if full.is_file() {
                let item = load::load_file(&self.config, &relative).map_err(|e| format!("{e:#}"));
                self.files.insert(relative, item);
            } else {
                self.files.retain(|known, _| !known.starts_with(&relative));
                if full.is_dir() {
                    let inside = load::list_content(&self.config).unwrap_or_default();
                    let inside: Vec<PathBuf> =
                        inside.into_iter().filter(|p| p.starts_with(&relative)).collect();
                    self.reload_files(&inside);
                }
            }
        }
    }

    /// Reloads the templates (after a template change).
    pub fn reload_templates(&mut self) -> Result<()> {
        self.templates = Templates::load(&self.config)?;
        Ok(())
    }

    /// Renders everything from the in-memory state and, in build mode, writes what changed.
    pub fn rebuild(&mut self) -> Report {
        let started = Instant::now();
        let mut report = Report {
            output_dir: self.config.output_dir.clone(),
            timings: std::mem::take(&mut self.timings),
            ..Report::default()
        };
        let (articles, indexes, mut failures) = self.collect_loaded();
        let stage = Instant::now();
        let loaded = load::Loaded { articles, section_indexes: indexes };
        let (site, mut clashes) = model::build_site(&self.config, loaded);
        failures.append(&mut clashes);
        report.timings.model = stage.elapsed();
        let (pages, generated, signatures) = self.render_site(&site, &mut report, &mut failures);
        report.broken_links = self.check_links(&pages, &generated, &mut report.timings);
        fill_counts(&mut report, &site, pages.len());
        if failures.is_empty() && self.options.mode == Mode::Build {
            let stage = Instant::now();
            let generated_paths = generated.iter().map(|g| g.path.to_owned()).collect();
            match self.write(pages, generated) {
                Ok(stats) => {
                    report.written = stats;
                    self.signatures = Signatures { pages: signatures, generated: generated_paths };
                }
                Err(error) => {
                    failures.push(Failure { path: self.config.output_dir.clone(), error })
                }
            }
            report.timings.write = stage.elapsed();
        }
        report.failures = failures;
        report.elapsed = started.elapsed()
            + report.timings.load
            + report.timings.walk
            + report.timings.templates;
        report
    }

    fn collect_loaded(&self) -> (Vec<Arc<LoadedArticle>>, Vec<SectionIndex>, Vec<Failure>) {
        let mut articles = Vec::new();
        let mut indexes = Vec::new();
        let mut failures = Vec::new();
        for (path, item) in &self.files {
            match item {
                Ok(load::Item::Article(a)) if a.draft && !self.options.drafts => {}
                Ok(load::Item::Article(a)) => articles.push(Arc::clone(a)),
                Ok(load::Item::Section(index)) => indexes.push(index.clone()),
                Ok(load::Item::Ignored) => {}
                Err(message) => {
                    failures.push(Failure { path: path.clone(), error: anyhow!("{message}") })
                }
            }
        }
        (articles, indexes, failures)
    }

    fn render_site(
        &self,
        site: &Site,
        report: &mut Report,
        failures: &mut Vec<Failure>,
    ) -> (Vec<Page>, Vec<feeds::Generated>, BTreeMap<String, u64>) {
        let stage = Instant::now();
        let shared = render::share(site, &self.config);
        let jobs = render::plan(site, &self.config, &self.templates);
        let (results, per_template) =
            render::render_all(&jobs, site, &self.config, &shared, &self.templates);
        report.timings.render = stage.elapsed();
        report.timings.per_template = per_template;
        let pages = collect_pages(&jobs, results, failures);
        let stage = Instant::now();
        let generated = feeds::generate(site, &self.config);
        report.timings.feeds = stage.elapsed();
        let signatures = if self.options.mode == Mode::Build {
            signature_map(&jobs, site, &self.config, &shared, &self.templates)
        } else {
            BTreeMap::new()
        };
        (pages, generated, signatures)
    }

    /// Rebuilds from memory after [`Session::reload_files`] or [`Session::reload_templates`]:
    /// renders only the pages whose signature changed (all of them the first time), writes
    /// those that differ, regenerates feeds, sitemap and search index, and removes the files
    /// of pages that are gone. On any failure nothing is written and the next update starts
    /// again from the last good state.
    pub fn update(&mut self) -> Report {
        let started = Instant::now();
        let mut report = Report { output_dir: self.config.output_dir.clone(), ..Report::default() };
        let (articles, indexes, mut failures) = self.collect_loaded();
        let loaded = load::Loaded { articles, section_indexes: indexes };
        let (site, mut clashes) = model::build_site(&self.config, loaded);
        failures.append(&mut clashes);
        report.timings.model = started.elapsed();
        fill_counts(&mut report, &site, 0);
        if failures.is_empty() {
            let stage = Instant::now();
            let (pages, next) = self.render_changed(&site, &mut failures);
            report.timings.render = stage.elapsed();
            report.pages = pages.len();
            if failures.is_empty() {
                let stage = Instant::now();
                match self.write_changed(&site, pages, next) {
                    Ok(stats) => report.written = stats,
                    Err(error) => failures.push(Failure { path: report.output_dir.clone(), error }),
                }
                report.timings.write = stage.elapsed();
            }
        }
        report.failures = failures;
        report.elapsed = started.elapsed();
        report
    }

    /// Renders the jobs whose signature differs from the last write; returns them and the new
    /// signatures of every page.
    fn render_changed(
        &self,
        site: &Site,
        failures: &mut Vec<Failure>,
    ) -> (Vec<Page>, BTreeMap<String, u64>) {
        let shared = render::share(site, &self.config);
        let jobs = render::plan(site, &self.config, &self.templates);
        let next = signature_map(&jobs, site, &self.config, &shared, &self.templates);
        let changed: Vec<Job> = jobs
            .into_iter()
            .filter(|job| self.signatures.pages.get(&job.url) != next.get(&job.url))
            .collect();
        let (results, _) =
            render::render_all(&changed, site, &self.config, &shared, &self.templates);
        (collect_pages(&changed, results, failures), next)
    }

    /// Writes re-rendered pages and the generated files, removes vanished pages, and keeps the
    /// new signatures.
    fn write_changed(
        &mut self,
        site: &Site,
        pages: Vec<Page>,
        next: BTreeMap<String, u64>,
    ) -> Result<WriteStats> {
        let out = self.config.output_dir.clone();
        let generated = feeds::generate(site, &self.config);
        let generated_paths: std::collections::BTreeSet<String> =
            generated.iter().map(|g| g.path.to_owned()).collect();
        let mut stats = WriteStats::default();
        sync::write_files(&out, &output_files(pages, generated), &mut stats)?;
        let gone_pages = self.signatures.pages.keys().filter(|url| !next.contains_key(*url));
        let gone_pages = gone_pages.map(|url| render::output_path(url));
        let gone_files = self.signatures.generated.difference(&generated_paths).cloned();
        for path in gone_pages.chain(gone_files).collect::<Vec<_>>() {
            stats.removed += usize::from(sync::remove(&out, &path)?);
        }
        self.signatures = Signatures { pages: next, generated: generated_paths };
        Ok(stats)
    }

    /// Copies (or removes) static files given relative to a static folder.
    pub fn sync_static(&self, relative: &[PathBuf]) -> Result<WriteStats> {
        let mut stats = WriteStats::default();
        for path in relative {
            sync::sync_static(&self.config.output_dir, &self.static_dirs(), path, &mut stats)?;
        }
        Ok(stats)
    }

    /// The site's and theme's static folders, theme first.
    pub fn static_folders(&self) -> Vec<PathBuf> {
        self.static_dirs()
    }

    fn static_dirs(&self) -> Vec<PathBuf> {
        vec![self.config.theme_dir.join("static"), self.config.static_dir.clone()]
    }

    fn check_links(
        &self,
        pages: &[Page],
        generated: &[feeds::Generated],
        timings: &mut StageTimings,
    ) -> Vec<BrokenLink> {
        let stage = Instant::now();
        let mut known: HashSet<String> = pages.iter().map(|p| p.path.clone()).collect();
        known.extend(generated.iter().map(|g| g.path.to_owned()));
        for dir in self.static_dirs() {
            known.extend(static_files(&dir));
        }
        let mut broken = Vec::new();
        for page in pages {
            for link in &page.links {
                if !link_resolves(&known, link) {
                    broken.push(BrokenLink { page: page.url.clone(), target: link.clone() });
                }
            }
        }
        timings.links = stage.elapsed();
        broken
    }

    fn write(&self, pages: Vec<Page>, generated: Vec<feeds::Generated>) -> Result<WriteStats> {
        let files = output_files(pages, generated);
        output::write_site(&self.config.output_dir, &files, &self.static_dirs())
    }
}

fn output_files(pages: Vec<Page>, generated: Vec<feeds::Generated>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = pages
        .into_iter()
        .map(|p| OutputFile { path: p.path, bytes: p.html.into_bytes() })
        .collect();
    files.extend(
        generated
            .into_iter()
            .map(|g| OutputFile { path: g.path.to_owned(), bytes: g.text.into_bytes() }),
    );
    files
}

/// Keeps the rendered pages; each distinct render error becomes one failure.
fn collect_pages(
    jobs: &[Job],
    results: Vec<Result<Page>>,
    failures: &mut Vec<Failure>,
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(results.len());
    let mut seen_errors = HashSet::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(page) => pages.push(page),
            Err(error) if seen_errors.insert(format!("{error:#}")) => {
                failures
                    .push(Failure { path: PathBuf::from(render::output_path(&job.url)), error });
            }
            Err(_) => {}
        }
    }
    pages
}

fn signature_map(
    jobs: &[Job],
    site: &Site,
    config: &Config,
    shared: &render::Shared,
    templates: &Templates,
) -> BTreeMap<String, u64> {
    let signatures = signature::compute(jobs, site, config, shared, templates);
    jobs.iter().map(|job| job.url.clone()).zip(signatures).collect()
}

fn fill_counts(report: &mut Report, site: &Site, pages: usize) {
    report.pages = pages;
    report.articles = site.articles.len();
    report.sections = site.sections.len();
    report.issues = site.issues.len();
    report.authors = site.authors.len();
}

/// Relative paths (`/`-separated) of the files in a static folder.
fn static_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(dir).ok()?;
            Some(
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect()
}

/// Whether a root-relative link names a produced file (`/a/` → `a/index.html`; `/a` also).
fn link_resolves(known: &HashSet<String>, link: &str) -> bool {
    let path = render::output_path(link);
    if known.contains(&path) {
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
        let known: HashSet<String> =
            ["a/index.html", "style.css", "index.html"].map(String::from).into();
        assert!(link_resolves(&known, "/a/"));
        assert!(link_resolves(&known, "/a"));
        assert!(link_resolves(&known, "/style.css"));
        assert!(link_resolves(&known, "/"));
        assert!(!link_resolves(&known, "/b/"));
    }
}
