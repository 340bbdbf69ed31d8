//! Page signatures: one 64-bit hash per planned page of everything its HTML depends on, so a
//! rebuild renders only the pages whose signature changed.
//!
//! A page's signature mixes: the hash of its template and the templates that one extends,
//! includes or imports; its kind and URL; the site-wide values (`site`, translations, the
//! config); the summary of every article it shows ([`render::deps`]); and the few values of
//! its own frame (issue navigation, section pagination, a reporter's count…). The store is a
//! plain value ([`Signatures`]) so it can later be saved as a persistent build cache. This
//! module is pure: it reads no files and renders nothing.
//!
//! Hashes use std's `DefaultHasher`, which is stable within one build of broadsheet but not
//! promised across Rust releases: a persistent cache must store the broadsheet version with it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;
use serde_json::Value;

use crate::config::Config;
use crate::model::Site;
use crate::render::{self, Job, Kind, Shared};
use crate::templates::Templates;

/// How many recent issues the fronts list (must match `render`).
const RECENT_ISSUES: usize = 10;

/// The signatures of the last successful build: page URL → signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Signatures {
    /// Every page the build produced, by root-relative URL.
    pub(crate) pages: BTreeMap<String, u64>,
    /// Paths (under the output folder) of the generated feeds, sitemap and search index.
    pub(crate) generated: BTreeSet<String>,
    /// The hash of each generated file's bytes as written (see `feeds::Generated`).
    pub(crate) generated_hashes: BTreeMap<String, u64>,
}

/// Hashes any hashable value.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Feeds a JSON value's serialisation into a hasher without building the string.
fn hash_value(hasher: &mut DefaultHasher, value: &Value) {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl std::io::Write for Sink<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Writing a `Value` into an infallible sink cannot fail.
    let _ = serde_json::to_writer(Sink(hasher), value);
}

/// The hash of one JSON value (e.g. an article summary).
pub(crate) fn value_hash(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_value(&mut hasher, value);
    hasher.finish()
}

/// Hashes of the values many signatures mix in, computed once per model: each article's
/// summary and each issue, section and reporter reference. `watch` keeps them between
/// updates and refreshes only the summaries an edit changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueHashes {
    /// By article index.
    pub(crate) summaries: Vec<u64>,
    issues: Vec<u64>,
    sections: Vec<u64>,
    authors: Vec<u64>,
}

impl ValueHashes {
    /// Hashes every shared value, in parallel.
    pub(crate) fn of(site: &Site, shared: &Shared) -> ValueHashes {
        let all = |values: &[Value]| values.par_iter().map(value_hash).collect();
        let mut hashes = ValueHashes {
            summaries: Vec::new(),
            issues: all(&shared.issue_refs),
            sections: all(&shared.section_refs),
            authors: all(&shared.author_refs),
        };
        hashes.summaries = (0..site.articles.len())
            .into_par_iter()
            .map(|index| hashes.summary_hash(site, index))
            .collect();
        hashes
    }

    /// Recomputes article `index`'s summary hash after its data changed in place.
    pub(crate) fn refresh_summary(&mut self, site: &Site, index: usize) {
        self.summaries[index] = self.summary_hash(site, index);
    }

    /// The hash of article `index`'s summary, without making it.
    fn summary_hash(&self, site: &Site, index: usize) -> u64 {
        let article = &site.articles[index];
        let section = article.section.map(|s| self.sections[s]);
        let authors: Vec<u64> = article.authors.iter().map(|&a| self.authors[a]).collect();
        render::summary_hash(article, site, section, &authors)
    }
}

/// Signatures of every job, computed in parallel; same order as `jobs`.
pub(crate) fn compute(
    jobs: &[Job],
    site: &Site,
    config: &Config,
    shared: &Shared,
    templates: &Templates,
    hashes: &ValueHashes,
) -> Vec<u64> {
    let signer = Signer::new(site, config, shared, templates, hashes);
    jobs.par_iter().map(|job| signer.sign(job)).collect()
}

/// Signs pages: holds what every signature is computed from.
pub(crate) struct Signer<'a> {
    site: &'a Site,
    config: &'a Config,
    templates: &'a Templates,
    hashes: &'a ValueHashes,
    /// The site-wide values, the translations and the configuration.
    global: u64,
}

impl<'a> Signer<'a> {
    /// Hashes the site-wide values once.
    pub(crate) fn new(
        site: &'a Site,
        config: &'a Config,
        shared: &Shared,
        templates: &'a Templates,
        hashes: &'a ValueHashes,
    ) -> Signer<'a> {
        let mut global = DefaultHasher::new();
        hash_value(&mut global, &shared.site);
        hash_value(&mut global, &templates.translations);
        format!("{config:?}").hash(&mut global);
        Signer { site, config, templates, hashes, global: global.finish() }
    }

    /// The signature of one page.
    pub(crate) fn sign(&self, job: &Job) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.global.hash(&mut hasher);
        self.templates.closure_hashes.get(job.template).hash(&mut hasher);
        (render::kind_name(job.kind), &job.url, job.template).hash(&mut hasher);
        for article in render::deps(job, self.site, self.config) {
            (article, self.hashes.summaries[article]).hash(&mut hasher);
        }
        self.frame(job.kind, &mut hasher);
        hasher.finish()
    }

    /// What a page shows besides article summaries.
    fn frame(&self, kind: Kind, hasher: &mut DefaultHasher) {
        let hashes = self.hashes;
        match kind {
            Kind::Index => self.issue_frame(0, hasher),
            Kind::Issue(i) => self.issue_frame(i, hasher),
            Kind::Article(i) => {
                let article = &self.site.articles[i];
                (article.data.file_hash, &article.slug).hash(hasher);
                hashes.issues[article.issue].hash(hasher);
            }
            Kind::Section { section, page } => {
                hashes.sections[section].hash(hasher);
                (page, self.site.sections[section].articles.len()).hash(hasher);
            }
            Kind::Author(i) => {
                hashes.authors[i].hash(hasher);
                self.site.authors[i].articles.len().hash(hasher);
            }
            Kind::Authors => {
                hashes.authors.hash(hasher);
                self.site.authors.iter().for_each(|a| a.articles.len().hash(hasher));
            }
            Kind::Archive => hashes.issues.hash(hasher),
            Kind::Search | Kind::NotFound => {}
        }
    }

    /// An issue front: its ref, its neighbours, the recent issues and the section names.
    fn issue_frame(&self, index: usize, hasher: &mut DefaultHasher) {
        let refs = &self.hashes.issues;
        let around = index.saturating_sub(1)..(index + 2).min(refs.len());
        index.hash(hasher);
        refs.get(around).unwrap_or_default().hash(hasher);
        refs.iter().take(RECENT_ISSUES).for_each(|r| r.hash(hasher));
        self.hashes.sections.hash(hasher);
    }
}

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
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_owned()];
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(edges.get(name.as_str()).into_iter().flatten().cloned());
        }
    }
    let mut hasher = DefaultHasher::new();
    for name in &seen {
        (name, texts.get(name.as_str())).hash(&mut hasher);
    }
    hasher.finish()
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
    fn a_dynamic_include_ties_every_template_to_the_whole_set() {
        let hashes = template_hashes(&raw(&[("a.html", "{% include x %}"), ("b.html", "B")]));
        assert_eq!(hashes["a.html"], hashes["b.html"]);
    }
}
