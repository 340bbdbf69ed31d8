//! Grouping: blocks → article drafts, in print order.
//!
//! For: walking the lexed issue once, starting articles where `start` finds a headline block,
//! sending each body piece, byline, caption and sidebar to the right article, and following
//! page markers and jumps (a continuation goes back to the article it continues, across any
//! number of articles between). Not for: repairing extraction damage (see `repair`) or choosing
//! sections (see `section`).

use super::draft::{BylineLine, Draft, Item, Piece, Sidebar};
use super::headline::{HeadLine, parse_headline};
use super::jump::{Jumps, Resume};
use super::junction::ends_sentence;
use super::lex::{Block, Jump, Kind};
use super::report::{Dropped, Review};
use super::rules::Rules;
use super::start::{self, Context, Shape, Start};

/// Grouping state while walking the blocks, and what it found.
#[derive(Default)]
pub(crate) struct Grouper {
    pub(crate) drafts: Vec<Draft>,
    pub(crate) dropped: Vec<Dropped>,
    pub(crate) warnings: Vec<String>,
    pub(crate) review: Vec<Review>,
    pub(crate) jumps: Jumps,
    current: Option<usize>,
    page: Option<String>,
    page_section: Option<String>,
    /// The current article has ended on this page: a page marker, jump-out, closing byline,
    /// signature or end mark came after its text.
    ended: bool,
    /// The text being read continues an article that is not in this issue.
    orphan: bool,
    /// A masthead is printed above the first text: short lines there are page furniture.
    furniture: bool,
}

/// Groups lexed blocks into drafts; unplaceable lines go to `dropped` with a reason.
pub(crate) fn group(blocks: &[Block], rules: &Rules) -> Grouper {
    let first_text = blocks
        .iter()
        .position(|b| b.kind == Kind::Para && ends_sentence(&b.text))
        .unwrap_or(blocks.len());
    let mut g = Grouper {
        furniture: blocks[..first_text].iter().any(|b| b.kind == Kind::Masthead),
        ..Grouper::default()
    };
    let mut i = 0;
    while i < blocks.len() {
        i = g.step(blocks, i, rules).max(i + 1);
    }
    g
}

impl Grouper {
    fn step(&mut self, blocks: &[Block], i: usize, rules: &Rules) -> usize {
        let block = &blocks[i];
        match &block.kind {
            Kind::Page { page, section } => {
                self.set_page(page, section.as_deref());
                self.drop_break(block, "page marker");
            }
            Kind::Masthead => self.masthead(block),
            Kind::JumpOut(jump) => self.jump_out(block, jump),
            Kind::JumpIn(jump) => self.jump_in(block, jump),
            Kind::End => {
                self.drop_line(block, "end mark");
                self.ended = true;
            }
            Kind::Heading(_) => return self.heading(blocks, i, rules),
            Kind::Para => return self.para(blocks, i, rules),
            Kind::Item { heading } => self.item(block, *heading),
            Kind::Caption => {
                self.piece(block, Piece::Caption { line: block.line(), text: block.text.clone() })
            }
            Kind::Image { src } => {
                let image =
                    Piece::Image { line: block.line(), src: src.clone(), alt: block.text.clone() };
                self.piece(block, image)
            }
            Kind::Quote => {
                let quote = Piece::Quote {
                    line: block.line(),
                    text: block.text.clone(),
                    raw: block.raw.clone(),
                };
                self.piece(block, quote);
            }
            Kind::Byline => self.byline(block, false),
            Kind::Signature => self.byline(block, true),
        }
        i + 1
    }

    fn current_mut(&mut self) -> Option<&mut Draft> {
        self.current.and_then(|c| self.drafts.get_mut(c))
    }

    fn context(&self) -> Context {
        let draft = self.current.and_then(|c| self.drafts.get(c)).filter(|_| !self.ended);
        Context {
            level: draft.map(|d| d.title_level),
            cut: draft.and_then(Draft::last_paragraph).is_some_and(|t| !ends_sentence(t)),
        }
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

    fn note(&mut self, block: &Block, what: impl Into<String>) {
        self.review.push(Review::new([block.line(), block.last_line()], what, &block.raw));
    }

    fn set_page(&mut self, page: &str, section: Option<&str>) {
        self.page = Some(page.to_owned());
        self.page_section = section.map(str::to_owned);
        self.ended = true;
    }

    fn masthead(&mut self, block: &Block) {
        match &block.folio {
            Some((page, section)) => {
                self.set_page(page, section.as_deref());
                self.drop_break(block, "masthead");
            }
            None => self.drop_line(block, "masthead"),
        }
    }

    fn outside(&mut self, block: &Block) {
        if self.drafts.is_empty() && self.furniture {
            return self.drop_line(block, "masthead");
        }
        if self.orphan {
            return self.drop_line(block, "continuation of an article not in this issue");
        }
        self.warnings.push(format!("line {}: text outside any article", block.line()));
        self.drop_line(block, "outside any article");
    }

    fn piece(&mut self, block: &Block, piece: Piece) {
        if self.orphan || self.current.is_none() {
            return self.outside(block);
        }
        if let Some(d) = self.current_mut() {
            d.awaiting_item_text = false;
            d.pieces.push(piece);
        }
    }

    fn heading(&mut self, blocks: &[Block], i: usize, rules: &Rules) -> usize {
        if let Some(next) = self.jump_headline(blocks, i) {
            return next;
        }
        if let Some(start) = start::find(blocks, i, self.context(), rules) {
            return self.start_article(blocks, &start, rules);
        }
        let block = &blocks[i];
        let followed_by_item =
            matches!(blocks.get(i + 1).map(|b| &b.kind), Some(Kind::Item { .. }));
        if self.orphan || self.current.is_none() {
            self.outside(block);
        } else if let Some(d) = self.current_mut() {
            if followed_by_item { open_sidebar(d, block) } else { body_heading(d, block) }
        }
        i + 1
    }

    fn para(&mut self, blocks: &[Block], i: usize, rules: &Rules) -> usize {
        let block = &blocks[i];
        if let Some(Kind::JumpIn(jump)) = blocks.get(i + 1).map(|b| &b.kind)
            && is_slug_line(&block.text)
            && self.resume(blocks, i, Some(jump), i + 1, false)
        {
            return i + 2;
        }
        if start::is_head_line(block, rules)
            && let Some(start) = start::find(blocks, i, self.context(), rules)
        {
            return self.start_article(blocks, &start, rules);
        }
        if self.orphan || self.current.is_none() {
            self.outside(block);
            return i + 1;
        }
        self.ended = false;
        if let Some(d) = self.current_mut() {
            if std::mem::take(&mut d.awaiting_item_text)
                && let Some(item) =
                    d.open_sidebar.and_then(|s| d.sidebars.get_mut(s)?.items.last_mut())
            {
                item.text = block.text.clone();
                item.lines.extend(&block.lines);
                return i + 1;
            }
            d.pieces.push(Piece::Para { lines: block.lines.clone(), text: block.text.clone() });
        }
        i + 1
    }

    /// A headline printed over a continuation: headings followed by a jump-in line, or
    /// headings repeating the title of an article that jumped, followed by text.
    fn jump_headline(&mut self, blocks: &[Block], i: usize) -> Option<usize> {
        let end = i + blocks[i..].iter().take(3).take_while(|b| b.level().is_some()).count();
        match &blocks.get(end)?.kind {
            Kind::JumpIn(jump) if self.resume(blocks, i, Some(jump), end, false) => Some(end + 1),
            Kind::Para if self.jumps.any_open() && self.resume(blocks, i, None, end, true) => {
                Some(end)
            }
            _ => None,
        }
    }

    /// Resumes the article continued by the head lines `i..end` (and the jump-in line at `end`
    /// when `jump` is given); drops those lines. Returns whether an article was found.
    fn resume(
        &mut self,
        blocks: &[Block],
        i: usize,
        jump: Option<&Jump>,
        end: usize,
        headline_only: bool,
    ) -> bool {
        let head: Vec<&str> = blocks[i..end].iter().map(|b| b.text.as_str()).collect();
        let head = head.join(" ");
        let here = self.page.clone();
        let at = Resume { here: here.as_deref(), jump, head: Some(&head), line: blocks[i].line() };
        let Some(target) = self.jumps.resume(at, headline_only) else { return false };
        for block in &blocks[i..end] {
            self.drop_line(block, "jump headline");
        }
        if jump.is_some() {
            self.drop_line(&blocks[end], "jump line");
        }
        self.continue_in(target, blocks[i].line());
        true
    }

    fn continue_in(&mut self, target: usize, line: usize) {
        self.current = Some(target);
        self.ended = false;
        self.orphan = false;
        if let Some(d) = self.current_mut() {
            d.pieces.push(Piece::Break { line });
        }
    }

    fn jump_out(&mut self, block: &Block, jump: &Jump) {
        if let Some(c) = self.current.filter(|_| !self.orphan)
            && let Some(d) = self.drafts.get(c)
        {
            let title = d.headline.title.clone();
            self.jumps.jump_out(c, &title, block.line(), jump, self.page.as_deref());
        }
        self.drop_break(block, "jump line");
        self.ended = true;
    }

    fn jump_in(&mut self, block: &Block, jump: &Jump) {
        self.drop_line(block, "jump line");
        let here = self.page.clone();
        let at = Resume { here: here.as_deref(), jump: Some(jump), head: None, line: block.line() };
        if let Some(target) = self.jumps.resume(at, false) {
            return self.continue_in(target, block.line());
        }
        let fresh = self.current_mut().is_some_and(|d| !d.has_paragraphs());
        if !fresh || self.ended {
            self.warnings.push(format!(
                "line {}: continuation of an article whose beginning is not in this issue",
                block.line()
            ));
            self.orphan = true;
            self.current = None;
        }
    }

    fn start_article(&mut self, blocks: &[Block], start: &Start, rules: &Rules) -> usize {
        let head: Vec<HeadLine> =
            start.head.iter().map(|&k| (blocks[k].level(), blocks[k].text.clone())).collect();
        let mut draft = Draft {
            headline: parse_headline(&head, rules),
            title_level: head.iter().filter_map(|(l, _)| *l).min().unwrap_or(6),
            head_lines: start.head.iter().flat_map(|&k| blocks[k].lines.clone()).collect(),
            page: self.page.clone(),
            page_section: self.page_section.clone(),
            roundup: start.shape == Shape::Roundup,
            ..Draft::default()
        };
        if let Some(b) = start.byline.and_then(|b| blocks.get(b)) {
            add_byline(&mut draft, b, false);
        }
        for (k, what) in &start.notes {
            self.note(&blocks[*k], what.clone());
        }
        self.drafts.push(draft);
        self.current = Some(self.drafts.len() - 1);
        self.ended = false;
        self.orphan = false;
        start.next
    }

    fn item(&mut self, block: &Block, heading: bool) {
        if self.orphan || self.current.is_none() {
            return self.outside(block);
        }
        let Some(d) = self.current_mut() else { return };
        if d.roundup {
            let (line, text) = (block.line(), block.text.clone());
            let piece = if heading {
                Piece::Subhead { line, text }
            } else {
                Piece::Para { lines: block.lines.clone(), text }
            };
            d.pieces.push(piece);
            return;
        }
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

    /// A byline before the body is the article's byline; one after it (`（本报记者 X）`) or a
    /// signature closes the article.
    fn byline(&mut self, block: &Block, signature: bool) {
        if self.orphan || self.current.is_none() {
            return self.outside(block);
        }
        let Some(d) = self.current_mut() else { return };
        let closing = d.has_paragraphs() || !d.bylines.is_empty();
        add_byline(d, block, signature);
        if closing {
            self.ended = true;
        }
    }
}

fn add_byline(draft: &mut Draft, block: &Block, signature: bool) {
    draft.bylines.push(BylineLine { raw: block.raw.clone(), text: block.text.clone(), signature });
    draft.head_lines.extend(&block.lines);
}

/// A slug line over a continuation: one to three words, no punctuation.
fn is_slug_line(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=3).contains(&words)
        && text.chars().count() <= 24
        && !text.contains(|c: char| c.is_ascii_punctuation() && c != '-' && c != '\'')
        && !ends_sentence(text)
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
/// otherwise it is a crosshead (小标题) of the body.
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
