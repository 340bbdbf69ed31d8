//! The split report: what was found, what was repaired, what was dropped and why.
//!
//! For: the JSON shape written with `--report`, the human summary, and the accounting check
//! that every non-blank source line ended up somewhere. Not for: deciding any of it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// Everything `split` did to one source issue (serialized as the `--report` JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The source file name as given.
    pub source: String,
    /// The issue date, `YYYY-MM-DD`.
    pub issue: String,
    /// Every article, in print order.
    pub articles: Vec<ArticleReport>,
    /// Source lines that are in no article, each with the reason.
    pub dropped: Vec<Dropped>,
    /// Paragraphs joined with their continuation.
    pub joined: Vec<Joined>,
    /// Paragraphs cut mid-sentence whose continuation was not found.
    pub fragments: Vec<Fragment>,
    /// Every jump line pair: where an article jumps out and where it resumes.
    #[serde(default)]
    pub jumps: Vec<JumpReport>,
    /// Decisions resting on a heuristic (a kicker by position, a join across a caption, a
    /// matched jump, a guessed section), for an editor to check first.
    #[serde(default)]
    pub review: Vec<Review>,
    /// Anything a person should look at.
    pub warnings: Vec<String>,
}

/// A decision to check: the source lines it concerns and what was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// First and last source line concerned.
    pub lines: [usize; 2],
    /// What was decided, in words.
    pub what: String,
    /// The first line as printed.
    pub text: String,
}

impl Review {
    pub(crate) fn new(lines: [usize; 2], what: impl Into<String>, text: &str) -> Self {
        Self { lines, what: what.into(), text: text.to_owned() }
    }
}

/// A jump: an article continued on another page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JumpReport {
    /// The article's file.
    pub file: String,
    /// The jump-out line (`（下转第二版）`).
    pub out_line: usize,
    /// The page it names, normalised (`A5`, `2`).
    pub to_page: Option<String>,
    /// Where the continuation starts (its headline or jump-in line); `None` when it is not in
    /// this issue.
    pub in_line: Option<usize>,
    /// How the continuation was matched: `page`, `page and headline`, `headline`, `slug` or
    /// `latest open jump`.
    pub matched_by: Option<String>,
}

/// One article as the report shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleReport {
    /// The file written for it.
    pub file: String,
    /// 1-based print order.
    pub order: usize,
    /// Main title.
    pub title: String,
    /// Kicker (引题).
    pub kicker: Option<String>,
    /// Subtitle (副题).
    pub subtitle: Option<String>,
    /// Column (栏目).
    pub column: Option<String>,
    /// Names only.
    pub authors: Vec<String>,
    /// The byline as printed (several bylines, e.g. a closing one, joined with `; `).
    pub byline: Option<String>,
    /// The news agency credited (`Associated Press`, `新华社`): not an author.
    #[serde(default)]
    pub agency: Option<String>,
    /// The dateline opening the first paragraph.
    pub dateline: Option<String>,
    /// Declared section name.
    pub section: Option<String>,
    /// Page, as printed on a page marker.
    pub page: Option<String>,
    /// First and last source line.
    pub lines: [usize; 2],
    /// Body paragraphs as plain text, after repair.
    pub paragraphs: Vec<String>,
    /// Photo captions and credits.
    pub captions: Vec<String>,
    /// Every image reference of the article, in print order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageReport>,
    /// Sidebar boxes.
    pub sidebars: Vec<SidebarReport>,
    /// Pull quotes: `> ` lines repeating body text, kept out of the paragraphs.
    #[serde(default)]
    pub pull_quotes: Vec<String>,
    /// Subheadings inside the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subheads: Vec<String>,
    /// The text stops mid-sentence.
    pub truncated: bool,
    /// Every source line the article holds (for the accounting check; not serialized).
    #[serde(skip)]
    pub used_lines: Vec<usize>,
}

/// One image of an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageReport {
    /// The reference as written in the source issue.
    pub src: String,
    /// The reference the article file uses, relative to it (`images/p1_3.jpg`); the file is
    /// copied there unless missing.
    pub file: String,
    /// The source line of the reference.
    pub line: usize,
    /// The caption printed with it.
    pub caption: Option<String>,
    /// The photographer's credit printed with it.
    pub credit: Option<String>,
    /// The file was not found beside the source issue: the article keeps the caption and a
    /// comment in place of the picture.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
}

/// A sidebar box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SidebarReport {
    /// Its heading (may be empty).
    pub title: String,
    /// Its `●` items.
    pub items: Vec<ItemReport>,
}

/// One sidebar item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReport {
    /// Item heading without its marker (may be empty).
    pub title: String,
    /// Item text.
    pub text: String,
}

/// A source line that is in no article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    /// 1-based source line.
    pub line: usize,
    /// Why: `duplicate`, `page marker`, `masthead`, `jump line`, `jump headline`, `end mark`,
    /// `outside any article`, `continuation of an article not in this issue`.
    pub reason: String,
    /// For a duplicate: the line it repeats.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duplicate_of: Option<usize>,
    /// The line as printed.
    pub text: String,
}

impl Dropped {
    pub(crate) fn new(line: usize, reason: &str, text: &str) -> Self {
        Self { line, reason: reason.to_owned(), duplicate_of: None, text: text.to_owned() }
    }
}

/// A join of a cut paragraph with its continuation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// The line where the cut paragraph ends and the continuation's line.
    pub lines: [usize; 2],
    /// What stood between them: `sidebar`, `caption`, `page` or `none`.
    pub across: String,
}

/// A cut paragraph left standing alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    /// 1-based source line.
    pub line: usize,
    /// Its text.
    pub text: String,
}

impl Report {
    /// The human summary the CLI prints.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "split `{}` ({}): {} articles, {} dropped lines, {} joins, {} fragments, {} jumps, {} to review\n",
            self.source,
            self.issue,
            self.articles.len(),
            self.dropped.len(),
            self.joined.len(),
            self.fragments.len(),
            self.jumps.len(),
            self.review.len()
        );
        for a in &self.articles {
            let section = a.section.as_deref().unwrap_or("-");
            let cut = if a.truncated { " (truncated)" } else { "" };
            let _ = writeln!(out, "  {} [{section}] {}{cut}", a.file, a.title);
        }
        for r in &self.review {
            let _ = writeln!(out, "review: lines {}-{}: {}", r.lines[0], r.lines[1], r.what);
        }
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        out
    }
}

/// Non-blank source lines that are neither in an article nor dropped: should be empty.
pub fn unaccounted_lines(text: &str, report: &Report) -> Vec<usize> {
    let mut seen: BTreeSet<usize> = report.dropped.iter().map(|d| d.line).collect();
    seen.extend(report.articles.iter().flat_map(|a| a.used_lines.iter().copied()));
    text.lines()
        .enumerate()
        .filter(|(i, line)| !line.trim().is_empty() && !seen.contains(&(i + 1)))
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounting_finds_missing_lines() {
        let report = Report {
            dropped: vec![Dropped::new(3, "page marker", "第1版")],
            articles: vec![ArticleReport { used_lines: vec![1], ..ArticleReport::default() }],
            ..Report::default()
        };
        assert_eq!(unaccounted_lines("a\n\n第1版\nb\n", &report), vec![4]);
    }
}
