//! Page signatures: one 64-bit hash per planned page of everything its HTML depends on, so a
//! rebuild renders only the pages whose signature changed.
//!
//! A page's signature mixes: the hash of its template and the templates that one extends,
//! includes or imports; its kind and URL; the site-wide values (`site`, translations, the
//! config); the summary of every article it shows ([`render::deps`]); and the few values of
//! its own frame (issue navigation, section pagination, a reporter's count…). What was signed
//! last time is kept by `incremental`, not here. This module is pure: it reads no files and
//! renders nothing.

use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;
use serde_json::Value;

use super::templates::Templates;
use super::{self as render, Job, Kind, Shared};
use crate::config::Config;
use crate::hash::{hash_value, value_hash};
use crate::model::{PrintPage, Site};

/// How many recent issues the fronts list (must match `render`).
const RECENT_ISSUES: usize = 10;

/// Hashes of the values many signatures mix in, computed once per model: each article's
/// summary and each issue, section and reporter reference. `watch` keeps them between
/// updates and refreshes only the summaries an edit changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueHashes {
    /// By article index.
    pub(crate) summaries: Vec<u64>,
    issues: Vec<u64>,
    sections: Vec<u64>,
    authors: Vec<u64>,
}

impl ValueHashes {
    /// Hashes every shared value, in parallel.
    pub(crate) fn of(site: &Site, shared: &Shared) -> ValueHashes {
        let all = |values: &[Value]| values.par_iter().map(value_hash).collect();
        let mut hashes = ValueHashes {
            summaries: Vec::new(),
            issues: all(&shared.issue_refs),
            sections: all(&shared.section_refs),
            authors: all(&shared.author_refs),
        };
        hashes.summaries = (0..site.articles.len())
            .into_par_iter()
            .map(|index| hashes.summary_hash(site, index))
            .collect();
        hashes
    }

    /// Recomputes article `index`'s summary hash after its data changed in place.
    pub(crate) fn refresh_summary(&mut self, site: &Site, index: usize) {
        self.summaries[index] = self.summary_hash(site, index);
    }

    /// The hash of article `index`'s summary, without making it.
    fn summary_hash(&self, site: &Site, index: usize) -> u64 {
        let article = &site.articles[index];
        let section = article.section.map(|s| self.sections[s]);
        let authors: Vec<u64> = article.authors.iter().map(|&a| self.authors[a]).collect();
        render::summary_hash(article, site, section, &authors)
    }
}

/// Signatures of every job, computed in parallel; same order as `jobs`.
pub(crate) fn compute(
    jobs: &[Job],
    site: &Site,
    config: &Config,
    shared: &Shared,
    templates: &Templates,
    hashes: &ValueHashes,
) -> Vec<u64> {
    let signer = Signer::new(site, config, shared, templates, hashes);
    jobs.par_iter().map(|job| signer.sign(job)).collect()
}

/// Signs pages: holds what every signature is computed from.
pub(crate) struct Signer<'a> {
    site: &'a Site,
    config: &'a Config,
    templates: &'a Templates,
    hashes: &'a ValueHashes,
    /// The site-wide values, the translations and the configuration.
    global: u64,
}

impl<'a> Signer<'a> {
    /// Hashes the site-wide values once.
    pub(crate) fn new(
        site: &'a Site,
        config: &'a Config,
        shared: &Shared,
        templates: &'a Templates,
        hashes: &'a ValueHashes,
    ) -> Signer<'a> {
        let mut global = DefaultHasher::new();
        hash_value(&mut global, &shared.site);
        hash_value(&mut global, &templates.translations);
        format!("{config:?}").hash(&mut global);
        Signer { site, config, templates, hashes, global: global.finish() }
    }

    /// The signature of one page.
    pub(crate) fn sign(&self, job: &Job) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.global.hash(&mut hasher);
        self.templates.closure_hashes.get(job.template).hash(&mut hasher);
        (render::kind_name(job.kind), &job.url, job.template).hash(&mut hasher);
        for article in render::deps(job, self.site, self.config) {
            (article, self.hashes.summaries[article]).hash(&mut hasher);
        }
        self.frame(job.kind, &mut hasher);
        hasher.finish()
    }

    /// What a page shows besides article summaries.
    fn frame(&self, kind: Kind, hasher: &mut DefaultHasher) {
        let hashes = self.hashes;
        match kind {
            Kind::Index => self.issue_frame(0, hasher),
            Kind::Issue(i) => self.issue_frame(i, hasher),
            Kind::Article(i) => {
                let article = &self.site.articles[i];
                (article.data.file_hash, &article.slug, &article.data.pictures).hash(hasher);
                hashes.issues[article.issue].hash(hasher);
                let pages = &self.site.issues[article.issue].pages;
                self.page_frame(article.print_page.and_then(|p| pages.get(p)), hasher);
            }
            Kind::Page { issue, page } => {
                self.issue_frame(issue, hasher);
                let pages = &self.site.issues[issue].pages;
                for around in [page.checked_sub(1), Some(page), Some(page + 1)] {
                    self.page_frame(around.and_then(|p| pages.get(p)), hasher);
                }
            }
            Kind::Section { section, page } => {
                hashes.sections[section].hash(hasher);
                (page, self.site.sections[section].articles.len()).hash(hasher);
            }
            Kind::Author(i) => {
                hashes.authors[i].hash(hasher);
                self.site.authors[i].articles.len().hash(hasher);
            }
            Kind::Authors => {
                hashes.authors.hash(hasher);
                self.site.authors.iter().for_each(|a| a.articles.len().hash(hasher));
            }
            Kind::Archive => hashes.issues.hash(hasher),
            Kind::Search | Kind::NotFound => {}
        }
    }

    /// What a reference to a print page shows: its name, URL, section and article count.
    fn page_frame(&self, page: Option<&PrintPage>, hasher: &mut DefaultHasher) {
        let Some(page) = page else { return 0u8.hash(hasher) };
        (&page.name, &page.url, page.articles.len()).hash(hasher);
        page.section.map(|s| self.hashes.sections[s]).hash(hasher);
    }

    /// An issue front: its ref, its neighbours, its print pages, the recent issues and the
    /// section names.
    fn issue_frame(&self, index: usize, hasher: &mut DefaultHasher) {
        let refs = &self.hashes.issues;
        let around = index.saturating_sub(1)..(index + 2).min(refs.len());
        index.hash(hasher);
        refs.get(around).unwrap_or_default().hash(hasher);
        refs.iter().take(RECENT_ISSUES).for_each(|r| r.hash(hasher));
        self.hashes.sections.hash(hasher);
        for page in self.site.issues.get(index).map(|i| i.pages.as_slice()).unwrap_or_default() {
            self.page_frame(Some(page), hasher);
        }
    }
}
