//! The no-op check of a one-shot `build`: when no input file changed since the last
//! successful one and every file it wrote is still there as written, the build has nothing to
//! do, and says so without loading the cache's segments, the templates or the model.
//!
//! The last successful one-shot build leaves a record (`unchanged.msgpack` in the build cache):
//! a fingerprint of its inputs (the configuration, and the path and stamp of every file under
//! `content/`, `templates/`, `static/` and `themes/`), the stamp of every file it produced, and
//! its counts for the report. The record names the cache header it was saved with, and every
//! build that writes removes it first (`cache::invalidate`), so it never outlives the output it
//! describes. Watch sessions write none: their first write removes it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cache;
use crate::config::Config;
use crate::fs::Stamp;
use crate::hash::hash_of;

/// Bumped whenever the record's layout or what the fingerprint covers changes.
const FORMAT: u32 = 1;

/// File times come from a coarse clock (one tick is up to 10 ms on Linux): a file modified
/// this close before the scan could be modified again with the same stamp, so such a scan is
/// not recorded.
const CLOCK_TICK: Duration = Duration::from_millis(20);

/// A fingerprint of everything a build reads, taken before it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inputs {
    hash: u64,
    /// Some file was modified within a clock tick of the scan: its stamp cannot vouch for it.
    racy: bool,
}

/// The counts a build reports, kept for the no-op's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Counts {
    pub(crate) articles: usize,
    pub(crate) sections: usize,
    pub(crate) issues: usize,
    pub(crate) authors: usize,
    /// Pages and generated files the build produced (static files not counted).
    pub(crate) produced: usize,
}

/// What the last successful one-shot build read and wrote.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    format: u32,
    version: String,
    output_dir: PathBuf,
    config_key: u64,
    /// The checksum of the cache header saved with this record.
    header: u64,
    inputs: u64,
    /// Every file produced, by path under the output folder, one per line: one string
    /// decodes much faster than one per file.
    outputs: String,
    /// By line of `outputs`: the file's stamp once written.
    stamps: Vec<Stamp>,
    counts: Counts,
}

impl Inputs {
    /// Stamps every input file of the site; `None` if a folder cannot be walked (the build
    /// then runs in full and reports the problem itself). Also gives the content files'
    /// stamps, by path relative to the root, so that loading them does not stamp them again.
    pub(crate) fn scan(config: &Config, drafts: bool) -> Option<(Inputs, ContentStamps)> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let folders = input_folders(config);
        let trees: Vec<Vec<(PathBuf, Stamp)>> = folders
            .par_iter()
            .map(|dir| crate::fs::stamp_tree(dir))
            .collect::<anyhow::Result<_>>()
            .ok()?;
        let key = (FORMAT, env!("CARGO_PKG_VERSION"), cache::config_key(config), drafts);
        let newest = trees.iter().flatten().map(|(_, stamp)| stamp.modified()).max();
        let racy = newest.is_some_and(|newest| newest + CLOCK_TICK > now);
        let hash = hash_of(&(key, &folders, &trees));
        let content = content_stamps(config, trees.into_iter().next().unwrap_or_default());
        Some((Inputs { hash, racy }, content))
    }
}

/// Content file stamps by path relative to the site root (as `content::load` names files).
pub(crate) type ContentStamps = HashMap<PathBuf, Stamp>;

/// The content folder's stamps (relative to it) keyed by path relative to the root.
fn content_stamps(config: &Config, tree: Vec<(PathBuf, Stamp)>) -> ContentStamps {
    let dir = &config.content_dir;
    let prefix = dir.strip_prefix(&config.root).unwrap_or(dir);
    tree.into_iter().map(|(path, stamp)| (prefix.join(path), stamp)).collect()
}

/// Every folder a build reads files from. The content folder is walked whole, not only its
/// Markdown files, so that any file a build could take from it counts.
fn input_folders(config: &Config) -> Vec<PathBuf> {
    let themes = config.root.join("themes");
    let mut folders = vec![
        config.content_dir.clone(),
        config.templates_dir.clone(),
        config.static_dir.clone(),
        themes.clone(),
    ];
    if !config.theme_dir.starts_with(&themes) {
        folders.push(config.theme_dir.clone());
    }
    folders
}

/// The counts of the last build if it read exactly `inputs` and the output folder still holds
/// every file it produced as written; `None` means the build must run.
pub(crate) fn check(config: &Config, inputs: Inputs) -> Option<Counts> {
    let started = std::time::Instant::now();
    let record: Record = cache::read(&path(config))?;
    log::debug!("no-op record read in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    let ours = record.format == FORMAT
        && record.version == env!("CARGO_PKG_VERSION")
        && record.output_dir == config.output_dir
        && record.config_key == cache::config_key(config)
        && record.inputs == inputs.hash
        && cache::header_sum(config) == Some(record.header);
    if !ours {
        return None;
    }
    let out = &config.output_dir;
    let paths: Vec<&str> = record.outputs.lines().collect();
    let intact = paths.len() == record.stamps.len()
        && paths
            .par_iter()
            .zip(&record.stamps)
            .all(|(path, stamp)| crate::fs::stamp(&out.join(path)) == Some(*stamp));
    log::debug!("outputs checked after {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    intact.then_some(record.counts)
}

/// Records, after a successful one-shot build that saved the cache, that it read `inputs` and
/// produced `outputs` (paths under the output folder, with their stamps when the build knows
/// them: `None` ones are stamped now). Failing to is only a warning: the next build then runs
/// in full.
pub(crate) fn record(
    config: &Config,
    inputs: Inputs,
    outputs: Vec<(String, Option<Stamp>)>,
    counts: Counts,
) {
    if inputs.racy {
        log::debug!("an input changed within a clock tick of the build: no no-op record");
        return;
    }
    let Some(header) = cache::header_sum(config) else { return };
    let out = &config.output_dir;
    if outputs.iter().any(|(path, _)| path.contains('\n')) {
        return;
    }
    let stamped: Option<Vec<Stamp>> = outputs
        .par_iter()
        .map(|(path, known)| known.or_else(|| crate::fs::stamp(&out.join(path))))
        .collect();
    let Some(stamps) = stamped else { return };
    let paths: Vec<String> = outputs.into_iter().map(|(path, _)| path).collect();
    let record = Record {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        output_dir: config.output_dir.clone(),
        config_key: cache::config_key(config),
        header,
        inputs: inputs.hash,
        outputs: paths.join("\n"),
        stamps,
        counts,
    };
    if let Err(error) = cache::write(&path(config), &record) {
        log::warn!("{error:#}; the next build will not know that nothing changed");
    }
}

fn path(config: &Config) -> PathBuf {
    cache::dir(config).join(cache::UNCHANGED)
}
