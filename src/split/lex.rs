//! Lexing: one source line → one [`Block`] with a kind (heading, byline, caption, …).
//!
//! For: classifying lines one at a time, with the only look-back being a byline's role line.
//! Not for: deciding where articles start or which heading is the title (see `group`).

use super::rules::Rules;

/// What a source line is, judged by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A Markdown heading, `#` count 1..=6.
    Heading(u8),
    /// A byline (`□… 记者 X`, `By SAM LEE`), with any role line merged in.
    Byline,
    /// A photo caption; the text has its marker removed.
    Caption,
    /// A page marker such as `第A02版：经济`.
    Page {
        /// The page as printed (`A02`).
        page: String,
        /// The section named on the marker, if any.
        section: Option<String>,
    },
    /// A jump line where the article continues elsewhere (`转第A05版`).
    JumpOut,
    /// A jump line where a continued article resumes (`上接第A01版`).
    JumpIn,
    /// A sidebar item (`#### ●标题` when `heading`, or a plain `●text` line).
    Item {
        /// Whether the item was a heading (its text follows as one paragraph).
        heading: bool,
    },
    /// Anything else: body text (or a plain subtitle line, decided later).
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
}

impl Block {
    /// The first source line of the block.
    pub(crate) fn line(&self) -> usize {
        self.lines.first().copied().unwrap_or(0)
    }
}

/// Lexes every non-blank line of `text` into blocks, in source order.
pub(crate) fn lex(text: &str, rules: &Rules) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let raw = line.trim();
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
    let (level, text) = heading_level(raw);
    let (kind, text) = classify(level, text, rules);
    Block { kind, lines: vec![line], text: text.trim().to_owned(), raw: raw.to_owned() }
}

fn strip_marker<'a>(text: &'a str, markers: &[String]) -> Option<&'a str> {
    markers.iter().filter(|m| !m.is_empty()).find_map(|m| text.strip_prefix(m.as_str()))
}

fn classify<'a>(level: Option<u8>, text: &'a str, rules: &Rules) -> (Kind, &'a str) {
    let config = &rules.config;
    if let Some(rest) = strip_marker(text, &config.item_markers) {
        return (Kind::Item { heading: level.is_some() }, rest);
    }
    if let Some(kind) = page_marker(text, rules) {
        return (kind, text);
    }
    if Rules::any(&rules.jump_out, text) {
        return (Kind::JumpOut, text);
    }
    if Rules::any(&rules.jump_in, text) {
        return (Kind::JumpIn, text);
    }
    if let Some(rest) = strip_marker(text, &config.caption_markers) {
        return (Kind::Caption, rest);
    }
    if Rules::any(&rules.caption, text) {
        return (Kind::Caption, text);
    }
    match level {
        Some(level) => (Kind::Heading(level), text),
        None if is_byline(text, rules) => (Kind::Byline, text),
        None => (Kind::Para, text),
    }
}

/// A byline is short, has no sentence punctuation and matches a byline pattern.
fn is_byline(text: &str, rules: &Rules) -> bool {
    text.chars().count() <= 60
        && !text.contains(['。', '！', '？', '，', '；', '!', '?'])
        && Rules::any(&rules.byline, text)
}

fn page_marker(text: &str, rules: &Rules) -> Option<Kind> {
    let caps = rules.page.iter().find_map(|re| re.captures(text))?;
    let page = caps.name("page")?.as_str().to_uppercase();
    let section = caps.name("section").map(|m| m.as_str().trim().to_owned());
    Some(Kind::Page { page, section: section.filter(|s| !s.is_empty()) })
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
        assert_eq!(
            kinds(text),
            vec![
                page("A02", "经济"),
                Kind::Byline,
                Kind::JumpOut,
                Kind::JumpIn,
                Kind::Byline,
                page("B1", "Sports"),
                Kind::JumpOut,
                Kind::Caption
            ]
        );
    }

    #[test]
    fn a_sentence_opening_like_a_byline_is_a_paragraph() {
        assert_eq!(kinds("本报记者从市统计局获悉，今年一季度增长。"), vec![Kind::Para]);
        assert_eq!(kinds("#hashtag"), vec![Kind::Para]);
    }
}
