//! Choosing an article's section: page marker first, then `[[split.rules]]`, then the default.
//!
//! For: mapping names to declared sections. Not for: reading page markers (see `lex`).

use super::headline::Headline;
use super::rules::Rules;
use crate::config::split::SectionRule;

/// The declared section for an article.
///
/// 1. The section named by the page marker above it, when it (or its alias) is declared.
/// 2. The first rule matching the headline block (column equal to one of `columns`, or a
///    keyword in column, kicker, title or subtitle).
/// 3. The rule with the most keyword hits in the body (ties: the earlier rule).
/// 4. The default section. A page-marker section that maps to nothing adds a warning.
pub(crate) fn choose(
    page_section: Option<&str>,
    headline: &Headline,
    body: &str,
    rules: &Rules,
    warnings: &mut Vec<String>,
) -> Option<String> {
    if let Some(name) = page_section {
        if let Some(found) = declared(name, rules) {
            return Some(found);
        }
        warnings.push(format!("page section `{name}` is not declared and has no alias"));
    }
    let all = &rules.config.rules;
    let by_head = all.iter().find(|r| matches_headline(r, headline));
    by_head
        .or_else(|| best_body_match(all, body))
        .map(|r| r.section.clone())
        .or_else(|| rules.default_section.clone())
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
        let mut w = Vec::new();
        let h = Headline { title: "产业园推介".into(), ..Headline::default() };
        assert_eq!(choose(Some("要闻"), &h, "", &r, &mut w).as_deref(), Some("时政"));
        assert_eq!(choose(None, &h, "", &r, &mut w).as_deref(), Some("经济"));
        let plain = Headline { title: "无关".into(), ..Headline::default() };
        assert_eq!(choose(None, &plain, "版权 版权 产业", &r, &mut w).as_deref(), Some("文化"));
        assert_eq!(choose(None, &plain, "", &r, &mut w).as_deref(), Some("时政"));
        assert!(w.is_empty());
        assert_eq!(choose(Some("体育"), &plain, "", &r, &mut w).as_deref(), Some("时政"));
        assert_eq!(w.len(), 1);
    }
}
