//! Text rules shared by every stage: HTML and YAML escaping, slugs, sentence ends, width and
//! space folding, Chinese numerals and UTF-8 decoding.
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
    // Copies the runs between special bytes whole: most text (CJK above all) has none, and
    // pushing it one `char` at a time was a visible share of rendering. The five specials
    // are ASCII, so a run never ends inside a multi-byte character.
    let mut run = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&text[run..]);
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

/// A YAML scalar for `text`: plain when YAML reads it back as the same string, else
/// double-quoted with escapes. Hand-written so only `content/` depends on a YAML crate.
pub(crate) fn yaml_scalar(text: &str) -> String {
    if yaml_plain_ok(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn yaml_plain_ok(text: &str) -> bool {
    const FIRST: &[char] = &[
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`', ' ',
    ];
    let special = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"];
    !text.is_empty()
        && !text.starts_with(FIRST)
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.chars().any(|c| c.is_control() || c == '\u{feff}')
        && !special.iter().any(|s| s.eq_ignore_ascii_case(text))
        && !looks_numeric(text)
}

fn looks_numeric(text: &str) -> bool {
    let t = text.trim_start_matches(['+', '-']);
    t.parse::<f64>().is_ok()
        || t.starts_with("0x")
        || t.starts_with("0o")
        || t.eq_ignore_ascii_case(".inf")
        || t.eq_ignore_ascii_case(".nan")
}

/// Full-width ASCII (`Ａ０１`, `（`) folded to ASCII, ideographic and no-break spaces to a
/// space: for matching patterns, never for text that is printed.
pub(crate) fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            c => fold_space(c),
        })
        .collect()
}

/// No-break, figure, narrow and ideographic spaces (U+00A0, U+2007, U+202F, U+3000) as an
/// ASCII space; everything else unchanged.
pub(crate) fn normalize_spaces(text: &str) -> String {
    text.chars().map(fold_space).collect()
}

fn fold_space(c: char) -> char {
    match c {
        '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' => ' ',
        c => c,
    }
}

/// The value of a number written in Arabic digits or Chinese numerals (`12`, `十二`, `一百零五`).
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    let digit = |c: char| {
        let at = "零〇一二三四五六七八九".chars().position(|d| d == c)?;
        u32::try_from(at.saturating_sub(1)).ok()
    };
    let (mut total, mut current, mut seen) = (0u32, 0u32, false);
    for c in text.chars() {
        match c {
            '十' | '百' => {
                let unit = if c == '十' { 10 } else { 100 };
                total += current.max(1) * unit;
                current = 0;
            }
            '两' => current = 2,
            c => current = digit(c)?,
        }
        seen = true;
    }
    seen.then_some(total + current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_replaces_the_five_specials_and_keeps_everything_else() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("青岛日报/观海新闻"), "青岛日报/观海新闻");
        assert_eq!(
            escape_html("<b>“标题” & 'x'</b>"),
            "&lt;b&gt;“标题” &amp; &#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(escape_html("a\"b\"&"), "a&quot;b&quot;&amp;");
        assert_eq!(escape_html("&&末"), "&amp;&amp;末");
    }

    #[test]
    fn yaml_scalars_are_plain_only_when_safe() {
        assert_eq!(yaml_scalar("“七大行动”打造"), "“七大行动”打造");
        assert_eq!(yaml_scalar("2024-05-24"), "2024-05-24");
        assert_eq!(yaml_scalar("a.md:3-11"), "a.md:3-11");
        assert_eq!(yaml_scalar("02"), "\"02\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("— Jane: \"hi\""), "\"— Jane: \\\"hi\\\"\"");
        assert_eq!(yaml_scalar("> quote"), "\"> quote\"");
    }

    #[test]
    fn numbers_and_widths() {
        assert_eq!(parse_number("05"), Some(5));
        assert_eq!(parse_number("二"), Some(2));
        assert_eq!(parse_number("十二"), Some(12));
        assert_eq!(parse_number("二十"), Some(20));
        assert_eq!(parse_number("一百零五"), Some(105));
        assert_eq!(parse_number("A1"), None);
        assert_eq!(fold_width("第Ａ０５版\u{3000}要闻"), "第A05版 要闻");
    }

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
