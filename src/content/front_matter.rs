//! Splits an article file into its YAML front matter and Markdown body, and reads the front
//! matter into [`ArticleMeta`].
//!
//! This is the only user of serde_yaml (archived upstream), so swapping the YAML crate later is a
//! one-file change. It does not interpret fields (dates, sections): `load` does that.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

/// The fields of an article's front matter. Only `title` is required (checked by `load`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ArticleMeta {
    pub(crate) title: Option<String>,
    pub(crate) kicker: Option<String>,
    pub(crate) subtitle: Option<String>,
    pub(crate) column: Option<String>,
    #[serde(default, deserialize_with = "authors_list")]
    pub(crate) authors: Vec<String>,
    pub(crate) byline: Option<String>,
    pub(crate) dateline: Option<String>,
    pub(crate) date: Option<Scalar>,
    pub(crate) issue: Option<Scalar>,
    pub(crate) section: Option<String>,
    pub(crate) page: Option<Scalar>,
    pub(crate) order: Option<u32>,
    pub(crate) slug: Option<String>,
    pub(crate) summary: Option<String>,
    #[serde(default, deserialize_with = "tags_list")]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) truncated: bool,
    #[serde(default)]
    pub(crate) draft: bool,
    pub(crate) source: Option<String>,
    /// Every other field, handed to templates as `article.extra`.
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, serde_yaml::Value>,
}

/// A YAML scalar read as text: `page: 2` and `page: A02` are both fine.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Text(String),
    Number(i64),
}

impl Scalar {
    /// The scalar as text.
    pub(crate) fn text(&self) -> String {
        match self {
            Scalar::Text(text) => text.clone(),
            Scalar::Number(n) => n.to_string(),
        }
    }
}

fn authors_list<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    one_or_many(de, "`authors` must be a name or a list of names, e.g. `authors: [Jane Doe]`")
}

fn tags_list<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    one_or_many(de, "`tags` must be a word or a list of words, e.g. `tags: [city, port]`")
}

/// A string or a list of strings; any other value is refused with `what` (serde's own message
/// names the untagged enum, which means nothing to a writer).
fn one_or_many<'de, D: serde::Deserializer<'de>>(
    de: D,
    what: &'static str,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let value = Option::<OneOrMany>::deserialize(de).map_err(|error| {
        // Only the shape is ours to explain: a YAML syntax error keeps its own message.
        if error.to_string().starts_with("data did not match any variant") {
            serde::de::Error::custom(what)
        } else {
            error
        }
    })?;
    Ok(match value {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}

/// A file split at its front matter fences.
#[derive(Debug)]
pub(crate) struct Parts<'a> {
    /// The YAML between the fences.
    pub(crate) yaml: &'a str,
    /// The Markdown after the closing fence.
    pub(crate) body: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub(crate) yaml_first_line: usize,
}

/// Splits `---\n<yaml>\n---\n<body>`.
pub(crate) fn split(text: &str) -> Result<Parts<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(after_open) = strip_fence(text) else {
        bail!(
            "line 1: expected front matter starting with `---`; add a `---` line, the fields, then `---`"
        )
    };
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &after_open[..offset];
            let body = &after_open[offset + line.len()..];
            return Ok(Parts { yaml, body, yaml_first_line: 2 });
        }
        offset += line.len();
    }
    bail!(
        "line 1: the front matter opened with `---` is never closed; add a `---` line after the fields"
    )
}

fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))
}

/// Reads the YAML of `parts` into [`ArticleMeta`]; errors carry the line in the file.
pub(crate) fn parse_meta(parts: &Parts<'_>) -> Result<ArticleMeta> {
    if parts.yaml.trim().is_empty() {
        return Ok(ArticleMeta::default());
    }
    serde_yaml::from_str(parts.yaml).map_err(|error| {
        let last_line = parts.yaml.lines().count().max(1);
        let line = error.location().map(|at| at.line().min(last_line) + parts.yaml_first_line - 1);
        let message = strip_location(&error.to_string());
        let (line, message) = match (line, message.as_str()) {
            (None, "repetition limit exceeded") => (
                first_alias_line(parts),
                "YAML aliases (`*name`) here expand to too many values (an alias bomb); write the \
                 values out instead of repeating aliases"
                    .to_owned(),
            ),
            _ => (line, message),
        };
        match line {
            Some(line) => anyhow!("line {line}: {message}"),
            None => anyhow!("{message}"),
        }
    })
}

/// serde_yaml writes " at line L column C" (relative to the YAML); we report file lines instead.
fn strip_location(message: &str) -> String {
    let mut out = message.to_owned();
    while let Some(start) = out.find(" at line ") {
        let rest = &out[start + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let after_line = digits(rest);
        let Some(column) = rest[after_line..].strip_prefix(" column ") else { break };
        let end = start + " at line ".len() + after_line + " column ".len() + digits(column);
        out.replace_range(start..end, "");
    }
    out
}

/// The 1-based file line of the first YAML alias (`*name` after `: `, `- `, `[` or `,`).
fn first_alias_line(parts: &Parts<'_>) -> Option<usize> {
    let uses_alias = |line: &str| {
        let bytes = line.as_bytes();
        bytes.windows(2).enumerate().any(|(i, pair)| {
            let before = if i == 0 { b' ' } else { bytes[i - 1] };
            pair[0] == b'*'
                && (pair[1].is_ascii_alphanumeric() || pair[1] == b'_')
                && matches!(before, b' ' | b'[' | b',' | b'\t')
        })
    };
    parts.yaml.lines().position(uses_alias).map(|i| i + parts.yaml_first_line)
}

/// The 1-based file line on which `key:` is written in the front matter, if it is.
pub(crate) fn line_of_key(parts: &Parts<'_>, key: &str) -> Option<usize> {
    parts
        .yaml
        .lines()
        .position(|line| line.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')))
        .map(|i| i + parts.yaml_first_line)
}

/// Turns a YAML value into JSON for templates (non-string keys become strings).
pub(crate) fn yaml_to_json(value: &serde_yaml::Value) -> serde_json::Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => (*b).into(),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(serde_json::Value::Null),
        Y::String(s) => s.clone().into(),
        Y::Sequence(items) => items.iter().map(yaml_to_json).collect(),
        Y::Mapping(map) => map
            .iter()
            .map(|(k, v)| (scalar_key(k), yaml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Y::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}

fn scalar_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body() {
        let parts = split("---\ntitle: A\n---\n\nBody\n").unwrap();
        assert_eq!(parts.yaml, "title: A\n");
        assert_eq!(parts.body, "\nBody\n");
    }

    #[test]
    fn missing_fence_is_an_error() {
        assert!(split("title: A\n").is_err());
        assert!(split("---\ntitle: A\n").is_err());
    }

    #[test]
    fn yaml_error_reports_the_line_in_the_file() {
        let parts = split("---\ntitle: A\nauthors: [x\n---\n").unwrap();
        let err = parse_meta(&parts).unwrap_err().to_string();
        assert!(err.starts_with("line "), "{err}");
    }

    #[test]
    fn yaml_locations_are_removed_from_messages() {
        assert_eq!(strip_location("bad at line 3 column 1, while parsing"), "bad, while parsing");
    }

    #[test]
    fn unknown_fields_are_kept_as_extra() {
        let parts = split("---\ntitle: A\nweather: sunny\npage: 2\n---\n").unwrap();
        let meta = parse_meta(&parts).unwrap();
        assert_eq!(meta.extra["weather"], serde_yaml::Value::from("sunny"));
        assert_eq!(meta.page.unwrap().text(), "2");
    }

    #[test]
    fn line_of_key_counts_from_the_file_start() {
        let parts = split("---\ntitle: A\ndate: x\n---\n").unwrap();
        assert_eq!(line_of_key(&parts, "date"), Some(3));
    }
}
