//! The machine-readable outputs: `atom.xml`, `sitemap.xml`, the Google News sitemap
//! `news-sitemap.xml` and `robots.txt` (the search index is `search`'s).
//!
//! Written straight from the [`Site`] (no templates), so they are valid whatever the theme
//! does. Text is escaped for XML; every URL is absolute (Atom and sitemaps require it).

use std::fmt::Write as _;
use std::sync::Arc;

use crate::config::Config;
use crate::hash::hash_of;
use crate::model::Site;
use crate::render::Bodies;

/// A generated file: path under the output folder, its bytes, and a hash of them (equal
/// hashes mean equal bytes, so an unchanged file need not be compared with the output).
pub(crate) struct Generated {
    pub(crate) path: String,
    pub(crate) text: Arc<str>,
    pub(crate) hash: u64,
}

impl Generated {
    /// A generated file made elsewhere (the search index), with the hash of `text`.
    pub(crate) fn from_parts(path: String, text: Arc<str>, hash: u64) -> Generated {
        Generated { path, text, hash }
    }

    fn new(path: &str, text: String) -> Generated {
        let hash = hash_of(&text);
        Generated { path: path.to_owned(), text: text.into(), hash }
    }
}

/// What earlier runs of a session generated, so that `watch` redoes only what an edit
/// changed. `model` identifies the site model the entries were made from: while it stays the
/// same (edits applied in place keep URLs, sections and reporters), an article whose data is
/// the same `Arc` as before has the same sitemap line.
#[derive(Debug, Default)]
pub(crate) struct FeedCache {
    model: Option<u64>,
    /// The sitemap, with the hash of the article dates it was made from.
    sitemap: Option<(u64, Arc<str>, u64)>,
}

/// Every machine-readable file the configuration asks for. `model` identifies the site model
/// (see [`FeedCache`]).
pub(crate) fn generate(
    site: &Site,
    model: u64,
    bodies: &Bodies,
    config: &Config,
    cache: &mut FeedCache,
) -> Vec<Generated> {
    let same_model = cache.model == Some(model);
    cache.model = Some(model);
    let mut files = Vec::new();
    if config.feeds {
        files.push(Generated::new("atom.xml", atom(site, bodies, config)));
    }
    if sitemap_wanted(config) {
        files.push(cached_sitemap(site, config, same_model, &mut cache.sitemap));
    } else if config.sitemap {
        warn_sitemap_left_out(config);
    }
    if wants_news_sitemap(config) {
        files.push(Generated::new(NEWS_SITEMAP, news_sitemap(site, config)));
    }
    files.push(Generated::new("robots.txt", robots(config)));
    files
}

/// The sitemap, reused when the model is the same and no article's date changed (the only
/// thing of an article it shows besides its URL).
fn cached_sitemap(
    site: &Site,
    config: &Config,
    same_model: bool,
    cached: &mut Option<(u64, Arc<str>, u64)>,
) -> Generated {
    let dates: Vec<chrono::NaiveDate> = site.articles.iter().map(|a| a.data.date).collect();
    let key = hash_of(&dates);
    if let (true, Some((old, text, hash))) = (same_model, cached.as_ref())
        && *old == key
    {
        return Generated { path: "sitemap.xml".to_owned(), text: Arc::clone(text), hash: *hash };
    }
    let file = Generated::new("sitemap.xml", sitemap(site, config));
    *cached = Some((key, Arc::clone(&file.text), file.hash));
    file
}

/// The paths the build generates for this configuration that pages may link to (the search
/// index's `search.json` included; its shards, which only `search.json` names, left out).
pub(crate) fn paths(config: &Config) -> Vec<&'static str> {
    let wanted = [
        (config.feeds, "atom.xml"),
        (sitemap_wanted(config), "sitemap.xml"),
        (wants_news_sitemap(config), NEWS_SITEMAP),
        (true, "robots.txt"),
        (config.search, "search.json"),
    ];
    wanted.into_iter().filter(|(on, _)| *on).map(|(_, path)| path).collect()
}

/// Whether `base_url` names a host (`https://…`), so that URLs can be made absolute.
fn has_host(config: &Config) -> bool {
    config.base_url.contains("://")
}

/// Whether `sitemap.xml` is written: asked for, and `base_url` has a host (a sitemap's
/// `<loc>`s must be absolute URLs; relative ones are refused by search engines).
fn sitemap_wanted(config: &Config) -> bool {
    config.sitemap && has_host(config)
}

/// Says once per process that the sitemap is left out, and which key brings it back.
fn warn_sitemap_left_out(config: &Config) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        log::warn!(
            "`sitemap.xml` is not written: `base_url` = {:?} in site.toml has no host, and a \
             sitemap needs absolute URLs; set `base_url = \"https://your.domain/\"` (or pass \
             `--base-url`) before deploying, or `sitemap = false` to silence this",
            config.base_url
        );
    }
}

/// An Atom `<id>` for a root-relative `url`: the absolute URL when `base_url` has a host, else
/// a `urn:uuid:` made from the site's title and the URL (an id must be an absolute IRI; links
/// may stay relative, read against the feed's own address).
fn atom_id(config: &Config, url: &str) -> String {
    if has_host(config) {
        return absolute(config, url);
    }
    let key = format!("{}\n{url}", config.title);
    let (high, low) = (fnv1a(&key, 0xcbf2_9ce4_8422_2325), fnv1a(&key, 0x6c62_272e_07bb_0142));
    // RFC 9562 version 8 (custom) with the RFC variant bits.
    let high = (high & !0xf000) | 0x8000;
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// FNV-1a over `text` from `basis`: the same on every machine and Rust release, as a feed's
/// ids must stay (std's hasher is not promised to).
fn fnv1a(text: &str, basis: u64) -> u64 {
    text.bytes().fold(basis, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Absolute URL of a root-relative path (falls back to the path when `base_url` has no host).
fn absolute(config: &Config, url: &str) -> String {
    crate::model::urls::make_url(url, true, &config.base_url, &config.base_path)
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` escaped for XML to `out`.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// The articles the feed carries: the newest issue's, in print order, at most `feed_limit`.
pub(crate) fn feed_articles(site: &Site, config: &Config) -> Vec<usize> {
    let newest = site.issues.first().map(|i| i.articles.as_slice()).unwrap_or_default();
    newest.iter().copied().take(config.feed_limit).collect()
}

/// The newest issue's articles as an Atom feed (capped at `feed_limit`).
fn atom(site: &Site, bodies: &Bodies, config: &Config) -> String {
    let updated =
        site.issues.first().map_or_else(|| "1970-01-01".to_owned(), |i| i.date.to_string());
    let feed_url = absolute(config, "/atom.xml");
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
         <title>{}</title>\n<subtitle>{}</subtitle>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{updated}T00:00:00Z</updated>\n<id>{}</id>\n",
        escape_xml(&config.language),
        escape_xml(&config.title),
        escape_xml(&config.description),
        escape_xml(&feed_url),
        escape_xml(&absolute(config, "/")),
        escape_xml(&atom_id(config, "/atom.xml")),
    );
    for index in feed_articles(site, config) {
        atom_entry(&mut xml, site, config, index, bodies.get(&index).map_or("", String::as_str));
    }
    xml.push_str("</feed>\n");
    xml
}

fn atom_entry(xml: &mut String, site: &Site, config: &Config, index: usize, body: &str) {
    let article = &site.articles[index];
    let data = &article.data;
    let url = escape_xml(&absolute(config, &article.url));
    let _ = write!(
        xml,
        "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{id}</id>\n\
         <published>{date}T00:00:00Z</published>\n<updated>{date}T00:00:00Z</updated>\n",
        escape_xml(&data.title),
        id = escape_xml(&atom_id(config, &article.url)),
        date = data.date,
    );
    for &author in &article.authors {
        let _ = writeln!(
            xml,
            "<author><name>{}</name></author>",
            escape_xml(&site.authors[author].name)
        );
    }
    if article.authors.is_empty() {
        let _ = writeln!(xml, "<author><name>{}</name></author>", escape_xml(&config.title));
    }
    if let Some(section) = article.section {
        let _ = writeln!(xml, "<category term=\"{}\"/>", escape_xml(&site.sections[section].name));
    }
    let _ = write!(
        xml,
        "<summary>{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
        escape_xml(&data.summary),
        escape_xml(body)
    );
}

/// Every page a reader can land on, with the issue date as `lastmod` for articles.
fn sitemap(site: &Site, config: &Config) -> String {
    let mut xml = String::with_capacity(
        (site.articles.len() + site.authors.len() + site.issues.len()) * 100 + 200,
    );
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // Every URL is root-relative, so the absolute prefix is escaped once.
    let origin = escape_xml(absolute(config, "/").trim_end_matches('/'));
    let mut add = |url: &str, lastmod: Option<String>| {
        xml.push_str("<url><loc>");
        match url.starts_with('/') {
            true => xml.push_str(&origin),
            false => xml.push('/'),
        }
        push_escaped(&mut xml, url);
        xml.push_str("</loc>");
        if let Some(day) = lastmod {
            let _ = write!(xml, "<lastmod>{day}</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    add("/", site.issues.first().map(|i| i.date.to_string()));
    add("/archive/", None);
    for issue in &site.issues {
        add(&issue.url, Some(issue.date.to_string()));
    }
    for article in &site.articles {
        add(&article.url, Some(article.data.date.to_string()));
    }
    for section in &site.sections {
        add(&section.url, None);
    }
    for author in &site.authors {
        add(&author.url, None);
    }
    xml.push_str("</urlset>\n");
    xml
}

fn robots(config: &Config) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if config.sitemap && config.base_url.contains("://") {
        let _ = writeln!(text, "Sitemap: {}", absolute(config, "/sitemap.xml"));
    }
    if wants_news_sitemap(config) {
        let _ = writeln!(text, "Sitemap: {}", absolute(config, &format!("/{NEWS_SITEMAP}")));
    }
    text
}

/// The Google News sitemap's file name.
const NEWS_SITEMAP: &str = "news-sitemap.xml";

/// How many articles a news sitemap may list (Google's limit).
const NEWS_SITEMAP_LIMIT: usize = 1000;

/// How many days of issues, counted back from the newest, the news sitemap lists (Google
/// News reads articles of the last two days).
const NEWS_SITEMAP_DAYS: i64 = 2;

/// The news sitemap needs absolute URLs, so like robots.txt's `Sitemap:` line it is made only
/// when `base_url` has a host.
fn wants_news_sitemap(config: &Config) -> bool {
    config.sitemap && config.base_url.contains("://")
}

/// The articles of the issues of the last [`NEWS_SITEMAP_DAYS`] days before the newest issue
/// (which stands for "now", so output does not depend on the clock), newest first, at most
/// [`NEWS_SITEMAP_LIMIT`].
pub(crate) fn news_articles(site: &Site) -> Vec<usize> {
    let Some(newest) = site.issues.first().map(|i| i.date) else { return Vec::new() };
    let oldest = newest - chrono::Duration::days(NEWS_SITEMAP_DAYS - 1);
    site.issues
        .iter()
        .take_while(|issue| issue.date >= oldest)
        .flat_map(|issue| issue.articles.iter().copied())
        .take(NEWS_SITEMAP_LIMIT)
        .collect()
}

/// Google News' language code: ISO 639, except `zh-cn` and `zh-tw` for Chinese.
fn news_language(language: &str) -> String {
    let lower = language.to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or_default().to_owned();
    if primary != "zh" {
        return primary;
    }
    let traditional = ["-tw", "-hk", "-mo", "-hant"].iter().any(|tag| lower.contains(tag));
    if traditional { "zh-tw".to_owned() } else { "zh-cn".to_owned() }
}

/// `news-sitemap.xml`: the recent articles with the `news:` publication, date and title.
fn news_sitemap(site: &Site, config: &Config) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let name = escape_xml(&config.title);
    let language = escape_xml(&news_language(&config.language));
    for index in news_articles(site) {
        let article = &site.articles[index];
        let _ = writeln!(
            xml,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name>\
             <news:language>{language}</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title>\
             </news:news></url>",
            escape_xml(&absolute(config, &article.url)),
            article.data.date,
            escape_xml(&article.data.title),
        );
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_languages_follow_google_news() {
        assert_eq!(news_language("zh-CN"), "zh-cn");
        assert_eq!(news_language("zh-Hant-TW"), "zh-tw");
        assert_eq!(news_language("zh"), "zh-cn");
        assert_eq!(news_language("en-GB"), "en");
    }

    #[test]
    fn xml_escaping_covers_markup_and_control_characters() {
        assert_eq!(escape_xml("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
    }
}
