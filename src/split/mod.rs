//! `split`: turns one extracted source issue into article content files plus a report.
//!
//! ```text
//! source text ─lex─▶ blocks ─group─▶ drafts ─repair─▶ articles ─render─▶ ContentFile ─write─▶ content/<date>/
//!                          (start: headline blocks, jump: continuations)
//! ```
//!
//! [`split_issue`] is pure (no I/O); [`run`] reads the source, checks everything, then writes.
//! Not for: reading `site.toml` or parsing the command line (the CLI passes [`SplitConfig`],
//! the section names and [`SplitOptions`]).

mod article;
mod byline;
mod draft;
mod group;
mod headline;
mod jump;
mod junction;
mod lex;
mod masthead;
mod render;
mod repair;
mod report;
mod rules;
mod section;
mod start;
mod write;

use std::collections::BTreeSet;

use anyhow::{Result, bail};

pub use crate::config::split::{SectionRule, SplitConfig};
pub use report::{
    ArticleReport, Dropped, Fragment, ImageReport, ItemReport, Joined, JumpReport, Report, Review,
    SidebarReport, unaccounted_lines,
};
pub use write::{SplitOptions, run};

use junction::Junction;
use repair::Repairs;
use rules::Rules;

/// One file to write into the issue's content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    /// File name only, `NN-<slug>.md`.
    pub file_name: String,
    /// The whole file: front matter and Markdown body.
    pub contents: String,
}

/// What splitting an issue produced: the files to write and the report.
#[derive(Debug, Clone)]
pub struct SplitOutcome {
    /// Content files in print order.
    pub files: Vec<ContentFile>,
    /// What was found, repaired and dropped.
    pub report: Report,
}

/// The issue date printed on the masthead (`2024年5月24日`, `October 2, 2025`), as
/// `YYYY-MM-DD`, when the issue has one.
pub fn masthead_date(text: &str, config: &SplitConfig) -> Result<Option<String>> {
    // Only the line patterns matter here; the section names are checked by `split_issue`.
    let patterns = SplitConfig {
        default_section: None,
        section_aliases: Default::default(),
        rules: Vec::new(),
        ..config.clone()
    };
    let rules = Rules::new(&patterns, &[])?;
    Ok(masthead::issue_date(&lex::lex(text, &rules)).map(|(date, _)| date))
}

/// Splits the text of one issue into articles. Pure: reads and writes nothing.
///
/// `source_name` is used in messages and in each article's `source` field; `sections` are
/// the section names declared in `site.toml`, in order. Every image reference counts as
/// present (see [`split_issue_with_images`]).
pub fn split_issue(
    text: &str,
    source_name: &str,
    issue_date: &str,
    config: &SplitConfig,
    sections: &[String],
) -> Result<SplitOutcome> {
    split_issue_with_images(text, source_name, issue_date, config, sections, &|_| true)
}

/// [`split_issue`], told by `present` whether the file an image reference names (as written
/// in the source) exists: a missing one is a warning naming its line, and its figure keeps the
/// caption with a comment in place of the picture.
pub fn split_issue_with_images(
    text: &str,
    source_name: &str,
    issue_date: &str,
    config: &SplitConfig,
    sections: &[String],
    present: &dyn Fn(&str) -> bool,
) -> Result<SplitOutcome> {
    write::check_date(issue_date)?;
    let rules = Rules::new(config, sections)?;
    if text.trim().is_empty() {
        bail!("source issue `{source_name}` is empty");
    }
    let blocks = lex::lex(text, &rules);
    let mut grouped = group::group(&blocks, &rules);
    if grouped.drafts.is_empty() {
        bail!(
            "no article found in `{source_name}`: expected a heading followed by a byline or by text"
        );
    }
    if let Some((printed, line)) = masthead::issue_date(&blocks)
        && printed != issue_date
    {
        grouped.warnings.push(format!(
            "line {line}: the masthead is dated {printed}, the issue date given is {issue_date}"
        ));
    }
    let mut repairs = Repairs::default();
    let junction = Junction::default();
    let drafts = std::mem::take(&mut grouped.drafts);
    let mut articles = Vec::with_capacity(drafts.len());
    for (i, mut draft) in drafts.into_iter().enumerate() {
        let truncated = repair::repair(&mut draft, &junction, &mut repairs);
        articles.push(article::assemble(draft, i + 1, truncated, &rules, &mut grouped.review));
    }
    article::name_images(&mut articles, present);
    for image in articles.iter().flat_map(|a| &a.report.images).filter(|i| i.missing) {
        grouped.warnings.push(format!(
            "line {}: image `{}` not found beside `{source_name}`; the article keeps its caption: \
             put the file there and split again",
            image.line, image.src
        ));
    }
    let files = render_all(&mut articles, issue_date, source_name, &rules)?;
    let report = build_report(text, source_name, issue_date, articles, grouped, repairs);
    Ok(SplitOutcome { files, report })
}

fn render_all(
    articles: &mut [article::Article],
    issue: &str,
    source: &str,
    rules: &Rules,
) -> Result<Vec<ContentFile>> {
    let width = articles.len().to_string().len().max(2);
    let mut taken = BTreeSet::new();
    let mut files = Vec::with_capacity(articles.len());
    for a in articles.iter_mut() {
        let slug = render::unique_slug(&a.report.title, &mut taken);
        let file_name = format!("{:0width$}-{slug}.md", a.report.order);
        let contents = render::render_file(a, &slug, issue, source, rules.config.summary_max_chars);
        a.report.file.clone_from(&file_name);
        files.push(ContentFile { file_name, contents });
    }
    Ok(files)
}

fn build_report(
    text: &str,
    source: &str,
    issue: &str,
    articles: Vec<article::Article>,
    grouped: group::Grouper,
    repairs: Repairs,
) -> Report {
    let mut dropped = grouped.dropped;
    dropped.extend(repairs.dropped);
    dropped.sort_by_key(|d| d.line);
    let articles: Vec<ArticleReport> = articles.into_iter().map(|a| a.report).collect();
    let mut review = grouped.review;
    review.extend(repairs.review);
    let jumps = jump_reports(&grouped.jumps, &articles, &mut review);
    review.sort_by_key(|r| r.lines);
    let mut report = Report {
        source: source.to_owned(),
        issue: issue.to_owned(),
        articles,
        dropped,
        joined: repairs.joined,
        fragments: repairs.fragments,
        jumps,
        review,
        warnings: grouped.warnings,
    };
    for a in report.articles.iter().filter(|a| a.truncated) {
        report.warnings.push(format!("`{}` stops mid-sentence (truncated)", a.file));
    }
    let missing = unaccounted_lines(text, &report);
    if !missing.is_empty() {
        report.warnings.push(format!("lines not accounted for: {missing:?}"));
    }
    report
}

/// The report's jump list; every matched jump is also a decision to review.
fn jump_reports(
    jumps: &jump::Jumps,
    articles: &[ArticleReport],
    review: &mut Vec<Review>,
) -> Vec<JumpReport> {
    let mut out = Vec::with_capacity(jumps.outs.len());
    for j in &jumps.outs {
        let file = articles.get(j.draft).map(|a| a.file.clone()).unwrap_or_default();
        if let (Some(at), Some(how)) = (j.resumed_at, j.matched_by) {
            let what = format!("continuation at line {at} joined to `{file}` (matched by {how})");
            review.push(Review::new([j.line, at], what, ""));
        }
        out.push(JumpReport {
            file,
            out_line: j.line,
            to_page: j.to.clone(),
            in_line: j.resumed_at,
            matched_by: j.matched_by.map(str::to_owned),
        });
    }
    out
}
