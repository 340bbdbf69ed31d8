//! The client-side search index (see docs/search.md for the format and how a query runs).
//!
//! Every article is tokenised once (see [`tokens`]) and its term list kept in [`SearchCache`]
//! by file, so a rebuild re-tokenises only the files that changed. The postings are sharded by
//! term hash: `search/t/N.json` (which documents hold each term, in which fields) and
//! `search/p/N.json` (where, for phrases); an edit re-assembles only the shards holding a
//! term of the edited article. Small files describe the documents: `search/d/N.json` (title,
//! URL, section, date, page for a block of documents) and `search/x/ID.txt` (the text an
//! excerpt is cut from, fetched only for a result shown). `search.json` says how many shards
//! there are and gives every document's section and date, for filtering before any fetch.
//!
//! It writes nothing itself: it hands the files to the build, which writes those that changed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;

use crate::hash::hash_of;
use crate::model::{Article, Site};

pub(crate) mod tokens;

use tokens::{BODY, DECK, TITLE, Terms};

/// Documents per metadata file `search/d/N.json`.
const BLOCK: usize = 64;
/// About how many postings one term shard holds: the shard count is the power of two that
/// keeps the average near this (a power of two changes only when the index doubles or halves,
/// so edits seldom re-shard).
const POSTINGS_PER_SHARD: usize = 12_000;
/// At least this many shards (log2), so that even a small site's edit rewrites few of them.
const MIN_SHARD_BITS: u32 = GROUP_BITS;
/// Shards are assembled in 2^GROUP_BITS parallel groups, each the terms whose key starts with
/// the same bits: a contiguous run of each document's sorted terms.
const GROUP_BITS: u32 = 6;
const GROUPS: usize = 1 << GROUP_BITS;

/// One file of the index: path under the output folder, bytes, and a hash of them.
pub(crate) struct SearchFile {
    pub(crate) path: String,
    pub(crate) text: Arc<str>,
    pub(crate) hash: u64,
}

impl SearchFile {
    fn new(path: String, text: String) -> SearchFile {
        let hash = hash_of(&text);
        SearchFile { path, text: text.into(), hash }
    }
}

impl Clone for SearchFile {
    fn clone(&self) -> SearchFile {
        SearchFile { path: self.path.clone(), text: Arc::clone(&self.text), hash: self.hash }
    }
}

/// One article as the index sees it: its terms and the text excerpts are cut from.
#[derive(Debug)]
pub(crate) struct Doc {
    file_hash: u64,
    terms: Terms,
    /// Where each group's terms start in `terms` (and, last, the end).
    groups: Vec<u32>,
    text: Arc<str>,
    text_hash: u64,
}

/// What earlier builds of this process indexed: each file's terms, and the shards assembled
/// last time with the documents they were made from.
#[derive(Default)]
pub(crate) struct SearchCache {
    docs: HashMap<PathBuf, Arc<Doc>>,
    last: Option<Assembled>,
    /// The [`input_key`] of the index last generated or kept.
    key: u64,
    /// The metadata files last made, with the hash of what each was made from.
    blocks: Vec<(u64, SearchFile)>,
}

impl SearchCache {
    /// The [`input_key`] of the index last generated or kept (saved with the signatures).
    pub(crate) fn key(&self) -> u64 {
        self.key
    }
}

/// What the last build wrote, from the build cache.
pub(crate) struct Written<'a> {
    /// The [`input_key`] the index in the output folder was made from (0: unknown).
    pub(crate) key: u64,
    /// The hash of every generated file as written, by path under the output folder.
    pub(crate) hashes: &'a BTreeMap<String, u64>,
    pub(crate) output_dir: &'a Path,
}

/// At most this many changed documents go in `search/delta.json` before the shards are
/// assembled again (a watch session's edits; each costs the browser a little on every query).
const MAX_DELTA: usize = 64;

/// Bumped whenever the index's format or tokenising changes, so an old index is not kept.
const FORMAT: u32 = 1;

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchCache({} documents)", self.docs.len())
    }
}

/// The postings shards as last assembled, and the documents (by id) they were made from.
struct Assembled {
    docs: Vec<Arc<Doc>>,
    bits: u32,
    terms: Vec<SearchFile>,
    positions: Vec<SearchFile>,
}

/// Every file of the search index for `site`, reusing what `cache` holds; when this process
/// has made none yet and the output folder holds an index made from the same inputs, that
/// one is kept as it is (a no-op build tokenises nothing).
pub(crate) fn generate(
    site: &Site,
    cache: &mut SearchCache,
    written: &Written<'_>,
) -> Vec<SearchFile> {
    let key = input_key(site);
    if cache.last.is_none()
        && written.key == key
        && let Some(files) = kept(written)
    {
        cache.key = key;
        return files;
    }
    cache.key = key;
    let started = std::time::Instant::now();
    let docs = documents(site, &cache.docs);
    cache.docs = site
        .articles
        .iter()
        .zip(docs.iter().rev())
        .map(|(a, d)| (a.data.path.clone(), Arc::clone(d)))
        .collect();
    log::debug!("search: documents after {:?}", started.elapsed());
    let bits = shard_bits(&docs);
    let mut files = Vec::new();
    let changed = cache.last.as_ref().and_then(|last| changed_since(last, &docs, bits));
    let delta = match (&changed, &cache.last) {
        (Some(changed), Some(last)) => {
            files.extend(last.terms.iter().chain(&last.positions).cloned());
            (!changed.is_empty()).then(|| delta_file(&docs, changed))
        }
        _ => {
            let dirty = dirty_shards(&docs, bits, cache.last.as_ref());
            let (terms, positions) = postings(&docs, bits, &dirty, cache.last.take());
            files.extend(terms.iter().chain(&positions).cloned());
            cache.last = Some(Assembled { docs: docs.clone(), bits, terms, positions });
            None
        }
    };
    log::debug!("search: postings after {:?}", started.elapsed());
    let delta_docs = changed.as_ref().map_or(0, Vec::len);
    files.push(manifest(site, bits, delta_docs));
    files.extend(delta);
    files.push(SearchFile::new("search/fold.json".to_owned(), FOLD_JSON.clone()));
    cache.blocks = metadata_blocks(site, &cache.blocks);
    files.extend(cache.blocks.iter().map(|(_, file)| file.clone()));
    files.extend(docs.iter().enumerate().map(|(id, doc)| SearchFile {
        path: format!("search/x/{id}.txt"),
        text: Arc::clone(&doc.text),
        hash: doc.text_hash,
    }));
    files
}

/// The ids of the documents that changed since the shards were assembled, when they are few
/// enough for `search/delta.json` and the documents and shards are otherwise the same.
fn changed_since(last: &Assembled, docs: &[Arc<Doc>], bits: u32) -> Option<Vec<u32>> {
    if last.bits != bits || last.docs.len() != docs.len() {
        return None;
    }
    let pairs = last.docs.iter().zip(docs).enumerate();
    let changed: Vec<u32> =
        pairs.filter(|(_, (old, new))| !Arc::ptr_eq(old, new)).map(|(id, _)| id as u32).collect();
    (changed.len() <= MAX_DELTA).then_some(changed)
}

/// `search/delta.json`: the documents edited since the shards were assembled (`ids`, as
/// gaps) and their terms (`t`) and positions (`p`), encoded like one shard. The browser drops
/// these ids from what the shards say and takes them from here.
fn delta_file(docs: &[Arc<Doc>], changed: &[u32]) -> SearchFile {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for &id in changed {
        let terms = &docs[id as usize].terms;
        for (i, &key) in terms.keys().iter().enumerate() {
            entries.push((key, terms.text(i), id, terms.fields(i), terms.positions(i)));
        }
    }
    sort_postings(&mut entries);
    let (terms, positions) = encode_shard(&entries, docs.len());
    let text = format!("{{\"ids\":\"{}\",\"t\":{terms},\"p\":{positions}}}", deltas(changed));
    SearchFile::new("search/delta.json".to_owned(), text)
}

/// What the index is made from: each article's file, URL, section and issue date, in id
/// order, and the sections.
fn input_key(site: &Site) -> u64 {
    let rows: Vec<(u64, &str, Option<usize>, chrono::NaiveDate)> = site
        .articles
        .iter()
        .map(|a| (a.data.file_hash, a.url.as_str(), a.section, site.issues[a.issue].date))
        .collect();
    let sections: Vec<&str> = site.sections.iter().map(|s| s.name.as_str()).collect();
    hash_of(&(FORMAT, rows, sections)).max(1)
}

/// The index files the last build wrote, with their hashes and no bytes, if every one is
/// still in the output folder (the build compares hashes, so it writes none of them).
fn kept(written: &Written<'_>) -> Option<Vec<SearchFile>> {
    let ours = written.hashes.iter().filter(|(path, _)| is_index_file(path));
    let files: Vec<SearchFile> = ours
        .map(|(path, &hash)| SearchFile { path: path.clone(), text: Arc::from(""), hash })
        .collect();
    let present = files.par_iter().all(|f| crate::fs::exists(&written.output_dir.join(&f.path)));
    (present && files.iter().any(|f| f.path == "search.json")).then_some(files)
}

/// Whether a generated file is part of the index.
fn is_index_file(path: &str) -> bool {
    path == "search.json" || path.starts_with("search/")
}

/// Each article's document, by id: ids run from the oldest article (0) to the newest, so a new
/// issue adds ids without moving the others. Unchanged files keep their cached terms.
fn documents(site: &Site, known: &HashMap<PathBuf, Arc<Doc>>) -> Vec<Arc<Doc>> {
    let articles: Vec<&Article> = site.articles.iter().rev().collect();
    articles
        .par_iter()
        .map(|article| match known.get(&article.data.path) {
            Some(doc) if doc.file_hash == article.data.file_hash => Arc::clone(doc),
            _ => Arc::new(tokenise(article)),
        })
        .collect()
}

fn tokenise(article: &Article) -> Doc {
    let data = &article.data;
    let deck = [data.kicker.as_deref(), data.subtitle.as_deref()];
    let deck: Vec<&str> = deck.into_iter().flatten().collect();
    let deck = deck.join("\n");
    let terms = tokens::article_terms(&[
        (TITLE, data.title.as_str()),
        (DECK, deck.as_str()),
        (BODY, data.search_text.as_str()),
    ]);
    let text: Arc<str> = data.search_text.as_str().into();
    let groups = (0..=GROUPS)
        .map(|g| terms.keys().partition_point(|&k| ((k >> (32 - GROUP_BITS)) as usize) < g) as u32)
        .collect();
    Doc { file_hash: data.file_hash, terms, groups, text_hash: hash_of(&*text), text }
}

/// log2 of the number of term shards.
fn shard_bits(docs: &[Arc<Doc>]) -> u32 {
    let postings: usize = docs.iter().map(|d| d.terms.len()).sum();
    let bits = (postings / POSTINGS_PER_SHARD).max(1).next_power_of_two().trailing_zeros();
    bits.max(MIN_SHARD_BITS)
}

/// The shard a term key falls in.
fn shard_of(key: u32, bits: u32) -> usize {
    if bits == 0 { 0 } else { (key >> (32 - bits)) as usize }
}

/// Which shards must be assembled again: all of them unless the last assembly had the same
/// shards and documents, else those holding a term of a document that changed.
fn dirty_shards(docs: &[Arc<Doc>], bits: u32, last: Option<&Assembled>) -> Vec<bool> {
    let count = 1_usize << bits;
    let Some(last) = last.filter(|l| l.bits == bits && l.docs.len() == docs.len()) else {
        return vec![true; count];
    };
    let mut dirty = vec![false; count];
    for (old, new) in last.docs.iter().zip(docs) {
        if !Arc::ptr_eq(old, new) {
            for &key in old.terms.keys().iter().chain(new.terms.keys()) {
                dirty[shard_of(key, bits)] = true;
            }
        }
    }
    dirty
}

/// The term and position shards, assembled again where `dirty`, else taken from `last`.
fn postings(
    docs: &[Arc<Doc>],
    bits: u32,
    dirty: &[bool],
    last: Option<Assembled>,
) -> (Vec<SearchFile>, Vec<SearchFile>) {
    let count = 1_usize << bits;
    let per_group = count / GROUPS;
    let assembled: Vec<Vec<(usize, SearchFile, SearchFile)>> = (0..GROUPS)
        .into_par_iter()
        .map(|group| {
            let first = group * per_group;
            let wanted: Vec<usize> = (first..first + per_group).filter(|&s| dirty[s]).collect();
            assemble_group(docs, bits, group, per_group, &wanted)
        })
        .collect();
    let (mut terms, mut positions) = match last {
        Some(last) if last.terms.len() == count => (last.terms, last.positions),
        _ => (Vec::new(), Vec::new()),
    };
    if terms.len() != count {
        terms = (0..count)
            .map(|s| SearchFile::new(format!("search/t/{s}.json"), String::new()))
            .collect();
        positions = terms.clone();
    }
    for (shard, term_file, position_file) in assembled.into_iter().flatten() {
        terms[shard] = term_file;
        positions[shard] = position_file;
    }
    (terms, positions)
}

/// One posting: term key and text, document id, fields, positions.
type Entry<'a> = (u32, &'a str, u32, u8, &'a [u32]);

/// Assembles the `wanted` shards of `group` (`len` shards).
fn assemble_group(
    docs: &[Arc<Doc>],
    bits: u32,
    group: usize,
    len: usize,
    wanted: &[usize],
) -> Vec<(usize, SearchFile, SearchFile)> {
    if wanted.is_empty() {
        return Vec::new();
    }
    let first = group * len;
    let mut buckets: Vec<Vec<Entry<'_>>> = vec![Vec::new(); len];
    let mut is_wanted = vec![false; len];
    for &shard in wanted {
        is_wanted[shard - first] = true;
    }
    for (id, doc) in docs.iter().enumerate() {
        let (from, to) = (doc.groups[group] as usize, doc.groups[group + 1] as usize);
        let terms = &doc.terms;
        for i in from..to {
            let key = terms.keys()[i];
            let at = shard_of(key, bits) - first;
            if is_wanted[at] {
                buckets[at].push((
                    key,
                    terms.text(i),
                    id as u32,
                    terms.fields(i),
                    terms.positions(i),
                ));
            }
        }
    }
    let total = docs.len();
    wanted
        .iter()
        .map(|&shard| {
            let bucket = &mut buckets[shard - first];
            sort_postings(bucket);
            let (terms, positions) = encode_shard(bucket, total);
            (
                shard,
                SearchFile::new(format!("search/t/{shard}.json"), terms),
                SearchFile::new(format!("search/p/{shard}.json"), positions),
            )
        })
        .collect()
}

/// Sorts a shard's postings by term, keeping each term's in id order (both sorts are
/// stable): by key first, which is cheap, then by text where two terms share a key.
fn sort_postings(bucket: &mut [Entry<'_>]) {
    bucket.sort_by_key(|e| e.0);
    for run in bucket.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.iter().any(|e| !same_text(e.1, run[0].1)) {
            run.sort_by(|a, b| a.1.cmp(b.1));
        }
    }
}

/// `a == b`, without a call to `memcmp` for the short texts most terms are (one or two CJK
/// characters): compared tens of millions of times at 10,000 articles.
fn same_text(a: &str, b: &str) -> bool {
    fn word(text: &[u8]) -> u64 {
        let mut bytes = [0_u8; 8];
        bytes[..text.len()].copy_from_slice(text);
        u64::from_le_bytes(bytes)
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && if a.len() <= 8 { word(a) == word(b) } else { a == b }
}

/// A shard's two files: `{"term": [docs, title docs, deck docs]}` (trailing empty lists left
/// out) and `{"term": "positions"}` for the terms that have positions. `entries` are sorted
/// by term, then document.
fn encode_shard(entries: &[Entry<'_>], total: usize) -> (String, String) {
    let mut terms = String::from("{");
    let mut positions = b"{".to_vec();
    for postings in entries.chunk_by(|a, b| a.0 == b.0 && same_text(a.1, b.1)) {
        let name = serde_json::to_string(postings[0].1).unwrap_or_default();
        if terms.len() > 1 {
            terms.push(',');
        }
        let ids: Vec<u32> = postings.iter().map(|p| p.2).collect();
        let _ = write!(terms, "{name}:[\"{}\"", doc_list(&ids, total));
        let in_field = |field: u8| -> Vec<u32> {
            postings.iter().filter(|p| p.3 & field != 0).map(|p| p.2).collect()
        };
        let (title, deck) = (in_field(TITLE), in_field(DECK));
        if !title.is_empty() || !deck.is_empty() {
            let _ = write!(terms, ",\"{}\"", deltas(&title));
        }
        if !deck.is_empty() {
            let _ = write!(terms, ",\"{}\"", deltas(&deck));
        }
        terms.push(']');
        if postings.iter().any(|p| !p.4.is_empty()) {
            if positions.len() > 1 {
                positions.push(b',');
            }
            positions.extend_from_slice(name.as_bytes());
            positions.extend_from_slice(b":\"");
            for (i, posting) in postings.iter().enumerate() {
                if i > 0 {
                    positions.push(b';');
                }
                push_deltas_bytes(&mut positions, posting.4);
            }
            positions.push(b'"');
        }
    }
    terms.push('}');
    positions.push(b'}');
    // Only ASCII and the (valid) term names went in.
    (terms, String::from_utf8(positions).unwrap_or_default())
}

/// A sorted list of document ids: base-36 gaps joined by `,`, or, when that would be longer,
/// `~` and a bitmap of all documents in base64 (bit `i % 8` of byte `i / 8` is document `i`).
fn doc_list(ids: &[u32], total: usize) -> String {
    let bitmap_len = total.div_ceil(8).div_ceil(3) * 4 + 1;
    if ids.len() * 2 > bitmap_len {
        let mut bytes = vec![0_u8; total.div_ceil(8)];
        for &id in ids {
            bytes[id as usize / 8] |= 1 << (id % 8);
        }
        return format!("~{}", base64(&bytes));
    }
    deltas(ids)
}

/// Base-36 gaps between sorted numbers (the first from 0), joined by `,`.
fn deltas(numbers: &[u32]) -> String {
    let mut out = String::with_capacity(numbers.len() * 3);
    push_deltas(&mut out, numbers);
    out
}

/// Appends [`deltas`] of `numbers` to `out`.
fn push_deltas(out: &mut String, numbers: &[u32]) {
    let mut previous = 0;
    for (i, &n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_base36(out, n - previous);
        previous = n;
    }
}

/// [`push_deltas`] into bytes (the position lists, the bulk of the index).
fn push_deltas_bytes(out: &mut Vec<u8>, numbers: &[u32]) {
    let mut previous = 0;
    for (i, &n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_base36_bytes(out, n - previous);
        previous = n;
    }
}

fn push_base36_bytes(out: &mut Vec<u8>, mut n: u32) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0_u8; 8];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

fn push_base36(out: &mut String, mut n: u32) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0_u8; 8];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[at..].iter().map(|&b| b as char));
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0_u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `search.json`: the shard count, the sections and each document's section (one character,
/// `0` + the section's number, `-` for none), the first id of each issue date, and how many
/// documents `search/delta.json` holds (0: there is none).
fn manifest(site: &Site, bits: u32, delta: usize) -> SearchFile {
    let docs: Vec<&Article> = site.articles.iter().rev().collect();
    let sections: Vec<&str> = site.sections.iter().map(|s| s.name.as_str()).collect();
    let doc_sections: String = docs
        .iter()
        .map(|a| a.section.and_then(|s| char::from_u32(48 + s as u32)).unwrap_or('-'))
        .collect();
    let mut dates: Vec<(usize, String)> = Vec::new();
    for (id, article) in docs.iter().enumerate() {
        let date = site.issues[article.issue].date.to_string();
        if dates.last().is_none_or(|(_, last)| *last != date) {
            dates.push((id, date));
        }
    }
    let manifest = serde_json::json!({
        "version": 3,
        "docs": docs.len(),
        "shardBits": bits,
        "block": BLOCK,
        "sections": sections,
        "docSections": doc_sections,
        "dates": dates,
        "delta": delta,
    });
    SearchFile::new("search.json".to_owned(), manifest.to_string())
}

/// `search/d/N.json`: for documents `N * BLOCK` on, `[title, url, section, date, page]` each.
/// A block whose rows are those `known` was made from is reused.
fn metadata_blocks(site: &Site, known: &[(u64, SearchFile)]) -> Vec<(u64, SearchFile)> {
    let docs: Vec<&Article> = site.articles.iter().rev().collect();
    docs.par_chunks(BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let rows: Vec<_> = chunk.iter().map(|a| metadata_row(a, site)).collect();
            let key = hash_of(&rows);
            if let Some((old, file)) = known.get(block)
                && *old == key
            {
                return (key, file.clone());
            }
            let values: Vec<serde_json::Value> = rows
                .iter()
                .map(|(title, url, section, date, page)| {
                    serde_json::json!([title, url, section, date.to_string(), page])
                })
                .collect();
            let text = serde_json::Value::Array(values).to_string();
            (key, SearchFile::new(format!("search/d/{block}.json"), text))
        })
        .collect()
}

/// A document's `[title, url, section, date, page]`.
fn metadata_row<'a>(
    a: &'a Article,
    site: &'a Site,
) -> (&'a str, &'a str, Option<&'a str>, chrono::NaiveDate, Option<&'a str>) {
    let section = a.section.map(|s| site.sections[s].name.as_str());
    (&a.data.title, &a.url, section, site.issues[a.issue].date, a.data.page.as_deref())
}

/// `search/fold.json`: the traditional → simplified table, as one string of pairs.
static FOLD_JSON: LazyLock<String> = LazyLock::new(|| {
    let pairs: String = tokens::fold_table().into_iter().flat_map(|(a, b)| [a, b]).collect();
    serde_json::Value::String(pairs).to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_lists_become_bitmaps_and_sparse_ones_gaps() {
        assert_eq!(doc_list(&[3, 40, 41], 1000), "3,11,1");
        assert_eq!(doc_list(&[0, 1, 2, 9], 10), "~BwI=");
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
    }
}
