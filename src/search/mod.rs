//! The client-side search index (see docs/search.md for the format and how a query runs).
//!
//! The postings are sharded by term hash: `search/t/N.json` (which documents hold each term,
//! in which fields, and where its positions are) and `search/p/N.txt` (the positions, fetched
//! by byte range for phrases only). Blocks of documents have one file each:
//! `search/d/N.json` (title, URL, section, date, page, and where the text is) and
//! `search/x/N.txt` (the texts excerpts are cut from, fetched by byte range for the results
//! shown). `search.json` says how many shards there are and gives every document's section
//! and date, for filtering before any fetch.
//!
//! A clean build tokenises every article in parallel and assembles the shards by term in
//! parallel. What the shards were made from is kept with the build's signatures
//! ([`Record`]); a later build whose articles are the same files keeps every shard as it is.
//! A watch update whose articles are the same files in the same order except a few edited
//! ones keeps the shards too and writes those articles' texts to `search/delta.json`, which
//! the browser indexes itself: an edit tokenises nothing and rewrites no shard. Past
//! [`MAX_DELTA_BYTES`] of edited text, when articles are added, removed or reordered, and in
//! every whole build (`build`, `watch`'s first), the shards are assembled again: what `build`
//! writes is what a clean build writes.
//!
//! It writes nothing itself: it hands the files to the build, which writes those that changed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hash::hash_of;
use crate::model::{Article, Site};

pub(crate) mod tokens;

use tokens::{BODY, DECK, FxMap, LONG, TITLE};

/// Documents per metadata file `search/d/N.json` (a result shown fetches its block, so it is
/// kept small).
const META_BLOCK: usize = 64;
/// Documents per text file `search/x/N.txt` (fetched by byte range, so its size costs a query
/// nothing; a watch edit rewrites one).
const TEXT_BLOCK: usize = 256;
/// About how many postings one term shard holds: the shard count is the power of two that
/// keeps the average near this. At 10,000 articles that is 512 shards, a term file of about
/// 11 KB on average: a two-character query fetches one.
const POSTINGS_PER_SHARD: usize = 40_000;
/// The shards are assembled in 2^TASK_BITS parallel tasks, each the keys starting with the
/// same bits; there are at least as many shards.
const TASK_BITS: u32 = 6;
const TASKS: usize = 1 << TASK_BITS;
/// At most this many bytes of edited articles' text go in `search/delta.json` (fetched with
/// the first query: it must stay well inside the first query's 300 KB) before the shards
/// are assembled again.
const MAX_DELTA_BYTES: usize = 64 * 1024;
/// Bumped whenever the index's format or tokenising changes, so old shards are not kept.
const FORMAT: u32 = 2;

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

/// What the index in the output folder was made from, saved with the build's signatures so
/// that the next build (in this process or another) keeps what is still right.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The hash of [`FORMAT`] and every document's path in id order (0: no index).
    ids: u64,
    /// log2 of the shard count.
    bits: u32,
    /// By document id: the hash of the article file the shards were assembled from.
    made_from: Vec<u64>,
    /// By metadata block: the hash of its rows.
    meta: Vec<u64>,
    /// By text block: the hash of its articles' file hashes.
    texts: Vec<u64>,
}

/// The record of the index last generated, waiting to be saved with the signatures once
/// the build is written.
#[derive(Debug, Default)]
pub(crate) struct SearchCache {
    pending: Record,
}

impl SearchCache {
    /// The record of the index last generated (see [`Record`]).
    pub(crate) fn record(&self) -> Record {
        self.pending.clone()
    }
}

/// What the last build wrote, from the build's signatures.
pub(crate) struct Written<'a> {
    /// What the index in the output folder was made from.
    pub(crate) record: &'a Record,
    /// The hash of every generated file as written, by path under the output folder.
    pub(crate) hashes: &'a BTreeMap<String, u64>,
    pub(crate) output_dir: &'a Path,
    /// A whole build (`build`, and `watch`'s first): a kept file must be checked to be still
    /// in the output folder (someone may have deleted it; a watch update wrote it itself),
    /// and edited articles are assembled into the shards rather than sent as a delta, so that
    /// what a whole build writes depends only on the content, never on the builds before it.
    pub(crate) whole: bool,
}

impl Written<'_> {
    /// `path` as last written (its hash, no bytes: the build compares hashes and writes
    /// nothing), if it is still there.
    fn kept(&self, path: String) -> Option<SearchFile> {
        let hash = *self.hashes.get(&path)?;
        let present = !self.whole || crate::fs::exists(&self.output_dir.join(&path));
        present.then(|| SearchFile { path, text: Arc::from(""), hash })
    }
}

/// Every file of the search index for `site`, keeping what the output already holds.
pub(crate) fn generate(
    site: &Site,
    cache: &mut SearchCache,
    written: &Written<'_>,
) -> Vec<SearchFile> {
    let started = std::time::Instant::now();
    // Ids run from the oldest article (0) to the newest: a new issue moves no old id.
    let docs: Vec<&Article> = site.articles.iter().rev().collect();
    let mut record = Record { ids: ids_key(&docs), ..Record::default() };
    let mut files = Vec::new();
    let delta = match edited_since_assembly(&docs, written, record.ids) {
        Some((edited, shards)) => {
            record.bits = written.record.bits;
            record.made_from = written.record.made_from.clone();
            files.extend(shards);
            edited
        }
        None => {
            let (bits, shards) = assemble_all(&docs);
            log::debug!("search: {} shards assembled after {:?}", 1 << bits, started.elapsed());
            record.bits = bits;
            record.made_from = docs.iter().map(|a| a.data.file_hash).collect();
            files.extend(shards);
            Vec::new()
        }
    };
    files.push(manifest(site, &docs, record.bits, delta.len()));
    if !delta.is_empty() {
        files.push(delta_file(&docs, &delta));
    }
    files.push(SearchFile { path: "search/fold.json".to_owned(), ..FOLD.clone() });
    let (meta, meta_files) = metadata_blocks(site, &docs, written);
    let (texts, text_files) = text_blocks(&docs, written);
    files.extend(meta_files);
    files.extend(text_files);
    record.meta = meta;
    record.texts = texts;
    cache.pending = record;
    log::debug!("search: {} files after {:?}", files.len(), started.elapsed());
    files
}

/// What the shards' document ids stand for.
fn ids_key(docs: &[&Article]) -> u64 {
    let paths: Vec<&Path> = docs.iter().map(|a| a.data.path.as_path()).collect();
    hash_of(&(FORMAT, paths)).max(1)
}

/// When the shards in the output were made from these documents except a few edited ones
/// (at most [`MAX_DELTA_BYTES`] of their text): the edited ids and the kept shard files.
fn edited_since_assembly(
    docs: &[&Article],
    written: &Written<'_>,
    ids: u64,
) -> Option<(Vec<u32>, Vec<SearchFile>)> {
    let record = written.record;
    if record.ids != ids || record.made_from.len() != docs.len() {
        return None;
    }
    let edited: Vec<u32> = (0..docs.len())
        .filter(|&id| docs[id].data.file_hash != record.made_from[id])
        .map(|id| id as u32)
        .collect();
    if written.whole && !edited.is_empty() {
        return None;
    }
    let bytes: usize = edited.iter().map(|&id| delta_len(docs[id as usize])).sum();
    if bytes > MAX_DELTA_BYTES {
        return None;
    }
    let shards = (0..1_usize << record.bits)
        .flat_map(|s| [format!("search/t/{s}.json"), format!("search/p/{s}.txt")])
        .map(|path| written.kept(path))
        .collect::<Option<Vec<SearchFile>>>()?;
    Some((edited, shards))
}

/// An article's deck: kicker and subtitle, a line apart.
fn deck(article: &Article) -> String {
    let data = &article.data;
    let parts = [data.kicker.as_deref(), data.subtitle.as_deref()];
    parts.into_iter().flatten().collect::<Vec<&str>>().join("\n")
}

fn delta_len(article: &Article) -> usize {
    let data = &article.data;
    let deck =
        data.kicker.as_ref().map_or(0, String::len) + data.subtitle.as_ref().map_or(0, String::len);
    data.title.len() + deck + data.search_text.len()
}

/// `search/delta.json`: `{"docs": [[id, title, deck, body], …]}` for the articles edited since
/// the shards were assembled. The browser tokenises them as the build does, drops these ids
/// from what the shards say and takes them from here.
fn delta_file(docs: &[&Article], edited: &[u32]) -> SearchFile {
    let rows: Vec<serde_json::Value> = edited
        .iter()
        .map(|&id| {
            let data = &docs[id as usize].data;
            serde_json::json!([id, data.title, deck(docs[id as usize]), data.search_text])
        })
        .collect();
    let text = serde_json::json!({ "docs": rows }).to_string();
    SearchFile::new("search/delta.json".to_owned(), text)
}

/// Tokenises every document and assembles every shard: log2 of the shard count, and the
/// shard files. Documents are tokenised in parallel runs; each run scatters its terms into
/// one bucket per range of keys (its documents' terms are sorted by key, so each goes in
/// as a slice), and the term lists are dropped. Each range is then assembled from its
/// buckets, in document order, reading only its own memory.
fn assemble_all(docs: &[&Article]) -> (u32, Vec<SearchFile>) {
    let started = std::time::Instant::now();
    let run = docs.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    let sizing = Sizing::measure(docs);
    let (runs, singles): (Vec<Vec<Bucket>>, Vec<Singles>) = docs
        .par_chunks(run)
        .enumerate()
        .map(|(n, chunk)| scatter(chunk, (n * run) as u32, &sizing))
        .unzip();
    let single_postings: usize = singles.iter().flat_map(|s| &s.lists).map(|l| l.docs.len()).sum();
    let postings = single_postings + runs.iter().flatten().map(|b| b.keys.len()).sum::<usize>();
    let spare: usize = runs.iter().flatten().map(|b| b.keys.capacity() - b.keys.len()).sum();
    log::debug!(
        "search: tokenised {postings} postings ({spare} allocated spare) in {:?}",
        started.elapsed()
    );
    let bits = shard_bits(postings);
    let count = 1_usize << bits;
    let per_task = count / TASKS;
    let singles = merge_singles(singles, bits);
    // Each task's buckets are dropped once its shards are made, and the shards become shared
    // text there: the postings and the finished shards are never all held at once.
    let mut tasks: Vec<Vec<Bucket>> = (0..TASKS).map(|_| Vec::with_capacity(runs.len())).collect();
    for run in runs {
        for (task, bucket) in run.into_iter().enumerate() {
            tasks[task].push(bucket);
        }
    }
    let shards: Vec<(Arc<str>, Arc<str>)> = tasks
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(task, buckets)| {
            let buckets: Vec<&Bucket> = buckets.iter().collect();
            let first = task * per_task;
            let singles = &singles[first..first + per_task];
            let shards = assemble_task(&buckets, singles, docs.len(), bits, first);
            shards.into_iter().map(|(t, p)| (Arc::from(t), Arc::from(p))).collect::<Vec<_>>()
        })
        .collect();
    // The shards' bytes follow from the documents: their hash is made from those (hashing
    // 57 MB of shards at 10,000 articles would cost more than some of the steps above).
    let made_from: Vec<u64> = docs.iter().map(|a| a.data.file_hash).collect();
    let inputs = hash_of(&(FORMAT, ids_key(docs), bits, made_from));
    let files = shards
        .into_iter()
        .enumerate()
        .flat_map(|(s, (terms, positions))| {
            let hash = |kind: &str| hash_of(&(inputs, kind, s));
            [
                SearchFile { path: format!("search/t/{s}.json"), text: terms, hash: hash("t") },
                SearchFile { path: format!("search/p/{s}.txt"), text: positions, hash: hash("p") },
            ]
        })
        .collect();
    (bits, files)
}

/// The postings of a run of documents whose keys fall in one of the [`TASKS`] ranges, in
/// document order: posting `j` has a sort key (term key << 32 | code), fields, and a number of
/// positions, which follow those of the postings before it. Packed (13 bytes a posting and 4 a
/// position, against 21 with a document and a start each): at 10,000 articles there are 11
/// million besides the single characters', and first touching their memory was a tenth of
/// the index's time.
#[derive(Default)]
struct Bucket {
    keys: Vec<u64>,
    /// By posting: its fields (low 3 bits) and how many positions it has (high 5 bits; at
    /// least [`MANY`] when that is `MANY`: see `many`).
    meta: Vec<u8>,
    positions: Vec<u32>,
    /// (first posting, document) of each document with postings here, in order.
    docs: Vec<(u32, u32)>,
    /// (posting, number of positions) of each posting with [`MANY`] positions or more.
    many: Vec<(u32, u32)>,
    /// The text of each posting whose code is [`LONG`], by posting index, sorted.
    long: Vec<(u32, Box<str>)>,
}

/// Appends a posting's positions: most have one or two, which are pushed (a profile of the
/// 10k corpus showed the memcpy call of a slice copy costing more than the pushes).
fn push_positions(to: &mut Vec<u32>, positions: &[u32]) {
    match positions {
        [] => {}
        [one] => to.push(*one),
        [one, two] => {
            to.push(*one);
            to.push(*two);
        }
        more => to.extend_from_slice(more),
    }
}

/// A count of positions that does not fit in a posting's meta byte.
const MANY: u8 = 31;

/// One posting as [`Bucket::each`] hands it out.
struct Entry<'a> {
    j: usize,
    key: u64,
    doc: u32,
    fields: u8,
    positions: &'a [u32],
}

impl Bucket {
    fn with_capacity((postings, positions): (usize, usize)) -> Bucket {
        Bucket {
            keys: Vec::with_capacity(postings),
            meta: Vec::with_capacity(postings),
            positions: Vec::with_capacity(positions),
            ..Bucket::default()
        }
    }

    fn push(&mut self, doc: u32, term: &tokens::Term<'_>) {
        let j = self.keys.len() as u32;
        if self.docs.last().is_none_or(|&(_, last)| last != doc) {
            self.docs.push((j, doc));
        }
        if term.code == LONG {
            self.long.push((j, term.text.into()));
        }
        let count = term.positions.len();
        let coded = match u8::try_from(count) {
            Ok(small) if small < MANY => small,
            _ => {
                self.many.push((j, count as u32));
                MANY
            }
        };
        self.keys.push(u64::from(term.key) << 32 | u64::from(term.code));
        self.meta.push(term.fields | coded << 3);
        push_positions(&mut self.positions, term.positions);
    }

    /// Calls `found` with each posting, in order.
    fn each(&self, mut found: impl FnMut(Entry<'_>)) {
        let mut docs = self.docs.iter().peekable();
        let mut many = self.many.iter().peekable();
        let (mut doc, mut at) = (0, 0);
        for (j, (&key, &meta)) in self.keys.iter().zip(&self.meta).enumerate() {
            while let Some(&&(first, next)) = docs.peek()
                && first as usize <= j
            {
                doc = next;
                docs.next();
            }
            let mut count = usize::from(meta >> 3);
            if meta >> 3 == MANY
                && let Some(&(_, big)) = many.next()
            {
                count = big as usize;
            }
            let positions = &self.positions[at..at + count];
            at += count;
            found(Entry { j, key, doc, fields: meta & 7, positions });
        }
    }

    fn long_text(&self, j: usize) -> &str {
        let at = self.long.binary_search_by_key(&(j as u32), |(index, _)| *index);
        at.map_or("", |at| &self.long[at].1)
    }
}

/// How the postings and positions of a run of documents spread over the task ranges, per
/// byte of text, measured on a sample of the documents: each bucket is then allocated once at
/// about the size it grows to. The ranges differ by up to 2× (frequent terms fall where their
/// hash puts them), so one rate for all would leave a third of the memory spare or grow and
/// copy the larger buckets.
struct Sizing {
    /// By task: postings per byte of text, then positions per byte.
    rates: Vec<(f64, f64)>,
}

/// Documents tokenised to measure a [`Sizing`] (about 1 % of a 10,000-article build).
const SIZING_SAMPLE: usize = 128;

impl Sizing {
    fn measure(docs: &[&Article]) -> Sizing {
        // Without a sample: about 0.28 postings and 0.28 positions per byte of CJK text.
        let even = (0.3 / TASKS as f64, 0.3 / TASKS as f64);
        let mut sizing = Sizing { rates: vec![even; TASKS] };
        if docs.len() < 4 * SIZING_SAMPLE {
            return sizing;
        }
        let sample: Vec<&Article> =
            docs.iter().step_by(docs.len() / SIZING_SAMPLE).copied().collect();
        let bytes = sample.iter().map(|a| delta_len(a)).sum::<usize>().max(1) as f64;
        let (buckets, _) = scatter(&sample, 0, &sizing);
        sizing.rates = buckets
            .iter()
            .map(|b| (b.keys.len() as f64 / bytes, b.positions.len() as f64 / bytes))
            .collect();
        sizing
    }

    /// The capacities (postings, positions) of task `task`'s bucket for `bytes` of text, with
    /// a margin for the difference between the sample and the run.
    fn capacity(&self, task: usize, bytes: usize) -> (usize, usize) {
        let (postings, positions) = self.rates[task];
        let grown = |rate: f64| (rate * bytes as f64 * 1.08) as usize + 64;
        (grown(postings), grown(positions))
    }
}

/// The postings of single characters of the Basic Multilingual Plane in a run of documents.
/// They have no positions, and a few thousand characters hold a third of all postings (at
/// 10,000 articles 5.6 of 16.4 million): each character gets its lists directly, in document
/// order, instead of a posting in a bucket to be sorted out again by term.
#[derive(Default)]
struct Singles {
    /// By character: its index in `lists` plus one (0: not seen).
    slot: Vec<u32>,
    lists: Vec<Single>,
}

/// One character's documents, and those with it in the title or the deck.
#[derive(Default)]
struct Single {
    code: u32,
    docs: Vec<u32>,
    title: Vec<u32>,
    deck: Vec<u32>,
}

impl Singles {
    fn push(&mut self, doc: u32, code: u32, fields: u8) {
        if self.slot.is_empty() {
            self.slot = vec![0; 0x1_0000];
        }
        let slot = &mut self.slot[code as usize];
        if *slot == 0 {
            // Most characters that occur at all occur in many documents.
            let docs = Vec::with_capacity(64);
            self.lists.push(Single { code, docs, ..Single::default() });
            *slot = self.lists.len() as u32;
        }
        let single = &mut self.lists[*slot as usize - 1];
        single.docs.push(doc);
        if fields & TITLE != 0 {
            single.title.push(doc);
        }
        if fields & DECK != 0 {
            single.deck.push(doc);
        }
    }
}

/// Every run's single characters merged (runs are in document order), by shard, each shard's
/// in character order.
fn merge_singles(runs: Vec<Singles>, bits: u32) -> Vec<Vec<Single>> {
    let mut merged: BTreeMap<u32, Single> = BTreeMap::new();
    for run in runs {
        for mut single in run.lists {
            let into = merged
                .entry(single.code)
                .or_insert_with(|| Single { code: single.code, ..Single::default() });
            into.docs.append(&mut single.docs);
            into.title.append(&mut single.title);
            into.deck.append(&mut single.deck);
        }
    }
    let mut shards: Vec<Vec<Single>> = (0..1_usize << bits).map(|_| Vec::new()).collect();
    for (code, single) in merged {
        shards[(tokens::code_key(code) >> (32 - bits)) as usize].push(single);
    }
    shards
}

/// Tokenises a run of documents (the first has id `first`) into one bucket per task range
/// and the single characters' lists.
fn scatter(chunk: &[&Article], first: u32, sizing: &Sizing) -> (Vec<Bucket>, Singles) {
    let bytes: usize = chunk.iter().map(|a| delta_len(a)).sum();
    let mut buckets: Vec<Bucket> =
        (0..TASKS).map(|task| Bucket::with_capacity(sizing.capacity(task, bytes))).collect();
    let mut singles = Singles::default();
    let task_shift = 32 - TASK_BITS;
    for (n, article) in chunk.iter().enumerate() {
        let doc = first + n as u32;
        let data = &article.data;
        let deck = deck(article);
        let fields = [(TITLE, data.title.as_str()), (DECK, &deck), (BODY, &data.search_text)];
        tokens::each_term(&fields, |term| {
            if term.code < 0x1_0000 {
                singles.push(doc, term.code, term.fields);
            } else {
                buckets[(term.key >> task_shift) as usize].push(doc, &term);
            }
        });
    }
    (buckets, singles)
}

/// log2 of the number of term shards for this many postings.
fn shard_bits(postings: usize) -> u32 {
    let bits = (postings / POSTINGS_PER_SHARD).max(1).next_power_of_two().trailing_zeros();
    bits.max(TASK_BITS)
}

/// A posting of a shard being assembled, with what its encoding reads copied out of its
/// bucket while the buckets are read in order: encoding goes term by term, and reading the
/// buckets then would jump around all of them (at 10,000 articles that cost more than the
/// encoding itself). Its positions are copied to the shard's own list.
#[derive(Clone, Copy, Default)]
struct Posting {
    doc: u32,
    fields: u8,
    /// Where its positions are in [`ShardTerms::positions`].
    start: u32,
    end: u32,
}

/// A term of a shard: its packed CJK code, or its text.
#[derive(Clone, Copy)]
enum Name<'a> {
    Code(u32),
    Text(&'a str),
}

/// One shard being assembled: each distinct term gets an index on first sight.
#[derive(Default)]
struct ShardTerms<'a> {
    by_code: FxMap<u32, u32>,
    by_text: FxMap<&'a str, u32>,
    names: Vec<Name<'a>>,
    counts: Vec<u32>,
    /// (term index, posting).
    postings: Vec<(u32, Posting)>,
    positions: Vec<u32>,
}

impl<'a> ShardTerms<'a> {
    fn add(&mut self, bucket: &'a Bucket, entry: &Entry<'_>) {
        let next = self.counts.len() as u32;
        let (index, name) = match entry.key as u32 {
            LONG => {
                let text = bucket.long_text(entry.j);
                (*self.by_text.entry(text).or_insert(next), Name::Text(text))
            }
            code => (*self.by_code.entry(code).or_insert(next), Name::Code(code)),
        };
        if index == next {
            self.counts.push(0);
            self.names.push(name);
        }
        self.counts[index as usize] += 1;
        let start = self.positions.len() as u32;
        push_positions(&mut self.positions, entry.positions);
        let end = self.positions.len() as u32;
        let posting = Posting { doc: entry.doc, fields: entry.fields, start, end };
        self.postings.push((index, posting));
    }

    /// The postings grouped by term (counting sort), each term's in document order.
    fn grouped(&self) -> Vec<Posting> {
        let mut next = Vec::with_capacity(self.counts.len());
        let mut total = 0;
        for &count in &self.counts {
            next.push(total);
            total += count;
        }
        let mut out = vec![Posting::default(); self.postings.len()];
        for &(index, posting) in &self.postings {
            let slot = &mut next[index as usize];
            out[*slot as usize] = posting;
            *slot += 1;
        }
        out
    }

    fn positions(&self, posting: &Posting) -> &[u32] {
        &self.positions[posting.start as usize..posting.end as usize]
    }
}

/// The `len` shards from `first` (their term file and position file), from the task's
/// buckets (one per run of documents, in document order).
fn assemble_task(
    buckets: &[&Bucket],
    singles: &[Vec<Single>],
    total: usize,
    bits: u32,
    first: usize,
) -> Vec<(String, String)> {
    let len = singles.len();
    let shift = 32 - bits;
    // Shards of one task differ in size as the tasks do (see [`Sizing`]); these are alive
    // only while their task runs, so they get room for the larger ones.
    let room = |n: usize| n / len + n / len / 2;
    let postings = room(buckets.iter().map(|b| b.keys.len()).sum());
    let positions = room(buckets.iter().map(|b| b.positions.len()).sum());
    let mut shards: Vec<ShardTerms<'_>> = (0..len)
        .map(|_| ShardTerms {
            postings: Vec::with_capacity(postings),
            positions: Vec::with_capacity(positions),
            ..ShardTerms::default()
        })
        .collect();
    for bucket in buckets {
        bucket.each(|entry| {
            let shard = ((entry.key >> 32) as u32 >> shift) as usize - first;
            shards[shard].add(bucket, &entry);
        });
    }
    shards.iter().zip(singles).map(|(shard, singles)| encode_shard(total, shard, singles)).collect()
}

/// A shard's two files: `{"term": [docs, title docs, deck docs, start, length]}` (for a term
/// without positions, trailing empty lists left out and no range) and the position lists,
/// each term's at its `start` (bytes): for each document of its `docs`, in order, its
/// positions as base-36 gaps joined by `,`, documents separated by `;`.
fn encode_shard(total: usize, shard: &ShardTerms<'_>, singles: &[Single]) -> (String, String) {
    let mut json = Vec::with_capacity(shard.postings.len() * 4);
    json.push(b'{');
    let mut positions = Vec::with_capacity(shard.postings.len() * 4);
    let grouped = shard.grouped();
    let mut start = 0;
    let mut ids = Vec::new();
    let (mut title, mut deck) = (Vec::new(), Vec::new());
    for (&count, &name) in shard.counts.iter().zip(&shard.names) {
        let run = &grouped[start..start + count as usize];
        start += count as usize;
        if json.len() > 1 {
            json.push(b',');
        }
        push_term_name(&mut json, name);
        ids.clear();
        title.clear();
        deck.clear();
        for posting in run {
            ids.push(posting.doc);
            if posting.fields & TITLE != 0 {
                title.push(posting.doc);
            }
            if posting.fields & DECK != 0 {
                deck.push(posting.doc);
            }
        }
        json.extend_from_slice(b":[\"");
        push_doc_list(&mut json, &ids, total);
        json.push(b'"');
        let positional = run[0].end > run[0].start;
        if positional || !title.is_empty() || !deck.is_empty() {
            json.extend_from_slice(b",\"");
            push_deltas_bytes(&mut json, &title);
            json.push(b'"');
        }
        if positional || !deck.is_empty() {
            json.extend_from_slice(b",\"");
            push_deltas_bytes(&mut json, &deck);
            json.push(b'"');
        }
        if positional {
            let at = positions.len();
            for (n, posting) in run.iter().enumerate() {
                if n > 0 {
                    positions.push(b';');
                }
                push_deltas_bytes(&mut positions, shard.positions(posting));
            }
            let _ = write!(json, ",{at},{}", positions.len() - at);
        }
        json.push(b']');
    }
    for single in singles {
        if json.len() > 1 {
            json.push(b',');
        }
        push_term_name(&mut json, Name::Code(single.code));
        json.extend_from_slice(b":[\"");
        push_doc_list(&mut json, &single.docs, total);
        json.push(b'"');
        if !single.title.is_empty() || !single.deck.is_empty() {
            json.extend_from_slice(b",\"");
            push_deltas_bytes(&mut json, &single.title);
            json.push(b'"');
        }
        if !single.deck.is_empty() {
            json.extend_from_slice(b",\"");
            push_deltas_bytes(&mut json, &single.deck);
            json.push(b'"');
        }
        json.push(b']');
    }
    json.push(b'}');
    // Only ASCII and term texts (valid UTF-8) went in.
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap_or_default();
    (text(json), text(positions))
}

/// Appends a term as a JSON string.
fn push_term_name(json: &mut Vec<u8>, name: Name<'_>) {
    match name {
        Name::Text(text) => {
            json.extend_from_slice(serde_json::to_string(text).unwrap_or_default().as_bytes())
        }
        Name::Code(code) => {
            // CJK characters need no escaping.
            json.push(b'"');
            for part in [code >> 16, code & 0xFFFF] {
                if let Some(c) = char::from_u32(part).filter(|_| part != 0) {
                    json.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
            json.push(b'"');
        }
    }
}

/// A sorted list of document ids: base-36 gaps joined by `,`, or, when that would be longer,
/// `~` and a bitmap of all documents in base64 (bit `i % 8` of byte `i / 8` is document `i`).
fn push_doc_list(out: &mut Vec<u8>, ids: &[u32], total: usize) {
    let bitmap_len = total.div_ceil(8).div_ceil(3) * 4 + 1;
    if ids.len() * 2 > bitmap_len {
        let mut bytes = vec![0_u8; total.div_ceil(8)];
        for &id in ids {
            bytes[id as usize / 8] |= 1 << (id % 8);
        }
        out.push(b'~');
        push_base64(out, &bytes);
        return;
    }
    push_deltas_bytes(out, ids);
}

/// Appends base-36 gaps between sorted numbers (the first from 0), joined by `,`.
fn push_deltas_bytes(out: &mut Vec<u8>, numbers: &[u32]) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    // Tens of millions of numbers at 10,000 articles, most of one or two digits: those are
    // pushed byte by byte (a copy of a few bytes costs more than the pushes).
    out.reserve(numbers.len() * 3);
    let mut previous = 0;
    for (i, &n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let gap = n - previous;
        previous = n;
        if gap < 36 {
            out.push(DIGITS[gap as usize]);
        } else if gap < 36 * 36 {
            out.push(DIGITS[(gap / 36) as usize]);
            out.push(DIGITS[(gap % 36) as usize]);
        } else {
            let mut buf = [0_u8; 8];
            let len = base36_digits(&mut buf, gap);
            out.extend_from_slice(&buf[..len]);
        }
    }
}

/// Writes `n` in base 36 at the start of `buf` (8 digits hold any `u32`): how many digits.
fn base36_digits(buf: &mut [u8], n: u32) -> usize {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n < 36 {
        buf[0] = DIGITS[n as usize];
        return 1;
    }
    if n < 36 * 36 {
        buf[0] = DIGITS[(n / 36) as usize];
        buf[1] = DIGITS[(n % 36) as usize];
        return 2;
    }
    let len = (3..7).find(|&k| u64::from(n) < 36_u64.pow(k)).map_or(7, |k| k as usize);
    let mut rest = n;
    for at in (0..len).rev() {
        buf[at] = DIGITS[(rest % 36) as usize];
        rest /= 36;
    }
    len
}

fn push_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0_u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
}

/// `search.json`: the shard count, block sizes, the sections and each document's section (one
/// character, `0` + the section's number, `-` for none), the first id of each issue date, and
/// how many documents `search/delta.json` holds (0: there is none).
fn manifest(site: &Site, docs: &[&Article], bits: u32, delta: usize) -> SearchFile {
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
        "version": 4,
        "docs": docs.len(),
        "shardBits": bits,
        "block": META_BLOCK,
        "textBlock": TEXT_BLOCK,
        "sections": sections,
        "docSections": doc_sections,
        "dates": dates,
        "delta": delta,
    });
    SearchFile::new("search.json".to_owned(), manifest.to_string())
}

/// `search/d/N.json`: for documents `N * META_BLOCK` on, `[title, url, section, date, page,
/// start, length]` each, where the text is in its text block (bytes). A block whose rows
/// are those last written is kept. Returns each block's key and the files.
fn metadata_blocks(
    site: &Site,
    docs: &[&Article],
    written: &Written<'_>,
) -> (Vec<u64>, Vec<SearchFile>) {
    let starts = text_starts(docs);
    let blocks: Vec<(u64, SearchFile)> = docs
        .par_chunks(META_BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let first = block * META_BLOCK;
            let rows: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(n, a)| metadata_row(a, site, starts[first + n], a.data.search_text.len()))
                .collect();
            let key = hash_of(&rows);
            let path = format!("search/d/{block}.json");
            if written.record.meta.get(block) == Some(&key)
                && let Some(file) = written.kept(path.clone())
            {
                return (key, file);
            }
            let values: Vec<serde_json::Value> = rows
                .iter()
                .map(|(title, url, section, date, page, start, len)| {
                    serde_json::json!([title, url, section, date.to_string(), page, start, len])
                })
                .collect();
            (key, SearchFile::new(path, serde_json::Value::Array(values).to_string()))
        })
        .collect();
    blocks.into_iter().unzip()
}

/// Each document's byte offset in its text block.
fn text_starts(docs: &[&Article]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(docs.len());
    for chunk in docs.chunks(TEXT_BLOCK) {
        let mut at = 0;
        for article in chunk {
            starts.push(at);
            at += article.data.search_text.len();
        }
    }
    starts
}

/// One metadata row, see [`metadata_blocks`].
type Row<'a> =
    (&'a str, &'a str, Option<&'a str>, chrono::NaiveDate, Option<&'a str>, usize, usize);

fn metadata_row<'a>(a: &'a Article, site: &'a Site, start: usize, len: usize) -> Row<'a> {
    let section = a.section.map(|s| site.sections[s].name.as_str());
    let date = site.issues[a.issue].date;
    (&a.data.title, &a.url, section, date, a.data.page.as_deref(), start, len)
}

/// `search/x/N.txt`: the texts of documents `N * TEXT_BLOCK` on, one after the other (the
/// metadata rows say where each starts). A block made from the same files as last written
/// is kept. Returns each block's key and the files.
fn text_blocks(docs: &[&Article], written: &Written<'_>) -> (Vec<u64>, Vec<SearchFile>) {
    let blocks: Vec<(u64, SearchFile)> = docs
        .par_chunks(TEXT_BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let hashes: Vec<u64> = chunk.iter().map(|a| a.data.file_hash).collect();
            let key = hash_of(&hashes);
            let path = format!("search/x/{block}.txt");
            if written.record.texts.get(block) == Some(&key)
                && let Some(file) = written.kept(path.clone())
            {
                return (key, file);
            }
            let text: String = chunk.iter().map(|a| a.data.search_text.as_str()).collect();
            // The bytes follow from the files (hashing 58 MB of text would cost more).
            let hash = hash_of(&(FORMAT, "x", key));
            (key, SearchFile { path, text: text.into(), hash })
        })
        .collect();
    blocks.into_iter().unzip()
}

/// `search/fold.json`: the traditional → simplified table, as one string of pairs.
static FOLD: LazyLock<SearchFile> = LazyLock::new(|| {
    let pairs: String = tokens::fold_table().into_iter().flat_map(|(a, b)| [a, b]).collect();
    SearchFile::new(String::new(), serde_json::Value::String(pairs).to_string())
});

impl Clone for SearchFile {
    fn clone(&self) -> SearchFile {
        SearchFile { path: self.path.clone(), text: Arc::clone(&self.text), hash: self.hash }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_list(ids: &[u32], total: usize) -> String {
        let mut out = Vec::new();
        push_doc_list(&mut out, ids, total);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dense_lists_become_bitmaps_and_sparse_ones_gaps() {
        assert_eq!(doc_list(&[3, 40, 41], 1000), "3,11,1");
        assert_eq!(doc_list(&[0, 1, 2, 9], 10), "~BwI=");
    }

    #[test]
    fn gaps_are_written_in_base36_of_any_length() {
        let mut out = Vec::new();
        push_deltas_bytes(&mut out, &[0, 35, 36 + 35, 36 * 36 + 71, 36 * 36 * 36 + 36 * 36 + 71]);
        assert_eq!(out, b"0,z,10,100,1000");
        out.clear();
        push_deltas_bytes(&mut out, &[u32::MAX]);
        assert_eq!(out, b"1z141z3");
    }

    #[test]
    fn a_packed_bucket_gives_back_every_posting() {
        let many: Vec<u32> = (0..40).map(|i| i * 3).collect();
        let term =
            |key, code, fields, positions| tokens::Term { key, code, fields, positions, text: "" };
        let word = tokens::Term { key: 9, code: LONG, fields: BODY, positions: &[7], text: "5g" };
        let mut bucket = Bucket::default();
        bucket.push(4, &term(1, 0x4e00, TITLE, &[]));
        bucket.push(4, &term(2, 0x4e00_4e01, BODY, &many));
        bucket.push(9, &word);
        bucket.push(9, &term(3, 0x4e01, DECK | BODY, &[2, 5]));
        let mut seen = Vec::new();
        bucket.each(|e| {
            let text = if e.key as u32 == LONG { bucket.long_text(e.j) } else { "" };
            seen.push((e.key >> 32, e.doc, e.fields, e.positions.to_vec(), text.to_owned()));
        });
        let expected = [
            (1, 4, TITLE, vec![], String::new()),
            (2, 4, BODY, many.clone(), String::new()),
            (9, 9, BODY, vec![7], "5g".to_owned()),
            (3, 9, DECK | BODY, vec![2, 5], String::new()),
        ];
        assert_eq!(seen, expected);
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        let mut out = Vec::new();
        push_base64(&mut out, b"Man");
        push_base64(&mut out, b"Ma");
        assert_eq!(out, b"TWFuTWE=");
    }

    #[test]
    fn the_shard_count_grows_with_the_postings() {
        assert_eq!(shard_bits(0), TASK_BITS);
        assert_eq!(shard_bits(20_000_000), 9);
    }
}
