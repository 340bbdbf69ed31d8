//! Assembling a repaired draft into a finished article: dateline, authors and agency, pull
//! quotes, section, and the report entry that the writer and the JSON report share.
//!
//! For: turning grouping state into plain data. Not for: Markdown or YAML (see `render`).

use super::byline::{
    Credit, dateline_agency, dateline_credit, parse_byline, parse_dateline, parse_signature,
};
use super::draft::{Draft, Piece};
use super::report::{ArticleReport, ItemReport, Review, SidebarReport};
use super::rules::Rules;
use super::section::{self, Basis};

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

/// Builds the article numbered `order` from a repaired draft; a section chosen by anything
/// but a declared page section is listed in `review`.
pub(crate) fn assemble(
    draft: Draft,
    order: usize,
    truncated: bool,
    rules: &Rules,
    review: &mut Vec<Review>,
) -> Article {
    let (parts, pull_quotes) = parts(&draft.pieces);
    let paragraphs: Vec<String> = parts
        .iter()
        .filter_map(|p| if let Part::Para(t) = p { Some(t.clone()) } else { None })
        .collect();
    let first = paragraphs.first().map_or("", String::as_str);
    let dateline = parse_dateline(first, rules)
        .or_else(|| draft.bylines.first().and_then(|b| parse_dateline(&b.text, rules)));
    let (byline, credit) = credit(&draft, first, dateline.as_deref(), rules);
    let h = &draft.headline;
    let (section, basis) =
        section::choose(draft.page_section.as_deref(), h, &paragraphs.join("\n"), rules);
    let used_lines = used_lines(&draft);
    let lines = [
        used_lines.iter().min().copied().unwrap_or(0),
        used_lines.iter().max().copied().unwrap_or(0),
    ];
    if let Some(what) = section_note(section.as_deref(), basis, rules) {
        review.push(Review::new(lines, format!("`{}`: {what}", h.title), &h.title));
    }
    let report = ArticleReport {
        order,
        title: h.title.clone(),
        kicker: h.kicker.clone(),
        subtitle: h.subtitle.clone(),
        column: h.column.clone(),
        authors: credit.authors,
        byline,
        agency: credit.agency,
        dateline,
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
        pull_quotes,
        paragraphs,
        truncated,
        used_lines,
        file: String::new(),
    };
    Article { report, parts }
}

fn section_note(section: Option<&str>, basis: Basis, rules: &Rules) -> Option<String> {
    let name = section?;
    match basis {
        Basis::Page => None,
        Basis::Undeclared if rules.sections.is_empty() => None,
        Basis::Undeclared => {
            Some(format!("section `{name}` from the page marker is not declared in site.toml"))
        }
        Basis::Headline => Some(format!("section `{name}` guessed from a keyword in the headline")),
        Basis::Body => Some(format!("section `{name}` guessed from keywords in the text")),
        Basis::Default => Some(format!("section `{name}` is the default: nothing placed it")),
    }
}

/// The byline as printed and who it credits: every byline, closing byline and signature,
/// and the bracketed credit after the dateline (`本报北京5月11日电（记者 王强）`).
fn credit(
    draft: &Draft,
    first: &str,
    dateline: Option<&str>,
    rules: &Rules,
) -> (Option<String>, Credit) {
    let mut printed: Vec<String> = draft.bylines.iter().map(|b| b.raw.clone()).collect();
    let mut credit = Credit::default();
    for b in &draft.bylines {
        let found = if b.signature {
            Credit { authors: parse_signature(&b.text), agency: None }
        } else {
            parse_byline(&b.text, rules)
        };
        merge(&mut credit, found);
    }
    if let Some(bracket) = dateline_credit(first, rules) {
        merge(&mut credit, parse_byline(&bracket, rules));
        if printed.is_empty() {
            printed.push(bracket);
        }
    }
    if credit.agency.is_none() {
        credit.agency = dateline.and_then(|d| dateline_agency(d, rules));
    }
    let byline = (!printed.is_empty()).then(|| printed.join("; "));
    (byline, credit)
}

fn merge(into: &mut Credit, found: Credit) {
    for name in found.authors {
        if !into.authors.contains(&name) {
            into.authors.push(name);
        }
    }
    if into.agency.is_none() {
        into.agency = found.agency;
    }
}

/// The body parts, and the pull quotes: `> ` lines whose words the body repeats. A `> ` line
/// the body does not repeat is a paragraph as printed.
fn parts(pieces: &[Piece]) -> (Vec<Part>, Vec<String>) {
    let body: String = pieces
        .iter()
        .filter_map(
            |p| if let Piece::Para { text, .. } = p { Some(comparable(text)) } else { None },
        )
        .collect();
    let mut quotes = Vec::new();
    let parts = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Para { text, .. } => Some(Part::Para(text.clone())),
            Piece::Caption { text, .. } => Some(Part::Caption(text.clone())),
            Piece::Sidebar { index } => Some(Part::Sidebar(*index)),
            Piece::Subhead { text, .. } => Some(Part::Subhead(text.clone())),
            Piece::Quote { text, raw, .. } => {
                let key = comparable(text);
                if !key.is_empty() && body.contains(&key) {
                    quotes.push(text.clone());
                    None
                } else {
                    Some(Part::Para(raw.clone()))
                }
            }
            Piece::Break { .. } => None,
        })
        .collect();
    (parts, quotes)
}

/// Letters and digits only, lower-case: a pull quote drops quotation marks and may change
/// punctuation.
fn comparable(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn sidebar_report(s: &super::draft::Sidebar) -> SidebarReport {
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
            Piece::Caption { line, .. }
            | Piece::Subhead { line, .. }
            | Piece::Quote { line, .. } => {
                lines.push(*line);
            }
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
