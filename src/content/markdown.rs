//! Markdown → HTML fragment, and separately the text facts a page needs: summary, word count, reading
//! time and the plain text for search.
//!
//! pulldown-cmark with tables, footnotes and strikethrough. One tweak for Chinese and Japanese:
//! a soft line break between two CJK characters is dropped instead of becoming a space.
//! It knows nothing of templates or pages.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use crate::config::ReadingSpeed;
use crate::text::sentence_ends;

/// The text of one Markdown body, without its markup.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text {
    /// The text of the first paragraph.
    pub(crate) first_paragraph: String,
    /// All text, paragraphs separated by newlines (for search and counts).
    pub(crate) plain_text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

fn events(markdown: &str) -> Vec<Event<'_>> {
    drop_cjk_soft_breaks(Parser::new_ext(markdown, options()).collect())
}

/// The text facts of a Markdown body (for summaries, counts and search), without rendering
/// HTML: loading needs these for every article, the HTML only for pages being rendered.
pub(crate) fn text(markdown: &str) -> Text {
    let (first_paragraph, plain_text) = collect_text(&events(markdown));
    Text { first_paragraph, plain_text }
}

/// Renders a Markdown body to an HTML fragment.
///
/// An HTML comment left open (`<!--` with no `-->` after it) would hide the rest of the page,
/// footer and navigation included: from the first such one on, `<!--` is shown as text.
///
/// With `raw_html` false (`[markdown] unsafe_html = false`), raw HTML is dropped and link and
/// image targets that run script are replaced by `#`.
pub(crate) fn to_html(markdown: &str, raw_html: bool) -> String {
    to_marked_html(markdown, raw_html).html
}

/// A body rendered to HTML, and whether any of its markup came from the author's raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyHtml {
    pub(crate) html: String,
    /// Whether raw HTML was kept: without it, every tag is one pulldown-cmark wrote, in its
    /// fixed form (`<a href="…">`, double quotes, text and attribute values escaped).
    pub(crate) has_raw_html: bool,
}

/// [`to_html`], telling whether raw HTML was kept.
pub(crate) fn to_marked_html(markdown: &str, raw_html: bool) -> BodyHtml {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let events = events(markdown);
    let has_raw_html =
        raw_html && events.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    if raw_html {
        html::push_html(&mut html, events.into_iter());
    } else {
        html::push_html(&mut html, events.into_iter().filter_map(made_safe));
    }
    let html = match unclosed_comment(&html) {
        Some(at) => format!("{}{}", &html[..at], html[at..].replace("<!--", "&lt;!--")),
        None => html,
    };
    BodyHtml { html, has_raw_html }
}

/// `event` without raw HTML or script-running URLs: `None` for raw HTML, links to
/// `javascript:`, `vbscript:` or `data:` (and images from the first two) pointed at `#`.
fn made_safe(event: Event<'_>) -> Option<Event<'_>> {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => None,
        Event::Start(Tag::Link { link_type, dest_url, title, id })
            if runs_script(&dest_url, true) =>
        {
            Some(Event::Start(Tag::Link { link_type, dest_url: "#".into(), title, id }))
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id })
            if runs_script(&dest_url, false) =>
        {
            Some(Event::Start(Tag::Image { link_type, dest_url: "#".into(), title, id }))
        }
        other => Some(other),
    }
}

/// Whether a URL's scheme runs script (or, for links, embeds a document: `data:`). Browsers
/// skip leading spaces and control characters and ignore tabs and newlines inside the scheme.
fn runs_script(url: &str, link: bool) -> bool {
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|&c| c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let has_colon = url.contains(':');
    has_colon && (scheme == "javascript" || scheme == "vbscript" || (link && scheme == "data"))
}

/// An image the body of an article references (`![alt](src)` or `<img src alt>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) struct ImageRef {
    /// As written, relative to the article's folder.
    pub(crate) src: String,
    pub(crate) alt: String,
    /// The line of the article file.
    pub(crate) line: usize,
}

/// Markdown images `![alt](src)` and HTML `<img … src=… alt=…>`.
static IMAGE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^\s()<>]+)>?(?:\s+"[^"]*")?\s*\)|(?i)<img\b(?P<attrs>[^>]*)>"#).ok()
});
/// One `src` or `alt` attribute of an `<img>`.
static ATTR: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?i)\b(?P<name>src|alt)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))"#,
    )
    .ok()
});

/// The local images a body references, with their lines in the file (`body` starts at byte
/// `offset` of `file`). Links to other sites, root-relative and `data:` URLs are not local.
pub(crate) fn image_refs(body: &str, offset: usize, file: &str) -> Vec<ImageRef> {
    let Some(re) = IMAGE.as_ref() else { return Vec::new() };
    let first_line = file[..offset.min(file.len())].matches('\n').count() + 1;
    let mut refs = Vec::new();
    for (n, line) in body.lines().enumerate() {
        for caps in re.captures_iter(line) {
            let (src, alt) = match caps.name("attrs") {
                Some(attrs) => img_attributes(attrs.as_str()),
                None => (
                    caps.name("src").map(|m| m.as_str().to_owned()),
                    caps.name("alt").map_or(String::new(), |m| m.as_str().to_owned()),
                ),
            };
            let Some(src) = src.filter(|s| is_local(s)) else { continue };
            refs.push(ImageRef { src, alt, line: first_line + n });
        }
    }
    refs
}

fn img_attributes(attrs: &str) -> (Option<String>, String) {
    let (mut src, mut alt) = (None, String::new());
    let Some(re) = ATTR.as_ref() else { return (src, alt) };
    for caps in re.captures_iter(attrs) {
        let value =
            ["dq", "sq", "bare"].iter().find_map(|n| caps.name(n)).map_or("", |m| m.as_str());
        if caps.name("name").is_some_and(|m| m.as_str().eq_ignore_ascii_case("src")) {
            src = Some(value.to_owned());
        } else {
            alt = value.to_owned();
        }
    }
    (src, alt)
}

/// A reference to a file beside the article: not another site, not root-relative, not data.
fn is_local(src: &str) -> bool {
    let lower = src.trim().to_ascii_lowercase();
    !lower.is_empty()
        && !lower.starts_with('/')
        && !lower.starts_with("data:")
        && !lower.starts_with('#')
        && !lower.contains("://")
}

/// The byte offset of the first `<!--` that no `-->` closes.
pub(crate) fn unclosed_comment(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(start) = text[from..].find("<!--").map(|i| from + i) {
        match text[start + 4..].find("-->") {
            Some(end) => from = start + 4 + end + 3,
            None => return Some(start),
        }
    }
    None
}

/// Whether `c` is a Han, kana, hangul or CJK punctuation character.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3130..=0x318F
        | 0x31A0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

fn drop_cjk_soft_breaks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        if matches!(event, Event::SoftBreak) && between_cjk(&out, events.get(i + 1)) {
            continue;
        }
        out.push(event.clone());
    }
    out
}

fn between_cjk(before: &[Event<'_>], after: Option<&Event<'_>>) -> bool {
    let last = match before.last() {
        Some(Event::Text(text)) => text.chars().next_back(),
        _ => None,
    };
    let next = match after {
        Some(Event::Text(text)) => text.chars().next(),
        _ => None,
    };
    matches!((last, next), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b))
}

fn collect_text(events: &[Event<'_>]) -> (String, String) {
    let mut plain = String::new();
    let mut first = None;
    let mut paragraph_start = None;
    for event in events {
        match event {
            Event::Text(text) | Event::Code(text) => plain.push_str(text),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::Start(Tag::Paragraph) => paragraph_start = Some(plain.len()),
            Event::End(TagEnd::Paragraph) => {
                if let (None, Some(start)) = (&first, paragraph_start) {
                    first = Some(plain[start..].trim().to_owned()).filter(|p| !p.is_empty());
                }
                plain.push('\n');
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow) => plain.push('\n'),
            _ => {}
        }
    }
    (first.unwrap_or_default(), plain)
}

/// Cuts `text` after the last sentence end within `max_chars` characters; the whole first
/// sentence when even that is longer; `text` itself when it is short enough.
pub(crate) fn summarize(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let ends = sentence_ends(text);
    let within = ends.iter().copied().rfind(|&end| text[..end].chars().count() <= max_chars);
    match within.or_else(|| ends.first().copied()) {
        Some(end) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// Counts CJK characters and other words: (cjk, words).
pub(crate) fn count_text(text: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        // Most characters of a Chinese paper are unified ideographs: decide those first.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            cjk += 1;
            in_word = false;
        } else if is_cjk(c) {
            cjk += usize::from(!is_cjk_punctuation(c));
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word && is_word_char(c) {
            words += 1;
            in_word = true;
        }
    }
    (cjk, words)
}

/// CJK symbols and punctuation, full-width forms that are not letters or digits.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFE30..=0xFE4F)
        || (matches!(c as u32, 0xFF00..=0xFFEF) && !c.is_alphanumeric())
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() }
}

/// Minutes to read `text`, at least 1.
pub(crate) fn reading_time(text: &str, speed: &ReadingSpeed) -> u32 {
    let (cjk, words) = count_text(text);
    minutes_to_read(cjk, words, speed)
}

/// Minutes to read `cjk` CJK characters and `words` other words, at least 1.
pub(crate) fn minutes_to_read(cjk: usize, words: usize, speed: &ReadingSpeed) -> u32 {
    let minutes = cjk as f64 / f64::from(speed.cjk_chars_per_minute)
        + words as f64 / f64::from(speed.words_per_minute);
    (minutes.ceil() as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_break_between_cjk_is_dropped() {
        assert_eq!(to_html("青岛\n日报", true), "<p>青岛日报</p>\n");
    }

    #[test]
    fn soft_break_between_latin_words_stays() {
        assert_eq!(to_html("news\npaper", true), "<p>news\npaper</p>\n");
    }

    #[test]
    fn without_raw_html_tags_and_script_urls_are_gone() {
        let body = "<script>alert(1)</script>\n\nHi <b onclick=x>there</b> \
                    [a](javascript:alert(1)) [b](JaVaScRiPt:x) [e](<\tjavascript:x>) [c](data:text/html,x) \
                    <javascript:alert(2)> [ok](https://example.org/) `<script>`\n\n\
                    ![i](javascript:x) ![d](data:image/png;base64,AA)\n";
        let safe = to_html(body, false);
        assert!(!safe.contains("<script") && !safe.contains("<b "), "{safe}");
        assert!(!safe.to_ascii_lowercase().contains("href=\"javascript"), "{safe}");
        assert!(!safe.contains("src=\"javascript"), "{safe}");
        assert!(!safe.contains("data:text"), "{safe}");
        assert!(safe.contains("href=\"https://example.org/\""), "{safe}");
        assert!(safe.contains("&lt;script&gt;"), "code stays as text: {safe}");
        assert!(safe.contains("src=\"data:image/png"), "data: images are harmless: {safe}");
        let kept = to_html(body, true);
        assert!(kept.contains("<script>alert(1)</script>") && kept.contains("javascript:"));
    }

    #[test]
    fn tables_footnotes_strikethrough_work() {
        let html = to_html("| a |\n|---|\n| b |\n\n~~x~~ y[^1]\n\n[^1]: note\n", true);
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>x</del>"));
        assert!(html.contains("footnote"));
    }

    #[test]
    fn first_paragraph_and_plain_text() {
        let out = text("## 标题\n\n第一段。\n\n第二段。");
        assert_eq!(out.first_paragraph, "第一段。");
        assert!(out.plain_text.contains("第二段。"));
    }

    #[test]
    fn summary_cuts_at_chinese_sentence_end_with_closing_quote() {
        let text = "他说：“好。”然后走了。后面还有很长很长的一句话没有结束";
        assert_eq!(summarize(text, 12), "他说：“好。”然后走了。");
    }

    #[test]
    fn summary_keeps_short_text_and_english_abbreviations() {
        assert_eq!(summarize("短。", 10), "短。");
        assert_eq!(
            summarize("It cost 3.5 million. Then more text here.", 25),
            "It cost 3.5 million."
        );
    }

    #[test]
    fn reading_time_counts_cjk_characters_and_words() {
        let speed = ReadingSpeed { cjk_chars_per_minute: 10, words_per_minute: 2 };
        assert_eq!(count_text("青岛 daily news，日报"), (4, 2));
        assert_eq!(reading_time("青岛日报青岛日报青岛日报", &speed), 2);
        assert_eq!(reading_time("", &speed), 1);
    }
}
