//! `site.toml` → [`Config`]: parsed, validated and resolved once, before anything else runs.
//!
//! Raw keys are read with `deny_unknown_fields` so a typo fails loudly, with a suggestion for
//! the closest known key. Resolving turns relative folders into absolute paths, normalises
//! `base_url` and fills defaults. This module reads `site.toml` and nothing else; whether the
//! theme folder exists is checked here too, because every later stage needs it.

pub mod split;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;

use split::SplitConfig;

/// The file name of a site's configuration.
pub const CONFIG_FILE: &str = "site.toml";

/// `site.toml` as written by the user, before defaults and validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_base_url")]
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    sections: Vec<SectionConfig>,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "yes")]
    feeds: bool,
    #[serde(default = "yes")]
    search: bool,
    #[serde(default = "yes")]
    sitemap: bool,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default)]
    reading: ReadingSpeed,
    #[serde(default)]
    permalinks: Permalinks,
    #[serde(default)]
    publisher: Publisher,
    #[serde(default)]
    markdown: MarkdownOptions,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    split: SplitConfig,
    #[serde(default)]
    images: ImagesConfig,
}

fn default_base_url() -> String {
    "/".to_owned()
}
fn default_language() -> String {
    "en".to_owned()
}
fn default_theme() -> String {
    "broadsheet".to_owned()
}
fn default_paginate() -> usize {
    20
}
fn default_feed_limit() -> usize {
    50
}
fn yes() -> bool {
    true
}

/// A section declared in `site.toml` (`[[sections]]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    /// Display name, and what an article's `section` field names (the slug works too).
    pub name: String,
    /// URL segment; transliterated from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Position in navigation; declared order when absent.
    #[serde(default)]
    pub order: Option<i64>,
    /// One line shown on the section's index.
    #[serde(default)]
    pub description: String,
}

/// How fast readers read, for reading time (`[reading]`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ReadingSpeed {
    /// Chinese, Japanese and Korean characters per minute.
    pub cjk_chars_per_minute: u32,
    /// Words per minute for other scripts.
    pub words_per_minute: u32,
}

impl Default for ReadingSpeed {
    fn default() -> Self {
        ReadingSpeed { cjk_chars_per_minute: 450, words_per_minute: 220 }
    }
}

/// How article bodies are rendered (`[markdown]`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    /// Whether raw HTML in bodies (`<script>`, `<iframe>`, inline tags) is kept, as CommonMark
    /// allows. `false` drops it and turns `javascript:`, `vbscript:` and `data:` link targets
    /// into `#`: for sites publishing bodies from writers they do not fully trust.
    pub unsafe_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions { unsafe_html: true }
    }
}

/// URL patterns (`[permalinks]`). Placeholders: `:year`, `:month`, `:day`, `:slug`, `:section`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Permalinks {
    /// An article's URL.
    pub article: String,
    /// An issue front's URL.
    pub issue: String,
    /// A section index's URL.
    pub section: String,
    /// A reporter's page URL.
    pub author: String,
    /// A printed page's (版面) view; `:page` is the page's name (`A01`).
    pub page: String,
}

/// Who publishes the paper (`[publisher]`), for the news metadata of every article.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Publisher {
    /// The organisation's name; the site's `title` when empty.
    pub name: String,
    /// Its logo: a root-relative path (`/logo.png`) or an absolute URL; none when empty.
    pub logo: String,
    /// Its home page; the site's `base_url` when empty.
    pub url: String,
}

impl Default for Permalinks {
    fn default() -> Self {
        Permalinks {
            article: "/:year/:month/:day/:slug/".to_owned(),
            issue: "/:year/:month/:day/".to_owned(),
            section: "/sections/:slug/".to_owned(),
            author: "/authors/:slug/".to_owned(),
            page: "/:year/:month/:day/:page/".to_owned(),
        }
    }
}

/// How `build` makes the responsive versions of each article image (`[images]`).
#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// The widths, in pixels, each image is made in (never wider than the original).
    pub widths: Vec<u32>,
    /// The formats, modern first, fallback (`<img src>`) last: `"webp"` and/or `"jpeg"`.
    pub formats: Vec<String>,
    /// Encoder quality, 1–100.
    pub quality: u8,
    /// The `sizes` attribute: how wide the picture is shown at each screen width.
    pub sizes: String,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            formats: vec!["webp".to_owned(), "jpeg".to_owned()],
            quality: 80,
            sizes: "(min-width: 48rem) 44rem, 100vw".to_owned(),
        }
    }
}

/// The formats `[images] formats` may name.
pub const IMAGE_FORMATS: [&str; 2] = ["webp", "jpeg"];

fn validate_images(images: &ImagesConfig) -> Result<()> {
    if images.widths.is_empty() || images.widths.iter().any(|&w| !(16..=8192).contains(&w)) {
        bail!(
            "`[images] widths` = {:?}: give one or more widths between 16 and 8192 pixels, e.g. \
             widths = [480, 960, 1600]",
            images.widths
        );
    }
    if let Some(bad) = images.formats.iter().find(|f| !IMAGE_FORMATS.contains(&f.as_str())) {
        bail!("`[images] formats` names {bad:?}: write \"webp\" and/or \"jpeg\"");
    }
    if images.formats.is_empty() {
        bail!("`[images] formats` is empty: write formats = [\"webp\", \"jpeg\"]");
    }
    if !(1..=100).contains(&images.quality) {
        bail!("`[images] quality` = {}: give a number from 1 to 100", images.quality);
    }
    Ok(())
}

/// The resolved configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (the folder holding `site.toml`).
    pub root: PathBuf,
    /// The paper's name.
    pub title: String,
    /// One line describing the edition.
    pub description: String,
    /// Absolute or root URL of the published site, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/news/`).
    pub base_path: String,
    /// BCP 47 language tag, e.g. `zh-CN`.
    pub language: String,
    /// Name of the theme folder under `themes/`.
    pub theme: String,
    /// Declared sections in declared order.
    pub sections: Vec<SectionConfig>,
    /// Articles per section index page; 0 puts every article on one page.
    pub paginate: usize,
    /// Whether to write `atom.xml`.
    pub feeds: bool,
    /// Whether to write `search.json` and the search page.
    pub search: bool,
    /// Whether to write `sitemap.xml`.
    pub sitemap: bool,
    /// How many entries the feed holds at most.
    pub feed_limit: usize,
    /// Reading speeds for reading time.
    pub reading: ReadingSpeed,
    /// URL patterns.
    pub permalinks: Permalinks,
    /// `[publisher]`, with the name defaulting to the title and the URL to `base_url`.
    pub publisher: Publisher,
    /// How bodies are rendered.
    pub markdown: MarkdownOptions,
    /// `[extra]`, handed to templates as `site.extra`.
    pub extra: serde_json::Value,
    /// `[split]`, the splitter's rules.
    pub split: SplitConfig,
    /// `[images]`: responsive versions of article images.
    pub images: ImagesConfig,
    /// Folders: `content/`, the site's `templates/` and `static/`, and the theme's folder.
    pub content_dir: PathBuf,
    /// The site's own templates, which override the theme's.
    pub templates_dir: PathBuf,
    /// The site's own static files, which override the theme's.
    pub static_dir: PathBuf,
    /// `themes/<theme>/`.
    pub theme_dir: PathBuf,
    /// Where `build` writes (default `public/`).
    pub output_dir: PathBuf,
}

impl Config {
    /// Reads `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = crate::fs::read_to_string(&path).with_context(|| {
            format!("cannot read `{}`: is `{}` a broadsheet site?", path.display(), root.display())
        })?;
        Config::parse(&text, root).with_context(|| format!("invalid `{}`", CONFIG_FILE))
    }

    /// Parses and validates the text of a `site.toml` for a site at `root`.
    pub fn parse(text: &str, root: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(explain_toml_error)?;
        resolve(raw, root)
    }

    /// Replaces `base_url` (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        let (base_url, base_path) = normalize_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// The origin (`https://example.org`) of an absolute `base_url`.
    pub fn origin(&self) -> Option<&str> {
        let rest = self.base_url.split_once("://")?.1;
        let host_len = rest.find('/').unwrap_or(rest.len());
        let scheme_len = self.base_url.len() - rest.len();
        Some(&self.base_url[..scheme_len + host_len])
    }
}

fn resolve(raw: RawConfig, root: &Path) -> Result<Config> {
    let RawConfig {
        title,
        description,
        base_url,
        language,
        theme,
        sections,
        paginate,
        feeds,
        search,
        sitemap,
        feed_limit,
        reading,
        permalinks,
        publisher,
        markdown,
        extra,
        split,
        images,
    } = raw;
    validate_images(&images)?;
    let (base_url, base_path) = normalize_base_url(&base_url)?;
    validate_sections(&sections)?;
    validate_permalinks(&permalinks)?;
    validate_reading(&reading)?;
    let theme_dir = root.join("themes").join(&theme);
    if !theme_dir.join("templates").is_dir() {
        bail!(
            "theme `{theme}` not found: expected a folder `{}` with `templates/`; \
             set `theme` in site.toml to one of: {}",
            theme_dir.join("templates").display(),
            available_themes(root)
        );
    }
    let publisher = resolve_publisher(publisher, &title, &base_url);
    Ok(Config {
        root: root.to_path_buf(),
        title,
        description,
        base_url,
        base_path,
        language,
        theme,
        sections,
        paginate,
        feeds,
        search,
        sitemap,
        feed_limit,
        reading,
        permalinks,
        publisher,
        markdown,
        extra: serde_json::to_value(extra).context("`[extra]` cannot be handed to templates")?,
        split,
        images,
        content_dir: root.join("content"),
        templates_dir: root.join("templates"),
        static_dir: root.join("static"),
        theme_dir,
        output_dir: root.join("public"),
    })
}

/// Fills the publisher's name and home page from the site's when `[publisher]` leaves them out.
fn resolve_publisher(publisher: Publisher, title: &str, base_url: &str) -> Publisher {
    let Publisher { name, logo, url } = publisher;
    let or = |value: String, default: &str| {
        if value.trim().is_empty() { default.to_owned() } else { value.trim().to_owned() }
    };
    Publisher { name: or(name, title), logo: logo.trim().to_owned(), url: or(url, base_url) }
}

fn available_themes(root: &Path) -> String {
    let themes = root.join("themes");
    let names: Vec<String> = crate::fs::subfolders(&themes)
        .into_iter()
        .filter(|name| themes.join(name).join("templates").is_dir())
        .map(|name| format!("`{name}`"))
        .collect();
    if names.is_empty() {
        "(no themes installed under `themes/`)".to_owned()
    } else {
        names.join(", ")
    }
}

/// Splits a base URL into its normalised form (ending in `/`) and its path.
fn normalize_base_url(url: &str) -> Result<(String, String)> {
    let url = url.trim();
    let mut normalized = url.to_owned();
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    let path = match normalized.split_once("://") {
        Some((scheme, rest)) => {
            if scheme.is_empty() || rest.is_empty() || rest.starts_with('/') {
                bail!(
                    "`base_url` = {url:?} is not a URL: write e.g. \"https://example.org/news/\""
                );
            }
            rest.find('/').map_or("/", |i| &rest[i..]).to_owned()
        }
        None if normalized.starts_with('/') => normalized.clone(),
        None => bail!(
            "`base_url` = {url:?} must be an absolute URL (\"https://example.org/\") or a path (\"/news/\")"
        ),
    };
    Ok((normalized, path))
}

fn validate_sections(sections: &[SectionConfig]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for section in sections {
        if section.name.trim().is_empty() {
            bail!("a `[[sections]]` entry has an empty `name`");
        }
        if let Some(slug) = &section.slug
            && (slug.is_empty() || !slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            bail!(
                "section `{}`: `slug` = {slug:?} must be ASCII letters, digits and `-`",
                section.name
            );
        }
        if !seen.insert(section.name.as_str()) {
            bail!("section `{}` is declared twice in `[[sections]]`", section.name);
        }
    }
    Ok(())
}

fn validate_permalinks(links: &Permalinks) -> Result<()> {
    let checks = [
        ("article", &links.article, ":slug"),
        ("issue", &links.issue, ":day"),
        ("section", &links.section, ":slug"),
        ("author", &links.author, ":slug"),
        ("page", &links.page, ":page"),
        ("page", &links.page, ":day"),
    ];
    for (key, pattern, needed) in checks {
        if !pattern.starts_with('/') || !pattern.ends_with('/') {
            bail!("`permalinks.{key}` = {pattern:?} must start and end with `/`");
        }
        if !pattern.contains(needed) {
            bail!(
                "`permalinks.{key}` = {pattern:?} must contain `{needed}` so every URL is unique"
            );
        }
        check_segments(key, pattern)?;
    }
    Ok(())
}

/// Refuses patterns whose URLs leave the site: `//x/` is a link to another host, and `.`,
/// `..` (also as `%2e%2e`), `%`, `\\` or `?`/`#` in a segment are read as something else
/// by browsers and servers.
fn check_segments(key: &str, pattern: &str) -> Result<()> {
    let inner = &pattern[1..pattern.len().saturating_sub(1).max(1)];
    for segment in inner.split('/') {
        let bad = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['%', '\\', '?', '#']);
        if bad && pattern != "/" {
            bail!(
                "`permalinks.{key}` = {pattern:?} in site.toml has the segment {segment:?}: use \
                 plain segments between single `/` (no empty ones, `.`, `..`, `%`, `\\`, `?`, \
                 `#`), e.g. \"/:year/:month/:day/:slug/\""
            );
        }
    }
    Ok(())
}

fn validate_reading(reading: &ReadingSpeed) -> Result<()> {
    if reading.cjk_chars_per_minute == 0 || reading.words_per_minute == 0 {
        bail!("`[reading]` speeds must be greater than 0");
    }
    Ok(())
}

/// Turns a toml/serde error into one that names the key and suggests the closest valid one.
fn explain_toml_error(error: toml::de::Error) -> anyhow::Error {
    let message = error.message().to_owned();
    let suggestion = suggest_key(&message).map(|s| format!("\nhelp: did you mean `{s}`?"));
    let rendered = error.to_string();
    anyhow::anyhow!("{}{}", rendered.trim_end(), suggestion.unwrap_or_default())
}

/// From serde's "unknown field `x`, expected one of `a`, `b`", the known key closest to `x`.
fn suggest_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_theme() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/broadsheet/templates")).unwrap();
        dir
    }

    #[test]
    fn defaults_fill_everything_but_title() {
        let dir = site_with_theme();
        let config = Config::parse("title = \"Daily\"", dir.path()).unwrap();
        assert_eq!(config.base_url, "/");
        assert_eq!(config.base_path, "/");
        assert_eq!(config.paginate, 20);
        assert!(config.feeds && config.search && config.sitemap);
    }

    #[test]
    fn base_url_with_sub_path_is_normalised() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://example.org/news\"";
        let config = Config::parse(text, dir.path()).unwrap();
        assert_eq!(config.base_url, "https://example.org/news/");
        assert_eq!(config.base_path, "/news/");
        assert_eq!(config.origin(), Some("https://example.org"));
    }

    #[test]
    fn unknown_key_names_the_key_and_suggests_one() {
        let dir = site_with_theme();
        let err = Config::parse("title = \"D\"\npaginte = 3", dir.path()).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("unknown field `paginte`"), "{text}");
        assert!(text.contains("did you mean `paginate`?"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn missing_theme_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::parse("title = \"D\"\ntheme = \"nope\"", dir.path()).unwrap_err();
        assert!(err.to_string().contains("theme `nope` not found"), "{err}");
    }

    #[test]
    fn page_permalinks_need_the_page_and_the_day() {
        let dir = site_with_theme();
        let config = Config::parse("title = \"D\"", dir.path()).unwrap();
        assert_eq!(config.permalinks.page, "/:year/:month/:day/:page/");
        assert_eq!(config.publisher.name, "D");
        for bad in ["/:year/:month/:day/", "/ban/:page/"] {
            let text = format!("title = \"D\"\n[permalinks]\npage = \"{bad}\"");
            let err = format!("{:#}", Config::parse(&text, dir.path()).unwrap_err());
            assert!(err.contains("`permalinks.page`"), "{err}");
        }
    }

    #[test]
    fn bad_base_url_is_rejected() {
        let dir = site_with_theme();
        let err = Config::parse("title = \"D\"\nbase_url = \"example.org\"", dir.path());
        assert!(err.is_err());
    }
}
