//! Which templates each template reaches through `extends`, `include` and `import`, as one
//! hash per template of its source and everything it reaches, so a template edit re-renders
//! only the pages whose templates it touches. Reads template text only; loading is
//! `templates`', signing pages is `signature`'s.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::hash::hash_of;

/// The prefix of fragment templates' names.
pub(crate) const FRAGMENTS: &str = "fragments/";

/// Per template, a hash of its source and of every template it reaches through `extends`,
/// `include` or `import` with a literal name. If any of those tags names a template through an
/// expression, no closure can be known, and every template gets the hash of the whole set.
pub(crate) fn template_hashes(raw: &[(String, String)]) -> HashMap<String, u64> {
    let texts: HashMap<&str, &str> = raw.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut edges: HashMap<&str, Vec<String>> = HashMap::new();
    for (name, text) in &texts {
        match referenced_templates(text) {
            Some(names) => edges.insert(name, names),
            None => return whole_set(raw),
        };
    }
    texts.keys().map(|name| ((*name).to_owned(), closure_hash(name, &texts, &edges))).collect()
}

/// The page values a template may skip: worth building only for templates that show them.
pub(crate) const OPTIONAL_VALUES: [&str; 3] = ["prev", "next", "more_from_section"];

/// Per template, which of [`OPTIONAL_VALUES`] its source or a template it reaches mentions
/// anywhere in its text (a name no text mentions cannot be read: Tera has no lookup by a
/// computed name). `None` for a template that may read anything: its closure cannot be known,
/// or it dumps the whole context (`__tera_context`).
pub(crate) fn mentioned_values(
    raw: &[(String, String)],
) -> HashMap<String, Option<Vec<&'static str>>> {
    let texts: HashMap<&str, &str> = raw.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut edges: HashMap<&str, Vec<String>> = HashMap::new();
    for (name, text) in &texts {
        match referenced_templates(text) {
            Some(names) => edges.insert(name, names),
            None => return raw.iter().map(|(name, _)| (name.clone(), None)).collect(),
        };
    }
    let mentions = |start: &str| {
        let closure = closure_of(start, &texts, &edges);
        let sources: Option<Vec<&str>> =
            closure.iter().map(|name| texts.get(name.as_str()).copied()).collect();
        let sources = sources.filter(|all| !all.iter().any(|t| t.contains("__tera_context")))?;
        let mentioned = |key: &&str| sources.iter().any(|text| text.contains(key));
        Some(OPTIONAL_VALUES.into_iter().filter(mentioned).collect())
    };
    texts.keys().map(|name| ((*name).to_owned(), mentions(name))).collect()
}

fn whole_set(raw: &[(String, String)]) -> HashMap<String, u64> {
    let mut sorted: Vec<&(String, String)> = raw.iter().collect();
    sorted.sort();
    let all = hash_of(&sorted);
    raw.iter().map(|(name, _)| (name.clone(), all)).collect()
}

fn closure_hash(
    start: &str,
    texts: &HashMap<&str, &str>,
    edges: &HashMap<&str, Vec<String>>,
) -> u64 {
    let seen = closure_of(start, texts, edges);
    let mut hasher = DefaultHasher::new();
    for name in &seen {
        (name, texts.get(name.as_str())).hash(&mut hasher);
    }
    hasher.finish()
}

/// `start`, the fragments and every template they reach, by name.
fn closure_of(
    start: &str,
    texts: &HashMap<&str, &str>,
    edges: &HashMap<&str, Vec<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    // Every page shows the fragments (`render::fragments_for`), whichever template it uses.
    let fragments = texts.keys().filter(|name| name.starts_with(FRAGMENTS));
    let mut stack: Vec<String> =
        std::iter::once(start.to_owned()).chain(fragments.map(|n| (*n).to_owned())).collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(edges.get(name.as_str()).into_iter().flatten().cloned());
        }
    }
    seen
}

/// Template names in `{% extends/include/import "…" %}` tags; `None` when a tag names its
/// template through an expression (or a list), which cannot be followed statically.
pub(crate) fn referenced_templates(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for tag in text.split("{%").skip(1) {
        let body = tag.split("%}").next().unwrap_or("");
        let body = body.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let mut words = body.splitn(2, char::is_whitespace);
        let keyword = words.next().unwrap_or("");
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        names.push(quoted_name(words.next().unwrap_or("").trim())?);
    }
    Some(names)
}

/// `"a.html" …` → `a.html`; anything else → `None`.
fn quoted_name(argument: &str) -> Option<String> {
    let quote = argument.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let rest = &argument[1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect()
    }

    #[test]
    fn references_are_read_from_tags() {
        let text = r#"{% extends "base.html" %}{%- include 'p/s.html' -%}{% import "m.html" as m %}{% if x %}"#;
        assert_eq!(referenced_templates(text).unwrap(), ["base.html", "p/s.html", "m.html"]);
        assert_eq!(referenced_templates("{% include name %}"), None);
    }

    #[test]
    fn a_template_change_reaches_only_templates_that_use_it() {
        let before = template_hashes(&raw(&[
            ("base.html", "B"),
            ("a.html", r#"{% extends "base.html" %}"#),
            ("b.html", r#"{% include "part.html" %}"#),
            ("part.html", "P"),
        ]));
        let after = template_hashes(&raw(&[
            ("base.html", "B"),
            ("a.html", r#"{% extends "base.html" %}"#),
            ("b.html", r#"{% include "part.html" %}"#),
            ("part.html", "P2"),
        ]));
        assert_eq!(before["a.html"], after["a.html"]);
        assert_ne!(before["b.html"], after["b.html"]);
        assert_ne!(before["part.html"], after["part.html"]);
    }

    #[test]
    fn optional_values_are_built_for_templates_that_mention_them_anywhere_they_reach() {
        let mentions = mentioned_values(&raw(&[
            ("article.html", r#"{% extends "base.html" %}{{ article.title }}"#),
            ("base.html", r#"{% include "nav.html" %}"#),
            ("nav.html", "{% if prev %}{{ prev.url }}{% endif %}"),
            ("plain.html", "{{ article.title }}"),
            ("dump.html", "{{ __tera_context }}"),
            ("fragments/f.html", "{{ site.title }}"),
        ]));
        assert_eq!(mentions["article.html"].as_deref(), Some(&["prev"][..]));
        assert_eq!(mentions["plain.html"].as_deref(), Some(&[][..]));
        assert_eq!(mentions["dump.html"], None);
        let dynamic = mentioned_values(&raw(&[("a.html", "{% include x %}"), ("b.html", "B")]));
        assert_eq!(dynamic["b.html"], None, "an unknown closure may read anything");
    }

    #[test]
    fn a_dynamic_include_ties_every_template_to_the_whole_set() {
        let hashes = template_hashes(&raw(&[("a.html", "{% include x %}"), ("b.html", "B")]));
        assert_eq!(hashes["a.html"], hashes["b.html"]);
    }
}
