//! Folding and tokenising text for the search index, the same way `search.js` treats a query.
//!
//! Text is folded character by character, so a folded character's position is the original
//! one's: NFKC (full-width letters and digits become ASCII), lower case, and traditional Chinese
//! to simplified (fast2s's table, applied to one character at a time so the browser can apply
//! the same table, written as `search/fold.json`). Then CJK characters give one single-character
//! term each and one bigram per pair of neighbours; other letters and digits give words.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;

/// Which part of an article a term occurs in (bits of [`Term::fields`]).
pub(crate) const TITLE: u8 = 1;
/// The kicker or subtitle.
pub(crate) const DECK: u8 = 2;
/// The body text.
pub(crate) const BODY: u8 = 4;

/// Traditional characters and their simplified forms, for every character fast2s changes on
/// its own (without the neighbours some of its rules look at).
static FOLD: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    for code in 0x3400..=0xFFFF_u32 {
        let Some(c) = char::from_u32(code) else { continue };
        let converted = fast2s::convert(c.encode_utf8(&mut [0; 4]));
        let mut chars = converted.chars();
        if let (Some(to), None) = (chars.next(), chars.next())
            && to != c
        {
            table.insert(c, to);
        }
    }
    table
});

/// The traditional → simplified table as pairs, sorted, for `search/fold.json`.
pub(crate) fn fold_table() -> Vec<(char, char)> {
    let mut pairs: Vec<(char, char)> = FOLD.iter().map(|(&a, &b)| (a, b)).collect();
    pairs.sort_unstable();
    pairs
}

/// Appends the folded form of `c` to `out`; NFKC may give several characters or none.
fn push_folded(out: &mut Vec<char>, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for n in std::iter::once(c).nfkc() {
        for lower in n.to_lowercase() {
            out.push(FOLD.get(&lower).copied().unwrap_or(lower));
        }
    }
}

/// Whether `c` is written without spaces between words (Han, kana, Hangul): indexed by
/// character bigrams rather than words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// One term of one article: the fields it occurs in and its positions (character offsets in
/// the article's folded text; none are kept for single CJK characters, which a phrase never
/// needs since its bigrams cover it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Term {
    pub(crate) text: Box<str>,
    /// The term's hash with its bits reversed: sorting by it keeps the terms of each shard
    /// together whatever the (power of two) number of shards.
    pub(crate) key: u32,
    pub(crate) fields: u8,
    pub(crate) positions: Vec<u32>,
}

/// 32-bit FNV-1a of the term's UTF-8 bytes: `search.js` computes the same to find a shard.
pub(crate) fn term_hash(term: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in term.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Every term of an article's fields (title, deck, body), sorted by shard key then text.
/// Fields are numbered in one sequence of positions, a gap apart, so no phrase spans two.
pub(crate) fn article_terms(fields: &[(u8, &str)]) -> Vec<Term> {
    let mut found: HashMap<String, (u8, Vec<u32>)> = HashMap::new();
    let mut offset = 0_u32;
    for &(field, text) in fields {
        let folded = fold(text);
        each_token(&folded, |term, at, positional| {
            let entry = found.entry(term.to_owned()).or_default();
            entry.0 |= field;
            if positional {
                entry.1.push(offset + at);
            }
        });
        offset += folded.len() as u32 + 1;
    }
    let mut terms: Vec<Term> = found
        .into_iter()
        .map(|(text, (fields, positions))| Term {
            key: term_hash(&text).reverse_bits(),
            text: text.into(),
            fields,
            positions,
        })
        .collect();
    terms.sort_unstable_by(|a, b| (a.key, &a.text).cmp(&(b.key, &b.text)));
    terms
}

/// The folded characters of `text` (see the module doc).
pub(crate) fn fold(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for c in text.chars() {
        push_folded(&mut out, c);
    }
    out
}

/// Calls `found(term, position, positional)` for each token of folded text: a single CJK
/// character (not positional), a CJK bigram, or a word of other letters and digits.
pub(crate) fn each_token(chars: &[char], mut found: impl FnMut(&str, u32, bool)) {
    let mut word = String::new();
    let mut word_start = 0;
    let mut buf = [0_u8; 8];
    for (i, &c) in chars.iter().enumerate() {
        let at = i as u32;
        if is_cjk(c) {
            flush_word(&mut word, word_start, &mut found);
            found(c.encode_utf8(&mut buf), at, false);
            if let Some(&next) = chars.get(i + 1).filter(|n| is_cjk(**n)) {
                let mut pair = String::with_capacity(8);
                pair.push(c);
                pair.push(next);
                found(&pair, at, true);
            }
        } else if c.is_alphanumeric() {
            if word.is_empty() {
                word_start = at;
            }
            word.push(c);
        } else {
            flush_word(&mut word, word_start, &mut found);
        }
    }
    flush_word(&mut word, word_start, &mut found);
}

fn flush_word(word: &mut String, start: u32, found: &mut impl FnMut(&str, u32, bool)) {
    if !word.is_empty() {
        found(word, start, true);
        word.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(terms: &[Term]) -> Vec<String> {
        let mut all: Vec<String> = terms.iter().map(|t| t.text.to_string()).collect();
        all.sort();
        all
    }

    #[test]
    fn cjk_text_gives_characters_and_bigrams_with_positions() {
        let terms = article_terms(&[(BODY, "算力网")]);
        assert_eq!(texts(&terms), ["力", "力网", "算", "算力", "网"]);
        let pair = terms.iter().find(|t| &*t.text == "力网").map(|t| t.positions.clone());
        assert_eq!(pair, Some(vec![1]));
    }

    #[test]
    fn traditional_full_width_and_capitals_fold() {
        assert_eq!(fold("臺灣ＡＩ Big"), "台湾ai big".chars().collect::<Vec<_>>());
    }

    #[test]
    fn fields_are_marked_and_kept_apart() {
        let terms = article_terms(&[(TITLE, "新闻"), (BODY, "新闻 5G")]);
        let news =
            terms.iter().find(|t| &*t.text == "新闻").map(|t| (t.fields, t.positions.clone()));
        assert_eq!(news, Some((TITLE | BODY, vec![0, 3])));
        assert!(terms.iter().any(|t| &*t.text == "5g" && t.positions == [6]));
        assert!(!terms.iter().any(|t| &*t.text == "闻新"), "no bigram across fields");
    }
}
