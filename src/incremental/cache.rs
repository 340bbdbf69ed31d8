//! The persistent build cache: what the last successful `build` read and wrote, so the next
//! one re-parses only changed files and re-renders only pages whose signature changed.
//!
//! Stored in `<root>/.broadsheet-cache/`: `state.msgpack` (signatures) and one segment per
//! content folder under `content/`, as MessagePack via rmp-serde (compact, fast, and able to
//! hold front matter's free-form `extra` values). The cache is only ever an
//! optimisation: a missing, unreadable or foreign cache (other broadsheet version, output
//! folder or configuration) is ignored, and a stale signature only causes a re-render whose
//! bytes are compared with the output anyway. It does not decide what a build produces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Signatures;
use crate::config::Config;
use crate::content::load::Entry;
use crate::hash::hash_of;

/// Bumped whenever the cache's layout or the meaning of its contents changes.
const FORMAT: u32 = 4;
/// Folder (under the site root) of the cache, its header file and its folder of segments.
const DIR: &str = ".broadsheet-cache";
const STATE: &str = "state.msgpack";
const SEGMENTS: &str = "content";
/// The no-op record of the last one-shot build (see `unchanged.rs`).
pub(super) const UNCHANGED: &str = "unchanged.msgpack";

/// The header of the cache: whose it is, and the signatures of the pages in the output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    format: u32,
    version: String,
    output_dir: PathBuf,
    config_key: u64,
    signatures: Signatures,
}

/// The loaded content files of one content folder. The cache is split by folder so that an
/// edit rewrites one segment, not the whole archive's.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Segment {
    files: BTreeMap<PathBuf, Entry>,
}

/// What the last successful build left behind.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// Signatures of the pages now in the output folder.
    pub(crate) signatures: Signatures,
    /// Every content file, by path relative to the site root.
    pub(crate) files: BTreeMap<PathBuf, Entry>,
    /// Per segment file name, the stamps it held, to skip rewriting unchanged segments.
    written: BTreeMap<String, u64>,
}

impl Cache {
    /// The segment keys as loaded, handed back to [`save`] so unchanged segments are skipped.
    pub(crate) fn written(&self) -> &BTreeMap<String, u64> {
        &self.written
    }
}

pub(super) fn dir(config: &Config) -> PathBuf {
    config.root.join(DIR)
}

/// What identifies a cache as this build's: version, output folder and configuration.
pub(super) fn config_key(config: &Config) -> u64 {
    hash_of(&format!("{config:?}"))
}

/// The cache left by the last build of this site into this output folder, if any is usable.
pub(crate) fn load(config: &Config) -> Option<Cache> {
    let state: State = read(&dir(config).join(STATE))?;
    let ours = state.format == FORMAT
        && state.version == env!("CARGO_PKG_VERSION")
        && state.output_dir == config.output_dir
        && state.config_key == config_key(config);
    if !ours {
        return None;
    }
    let names = segment_names(config);
    let segments: Vec<(String, Segment)> = names
        .into_par_iter()
        .filter_map(|name| read(&dir(config).join(SEGMENTS).join(&name)).map(|s| (name, s)))
        .collect();
    let mut cache = Cache { signatures: state.signatures, ..Cache::default() };
    for (name, segment) in segments {
        cache.written.insert(name, segment_key(&segment.files));
        cache.files.extend(segment.files);
    }
    Some(cache)
}

/// Reads a cache file: its first 8 bytes are the hash of the rest, so a truncated or
/// corrupted file is detected and ignored instead of trusted, even when it still decodes.
pub(super) fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = crate::fs::read(path).ok()?;
    let (sum, bytes) = bytes.split_at_checked(8)?;
    if sum != hash_of(bytes).to_le_bytes() {
        log::warn!("ignoring the corrupted build cache file `{}`", path.display());
        return None;
    }
    rmp_serde::from_slice(bytes).map_err(|e| log::info!("ignoring `{}`: {e}", path.display())).ok()
}

fn segment_names(config: &Config) -> Vec<String> {
    let Ok(files) = crate::fs::walk_files(&dir(config).join(SEGMENTS)) else { return Vec::new() };
    files.iter().map(|path| path.to_string_lossy().into_owned()).collect()
}

/// The segment file a content file belongs to: one per folder.
fn segment_of(path: &Path) -> String {
    format!("{:016x}.msgpack", hash_of(&path.parent().unwrap_or(path)))
}

fn segment_key(files: &BTreeMap<PathBuf, Entry>) -> u64 {
    hash_of(&files.iter().map(|(path, (stamp, _))| (path, stamp)).collect::<Vec<_>>())
}

/// Saves the state of a successful build: the signatures, and the segments whose files
/// changed since `previous` (each written through a temporary file and a rename).
pub(crate) fn save(
    config: &Config,
    signatures: &Signatures,
    files: &BTreeMap<PathBuf, Entry>,
    previous: &BTreeMap<String, u64>,
) -> Result<BTreeMap<String, u64>> {
    let state = State {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        output_dir: config.output_dir.clone(),
        config_key: config_key(config),
        signatures: signatures.clone(),
    };
    let mut segments: BTreeMap<String, Segment> = BTreeMap::new();
    for (path, entry) in files {
        let segment = segments.entry(segment_of(path)).or_default();
        segment.files.insert(path.clone(), entry.clone());
    }
    let keys: BTreeMap<String, u64> =
        segments.iter().map(|(name, s)| (name.clone(), segment_key(&s.files))).collect();
    let folder = dir(config).join(SEGMENTS);
    segments
        .par_iter()
        .filter(|(name, _)| previous.get(*name) != keys.get(*name))
        .try_for_each(|(name, segment)| write(&folder.join(name), segment))?;
    for gone in previous.keys().filter(|name| !keys.contains_key(*name)) {
        crate::fs::remove_file(&folder.join(gone))?;
    }
    write(&dir(config).join(STATE), &state)?;
    Ok(keys)
}

pub(super) fn write<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    // Structs as arrays, not maps: field names are not repeated for every article, which
    // makes a segment smaller and much faster to read (the format version guards the layout).
    let payload = rmp_serde::to_vec(value).context("cannot encode the build cache")?;
    let mut bytes = hash_of(payload.as_slice()).to_le_bytes().to_vec();
    bytes.extend_from_slice(&payload);
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    crate::fs::write(&temporary, &bytes)?;
    crate::fs::rename(&temporary, path)
}

/// The checksum of the cache's header as saved, if it is there and intact: ties the no-op
/// record to the one header it was written with.
pub(super) fn header_sum(config: &Config) -> Option<u64> {
    let bytes = crate::fs::read(&dir(config).join(STATE)).ok()?;
    let (sum, rest) = bytes.split_at_checked(8)?;
    let sum = u64::from_le_bytes(sum.try_into().ok()?);
    (sum == hash_of(rest)).then_some(sum)
}

/// Makes the cache unusable without deleting its segments: removes the no-op record and the
/// header, so that no build trusts signatures the output is about to outgrow (missing ones
/// are fine).
pub(crate) fn invalidate(config: &Config) -> Result<()> {
    for name in [UNCHANGED, STATE] {
        let path = dir(config).join(name);
        if path.exists() {
            crate::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Removes the cache (for `build --no-cache`); a missing one is fine.
pub(crate) fn clear(config: &Config) -> Result<()> {
    crate::fs::remove_dir_all(&dir(config))
}
