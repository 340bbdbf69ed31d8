//! The last step of a run: generated files staged, staging moved into the output folder,
//! what is gone removed, and the signatures of what is now on disk remembered.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use anyhow::Result;

use super::pages::Page;
use super::{Scope, Session};
use crate::feeds;
use crate::fs::Stamp;
use crate::images::Version;
use crate::incremental::Signatures;
use crate::incremental::kept::Pages;
use crate::incremental::unchanged::{self, Counts};
use crate::model::Site;
use crate::model::urls::output_path;
use crate::output::{Removal, Staging, StaticFiles, WriteStats};
use crate::render::Job;

/// What a run produced, handed to `commit`.
pub(super) struct Outputs<'a> {
    pub(super) jobs: &'a [Job],
    pub(super) pages: &'a [Page],
    pub(super) generated: Vec<feeds::Generated>,
    pub(super) statics: &'a StaticFiles,
    /// The picture versions the pages show (listed once per run).
    pub(super) versions: &'a [Version],
    pub(super) next: Next,
}

/// The pages of a committed whole build, for the no-op record: which were staged, and the
/// stamps their files had before (still theirs unless staged).
pub(super) struct Written<'a> {
    pub(super) plan: &'a Pages,
    pub(super) out_stamps: Vec<Option<Stamp>>,
    pub(super) pages: &'a [Page],
}

/// The signatures the output will have once a run is committed.
pub(super) enum Next {
    /// Every page's, by URL: pages not listed are gone.
    All(BTreeMap<String, u64>),
    /// Only the pages whose signature changed; the set of pages is as last committed, but
    /// for the `gone` URLs (article pages a retitle moved).
    Changed { changed: Vec<(String, u64)>, gone: Vec<String> },
}

impl Session {
    /// Stages the generated files, moves everything staged into the output folder, removes
    /// what is gone, and remembers the signatures of what is now on disk.
    pub(super) fn commit(
        &mut self,
        staging: Staging,
        scope: Scope,
        outputs: Outputs<'_>,
    ) -> Result<WriteStats> {
        let Outputs { jobs, pages, generated, statics, versions, next } = outputs;
        // A build killed while pages move in must leave no cache that vouches for them.
        if self.options.cache {
            self.state.invalidate(&self.config);
        }
        let mut staged: Vec<String> =
            pages.iter().filter(|p| p.staged).map(|p| p.path.clone()).collect();
        staged.extend(self.stage_generated(&staging, &generated, scope)?);
        // Static files count with the generated ones, so a static file deleted from
        // `static/` is removed from the output by a cached build too.
        let mut generated_paths: BTreeSet<String> =
            generated.iter().map(|g| g.path.clone()).collect();
        generated_paths.extend(statics.output_paths());
        let written = &self.state.signatures.generated_hashes;
        staged.extend(super::images::stage(&staging, versions, written, &self.config.output_dir)?);
        generated_paths.extend(super::images::paths(versions));
        let gone = self.gone_paths(&next, &generated_paths);
        let mut stats = match scope {
            Scope::Whole => {
                let mut produced: Vec<String> = jobs.iter().map(|j| output_path(&j.url)).collect();
                produced.extend(generated.iter().map(|g| g.path.clone()));
                produced.extend(versions.iter().map(|v| v.path.clone()));
                // With the last build's signatures we know what is gone; without, walk.
                let removal = if self.state.signatures.pages.is_empty() {
                    Removal::Sweep
                } else {
                    Removal::Only(&gone)
                };
                staging.commit(&produced, &staged, statics, removal)?
            }
            Scope::Changes => staging.commit_changes(&staged, &gone)?,
        };
        if scope == Scope::Changes {
            stats.unchanged = pages.len() + generated.len() - staged.len();
        }
        let image_hashes: Vec<(String, u64)> =
            versions.iter().map(|v| (v.path.clone(), v.hash)).collect();
        self.remember(next, generated_paths, &generated, image_hashes);
        Ok(stats)
    }

    /// After a one-shot build wrote the whole output and saved the cache: records what it read
    /// and every file it produced, so that the next build can tell that nothing changed.
    pub(super) fn record_unchanged(
        &self,
        scope: Scope,
        written: Written<'_>,
        generated: Vec<String>,
        statics: &StaticFiles,
        site: &Site,
    ) {
        let Some(inputs) = self.inputs else { return };
        if scope != Scope::Whole || self.defer_saves || !self.options.cache {
            return;
        }
        let Written { plan, out_stamps, pages } = written;
        if out_stamps.len() != plan.jobs.len() {
            return;
        }
        let produced = plan.jobs.len() + generated.len();
        let staged: HashSet<&str> =
            pages.iter().filter(|p| p.staged).map(|p| p.path.as_str()).collect();
        // A page file this run did not write keeps the stamp it had; the rest are stamped anew.
        let mut outputs: Vec<(String, Option<Stamp>)> = plan
            .jobs
            .iter()
            .zip(out_stamps)
            .map(|(job, stamp)| {
                let path = output_path(&job.url);
                let kept = stamp.filter(|_| !staged.contains(path.as_str()));
                (path, kept)
            })
            .collect();
        outputs.extend(generated.into_iter().map(|path| (path, None)));
        outputs.extend(statics.output_paths().map(|path| (path, None)));
        let counts = Counts {
            articles: site.articles.len(),
            sections: site.sections.len(),
            issues: site.issues.len(),
            authors: site.authors.len(),
            produced,
        };
        unchanged::record(&self.config, inputs, outputs, counts);
    }

    /// Stages the generated files whose bytes may have changed; returns the paths staged.
    fn stage_generated(
        &self,
        staging: &Staging,
        generated: &[feeds::Generated],
        scope: Scope,
    ) -> Result<Vec<String>> {
        let mut staged = Vec::new();
        for file in generated {
            if !self.generated_is_current(file, scope)
                && staging.stage(&file.path, file.text.as_bytes())?
            {
                staged.push(file.path.clone());
            }
        }
        Ok(staged)
    }

    /// The output files of the last build that this one no longer produces: pages gone from
    /// the plan, generated and static files gone.
    fn gone_paths(&self, next: &Next, generated_paths: &BTreeSet<String>) -> Vec<String> {
        let mut gone: Vec<String> = match next {
            Next::All(next) => {
                let gone_pages =
                    self.state.signatures.pages.keys().filter(|url| !next.contains_key(*url));
                gone_pages.map(|url| output_path(url)).collect()
            }
            Next::Changed { gone, .. } => gone.iter().map(|url| output_path(url)).collect(),
        };
        gone.extend(self.state.signatures.generated.difference(generated_paths).cloned());
        gone
    }

    /// Records the signatures of what is now on disk and saves the build cache (or marks it
    /// unsaved when saves are deferred).
    fn remember(
        &mut self,
        next: Next,
        generated_paths: BTreeSet<String>,
        generated: &[feeds::Generated],
        image_hashes: Vec<(String, u64)>,
    ) {
        let mut generated_hashes: BTreeMap<String, u64> =
            generated.iter().map(|g| (g.path.clone(), g.hash)).collect();
        generated_hashes.extend(image_hashes);
        let pages = match next {
            Next::All(next) => next,
            Next::Changed { changed, gone } => {
                let mut pages = std::mem::take(&mut self.state.signatures.pages);
                for url in &gone {
                    pages.remove(url);
                }
                pages.extend(changed);
                pages
            }
        };
        let search = self.state.search.record();
        self.state.signatures =
            Signatures { pages, generated: generated_paths, generated_hashes, search };
        if self.defer_saves {
            self.unsaved = true;
        } else {
            self.save_state();
        }
    }

    /// Whether the output already holds `file`'s bytes as last written, so it need not be
    /// compared (for a whole build, only if the file is still there).
    fn generated_is_current(&self, file: &feeds::Generated, scope: Scope) -> bool {
        let written = self.state.signatures.generated_hashes.get(&file.path);
        written == Some(&file.hash)
            && (scope == Scope::Changes || self.config.output_dir.join(&file.path).is_file())
    }
}
