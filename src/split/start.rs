//! Where an article starts: a headline block read by position and shape, not by heading level.
//!
//! For: deciding, at a heading (or at the short plain lines printed above one), whether a new
//! story begins, which lines form its headline block and what the decision rested on.
//! Not for: the roles inside the block (see `headline`) or walking the issue (see `group`).

use super::byline::{dateline_credit, parse_dateline};
use super::headline::bracketed_column;
use super::junction::ends_sentence;
use super::lex::{Block, Kind};
use super::rules::Rules;

/// What the walker knows about the article being read when it meets a heading.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    /// The current article's title level; `None` when there is none or it has ended
    /// (a page marker, a jump line, a closing byline, a signature or an end mark came since).
    pub(crate) level: Option<u8>,
    /// The current article's last paragraph stops mid-sentence: a short line may go on with it.
    pub(crate) cut: bool,
}

/// What follows a headline block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A byline: always a story.
    Byline,
    /// Text whose first paragraph opens with a dateline: a wire or staff story.
    Wire,
    /// A caption (and credit): a photo story.
    Photo,
    /// `●` items under a roundup heading (`简讯`).
    Roundup,
    /// Plain body text.
    Body,
}

/// A story found at a block: its headline block, byline and where its body starts.
#[derive(Debug, Clone)]
pub(crate) struct Start {
    /// Indices of the headline block's blocks (kicker and column lines, headings, subtitle).
    pub(crate) head: Vec<usize>,
    /// Index of the byline block.
    pub(crate) byline: Option<usize>,
    /// The first block of the body.
    pub(crate) next: usize,
    pub(crate) shape: Shape,
    /// Heuristic decisions to list for review: (block index, what was decided).
    pub(crate) notes: Vec<(usize, String)>,
}

/// Decides whether a story starts at block `i`: a heading, or up to two short plain lines
/// (kicker, `【栏目】`) directly above one.
pub(crate) fn find(blocks: &[Block], i: usize, ctx: Context, rules: &Rules) -> Option<Start> {
    let pre = pre_lines(blocks, i, ctx, rules);
    let first = i + pre;
    let heads = blocks[first..].iter().take(6).take_while(|b| b.level().is_some()).count();
    if heads == 0 {
        return None;
    }
    let after = first + heads;
    let mut start =
        with_byline(blocks, i, after, rules).or_else(|| without_byline(blocks, i, after, rules))?;
    let top = blocks[first..after].iter().filter_map(Block::level).min().unwrap_or(6);
    let prominent = ctx.level.is_none_or(|current| top <= current);
    let story_shape =
        matches!(start.shape, Shape::Byline | Shape::Wire | Shape::Photo | Shape::Roundup);
    if !prominent && !story_shape {
        return None;
    }
    let numbered = blocks[first..after].iter().all(|b| is_numbered_crosshead(&b.text));
    if start.shape == Shape::Body && ctx.level.is_some() && numbered {
        return None;
    }
    if !prominent {
        let what = format!("a level-{top} heading starts a story ({:?} follows)", start.shape);
        start.notes.push((first, what.to_lowercase()));
    }
    for k in i..first {
        start.notes.push((k, "kicker or column decided by position above the headline".to_owned()));
    }
    Some(start)
}

/// A crosshead numbered as a list (`一、加装电梯`, `（二）…`, `3. …`) goes on the same story.
fn is_numbered_crosshead(text: &str) -> bool {
    let t = text.trim_start_matches(['（', '(']);
    let numeral =
        t.chars().take_while(|c| "一二三四五六七八九十".contains(*c) || c.is_ascii_digit()).count();
    numeral > 0 && t.chars().nth(numeral).is_some_and(|c| "、）).．".contains(c))
}

/// How many of the blocks from `i` are short plain lines above a heading (at most two).
fn pre_lines(blocks: &[Block], i: usize, ctx: Context, rules: &Rules) -> usize {
    if ctx.cut {
        return 0;
    }
    let n = blocks[i..].iter().take(2).take_while(|b| is_head_line(b, rules)).count();
    (0..=n).rev().find(|&k| blocks.get(i + k).is_some_and(|b| b.level().is_some())).unwrap_or(0)
}

/// A short plain line that reads as part of a headline: no sentence or clause end.
pub(crate) fn is_head_line(block: &Block, rules: &Rules) -> bool {
    let text = block.text.as_str();
    block.kind == Kind::Para
        && (bracketed_column(text).is_some()
            || text.chars().count() <= rules.config.subtitle_max_chars
                && !ends_sentence(text)
                && !text.ends_with(['，', ',', '、', '：', ':', '；', ';']))
}

/// Headings plus up to two short plain lines, then a byline.
fn with_byline(blocks: &[Block], i: usize, after: usize, rules: &Rules) -> Option<Start> {
    let plain = blocks[after..].iter().take(2).take_while(|b| is_head_line(b, rules)).count();
    let end =
        (after..=after + plain).find(|&e| blocks.get(e).is_some_and(|b| b.kind == Kind::Byline))?;
    let mut notes = Vec::new();
    for k in after..end {
        notes.push((k, "subtitle decided by position below the headline".to_owned()));
    }
    Some(Start {
        head: (i..end).collect(),
        byline: Some(end),
        next: end + 1,
        shape: Shape::Byline,
        notes,
    })
}

/// Headings, an optional subtitle line, then body text of some shape.
fn without_byline(blocks: &[Block], i: usize, after: usize, rules: &Rules) -> Option<Start> {
    let subtitle = subtitle_line(blocks, after, rules);
    let next = after + usize::from(subtitle);
    let shape = shape_at(blocks, next, &blocks[after.saturating_sub(1)], rules)?;
    let notes = if subtitle {
        vec![(after, "subtitle decided by position below the headline".to_owned())]
    } else {
        Vec::new()
    };
    Some(Start { head: (i..next).collect(), byline: None, next, shape, notes })
}

/// A plain line right below the headings is the subtitle when it is short and has no sentence
/// end (or opens with `——`), and body text follows it.
fn subtitle_line(blocks: &[Block], at: usize, rules: &Rules) -> bool {
    let Some(block) = blocks.get(at) else { return false };
    let dashed = matches!(block.kind, Kind::Para | Kind::Signature)
        && block.text.starts_with("——")
        && block.text.chars().count() <= 2 * rules.config.subtitle_max_chars;
    let short = is_head_line(block, rules) && bracketed_column(&block.text).is_none();
    let body_follows = blocks.get(at + 1).is_some_and(|b| {
        matches!(b.kind, Kind::Para | Kind::Caption | Kind::Quote | Kind::Image { .. })
            && !is_head_line(b, rules)
    });
    (dashed || short) && body_follows
}

/// What kind of text starts at `next`, below the heading `head`; `None` when it is not a
/// story's text (another heading, a page marker, or `●` items of a sidebar).
fn shape_at(blocks: &[Block], next: usize, head: &Block, rules: &Rules) -> Option<Shape> {
    let block = blocks.get(next)?;
    match block.kind {
        Kind::Para if parse_dateline(&block.text, rules).is_some() => Some(Shape::Wire),
        Kind::Para if dateline_credit(&block.text, rules).is_some() => Some(Shape::Wire),
        Kind::Para if photo_after(blocks, next + 1) => Some(Shape::Photo),
        Kind::Caption | Kind::Image { .. } => Some(Shape::Photo),
        Kind::Para | Kind::Quote | Kind::JumpIn(_) => Some(Shape::Body),
        Kind::Item { .. } if is_roundup(&head.text, rules) => Some(Shape::Roundup),
        _ => None,
    }
}

/// A caption or credit right after one short paragraph, and then the story ends.
fn photo_after(blocks: &[Block], at: usize) -> bool {
    let credit = blocks.get(at).is_some_and(|b| b.kind == Kind::Caption);
    let ends = blocks.get(at + 1).is_none_or(|b| {
        matches!(b.kind, Kind::Heading(_) | Kind::Page { .. } | Kind::Masthead | Kind::Caption)
    });
    credit && ends
}

/// Whether a heading names a roundup of short items (`简讯`, `In Brief`).
pub(crate) fn is_roundup(title: &str, rules: &Rules) -> bool {
    let lower = title.to_lowercase();
    rules.config.roundup_titles.iter().any(|t| !t.is_empty() && lower.contains(&t.to_lowercase()))
}
