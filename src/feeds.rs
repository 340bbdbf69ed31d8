//! The machine-readable outputs: `atom.xml`, `sitemap.xml` and `robots.txt` (the search
//! index is `search`'s).
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
    if config.sitemap {
        files.push(cached_sitemap(site, config, same_model, &mut cache.sitemap));
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
        (config.sitemap, "sitemap.xml"),
        (true, "robots.txt"),
        (config.search, "search.json"),
    ];
    wanted.into_iter().filter(|(on, _)| *on).map(|(_, path)| path).collect()
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
        escape_xml(&feed_url),
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
        "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{url}</id>\n\
         <published>{date}T00:00:00Z</published>\n<updated>{date}T00:00:00Z</updated>\n",
        escape_xml(&data.title),
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
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_covers_markup_and_control_characters() {
        assert_eq!(escape_xml("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
    }
}
