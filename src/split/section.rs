//! Choosing an article's section: page marker first (declared or not), then
//! `[[split.rules]]`, then the default.
//!
//! For: mapping names to declared sections. Not for: reading page markers (see `lex`).

use super::headline::Headline;
use super::rules::Rules;
use crate::config::split::SectionRule;

/// What a section choice rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Basis {
    /// The page marker names a declared section (or an alias of one).
    Page,
    /// The page marker names a section `site.toml` does not declare: used as printed.
    Undeclared,
    /// A rule's column or keyword in the headline block.
    Headline,
    /// The rule with the most keyword hits in the body.
    Body,
    /// Nothing decided: the default section.
    Default,
}

/// The section for an article, and what the choice rests on.
///
/// 1. The section named by the page marker above it: its alias or declared name when there is
///    one, else the name as printed (`build` creates undeclared sections).
/// 2. The first rule matching the headline block (column equal to one of `columns`, or a
///    keyword in column, kicker, title or subtitle).
/// 3. The rule with the most keyword hits in the body (ties: the earlier rule).
/// 4. The default section.
pub(crate) fn choose(
    page_section: Option<&str>,
    headline: &Headline,
    body: &str,
    rules: &Rules,
) -> (Option<String>, Basis) {
    if let Some(name) = page_section {
        return match declared(name, rules) {
            Some(found) => (Some(found), Basis::Page),
            None => (Some(name.to_owned()), Basis::Undeclared),
        };
    }
    let all = &rules.config.rules;
    if let Some(rule) = all.iter().find(|r| matches_headline(r, headline)) {
        return (Some(rule.section.clone()), Basis::Headline);
    }
    if let Some(rule) = best_body_match(all, body) {
        return (Some(rule.section.clone()), Basis::Body);
    }
    (rules.default_section.clone(), Basis::Default)
}

fn declared(name: &str, rules: &Rules) -> Option<String> {
    let name = rules.config.section_aliases.get(name).map_or(name, String::as_str);
    rules.sections.iter().find(|s| s.as_str() == name || s.eq_ignore_ascii_case(name)).cloned()
}

fn matches_headline(rule: &SectionRule, h: &Headline) -> bool {
    if h.column.as_ref().is_some_and(|c| rule.columns.contains(c)) {
        return true;
    }
    let parts =
        [h.column.as_deref(), h.kicker.as_deref(), Some(h.title.as_str()), h.subtitle.as_deref()];
    let text: String = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
    rule.keywords.iter().any(|k| !k.is_empty() && text.contains(k.as_str()))
}

fn best_body_match<'a>(all: &'a [SectionRule], body: &str) -> Option<&'a SectionRule> {
    let hits = |r: &SectionRule| -> usize {
        r.keywords.iter().filter(|k| !k.is_empty()).map(|k| body.matches(k.as_str()).count()).sum()
    };
    let mut best: Option<(&SectionRule, usize)> = None;
    for rule in all {
        let n = hits(rule);
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((rule, n));
        }
    }
    best.map(|(r, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::split::SplitConfig;

    fn rules() -> Rules {
        let mut config = SplitConfig::default();
        config.section_aliases.insert("要闻".into(), "时政".into());
        config.rules = vec![
            SectionRule {
                section: "经济".into(), keywords: vec!["产业".into()], columns: vec![]
            },
            SectionRule {
                section: "文化".into(), keywords: vec!["版权".into()], columns: vec![]
            },
        ];
        Rules::new(&config, &["时政".into(), "经济".into(), "文化".into()]).unwrap()
    }

    #[test]
    fn page_marker_then_rules_then_default() {
        let r = rules();
        let h = Headline { title: "产业园推介".into(), ..Headline::default() };
        let pick = |page: Option<&str>, h: &Headline, body: &str| choose(page, h, body, &r);
        assert_eq!(pick(Some("要闻"), &h, ""), (Some("时政".into()), Basis::Page));
        assert_eq!(pick(None, &h, ""), (Some("经济".into()), Basis::Headline));
        let plain = Headline { title: "无关".into(), ..Headline::default() };
        assert_eq!(pick(None, &plain, "版权 版权 产业"), (Some("文化".into()), Basis::Body));
        assert_eq!(pick(None, &plain, ""), (Some("时政".into()), Basis::Default));
        assert_eq!(pick(Some("体育"), &plain, ""), (Some("体育".into()), Basis::Undeclared));
    }
}
