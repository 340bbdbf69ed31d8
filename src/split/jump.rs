//! Jump lines: an article printed in two parts (`转第A05版` … `上接第A01版`) becomes one.
//!
//! For: deciding which earlier article a continuation belongs to and dropping a repeated
//! headline over the continued part. Not for: recognising the jump lines (see `lex`).

use super::group::{Grouper, Piece};
use super::lex::{Block, Kind};

/// The article a `上接`/`Continued from` line resumes: the latest one that jumped out.
pub(crate) fn resume_target(drafts: &mut [super::group::Draft]) -> Option<usize> {
    let index = drafts.iter().rposition(|d| d.jumped_out)?;
    drafts[index].jumped_out = false;
    Some(index)
}

/// Handles a headline over a continued part: headings followed by a jump-in line, or
/// headings repeating (or shortening) the title of an article that jumped out, followed by
/// text. The headline lines are dropped as "jump headline"; returns the next block to read.
pub(crate) fn repeated_headline(g: &mut Grouper, blocks: &[Block], i: usize) -> Option<usize> {
    let end = i + blocks[i..].iter().take_while(|b| matches!(b.kind, Kind::Heading(_))).count();
    let next = blocks.get(end)?;
    let target = match next.kind {
        Kind::JumpIn if g.drafts.iter().any(|d| d.jumped_out) => None,
        Kind::Para => Some(similar_jumped(g, &blocks[i..end])?),
        _ => return None,
    };
    for block in &blocks[i..end] {
        g.drop_line(block, "jump headline");
    }
    if let Some(target) = target {
        g.drafts[target].jumped_out = false;
        g.current = Some(target);
        g.drafts[target].pieces.push(Piece::Break { line: blocks[i].line() });
    }
    Some(end)
}

fn similar_jumped(g: &Grouper, heads: &[Block]) -> Option<usize> {
    g.drafts
        .iter()
        .rposition(|d| d.jumped_out && heads.iter().any(|h| similar(&h.text, &d.headline.title)))
}

/// Whether a continuation headline repeats or shortens `title`.
fn similar(head: &str, title: &str) -> bool {
    let norm =
        |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let (head, title) = (norm(head), norm(title));
    !head.is_empty()
        && (title.contains(&head)
            || head.contains(&title)
            || strsim::normalized_levenshtein(&head, &title) >= 0.7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_titles_are_similar() {
        assert!(similar("Budget", "City passes budget after long night"));
        assert!(similar("青岛港吞吐量创新高", "青岛港吞吐量创新高"));
        assert!(!similar("Weather", "City passes budget"));
    }
}
