//! Assembling a repaired draft into a finished article: dateline, authors, section, and the
//! report entry that the writer and the JSON report share.
//!
//! For: turning grouping state into plain data. Not for: Markdown or YAML (see `render`).

use super::group::{Draft, Piece};
use super::headline::{inline_credit, parse_authors, parse_dateline};
use super::report::{ArticleReport, ItemReport, SidebarReport};
use super::rules::Rules;
use super::section;

/// One body element in print order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Para(String),
    Caption(String),
    Sidebar(usize),
    Subhead(String),
}

/// A finished article: its report entry (all metadata) and its body.
#[derive(Debug, Clone)]
pub(crate) struct Article {
    pub(crate) report: ArticleReport,
    pub(crate) parts: Vec<Part>,
}

/// Builds the article numbered `order` from a repaired draft.
pub(crate) fn assemble(
    draft: Draft,
    order: usize,
    truncated: bool,
    rules: &Rules,
    warnings: &mut Vec<String>,
) -> Article {
    let parts = parts(&draft.pieces);
    let paragraphs: Vec<String> = parts
        .iter()
        .filter_map(|p| if let Part::Para(t) = p { Some(t.clone()) } else { None })
        .collect();
    let first = paragraphs.first().map_or("", String::as_str);
    let (byline, authors) = credit(&draft, first, rules);
    let body = paragraphs.join("\n");
    let h = &draft.headline;
    let section = section::choose(draft.page_section.as_deref(), h, &body, rules, warnings);
    let used_lines = used_lines(&draft);
    let lines = [
        used_lines.iter().min().copied().unwrap_or(0),
        used_lines.iter().max().copied().unwrap_or(0),
    ];
    let report = ArticleReport {
        order,
        title: h.title.clone(),
        kicker: h.kicker.clone(),
        subtitle: h.subtitle.clone(),
        column: h.column.clone(),
        authors,
        byline,
        dateline: parse_dateline(first, rules)
            .or_else(|| draft.byline_text.as_deref().and_then(|b| parse_dateline(b, rules))),
        section,
        page: draft.page.clone(),
        lines,
        captions: parts
            .iter()
            .filter_map(|p| if let Part::Caption(t) = p { Some(t.clone()) } else { None })
            .collect(),
        sidebars: draft.sidebars.iter().map(sidebar_report).collect(),
        subheads: parts
            .iter()
            .filter_map(|p| if let Part::Subhead(t) = p { Some(t.clone()) } else { None })
            .collect(),
        paragraphs,
        truncated,
        used_lines,
        file: String::new(),
    };
    Article { report, parts }
}

/// The byline and authors: from the byline block, else from a wire credit in the first
/// paragraph (`新华社上海6月1日电(记者 陈亮)`).
fn credit(draft: &Draft, first: &str, rules: &Rules) -> (Option<String>, Vec<String>) {
    match (&draft.byline, &draft.byline_text) {
        (Some(raw), Some(text)) => (Some(raw.clone()), parse_authors(text, rules)),
        _ => match inline_credit(first, rules) {
            Some(c) => {
                let authors = parse_authors(&c, rules);
                (Some(c), authors)
            }
            None => (None, Vec::new()),
        },
    }
}

fn parts(pieces: &[Piece]) -> Vec<Part> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Para { text, .. } => Some(Part::Para(text.clone())),
            Piece::Caption { text, .. } => Some(Part::Caption(text.clone())),
            Piece::Sidebar { index } => Some(Part::Sidebar(*index)),
            Piece::Subhead { text, .. } => Some(Part::Subhead(text.clone())),
            Piece::Break { .. } => None,
        })
        .collect()
}

fn sidebar_report(s: &super::group::Sidebar) -> SidebarReport {
    let items = s
        .items
        .iter()
        .map(|i| ItemReport { title: i.title.clone(), text: i.text.clone() })
        .collect();
    SidebarReport { title: s.title.clone(), items }
}

fn used_lines(draft: &Draft) -> Vec<usize> {
    let mut lines = draft.head_lines.clone();
    for piece in &draft.pieces {
        match piece {
            Piece::Para { lines: l, .. } => lines.extend(l),
            Piece::Caption { line, .. } | Piece::Subhead { line, .. } => lines.push(*line),
            Piece::Sidebar { .. } | Piece::Break { .. } => {}
        }
    }
    for s in &draft.sidebars {
        lines.extend(&s.lines);
        lines.extend(s.items.iter().flat_map(|i| i.lines.iter()));
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}
