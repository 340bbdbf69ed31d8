//! Lexing: one source line → one [`Block`] with a kind (heading, byline, caption, …).
//!
//! For: classifying lines one at a time, with the only look-back being a byline's role line.
//! Not for: deciding where articles start or which heading is the title (see `group`).

use std::sync::LazyLock;

use regex::Regex;

use super::rules::Rules;
use crate::text::{fold_width, normalize_spaces, parse_number};

/// A whole line that is one Markdown image: `![alt](src)` or `![alt](src "title")`.
static MARKDOWN_IMAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"^!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^\s()<>]+)>?(?:\s+"[^"]*")?\s*\)$"#).ok()
});
/// A whole line that is one HTML `<img>` element, as some extractors write it.
static HTML_IMAGE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)^<img\b[^>]*>$"#).ok());
/// One attribute of an `<img>` line: `src="…"`, `alt='…'`.
static HTML_ATTR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?P<name>src|alt)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))"#,
    )
    .ok()
});

/// A jump line's target (or origin) page and the slug word it names, as far as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Jump {
    /// The page, normalised (`A5`, `2`): letters upper-case, no leading zeros, numerals Arabic.
    pub(crate) page: Option<String>,
    /// A one-word slug (`See HARBOR, A6`), lower-case.
    pub(crate) slug: Option<String>,
}

/// What a source line is, judged by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A Markdown heading, `#` count 1..=6.
    Heading(u8),
    /// A byline (`□… 记者 X`, `By SAM LEE`), with any role line merged in.
    Byline,
    /// A letter's signature (`— Jane Roe, Riverside`).
    Signature,
    /// A photo caption or credit; the text has its marker removed.
    Caption,
    /// A line that is only an image reference (`![alt](images/p1_3.jpg)` or `<img src=…>`);
    /// the block's text is the alt text.
    Image {
        /// The reference as written, relative to the source issue's folder.
        src: String,
    },
    /// A page marker such as `第A02版：经济`.
    Page {
        /// The page as printed (`A02`; Chinese numerals in Arabic digits).
        page: String,
        /// The section named on the marker, if any.
        section: Option<String>,
    },
    /// The masthead or a page's folio line (paper, date, weekday, issue number).
    Masthead,
    /// A jump line where the article continues elsewhere (`转第A05版`).
    JumpOut(Jump),
    /// A jump line where a continued article resumes (`上接第A01版`).
    JumpIn(Jump),
    /// A sidebar item (`#### ●标题` when `heading`, or a plain `●text` line).
    Item {
        /// Whether the item was a heading (its text follows as one paragraph).
        heading: bool,
    },
    /// A `> ` line: a pull quote when it repeats the body, else a paragraph.
    Quote,
    /// An end mark (`（完）`).
    End,
    /// Anything else: body text (or a plain kicker or subtitle line, decided later).
    Para,
}

/// One classified source line (a byline may span two lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) kind: Kind,
    /// 1-based source lines this block covers.
    pub(crate) lines: Vec<usize>,
    /// The text: heading marks and markers removed, trimmed.
    pub(crate) text: String,
    /// The trimmed source line as printed (for bylines: every line joined).
    pub(crate) raw: String,
    /// For a masthead or folio line that names a page: that page and section.
    pub(crate) folio: Option<(String, Option<String>)>,
}

impl Block {
    /// The first source line of the block.
    pub(crate) fn line(&self) -> usize {
        self.lines.first().copied().unwrap_or(0)
    }

    /// The last source line of the block.
    pub(crate) fn last_line(&self) -> usize {
        self.lines.last().copied().unwrap_or(0)
    }

    /// The heading level, if the block is a heading.
    pub(crate) fn level(&self) -> Option<u8> {
        match self.kind {
            Kind::Heading(level) => Some(level),
            _ => None,
        }
    }
}

/// Lexes every non-blank line of `text` into blocks, in source order. No-break and
/// ideographic spaces count as spaces (a full-width indent is not text).
pub(crate) fn lex(text: &str, rules: &Rules) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let normalized = normalize_spaces(line);
        let raw = normalized.trim();
        if raw.is_empty() {
            continue;
        }
        if let Some(last) = blocks.last_mut().filter(|b| b.kind == Kind::Byline)
            && Rules::any(&rules.byline_role, raw)
        {
            last.lines.push(index + 1);
            last.raw = format!("{}, {raw}", last.raw);
            continue;
        }
        blocks.push(lex_line(raw, index + 1, rules));
    }
    blocks
}

/// Splits `## text` into (Some(2), "text"); a line without heading marks gives (None, line).
pub(crate) fn heading_level(raw: &str) -> (Option<u8>, &str) {
    let hashes = raw.chars().take_while(|&c| c == '#').count();
    let rest = &raw[hashes..];
    if (1..=6).contains(&hashes) && rest.starts_with(char::is_whitespace) {
        let level = u8::try_from(hashes).unwrap_or(6);
        return (Some(level), rest.trim());
    }
    (None, raw)
}

fn lex_line(raw: &str, line: usize, rules: &Rules) -> Block {
    if let Some((src, alt)) = image_reference(raw) {
        let kind = Kind::Image { src };
        return Block { kind, lines: vec![line], text: alt, raw: raw.to_owned(), folio: None };
    }
    let (level, text) = heading_level(raw);
    let (kind, text) = classify(level, text, rules);
    let folio = (kind == Kind::Masthead).then(|| folio(text, rules)).flatten();
    Block { kind, lines: vec![line], text: text.trim().to_owned(), raw: raw.to_owned(), folio }
}

/// The `(src, alt)` of a line that is only an image reference, Markdown or HTML.
pub(crate) fn image_reference(raw: &str) -> Option<(String, String)> {
    if let Some(caps) = MARKDOWN_IMAGE.as_ref().and_then(|re| re.captures(raw)) {
        let src = caps.name("src")?.as_str().to_owned();
        return Some((src, caps.name("alt").map_or("", |m| m.as_str()).trim().to_owned()));
    }
    HTML_IMAGE.as_ref()?.find(raw)?;
    let (mut src, mut alt) = (None, String::new());
    for caps in HTML_ATTR.as_ref()?.captures_iter(raw) {
        let value =
            ["dq", "sq", "bare"].iter().find_map(|n| caps.name(n)).map_or("", |m| m.as_str());
        match caps.name("name").map(|m| m.as_str().to_ascii_lowercase()).as_deref() {
            Some("src") => src = Some(value.to_owned()),
            _ => alt = value.trim().to_owned(),
        }
    }
    Some((src.filter(|s| !s.trim().is_empty())?, alt))
}

fn strip_marker<'a>(text: &'a str, markers: &[String]) -> Option<&'a str> {
    markers.iter().filter(|m| !m.is_empty()).find_map(|m| text.strip_prefix(m.as_str()))
}

fn classify<'a>(level: Option<u8>, text: &'a str, rules: &Rules) -> (Kind, &'a str) {
    let config = &rules.config;
    let folded = fold_width(text);
    if let Some(rest) = strip_marker(text, &config.item_markers) {
        return (Kind::Item { heading: level.is_some() }, rest);
    }
    if let Some(kind) = furniture(&folded, rules) {
        return (kind, text);
    }
    if level.is_none()
        && let Some(rest) = text.strip_prefix('>')
    {
        return (Kind::Quote, rest.trim_start());
    }
    if let Some(rest) = strip_marker(text, &config.caption_markers) {
        return (Kind::Caption, rest);
    }
    if Rules::any(&rules.caption, text) {
        return (Kind::Caption, text);
    }
    match level {
        Some(level) => (Kind::Heading(level), text),
        None if is_short_credit(text) && Rules::any(&rules.signature, text) => {
            (Kind::Signature, text)
        }
        None if is_byline(text, rules) => (Kind::Byline, text),
        None => (Kind::Para, text),
    }
}

/// Page markers, mastheads, jump lines and end marks, matched on the width-folded text.
fn furniture(folded: &str, rules: &Rules) -> Option<Kind> {
    if let Some(kind) = page_marker(folded, rules) {
        return Some(kind);
    }
    if folded.chars().count() <= 120
        && !folded.contains(['。', '！', '？'])
        && Rules::any(&rules.masthead, folded)
    {
        return Some(Kind::Masthead);
    }
    if let Some(jump) = jump(folded, &rules.jump_out) {
        return Some(Kind::JumpOut(jump));
    }
    if let Some(jump) = jump(folded, &rules.jump_in) {
        return Some(Kind::JumpIn(jump));
    }
    Rules::any(&rules.end, folded).then_some(Kind::End)
}

fn is_short_credit(text: &str) -> bool {
    text.chars().count() <= 80 && !text.contains(['。', '！', '？', '!', '?'])
}

/// A byline is short, has no sentence punctuation and matches a byline pattern.
fn is_byline(text: &str, rules: &Rules) -> bool {
    text.chars().count() <= 60
        && !text.contains(['。', '！', '？', '，', '；', '!', '?'])
        && Rules::any(&rules.byline, text)
}

fn page_marker(text: &str, rules: &Rules) -> Option<Kind> {
    let caps = rules.page.iter().find_map(|re| re.captures(text))?;
    let page = print_page(caps.name("page")?.as_str());
    let section = caps.name("section").map(|m| m.as_str().trim().to_owned());
    Some(Kind::Page { page, section: section.filter(|s| !s.is_empty()) })
}

/// The page and section a folio line names (`2024年5月24日 星期五 第02版：要闻`).
fn folio(text: &str, rules: &Rules) -> Option<(String, Option<String>)> {
    let folded = fold_width(text);
    let starts = folded.match_indices(['第', 'P', 'p']).map(|(i, _)| i);
    starts.into_iter().find_map(|i| match page_marker(folded[i..].trim(), rules)? {
        Kind::Page { page, section } => Some((page, section)),
        _ => None,
    })
}

/// A page as printed, with Chinese numerals written in Arabic digits (`二` → `2`).
fn print_page(page: &str) -> String {
    match parse_number(page) {
        Some(n) if !page.starts_with(|c: char| c.is_ascii_digit()) => n.to_string(),
        _ => page.to_uppercase(),
    }
}

/// The comparable form of a printed page: `A05` → `A5`, `二` → `2`, `01` → `1`.
pub(crate) fn page_key(page: &str) -> String {
    let letters: String = page.chars().take_while(char::is_ascii_alphabetic).collect();
    let number = &page[letters.len()..];
    match parse_number(number) {
        Some(n) => format!("{}{n}", letters.to_uppercase()),
        None => page.to_uppercase(),
    }
}

fn jump(text: &str, patterns: &[regex::Regex]) -> Option<Jump> {
    let caps = patterns.iter().find_map(|re| re.captures(text))?;
    let page = caps.name("page").map(|m| page_key(m.as_str()));
    let slug = caps
        .name("slug")
        .map(|m| m.as_str().to_lowercase())
        .filter(|s| !matches!(s.as_str(), "page" | "continued" | "see" | "on"));
    Some(Jump { page, slug })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::split::SplitConfig;

    fn kinds(text: &str) -> Vec<Kind> {
        let rules = Rules::new(&SplitConfig::default(), &[]).unwrap();
        lex(text, &rules).into_iter().map(|b| b.kind).collect()
    }

    #[test]
    fn classifies_the_sample_conventions() {
        let text =
            "## 标题\n\n□青岛日报/观海新闻记者 刘佳旋\n\n#### ●算力设施“强基”\n■图片说明。\n正文。";
        assert_eq!(
            kinds(text),
            vec![
                Kind::Heading(2),
                Kind::Byline,
                Kind::Item { heading: true },
                Kind::Caption,
                Kind::Para
            ]
        );
    }

    #[test]
    fn classifies_other_papers() {
        let text = "第A02版：经济\n本报记者 张明 通讯员 刘芳\n(下转第A05版)\n上接第A01版\nBy SAM LEE\nStaff Writer\nPage B1 — Sports\nContinued on B2\n本报记者 王伟 摄";
        let page = |p: &str, s: &str| Kind::Page { page: p.into(), section: Some(s.into()) };
        let jump =
            |p: &str, s: Option<&str>| Jump { page: Some(p.into()), slug: s.map(Into::into) };
        let out = |p: &str, s: Option<&str>| Kind::JumpOut(jump(p, s));
        let jin = |p: &str, s: Option<&str>| Kind::JumpIn(jump(p, s));
        assert_eq!(
            kinds(text),
            vec![
                page("A02", "经济"),
                Kind::Byline,
                out("A5", None),
                jin("A1", None),
                Kind::Byline,
                page("B1", "Sports"),
                out("B2", None),
                Kind::Caption
            ]
        );
    }

    #[test]
    fn classifies_furniture_in_any_width_and_numerals() {
        let text = "第二版\n（下转第二版）\n(转第A05版)\n下转第4版\n（上接第一版）\n第Ｂ０３版：体育\nSee HARBOR, Page A6\nHARBOR, from A1\n人民日报 2024年5月24日 星期五 第27612期\nThursday, October 2, 2025\n（完）\n> “A quote.”\n— Jane Roe, Riverside";
        let jump =
            |p: &str, s: Option<&str>| Jump { page: Some(p.into()), slug: s.map(Into::into) };
        assert_eq!(
            kinds(text),
            vec![
                Kind::Page { page: "2".into(), section: None },
                Kind::JumpOut(jump("2", None)),
                Kind::JumpOut(jump("A5", None)),
                Kind::JumpOut(jump("4", None)),
                Kind::JumpIn(jump("1", None)),
                Kind::Page { page: "B03".into(), section: Some("体育".into()) },
                Kind::JumpOut(jump("A6", Some("harbor"))),
                Kind::JumpIn(jump("A1", Some("harbor"))),
                Kind::Masthead,
                Kind::Masthead,
                Kind::End,
                Kind::Quote,
                Kind::Signature,
            ]
        );
    }

    #[test]
    fn bylines_of_many_papers() {
        for line in [
            "文/记者 王小明",
            "文/图 记者 王小明",
            "记者 王小明 通讯员 李华 实习生 赵一",
            "（本报记者 王小明、李华）",
            "新华社记者 王小明",
            "By JANE DOE, Associated Press",
            "By Jane Doe Reuters",
            "本报评论员",
        ] {
            assert_eq!(kinds(line), vec![Kind::Byline], "{line}");
        }
        for line in [
            "新华社记者 王小明 摄",
            "王小明摄（新华社发）",
            "PHOTO BY JANE DOE: Crews at work.",
            "(AP Photo/John Roe)",
        ] {
            assert_eq!(kinds(line), vec![Kind::Caption], "{line}");
        }
    }

    #[test]
    fn image_lines_in_markdown_and_html() {
        let image = |src: &str| Kind::Image { src: src.into() };
        let text = "![](images/p1_3.jpg)\n![港口](./img/a%20b.png \"t\")\n<img src=\"p2.jpg\" alt='夜景'>\n<IMG SRC=x.jpg>\n![a](b.jpg) 和正文\n<img alt=\"no source\">";
        assert_eq!(
            kinds(text),
            vec![
                image("images/p1_3.jpg"),
                image("./img/a%20b.png"),
                image("p2.jpg"),
                image("x.jpg"),
                Kind::Para,
                Kind::Para
            ]
        );
        assert_eq!(image_reference("<img src=\"p2.jpg\" alt='夜景'>").unwrap().1, "夜景");
    }

    #[test]
    fn a_sentence_opening_like_a_byline_is_a_paragraph() {
        assert_eq!(kinds("本报记者从市统计局获悉，今年一季度增长。"), vec![Kind::Para]);
        assert_eq!(kinds("#hashtag"), vec![Kind::Para]);
    }
}
