//! schema.org JSON-LD for pages: the `news_article` Tera filter (an article's context →
//! a `NewsArticle` object) and the `json_ld` filter (any value → JSON safe inside
//! `<script type="application/ld+json">`).
//!
//! Built in Rust, not in template text, so every value is serialised by serde_json (quotes,
//! backslashes, control characters) and `<`, `>`, `&`, U+2028 and U+2029 become `\u…`
//! escapes: a `</script>` in a headline stays text. Not here: the `<script>` element and
//! the Open Graph tags, which the theme writes.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::model::urls::make_url;

/// What the filters need of the configuration: how to make absolute URLs, the language and
/// the publisher.
#[derive(Clone)]
pub(crate) struct Site {
    base_url: String,
    base_path: String,
    language: String,
    title: String,
    publisher: crate::config::Publisher,
}

impl Site {
    /// The values of `config` the filters read.
    pub(crate) fn of(config: &Config) -> Site {
        Site {
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
            language: config.language.clone(),
            title: config.title.clone(),
            publisher: config.publisher.clone(),
        }
    }

    fn absolute(&self, path: &str) -> String {
        make_url(path, true, &self.base_url, &self.base_path)
    }
}

/// `value` as JSON that cannot end a `<script>` element or start markup.
pub(crate) fn script_safe_json(value: &Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The `json_ld` filter.
pub(crate) fn json_ld_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(script_safe_json(value)))
}

/// The `news_article` filter: `article | news_article(issue=issue, print_page=print_page)`.
pub(crate) fn news_article_filter(
    site: &Site,
    article: &Value,
    args: &HashMap<String, Value>,
) -> tera::Result<Value> {
    if !article.is_object() {
        return Err(tera::Error::msg(
            "`news_article` takes an article, e.g. article | news_article",
        ));
    }
    let null = Value::Null;
    let issue = args.get("issue").unwrap_or(&null);
    let print_page = args.get("print_page").unwrap_or(&null);
    Ok(news_article(site, article, issue, print_page))
}

/// A schema.org `NewsArticle` from an article's template values.
fn news_article(site: &Site, article: &Value, issue: &Value, print_page: &Value) -> Value {
    let text = |value: &Value, key: &str| {
        value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let url = text(article, "url").map(|u| site.absolute(&u));
    let mut ld = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            ld.insert(key.to_owned(), value);
        }
    };
    put("@context", Some("https://schema.org".into()));
    put("@type", Some("NewsArticle".into()));
    put("headline", text(article, "title").map(Value::from));
    put("alternativeHeadline", text(article, "subtitle").map(Value::from));
    put("description", text(article, "summary").map(Value::from));
    put("datePublished", text(article, "date").map(Value::from));
    put("inLanguage", Some(site.language.clone().into()));
    put("url", url.clone().map(Value::from));
    put("mainEntityOfPage", url.map(Value::from));
    put("author", Some(authors(site, article)));
    put("articleSection", article.get("section").and_then(|s| text(s, "name")).map(Value::from));
    put("dateline", text(article, "dateline").map(Value::from));
    put("printEdition", text(issue, "date").map(Value::from));
    put("printPage", text(print_page, "name").map(Value::from));
    put("printSection", print_page.get("section").and_then(|s| text(s, "name")).map(Value::from));
    put("printColumn", text(article, "column").map(Value::from));
    put(
        "keywords",
        article.get("tags").filter(|t| t.as_array().is_some_and(|a| !a.is_empty())).cloned(),
    );
    put(
        "image",
        article.get("image").and_then(|i| text(i, "src")).map(|src| site.absolute(&src).into()),
    );
    put("isPartOf", text(issue, "date").map(|date| part_of(site, issue, &date)));
    put("publisher", Some(publisher(site)));
    Value::Object(ld)
}

fn authors(site: &Site, article: &Value) -> Value {
    let list =
        article.get("authors").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|author| {
            let name = author.get("name").and_then(Value::as_str)?;
            let mut person = json!({"@type": "Person", "name": name});
            if let Some(url) = author.get("url").and_then(Value::as_str) {
                person["url"] = site.absolute(url).into();
            }
            Some(person)
        })
        .collect()
}

fn part_of(site: &Site, issue: &Value, date: &str) -> Value {
    let mut part = json!({
        "@type": "PublicationIssue",
        "datePublished": date,
        "isPartOf": {"@type": "Periodical", "name": site.title},
    });
    if let Some(url) = issue.get("url").and_then(Value::as_str) {
        part["url"] = site.absolute(url).into();
    }
    part
}

fn publisher(site: &Site) -> Value {
    let mut publisher = json!({
        "@type": "NewsMediaOrganization",
        "name": site.publisher.name,
        "url": site.absolute(&site.publisher.url),
    });
    if !site.publisher.logo.is_empty() {
        publisher["logo"] =
            json!({"@type": "ImageObject", "url": site.absolute(&site.publisher.logo)});
    }
    publisher
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            base_url: "https://example.org/news/".into(),
            base_path: "/news/".into(),
            language: "zh-CN".into(),
            title: "日报".into(),
            publisher: crate::config::Publisher {
                name: "日报社".into(),
                logo: String::new(),
                url: "https://example.org/news/".into(),
            },
        }
    }

    #[test]
    fn news_article_uses_the_image_when_there_is_one_and_skips_empty_fields() {
        let article = json!({
            "title": "标题", "subtitle": null, "url": "/2024/05/24/x/", "date": "2024-05-24",
            "authors": [], "tags": [], "image": {"src": "/2024/05/24/x/photo.jpg"},
        });
        let ld = news_article(&site(), &article, &Value::Null, &Value::Null);
        assert_eq!(ld["image"], "https://example.org/news/2024/05/24/x/photo.jpg");
        assert_eq!(ld["url"], "https://example.org/news/2024/05/24/x/");
        assert_eq!(ld["author"], json!([]));
        for absent in ["alternativeHeadline", "printPage", "isPartOf", "keywords"] {
            assert!(ld.get(absent).is_none(), "{absent} in {ld}");
        }
        assert!(ld["publisher"].get("logo").is_none(), "{ld}");
        let without = news_article(&site(), &json!({"title": "t"}), &Value::Null, &Value::Null);
        assert!(without.get("image").is_none(), "{without}");
    }

    #[test]
    fn script_safe_json_escapes_markup_and_stays_json() {
        let value = json!({"headline": "a </script><b>&\u{2028}\"x\""});
        let text = script_safe_json(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }
}
