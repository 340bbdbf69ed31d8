//! One run of a [`Session`] as a list of steps, each timed for `--timings`: model, plan, static
//! files, render, feeds, output. A step that finds a per-file problem records a `Failure` and
//! the run goes on, so one report lists every bad file; any failure means nothing is written.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use rayon::prelude::*;

use super::commit::{Next, Outputs, Written};
use super::pages::{self, Known, Page, Sink};
use super::report::{broken_links, fill_counts};
use super::{Mode, Report, Scope, Session, images, source_dirs};
use crate::content::load::{self, Failure, LoadedArticle, SectionIndex};
use crate::feeds::{self, FeedCache};
use crate::fs::Stamp;
use crate::incremental::kept::{Model, Pages, Signed};
use crate::model::Site;
use crate::model::urls::output_path;
use crate::output::{Staging, StaticFiles};
use crate::postprocess;
use crate::render::{self, Job};

/// The pages a run renders, and the signatures the output has once they are written.
struct Planned {
    plan: Pages,
    /// The plan was made afresh (not a kept plan re-signed in place, whose URLs were
    /// committed already), so its URLs are checked for clashes.
    replanned: bool,
    todo: Vec<Job>,
    next: Next,
    /// For a whole build, by job: the stamp of its file in the output before this run (`None`:
    /// missing). Kept for the no-op record, so the output is not stamped twice.
    out_stamps: Vec<Option<Stamp>>,
}

/// The files a run produces besides pages and generated files, listed once per run.
#[derive(Clone, Copy)]
struct Files<'a> {
    statics: &'a StaticFiles,
    versions: &'a [crate::images::Version],
}

impl Session {
    /// The steps of one build or update, in order.
    pub(super) fn run(&mut self, scope: Scope) -> Report {
        let started = Instant::now();
        let mut report = Report {
            output_dir: self.config.output_dir.clone(),
            timings: std::mem::take(&mut self.timings),
            ..Report::default()
        };
        let image_failures = images::attach(&self.config, &mut self.state, &mut report);
        let t = &mut report.timings;
        let mut failures = Vec::new();
        let mut model = timed(&mut t.model, "model", || self.model_step(&mut failures));
        let model_ok = failures.is_empty();
        failures.extend(image_failures);
        let planned =
            timed(&mut t.model, "page plan and signatures", || self.plan_step(&mut model, scope));
        let statics =
            timed(&mut t.statics, "static files listed", || self.statics_step(&mut failures));
        let versions = crate::images::versions(&self.config, &self.state.files);
        let staging = timed(&mut t.write, "staging folder", || self.open_staging(&mut failures));
        let site = &model.site;
        // The pages and the feeds are made side by side: after a one-article edit each is a
        // few milliseconds that would otherwise add up between the edit and its page.
        let mut feed_cache = std::mem::take(&mut self.state.feeds);
        let mut search_cache = std::mem::take(&mut self.state.search);
        let mut feed_failures = Vec::new();
        let this = &*self;
        let ((pages, page_timings), generated) = rayon::join(
            || {
                timed(&mut t.render, "render, post-process, stage", || {
                    let files = Files { statics: &statics, versions: &versions };
                    this.render_step(&planned, &model, files, staging.as_ref(), &mut failures)
                })
            },
            || {
                let mut generated = timed(&mut t.feeds, "feeds, sitemap, robots", || {
                    this.feeds_step(&mut feed_cache, &model, &mut feed_failures)
                });
                generated.extend(timed(&mut t.search, "search index", || {
                    this.search_step(&mut search_cache, &model, scope)
                }));
                generated
            },
        );
        self.state.feeds = feed_cache;
        self.state.search = search_cache;
        failures.append(&mut feed_failures);
        let t = &mut report.timings;
        t.pages = page_timings;
        if planned.replanned {
            let generated_paths = generated.iter().map(|g| &*g.path);
            failures.extend(render::url_clashes(&planned.plan.jobs, site, generated_paths));
        }
        fill_counts(&mut report, site);
        report.pages = pages.len();
        report.broken_links = broken_links(&pages);
        let Planned { plan, next, out_stamps, .. } = planned;
        if let (true, Some(staging)) = (failures.is_empty(), staging) {
            let generated_paths: Vec<String> = generated.iter().map(|g| g.path.clone()).collect();
            let outputs = Outputs {
                jobs: &plan.jobs,
                pages: &pages,
                generated,
                statics: &statics,
                versions: &versions,
                next,
            };
            match timed(&mut report.timings.write, "commit and build cache", || {
                self.commit(staging, scope, outputs)
            }) {
                Ok(stats) => {
                    report.written = stats;
                    timed(&mut report.timings.write, "no-op record", || {
                        let written = Written { plan: &plan, out_stamps, pages: &pages };
                        self.record_unchanged(scope, written, generated_paths, &statics, site)
                    });
                }
                Err(error) => failures.push(Failure { path: report.output_dir.clone(), error }),
            }
            // Only a plan whose every page is now on disk may be re-signed in place next time.
            if failures.is_empty() {
                model.pages = Some(plan);
            }
        }
        if model_ok {
            self.state.model = Some(model);
        }
        report.failures = failures;
        let t = &report.timings;
        report.elapsed = started.elapsed() + t.load + t.walk + t.templates;
        report
    }

    /// The model of the content as loaded now: the kept model updated in place when every
    /// file re-read since is an article whose change leaves the structure as it was, else a
    /// model built afresh (with the problems found making it).
    fn model_step(&mut self, failures: &mut Vec<Failure>) -> Model {
        let changed = std::mem::take(&mut self.state.changed);
        if let Some(mut model) = self.state.model.take()
            && model.update_in_place(&self.config, &changed, &self.state.files)
        {
            return model;
        }
        let (articles, section_indexes) = self.collect_loaded(failures);
        let loaded = load::Loaded { articles, section_indexes };
        let (model, mut clashes) = Model::build(&self.config, loaded);
        failures.append(&mut clashes);
        model
    }

    fn collect_loaded(
        &self,
        failures: &mut Vec<Failure>,
    ) -> (Vec<Arc<LoadedArticle>>, Vec<SectionIndex>) {
        let mut articles = Vec::new();
        let mut indexes = Vec::new();
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
        (articles, indexes)
    }

    /// Every page and its signature; the pages to render are those whose signature changed
    /// (an update), or differs from what was last written (a whole build).
    fn plan_step(&self, model: &mut Model, scope: Scope) -> Planned {
        let (plan, signed) = model.take_signed_pages(&self.config, &self.templates);
        // A fresh plan, or one where a retitle moved URLs, is checked for clashes.
        let replanned = !matches!(&signed, Signed::Changed { gone, .. } if gone.is_empty());
        let (todo, next, out_stamps) = match signed {
            Signed::Changed { jobs, gone } if scope == Scope::Changes => {
                let todo: Vec<Job> = jobs.iter().map(|&i| plan.jobs[i].clone()).collect();
                let next = jobs.iter().map(|&i| (plan.jobs[i].url.clone(), plan.signatures[i]));
                (todo, Next::Changed { changed: next.collect(), gone }, Vec::new())
            }
            _ => {
                let urls = plan.jobs.iter().map(|job| job.url.clone());
                let next: BTreeMap<String, u64> =
                    urls.zip(plan.signatures.iter().copied()).collect();
                let out_stamps = self.output_stamps(&plan.jobs, scope);
                let todo = self.jobs_to_render(&plan.jobs, &next, &out_stamps);
                (todo, Next::All(next), out_stamps)
            }
        };
        Planned { plan, replanned, todo, next, out_stamps }
    }

    /// For a whole build, the stamp of each job's file in the output (`None`: missing); for an
    /// update or a check, none are looked at.
    fn output_stamps(&self, jobs: &[Job], scope: Scope) -> Vec<Option<Stamp>> {
        if self.options.mode == Mode::Check || scope != Scope::Whole {
            return Vec::new();
        }
        let out = &self.config.output_dir;
        jobs.par_iter().map(|job| crate::fs::stamp(&out.join(output_path(&job.url)))).collect()
    }

    /// Every page in check mode; else the pages whose signature differs from what was last
    /// written, plus (for a whole build) pages whose file has gone missing from the output.
    fn jobs_to_render(
        &self,
        jobs: &[Job],
        next: &BTreeMap<String, u64>,
        out_stamps: &[Option<Stamp>],
    ) -> Vec<Job> {
        if self.options.mode == Mode::Check {
            return jobs.to_vec();
        }
        let known = &self.state.signatures.pages;
        let missing = |index: usize| out_stamps.get(index).is_some_and(Option::is_none);
        let todo = jobs
            .par_iter()
            .enumerate()
            .filter(|(index, job)| known.get(&job.url) != next.get(&job.url) || missing(*index));
        todo.map(|(_, job)| job.clone()).collect()
    }

    /// The static files, listed once: for the link check, the commit and the sweep.
    fn statics_step(&self, failures: &mut Vec<Failure>) -> StaticFiles {
        StaticFiles::list(&self.static_dirs()).unwrap_or_else(|error| {
            failures.push(Failure { path: self.config.static_dir.clone(), error });
            StaticFiles::default()
        })
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

    /// Renders the planned pages in parallel; each is post-processed, link-checked and staged
    /// as it finishes.
    fn render_step(
        &self,
        planned: &Planned,
        model: &Model,
        files: Files<'_>,
        staging: Option<&Staging>,
        failures: &mut Vec<Failure>,
    ) -> (Vec<Page>, super::RenderTimings) {
        let known = self.known_paths(&planned.plan.paths, files);
        let env = render::Env {
            site: &model.site,
            config: &self.config,
            shared: &model.shared,
            templates: &self.templates,
        };
        let sink = Sink { staging, known: &known };
        let (results, timings) = pages::render_pages(&planned.todo, &env, &sink);
        (collect_pages(&planned.todo, results, failures), timings)
    }

    /// Every output path this run produces: pages, generated files and static files, so each
    /// page's links are checked as it renders.
    fn known_paths<'a>(&self, pages: &'a HashSet<String>, produced: Files<'_>) -> Known<'a> {
        let mut files: HashSet<String> =
            feeds::paths(&self.config).into_iter().map(str::to_owned).collect();
        files.extend(produced.statics.output_paths());
        files.extend(images::paths(produced.versions));
        Known { pages, files }
    }

    /// The search index's files (none when `search = false`): a whole build checks that the
    /// files it keeps are still in the output folder.
    fn search_step(
        &self,
        cache: &mut crate::search::SearchCache,
        model: &Model,
        scope: Scope,
    ) -> Vec<feeds::Generated> {
        if !self.config.search {
            *cache = crate::search::SearchCache::default();
            return Vec::new();
        }
        let signatures = &self.state.signatures;
        let written = crate::search::Written {
            record: &signatures.search,
            hashes: &signatures.generated_hashes,
            output_dir: &self.config.output_dir,
            whole: scope == Scope::Whole,
        };
        let index = crate::search::generate(&model.site, cache, &written);
        index.into_iter().map(|f| feeds::Generated::from_parts(f.path, f.text, f.hash)).collect()
    }

    /// Atom feed (with the bodies it carries), sitemap and robots.txt.
    fn feeds_step(
        &self,
        cache: &mut FeedCache,
        model: &Model,
        failures: &mut Vec<Failure>,
    ) -> Vec<feeds::Generated> {
        let bodies = self.load_feed_bodies(&model.site, failures);
        feeds::generate(&model.site, model.id, &bodies, &self.config, cache)
    }

    /// The bodies the feed carries (at most `feed_limit`, read again from their files).
    fn load_feed_bodies(&self, site: &Site, failures: &mut Vec<Failure>) -> render::Bodies {
        if !self.config.feeds {
            return render::Bodies::new();
        }
        let wanted = feeds::feed_articles(site, &self.config);
        let loaded: Vec<(usize, anyhow::Result<String>)> =
            wanted.par_iter().map(|&i| (i, self.feed_body(&site.articles[i]))).collect();
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

    /// An article's body as the feed carries it: pictures rewritten, every URL absolute (a
    /// feed reader shows it away from the site).
    fn feed_body(&self, article: &crate::model::Article) -> anyhow::Result<String> {
        let body = pages::article_body(&self.config, article)?;
        let origin = postprocess::Origin {
            base_url: &self.config.base_url,
            base_path: &self.config.base_path,
            page: &article.url,
        };
        postprocess::absolute_urls(&body, &origin)
    }
}

/// Runs `step`, adding its wall time to `slot` (and logging it at debug level, `RUST_LOG=debug`).
fn timed<T>(slot: &mut Duration, what: &str, step: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = step();
    *slot += started.elapsed();
    log::debug!("{what}: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    value
}

/// Keeps the rendered pages; each distinct render error becomes one failure.
fn collect_pages(
    jobs: &[Job],
    results: Vec<anyhow::Result<Page>>,
    failures: &mut Vec<Failure>,
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(results.len());
    let mut seen_errors = HashSet::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(page) => pages.push(page),
            Err(error) if seen_errors.insert(render::error_key(&error)) => {
                failures.push(Failure { path: PathBuf::from(output_path(&job.url)), error });
            }
            Err(_) => {}
        }
    }
    pages
}
