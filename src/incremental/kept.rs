//! The kept site model: what a build keeps between runs so that `watch` redoes only
//! what an edit needs: the site model with its shared template values and their hashes, and
//! the page plan with every page's signature.
//!
//! A text edit (an article whose structure is unchanged, see [`model::same_structure`]) is
//! applied in place: the article's data is swapped in, its summary's hash is refreshed, and
//! only the pages that show that article are signed again. A retitle is applied in place too
//! (the article keeps its place, [`model::same_place`]): slugs are assigned again, and the
//! article pages whose URL moved get their new URL in the kept plan, the old one removed.
//! Anything else (a new, deleted or moved article, a section index, a file that fails to load)
//! builds a fresh model; a template change or a failed run drops the page plan, so the next
//! run plans and signs every page again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::content::load::{self, Entry, Failure, Loaded};
use crate::model::urls::output_path;
use crate::model::{self, Site};
use crate::render::signature::{self, ValueHashes};
use crate::render::{self, Job, Templates};

/// The site model of the content as last loaded.
pub(crate) struct Model {
    pub(crate) site: Site,
    pub(crate) shared: render::Shared,
    /// Hashes of the summaries and references signatures mix in.
    hashes: ValueHashes,
    /// Article index by file path (relative to the root).
    article_at: HashMap<PathBuf, usize>,
    /// The page plan, once made; `None` after a template change or a failed run.
    pub(crate) pages: Option<Pages>,
    /// Articles updated in place since `pages` was signed.
    dirty: Vec<usize>,
    /// Articles whose URL a retitle moved since `pages` was signed, with their old URL.
    moved: Vec<(usize, String)>,
    /// Tells this model from every other one made in this process (see `feeds::FeedCache`).
    pub(crate) id: u64,
}

/// Every page of a model and its signature.
pub(crate) struct Pages {
    pub(crate) jobs: Vec<Job>,
    /// By job: the signature of what the page shows.
    pub(crate) signatures: Vec<u64>,
    /// Output paths of the jobs, for the link checker.
    pub(crate) paths: HashSet<String>,
    /// By article: the jobs whose signature mixes in its summary (made on first need).
    dependents: Option<Vec<Vec<usize>>>,
}

/// What signing a model's pages found.
pub(crate) enum Signed {
    /// The pages were planned and signed afresh: compare every signature with the output's.
    Fresh,
    /// The kept plan was re-signed where articles changed in place: these jobs (indexes)
    /// changed signature, and no other did.
    Changed {
        /// The jobs whose signature changed.
        jobs: Vec<usize>,
        /// The URLs of article pages a retitle moved away from (no job has them now).
        gone: Vec<String>,
    },
}

impl Model {
    /// Builds the model from the loaded files; clashing URLs come back as failures.
    pub(crate) fn build(config: &Config, loaded: Loaded) -> (Model, Vec<Failure>) {
        let (site, failures) = model::build_site(config, loaded);
        let shared = render::share(&site, config);
        let hashes = ValueHashes::of(&site, &shared);
        let article_at = site.articles.iter().enumerate();
        let article_at = article_at.map(|(i, a)| (a.data.path.clone(), i)).collect();
        let id = render::unique_id();
        let (pages, dirty, moved) = (None, Vec::new(), Vec::new());
        let model = Model { site, shared, hashes, article_at, pages, dirty, moved, id };
        (model, failures)
    }

    /// Applies the re-read `changed` files (as `files` now holds them) by swapping article
    /// data in place; `false` as soon as one is not an article of this model in the same
    /// place (the model is then half updated and must be dropped). A retitle keeps the
    /// article's place but may move its URL (and that of an article whose derived slug
    /// depended on it): slugs are assigned again and the moved pages remembered.
    pub(crate) fn update_in_place(
        &mut self,
        config: &Config,
        changed: &[PathBuf],
        files: &BTreeMap<PathBuf, Entry>,
    ) -> bool {
        let mut retitled = false;
        let first = self.dirty.len();
        for path in changed {
            let Some(&index) = self.article_at.get(path) else { return false };
            let Some((_, Ok(load::Item::Article(new)))) = files.get(path) else { return false };
            let old = &self.site.articles[index].data;
            if !model::same_structure(old, new) {
                if !model::same_place(old, new) {
                    return false;
                }
                retitled |= old.title_slug != new.title_slug;
            }
            self.site.articles[index].data = Arc::clone(new);
            self.dirty.push(index);
        }
        if retitled && !self.reslug(config) {
            return false;
        }
        for at in first..self.dirty.len() {
            self.hashes.refresh_summary(&self.site, self.dirty[at]);
        }
        true
    }

    /// Assigns the slugs again after a retitle; the articles whose URL moved become dirty,
    /// and the model a new one for the feed cache (its sitemap and search entries name URLs).
    fn reslug(&mut self, config: &Config) -> bool {
        let Some(moved) = model::reslug(config, &mut self.site) else { return false };
        if !moved.is_empty() {
            self.id = render::unique_id();
        }
        self.dirty.extend(moved.iter().map(|(index, _)| *index));
        self.moved.extend(moved);
        true
    }

    /// Takes the page plan out of the model with every signature up to date: the kept plan
    /// re-signed where articles changed in place, or a new plan.
    pub(crate) fn take_signed_pages(
        &mut self,
        config: &Config,
        templates: &Templates,
    ) -> (Pages, Signed) {
        let dirty = std::mem::take(&mut self.dirty);
        let moved = std::mem::take(&mut self.moved);
        let Some(mut pages) = self.pages.take() else {
            return (self.plan(config, templates), Signed::Fresh);
        };
        let gone = pages.move_articles(&self.site, &moved);
        let signer =
            signature::Signer::new(&self.site, config, &self.shared, templates, &self.hashes);
        let dependents = pages.dependents.get_or_insert_with(|| {
            dependents_of(&pages.jobs, &self.site, config, self.site.articles.len())
        });
        let mut touched: Vec<usize> =
            dirty.iter().flat_map(|&article| dependents[article].iter().copied()).collect();
        touched.sort_unstable();
        touched.dedup();
        let changed = touched
            .into_iter()
            .filter(|&job| {
                let signature = signer.sign(&pages.jobs[job]);
                let was = std::mem::replace(&mut pages.signatures[job], signature);
                was != signature
            })
            .collect();
        (pages, Signed::Changed { jobs: changed, gone })
    }

    fn plan(&self, config: &Config, templates: &Templates) -> Pages {
        let jobs = render::plan(&self.site, config, templates);
        let signatures =
            signature::compute(&jobs, &self.site, config, &self.shared, templates, &self.hashes);
        let paths = jobs.iter().map(|job| output_path(&job.url)).collect();
        Pages { jobs, signatures, paths, dependents: None }
    }
}

impl Pages {
    /// Gives the article pages of `moved` articles their new URL; returns the old URLs no
    /// page has now (two retitles may swap URLs).
    fn move_articles(&mut self, site: &Site, moved: &[(usize, String)]) -> Vec<String> {
        if moved.is_empty() {
            return Vec::new();
        }
        let articles: HashMap<usize, usize> = self
            .jobs
            .iter()
            .enumerate()
            .filter_map(|(at, job)| {
                if let render::Kind::Article(article) = job.kind {
                    Some((article, at))
                } else {
                    None
                }
            })
            .collect();
        for (_, old) in moved {
            self.paths.remove(&output_path(old));
        }
        for (article, _) in moved {
            if let Some(&at) = articles.get(article) {
                let url = site.articles[*article].url.clone();
                self.paths.insert(output_path(&url));
                self.jobs[at].url = url;
            }
        }
        let taken: HashSet<&str> = self.jobs.iter().map(|job| job.url.as_str()).collect();
        let mut gone: Vec<String> = moved
            .iter()
            .map(|(_, old)| old.clone())
            .filter(|old| !taken.contains(old.as_str()))
            .collect();
        gone.sort_unstable();
        gone.dedup();
        gone
    }
}

/// By article index, the jobs that show it (see [`render::deps`]).
fn dependents_of(jobs: &[Job], site: &Site, config: &Config, articles: usize) -> Vec<Vec<usize>> {
    let mut dependents = vec![Vec::new(); articles];
    for (index, job) in jobs.iter().enumerate() {
        for article in render::deps(job, site, config) {
            dependents[article].push(index);
        }
    }
    dependents
}
