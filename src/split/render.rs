//! Rendering an article as a content file: YAML front matter plus a Markdown body in which
//! source text is data (escaped), captions and sidebars are raw HTML blocks.
//!
//! For: file names, slugs, summaries, escaping. Not for: touching the disk (see `write`).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::article::{Article, Figure, Part};
use super::report::SidebarReport;
use crate::text::{escape_html, sentence_ends, slugify, yaml_scalar};

/// Renders the whole file for `article`, whose slug is `slug`.
pub(crate) fn render_file(
    article: &Article,
    slug: &str,
    issue: &str,
    source: &str,
    max: usize,
) -> String {
    let r = &article.report;
    let summary =
        summary(r.paragraphs.first().map_or("", String::as_str), r.dateline.as_deref(), max);
    let mut yaml = String::new();
    field(&mut yaml, "title", Some(&r.title));
    field(&mut yaml, "kicker", r.kicker.as_deref());
    field(&mut yaml, "subtitle", r.subtitle.as_deref());
    field(&mut yaml, "column", r.column.as_deref());
    list(&mut yaml, "authors", &r.authors);
    field(&mut yaml, "byline", r.byline.as_deref());
    field(&mut yaml, "agency", r.agency.as_deref());
    field(&mut yaml, "dateline", r.dateline.as_deref());
    field(&mut yaml, "date", Some(issue));
    field(&mut yaml, "issue", Some(issue));
    field(&mut yaml, "section", r.section.as_deref());
    field(&mut yaml, "page", r.page.as_deref());
    let _ = writeln!(yaml, "order: {}", r.order);
    field(&mut yaml, "slug", Some(slug));
    field(&mut yaml, "summary", summary.as_deref());
    list(&mut yaml, "pull_quotes", &r.pull_quotes);
    if r.truncated {
        yaml.push_str("truncated: true\n");
    }
    field(&mut yaml, "source", Some(&format!("{source}:{}-{}", r.lines[0], r.lines[1])));
    format!("---\n{yaml}---\n\n{}", render_body(&article.parts, &r.sidebars))
}

/// One `key: value` line of front matter; nothing when there is no value.
fn field(yaml: &mut String, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        let _ = writeln!(yaml, "{key}: {}", yaml_scalar(value));
    }
}

/// A list of strings, one `- item` line each; nothing when the list is empty.
fn list(yaml: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(yaml, "{key}:");
    for item in items {
        let _ = writeln!(yaml, "- {}", yaml_scalar(item));
    }
}

fn render_body(parts: &[Part], sidebars: &[SidebarReport]) -> String {
    let blocks: Vec<String> = parts
        .iter()
        .map(|part| match part {
            Part::Para(t) => escape_markdown(t),
            Part::Subhead(t) => format!("### {}", escape_markdown(t)),
            Part::Caption(t) => {
                format!(
                    "<figure class=\"caption\"><figcaption>{}</figcaption></figure>",
                    escape_html(t)
                )
            }
            Part::Sidebar(i) => sidebars.get(*i).map(render_sidebar).unwrap_or_default(),
            Part::Figure(figure) => render_figure(figure),
            Part::Image(_) => String::new(),
        })
        .filter(|b| !b.is_empty())
        .collect();
    let mut body = blocks.join("\n\n");
    body.push('\n');
    body
}

/// A figure as one raw HTML block: each picture (or, for a missing file, a comment naming it
/// and its source line), then the caption with the credit. The alt text is the one written
/// with the picture, else the caption, so a reader without the picture still learns what it
/// showed.
fn render_figure(figure: &Figure) -> String {
    let mut out = String::from("<figure class=\"photo\">\n");
    let fallback_alt = figure.caption.as_deref().unwrap_or_default();
    for photo in &figure.photos {
        if photo.missing {
            let src = photo.src.replace("--", "- -");
            let _ = writeln!(out, "<!-- missing image: {src} (source line {}) -->", photo.line);
            continue;
        }
        let alt = if photo.alt.is_empty() { fallback_alt } else { &photo.alt };
        let _ = writeln!(
            out,
            "<img src=\"{}\" alt=\"{}\">",
            escape_html(&photo.target),
            escape_html(alt)
        );
    }
    let caption = figure.caption.as_deref().map(escape_html);
    let credit = figure
        .credit
        .as_deref()
        .map(|c| format!("<span class=\"credit\">{}</span>", escape_html(c)));
    let text: Vec<String> = caption.into_iter().chain(credit).collect();
    if !text.is_empty() {
        let _ = writeln!(out, "<figcaption>{}</figcaption>", text.join(" "));
    }
    out.push_str("</figure>");
    out
}

fn render_sidebar(s: &SidebarReport) -> String {
    let mut out = String::from("<aside class=\"sidebar\">\n");
    if !s.title.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n", escape_html(&s.title)));
    }
    out.push_str("<ul>\n");
    for item in &s.items {
        let text = escape_html(&item.text);
        match item.title.is_empty() {
            true => out.push_str(&format!("<li>{text}</li>\n")),
            false => out.push_str(&format!(
                "<li><strong>{}</strong> {text}</li>\n",
                escape_html(&item.title)
            )),
        }
    }
    out.push_str("</ul>\n</aside>");
    out
}

/// Escapes one line of source text so Markdown shows it literally: inline markup anywhere,
/// block markers (`#`, `-`, `+`, `=`, `1.`) at the start.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        let inline = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~');
        let at_start = i == 0 && matches!(c, '#' | '-' | '+' | '=');
        let list = i == digits && digits > 0 && matches!(c, '.' | ')');
        if inline || at_start || list {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An ASCII slug for `title`, cut at a word boundary to ≤ 60 characters, unique among `taken`.
pub(crate) fn unique_slug(title: &str, taken: &mut BTreeSet<String>) -> String {
    let mut base = slugify(title);
    if base.is_empty() {
        base = "article".to_owned();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The first sentence(s) of `paragraph` (dateline removed), cut at a sentence end, ≤ `max`
/// characters; a first sentence longer than that is cut and ends with `…`.
pub(crate) fn summary(paragraph: &str, dateline: Option<&str>, max: usize) -> Option<String> {
    let text = dateline.and_then(|d| paragraph.strip_prefix(d)).unwrap_or(paragraph);
    let text = skip_credit(
        text.trim_start_matches(|c: char| c.is_whitespace() || "—–-,:，：".contains(c)),
    );
    let mut out = String::new();
    for sentence in sentences(text) {
        if out.chars().count() + sentence.chars().count() > max {
            break;
        }
        out.push_str(&sentence);
    }
    if out.is_empty() && !text.is_empty() {
        let cut: String = text.chars().take(max).collect();
        out = format!("{}…", cut.trim_end());
    }
    let out = out.trim().to_owned();
    (!out.is_empty()).then_some(out)
}

/// Skips a bracketed wire credit (`(记者 王强)`) opening the text.
fn skip_credit(text: &str) -> &str {
    let close = match text.chars().next() {
        Some('(') => ')',
        Some('（') => '）',
        _ => return text,
    };
    match text.find(close) {
        Some(end) if text[..end].chars().count() <= 20 => {
            text[end + close.len_utf8()..].trim_start()
        }
        _ => text,
    }
}

/// `text` cut after each sentence end (closing quotes stay with their sentence).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    for end in sentence_ends(text) {
        out.push(text[from..end].to_owned());
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown() {
        assert_eq!(escape_markdown("a < b & *c* [d]"), "a \\< b \\& \\*c\\* \\[d\\]");
        assert_eq!(escape_markdown("# x"), "\\# x");
        assert_eq!(escape_markdown("12. x"), "12\\. x");
        assert_eq!(escape_markdown("{{ x }}"), "{{ x }}");
    }

    #[test]
    fn slugs_are_short_and_unique() {
        let mut taken = BTreeSet::new();
        let a = unique_slug("City passes budget", &mut taken);
        let b = unique_slug("City passes budget", &mut taken);
        assert_eq!((a.as_str(), b.as_str()), ("city-passes-budget", "city-passes-budget-2"));
        let long = unique_slug(&"很长的标题".repeat(10), &mut taken);
        assert!(long.len() <= 60 && long.is_ascii(), "{long}");
        assert_eq!(unique_slug("★", &mut taken), "article");
    }

    #[test]
    fn summaries_cut_at_sentence_ends() {
        let s = summary("本报5月24日讯 第一句。第二句！", Some("本报5月24日讯"), 120);
        assert_eq!(s.as_deref(), Some("第一句。第二句！"));
        assert_eq!(summary("一二三。四五六。", None, 5).as_deref(), Some("一二三。"));
        assert_eq!(summary("没有句号的长句子", None, 3).as_deref(), Some("没有句…"));
        assert_eq!(
            summary("He said \"no.\" Then left.", None, 14).as_deref(),
            Some("He said \"no.\"")
        );
    }
}
