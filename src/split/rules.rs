//! The `[split]` table compiled: every pattern built once, every section name checked.
//!
//! For: turning [`SplitConfig`] into [`Rules`]. Not for: applying the rules (that is `lex`,
//! `headline`, `section`).

use anyhow::{Context as _, Result, bail};
use regex::Regex;

use crate::config::split::SplitConfig;

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
    pub(crate) signature: Vec<Regex>,
    pub(crate) masthead: Vec<Regex>,
    pub(crate) end: Vec<Regex>,
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
            signature: compile("signature_patterns", &config.signature_patterns)?,
            masthead: compile("masthead_patterns", &config.masthead_patterns)?,
            end: compile("end_patterns", &config.end_patterns)?,
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
    use crate::config::split::{SectionRule, strings};

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
