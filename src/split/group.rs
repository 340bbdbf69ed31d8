//! Grouping: blocks → article drafts, in print order.
//!
//! For: finding where articles start (a headline block followed by a byline, or a prominent
//! heading followed by text), collecting body pieces, sidebars, captions and page/jump state.
//! Not for: repairing extraction damage (see `repair`) or choosing sections (see `section`).

use super::headline::{HeadLine, Headline, parse_headline};
use super::jump;
use super::lex::{Block, Kind};
use super::report::Dropped;
use super::rules::Rules;

/// One thing in an article body, in print order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A body paragraph; `lines` grows when repairs join continuations into it.
    Para { lines: Vec<usize>, text: String },
    /// A photo caption.
    Caption { line: usize, text: String },
    /// The first appearance of sidebar number `index` of the article.
    Sidebar { index: usize },
    /// A subheading inside the body.
    Subhead { line: usize, text: String },
    /// A dropped page marker or jump line: text may continue across it.
    Break { line: usize },
}

/// A sidebar box: a heading and its `●` items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sidebar {
    pub(crate) title: String,
    pub(crate) lines: Vec<usize>,
    pub(crate) items: Vec<Item>,
}

/// One sidebar item: a title (may be empty) and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) lines: Vec<usize>,
}

/// An article as found, before repairs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) headline: Headline,
    pub(crate) title_level: u8,
    /// Lines of the headline block and byline.
    pub(crate) head_lines: Vec<usize>,
    pub(crate) byline: Option<String>,
    pub(crate) byline_text: Option<String>,
    pub(crate) page: Option<String>,
    pub(crate) page_section: Option<String>,
    pub(crate) pieces: Vec<Piece>,
    pub(crate) sidebars: Vec<Sidebar>,
    pub(crate) open_sidebar: Option<usize>,
    pub(crate) awaiting_item_text: bool,
    pub(crate) jumped_out: bool,
}

impl Draft {
    pub(crate) fn has_paragraphs(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Para { .. }))
    }
}

/// Where a new article starts: its headline blocks, optional byline, and the next block.
struct Start {
    head: std::ops::Range<usize>,
    byline: Option<usize>,
    next: usize,
}

/// Grouping state while walking the blocks.
#[derive(Default)]
pub(crate) struct Grouper {
    pub(crate) drafts: Vec<Draft>,
    pub(crate) current: Option<usize>,
    pub(crate) dropped: Vec<Dropped>,
    pub(crate) warnings: Vec<String>,
    page: Option<String>,
    page_section: Option<String>,
    /// The previous block was a page marker: any heading may start an article.
    fresh_page: bool,
}

/// Groups lexed blocks into drafts; unplaceable lines go to `dropped` with a reason.
pub(crate) fn group(blocks: &[Block], rules: &Rules) -> Grouper {
    let mut g = Grouper::default();
    let mut i = 0;
    while i < blocks.len() {
        i = g.step(blocks, i, rules);
    }
    g
}

impl Grouper {
    fn step(&mut self, blocks: &[Block], i: usize, rules: &Rules) -> usize {
        let block = &blocks[i];
        let fresh_page = std::mem::take(&mut self.fresh_page);
        match &block.kind {
            Kind::Page { page, section } => {
                self.fresh_page = true;
                self.page = Some(page.clone());
                self.page_section = section.clone();
                self.drop_break(block, "page marker");
            }
            Kind::JumpOut => {
                if let Some(d) = self.current_mut() {
                    d.jumped_out = true;
                }
                self.drop_break(block, "jump line");
            }
            Kind::JumpIn => {
                self.current = jump::resume_target(&mut self.drafts).or(self.current);
                self.drop_break(block, "jump line");
            }
            Kind::Heading(_) => return self.heading(blocks, i, fresh_page, rules),
            Kind::Item { heading } => self.item(block, *heading),
            Kind::Para => self.para(block),
            Kind::Caption => self.caption(block),
            Kind::Byline => self.byline(block),
        }
        i + 1
    }

    pub(crate) fn current_mut(&mut self) -> Option<&mut Draft> {
        self.current.and_then(|c| self.drafts.get_mut(c))
    }

    pub(crate) fn drop_line(&mut self, block: &Block, reason: &str) {
        for &line in &block.lines {
            self.dropped.push(Dropped::new(line, reason, &block.raw));
        }
    }

    fn drop_break(&mut self, block: &Block, reason: &str) {
        self.drop_line(block, reason);
        if let Some(d) = self.current_mut() {
            d.pieces.push(Piece::Break { line: block.line() });
        }
    }

    fn outside(&mut self, block: &Block) {
        self.warnings.push(format!("line {}: text outside any article", block.line()));
        self.drop_line(block, "outside any article");
    }

    fn heading(&mut self, blocks: &[Block], i: usize, fresh_page: bool, rules: &Rules) -> usize {
        if let Some(next) = jump::repeated_headline(self, blocks, i) {
            return next;
        }
        let level = if fresh_page { None } else { self.title_level() };
        if let Some(start) = article_start(blocks, i, level, rules) {
            self.start_article(blocks, &start, rules);
            return start.next;
        }
        let followed_by_item =
            matches!(blocks.get(i + 1).map(|b| &b.kind), Some(Kind::Item { .. }));
        let block = &blocks[i];
        match self.current_mut() {
            None => self.outside(block),
            Some(d) if followed_by_item => open_sidebar(d, block),
            Some(d) => body_heading(d, block),
        }
        i + 1
    }

    fn title_level(&self) -> Option<u8> {
        self.current.and_then(|c| self.drafts.get(c)).map(|d| d.title_level)
    }

    fn start_article(&mut self, blocks: &[Block], start: &Start, rules: &Rules) {
        let head = &blocks[start.head.clone()];
        let lines: Vec<HeadLine> = head.iter().map(head_line).collect();
        let mut draft = Draft {
            headline: parse_headline(&lines, rules),
            title_level: lines.iter().filter_map(|(l, _)| *l).min().unwrap_or(6),
            head_lines: head.iter().flat_map(|b| b.lines.clone()).collect(),
            page: self.page.clone(),
            page_section: self.page_section.clone(),
            ..Draft::default()
        };
        if let Some(b) = start.byline.and_then(|b| blocks.get(b)) {
            set_byline(&mut draft, b);
        }
        self.drafts.push(draft);
        self.current = Some(self.drafts.len() - 1);
    }

    fn item(&mut self, block: &Block, heading: bool) {
        let Some(d) = self.current_mut() else { return self.outside(block) };
        let index = match d.open_sidebar {
            Some(index) => index,
            None => new_sidebar(d, String::new(), Vec::new()),
        };
        let (title, text) = if heading {
            (block.text.clone(), String::new())
        } else {
            (String::new(), block.text.clone())
        };
        if let Some(sidebar) = d.sidebars.get_mut(index) {
            sidebar.items.push(Item { title, text, lines: block.lines.clone() });
        }
        d.awaiting_item_text = heading;
    }

    fn para(&mut self, block: &Block) {
        let Some(d) = self.current_mut() else { return self.outside(block) };
        if std::mem::take(&mut d.awaiting_item_text)
            && let Some(item) = d.open_sidebar.and_then(|s| d.sidebars.get_mut(s)?.items.last_mut())
        {
            item.text = block.text.clone();
            item.lines.extend(&block.lines);
            return;
        }
        d.pieces.push(Piece::Para { lines: block.lines.clone(), text: block.text.clone() });
    }

    fn caption(&mut self, block: &Block) {
        let Some(d) = self.current_mut() else { return self.outside(block) };
        d.awaiting_item_text = false;
        d.pieces.push(Piece::Caption { line: block.line(), text: block.text.clone() });
    }

    fn byline(&mut self, block: &Block) {
        let Some(d) = self.current_mut() else { return self.outside(block) };
        if d.byline.is_none() {
            set_byline(d, block);
        } else {
            d.pieces.push(Piece::Para { lines: block.lines.clone(), text: block.raw.clone() });
        }
    }
}

fn head_line(block: &Block) -> HeadLine {
    match block.kind {
        Kind::Heading(level) => (Some(level), block.text.clone()),
        _ => (None, block.text.clone()),
    }
}

fn set_byline(draft: &mut Draft, block: &Block) {
    draft.byline = Some(block.raw.clone());
    draft.byline_text = Some(block.text.clone());
    draft.head_lines.extend(&block.lines);
}

fn new_sidebar(d: &mut Draft, title: String, lines: Vec<usize>) -> usize {
    d.sidebars.push(Sidebar { title, lines, items: Vec::new() });
    let index = d.sidebars.len() - 1;
    d.pieces.push(Piece::Sidebar { index });
    d.open_sidebar = Some(index);
    index
}

fn open_sidebar(d: &mut Draft, block: &Block) {
    d.awaiting_item_text = false;
    new_sidebar(d, block.text.clone(), block.lines.clone());
}

/// A heading inside an article that does not start a new one: between byline and first
/// paragraph it is the column (栏目) when there is none, else the subtitle when there is none;
/// otherwise it is a subheading of the body.
fn body_heading(d: &mut Draft, block: &Block) {
    d.awaiting_item_text = false;
    if !d.has_paragraphs() && d.headline.column.is_none() {
        d.headline.column = Some(block.text.clone());
    } else if !d.has_paragraphs() && d.headline.subtitle.is_none() {
        d.headline.subtitle = Some(block.text.clone());
    } else {
        d.pieces.push(Piece::Subhead { line: block.line(), text: block.text.clone() });
        return;
    }
    d.head_lines.extend(&block.lines);
}

fn is_short_line(block: &Block, rules: &Rules) -> bool {
    block.kind == Kind::Para
        && block.text.chars().count() <= rules.config.subtitle_max_chars
        && !super::junction::ends_sentence(&block.text)
}

/// Decides whether an article starts at block `i` (a heading).
///
/// Yes when a run of headings (plus up to two short plain lines) is followed by a byline;
/// also, without a byline, when the headings are followed by body text, are not a sidebar
/// heading (followed by `●` items), and are at least as prominent as the current article's
/// title (or there is no current article, or a page marker came right before).
fn article_start(blocks: &[Block], i: usize, level: Option<u8>, rules: &Rules) -> Option<Start> {
    let is_heading = |b: &Block| matches!(b.kind, Kind::Heading(_));
    let heads_end = i + blocks[i..].iter().take(6).take_while(|b| is_heading(b)).count();
    let plain = blocks[heads_end..].iter().take(2).take_while(|b| is_short_line(b, rules)).count();
    for end in heads_end..=heads_end + plain {
        if blocks.get(end).is_some_and(|b| b.kind == Kind::Byline) {
            return Some(Start { head: i..end, byline: Some(end), next: end + 1 });
        }
    }
    let next = blocks.get(heads_end)?;
    let body_follows = matches!(next.kind, Kind::Para | Kind::Caption | Kind::JumpIn);
    let top = blocks[i..heads_end].iter().filter_map(|b| match b.kind {
        Kind::Heading(l) => Some(l),
        _ => None,
    });
    let prominent = level.is_none_or(|current| top.min().is_some_and(|l| l <= current));
    (body_follows && prominent).then_some(Start {
        head: i..heads_end,
        byline: None,
        next: heads_end,
    })
}
