//! Folding and tokenising text for the search index, the same way `search.js` treats a query.
//!
//! Text is folded character by character, so a folded character's position is the original
//! one's: NFKC (full-width letters and digits become ASCII), lower case, and traditional Chinese
//! to simplified (fast2s's table, applied to one character at a time so the browser can apply
//! the same table, written as `search/fold.json`). Then CJK characters give one single-character
//! term each and one bigram per pair of neighbours; other letters and digits give words.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;

/// Which part of an article a term occurs in (bits of [`Terms::fields`]).
pub(crate) const TITLE: u8 = 1;
/// The kicker or subtitle.
pub(crate) const DECK: u8 = 2;
/// The body text.
pub(crate) const BODY: u8 = 4;

/// Traditional characters and their simplified forms, for every character fast2s changes on
/// its own (without the neighbours some of its rules look at), as a table over the Basic
/// Multilingual Plane (fast2s converts only 3-byte characters): `FOLD[c]` is `c` or its fold.
static FOLD: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut table: Vec<char> =
        (0..0x1_0000_u32).map(|code| char::from_u32(code).unwrap_or('\0')).collect();
    for code in 0x3400..=0xFFFF_u32 {
        let Some(c) = char::from_u32(code) else { continue };
        let converted = fast2s::convert(c.encode_utf8(&mut [0; 4]));
        let mut chars = converted.chars();
        if let (Some(to), None) = (chars.next(), chars.next()) {
            table[code as usize] = to;
        }
    }
    table
});

/// The traditional → simplified table as pairs, sorted, for `search/fold.json`.
pub(crate) fn fold_table() -> Vec<(char, char)> {
    let changed = FOLD.iter().enumerate().filter(|&(code, &to)| to as usize != code);
    changed.filter_map(|(code, &to)| Some((char::from_u32(code as u32)?, to))).collect()
}

fn fold_han(c: char) -> char {
    FOLD.get(c as usize).copied().unwrap_or(c)
}

/// Appends the folded form of `c` to `out`; NFKC may give several characters or none.
fn push_folded(out: &mut Vec<char>, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    // Unified ideographs are NFKC-stable and have no case: the common case, kept fast.
    if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
        out.push(fold_han(c));
        return;
    }
    for n in std::iter::once(c).nfkc() {
        for lower in n.to_lowercase() {
            out.push(fold_han(lower));
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

/// The terms of one article, sorted by shard key then text, packed in a few arrays (an
/// archive has tens of millions of them: one allocation each would dominate the build).
/// Term `i` has a key (its hash with the bits reversed: sorting by it keeps the terms of
/// each shard together whatever the power-of-two number of shards), the fields it occurs in,
/// and its positions: character offsets in the article's folded text, none for a single CJK
/// character (a phrase never needs them, its bigrams cover it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Terms {
    keys: Vec<u32>,
    fields: Vec<u8>,
    text_ends: Vec<u32>,
    texts: String,
    position_ends: Vec<u32>,
    positions: Vec<u32>,
}

impl Terms {
    /// How many terms.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The sorted keys, one per term.
    pub(crate) fn keys(&self) -> &[u32] {
        &self.keys
    }

    /// Term `i`'s text.
    pub(crate) fn text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.text_ends[i - 1] as usize };
        &self.texts[start..self.text_ends[i] as usize]
    }

    /// The fields term `i` occurs in.
    pub(crate) fn fields(&self, i: usize) -> u8 {
        self.fields[i]
    }

    /// Term `i`'s positions.
    pub(crate) fn positions(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.position_ends[i - 1] as usize };
        &self.positions[start..self.position_ends[i] as usize]
    }

    fn push(&mut self, key: u32, text: &str, fields: u8, positions: &[u32]) {
        self.keys.push(key);
        self.fields.push(fields);
        self.texts.push_str(text);
        self.text_ends.push(self.texts.len() as u32);
        self.positions.extend_from_slice(positions);
        self.position_ends.push(self.positions.len() as u32);
    }
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

/// A fast hasher for the tokeniser's maps (keys are short and not chosen by an attacker who
/// could gain from collisions: a bad input only makes its own build slower).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Where a term occurs: its fields and positions.
type Found = (u8, Vec<u32>);

/// Every term of an article's fields (title, deck, body), sorted by shard key then text.
/// Fields are numbered in one sequence of positions, a gap apart, so no phrase spans two.
pub(crate) fn article_terms(fields: &[(u8, &str)]) -> Terms {
    // CJK terms (one or two characters) are keyed by their characters packed in a u64, so
    // no string is made per occurrence; words are rarer in Chinese text.
    let mut cjk: FxMap<u64, Found> = FxMap::with_capacity_and_hasher(4096, Default::default());
    let mut words: FxMap<String, Found> = FxMap::default();
    let mut offset = 0_u32;
    for &(field, text) in fields {
        let folded = fold(text);
        each_token(&folded, |token, at| {
            let entry = match token {
                Token::Char(c) => cjk.entry(u64::from(c)).or_default(),
                Token::Pair(a, b) => cjk.entry(u64::from(a) << 32 | u64::from(b)).or_default(),
                Token::Word(w) => words.entry(w.to_owned()).or_default(),
            };
            entry.0 |= field;
            if !matches!(token, Token::Char(_)) {
                entry.1.push(offset + at);
            }
        });
        offset += folded.len() as u32 + 1;
    }
    let mut all: Vec<(u32, String, &Found)> = Vec::with_capacity(cjk.len() + words.len());
    for (&packed, found) in &cjk {
        let (high, low) = ((packed >> 32) as u32, packed as u32);
        let text: String = [char::from_u32(high).filter(|_| high != 0), char::from_u32(low)]
            .into_iter()
            .flatten()
            .collect();
        all.push((term_hash(&text).reverse_bits(), text, found));
    }
    for (text, found) in &words {
        all.push((term_hash(text).reverse_bits(), text.clone(), found));
    }
    all.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut terms = Terms::default();
    let text_len = all.iter().map(|t| t.1.len()).sum();
    terms.texts.reserve_exact(text_len);
    terms.positions.reserve_exact(all.iter().map(|t| t.2.1.len()).sum());
    for (key, text, (fields, positions)) in &all {
        terms.push(*key, text, *fields, positions);
    }
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

/// One token of folded text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Token<'a> {
    /// A single CJK character (no position is kept: a phrase's bigrams cover it).
    Char(char),
    /// Two neighbouring CJK characters.
    Pair(char, char),
    /// A run of other letters and digits.
    Word(&'a str),
}

/// Calls `found(token, position)` for each token of folded text.
pub(crate) fn each_token(chars: &[char], mut found: impl FnMut(Token<'_>, u32)) {
    let mut word = String::new();
    let mut word_start = 0;
    for (i, &c) in chars.iter().enumerate() {
        let at = i as u32;
        if is_cjk(c) {
            flush_word(&mut word, word_start, &mut found);
            found(Token::Char(c), at);
            if let Some(&next) = chars.get(i + 1).filter(|n| is_cjk(**n)) {
                found(Token::Pair(c, next), at);
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

fn flush_word(word: &mut String, start: u32, found: &mut impl FnMut(Token<'_>, u32)) {
    if !word.is_empty() {
        found(Token::Word(word), start);
        word.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(terms: &Terms) -> Vec<String> {
        let mut all: Vec<String> = (0..terms.len()).map(|i| terms.text(i).to_owned()).collect();
        all.sort();
        all
    }

    fn find<'a>(terms: &'a Terms, text: &str) -> Option<(u8, &'a [u32])> {
        let i = (0..terms.len()).find(|&i| terms.text(i) == text)?;
        Some((terms.fields(i), terms.positions(i)))
    }

    #[test]
    fn cjk_text_gives_characters_and_bigrams_with_positions() {
        let terms = article_terms(&[(BODY, "算力网")]);
        assert_eq!(texts(&terms), ["力", "力网", "算", "算力", "网"]);
        assert_eq!(find(&terms, "力网"), Some((BODY, &[1][..])));
    }

    #[test]
    fn traditional_full_width_and_capitals_fold() {
        assert_eq!(fold("臺灣ＡＩ Big"), "台湾ai big".chars().collect::<Vec<_>>());
    }

    #[test]
    fn fields_are_marked_and_kept_apart() {
        let terms = article_terms(&[(TITLE, "新闻"), (BODY, "新闻 5G")]);
        assert_eq!(find(&terms, "新闻"), Some((TITLE | BODY, &[0, 3][..])));
        assert_eq!(find(&terms, "5g"), Some((BODY, &[6][..])));
        assert_eq!(find(&terms, "闻新"), None, "no bigram across fields");
    }
}
