//! An article as found in the issue, before repairs: its headline block, bylines and the body
//! pieces in print order.
//!
//! For: the plain data `group` fills and `repair` and `article` read. Not for: deciding
//! anything.

use super::headline::Headline;

/// One thing in an article body, in print order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A body paragraph; `lines` grows when repairs join continuations into it.
    Para { lines: Vec<usize>, text: String },
    /// A photo caption or credit.
    Caption { line: usize, text: String },
    /// An image reference (`src` as written in the source) with its alt text.
    Image { line: usize, src: String, alt: String },
    /// The first appearance of sidebar number `index` of the article.
    Sidebar { index: usize },
    /// A subheading (crosshead) inside the body.
    Subhead { line: usize, text: String },
    /// A `> ` line: a pull quote when it repeats the body.
    Quote { line: usize, text: String, raw: String },
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

/// A byline as printed: the whole line(s) and the text to read names from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BylineLine {
    pub(crate) raw: String,
    pub(crate) text: String,
    /// A letter's signature rather than a byline.
    pub(crate) signature: bool,
}

/// An article as found, before repairs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) headline: Headline,
    pub(crate) title_level: u8,
    /// Lines of the headline block and bylines.
    pub(crate) head_lines: Vec<usize>,
    /// Every byline, closing byline and signature, in print order.
    pub(crate) bylines: Vec<BylineLine>,
    pub(crate) page: Option<String>,
    pub(crate) page_section: Option<String>,
    pub(crate) pieces: Vec<Piece>,
    pub(crate) sidebars: Vec<Sidebar>,
    pub(crate) open_sidebar: Option<usize>,
    pub(crate) awaiting_item_text: bool,
    /// A roundup (`简讯`): its `●` items are the body.
    pub(crate) roundup: bool,
}

impl Draft {
    /// Whether the body has a paragraph yet.
    pub(crate) fn has_paragraphs(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Para { .. }))
    }

    /// The text of the last body paragraph.
    pub(crate) fn last_paragraph(&self) -> Option<&str> {
        self.pieces.iter().rev().find_map(|p| match p {
            Piece::Para { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    /// Whether the article ends with a signature (a complete letter).
    pub(crate) fn signed(&self) -> bool {
        self.bylines.last().is_some_and(|b| b.signature)
    }
}
