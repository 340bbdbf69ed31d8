//! The `[split]` table of `site.toml`: every rule that differs between papers, with defaults
//! that read the sample issue, and its compiled form ([`Rules`]).
//!
//! For: deserializing and validating the table, compiling its patterns once.
//! Not for: applying the rules (that is `lex`, `headline`, `section`).

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use regex::Regex;
use serde::Deserialize;

/// The `[split]` table of `site.toml`.
///
/// Every pattern is a regular expression (Rust `regex` syntax) matched against one trimmed
/// source line with its Markdown heading marks removed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SplitConfig {
    /// Section for articles no page marker or rule places; default: the first declared section.
    pub default_section: Option<String>,
    /// A line matching one of these is a byline (`□青岛日报/观海新闻记者 刘佳旋`, `By SAM LEE`).
    pub byline_patterns: Vec<String>,
    /// A line right after a byline matching one of these belongs to it (`Staff Writer`).
    pub byline_role_lines: Vec<String>,
    /// Words in a byline that name a role, not a person (`记者`, `通讯员`); the name follows.
    pub author_roles: Vec<String>,
    /// Trailing credit words dropped from author names (`文/图`, `摄`).
    pub credit_words: Vec<String>,
    /// Datelines opening the first paragraph; the named group `d` (or the whole match) is kept.
    pub dateline_patterns: Vec<String>,
    /// Characters that open a photo caption (`■`, `▲`); the marker is removed from the text.
    pub caption_markers: Vec<String>,
    /// Whole-line patterns of captions kept verbatim (`Photo: …`, a short line ending in `摄`).
    pub caption_patterns: Vec<String>,
    /// Characters that open a sidebar item (`●`).
    pub item_markers: Vec<String>,
    /// Page markers; named groups `page` and (optional) `section`.
    pub page_patterns: Vec<String>,
    /// Jump lines where an article continues elsewhere (`转第A05版`, `Continued on B2`).
    pub jump_out_patterns: Vec<String>,
    /// Jump lines where a continued article resumes (`上接第A01版`, `Continued from B1`).
    pub jump_in_patterns: Vec<String>,
    /// Headline lines that name a rubric (栏目); a line containing `·` always does.
    pub column_patterns: Vec<String>,
    /// A plain line this short (in characters) between title and byline is a subtitle.
    pub subtitle_max_chars: usize,
    /// Longest summary, in characters.
    pub summary_max_chars: usize,
    /// Page-marker section names mapped to declared section names (`要闻` → `时政`).
    pub section_aliases: BTreeMap<String, String>,
    /// Keyword rules that choose a section when no page marker does (first match wins).
    pub rules: Vec<SectionRule>,
}

/// One `[[split.rules]]` entry.
///
/// An article matches on its headline block (column, kicker, title, subtitle) when its column
/// equals one of `columns` or the headline contains one of `keywords`; the first matching rule
/// wins. When no rule matches the headline, the rule whose keywords occur most often in the body
/// wins (ties: the earlier rule); with no hit at all the default section applies.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SectionRule {
    /// The declared section name this rule assigns.
    pub section: String,
    /// Words looked for in the headline block, then in the body.
    pub keywords: Vec<String>,
    /// Column names (栏目) that place an article in this section.
    pub columns: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for SplitConfig {
    fn default() -> Self {
        Self {
            default_section: None,
            byline_patterns: strings(&[
                r"^[□◇☐]\s*\S",
                r"^(本报|本刊)(特约|见习|实习)?(记者|通讯员|评论员|特约评论员)",
                r"^(记者|通讯员)\s*\S{2,4}(\s+(记者|通讯员)\s*\S{2,4})*(\s+(文/图|摄))?$",
                r"^(新华社|中新社)\S{0,16}?电\s*[（(]\s*(记者|通讯员)[^)）]*[)）]$",
                r"^(?i:by)\s+[A-Z][A-Za-z.'’-]*(\s+[A-Z][A-Za-z.'’-]*){0,3}((\s*,\s*|\s+and\s+|\s*&\s*)[A-Z][A-Za-z.'’-]*(\s+[A-Z][A-Za-z.'’-]*){0,3})*$",
            ]),
            byline_role_lines: strings(&[
                r"^(?i:(staff|senior|contributing|special) (writer|reporter|correspondent)s?)$",
                r"^(?i:(the )?associated press|reuters|correspondent)$",
            ]),
            author_roles: strings(&[
                "特约记者",
                "见习记者",
                "实习记者",
                "摄影记者",
                "记者",
                "通讯员",
                "实习生",
                "评论员",
            ]),
            credit_words: strings(&["文/图", "文／图", "图/文", "摄影", "摄", "文", "图"]),
            dateline_patterns: strings(&[
                r"^(?P<d>本报\S{0,10}?\d{1,2}月\d{1,2}日(讯|电))",
                r"^(?P<d>(新华社|中新社|人民日报)\S{0,16}?\d{1,2}月\d{1,2}日电)",
                r"^(?P<d>[A-Z][A-Z .'-]{1,40}[A-Z](, [A-Z][A-Za-z.]{1,15})?)\s+(—|–|--)\s",
            ]),
            caption_markers: strings(&["■", "▲", "△"]),
            caption_patterns: strings(&[
                r"^[（(]?(?i:photos?|photograph)\s*[:：]",
                r"^\S.{0,40}\s摄$",
            ]),
            item_markers: strings(&["●", "◆"]),
            page_patterns: strings(&[
                r"^第\s*(?P<page>[A-Za-z]?\d+)\s*版\s*[：:\s]?\s*(?P<section>\S.*)?$",
                r"^(?i:page)\s+(?P<page>[A-Za-z]?\d+)\s*((—|–|--|-|:)\s*(?P<section>\S.*))?$",
            ]),
            jump_out_patterns: strings(&[
                r"^[（(]?\s*(下)?转第\s*[A-Za-z]?\d+\s*版\s*[)）]?$",
                r"^[（(]?(?i:continued on (page )?[A-Za-z]?\d+)\.?[)）]?$",
            ]),
            jump_in_patterns: strings(&[
                r"^[（(]?\s*上接第\s*[A-Za-z]?\d+\s*版\s*[)）]?$",
                r"^[（(]?(?i:continued from (page )?[A-Za-z]?\d+)\.?[)）]?$",
            ]),
            column_patterns: Vec::new(),
            subtitle_max_chars: 40,
            summary_max_chars: 120,
            section_aliases: BTreeMap::new(),
            rules: Vec::new(),
        }
    }
}

/// The `[split]` table with every pattern compiled and every section name checked.
#[derive(Debug)]
pub(crate) struct Rules {
    pub(crate) byline: Vec<Regex>,
    pub(crate) byline_role: Vec<Regex>,
    pub(crate) dateline: Vec<Regex>,
    pub(crate) caption: Vec<Regex>,
    pub(crate) page: Vec<Regex>,
    pub(crate) jump_out: Vec<Regex>,
    pub(crate) jump_in: Vec<Regex>,
    pub(crate) column: Vec<Regex>,
    pub(crate) config: SplitConfig,
    pub(crate) sections: Vec<String>,
    pub(crate) default_section: Option<String>,
}

fn compile(field: &str, patterns: &[String]) -> Result<Vec<Regex>> {
    patterns
        .iter()
        .map(|p| {
            Regex::new(p).with_context(|| format!("invalid pattern `{p}` in `[split] {field}`"))
        })
        .collect()
}

impl Rules {
    /// Compiles `config` and checks that every section it names is declared.
    pub(crate) fn new(config: &SplitConfig, sections: &[String]) -> Result<Self> {
        let default_section = resolve_default(config, sections)?;
        check_sections(config, sections)?;
        Ok(Self {
            byline: compile("byline_patterns", &config.byline_patterns)?,
            byline_role: compile("byline_role_lines", &config.byline_role_lines)?,
            dateline: compile("dateline_patterns", &config.dateline_patterns)?,
            caption: compile("caption_patterns", &config.caption_patterns)?,
            page: compile("page_patterns", &config.page_patterns)?,
            jump_out: compile("jump_out_patterns", &config.jump_out_patterns)?,
            jump_in: compile("jump_in_patterns", &config.jump_in_patterns)?,
            column: compile("column_patterns", &config.column_patterns)?,
            config: config.clone(),
            sections: sections.to_vec(),
            default_section,
        })
    }

    /// True when any pattern of `set` matches `text`.
    pub(crate) fn any(set: &[Regex], text: &str) -> bool {
        set.iter().any(|re| re.is_match(text))
    }
}

fn resolve_default(config: &SplitConfig, sections: &[String]) -> Result<Option<String>> {
    match &config.default_section {
        Some(name) if !sections.contains(name) => {
            bail!("`[split] default_section` names `{name}`, which is not a declared section")
        }
        Some(name) => Ok(Some(name.clone())),
        None => Ok(sections.first().cloned()),
    }
}

fn check_sections(config: &SplitConfig, sections: &[String]) -> Result<()> {
    for rule in &config.rules {
        if !sections.contains(&rule.section) {
            bail!(
                "a `[[split.rules]]` entry names `{}`, which is not a declared section",
                rule.section
            );
        }
    }
    for (alias, name) in &config.section_aliases {
        if !sections.contains(name) {
            bail!(
                "`[split.section_aliases]` maps `{alias}` to `{name}`, which is not a declared section"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections() -> Vec<String> {
        strings(&["时政", "经济"])
    }

    #[test]
    fn defaults_compile() {
        let rules = Rules::new(&SplitConfig::default(), &sections()).unwrap();
        assert_eq!(rules.default_section.as_deref(), Some("时政"));
    }

    #[test]
    fn undeclared_rule_section_is_an_error() {
        let config = SplitConfig {
            rules: vec![SectionRule { section: "体育".into(), ..SectionRule::default() }],
            ..SplitConfig::default()
        };
        let err = Rules::new(&config, &sections()).unwrap_err().to_string();
        assert!(err.contains("`体育`"), "{err}");
    }

    #[test]
    fn bad_pattern_names_field() {
        let config = SplitConfig { caption_patterns: strings(&["("]), ..SplitConfig::default() };
        let err = Rules::new(&config, &sections()).unwrap_err().to_string();
        assert!(err.contains("caption_patterns"), "{err}");
    }
}
