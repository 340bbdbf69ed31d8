//! Walks `content/` and turns every article file into a [`LoadedArticle`], in parallel.
//!
//! Reading, front matter, validation of each field and Markdown rendering happen here, one file
//! at a time and independently, so a bad file becomes a [`Failure`] and the others go on.
//! Assembling issues, sections and authors across files is `model`'s job, not this module's.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::front_matter::{self, ArticleMeta, Parts};
use super::markdown;
pub(crate) use super::markdown::ImageRef;
use crate::config::Config;
use crate::fs::Stamp;
use crate::hash::hash_of;
use crate::text::{decode_utf8, slugify};

/// A file that could not be used, and why.
#[derive(Debug)]
pub struct Failure {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// What is wrong, with the line where known.
    pub error: anyhow::Error,
}

impl std::fmt::Display for Failure {
    /// `path:3: what is wrong` when the error names a line (the form editors jump to), else
    /// `path: what is wrong`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        let message = format!("{:#}", self.error);
        match message.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
            Some((line, rest)) if line.chars().all(|c| c.is_ascii_digit()) => {
                write!(f, "{path}:{line}: {rest}")
            }
            _ => write!(f, "{path}: {message}"),
        }
    }
}

/// One article file, read, validated and rendered to an HTML fragment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LoadedArticle {
    /// Relative to the site root, e.g. `content/2024-05-24/01-x.md`.
    pub(crate) path: PathBuf,
    pub(crate) title: String,
    pub(crate) kicker: Option<String>,
    pub(crate) subtitle: Option<String>,
    pub(crate) column: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) byline: Option<String>,
    pub(crate) dateline: Option<String>,
    pub(crate) date: NaiveDate,
    pub(crate) issue: NaiveDate,
    pub(crate) section: Option<String>,
    pub(crate) page: Option<String>,
    pub(crate) order: Option<u32>,
    /// The slug written in front matter, if any (else `model` derives one).
    pub(crate) slug: Option<String>,
    /// The title's slug, before `model` makes it unique (transliterating is costly, so it is
    /// done here, in parallel, and kept in the build cache).
    pub(crate) title_slug: String,
    pub(crate) summary: String,
    pub(crate) tags: Vec<String>,
    pub(crate) truncated: bool,
    pub(crate) draft: bool,
    pub(crate) source: Option<String>,
    pub(crate) extra: serde_json::Value,
    /// Plain text for the search index (empty when search is off).
    pub(crate) search_text: String,
    pub(crate) word_count: usize,
    pub(crate) reading_time: u32,
    /// Hash of the file's path and text: everything above derives from these.
    pub(crate) file_hash: u64,
    /// Every local image the body references, in order.
    #[serde(default)]
    pub(crate) images: Vec<ImageRef>,
    /// The responsive versions made of them (filled in by `images`, not by loading).
    #[serde(default)]
    pub(crate) pictures: Vec<Picture>,
}

/// An image made in its responsive versions: what pages show of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Picture {
    /// The reference as written in the body.
    pub(crate) src: String,
    pub(crate) alt: String,
    /// Names its versions: a hash of the image's bytes and the `[images]` settings.
    pub(crate) key: u64,
    /// The widths made, ascending; the last is the largest version's.
    pub(crate) widths: Vec<u32>,
    /// The largest version's size, EXIF orientation applied.
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// A section's `_index.md`: the folder name is the slug, its `title` the section's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SectionIndex {
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
}

/// The usable content of a site, as `model` takes it.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) articles: Vec<Arc<LoadedArticle>>,
    pub(crate) section_indexes: Vec<SectionIndex>,
}

/// Summaries are cut at a sentence end within this many characters.
const SUMMARY_CHARS: usize = 120;

/// Lists the Markdown files under `content/`, sorted, as paths relative to the root.
pub(crate) fn list_content(config: &Config) -> Result<Vec<PathBuf>> {
    let dir = &config.content_dir;
    if !dir.is_dir() {
        bail!(
            "no `content/` folder in `{}`: create it and put articles in it",
            config.root.display()
        );
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_file() && is_markdown(path) && !is_hidden(path, dir) {
            files.push(path.strip_prefix(&config.root).unwrap_or(path).to_path_buf());
        }
    }
    Ok(files)
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "md" || ext == "markdown")
}

fn is_hidden(path: &Path, base: &Path) -> bool {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
}

/// Reads and parses every file in parallel. Errors are kept as text, per file, so a later
/// rebuild can report them again without re-reading.
/// A file whose stamp matches its entry in `previous` (the build cache) is not read again;
/// `stamps` are those a scan just took (by path relative to the root; a file found there is
/// not stamped again).
pub(crate) fn load_files(
    config: &Config,
    files: &[PathBuf],
    previous: &BTreeMap<PathBuf, Entry>,
    stamps: &HashMap<PathBuf, Stamp>,
) -> BTreeMap<PathBuf, Entry> {
    files
        .par_iter()
        .map(|path| {
            let stamp = stamps.get(path).copied();
            (path.clone(), load_stamped(config, path, previous.get(path), stamp))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Loads one file with its stamp, reusing `previous` when the file has not changed.
pub(crate) fn load_entry(config: &Config, path: &Path, previous: Option<&Entry>) -> Entry {
    load_stamped(config, path, previous, None)
}

/// [`load_entry`] with the file's stamp if already known.
fn load_stamped(
    config: &Config,
    path: &Path,
    previous: Option<&Entry>,
    known: Option<Stamp>,
) -> Entry {
    let stamp = known.or_else(|| crate::fs::stamp(&config.root.join(path)));
    match (stamp, previous) {
        (Some(stamp), Some((known, item))) if stamp == *known => (stamp, item.clone()),
        _ => {
            let item = load_file(config, path).map_err(|e| format!("{e:#}"));
            (stamp.unwrap_or_default(), item)
        }
    }
}

/// The body of the article at `path` (relative to the root) as HTML, read and rendered when a
/// page shows it. Bodies are not kept with the loaded articles: at 10,000 articles they would
/// hold about 65 MB for the whole build, where rendering needs only the pages in flight.
/// It tells whether the body kept raw HTML.
pub(crate) fn load_marked_body(config: &Config, path: &Path) -> Result<markdown::BodyHtml> {
    let text = decode_utf8(crate::fs::read(&config.root.join(path))?)?;
    let parts = front_matter::split(&text)?;
    Ok(markdown::to_marked_html(parts.body, config.markdown.unsafe_html))
}

/// A content file as last loaded: its stamp and what it parsed to (or its error).
pub(crate) type Entry = (Stamp, Result<Item, String>);

/// What one content file turned out to be.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Item {
    Article(Arc<LoadedArticle>),
    Section(SectionIndex),
    Ignored,
}

/// Loads one file (path relative to the root).
pub(crate) fn load_file(config: &Config, path: &Path) -> Result<Item> {
    let bytes = crate::fs::read(&config.root.join(path))?;
    let text = decode_utf8(bytes)?;
    if path.file_name().is_some_and(|name| name == "_index.md") {
        return parse_section_index(path, &text);
    }
    parse_article(config, path, &text).map(|a| Item::Article(Arc::new(a)))
}

fn parse_section_index(path: &Path, text: &str) -> Result<Item> {
    let parts = front_matter::split(text)?;
    let meta = front_matter::parse_meta(&parts)?;
    let slug = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    match (slug, meta.title) {
        (Some(slug), Some(title)) if slug != "content" => {
            let description = meta.summary.unwrap_or_default();
            Ok(Item::Section(SectionIndex { slug, title, description }))
        }
        _ => Ok(Item::Ignored),
    }
}

/// Parses the text of one article file.
pub(crate) fn parse_article(config: &Config, path: &Path, text: &str) -> Result<LoadedArticle> {
    let parts = front_matter::split(text)?;
    let meta = front_matter::parse_meta(&parts)?;
    let title = required_title(&meta, &parts)?;
    let title_slug = base_slug(&title, "article");
    check_slug(meta.slug.as_deref(), &parts)?;
    let (date, issue) = dates(&meta, &parts, path)?;
    if let Some(at) = markdown::unclosed_comment(parts.body) {
        let line = text.len() - parts.body.len() + at;
        let line = text[..line].lines().count() + 1;
        log::warn!(
            "{}:{line}: `<!--` is never closed by `-->` and would hide the rest of the page; it \
             is shown as text: close it, or write `&lt;!--`",
            path.display()
        );
    }
    let rendered = markdown::text(parts.body);
    let summary = match &meta.summary {
        Some(summary) => summary.trim().to_owned(),
        None => markdown::summarize(&rendered.first_paragraph, SUMMARY_CHARS),
    };
    let (cjk, words) = markdown::count_text(&rendered.plain_text);
    let reading_time = markdown::minutes_to_read(cjk, words, &config.reading);
    let search_text =
        if config.search { search_excerpt(&rendered.plain_text) } else { String::new() };
    let ArticleMeta { kicker, subtitle, column, authors, byline, dateline, section, .. } = meta;
    Ok(LoadedArticle {
        path: path.to_path_buf(),
        title,
        kicker: non_empty(kicker),
        subtitle: non_empty(subtitle),
        column: non_empty(column),
        authors: authors
            .into_iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect(),
        byline: non_empty(byline),
        dateline: non_empty(dateline),
        date,
        issue,
        section: non_empty(section),
        page: meta.page.map(|p| p.text()),
        order: meta.order,
        slug: non_empty(meta.slug),
        title_slug,
        summary,
        tags: meta.tags,
        truncated: meta.truncated,
        draft: meta.draft,
        source: meta.source,
        extra: meta.extra.iter().map(|(k, v)| (k.clone(), front_matter::yaml_to_json(v))).collect(),
        search_text,
        word_count: cjk + words,
        reading_time,
        file_hash: hash_of(&(path, text)),
        images: markdown::image_refs(parts.body, text.len() - parts.body.len(), text),
        pictures: Vec::new(),
    })
}

/// Refuses a `slug` written in front matter that leaves nothing once made URL-safe (`..`,
/// `.`, `/`, punctuation): the article would land on its issue's folder itself.
fn check_slug(slug: Option<&str>, parts: &Parts<'_>) -> Result<()> {
    let Some(slug) = slug.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(()) };
    if slugify(slug).is_empty() {
        let line = front_matter::line_of_key(parts, "slug").unwrap_or(parts.yaml_first_line);
        bail!(
            "line {line}: `slug` = {slug:?} has no letter or digit to make a URL from; write \
             one such as `slug: harbour-opens`, or remove the line to derive it from the title"
        );
    }
    Ok(())
}

/// `text`'s slug, or `fallback` when the text has nothing to transliterate.
pub(crate) fn base_slug(text: &str, fallback: &str) -> String {
    Some(slugify(text)).filter(|s| !s.is_empty()).unwrap_or_else(|| fallback.to_owned())
}

/// The article's text as the search index carries it: all of it (a search must find every
/// article that contains the words), with runs of white space made one space.
fn search_excerpt(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn required_title(meta: &ArticleMeta, parts: &Parts<'_>) -> Result<String> {
    match meta.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => Ok(title.to_owned()),
        Some(_) => {
            let line = front_matter::line_of_key(parts, "title").unwrap_or(parts.yaml_first_line);
            bail!("line {line}: `title` is empty; every article needs a headline")
        }
        None => bail!(
            "line {}: missing `title` in the front matter; add a line `title: …`",
            parts.yaml_first_line
        ),
    }
}

/// The article's date and its issue's date. Either may stand for the other; an article in a
/// folder named like `2024-05-24` takes that as its issue date.
fn dates(meta: &ArticleMeta, parts: &Parts<'_>, path: &Path) -> Result<(NaiveDate, NaiveDate)> {
    let date = parse_date_field(meta.date.as_ref().map(|d| d.text()), parts, "date")?;
    let issue = parse_date_field(meta.issue.as_ref().map(|d| d.text()), parts, "issue")?;
    let folder = folder_date(path);
    match (date, issue.or(folder)) {
        (Some(date), Some(issue)) => Ok((date, issue)),
        (Some(date), None) => Ok((date, date)),
        (None, Some(issue)) => Ok((issue, issue)),
        (None, None) => bail!(
            "line {}: missing `date`; add `date: YYYY-MM-DD` (or `issue:`, or put the file in a folder named after the issue date)",
            parts.yaml_first_line
        ),
    }
}

fn parse_date_field(
    value: Option<String>,
    parts: &Parts<'_>,
    key: &str,
) -> Result<Option<NaiveDate>> {
    let Some(value) = value else { return Ok(None) };
    match parse_date(&value) {
        Some(date) => Ok(Some(date)),
        None => {
            let line = front_matter::line_of_key(parts, key).unwrap_or(parts.yaml_first_line);
            match why_no_such_day(&value) {
                Some(why) => bail!(
                    "line {line}: `{key}` = {value:?} is no such day: {why}; correct the date"
                ),
                None => bail!(
                    "line {line}: `{key}` = {value:?} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-24"
                ),
            }
        }
    }
}

/// For a value written as `YYYY-MM-DD` that names no day of the calendar, why not
/// (`2024-02-30`: "February 2024 has 29 days").
fn why_no_such_day(value: &str) -> Option<String> {
    let day = value.trim().get(..10)?;
    let shaped = day
        .char_indices()
        .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let (year, month, date) = (
        day[..4].parse::<i32>().ok()?,
        day[5..7].parse::<u32>().ok()?,
        day[8..].parse::<u32>().ok()?,
    );
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month} (months go from 01 to 12)"));
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let days = (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())?;
    if date == 0 {
        return Some("days start at 01".to_owned());
    }
    if date > days {
        return Some(format!("{} {year} has {days} days", first.format("%B")));
    }
    None
}

/// Reads `2024-05-24`, `2024-05-24T08:00:00+08:00` or `2024-05-24 08:00`.
pub(crate) fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    let day = value.get(..10)?;
    let rest = &value[10..];
    if !rest.is_empty() && !rest.starts_with(['T', ' ', 't']) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// The date of the issue folder an article is in: its own folder, or for a page bundle
/// (`2024-05-24/01-slug/index.md`) the folder above.
fn folder_date(path: &Path) -> Option<NaiveDate> {
    let mut parent = path.parent()?;
    if path.file_stem().is_some_and(|stem| stem == "index") && parse_folder(parent).is_none() {
        parent = parent.parent()?;
    }
    parse_folder(parent)
}

fn parse_folder(folder: &Path) -> Option<NaiveDate> {
    let folder = folder.file_name()?.to_str()?;
    if folder.len() == 10 { parse_date(folder) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/broadsheet/templates")).unwrap();
        let config = Config::parse("title = \"D\"", dir.path()).unwrap();
        (dir, config)
    }

    #[test]
    fn parses_an_article_with_folder_issue_date() {
        let (_dir, config) = config();
        let path = Path::new("content/2024-05-24/01-a.md");
        let text = "---\ntitle: 标题\nauthors: 刘佳旋\n---\n\n第一段。第二句。\n";
        let article = parse_article(&config, path, text).unwrap();
        assert_eq!(article.issue.to_string(), "2024-05-24");
        assert_eq!(article.authors, ["刘佳旋"]);
        assert_eq!(article.summary, "第一段。第二句。");
    }

    #[test]
    fn a_page_bundle_takes_the_issue_date_and_lists_its_images() {
        let (_dir, config) = config();
        let path = Path::new("content/2024-05-24/01-a/index.md");
        let text = "---\ntitle: 标题\n---\n\n第一段。\n\n![港口](p1.jpg)\n\n<figure><img src=\"images/p2.jpg\" alt=\"夜景\"></figure>\n\n![远程](https://example.org/x.jpg)\n";
        let article = parse_article(&config, path, text).unwrap();
        assert_eq!(article.issue.to_string(), "2024-05-24");
        let refs: Vec<(&str, &str, usize)> =
            article.images.iter().map(|i| (i.src.as_str(), i.alt.as_str(), i.line)).collect();
        assert_eq!(refs, [("p1.jpg", "港口", 7), ("images/p2.jpg", "夜景", 9)]);
    }

    #[test]
    fn bad_date_names_the_line() {
        let (_dir, config) = config();
        let text = "---\ntitle: A\ndate: 2024-13-45\n---\n";
        let err = parse_article(&config, Path::new("content/a.md"), text).unwrap_err();
        assert!(err.to_string().starts_with("line 3: `date`"), "{err}");
    }

    #[test]
    fn missing_title_is_an_error() {
        let (_dir, config) = config();
        let err = parse_article(&config, Path::new("content/a.md"), "---\ndate: 2024-01-01\n---\n");
        assert!(err.unwrap_err().to_string().contains("missing `title`"));
    }

    #[test]
    fn dates_with_times_are_read() {
        assert_eq!(parse_date("2024-05-24T08:00:00+08:00").unwrap().to_string(), "2024-05-24");
        assert!(parse_date("2024-05-24x").is_none());
        assert!(parse_date("24/05/2024").is_none());
    }

    #[test]
    fn non_utf8_names_the_line() {
        let err = decode_utf8(b"---\ntitle: \xff\n".to_vec()).unwrap_err();
        assert!(err.to_string().starts_with("line 2:"), "{err}");
    }
}
