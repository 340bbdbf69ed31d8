//! Everything a rebuild needs from the last build: the page signatures and generated-file
//! hashes of what is in the output folder, the kept site model and page plan, and the build
//! cache on disk that carries them from one process to the next.
//!
//! This module decides nothing about what a build produces; it only lets a build skip work
//! whose result it already knows. It does not render or write the output folder.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::config::Config;
use crate::content::load::{self, Entry};
use crate::feeds::FeedCache;
use crate::fs::Stamp;
use crate::search::SearchCache;

pub(crate) mod cache;
pub(crate) mod kept;
pub(crate) mod unchanged;

use kept::Model;

/// Everything a rebuild needs from the last one, for `build` and `watch` alike: loaded once
/// from the build cache (or empty), kept in memory between watch updates, saved as one thing
/// after each successful write.
#[derive(Default)]
pub(crate) struct State {
    /// Every content file, by path relative to the site root, with its stamp and parse.
    pub(crate) files: BTreeMap<PathBuf, Entry>,
    /// Signatures of the pages last written and hashes of the generated files.
    pub(crate) signatures: Signatures,
    /// The build cache's segments as last saved (see `cache::save`).
    pub(crate) segments: BTreeMap<String, u64>,
    /// The sitemap made by earlier runs of this process.
    pub(crate) feeds: FeedCache,
    /// The record of the search index last generated, saved with the signatures.
    pub(crate) search: SearchCache,
    /// The model of the files as last loaded, when they loaded without a problem.
    pub(crate) model: Option<Model>,
    /// Content paths re-read since the model was made.
    pub(crate) changed: Vec<PathBuf>,
}

impl State {
    /// The state the last build left (when `use_cache` and the cache is this build's), with
    /// every file of `paths` loaded: files whose stamp is unchanged come from the cache.
    /// `stamps` are those a scan just took (by path relative to the root; may be empty).
    pub(crate) fn load(
        config: &Config,
        paths: &[PathBuf],
        use_cache: bool,
        stamps: &HashMap<PathBuf, Stamp>,
    ) -> State {
        let started = std::time::Instant::now();
        let cache = if use_cache { cache::load(config) } else { None };
        let cache = cache.unwrap_or_default();
        let decoded = started.elapsed().as_secs_f64() * 1000.0;
        let files = load::load_files(config, paths, &cache.files, stamps);
        let loaded = started.elapsed().as_secs_f64() * 1000.0;
        log::debug!("build cache decoded in {decoded:.1} ms, content loaded after {loaded:.1} ms");
        let segments = cache.written().clone();
        State { files, signatures: cache.signatures, segments, ..State::default() }
    }

    /// Before the output changes with a save deferred (see `build::Session::defer_saves`):
    /// the cache on disk no longer describes the output, so it must not be trusted.
    pub(crate) fn invalidate(&mut self, config: &Config) {
        if let Err(error) = cache::invalidate(config) {
            log::warn!("{error:#}; the build cache is removed");
            self.segments.clear();
            if let Err(error) = cache::clear(config) {
                log::warn!("{error:#}: delete `.broadsheet-cache/` before the next build");
            }
        }
    }

    /// Saves the state after a successful write, or (without a cache) removes the cache: the
    /// output just changed behind its back and a later cached build must not trust it. The
    /// output is already written, so a cache problem is a warning, not a failed build; a cache
    /// that could not be saved is removed, which only costs the next build its speed.
    pub(crate) fn save(&mut self, config: &Config, use_cache: bool) {
        let saved = if use_cache {
            cache::save(config, &self.signatures, &self.files, &self.segments)
                .map(|keys| self.segments = keys)
        } else {
            cache::clear(config)
        };
        if let Err(error) = saved {
            log::warn!("{error:#}; the build cache is removed");
            self.segments.clear();
            if let Err(error) = cache::clear(config) {
                log::warn!("{error:#}: delete `.broadsheet-cache/` before the next build");
            }
        }
    }
}

/// The signatures of the last successful build: page URL → signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Signatures {
    /// Every page the build produced, by root-relative URL.
    pub(crate) pages: BTreeMap<String, u64>,
    /// Paths (under the output folder) of the generated feeds, sitemap and search index.
    pub(crate) generated: BTreeSet<String>,
    /// The hash of each generated file's bytes as written (see `feeds::Generated`).
    pub(crate) generated_hashes: BTreeMap<String, u64>,
    /// What the search index in the output was made from (see `search::Record`).
    #[serde(default)]
    pub(crate) search: crate::search::Record,
}
