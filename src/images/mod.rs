//! Article images: every local image an article's body references is made in the widths and
//! formats of `[images]` (see [`process`]), cached by the hash of its bytes and settings in
//! `.broadsheet-cache/images/` so a rebuild never makes an unchanged image again, and shown as
//! a `<picture>` (see [`html`]). The made [`Picture`]s are attached to the loaded articles, so
//! page signatures and template contexts see them like any other article field.
//!
//! A missing or unreadable image is a failure of its article, naming the file and line.
//! Work is parallel (rayon) and bounded: each worker holds one decoded image at a time.
//! Not for: writing the output folder (build stages the versions through `output`).

mod html;
mod process;

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub(crate) use html::rewrite_body;

use crate::config::{Config, ImagesConfig};
use crate::content::load::{Entry, Failure, ImageRef, Item, LoadedArticle, Picture};
use crate::fs::{self, Stamp};
use crate::hash::hash_of;

/// Where the versions and their index are kept, under the site root (the build cache folder).
const CACHE: &str = ".broadsheet-cache/images";
/// Where the versions are published, under the output folder.
const OUT: &str = "images";

/// What attaching pictures did.
#[derive(Debug, Default)]
pub(crate) struct Attached {
    /// Articles whose pictures changed (their pages must be rendered again).
    pub(crate) changed: Vec<PathBuf>,
    /// Articles with a missing or unreadable image.
    pub(crate) failures: Vec<Failure>,
    /// Images whose versions were made in this run.
    pub(crate) encoded: usize,
    /// Images whose versions were already in the cache.
    pub(crate) reused: usize,
}

/// One published version: where it goes under the output folder and where the cache has it.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub(crate) path: String,
    pub(crate) cached: PathBuf,
    /// Changes when the bytes do (the picture's key names the bytes).
    pub(crate) hash: u64,
}

/// The versions of one image, as the cache's `<key>.json` records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Meta {
    widths: Vec<u32>,
    width: u32,
    height: u32,
}

/// The cache's `index.json`: each source file's stamp and the hash of its bytes, so an
/// unchanged file is not even read again.
type Index = BTreeMap<PathBuf, (Stamp, u64)>;

/// The root-relative URL of one version (`/images/<key>-960.webp`).
pub(crate) fn version_url(key: u64, width: u32, format: &str) -> String {
    format!("/{OUT}/{}", version_name(key, width, format))
}

fn version_name(key: u64, width: u32, format: &str) -> String {
    let ext = if format == "jpeg" { "jpg" } else { format };
    format!("{key:016x}-{width}.{ext}")
}

/// Makes (or finds in the cache) the versions of every image the loaded articles reference
/// and attaches them to the articles in `files` whose pictures changed.
pub(crate) fn attach(config: &Config, files: &mut BTreeMap<PathBuf, Entry>) -> Attached {
    let cache = config.root.join(CACHE);
    let mut index = read_index(&cache);
    let wanted = wanted_sources(config, files);
    let sources: Vec<&PathBuf> = {
        let mut all: Vec<&PathBuf> =
            wanted.iter().flat_map(|(_, refs)| refs).filter_map(|(_, s)| s.as_ref().ok()).collect();
        all.sort();
        all.dedup();
        all
    };
    let made: Vec<(PathBuf, Result<Made, String>)> = sources
        .par_iter()
        .map(|source| ((*source).clone(), made_or_cached(config, &cache, source, &index)))
        .collect();
    let mut attached = Attached::default();
    let mut by_source = HashMap::new();
    for (source, result) in made {
        if let Ok(m) = &result {
            if m.encoded {
                attached.encoded += 1
            } else {
                attached.reused += 1
            }
            index.insert(source.clone(), (m.stamp, m.hash));
        }
        by_source.insert(source, result.map(|m| (m.key, m.meta)));
    }
    write_index(&cache, &index);
    for (path, refs) in wanted {
        let mut pictures = Vec::with_capacity(refs.len());
        for (image, source) in refs {
            match source
                .and_then(|s| by_source.get(&s).cloned().unwrap_or_else(|| Err("not made".into())))
            {
                Ok((key, meta)) => pictures.push(Picture {
                    src: image.src.clone(),
                    alt: image.alt.clone(),
                    key,
                    widths: meta.widths,
                    width: meta.width,
                    height: meta.height,
                }),
                Err(why) => attached.failures.push(Failure {
                    path: path.clone(),
                    error: anyhow!("line {}: image `{}`: {why}", image.line, image.src),
                }),
            }
        }
        set_pictures(files, &path, pictures, &mut attached.changed);
    }
    attached
}

/// One image reference of an article and its source file (or why there is none).
type Wanted = (ImageRef, Result<PathBuf, String>);

/// Each article with images, and for each image its source file (or why there is none).
fn wanted_sources(
    config: &Config,
    files: &BTreeMap<PathBuf, Entry>,
) -> Vec<(PathBuf, Vec<Wanted>)> {
    let mut wanted = Vec::new();
    for (path, (_, item)) in files {
        let Ok(Item::Article(article)) = item else { continue };
        if article.images.is_empty() && article.pictures.is_empty() {
            continue;
        }
        let refs =
            article.images.iter().map(|i| (i.clone(), source_of(config, path, &i.src))).collect();
        wanted.push((path.clone(), refs));
    }
    wanted
}

/// The file an article's image reference names: relative to the article's folder, inside
/// `content/`, and there.
fn source_of(config: &Config, article: &Path, src: &str) -> Result<PathBuf, String> {
    let resolved = resolve(article, src);
    let content = config.content_dir.strip_prefix(&config.root).unwrap_or(&config.content_dir);
    if !resolved.starts_with(content) {
        return Err(format!(
            "points outside `{}`; keep images beside the articles",
            content.display()
        ));
    }
    if !fs::exists(&config.root.join(&resolved)) {
        return Err(format!(
            "not found (looked for `{}`): put the file there, or correct the reference",
            resolved.display()
        ));
    }
    Ok(resolved)
}

/// `src` (`%20` read as a space, any query or fragment dropped) joined to the article's
/// folder, `..` resolved lexically.
fn resolve(article: &Path, src: &str) -> PathBuf {
    let folder = article.parent().unwrap_or(Path::new(""));
    let decoded = src.replace("%20", " ");
    let mut resolved = PathBuf::new();
    for part in folder.join(decoded.split(['?', '#']).next().unwrap_or_default()).components() {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            _ => {}
        }
    }
    resolved
}

/// An image's versions, known or made now.
struct Made {
    stamp: Stamp,
    hash: u64,
    key: u64,
    meta: Meta,
    encoded: bool,
}

fn made_or_cached(
    config: &Config,
    cache: &Path,
    source: &Path,
    index: &Index,
) -> Result<Made, String> {
    let full = config.root.join(source);
    let stamp = fs::stamp(&full).ok_or_else(|| format!("cannot read `{}`", source.display()))?;
    let mut bytes = None;
    let hash = match index.get(source) {
        Some((known, hash)) if *known == stamp => *hash,
        _ => {
            let read = fs::read(&full).map_err(|e| format!("{e:#}"))?;
            let hash = hash_of(&read[..]);
            bytes = Some(read);
            hash
        }
    };
    let key = hash_of(&(hash, &config.images));
    if let Some(meta) = cached_meta(cache, key, &config.images) {
        return Ok(Made { stamp, hash, key, meta, encoded: false });
    }
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => fs::read(&full).map_err(|e| format!("{e:#}"))?,
    };
    let meta = make_versions(cache, key, &bytes, &config.images)
        .map_err(|e| format!("cannot be read as an image ({e:#}); replace the file"))?;
    log::debug!("made the versions of `{}`", source.display());
    Ok(Made { stamp, hash, key, meta, encoded: true })
}

/// The cache's record of `key`, if every version it names is there.
fn cached_meta(cache: &Path, key: u64, config: &ImagesConfig) -> Option<Meta> {
    let text = fs::read_to_string(&cache.join(format!("{key:016x}.json"))).ok()?;
    let meta: Meta = serde_json::from_str(&text).ok()?;
    let all_there = meta
        .widths
        .iter()
        .all(|&w| config.formats.iter().all(|f| fs::exists(&cache.join(version_name(key, w, f)))));
    all_there.then_some(meta)
}

fn make_versions(cache: &Path, key: u64, bytes: &[u8], config: &ImagesConfig) -> Result<Meta> {
    let made = process::make(bytes, config)?;
    for version in &made.versions {
        fs::write_atomic(
            &cache.join(version_name(key, version.width, version.format)),
            &version.bytes,
        )?;
    }
    let meta = Meta { widths: made.widths, width: made.width, height: made.height };
    let Ok(json) = serde_json::to_string(&meta) else { bail!("cannot record the versions") };
    fs::write_atomic(&cache.join(format!("{key:016x}.json")), json.as_bytes())?;
    Ok(meta)
}

fn read_index(cache: &Path) -> Index {
    let Ok(text) = fs::read_to_string(&cache.join("index.json")) else { return Index::new() };
    let list: Vec<(PathBuf, Stamp, u64)> = serde_json::from_str(&text).unwrap_or_default();
    list.into_iter().map(|(path, stamp, hash)| (path, (stamp, hash))).collect()
}

/// Saves the index; a cache that cannot be written only costs reading the images next time.
fn write_index(cache: &Path, index: &Index) {
    let list: Vec<(&PathBuf, &Stamp, &u64)> = index.iter().map(|(p, (s, h))| (p, s, h)).collect();
    let saved = serde_json::to_string(&list)
        .map_err(anyhow::Error::from)
        .and_then(|json| fs::write_atomic(&cache.join("index.json"), json.as_bytes()));
    if let Err(error) = saved {
        log::warn!("cannot save the image cache index: {error:#}");
    }
}

/// Puts `pictures` into the article at `path` when they differ from what it has.
fn set_pictures(
    files: &mut BTreeMap<PathBuf, Entry>,
    path: &Path,
    pictures: Vec<Picture>,
    changed: &mut Vec<PathBuf>,
) {
    let Some((_, Ok(Item::Article(article)))) = files.get_mut(path) else { return };
    if article.pictures == pictures {
        return;
    }
    let mut updated = LoadedArticle::clone(article);
    updated.pictures = pictures;
    *article = Arc::new(updated);
    changed.push(path.to_path_buf());
}

/// Every version the loaded articles' pictures need, each once, sorted by output path.
pub(crate) fn versions(config: &Config, files: &BTreeMap<PathBuf, Entry>) -> Vec<Version> {
    let cache = config.root.join(CACHE);
    let mut out: BTreeMap<String, Version> = BTreeMap::new();
    for (_, item) in files.values() {
        let Ok(Item::Article(article)) = item else { continue };
        for picture in &article.pictures {
            for &w in &picture.widths {
                for format in &config.images.formats {
                    let name = version_name(picture.key, w, format);
                    let path = format!("{OUT}/{name}");
                    let hash = hash_of(&(picture.key, w, format));
                    out.entry(path.clone()).or_insert_with(|| Version {
                        path,
                        cached: cache.join(&name),
                        hash,
                    });
                }
            }
        }
    }
    out.into_values().collect()
}

/// Whether `relative` (to the site root) is an image file under `content/` (a change to it
/// re-makes the pictures of the articles that show it).
pub(crate) fn is_content_image(config: &Config, relative: &Path) -> bool {
    let content = config.content_dir.strip_prefix(&config.root).unwrap_or(&config.content_dir);
    relative.starts_with(content)
        && relative.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            matches!(e.as_str(), "jpg" | "jpeg" | "png" | "webp")
        })
}
