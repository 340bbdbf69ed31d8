//! Reads a built search index back into what a query sees: for every term, the documents
//! holding it with their fields and positions, with `search/delta.json` (the documents
//! edited since the shards were assembled, indexed here as the browser indexes them) applied. Two indexes that read back
//! the same answer every query the same, whatever their bytes (see docs/search.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// A document holding a term: in the title, in the deck, and its positions.
type Posting = (bool, bool, Vec<u32>);

/// What a search index answers: term → document id → posting; and the manifest without
/// its `delta` count.
#[derive(Debug, PartialEq)]
pub(crate) struct Answers {
    terms: BTreeMap<String, BTreeMap<u32, Posting>>,
    manifest: Value,
}

/// Whether a file under the output folder is one [`read`] reads (compared by meaning).
pub(crate) fn is_postings_file(name: &str) -> bool {
    name == "search.json"
        || name == "search/delta.json"
        || name.starts_with("search/t/")
        || name.starts_with("search/p/")
}

/// Reads the index in the output folder `out`.
pub(crate) fn read(out: &Path) -> Answers {
    let mut manifest = json(&out.join("search.json"));
    let delta = manifest.as_object_mut().and_then(|m| m.remove("delta"));
    let shards = 1_u32 << manifest["shardBits"].as_u64().unwrap();
    let docs = manifest["docs"].as_u64().unwrap() as usize;
    let mut terms = BTreeMap::new();
    for shard in 0..shards {
        let t = json(&out.join(format!("search/t/{shard}.json")));
        let p = std::fs::read_to_string(out.join(format!("search/p/{shard}.txt"))).unwrap();
        add_shard(&mut terms, &t, &p, docs);
    }
    if delta.and_then(|d| d.as_u64()).unwrap_or(0) > 0 {
        let delta = json(&out.join("search/delta.json"));
        let rows = delta["docs"].as_array().unwrap();
        let changed: BTreeSet<u32> = rows.iter().map(|r| r[0].as_u64().unwrap() as u32).collect();
        for postings in terms.values_mut() {
            postings.retain(|id, _| !changed.contains(id));
        }
        terms.retain(|_, postings| !postings.is_empty());
        for row in rows {
            let text = |i: usize| row[i].as_str().unwrap();
            let id = row[0].as_u64().unwrap() as u32;
            for (term, (fields, at)) in broadsheet::terms_of_fields(text(1), text(2), text(3)) {
                let posting = (fields & 1 != 0, fields & 2 != 0, at);
                terms.entry(term).or_default().insert(id, posting);
            }
        }
    }
    Answers { terms, manifest }
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn add_shard(
    terms: &mut BTreeMap<String, BTreeMap<u32, Posting>>,
    t: &Value,
    p: &str,
    docs: usize,
) {
    for (term, lists) in t.as_object().unwrap() {
        let list = |i: usize| lists.get(i).and_then(Value::as_str).unwrap_or("");
        let ids = doc_list(list(0), docs);
        let (title, deck) = (gaps(list(1)), gaps(list(2)));
        let range = |i: usize| lists.get(i).and_then(Value::as_u64).unwrap_or(0) as usize;
        let (start, len) = (range(3), range(4));
        let positions: Vec<&str> = p[start..start + len].split(';').collect();
        let postings = terms.entry(term.clone()).or_default();
        for (i, id) in ids.into_iter().enumerate() {
            let at = gaps(positions.get(i).copied().unwrap_or(""));
            postings.insert(id, (title.contains(&id), deck.contains(&id), at));
        }
    }
}

fn gaps(list: &str) -> Vec<u32> {
    let mut n = 0;
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            n += u32::from_str_radix(s, 36).unwrap();
            n
        })
        .collect()
}

fn doc_list(list: &str, docs: usize) -> Vec<u32> {
    let Some(bitmap) = list.strip_prefix('~') else { return gaps(list) };
    let bytes = base64(bitmap);
    (0..docs as u32).filter(|&i| bytes[i as usize / 8] & (1 << (i % 8)) != 0).collect()
}

fn base64(text: &str) -> Vec<u8> {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let values: Vec<u32> = text
        .bytes()
        .filter(|&b| b != b'=')
        .map(|b| TABLE.iter().position(|&t| t == b).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(4) {
        let n = chunk.iter().enumerate().fold(0, |n, (i, &v)| n | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// Whether the output folders `actual` and `clean` hold the same site, byte for byte: what
/// `build` writes depends only on the content, whatever was built before.
pub(crate) fn same_site(actual: &Path, clean: &Path) -> bool {
    let tree = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        crate::support::read_tree(dir).into_iter().collect()
    };
    tree(actual) == tree(clean)
}

/// Whether the output folders `actual` and `clean` hold the same site after watch updates:
/// every file byte for byte except the search postings, which must answer the same (a watch
/// session keeps its edits in `search/delta.json` where a clean build has them in the shards).
pub(crate) fn answers_like(actual: &Path, clean: &Path) -> bool {
    let others = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        let tree = crate::support::read_tree(dir).into_iter();
        tree.filter(|(name, _)| !is_postings_file(name)).collect()
    };
    let has_index = clean.join("search.json").exists();
    others(actual) == others(clean) && (!has_index || read(actual) == read(clean))
}
