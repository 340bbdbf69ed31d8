//! Page contexts: the values every page shares (computed once per build), and the context of
//! each page kind, built from the site model for Tera.
//!
//! Also [`deps`]: which articles' summaries a page shows, which the page signatures use; it
//! and the contexts read the same helpers, so the two cannot drift apart. Nothing here renders
//! or reads files.

use chrono::Datelike;
use serde_json::{Map, Value};

use super::{Job, Kind, LATEST_PER_SECTION, MORE_FROM_SECTION, RECENT_ISSUES};
use crate::config::Config;
use crate::model::urls::{page_count, paginated_url};
use crate::model::{Article, Issue, PrintPage, Site};

/// A JSON object from owned values. Unlike `json!`, which re-serialises every value it is
/// given (a deep copy through serde), this moves them in: page contexts are built for every
/// page, and the copies were a large share of a build's time.
pub(super) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

/// A JSON string from a borrowed string.
fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

/// Which of the optional page values (`template_deps::OPTIONAL_VALUES`) a page's template may
/// read: `None` inside for any. The others are left out of its context, unbuilt: an article
/// page's neighbours and "more from the section" are seven summaries a minimal theme never shows.
#[derive(Clone, Copy)]
pub(crate) struct Reads<'a>(pub(crate) Option<&'a [&'static str]>);

impl Reads<'_> {
    /// Every value, for a caller that does not know the template.
    #[cfg(test)]
    pub(crate) const ALL: Reads<'static> = Reads(None);

    fn value(self, key: &str) -> bool {
        self.0.is_none_or(|keys| keys.contains(&key))
    }
}

/// Template values computed once per build and shared by every page.
pub(crate) struct Shared {
    /// Tells these values from any other set made in this process (see `render::unique_id`).
    pub(crate) id: u64,
    pub(crate) site: Value,
    pub(crate) issue_refs: Vec<Value>,
    pub(crate) section_refs: Vec<Value>,
    pub(crate) author_refs: Vec<Value>,
    /// The `[images]` format every browser reads (the last one): `article.image` is in it.
    pub(crate) image_format: String,
}

/// Computes the values shared by every page.
pub(crate) fn share(site: &Site, config: &Config) -> Shared {
    let section_refs: Vec<Value> = site.sections.iter().map(section_ref).collect();
    let issue_refs: Vec<Value> = site.issues.iter().map(issue_ref).collect();
    let author_refs: Vec<Value> = site
        .authors
        .iter()
        .map(|a| object([("name", text(&a.name)), ("slug", text(&a.slug)), ("url", text(&a.url))]))
        .collect();
    let site_value = object([
        ("title", text(&config.title)),
        ("description", text(&config.description)),
        ("language", text(&config.language)),
        ("base_url", text(&config.base_url)),
        ("base_path", text(&config.base_path)),
        ("feeds", config.feeds.into()),
        ("search", config.search.into()),
        ("build_date", build_date(site).into()),
        ("sections", section_refs.clone().into()),
        ("newest_issue", site.issues.first().map_or(Value::Null, issue_date_ref)),
        ("extra", config.extra.clone()),
    ]);
    let id = super::unique_id();
    let image_format = config.images.formats.last().cloned().unwrap_or_else(|| "jpeg".into());
    Shared { site: site_value, issue_refs, section_refs, author_refs, id, image_format }
}

impl Shared {
    /// Article `index`'s summary, made for each page that shows it. Keeping them made
    /// would save no time (a clone allocates as much as making one) and cost about 3.5 KB
    /// per article: 175 MB at 50,000 articles.
    pub(crate) fn summary(&self, site: &Site, index: usize) -> Value {
        let mut value = summary(&site.articles[index], site, &self.section_refs, &self.author_refs);
        if let Value::Object(map) = &mut value {
            map.insert("image".into(), lead_image(&site.articles[index], &self.image_format));
        }
        value
    }
}

/// The newest issue's date stands for the build date, so output does not depend on the clock.
fn build_date(site: &Site) -> String {
    site.issues.first().map(|i| i.date.to_string()).unwrap_or_default()
}

fn section_ref(section: &crate::model::Section) -> Value {
    object([
        ("name", text(&section.name)),
        ("slug", text(&section.slug)),
        ("url", text(&section.url)),
        ("description", text(&section.description)),
        ("order", section.order.into()),
    ])
}

fn issue_ref(issue: &Issue) -> Value {
    let mut value = issue_date_ref(issue);
    if let Some(map) = value.as_object_mut() {
        map.insert("article_count".into(), issue.articles.len().into());
    }
    value
}

/// An issue's date and URL only: what `site` may carry without depending on any article, so
/// that adding an article does not change every page's context.
fn issue_date_ref(issue: &Issue) -> Value {
    object([
        ("date", issue.date.to_string().into()),
        ("year", issue.date.year().into()),
        ("month", issue.date.month().into()),
        ("day", issue.date.day().into()),
        ("url", text(&issue.url)),
    ])
}

fn summary(article: &Article, site: &Site, sections: &[Value], authors: &[Value]) -> Value {
    let data = &article.data;
    let optional = |value: &Option<String>| value.as_deref().map_or(Value::Null, text);
    object([
        ("title", text(&data.title)),
        ("kicker", optional(&data.kicker)),
        ("subtitle", optional(&data.subtitle)),
        ("column", optional(&data.column)),
        ("url", text(&article.url)),
        ("date", data.date.to_string().into()),
        ("issue", site.issues[article.issue].date.to_string().into()),
        ("section", article.section.map_or(Value::Null, |s| sections[s].clone())),
        ("page", optional(&data.page)),
        ("order", data.order.into()),
        ("authors", article.authors.iter().map(|&a| authors[a].clone()).collect()),
        ("byline", optional(&data.byline)),
        ("dateline", optional(&data.dateline)),
        ("summary", text(&data.summary)),
        ("reading_time", data.reading_time.into()),
        ("truncated", data.truncated.into()),
        ("tags", data.tags.iter().map(|t| text(t)).collect()),
    ])
}

/// The article's first picture, as templates show it: `src` (root-relative, the largest
/// version), `width`, `height`, `alt` (the title when none was written), `srcset`, and
/// `thumb` (the smallest version) with `thumb_width`, `thumb_height`; `null` when the article
/// has no picture.
fn lead_image(article: &Article, format: &str) -> Value {
    let Some(picture) = article.data.pictures.first() else { return Value::Null };
    let url = |width: u32| crate::images::version_url(picture.key, width, format);
    let srcset: Vec<String> = picture.widths.iter().map(|&w| format!("{} {w}w", url(w))).collect();
    let alt = if picture.alt.is_empty() { &article.data.title } else { &picture.alt };
    let thumb = picture.widths.first().copied().unwrap_or(picture.width);
    object([
        ("src", url(picture.width).into()),
        ("width", picture.width.into()),
        ("height", picture.height.into()),
        ("alt", text(alt)),
        ("srcset", srcset.join(", ").into()),
        ("thumb", url(thumb).into()),
        ("thumb_width", thumb.into()),
        ("thumb_height", scaled(picture.height, thumb, picture.width).into()),
    ])
}

/// `height` for a version `width` wide of a picture `full` wide, rounded.
fn scaled(height: u32, width: u32, full: u32) -> u32 {
    let h = (u64::from(height) * u64::from(width) + u64::from(full) / 2) / u64::from(full.max(1));
    u32::try_from(h).unwrap_or(u32::MAX)
}

/// The hash of everything [`summary`] shows, without making it (keep the two in step; a test
/// checks that changing any field changes the hash). `section` and `authors` are the hashes
/// of the article's section and reporters' references.
pub(crate) fn summary_hash(
    article: &Article,
    site: &Site,
    section: Option<u64>,
    authors: &[u64],
) -> u64 {
    let data = &article.data;
    let issue = site.issues[article.issue].date;
    crate::hash::hash_of(&(
        (&data.title, &data.kicker, &data.subtitle, &data.column, &article.url, data.date, issue),
        (section, authors, &data.page, data.order, &data.byline, &data.dateline, &data.summary),
        (data.reading_time, data.truncated, &data.tags, data.pictures.first()),
    ))
}

/// The context of one page, except `site` and `t`, which are the same for every page and
/// live in each thread's base context (see `render::with_page_context`).
pub(crate) fn context_for(
    job: &Job,
    site: &Site,
    body: Option<&str>,
    config: &Config,
    shared: &Shared,
    reads: Reads<'_>,
) -> Value {
    let (title, mut extra) = match job.kind {
        Kind::Index => (config.title.clone(), index_context(site, shared)),
        Kind::Issue(i) => (issue_title(site, i, config), issue_context(site, shared, i)),
        Kind::Article(i) => {
            (site.articles[i].data.title.clone(), article_context(site, body, shared, i, reads))
        }
        Kind::Page { issue, page } => {
            (site.issues[issue].pages[page].name.clone(), page_context(site, shared, issue, page))
        }
        Kind::Section { section, page } => section_context(site, config, shared, section, page),
        Kind::Author(i) => (site.authors[i].name.clone(), author_context(site, shared, i)),
        Kind::Authors => (String::new(), authors_context(site, shared)),
        Kind::Archive => (String::new(), archive_context(site, shared)),
        Kind::Search | Kind::NotFound => (String::new(), Value::Object(Map::new())),
    };
    let kind = kind_name(job.kind);
    let map = extra.as_object_mut().expect("every page context is built as a JSON object");
    let page = object([("kind", kind.into()), ("url", text(&job.url)), ("title", title.into())]);
    map.insert("page".into(), page);
    extra
}

/// The `page.kind` templates see.
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Index => "index",
        Kind::Issue(_) => "issue",
        Kind::Article(_) => "article",
        Kind::Page { .. } => "print_page",
        Kind::Section { .. } => "section",
        Kind::Author(_) => "author",
        Kind::Authors => "authors",
        Kind::Archive => "archive",
        Kind::Search => "search",
        Kind::NotFound => "404",
    }
}

fn issue_title(site: &Site, issue: usize, config: &Config) -> String {
    let chinese = config.language.to_ascii_lowercase().starts_with("zh");
    crate::render::templates::long_date(site.issues[issue].date, chinese)
}

fn summaries_of(site: &Site, shared: &Shared, indexes: &[usize]) -> Value {
    indexes.iter().map(|&i| shared.summary(site, i)).collect()
}

/// The newest issue's front, plus each section's newest articles.
fn index_context(site: &Site, shared: &Shared) -> Value {
    let mut value = issue_context(site, shared, 0);
    let latest: Vec<Value> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, section)| {
            object([
                ("section", shared.section_refs[i].clone()),
                ("articles", summaries_of(site, shared, latest_of(section))),
            ])
        })
        .collect();
    if let Some(map) = value.as_object_mut() {
        map.insert("latest_by_section".into(), latest.into());
    }
    value
}

/// A section's newest articles, as the home page lists them.
fn latest_of(section: &crate::model::Section) -> &[usize] {
    &section.articles[..section.articles.len().min(LATEST_PER_SECTION)]
}

fn issue_context(site: &Site, shared: &Shared, index: usize) -> Value {
    let recent: Value = shared.issue_refs.iter().take(RECENT_ISSUES).cloned().collect();
    let Some(issue) = site.issues.get(index) else {
        return object([("issue", Value::Null), ("recent_issues", recent)]);
    };
    let mut value = issue_frame(site, shared, index);
    let map = value.as_object_mut().expect("issue refs are objects");
    map.insert(
        "lead".into(),
        issue.articles.first().map_or(Value::Null, |&a| shared.summary(site, a)),
    );
    map.insert("groups".into(), print_groups(site, shared, issue));
    object([("issue", value), ("recent_issues", recent)])
}

/// An issue's reference with its neighbours (`prev` older, `next` newer) and its print pages:
/// what an issue front and a page view show of the issue.
fn issue_frame(site: &Site, shared: &Shared, index: usize) -> Value {
    let mut value = shared.issue_refs[index].clone();
    let map = value.as_object_mut().expect("issue refs are objects");
    map.insert("prev".into(), shared.issue_refs.get(index + 1).cloned().unwrap_or(Value::Null));
    map.insert(
        "next".into(),
        index.checked_sub(1).map_or(Value::Null, |i| shared.issue_refs[i].clone()),
    );
    let pages = site.issues[index].pages.iter().map(|p| print_page_ref(p, shared)).collect();
    map.insert("pages".into(), pages);
    value
}

/// A print page's name, short name, URL, section and article count.
fn print_page_ref(page: &PrintPage, shared: &Shared) -> Value {
    object([
        ("name", text(&page.name)),
        ("short", text(&page.short)),
        ("url", text(&page.url)),
        ("section", page.section.map_or(Value::Null, |s| shared.section_refs[s].clone())),
        ("article_count", page.articles.len().into()),
    ])
}

/// A page view: the page with its articles, its neighbours in the issue and the issue.
fn page_context(site: &Site, shared: &Shared, issue: usize, index: usize) -> Value {
    let pages = &site.issues[issue].pages;
    let page = &pages[index];
    let mut value = print_page_ref(page, shared);
    if let Some(map) = value.as_object_mut() {
        map.insert("articles".into(), summaries_of(site, shared, &page.articles));
    }
    let around = |i: Option<usize>| {
        i.and_then(|i| pages.get(i)).map_or(Value::Null, |p| print_page_ref(p, shared))
    };
    object([
        ("print_page", value),
        ("prev_page", around(index.checked_sub(1))),
        ("next_page", around(Some(index + 1))),
        ("issue", issue_frame(site, shared, issue)),
    ])
}

/// Consecutive articles of the same section and page, in print order.
fn print_groups(site: &Site, shared: &Shared, issue: &Issue) -> Value {
    type Group<'a> = (Option<usize>, Option<&'a str>, Option<usize>, Vec<usize>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for &a in &issue.articles {
        let article = &site.articles[a];
        let key = (article.section, article.data.page.as_deref());
        match groups.last_mut() {
            Some((section, page, _, list)) if (*section, *page) == key => list.push(a),
            _ => groups.push((key.0, key.1, article.print_page, vec![a])),
        }
    }
    groups
        .into_iter()
        .map(|(section, page, print_page, list)| {
            let print_page = print_page.and_then(|p| issue.pages.get(p));
            object([
                ("section", section.map_or(Value::Null, |s| shared.section_refs[s].clone())),
                ("page", page.map_or(Value::Null, text)),
                ("print_page", print_page.map_or(Value::Null, |p| print_page_ref(p, shared))),
                ("articles", summaries_of(site, shared, &list)),
            ])
        })
        .collect()
}

fn article_context(
    site: &Site,
    body: Option<&str>,
    shared: &Shared,
    index: usize,
    reads: Reads<'_>,
) -> Value {
    let article = &site.articles[index];
    let data = &article.data;
    let mut value = shared.summary(site, index);
    let map = value.as_object_mut().expect("summaries are objects");
    map.insert("content".into(), Value::String(body.unwrap_or_default().to_owned()));
    map.insert("word_count".into(), data.word_count.into());
    map.insert("slug".into(), article.slug.clone().into());
    map.insert("extra".into(), data.extra.clone());
    map.insert("source".into(), data.source.clone().into());
    let (prev, next) = neighbours(site, index);
    let summary = |i: Option<usize>| i.map_or(Value::Null, |a| shared.summary(site, a));
    let pages = &site.issues[article.issue].pages;
    let print_page = article.print_page.and_then(|p| pages.get(p));
    let mut context = object([
        ("article", value),
        ("print_page", print_page.map_or(Value::Null, |p| print_page_ref(p, shared))),
        ("issue", shared.issue_refs[article.issue].clone()),
    ]);
    let map = context.as_object_mut().expect("built as an object");
    if reads.value("prev") {
        map.insert("prev".into(), summary(prev));
    }
    if reads.value("next") {
        map.insert("next".into(), summary(next));
    }
    if reads.value("more_from_section") {
        let more = summaries_of(site, shared, &more_from_section(site, index));
        map.insert("more_from_section".into(), more);
    }
    context
}

/// The articles printed just before and after `index` in its issue.
fn neighbours(site: &Site, index: usize) -> (Option<usize>, Option<usize>) {
    let issue = &site.issues[site.articles[index].issue];
    let position = issue.articles.iter().position(|&a| a == index).unwrap_or(0);
    let at = |i: Option<usize>| i.and_then(|i| issue.articles.get(i)).copied();
    (at(position.checked_sub(1)), at(Some(position + 1)))
}

/// Up to [`MORE_FROM_SECTION`] other articles of the article's section, newest first.
fn more_from_section(site: &Site, index: usize) -> Vec<usize> {
    let Some(section) = site.articles[index].section else { return Vec::new() };
    let others =
        site.sections[section].articles.iter().filter(|&&a| a != index).take(MORE_FROM_SECTION);
    others.copied().collect()
}

/// The articles listed on page `page` (from 1) of section `index`.
fn section_slice<'a>(site: &'a Site, config: &Config, index: usize, page: usize) -> &'a [usize] {
    let articles = &site.sections[index].articles;
    let total = articles.len();
    let per_page = if config.paginate == 0 { total.max(1) } else { config.paginate };
    let start = ((page - 1) * per_page).min(total);
    &articles[start..(start + per_page).min(total)]
}

/// The articles whose summary a page shows (and, for an article page, the article itself):
/// the pages to re-render when one of these articles changes. Kept next to the contexts above,
/// which must show no summary outside this list.
pub(crate) fn deps(job: &Job, site: &Site, config: &Config) -> Vec<usize> {
    match job.kind {
        Kind::Index => {
            let mut list = site.issues.first().map(|i| i.articles.clone()).unwrap_or_default();
            list.extend(site.sections.iter().flat_map(latest_of));
            list
        }
        Kind::Issue(i) => site.issues[i].articles.clone(),
        Kind::Page { issue, page } => site.issues[issue].pages[page].articles.clone(),
        Kind::Article(i) => {
            let (prev, next) = neighbours(site, i);
            let mut list = vec![i];
            list.extend(prev.into_iter().chain(next));
            list.extend(more_from_section(site, i));
            list
        }
        Kind::Section { section, page } => section_slice(site, config, section, page).to_vec(),
        Kind::Author(i) => site.authors[i].articles.clone(),
        Kind::Authors | Kind::Archive | Kind::Search | Kind::NotFound => Vec::new(),
    }
}

fn section_context(
    site: &Site,
    config: &Config,
    shared: &Shared,
    index: usize,
    page: usize,
) -> (String, Value) {
    let section = &site.sections[index];
    let total = section.articles.len();
    let pages = page_count(total, config.paginate);
    let list = section_slice(site, config, index, page);
    let url = |p: usize| paginated_url(&section.url, p);
    let paginator = object([
        ("articles", summaries_of(site, shared, list)),
        ("current", page.into()),
        ("total_pages", pages.into()),
        ("total_articles", total.into()),
        ("prev_url", (page > 1).then(|| url(page - 1)).into()),
        ("next_url", (page < pages).then(|| url(page + 1)).into()),
        (
            "pages",
            (1..=pages).map(|p| object([("number", p.into()), ("url", url(p).into())])).collect(),
        ),
    ]);
    let context =
        object([("section", shared.section_refs[index].clone()), ("paginator", paginator)]);
    (section.name.clone(), context)
}

fn author_context(site: &Site, shared: &Shared, index: usize) -> Value {
    let author = &site.authors[index];
    let mut value = shared.author_refs[index].clone();
    let map = value.as_object_mut().expect("author refs are objects");
    map.insert("articles".into(), summaries_of(site, shared, &author.articles));
    map.insert("article_count".into(), author.articles.len().into());
    object([("author", value)])
}

fn authors_context(site: &Site, shared: &Shared) -> Value {
    let authors: Vec<Value> = site
        .authors
        .iter()
        .zip(&shared.author_refs)
        .map(|(author, reference)| {
            let mut value = reference.clone();
            if let Some(map) = value.as_object_mut() {
                map.insert("article_count".into(), author.articles.len().into());
            }
            value
        })
        .collect();
    object([("authors", authors.into())])
}

fn archive_context(site: &Site, shared: &Shared) -> Value {
    let mut runs: Vec<((i32, u32), Vec<usize>)> = Vec::new();
    for (i, issue) in site.issues.iter().enumerate() {
        let key = (issue.date.year(), issue.date.month());
        match runs.last_mut() {
            Some((month, list)) if *month == key => list.push(i),
            _ => runs.push((key, vec![i])),
        }
    }
    let months: Vec<Value> = runs
        .iter()
        .map(|&((year, month), ref list)| {
            let by_day: std::collections::BTreeMap<_, _> =
                list.iter().map(|&i| (site.issues[i].date, &shared.issue_refs[i])).collect();
            object([
                ("year", year.into()),
                ("month", month.into()),
                ("anchor", format!("month-{year:04}-{month:02}").into()),
                ("label_date", format!("{year:04}-{month:02}-01").into()),
                ("issues", list.iter().map(|&i| shared.issue_refs[i].clone()).collect()),
                ("weeks", super::calendar::month_calendar(year, month, &by_day)),
            ])
        })
        .collect();
    let keys: Vec<(i32, u32)> = runs.iter().map(|(key, _)| *key).collect();
    object([("months", months.into()), ("years", super::calendar::year_index(&keys))])
}
