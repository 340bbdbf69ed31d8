//! Reading a headline block, a byline and a dateline.
//!
//! For: pure text rules — which heading is the title, who the authors are, where the
//! dateline ends. Not for: finding these blocks in the issue (see `group`).

use super::rules::Rules;

/// A headline block: the stacked lines printed above an article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Headline {
    pub(crate) column: Option<String>,
    pub(crate) kicker: Option<String>,
    pub(crate) title: String,
    pub(crate) subtitle: Option<String>,
}

/// One line of a headline block: its heading level (`None` for a plain line) and text.
pub(crate) type HeadLine = (Option<u8>, String);

/// Decides the roles of the lines in a headline block.
///
/// The rule: the title is the most prominent heading (fewest `#`); on a tie, the last such
/// heading (the one nearest the byline). Plain lines are never the title unless there is no
/// heading at all. Lines after the title are the subtitle (joined by a space). Of the headings
/// before the title, the one right before it is the kicker (引题) — unless it is the only one
/// and names a rubric (contains `·` or matches `column_patterns`), in which case it is the
/// column (栏目); any earlier headings are the column.
pub(crate) fn parse_headline(lines: &[HeadLine], rules: &Rules) -> Headline {
    let Some(title_at) = title_index(lines) else {
        return Headline::default();
    };
    let texts = |part: &[HeadLine]| part.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    let mut before = texts(&lines[..title_at]);
    let after = texts(&lines[title_at + 1..]);
    let (mut column, mut kicker) = (None, None);
    if let Some(last) = before.pop() {
        if before.is_empty() && is_column(&last, rules) {
            column = Some(last);
        } else {
            kicker = Some(last);
        }
    }
    if !before.is_empty() {
        column = Some(before.join(" "));
    }
    let subtitle = (!after.is_empty()).then(|| after.join(" "));
    Headline { column, kicker, title: lines[title_at].1.clone(), subtitle }
}

fn title_index(lines: &[HeadLine]) -> Option<usize> {
    let best = lines.iter().filter_map(|(level, _)| *level).min();
    match best {
        Some(best) => lines.iter().rposition(|(level, _)| *level == Some(best)),
        None => (!lines.is_empty()).then_some(0),
    }
}

/// True when a headline line names a rubric (栏目) rather than the story.
pub(crate) fn is_column(text: &str, rules: &Rules) -> bool {
    text.contains('·') || Rules::any(&rules.column, text)
}

/// Names of the people a byline credits (roles, organisations and credits removed).
pub(crate) fn parse_authors(byline: &str, rules: &Rules) -> Vec<String> {
    let trimmed = byline.trim_start_matches(|c: char| !c.is_alphanumeric());
    match trimmed.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => english_authors(&trimmed[3..]),
        _ => chinese_authors(trimmed, rules),
    }
}

fn english_authors(names: &str) -> Vec<String> {
    names
        .split(',')
        .flat_map(|part| part.split('&'))
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(title_case_if_shouting)
        .collect()
}

/// `SAM LEE` → `Sam Lee`; names already in mixed case are kept as printed.
fn title_case_if_shouting(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

fn chinese_authors(byline: &str, rules: &Rules) -> Vec<String> {
    let spaced: String =
        byline.chars().map(|c| if "()（）[]【】、，,;；".contains(c) { ' ' } else { c }).collect();
    let segments = after_roles(&spaced, &rules.config.author_roles);
    segments
        .iter()
        .flat_map(|seg| seg.split_whitespace())
        .filter(|token| is_name(token, &rules.config.credit_words))
        .map(str::to_owned)
        .collect()
}

/// The text after each role word; the whole text when it names no role.
fn after_roles(text: &str, roles: &[String]) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current: Option<String> = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(role) = roles.iter().find(|r| !r.is_empty() && rest.starts_with(r.as_str())) {
            segments.extend(current.replace(String::new()));
            rest = &rest[role.len()..];
            continue;
        }
        if let Some(seg) = current.as_mut() {
            seg.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    segments.extend(current);
    if segments.is_empty() { vec![text.to_owned()] } else { segments }
}

fn is_name(token: &str, credits: &[String]) -> bool {
    let len = token.chars().count();
    !credits.iter().any(|c| c == token)
        && !token.contains(['/', '／'])
        && (1..=8).contains(&len)
        && !token.ends_with(['报', '社', '台', '网', '刊'])
        && !token.chars().any(|c| c.is_ascii_digit())
}

/// The dateline opening `paragraph`, if a dateline pattern matches.
pub(crate) fn parse_dateline(paragraph: &str, rules: &Rules) -> Option<String> {
    rules.dateline.iter().find_map(|re| {
        let caps = re.captures(paragraph)?;
        let m = caps.name("d").or_else(|| caps.get(0))?;
        Some(m.as_str().trim().to_owned())
    })
}

/// A wire byline folded into the first paragraph: `新华社上海6月1日电(记者 陈亮)…` gives
/// the bracketed credit `(记者 陈亮)`.
pub(crate) fn inline_credit(paragraph: &str, rules: &Rules) -> Option<String> {
    let dateline = parse_dateline(paragraph, rules)?;
    let rest = paragraph.get(dateline.len()..)?.trim_start();
    let close = if rest.starts_with('（') { '）' } else { ')' };
    if !(rest.starts_with('(') || rest.starts_with('（')) {
        return None;
    }
    let end = rest.find(close)? + close.len_utf8();
    let credit = &rest[..end];
    let named = rules.config.author_roles.iter().any(|r| credit.contains(r.as_str()));
    named.then(|| credit.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::split::SplitConfig;

    fn rules() -> Rules {
        Rules::new(&SplitConfig::default(), &[]).unwrap()
    }

    fn authors(byline: &str) -> Vec<String> {
        parse_authors(byline, &rules())
    }

    #[test]
    fn authors_from_bylines() {
        assert_eq!(authors("□青岛日报/观海新闻记者 刘佳旋"), ["刘佳旋"]);
        assert_eq!(authors("□青岛日报/观海新闻记者 马晓婷 文/图"), ["马晓婷"]);
        assert_eq!(authors("本报记者 张明 通讯员 刘芳"), ["张明", "刘芳"]);
        assert_eq!(authors("新华社上海6月1日电(记者 陈亮)"), ["陈亮"]);
        assert_eq!(authors("By SAM LEE"), ["Sam Lee"]);
        assert_eq!(authors("By Jane Doe and John Roe"), ["Jane Doe", "John Roe"]);
        assert!(authors("本报评论员").is_empty());
        assert!(authors("□本报评论员").is_empty());
    }

    #[test]
    fn headline_roles() {
        let lines: Vec<HeadLine> = vec![
            (Some(2), "稳扎稳打有干头·打头阵当先锋".into()),
            (Some(3), "行动计划发布".into()),
            (Some(1), "标题".into()),
            (None, "副题".into()),
        ];
        let h = parse_headline(&lines, &rules());
        assert_eq!(h.column.as_deref(), Some("稳扎稳打有干头·打头阵当先锋"));
        assert_eq!(h.kicker.as_deref(), Some("行动计划发布"));
        assert_eq!(h.title, "标题");
        assert_eq!(h.subtitle.as_deref(), Some("副题"));
    }

    #[test]
    fn tie_goes_to_the_heading_nearest_the_byline() {
        let lines: Vec<HeadLine> = vec![(Some(2), "引题".into()), (Some(2), "主题".into())];
        let h = parse_headline(&lines, &rules());
        assert_eq!((h.kicker.as_deref(), h.title.as_str()), (Some("引题"), "主题"));
    }

    #[test]
    fn datelines() {
        let r = rules();
        assert_eq!(parse_dateline("本报5月24日讯 24日上午", &r).as_deref(), Some("本报5月24日讯"));
        assert_eq!(
            parse_dateline("本报北京5月24日电 记者", &r).as_deref(),
            Some("本报北京5月24日电")
        );
        let wire = "新华社上海6月1日电(记者 陈亮)今天";
        assert_eq!(parse_dateline(wire, &r).as_deref(), Some("新华社上海6月1日电"));
        assert_eq!(inline_credit(wire, &r).as_deref(), Some("(记者 陈亮)"));
        let en = "RIVERSIDE, Calif. — The city";
        assert_eq!(parse_dateline(en, &r).as_deref(), Some("RIVERSIDE, Calif."));
        assert_eq!(parse_dateline("RIVERSIDE — The", &r).as_deref(), Some("RIVERSIDE"));
        assert_eq!(parse_dateline("The city said", &r), None);
    }
}
