//! The theme chain as one Tera instance, with broadsheet's filters, functions and the theme's
//! translations.
//!
//! Lookup order: the site's `templates/` override the theme's by name, and every theme template
//! is also registered as `theme/<name>` so an override can extend the original. Template syntax
//! errors are fatal and name the file and line. This module does not know about pages: `render`
//! builds contexts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use serde_json::Value;
use tera::Tera;

use crate::config::{Config, ReadingSpeed};
use crate::content::markdown;
use crate::content::theme::TemplateFile;
use crate::model::urls::make_url;
use crate::text::escape_html;

pub(crate) use super::template_deps::FRAGMENTS;

/// The loaded templates plus where each came from.
pub struct Templates {
    /// The Tera instance (read-only while rendering; `Tera` is `Sync`).
    pub(crate) tera: Tera,
    /// Template name → file it was read from, for error messages.
    pub(crate) sources: HashMap<String, PathBuf>,
    /// Template name → its text, for the lines of error messages.
    texts: HashMap<String, String>,
    /// The theme's UI words in the site's language.
    pub(crate) translations: Value,
    /// Per template name, a hash of its source and of every template it extends, includes or
    /// imports (see [`super::template_deps::template_hashes`]).
    pub(crate) closure_hashes: HashMap<String, u64>,
    /// Per template name, which optional page values it may read (see
    /// [`super::template_deps::mentioned_values`]).
    mentions: HashMap<String, Option<Vec<&'static str>>>,
    /// Tells these templates from any other set loaded in this process (see
    /// `render::unique_id`).
    pub(crate) id: u64,
    /// Whether the theme asked for the whole rendered page to be post-processed
    /// (`postprocess = "page"` in `theme.toml`); otherwise only article bodies are, and
    /// `url()` gives base-aware URLs.
    pub(crate) whole_page: bool,
    /// The fragments (`fragments/<name>.html`), as (`name`, template name), sorted: rendered
    /// once per kind of page and given to every page as `fragments.<name>`.
    pub(crate) fragments: Vec<(String, String)>,
}

/// What the post-processing passes see: the Markdown bodies only (the default), or every
/// rendered page (`postprocess = "page"`, for themes that write root-relative URLs by hand).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Postprocess {
    #[default]
    Body,
    Page,
}

/// `theme.toml`: a theme's description and UI words.
#[derive(Debug, Default, Deserialize)]
struct ThemeManifest {
    #[serde(default)]
    translations: HashMap<String, toml::Table>,
    #[serde(default)]
    postprocess: Postprocess,
}

impl Templates {
    /// Builds the templates from the theme's and the site's files (read by
    /// [`crate::content::theme`]: this module reads no files).
    pub fn load(config: &Config) -> Result<Templates> {
        let files = crate::content::theme::read(config)?;
        if !files.templates.iter().any(|file| file.name == "article.html") {
            anyhow::bail!(
                "the theme has no `article.html` (looked in `{}` and `{}`): every article page \
                 would be missing; add the template, or pick another `theme` in site.toml",
                relative(config, &config.theme_dir.join("templates")),
                relative(config, &config.templates_dir)
            );
        }
        let manifest = manifest(config, files.manifest.as_ref())?;
        let translations = translations(config, &manifest)?;
        let whole_page = manifest.postprocess == Postprocess::Page;
        Templates::from_files(config, files.templates, translations, whole_page)
    }

    fn from_files(
        config: &Config,
        files: Vec<TemplateFile>,
        translations: Value,
        whole_page: bool,
    ) -> Result<Templates> {
        let mut raw = Vec::with_capacity(files.len());
        let mut sources = HashMap::new();
        let mut texts = HashMap::new();
        for TemplateFile { name, path, text } in files {
            sources.insert(name.clone(), path);
            texts.insert(name.clone(), text.clone());
            raw.push((name, text));
        }
        check_cycles(config, &sources, &raw)?;
        let mut tera = Tera::default();
        tera.add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|error| explain_syntax_error(config, &sources, error))?;
        tera.set_escape_fn(escape_html);
        register_helpers(&mut tera, config, whole_page);
        let closure_hashes = super::template_deps::template_hashes(&raw);
        let mentions = super::template_deps::mentioned_values(&raw);
        let id = crate::render::unique_id();
        let fragments = fragment_names(&raw);
        Ok(Templates {
            tera,
            sources,
            texts,
            translations,
            closure_hashes,
            mentions,
            id,
            whole_page,
            fragments,
        })
    }

    /// Which optional page values the template `name` may read.
    pub(crate) fn reads(&self, name: &str) -> super::context::Reads<'_> {
        super::context::Reads(self.mentions.get(name).and_then(Option::as_deref))
    }

    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// The file a template was read from, relative to the site root where possible.
    pub(crate) fn file_of(&self, config: &Config, name: &str) -> String {
        self.sources.get(name).map_or_else(|| name.to_owned(), |path| relative(config, path))
    }

    /// Renders `name`; errors name the template file, and the line for undefined variables.
    pub fn render(&self, config: &Config, name: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|error| self.explain_render_error(config, name, error))
    }

    /// [`Templates::render`] as bytes (always UTF-8: Tera writes only strings). A page's bytes
    /// go to the staging folder as they are; `render` would check the whole page's UTF-8 again
    /// on the way to a `String` (4% of a clean build's CPU on CJK pages).
    pub(crate) fn render_bytes(
        &self,
        config: &Config,
        name: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>> {
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(name, context, &mut html)
            .map_err(|error| self.explain_render_error(config, name, error))?;
        Ok(html)
    }

    fn explain_render_error(
        &self,
        config: &Config,
        name: &str,
        error: tera::Error,
    ) -> anyhow::Error {
        let chain = error_chain(&error);
        let rendering = template_being_rendered(&chain).unwrap_or_else(|| name.to_owned());
        let call = failed_call(&chain);
        let (culprit, line) = match &call {
            // Tera gives no line for a failing filter or function: the first template (the one
            // rendered, else any other) that calls it is where to look.
            Some(call) => self.first_call(&rendering, call),
            None => {
                let line = undefined_variable(&chain).and_then(|v| self.line_of(&rendering, &v));
                (rendering, line)
            }
        };
        let file = self.file_of(config, &culprit);
        let place = line.map_or(file.clone(), |line| format!("{file}:{line}"));
        let hint = match call {
            Some(Call::Filter(name)) => format!("; fix the `{name}` filter's use or its input"),
            Some(Call::Function(name)) => format!("; fix the call of `{name}` or its arguments"),
            None => String::new(),
        };
        anyhow!("template `{place}`: {}{hint}", chain.join(": "))
    }

    /// First line of template `name` that mentions `needle`.
    fn line_of(&self, name: &str, needle: &str) -> Option<usize> {
        let text = self.texts.get(name)?;
        text.lines().position(|line| line.contains(needle)).map(|i| i + 1)
    }

    /// The template and line of the first call of `call`: in `rendering` if it calls it, else
    /// in the first other template (by name) that does, else `rendering` without a line.
    fn first_call(&self, rendering: &str, call: &Call) -> (String, Option<usize>) {
        let mut others: Vec<&String> = self.sources.keys().filter(|n| *n != rendering).collect();
        others.sort();
        let candidates = std::iter::once(rendering).chain(others.into_iter().map(String::as_str));
        for name in candidates {
            let Some(text) = self.texts.get(name) else { continue };
            if let Some(i) = text.lines().position(|line| call.is_in(line)) {
                return (name.to_owned(), Some(i + 1));
            }
        }
        (rendering.to_owned(), None)
    }
}

/// (`nav`, `fragments/nav.html`) for each fragment template, sorted by name.
/// Bytes reserved for a page before rendering it: more than most pages need (the default
/// theme's average 10 KB), so the buffer is seldom grown and copied while Tera writes.
const PAGE_CAPACITY: usize = 32 * 1024;

fn fragment_names(raw: &[(String, String)]) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = raw
        .iter()
        .filter_map(|(name, _)| {
            let key = name.strip_prefix(FRAGMENTS)?.strip_suffix(".html")?;
            Some((key.to_owned(), name.clone()))
        })
        .collect();
    names.sort();
    names
}

/// Refuses a template that reaches itself through `include`, `extends` or `import` with a
/// literal name: Tera would recurse until the stack overflows, in `build`, `watch` and `serve`.
fn check_cycles(
    config: &Config,
    sources: &HashMap<String, PathBuf>,
    raw: &[(String, String)],
) -> Result<()> {
    let edges: HashMap<&str, Vec<String>> = raw
        .iter()
        .filter_map(|(name, text)| {
            Some((name.as_str(), super::template_deps::referenced_templates(text)?))
        })
        .collect();
    for (name, _) in raw {
        if let Some(chain) = cycle_from(name, &edges) {
            let file = sources.get(name).map_or_else(|| name.clone(), |p| relative(config, p));
            let next = chain.get(1).map_or(name.as_str(), String::as_str);
            let text = raw.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t.as_str());
            let line =
                text.lines().position(|l| l.contains(&format!("\"{next}\""))).map_or(1, |i| i + 1);
            anyhow::bail!(
                "{file}:{line}: template `{name}` includes itself ({}), which would never end; \
                 remove or rename one of these includes",
                chain.join(" → ")
            );
        }
    }
    Ok(())
}

/// A path `start → … → start` through `edges`, if there is one (breadth first, no recursion).
fn cycle_from(start: &str, edges: &HashMap<&str, Vec<String>>) -> Option<Vec<String>> {
    let mut parent: HashMap<&str, &str> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in edges.get(node).into_iter().flatten() {
            if next == start {
                let mut chain = vec![start.to_owned()];
                let mut at = node;
                while at != start {
                    chain.push(at.to_owned());
                    at = parent.get(at).copied().unwrap_or(start);
                }
                chain[1..].reverse();
                chain.push(start.to_owned());
                return Some(chain);
            }
            if let Some((key, _)) = edges.get_key_value(next.as_str())
                && !parent.contains_key(key)
                && *key != start
            {
                parent.insert(key, node);
                queue.push_back(key);
            }
        }
    }
    None
}

fn relative(config: &Config, path: &Path) -> String {
    path.strip_prefix(&config.root).unwrap_or(path).display().to_string()
}

/// Every message in a Tera error's chain, outermost first.
fn error_chain(error: &tera::Error) -> Vec<String> {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain
}

fn explain_syntax_error(
    config: &Config,
    sources: &HashMap<String, PathBuf>,
    error: tera::Error,
) -> anyhow::Error {
    let chain = error_chain(&error);
    let name = template_in_message(&chain);
    let file = name.as_deref().and_then(|n| sources.get(n)).map(|p| relative(config, p));
    let line = chain.iter().find_map(|m| pest_line(m));
    let place = match (file, line) {
        (Some(file), Some(line)) => format!("`{file}:{line}`"),
        (Some(file), None) => format!("`{file}`"),
        _ => "a template".to_owned(),
    };
    anyhow!("syntax error in {place}: fix the template and build again\n{}", chain.join("\n"))
}

/// The template named in a Tera message: `... 'article.html' ...`.
fn template_in_message(chain: &[String]) -> Option<String> {
    chain.iter().rev().find_map(|message| {
        let start = message.find('\'')? + 1;
        let end = message[start..].find('\'')? + start;
        Some(message[start..end].to_owned())
    })
}

/// The template Tera was rendering: the innermost "Failed to render 'name'" of the chain
/// (other quoted names in Tera's messages are filters, functions or tests).
fn template_being_rendered(chain: &[String]) -> Option<String> {
    chain.iter().rev().find_map(|message| {
        let rest = &message[message.find("Failed to render '")? + 18..];
        Some(rest[..rest.find('\'')?].to_owned())
    })
}

/// A filter or function that failed at run time.
#[derive(Debug, PartialEq)]
enum Call {
    Filter(String),
    Function(String),
}

impl Call {
    /// Whether a template line calls it (`| name`, `|name`; `name(`).
    fn is_in(&self, line: &str) -> bool {
        match self {
            Call::Filter(name) => {
                let compact: String = line.split_whitespace().collect();
                compact.match_indices(&format!("|{name}")).any(|(at, found)| {
                    let after = compact[at + found.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            }
            Call::Function(name) => line.contains(&format!("{name}(")),
        }
    }
}

/// Tera's "Filter call 'date' failed" or "Function call 'url' failed".
fn failed_call(chain: &[String]) -> Option<Call> {
    chain.iter().find_map(|message| {
        let quoted = |prefix: &str| {
            let rest = &message[message.find(prefix)? + prefix.len()..];
            Some(rest[..rest.find('\'')?].to_owned())
        };
        quoted("Filter call '")
            .map(Call::Filter)
            .or_else(|| quoted("Function call '").map(Call::Function))
    })
}

/// Pest's ` --> 3:5` location line.
fn pest_line(message: &str) -> Option<usize> {
    let at = message.find("--> ")? + 4;
    let rest = &message[at..];
    let end = rest.find(':')?;
    rest[..end].trim().parse().ok()
}

/// The variable in "Variable `x.y` not found in context ...".
fn undefined_variable(chain: &[String]) -> Option<String> {
    chain.iter().find_map(|message| {
        let rest = &message[message.find("Variable `")? + 10..];
        Some(rest[..rest.find('`')?].to_owned())
    })
}

/// The theme's `theme.toml` (the defaults without one).
fn manifest(config: &Config, manifest: Option<&(PathBuf, String)>) -> Result<ThemeManifest> {
    let Some((path, text)) = manifest else { return Ok(ThemeManifest::default()) };
    toml::from_str(text).with_context(|| {
        format!(
            "invalid `{}`: fix the TOML (`postprocess` is \"body\" or \"page\")",
            relative(config, path)
        )
    })
}

/// The theme's UI words for the site's language, from `theme.toml` (none without one).
fn translations(config: &Config, manifest: &ThemeManifest) -> Result<Value> {
    let table =
        pick_language(&manifest.translations, &config.language).cloned().unwrap_or_default();
    serde_json::to_value(table).context("theme translations cannot be handed to templates")
}

/// Exact tag, then the primary subtag (`zh-CN` → `zh`), then `en`.
fn pick_language<'a, T>(tables: &'a HashMap<String, T>, language: &str) -> Option<&'a T> {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    tables.get(language).or_else(|| tables.get(primary)).or_else(|| tables.get("en"))
}

fn register_helpers(tera: &mut Tera, config: &Config, whole_page: bool) {
    let chinese = config.language.to_ascii_lowercase().starts_with("zh");
    tera.register_filter("long_date", date_filter(move |d| long_date(d, chinese)));
    tera.register_filter("short_date", date_filter(move |d| short_date(d, chinese)));
    tera.register_filter("month_label", date_filter(move |d| month_label(d, chinese)));
    let speed = config.reading;
    tera.register_filter("reading_time", move |value: &Value, _: &HashMap<String, Value>| {
        reading_time_filter(value, &speed)
    });
    tera.register_filter("json_ld", super::json_ld::json_ld_filter);
    let site = super::json_ld::Site::of(config);
    tera.register_filter("news_article", move |value: &Value, args: &HashMap<String, Value>| {
        super::json_ld::news_article_filter(&site, value, args)
    });
    let base_url = config.base_url.clone();
    let base_path = config.base_path.clone();
    let (byline_base_url, byline_base_path) = (base_url.clone(), base_path.clone());
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        url_function(args, &base_url, &base_path, whole_page)
    });
    tera.register_function("byline_links", move |args: &HashMap<String, Value>| {
        let url =
            |path: &str| site_url(path, false, &byline_base_url, &byline_base_path, whole_page);
        super::byline::byline_links(args, &url)
    });
    tera.register_function("range", checked_range);
}

/// The most numbers one `range(…)` call may make: `range(end=100000000)` took 4.4 GB, and
/// Tera's own `range` loops for ever on `step_by=0`.
pub const RANGE_LIMIT: usize = 100_000;

/// Tera's `range(start=0, end, step_by=1)`, refusing a `step_by` of 0 and more than
/// [`RANGE_LIMIT`] numbers.
fn checked_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |key: &str, default: Option<usize>| match args.get(key) {
        Some(value) => value.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| {
            tera::Error::msg(format!("`range` takes a whole number ≥ 0 as `{key}`, not {value}"))
        }),
        None => default.ok_or_else(|| tera::Error::msg("`range` needs `end`, e.g. range(end=5)")),
    };
    let (start, end, step) =
        (number("start", Some(0))?, number("end", None)?, number("step_by", Some(1))?);
    if step == 0 {
        return Err(tera::Error::msg("`range` with `step_by=0` would never end; use 1 or more"));
    }
    if start > end {
        return Err(tera::Error::msg(format!("`range` has start={start} past end={end}")));
    }
    let count = (end - start).div_ceil(step);
    if count > RANGE_LIMIT {
        return Err(tera::Error::msg(format!(
            "`range(start={start}, end={end})` would make {count} numbers, more than the \
             {RANGE_LIMIT} a template may ask for; loop over the site's data instead"
        )));
    }
    Ok(Value::from((start..end).step_by(step).collect::<Vec<usize>>()))
}

type FilterResult = tera::Result<Value>;

fn date_filter(
    format: impl Fn(NaiveDate) -> String + Send + Sync,
) -> impl Fn(&Value, &HashMap<String, Value>) -> FilterResult + Send + Sync {
    move |value, _| {
        let text =
            value.as_str().ok_or_else(|| tera::Error::msg("date filters take a date string"))?;
        let date = parse_loose_date(text).ok_or_else(|| {
            tera::Error::msg(format!("`{text}` is not a date (YYYY-MM-DD or YYYY-MM)"))
        })?;
        Ok(Value::String(format(date)))
    }
}

fn parse_loose_date(text: &str) -> Option<NaiveDate> {
    crate::content::load::parse_date(text)
        .or_else(|| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok())
}

fn weekday_cn(day: Weekday) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
        [day.num_days_from_monday() as usize]
}

/// `2024年5月24日 星期五` or `Friday, 24 May 2024`.
pub(crate) fn long_date(date: NaiveDate, chinese: bool) -> String {
    if chinese {
        format!("{} {}", short_date(date, true), weekday_cn(date.weekday()))
    } else {
        date.format("%A, %-d %B %Y").to_string()
    }
}

/// `2024年5月24日` or `24 May 2024`.
pub(crate) fn short_date(date: NaiveDate, chinese: bool) -> String {
    if chinese {
        format!("{}年{}月{}日", date.year(), date.month(), date.day())
    } else {
        date.format("%-d %B %Y").to_string()
    }
}

/// `2024年5月` or `May 2024`.
pub(crate) fn month_label(date: NaiveDate, chinese: bool) -> String {
    if chinese {
        format!("{}年{}月", date.year(), date.month())
    } else {
        date.format("%B %Y").to_string()
    }
}

fn reading_time_filter(value: &Value, speed: &ReadingSpeed) -> FilterResult {
    let text = value.as_str().ok_or_else(|| tera::Error::msg("`reading_time` takes text"))?;
    let plain = strip_tags(text);
    Ok(Value::from(markdown::reading_time(&plain, speed)))
}

/// Drops `<…>` tags so HTML and text count alike (for counting only, never for output).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `url(path, absolute=false)`. Without whole-page post-processing a root-relative result
/// gets the base path here (nothing rewrites the page afterwards), and every site path asked
/// for is noted for the link check ([`take_url_targets`]).
fn url_function(
    args: &HashMap<String, Value>,
    base_url: &str,
    base_path: &str,
    whole_page: bool,
) -> FilterResult {
    let path = args
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("`url` needs `path`, e.g. url(path=\"/archive/\")"))?;
    let absolute = args.get("absolute").and_then(Value::as_bool).unwrap_or(false);
    Ok(Value::String(site_url(path, absolute, base_url, base_path, whole_page)))
}

/// What `url(path, absolute)` gives, noting the path for the link check.
fn site_url(
    path: &str,
    absolute: bool,
    base_url: &str,
    base_path: &str,
    whole_page: bool,
) -> String {
    let url = make_url(path, absolute, base_url, base_path);
    if whole_page {
        return url;
    }
    if !(path.contains("://") || path.starts_with("//")) {
        note_url_target(path);
    }
    let base = base_path.trim_end_matches('/');
    if absolute || base.is_empty() || !url.starts_with('/') || url.starts_with("//") {
        return url;
    }
    format!("{base}{url}")
}

thread_local! {
    /// The site paths `url()` was asked for on this thread since the last
    /// [`take_url_targets`]: a page's link-check targets from its theme markup.
    static URL_TARGETS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Notes `path` (root-relative, query and fragment dropped) as a link the page makes.
fn note_url_target(path: &str) {
    let path = path.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() {
        return;
    }
    URL_TARGETS.with(|targets| {
        let mut targets = targets.borrow_mut();
        if path.starts_with('/') {
            targets.push(path.to_owned());
        } else {
            targets.push(format!("/{path}"));
        }
    });
}

/// Adds `targets` to this thread's notes, as if `url()` had been asked for them.
pub(crate) fn note_url_targets(targets: Vec<String>) {
    URL_TARGETS.with(|notes| notes.borrow_mut().extend(targets));
}

/// The site paths `url()` gave on this thread since the last call, in call order.
pub(crate) fn take_url_targets() -> Vec<String> {
    URL_TARGETS.with(|targets| std::mem::take(&mut *targets.borrow_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_long_date_has_the_weekday() {
        let date = NaiveDate::from_ymd_opt(2024, 5, 24).unwrap();
        assert_eq!(long_date(date, true), "2024年5月24日 星期五");
        assert_eq!(long_date(date, false), "Friday, 24 May 2024");
        assert_eq!(month_label(date, true), "2024年5月");
    }

    fn url_of(path: &str, absolute: bool, whole_page: bool) -> String {
        let mut args = HashMap::new();
        args.insert("path".to_owned(), Value::from(path));
        args.insert("absolute".to_owned(), Value::from(absolute));
        let url = url_function(&args, "https://example.org/news/", "/news/", whole_page);
        url.unwrap().as_str().unwrap().to_owned()
    }

    #[test]
    fn url_gives_the_base_path_unless_the_whole_page_is_rewritten() {
        take_url_targets();
        assert_eq!(url_of("/archive/", false, false), "/news/archive/");
        assert_eq!(url_of("a/b/", false, false), "/news/a/b/");
        assert_eq!(url_of("/", true, false), "https://example.org/news/");
        assert_eq!(url_of("https://elsewhere.org/x", false, false), "https://elsewhere.org/x");
        assert_eq!(take_url_targets(), ["/archive/", "/a/b/", "/"]);
        assert_eq!(url_of("/archive/", false, true), "/archive/");
        assert!(take_url_targets().is_empty(), "the whole-page pass finds the links itself");
    }

    #[test]
    fn url_targets_drop_query_and_fragment() {
        take_url_targets();
        url_of("/a/?page=2#top", false, false);
        url_of("#top", false, false);
        assert_eq!(take_url_targets(), ["/a/"]);
    }

    #[test]
    fn pest_location_is_read() {
        assert_eq!(pest_line(" --> 3:5\n  |"), Some(3));
    }

    #[test]
    fn language_falls_back_to_primary_then_english() {
        let mut tables = HashMap::new();
        tables.insert("zh".to_owned(), 1);
        tables.insert("en".to_owned(), 2);
        assert_eq!(pick_language(&tables, "zh-CN"), Some(&1));
        assert_eq!(pick_language(&tables, "fr"), Some(&2));
    }
}
