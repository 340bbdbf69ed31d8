//! Folding and tokenising text for the search index, the same way `search.js` treats a query.
//!
//! Text is folded character by character, so a folded character's position is the original
//! one's: NFKC (full-width letters and digits become ASCII), lower case, and traditional Chinese
//! to simplified (fast2s's table, applied to one character at a time so the browser can apply
//! the same table, written as `search/fold.json`). Then CJK characters give one single-character
//! term each and one bigram per pair of neighbours; other letters and digits give words.

use std::collections::{BTreeMap, HashMap};
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

/// A term code for [`Terms::codes`] that stands for a term kept as text (a word, or CJK
/// outside the Basic Multilingual Plane): see [`Terms::long_text`].
pub(crate) const LONG: u32 = u32::MAX;

/// The terms of one article, packed in a few arrays sorted by shard key then code (an
/// archive has tens of millions of terms: one allocation each would dominate the build).
/// A CJK term of the Basic Multilingual Plane is its code: one character `c` is `c`, a pair
/// `a b` is `a << 16 | b` (no CJK character is below U+3040, so the two never meet); any
/// other term is [`LONG`] with its text aside. Term `i` has a key (its hash with the bits
/// reversed: sorting by it keeps the terms of each shard together whatever the power-of-two
/// number of shards), the fields it occurs in, and its positions: character offsets in the
/// article's folded text, none for a single CJK character (a phrase's bigrams cover it).
#[cfg(test)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Terms {
    keys: Vec<u32>,
    codes: Vec<u32>,
    fields: Vec<u8>,
    position_ends: Vec<u32>,
    positions: Vec<u32>,
    /// The text of each [`LONG`] term, by term index, sorted.
    long: Vec<(u32, Box<str>)>,
}

#[cfg(test)]
impl Terms {
    /// How many terms.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The sorted keys, one per term.
    pub(crate) fn keys(&self) -> &[u32] {
        &self.keys
    }

    /// The text of term `i` when its code is [`LONG`].
    pub(crate) fn long_text(&self, i: usize) -> &str {
        let at = self.long.binary_search_by_key(&(i as u32), |(index, _)| *index);
        at.map_or("", |at| &self.long[at].1)
    }

    /// Term `i`'s text.
    #[cfg(test)]
    pub(crate) fn text(&self, i: usize) -> String {
        match self.codes[i] {
            LONG => self.long_text(i).to_owned(),
            code => code_text(code),
        }
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
}

/// The text of a packed CJK term code.
#[cfg(test)]
pub(crate) fn code_text(code: u32) -> String {
    code_string(code)
}

fn code_string(code: u32) -> String {
    let (high, low) = (code >> 16, code & 0xFFFF);
    [char::from_u32(high).filter(|_| high != 0), char::from_u32(low)]
        .into_iter()
        .flatten()
        .collect()
}

/// For each character of the Basic Multilingual Plane, [`fnv`] of its UTF-8 bytes (0 for a
/// surrogate, as for no bytes): a term of one or two such characters is hashed from it without encoding the
/// first (an archive hashes tens of millions of terms).
static CHAR_FNV: LazyLock<Vec<u32>> = LazyLock::new(|| {
    (0..0x1_0000_u32)
        .map(|code| {
            char::from_u32(code).map_or(fnv(&[]), |c| fnv(c.encode_utf8(&mut [0; 4]).as_bytes()))
        })
        .collect()
});

/// The sort key (see [`Terms`]) of a packed CJK term code.
pub(crate) fn code_key(code: u32) -> u32 {
    code_hash(code).reverse_bits()
}

/// [`term_hash`] of a packed CJK term code, without making its text.
fn code_hash(code: u32) -> u32 {
    let (high, low) = (code >> 16, code & 0xFFFF);
    let table = &*CHAR_FNV;
    if high == 0 {
        return table[low as usize];
    }
    match char::from_u32(low) {
        Some(c) => fnv_from(table[high as usize], c.encode_utf8(&mut [0; 4]).as_bytes()),
        None => table[high as usize],
    }
}

/// 32-bit FNV-1a of the term's UTF-8 bytes: `search.js` computes the same to find a shard.
pub(crate) fn term_hash(term: &str) -> u32 {
    fnv(term.as_bytes())
}

fn fnv(bytes: &[u8]) -> u32 {
    fnv_from(0x811c_9dc5, bytes)
}

/// [`fnv`] continued from the state `hash` over more bytes.
fn fnv_from(mut hash: u32, bytes: &[u8]) -> u32 {
    for &byte in bytes {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// A fast hasher for the tokeniser's maps (keys are short and not chosen by an attacker who
/// could gain from collisions: a bad input only makes its own build slower).
#[derive(Default)]
pub(crate) struct Fx(u64);

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

/// A hash map with [`Fx`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The distinct terms of one article while it is read: each gets a local index on first
/// sight; positional occurrences are recorded as (local index, position) pairs. One per
/// thread, reused from article to article so that its tables are allocated once: single
/// characters of the Basic Multilingual Plane are looked up in a direct table (stamped with
/// the article's number, so it needs no clearing), pairs in a hash map.
struct Collector {
    epoch: u32,
    char_epoch: Vec<u32>,
    char_index: Vec<u32>,
    pairs: PairTable,
    by_text: FxMap<String, u32>,
    codes: Vec<u32>,
    fields: Vec<u8>,
    texts: Vec<(u32, Box<str>)>,
    counts: Vec<u32>,
    occurrences: Vec<(u32, u32)>,
    grouped: Vec<u32>,
    folded: Vec<char>,
}

impl Default for Collector {
    fn default() -> Collector {
        Collector {
            epoch: 0,
            char_epoch: vec![0; 0x1_0000],
            char_index: vec![0; 0x1_0000],
            pairs: PairTable::with_bits(12),
            by_text: FxMap::default(),
            codes: Vec::new(),
            fields: Vec::new(),
            texts: Vec::new(),
            counts: Vec::new(),
            occurrences: Vec::new(),
            grouped: Vec::new(),
            folded: Vec::new(),
        }
    }
}

/// The pair codes of the article being read and their local indexes: open addressing with
/// linear probing, each slot stamped with the article's number so that a new article needs no
/// clearing (a general hash map was a sixth of the tokeniser's time).
struct PairTable {
    /// (article number, code, index); a slot of another article is free.
    slots: Vec<(u32, u32, u32)>,
    bits: u32,
    /// Slots of the current article.
    used: usize,
    epoch: u32,
}

impl PairTable {
    fn with_bits(bits: u32) -> PairTable {
        PairTable { slots: vec![(0, 0, 0); 1 << bits], bits, used: 0, epoch: 0 }
    }

    fn clear(&mut self) {
        self.slots.fill((0, 0, 0));
        self.used = 0;
    }

    fn slot_of(&self, code: u32) -> usize {
        (code.wrapping_mul(0x9E37_79B1) >> (32 - self.bits)) as usize
    }

    /// The index of `code` in article `epoch`, given `next` if it is new.
    fn index_of(&mut self, epoch: u32, code: u32, next: u32) -> u32 {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.used = 0;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.slot_of(code);
        loop {
            let (stamp, there, index) = self.slots[at];
            if stamp != epoch {
                self.slots[at] = (epoch, code, next);
                self.used += 1;
                if self.used * 2 > self.slots.len() {
                    self.grow();
                }
                return next;
            }
            if there == code {
                return index;
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table, keeping the current article's pairs.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.bits += 1;
        self.slots = vec![(0, 0, 0); 1 << self.bits];
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|slot| slot.0 == self.epoch) {
            let mut at = self.slot_of(slot.1);
            while self.slots[at].0 == self.epoch {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }
}

thread_local! {
    static COLLECTOR: std::cell::RefCell<Collector> = std::cell::RefCell::new(Collector::default());
}

impl Collector {
    /// Forgets the last article.
    fn begin(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.char_epoch.fill(0);
            self.pairs.clear();
            self.epoch = 1;
        }
        self.by_text.clear();
        self.codes.clear();
        self.fields.clear();
        self.texts.clear();
        self.counts.clear();
        self.occurrences.clear();
    }

    fn single(&mut self, c: u32, field: u8) {
        let slot = c as usize;
        if self.char_epoch[slot] == self.epoch {
            self.fields[self.char_index[slot] as usize] |= field;
            return;
        }
        self.char_epoch[slot] = self.epoch;
        self.char_index[slot] = self.codes.len() as u32;
        self.push(c, field);
    }

    fn code(&mut self, code: u32, field: u8) -> u32 {
        let next = self.codes.len() as u32;
        let index = self.pairs.index_of(self.epoch, code, next);
        if index == next {
            self.push(code, field);
        } else {
            self.fields[index as usize] |= field;
        }
        index
    }

    fn text(&mut self, text: &str, field: u8) -> u32 {
        if let Some(&index) = self.by_text.get(text) {
            self.fields[index as usize] |= field;
            return index;
        }
        let index = self.codes.len() as u32;
        self.by_text.insert(text.to_owned(), index);
        self.texts.push((index, text.into()));
        self.push(LONG, field);
        index
    }

    fn push(&mut self, code: u32, field: u8) {
        self.codes.push(code);
        self.fields.push(field);
        self.counts.push(0);
    }

    fn token(&mut self, token: Token<'_>, field: u8, at: u32) {
        let index = match token {
            Token::Char(c) if (c as u32) < 0x1_0000 => {
                self.single(c as u32, field);
                return;
            }
            Token::Char(c) => {
                self.text(c.encode_utf8(&mut [0; 4]), field);
                return;
            }
            Token::Pair(a, b) if (a as u32) < 0x1_0000 && (b as u32) < 0x1_0000 => {
                self.code((a as u32) << 16 | b as u32, field)
            }
            Token::Pair(a, b) => self.text(&[a, b].iter().collect::<String>(), field),
            Token::Word(w) => self.text(w, field),
        };
        self.counts[index as usize] += 1;
        self.occurrences.push((index, at));
    }

    /// Hands each term to `emit` as a [`Term`], in no particular order, with its positions
    /// ascending.
    fn finish(&mut self, mut emit: impl FnMut(Term<'_>)) {
        // Counting sort of the occurrences by term: each term's positions stay ascending.
        let mut starts = Vec::with_capacity(self.counts.len() + 1);
        let mut total = 0_u32;
        for &count in &self.counts {
            starts.push(total);
            total += count;
        }
        starts.push(total);
        self.grouped.clear();
        self.grouped.resize(self.occurrences.len(), 0);
        let mut next = starts.clone();
        for &(index, at) in &self.occurrences {
            let slot = &mut next[index as usize];
            self.grouped[*slot as usize] = at;
            *slot += 1;
        }
        let mut long = self.texts.iter();
        let mut next_long = long.next();
        for (i, &code) in self.codes.iter().enumerate() {
            let text = match (code, next_long) {
                (LONG, Some((index, text))) if *index as usize == i => {
                    next_long = long.next();
                    Some(&**text)
                }
                _ => None,
            };
            let key = match text {
                Some(text) => term_hash(text),
                None => code_hash(code),
            }
            .reverse_bits();
            let positions = &self.grouped[starts[i] as usize..starts[i + 1] as usize];
            emit(Term { key, code, fields: self.fields[i], positions, text: text.unwrap_or("") });
        }
    }
}

/// One distinct term of an article, as the tokeniser hands it out.
pub(crate) struct Term<'a> {
    /// The term's hash, bits reversed (see [`Terms`]).
    pub(crate) key: u32,
    /// The packed CJK term, or [`LONG`].
    pub(crate) code: u32,
    /// The fields it occurs in.
    pub(crate) fields: u8,
    /// Its positions, ascending (none for a single CJK character).
    pub(crate) positions: &'a [u32],
    /// Its text when the code is [`LONG`] (else empty).
    pub(crate) text: &'a str,
}

/// Calls `emit` for every term of an article's fields (title, deck, body), in no particular
/// order. Fields are numbered in one sequence of positions, a gap apart, so no phrase spans
/// two.
pub(crate) fn each_term(fields: &[(u8, &str)], emit: impl FnMut(Term<'_>)) {
    COLLECTOR.with_borrow_mut(|collector| {
        collector.begin();
        let mut folded = std::mem::take(&mut collector.folded);
        let mut offset = 0_u32;
        for &(field, text) in fields {
            folded.clear();
            fold_into(&mut folded, text);
            each_token(&folded, |token, at| collector.token(token, field, offset + at));
            offset += folded.len() as u32 + 1;
        }
        collector.folded = folded;
        collector.finish(emit);
    });
}

/// Every term of an article's title, deck and body, by text: the fields it occurs in (1
/// title, 2 deck, 4 body) and its positions. For tests that read an index back (they apply
/// `search/delta.json` as the browser does).
#[doc(hidden)]
pub fn terms_of_fields(title: &str, deck: &str, body: &str) -> BTreeMap<String, (u8, Vec<u32>)> {
    let mut out = BTreeMap::new();
    each_term(&[(TITLE, title), (DECK, deck), (BODY, body)], |t| {
        let text = if t.code == LONG { t.text.to_owned() } else { code_string(t.code) };
        out.insert(text, (t.fields, t.positions.to_vec()));
    });
    out
}

/// Every term of an article's fields, sorted by key then code then text (see [`each_term`]).
#[cfg(test)]
pub(crate) fn article_terms(fields: &[(u8, &str)]) -> Terms {
    let mut all: Vec<(u32, u32, String, u8, Vec<u32>)> = Vec::new();
    each_term(fields, |t| {
        all.push((t.key, t.code, t.text.to_owned(), t.fields, t.positions.to_vec()))
    });
    all.sort();
    let mut terms = Terms::default();
    for (rank, (key, code, text, fields, positions)) in all.into_iter().enumerate() {
        terms.keys.push(key);
        terms.codes.push(code);
        terms.fields.push(fields);
        terms.positions.extend_from_slice(&positions);
        terms.position_ends.push(terms.positions.len() as u32);
        if code == LONG {
            terms.long.push((rank as u32, text.into()));
        }
    }
    terms
}

/// The folded characters of `text` (see the module doc).
#[cfg(test)]
pub(crate) fn fold(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 2);
    fold_into(&mut out, text);
    out
}

fn fold_into(out: &mut Vec<char>, text: &str) {
    out.reserve(text.len() / 2);
    for c in text.chars() {
        push_folded(out, c);
    }
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
        let mut all: Vec<String> = (0..terms.len()).map(|i| terms.text(i)).collect();
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
    fn words_and_rare_characters_are_kept_as_text() {
        let terms = article_terms(&[(BODY, "5G 𠀀𠀁 网")]);
        assert_eq!(texts(&terms), ["5g", "网", "𠀀", "𠀀𠀁", "𠀁"]);
        assert_eq!(find(&terms, "𠀀𠀁"), Some((BODY, &[3][..])));
        let mut keys = terms.keys().to_vec();
        keys.sort_unstable();
        assert_eq!(keys, terms.keys(), "sorted by key");
        for i in 0..terms.len() {
            assert_eq!(terms.keys()[i], term_hash(&terms.text(i)).reverse_bits());
        }
    }

    #[test]
    fn a_long_article_keeps_every_pair_and_the_next_starts_empty() {
        // 5,000 distinct characters that fold to themselves: 4,999 distinct pairs.
        let chars: Vec<char> = (0x4E00..0x9FFF)
            .filter_map(char::from_u32)
            .filter(|&c| fold(c.encode_utf8(&mut [0; 4])) == [c])
            .take(5000)
            .collect();
        let text: String = chars.iter().collect();
        let terms = terms_of_fields("", &text, &text[..30]);
        assert_eq!(terms.len(), 5000 + 4999);
        for (at, pair) in chars.windows(2).enumerate() {
            let pair: String = pair.iter().collect();
            let positions = terms.get(&pair).map(|(_, p)| p.clone());
            // The title is empty: the deck starts at 1, the body 5,000 + 1 after it.
            let mut expected = vec![1 + at as u32];
            if at < 9 {
                expected.push(5002 + at as u32);
            }
            assert_eq!(positions, Some(expected), "{pair}");
        }
        let next = article_terms(&[(BODY, "一丁")]);
        assert_eq!(texts(&next), ["一", "一丁", "丁"]);
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
