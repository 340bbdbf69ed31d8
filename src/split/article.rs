//! Assembling a repaired draft into a finished article: dateline, authors and agency, pull
//! quotes, section, and the report entry that the writer and the JSON report share.
//!
//! For: turning grouping state into plain data. Not for: Markdown or YAML (see `render`).

use super::byline::{
    Credit, dateline_agency, dateline_credit, parse_byline, parse_dateline, parse_signature,
};
use super::draft::{Draft, Piece};
use super::report::{ArticleReport, ImageReport, ItemReport, Review, SidebarReport};
use super::rules::Rules;
use super::section::{self, Basis};

/// One body element in print order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Para(String),
    Caption(String),
    Sidebar(usize),
    Subhead(String),
    /// A photograph not yet joined to its caption (only while the parts are assembled).
    Image(Photo),
    /// One or more photographs with the caption and credit printed with them.
    Figure(Figure),
}

/// One photograph: where the source points, and where the content folder will hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Photo {
    /// The source line of the reference.
    pub(crate) line: usize,
    /// The reference as written in the source.
    pub(crate) src: String,
    /// The alt text written with it (may be empty).
    pub(crate) alt: String,
    /// The reference the article file uses (`images/p1_3.jpg`); set by `name_images`.
    pub(crate) target: String,
    /// The file was not found beside the source issue.
    pub(crate) missing: bool,
}

/// A figure: photographs (several for a photo story's group) and what is printed with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Figure {
    pub(crate) photos: Vec<Photo>,
    pub(crate) caption: Option<String>,
    pub(crate) credit: Option<String>,
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
    let parts = figures(parts, rules);
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
        captions: captions(&parts),
        images: Vec::new(),
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
            Piece::Image { line, src, alt } => Some(Part::Image(Photo {
                line: *line,
                src: src.clone(),
                alt: alt.clone(),
                target: String::new(),
                missing: false,
            })),
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

/// Joins each run of photographs with the caption lines printed right after it (a caption
/// and a credit at most), or else right before it, into one [`Part::Figure`]. A run of several
/// photographs sharing one caption is a photo story's group: one figure.
fn figures(parts: Vec<Part>, rules: &Rules) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    let mut rest = parts.into_iter().peekable();
    while let Some(part) = rest.next() {
        let Part::Image(first) = part else {
            out.push(part);
            continue;
        };
        let mut photos = vec![first];
        while let Some(Part::Image(photo)) = rest.next_if(|p| matches!(p, Part::Image(_))) {
            photos.push(photo);
        }
        let mut lines: Vec<String> = Vec::new();
        while lines.len() < 2 {
            let Some(Part::Caption(next)) = rest.peek() else { break };
            let fits = lines.is_empty()
                || is_credit(next, rules)
                || lines.iter().all(|l| is_credit(l, rules));
            if !fits {
                break;
            }
            if let Some(Part::Caption(text)) = rest.next() {
                lines.push(text);
            }
        }
        if lines.is_empty()
            && matches!(out.last(), Some(Part::Caption(_)))
            && let Some(Part::Caption(text)) = out.pop()
        {
            lines.push(text);
        }
        let (caption, credit) = caption_and_credit(lines, rules);
        out.push(Part::Figure(Figure { photos, caption, credit }));
    }
    out
}

/// Sorts a figure's caption lines into the caption and the photographer's credit.
fn caption_and_credit(lines: Vec<String>, rules: &Rules) -> (Option<String>, Option<String>) {
    let (credits, captions): (Vec<String>, Vec<String>) =
        lines.into_iter().partition(|l| is_credit(l, rules));
    let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(" "));
    (join(captions), join(credits))
}

/// A credit line: short, no sentence, and matching a caption pattern (`本报记者 王伟 摄`,
/// `Photo: Jane Doe`, `(AP Photo/John Roe)`).
fn is_credit(text: &str, rules: &Rules) -> bool {
    text.chars().count() <= 40
        && !text.contains(['。', '！', '？'])
        && !text.ends_with('.')
        && Rules::any(&rules.caption, text)
}

/// Every caption and credit line, figures' included, in print order.
fn captions(parts: &[Part]) -> Vec<String> {
    let mut out = Vec::new();
    for part in parts {
        match part {
            Part::Caption(text) => out.push(text.clone()),
            Part::Figure(f) => out.extend(f.caption.iter().chain(&f.credit).cloned()),
            _ => {}
        }
    }
    out
}

/// Gives every photograph of the issue its name in the shared `images/` folder of the issue
/// (the source file's name, made ASCII, numbered on a clash, the same for the same source),
/// marks the ones `present` says are not there, and lists them all in each article's report.
pub(crate) fn name_images(articles: &mut [Article], present: &dyn Fn(&str) -> bool) {
    let mut names: std::collections::BTreeMap<String, String> = Default::default();
    let mut taken = std::collections::BTreeSet::new();
    for article in articles.iter_mut() {
        let mut reports = Vec::new();
        for part in &mut article.parts {
            let Part::Figure(figure) = part else { continue };
            for photo in &mut figure.photos {
                photo.target = if is_remote(&photo.src) {
                    photo.src.clone()
                } else {
                    let name = names
                        .entry(photo.src.clone())
                        .or_insert_with(|| unique_name(&photo.src, &mut taken));
                    format!("images/{name}")
                };
                photo.missing = !is_remote(&photo.src) && !present(&photo.src);
                reports.push(ImageReport {
                    src: photo.src.clone(),
                    file: photo.target.clone(),
                    line: photo.line,
                    caption: figure.caption.clone(),
                    credit: figure.credit.clone(),
                    missing: photo.missing,
                });
            }
        }
        article.report.images = reports;
    }
}

/// A reference to another site or inline data: kept as written, never copied.
pub(crate) fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    ["http://", "https://", "//", "data:"].iter().any(|p| lower.starts_with(p))
}

/// The file name of `src`, with only ASCII letters, digits, `.`, `_` and `-`, unique in `taken`.
fn unique_name(src: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let file = src.rsplit(['/', '\\']).next().unwrap_or(src).replace("%20", "-");
    let clean: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches(['-', '.']).to_owned();
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (if clean.is_empty() { "image".to_owned() } else { clean.clone() }, String::new()),
    };
    let mut name = format!("{stem}{ext}");
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{stem}-{n}{ext}");
        n += 1;
    }
    name
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
            | Piece::Image { line, .. }
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
