//! The persistent build cache: what the last successful `build` read and wrote, so the next
//! one re-parses only changed files and re-renders only pages whose signature changed.
//!
//! Stored in `<root>/.broadsheet-cache/`: `state.msgpack` (signatures) and one segment per
//! content folder under `content/`, as MessagePack via rmp-serde (compact, fast, and able to
//! hold front matter's free-form `extra` values), each file behind a 4-byte magic and a
//! CRC-32 of its payload. The cache is only ever an
//! optimisation: a missing, unreadable or foreign cache (other broadsheet version, output
//! folder or configuration) is ignored, and a stale signature only causes a re-render whose
//! bytes are compared with the output anyway. It does not decide what a build produces.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Signatures;
use crate::config::Config;
use crate::content::load::Entry;
use crate::hash::hash_of;

/// Bumped whenever the cache's layout or the meaning of its contents changes.
const FORMAT: u32 = 6;
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

/// Starts every cache file of this layout; the 4 bytes after it are the CRC-32 of the rest.
const MAGIC: [u8; 4] = *b"bsc1";

/// The checksum of a cache file's payload. CRC-32 (crc32fast, SIMD): it only has to catch a
/// truncated or damaged file, and at 10,000 articles the 50 MB of segments took 30 ms of
/// CPU to check with std's SipHash.
fn checksum(payload: &[u8]) -> [u8; 4] {
    crc32fast::hash(payload).to_le_bytes()
}

/// The payload of a cache file if it is of this layout and intact.
fn verified<'a>(bytes: &'a [u8], path: &Path) -> Option<&'a [u8]> {
    let (head, payload) = bytes.split_at_checked(8)?;
    if head[..4] != MAGIC {
        log::info!("ignoring `{}`: written by another version", path.display());
        return None;
    }
    if head[4..] != checksum(payload) {
        log::warn!("ignoring the corrupted build cache file `{}`", path.display());
        return None;
    }
    Some(payload)
}

/// Reads a cache file: a checksum precedes the payload, so a truncated or corrupted file is
/// detected and ignored instead of trusted, even when it still decodes.
pub(super) fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = crate::fs::read(path).ok()?;
    let payload = verified(&bytes, path)?;
    rmp_serde::from_slice(payload)
        .map_err(|e| log::info!("ignoring `{}`: {e}", path.display()))
        .ok()
}

fn segment_names(config: &Config) -> Vec<String> {
    let Ok(files) = crate::fs::walk_files(&dir(config).join(SEGMENTS)) else { return Vec::new() };
    files.iter().map(|path| path.to_string_lossy().into_owned()).collect()
}

/// The segment file of a content folder's files: one per folder, named by a hash of the
/// folder's path as bytes (hashing a `Path` walks its components, a cost at every save).
fn segment_name(folder: &[u8]) -> String {
    format!("{:016x}.msgpack", hash_of(folder))
}

fn folder_bytes(path: &Path) -> &[u8] {
    path.parent().unwrap_or(path).as_os_str().as_encoded_bytes()
}

fn segment_key<'a>(files: impl IntoIterator<Item = (&'a PathBuf, &'a Entry)>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    for (path, (stamp, _)) in files {
        path.as_os_str().as_encoded_bytes().hash(&mut hasher);
        stamp.hash(&mut hasher);
    }
    hasher.finish()
}

/// One segment's files as [`save`] writes them: borrowed, encoded as the map [`Segment`]
/// decodes (the entries are not cloned to be saved).
struct SegmentOut<'a> {
    files: Vec<(&'a PathBuf, &'a Entry)>,
}

impl Serialize for SegmentOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        // `Segment` is a struct, encoded as an array of its one field.
        let mut segment = serializer.serialize_tuple(1)?;
        segment.serialize_element(&FilesOut(&self.files))?;
        segment.end()
    }
}

struct FilesOut<'a, 'b>(&'b [(&'a PathBuf, &'a Entry)]);

impl Serialize for FilesOut<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// The files grouped by segment (each group in path order, as the map they came from).
fn group_by_segment(files: &BTreeMap<PathBuf, Entry>) -> BTreeMap<String, SegmentOut<'_>> {
    let mut by_folder: HashMap<&[u8], Vec<(&PathBuf, &Entry)>> = HashMap::new();
    for (path, entry) in files {
        by_folder.entry(folder_bytes(path)).or_default().push((path, entry));
    }
    by_folder
        .into_iter()
        .map(|(folder, files)| (segment_name(folder), SegmentOut { files }))
        .collect()
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
    let segments = group_by_segment(files);
    let keys: BTreeMap<String, u64> = segments
        .iter()
        .map(|(name, s)| (name.clone(), segment_key(s.files.iter().copied())))
        .collect();
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
    let mut bytes = Vec::with_capacity(payload.len() + 8);
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&checksum(&payload));
    bytes.extend_from_slice(&payload);
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    crate::fs::write(&temporary, &bytes)?;
    crate::fs::rename(&temporary, path)
}

/// The checksum of the cache's header as saved, if it is there and intact: ties the no-op
/// record to the one header it was written with.
pub(super) fn header_sum(config: &Config) -> Option<u64> {
    let path = dir(config).join(STATE);
    let bytes = crate::fs::read(&path).ok()?;
    let payload = verified(&bytes, &path)?;
    Some(u64::from(u32::from_le_bytes(checksum(payload))))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load;
    use crate::fs::Stamp;

    /// The watch fixture's files as loaded, with a config whose root (where the cache goes)
    /// is a fresh temporary folder.
    fn loaded_fixture() -> (Config, BTreeMap<PathBuf, Entry>, tempfile::TempDir) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch");
        let mut config = Config::load(&root).unwrap();
        let paths = load::list_content(&config).unwrap();
        let files = load::load_files(&config, &paths, &BTreeMap::new(), &HashMap::new());
        let dir = tempfile::tempdir().unwrap();
        config.root = dir.path().to_path_buf();
        (config, files, dir)
    }

    #[test]
    fn saved_files_load_back_as_they_were() {
        let (config, files, _dir) = loaded_fixture();
        let keys = save(&config, &Signatures::default(), &files, &BTreeMap::new()).unwrap();
        assert_eq!(keys.len(), 2, "one segment per content folder");
        let loaded = load(&config).expect("the cache just saved loads");
        assert_eq!(format!("{:?}", loaded.files), format!("{files:?}"));
        assert_eq!(loaded.written(), &keys);
    }

    #[test]
    fn a_save_rewrites_only_the_segments_whose_files_changed() {
        let (config, mut files, _dir) = loaded_fixture();
        let keys = save(&config, &Signatures::default(), &files, &BTreeMap::new()).unwrap();
        let folder = dir(&config).join(SEGMENTS);
        for name in keys.keys() {
            crate::fs::remove_file(&folder.join(name)).unwrap();
        }
        let path = PathBuf::from("content/2024-05-24/04-tram.md");
        let (stamp, item) = files[&path].clone();
        let moved = Stamp::default();
        assert_ne!(stamp, moved);
        files.insert(path.clone(), (moved, item));
        let again = save(&config, &Signatures::default(), &files, &keys).unwrap();
        let written = crate::fs::walk_files(&folder).unwrap();
        let changed: Vec<&String> =
            keys.keys().filter(|name| again[*name] != keys[*name]).collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(written, vec![PathBuf::from(changed[0])]);
    }
}
