//! `split`: turns one extracted source issue into article content files plus a report.
//!
//! ```text
//! source text ─lex─▶ blocks ─group─▶ drafts ─repair─▶ articles ─render─▶ ContentFile ─write─▶ content/<date>/
//! ```
//!
//! [`split_issue`] is pure (no I/O); [`run`] reads the source, checks everything, then writes.
//! Not for: reading `site.toml` or parsing the command line (the CLI passes [`SplitConfig`],
//! the section names and [`SplitOptions`]).

mod article;
mod group;
mod headline;
mod jump;
mod junction;
mod lex;
mod render;
mod repair;
mod report;
mod rules;
mod section;
mod write;

use std::collections::BTreeSet;

use anyhow::{Result, bail};

pub use crate::config::split::{SectionRule, SplitConfig};
pub use report::{
    ArticleReport, Dropped, Fragment, ItemReport, Joined, Report, SidebarReport, unaccounted_lines,
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

/// Splits the text of one issue into articles. Pure: reads and writes nothing.
///
/// `source_name` is used in messages and in each article's `source` field; `sections` are
/// the section names declared in `site.toml`, in order.
pub fn split_issue(
    text: &str,
    source_name: &str,
    issue_date: &str,
    config: &SplitConfig,
    sections: &[String],
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
    let mut repairs = Repairs::default();
    let junction = Junction::default();
    let drafts = std::mem::take(&mut grouped.drafts);
    let mut articles = Vec::with_capacity(drafts.len());
    for (i, mut draft) in drafts.into_iter().enumerate() {
        let truncated = repair::repair(&mut draft, &junction, &mut repairs);
        articles.push(article::assemble(draft, i + 1, truncated, &rules, &mut grouped.warnings));
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
        let contents =
            render::render_file(a, &slug, issue, source, rules.config.summary_max_chars)?;
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
    let mut report = Report {
        source: source.to_owned(),
        issue: issue.to_owned(),
        articles: articles.into_iter().map(|a| a.report).collect(),
        dropped,
        joined: repairs.joined,
        fragments: repairs.fragments,
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
