//! Repairs of extraction damage inside one article, in this order: drop exact duplicate
//! paragraphs, join cut paragraphs with their continuation, mark fragments and truncation.
//!
//! For: rewriting a draft's body pieces and recording every change. Not for: judging a
//! junction (see `junction`) or finding articles (see `group`).

use super::draft::{Draft, Piece};
use super::junction::{Junction, ends_sentence, ends_with_colon, join_text};
use super::report::{Dropped, Fragment, Joined, Review};

/// A repeated paragraph shorter than this (in characters) is kept: short lines (`是的。`)
/// recur in print; long ones recur only by extraction damage.
const DUPLICATE_MIN_CHARS: usize = 20;

/// What the repairs recorded.
#[derive(Debug, Default)]
pub(crate) struct Repairs {
    pub(crate) dropped: Vec<Dropped>,
    pub(crate) joined: Vec<Joined>,
    pub(crate) fragments: Vec<Fragment>,
    pub(crate) review: Vec<Review>,
}

/// Repairs `draft` in place; returns whether the article ends mid-sentence (truncated). A
/// letter that ends in its signature is complete.
pub(crate) fn repair(draft: &mut Draft, junction: &Junction, out: &mut Repairs) -> bool {
    drop_duplicates(&mut draft.pieces, &mut out.dropped);
    let first_join = out.joined.len();
    join_cuts(&mut draft.pieces, junction, &mut out.joined);
    for j in out.joined[first_join..].iter().filter(|j| j.across != "none") {
        let what = format!("paragraph joined with its continuation across a {}", j.across);
        out.review.push(Review::new(j.lines, what, ""));
    }
    let cut = mark_fragments(&draft.pieces, &mut out.fragments);
    cut && !draft.signed()
}

fn drop_duplicates(pieces: &mut Vec<Piece>, dropped: &mut Vec<Dropped>) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    pieces.retain(|piece| {
        let Piece::Para { lines, text } = piece else { return true };
        if text.chars().count() < DUPLICATE_MIN_CHARS {
            return true;
        }
        let line = lines.first().copied().unwrap_or(0);
        if let Some((_, first)) = seen.iter().find(|(t, _)| t == text) {
            dropped.push(Dropped {
                duplicate_of: Some(*first),
                ..Dropped::new(line, "duplicate", text)
            });
            return false;
        }
        seen.push((text.clone(), line));
        true
    });
}

/// Joins every cut paragraph with the next body paragraph when it continues it; what stood
/// between them (a caption, a sidebar, a page break) stays where it was, after the joined
/// paragraph.
fn join_cuts(pieces: &mut Vec<Piece>, junction: &Junction, joined: &mut Vec<Joined>) {
    let mut i = 0;
    while i < pieces.len() {
        if let Some((j, across)) = continuation(pieces, i, junction) {
            let Piece::Para { lines: next_lines, text: next } = pieces.remove(j) else { continue };
            if let Some(Piece::Para { lines, text }) = pieces.get_mut(i) {
                let from = lines.last().copied().unwrap_or(0);
                joined.push(Joined {
                    lines: [from, next_lines.first().copied().unwrap_or(0)],
                    across: across.to_owned(),
                });
                *text = join_text(text, &next);
                lines.extend(next_lines);
            }
            continue;
        }
        i += 1;
    }
}

/// The index of the paragraph continuing cut paragraph `i`, and what lies between.
fn continuation(pieces: &[Piece], i: usize, junction: &Junction) -> Option<(usize, &'static str)> {
    let Some(Piece::Para { text, .. }) = pieces.get(i) else { return None };
    if ends_sentence(text) {
        return None;
    }
    let mut across = "none";
    for (j, piece) in pieces.iter().enumerate().skip(i + 1) {
        match piece {
            Piece::Para { text: next, .. } => {
                return junction.continues(text, next).then_some((j, across));
            }
            Piece::Subhead { .. } => return None,
            Piece::Sidebar { .. } => across = first(across, "sidebar"),
            Piece::Caption { .. } | Piece::Quote { .. } | Piece::Image { .. } => {
                across = first(across, "caption")
            }
            Piece::Break { .. } => across = "page",
        }
    }
    None
}

fn first(current: &'static str, new: &'static str) -> &'static str {
    if current == "none" { new } else { current }
}

/// Records cut paragraphs that stay cut; the last one makes the article truncated.
fn mark_fragments(pieces: &[Piece], fragments: &mut Vec<Fragment>) -> bool {
    let paras: Vec<(usize, &String)> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Para { lines, text } => Some((lines.first().copied().unwrap_or(0), text)),
            _ => None,
        })
        .collect();
    let Some((last, rest)) = paras.split_last() else { return false };
    for (line, text) in rest.iter().filter(|(_, t)| !ends_sentence(t) && !ends_with_colon(t)) {
        fragments.push(Fragment { line: *line, text: (*text).clone() });
    }
    !ends_sentence(last.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(line: usize, text: &str) -> Piece {
        Piece::Para { lines: vec![line], text: text.into() }
    }

    fn texts(pieces: &[Piece]) -> Vec<String> {
        pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Para { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn duplicate_then_fragment_then_join() {
        let mut draft = Draft {
            pieces: vec![
                para(1, "对版权流转效率实现对版权流转效率实现对版权流转效率"),
                Piece::Caption { line: 2, text: "图".into() },
                para(3, "的赋能。这种赋能体现在两个方面，一方面是引入。"),
                para(4, "别看现场仅有绿幕"),
                para(5, "的赋能。这种赋能体现在两个方面，一方面是引入。"),
                para(6, "培育和发展新质生产"),
                para(7, "力发挥着作用,"),
            ],
            ..Draft::default()
        };
        let mut out = Repairs::default();
        let truncated = repair(&mut draft, &Junction::default(), &mut out);
        assert_eq!(
            texts(&draft.pieces),
            [
                "对版权流转效率实现对版权流转效率实现对版权流转效率的赋能。这种赋能体现在两个方面，一方面是引入。",
                "别看现场仅有绿幕",
                "培育和发展新质生产力发挥着作用,"
            ]
        );
        assert_eq!(out.dropped[0].duplicate_of, Some(3));
        assert_eq!(out.joined[0], Joined { lines: [1, 3], across: "caption".into() });
        assert_eq!(out.fragments[0].line, 4);
        assert!(truncated);
    }
}
