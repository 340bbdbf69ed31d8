//! Text rules shared by every stage: HTML escaping, slugs, sentence ends and UTF-8 decoding.
//!
//! One copy of each, used by `split` and by the build alike. Pure functions on strings: no
//! I/O, no knowledge of articles or pages.

use anyhow::{Result, anyhow};

/// The longest slug derived from a title, in bytes.
pub(crate) const MAX_SLUG_LEN: usize = 60;

/// Characters that end a sentence, and what may close after them.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '…', '.'];
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '"', '\''];

/// Escapes text for HTML. Unlike Tera's default it leaves `/` alone, so URLs in attributes
/// stay readable and the post-processor sees them as written.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Turns `text` into an ASCII slug (CJK transliterated), cut at a word boundary.
pub(crate) fn slugify(text: &str) -> String {
    let full = slug::slugify(text);
    if full.len() <= MAX_SLUG_LEN {
        return full;
    }
    let cut = full[..=MAX_SLUG_LEN].rfind('-').unwrap_or(MAX_SLUG_LEN);
    full[..cut].trim_end_matches('-').to_owned()
}

/// Byte offsets just after each sentence end (including closing quotes).
pub(crate) fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !SENTENCE_ENDS.contains(&c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if !CLOSERS.contains(&next) && !SENTENCE_ENDS.contains(&next) {
                break;
            }
            end = j + next.len_utf8();
            chars.next();
        }
        let ascii_period_mid_word =
            c == '.' && chars.peek().is_some_and(|(_, n)| !n.is_whitespace());
        if !ascii_period_mid_word {
            ends.push(end);
        }
    }
    ends
}

/// Decodes a file's bytes as UTF-8; the error names the line of the first bad byte.
pub(crate) fn decode_utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow!("line {line}: the file is not valid UTF-8 (byte {at}); save it as UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_and_cut_at_a_word() {
        assert_eq!(slugify("青岛日报"), "qing-dao-ri-bao");
        let long = slugify(
            "青岛市少工委七届五次全会召开 奋力开创少先队事业 高质量发展新局面 张惠出席会议并讲话",
        );
        assert!(long.len() <= MAX_SLUG_LEN && !long.ends_with('-'), "{long}");
        assert_eq!(slugify("<b>Budget</b> vote!"), "b-budget-b-vote");
    }
}
