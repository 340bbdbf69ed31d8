//! One build, start to finish: config → load → model → render → output, with a [`Report`].
//!
//! Per-file problems (bad front matter, clashing URLs, a page whose template fails) are
//! collected and reported together; if there is any, nothing is written, so the last good site
//! stays in place. Fatal problems (unreadable `site.toml`, missing theme, template syntax error)
//! return `Err` at once. [`Session`] keeps the loaded state so `watch` can rebuild from it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, anyhow};
use rayon::prelude::*;

use crate::config::Config;
use crate::content::load::{self, Failure, LoadedArticle, SectionIndex};
use crate::feeds;
use crate::incremental::kept::{Model, Signed};
use crate::incremental::{Signatures, State};
use crate::model::Site;
use crate::model::urls::output_path;
use crate::output::{self, OutputLock, Removal, Staging, WriteStats};
use crate::render::{self, Job, Templates};

mod pages;
mod report;
pub mod timings;

pub use pages::Page;
use pages::{Known, Sink};
pub use report::{BrokenLink, BuildOptions, Mode, RenderTimings, Report, StageTimings};
use report::{broken_links, fill_counts};

/// How much of the output folder a run brings up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Everything: static files too, and a sweep of files no longer produced.
    Whole,
    /// Only what the signatures say changed (watch updates).
    Changes,
}

/// What a run produced, handed to `commit`.
struct Outputs<'a> {
    jobs: &'a [Job],
    pages: &'a [Page],
    generated: Vec<feeds::Generated>,
    next: Next,
}

/// The signatures the output will have once a run is committed.
enum Next {
    /// Every page's, by URL: pages not listed are gone.
    All(BTreeMap<String, u64>),
    /// Only the pages whose signature changed; the set of pages is as last committed.
    Changed(Vec<(String, u64)>),
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

/// Every folder the output folder must neither be in nor hold: static, content, templates,
/// themes.
fn source_dirs(config: &Config) -> Vec<PathBuf> {
    vec![
        config.theme_dir.join("static"),
        config.static_dir.clone(),
        config.content_dir.clone(),
        config.templates_dir.clone(),
        config.root.join("themes"),
    ]
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
    timings: StageTimings,
    /// What the last build left: signatures, kept model, loaded files, cache segments.
    state: State,
    /// Whether saving the build cache waits for [`Session::save_pending`] (watch: saved when
    /// idle, not between an edit and its rebuilt page).
    defer_saves: bool,
    /// A write happened whose state is not saved yet.
    unsaved: bool,
    /// Held for the session's whole life in build mode: no other process writes the output
    /// folder meanwhile. Shared with the session a [`Session::restart`] makes.
    lock: Option<Arc<OutputLock>>,
}

impl Session {
    /// Reads the config, templates and every content file.
    /// In build mode it first takes the output folder's lock, failing at once if another
    /// process holds it.
    pub fn start(root: &Path, options: &BuildOptions) -> Result<Session> {
        let config = load_config(root, options)?;
        let lock = match options.mode {
            Mode::Build => {
                Some(Arc::new(OutputLock::take(&config.output_dir, &source_dirs(&config))?))
            }
            Mode::Check => None,
        };
        Session::load(config, options, lock)
    }

    /// Loads templates and content for `config`, holding `lock`.
    fn load(
        config: Config,
        options: &BuildOptions,
        lock: Option<Arc<OutputLock>>,
    ) -> Result<Session> {
        let started = Instant::now();
        let templates = Templates::load(&config)?;
        let mut timings = StageTimings { templates: started.elapsed(), ..StageTimings::default() };
        let started = Instant::now();
        let paths = load::list_content(&config)?;
        timings.walk = started.elapsed();
        let started = Instant::now();
        let state = State::load(&config, &paths, options.cache);
        timings.load = started.elapsed();
        Ok(Session {
            config,
            options: options.clone(),
            templates,
            timings,
            state,
            defer_saves: false,
            unsaved: false,
            lock,
        })
    }

    /// Reads the config, templates and content again (after a `site.toml` or theme change),
    /// keeping the signatures of what is on disk so the next [`Session::update`] writes only
    /// what differs. On error the session is left as it was.
    pub fn restart(&mut self) -> Result<()> {
        self.save_pending();
        // The output folder comes from the command line, not `site.toml`: the lock held still
        // guards it (taking it again would fail, as a second open file of this process).
        let config = load_config(&self.config.root, &self.options)?;
        let mut fresh = Session::load(config, &self.options, self.lock.clone())?;
        fresh.defer_saves = self.defer_saves;
        fresh.state.signatures = std::mem::take(&mut self.state.signatures);
        *self = fresh;
        Ok(())
    }

    /// Re-reads the given content files or folders (changed, created or deleted), given
    /// relative to the site root or under it.
    pub fn reload_files(&mut self, paths: &[PathBuf]) {
        for path in paths {
            let relative = path.strip_prefix(&self.config.root).unwrap_or(path).to_path_buf();
            let full = self.config.root.join(&relative);
            // A path that is no file or folder now and held none of ours before (an editor's
            // temporary file, such as `sed -i`'s) changes nothing: not recording it keeps the
            // model's in-place update possible.
            if full.exists() || self.holds(&relative) {
                self.state.changed.push(relative.clone());
            }
            if full.is_file() {
                let entry = load::load_entry(&self.config, &relative, None);
                self.state.files.insert(relative, entry);
            } else {
                self.state.files.retain(|known, _| !known.starts_with(&relative));
                if full.is_dir() {
                    let inside = load::list_content(&self.config).unwrap_or_default();
                    let inside: Vec<PathBuf> =
                        inside.into_iter().filter(|p| p.starts_with(&relative)).collect();
                    self.reload_files(&inside);
                }
            }
        }
    }

    /// Whether `path` (under the root, or relative to it) is a content file this session
    /// loaded, or a folder holding one.
    pub fn holds(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(&self.config.root).unwrap_or(path);
        let first = self.state.files.range(relative.to_path_buf()..).next();
        first.is_some_and(|(known, _)| known.starts_with(relative))
    }

    /// Reloads the templates (after a template change).
    pub fn reload_templates(&mut self) -> Result<()> {
        self.templates = Templates::load(&self.config)?;
        if let Some(model) = &mut self.state.model {
            model.pages = None; // which pages exist and what they depend on may have changed
        }
        Ok(())
    }

    /// Renders from the in-memory state and, in build mode, brings the whole output folder up
    /// to date: pages whose signature changed (every page the first time), static files, and
    /// a sweep of files no longer produced.
    pub fn rebuild(&mut self) -> Report {
        self.run(Scope::Whole)
    }

    /// Rebuilds from memory after [`Session::reload_files`] or [`Session::reload_templates`]:
    /// renders only the pages whose signature changed, regenerates feeds, sitemap and search
    /// index, and removes the files of pages that are gone. On any failure nothing is written
    /// and the next update starts again from the last good state.
    pub fn update(&mut self) -> Report {
        self.run(Scope::Changes)
    }

    fn run(&mut self, scope: Scope) -> Report {
        let started = Instant::now();
        let mut report = Report {
            output_dir: self.config.output_dir.clone(),
            timings: std::mem::take(&mut self.timings),
            ..Report::default()
        };
        let stage = Instant::now();
        let (mut model, mut failures) = self.take_model();
        let model_ok = failures.is_empty();
        log_time(stage, "brought the site model and shared template values up to date");
        let (plan, signed) = model.take_signed_pages(&self.config, &self.templates);
        let (todo, next) = match signed {
            Signed::Changed(changed) if scope == Scope::Changes => {
                let todo: Vec<Job> = changed.iter().map(|&i| plan.jobs[i].clone()).collect();
                let next = changed.iter().map(|&i| (plan.jobs[i].url.clone(), plan.signatures[i]));
                let next = Next::Changed(next.collect());
                (todo, next)
            }
            _ => {
                let urls = plan.jobs.iter().map(|job| job.url.clone());
                let next: BTreeMap<String, u64> =
                    urls.zip(plan.signatures.iter().copied()).collect();
                (self.jobs_to_render(&plan.jobs, &next, scope), Next::All(next))
            }
        };
        log_time(stage, "planned pages and their signatures");
        let (site, shared) = (&model.site, &model.shared);
        fill_counts(&mut report, site);
        report.timings.model = stage.elapsed();
        let staging = self.open_staging(&mut failures);
        let known = self.known_paths(&plan.paths);
        let bodies = self.load_feed_bodies(site, &mut failures);
        let stage = Instant::now();
        let env = render::Env { site, config: &self.config, shared, templates: &self.templates };
        let sink = Sink { staging: staging.as_ref(), known: &known };
        let (results, page_timings) = pages::render_pages(&todo, &env, &sink);
        report.timings.render = stage.elapsed();
        report.timings.pages = page_timings;
        let pages = collect_pages(&todo, results, &mut failures);
        report.pages = pages.len();
        log_time(stage, "rendered the pages");
        let stage = Instant::now();
        let mut generated =
            feeds::generate(site, model.id, &bodies, &self.config, &mut self.state.feeds);
        if self.config.search {
            let signatures = &self.state.signatures;
            let written = crate::search::Written {
                key: signatures.search_key,
                hashes: &signatures.generated_hashes,
                output_dir: &self.config.output_dir,
            };
            let index = crate::search::generate(site, &mut self.state.search, &written);
            generated.extend(
                index.into_iter().map(|f| feeds::Generated::from_parts(f.path, f.text, f.hash)),
            );
        }
        report.timings.feeds = stage.elapsed();
        log_time(stage, "generated feeds, sitemap and search index");
        report.broken_links = broken_links(&pages);
        if let (true, Some(staging)) = (failures.is_empty(), staging) {
            let stage = Instant::now();
            let outputs = Outputs { jobs: &plan.jobs, pages: &pages, generated, next };
            match self.commit(staging, scope, outputs) {
                Ok(stats) => report.written = stats,
                Err(error) => failures.push(Failure { path: report.output_dir.clone(), error }),
            }
            report.timings.write = stage.elapsed();
            log_time(stage, "wrote the output and the build cache");
            // Only a plan whose every page is now on disk may be re-signed in place next time.
            if failures.is_empty() {
                model.pages = Some(plan);
            }
        }
        if model_ok {
            self.state.model = Some(model);
        }
        report.failures = failures;
        report.elapsed = started.elapsed()
            + report.timings.load
            + report.timings.walk
            + report.timings.templates;
        report
    }

    /// The model of the content as loaded now, with the problems found making it: the kept
    /// model updated in place when every file re-read since is an article whose change leaves
    /// the structure as it was, else a model built afresh.
    fn take_model(&mut self) -> (Model, Vec<Failure>) {
        let changed = std::mem::take(&mut self.state.changed);
        if let Some(mut model) = self.state.model.take()
            && model.update_in_place(&changed, &self.state.files)
        {
            return (model, Vec::new());
        }
        let (articles, indexes, mut failures) = self.collect_loaded();
        let loaded = load::Loaded { articles, section_indexes: indexes };
        let (model, mut clashes) = Model::build(&self.config, loaded);
        failures.append(&mut clashes);
        (model, failures)
    }

    fn collect_loaded(&self) -> (Vec<Arc<LoadedArticle>>, Vec<SectionIndex>, Vec<Failure>) {
        let mut articles = Vec::new();
        let mut indexes = Vec::new();
        let mut failures = Vec::new();
        for (path, (_, item)) in &self.state.files {
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

    /// The bodies the feed carries (at most `feed_limit`, read again from their files).
    fn load_feed_bodies(&self, site: &Site, failures: &mut Vec<Failure>) -> render::Bodies {
        if !self.config.feeds {
            return render::Bodies::new();
        }
        let wanted = feeds::feed_articles(site, &self.config);
        let loaded: Vec<(usize, Result<String>)> = wanted
            .par_iter()
            .map(|&i| (i, load::load_body(&self.config, &site.articles[i].data.path)))
            .collect();
        let mut bodies = render::Bodies::new();
        for (index, body) in loaded {
            match body {
                Ok(body) => {
                    bodies.insert(index, body);
                }
                Err(error) => {
                    failures.push(Failure { path: site.articles[index].data.path.clone(), error })
                }
            }
        }
        bodies
    }

    /// Every page in check mode; else the pages whose signature differs from what was last
    /// written, plus (for a whole build) pages whose file has gone missing from the output.
    fn jobs_to_render(&self, jobs: &[Job], next: &BTreeMap<String, u64>, scope: Scope) -> Vec<Job> {
        if self.options.mode == Mode::Check {
            return jobs.to_vec();
        }
        let known = &self.state.signatures.pages;
        let out = &self.config.output_dir;
        jobs.par_iter()
            .filter(|job| {
                known.get(&job.url) != next.get(&job.url)
                    || (scope == Scope::Whole && !out.join(output_path(&job.url)).is_file())
            })
            .cloned()
            .collect()
    }

    fn open_staging(&self, failures: &mut Vec<Failure>) -> Option<Staging> {
        if self.options.mode == Mode::Check {
            return None;
        }
        match Staging::new(&self.config.output_dir, &source_dirs(&self.config)) {
            Ok(staging) => Some(staging),
            Err(error) => {
                failures.push(Failure { path: self.config.output_dir.clone(), error });
                None
            }
        }
    }

    /// Stages the generated files, moves everything staged into the output folder, removes
    /// what is gone, and remembers the signatures of what is now on disk.
    fn commit(
        &mut self,
        staging: Staging,
        scope: Scope,
        outputs: Outputs<'_>,
    ) -> Result<WriteStats> {
        let Outputs { jobs, pages, generated, next } = outputs;
        // A build killed while pages move in must leave no cache that vouches for them.
        if self.options.cache {
            self.state.invalidate(&self.config);
        }
        let mut staged: Vec<String> =
            pages.iter().filter(|p| p.staged).map(|p| p.path.clone()).collect();
        for file in &generated {
            if self.generated_is_current(file, scope) {
                continue;
            }
            if staging.stage(&file.path, file.text.as_bytes())? {
                staged.push(file.path.clone());
            }
        }
        // Static files count with the generated ones, so a static file deleted from
        // `static/` is removed from the output by a cached build too.
        let mut generated_paths: BTreeSet<String> =
            generated.iter().map(|g| g.path.clone()).collect();
        for dir in self.static_dirs() {
            generated_paths.extend(static_files(&dir));
        }
        let mut gone: Vec<String> = match &next {
            Next::All(next) => {
                let gone_pages =
                    self.state.signatures.pages.keys().filter(|url| !next.contains_key(*url));
                gone_pages.map(|url| output_path(url)).collect()
            }
            Next::Changed(_) => Vec::new(),
        };
        gone.extend(self.state.signatures.generated.difference(&generated_paths).cloned());
        let mut stats = match scope {
            Scope::Whole => {
                let mut produced: Vec<String> = jobs.iter().map(|j| output_path(&j.url)).collect();
                produced.extend(generated.iter().map(|g| g.path.clone()));
                // With the last build's signatures we know what is gone; without, walk.
                let removal = if self.state.signatures.pages.is_empty() {
                    Removal::Sweep
                } else {
                    Removal::Only(&gone)
                };
                staging.commit(&produced, &staged, &self.static_dirs(), removal)?
            }
            Scope::Changes => staging.commit_changes(&staged, &gone)?,
        };
        if scope == Scope::Changes {
            stats.unchanged = pages.len() + generated.len() - staged.len();
        }
        let generated_hashes = generated.iter().map(|g| (g.path.clone(), g.hash)).collect();
        let pages = match next {
            Next::All(next) => next,
            Next::Changed(changed) => {
                let mut pages = std::mem::take(&mut self.state.signatures.pages);
                pages.extend(changed);
                pages
            }
        };
        let search_key = self.state.search.key();
        self.state.signatures =
            Signatures { pages, generated: generated_paths, generated_hashes, search_key };
        if self.defer_saves {
            self.unsaved = true;
        } else {
            self.save_state();
        }
        Ok(stats)
    }

    /// Whether the output already holds `file`'s bytes as last written, so it need not be
    /// compared (for a whole build, only if the file is still there).
    fn generated_is_current(&self, file: &feeds::Generated, scope: Scope) -> bool {
        let written = self.state.signatures.generated_hashes.get(&file.path);
        written == Some(&file.hash)
            && (scope == Scope::Changes || self.config.output_dir.join(&file.path).is_file())
    }

    /// From now on, saves of the build cache wait for [`Session::save_pending`]; until then
    /// the cache on disk is marked unusable before each write, so no build trusts it.
    pub fn defer_saves(&mut self) {
        self.defer_saves = true;
    }

    /// Saves the build cache if a write since the last save left it unsaved.
    pub fn save_pending(&mut self) {
        if std::mem::take(&mut self.unsaved) {
            self.save_state();
        }
    }

    fn save_state(&mut self) {
        let stage = Instant::now();
        self.state.save(&self.config, self.options.cache);
        log_time(stage, "saved the build cache");
    }

    /// Copies (or removes) static files given relative to a static folder.
    pub fn sync_static(&self, relative: &[PathBuf]) -> Result<WriteStats> {
        let mut stats = WriteStats::default();
        for path in relative {
            output::sync_static(&self.config.output_dir, &self.static_dirs(), path, &mut stats)?;
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

    /// Every output path this run produces: pages, generated files and static files, so each
    /// page's links are checked as it renders.
    fn known_paths<'a>(&self, pages: &'a HashSet<String>) -> Known<'a> {
        let mut files: HashSet<String> =
            feeds::paths(&self.config).into_iter().map(str::to_owned).collect();
        for dir in self.static_dirs() {
            files.extend(static_files(&dir));
        }
        Known { pages, files }
    }
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
                failures.push(Failure { path: PathBuf::from(output_path(&job.url)), error });
            }
            Err(_) => {}
        }
    }
    pages
}

/// Logs at debug level how long since `start` a step took (`RUST_LOG=debug`).
fn log_time(start: Instant, what: &str) {
    log::debug!("{what} after {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
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
