//! Reading who wrote an article: bylines, datelines with their bracketed credits, letters'
//! signatures and the news agency.
//!
//! For: pure text rules on one line or one paragraph. Not for: finding these lines in the
//! issue (see `lex` and `group`).

use super::rules::Rules;

/// Who a byline credits: the people, and the agency that is not a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Credit {
    pub(crate) authors: Vec<String>,
    pub(crate) agency: Option<String>,
}

/// Reads a byline (`□青岛日报/观海新闻记者 刘佳旋`, `By JANE DOE, Associated Press`).
pub(crate) fn parse_byline(byline: &str, rules: &Rules) -> Credit {
    let trimmed = byline.trim_start_matches(|c: char| !c.is_alphanumeric());
    match trimmed.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => english_credit(&trimmed[3..], rules),
        _ => Credit {
            authors: chinese_authors(trimmed, rules),
            agency: chinese_agency(trimmed, rules),
        },
    }
}

fn english_credit(names: &str, rules: &Rules) -> Credit {
    let mut credit = Credit::default();
    let parts = names
        .split([',', '&', '|', '/', ';'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|part| !part.is_empty());
    for part in parts {
        if let Some(agency) = agency_of(part, rules) {
            credit.agency.get_or_insert(agency);
            continue;
        }
        if Rules::any(&rules.byline_role, part)
            || part.contains(char::is_lowercase) && !is_name(part)
        {
            continue;
        }
        let (name, agency) = split_trailing_agency(part, rules);
        if let Some(agency) = agency {
            credit.agency.get_or_insert(agency);
        }
        if !name.is_empty() {
            credit.authors.push(title_case_if_shouting(name));
        }
    }
    credit
}

/// A name in mixed case: every word capitalised or a particle (`de`, `van`).
fn is_name(part: &str) -> bool {
    part.split_whitespace().all(|w| {
        w.starts_with(char::is_uppercase) || matches!(w, "de" | "van" | "von" | "der" | "da" | "la")
    })
}

/// The agency `part` names, when it is one of `[split] agencies` (case-insensitive).
fn agency_of(part: &str, rules: &Rules) -> Option<String> {
    rules.config.agencies.iter().find(|a| a.eq_ignore_ascii_case(part)).cloned()
}

/// `Jane Doe Reuters` → (`Jane Doe`, `Reuters`).
fn split_trailing_agency<'a>(part: &'a str, rules: &Rules) -> (&'a str, Option<String>) {
    for agency in &rules.config.agencies {
        let Some(cut) = part.len().checked_sub(agency.len()) else { continue };
        let Some(tail) = part.get(cut..) else { continue };
        if tail.eq_ignore_ascii_case(agency) && part[..cut].ends_with(' ') {
            return (part[..cut].trim(), Some(agency.clone()));
        }
    }
    (part, None)
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

fn chinese_agency(byline: &str, rules: &Rules) -> Option<String> {
    let byline = byline.trim_start_matches(['据', '（', '(']);
    rules.config.agencies.iter().find(|a| !a.is_ascii() && byline.starts_with(a.as_str())).cloned()
}

fn chinese_authors(byline: &str, rules: &Rules) -> Vec<String> {
    let spaced: String = byline
        .chars()
        .map(|c| if "()（）[]【】、，,;；/／|｜:：".contains(c) { ' ' } else { c })
        .collect();
    let segments = after_roles(&spaced, &rules.config.author_roles);
    segments
        .iter()
        .flat_map(|seg| seg.split_whitespace())
        .filter(|token| is_chinese_name(token, &rules.config.credit_words))
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

fn is_chinese_name(token: &str, credits: &[String]) -> bool {
    let len = token.chars().count();
    !credits.iter().any(|c| c == token)
        && (1..=8).contains(&len)
        && !token.ends_with(['报', '社', '台', '网', '刊', '电', '摄', '讯'])
        && !token.starts_with(['本', '据'])
        && !token.chars().any(|c| c.is_ascii_digit() || c == '月' && len > 4)
}

/// The signers of a letter (`— Jane Roe, Riverside`, `— A and B, Town`, `——读者 王华`).
pub(crate) fn parse_signature(text: &str) -> Vec<String> {
    let text = text.trim_start_matches(['—', '–', '-', '―', ' ']);
    if !text.is_ascii() && !text.contains(|c: char| c.is_ascii_alphabetic()) {
        return text.split_whitespace().last().map(str::to_owned).into_iter().collect();
    }
    let names = text.split([',', ';']).next().unwrap_or(text);
    names
        .split(" and ")
        .flat_map(|n| n.split('&'))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(title_case_if_shouting)
        .collect()
}

/// The dateline opening `paragraph`, if a dateline pattern matches.
pub(crate) fn parse_dateline(paragraph: &str, rules: &Rules) -> Option<String> {
    rules.dateline.iter().find_map(|re| {
        let caps = re.captures(paragraph)?;
        let m = caps.name("d").or_else(|| caps.get(0))?;
        Some(m.as_str().trim().to_owned())
    })
}

/// The agency a dateline names: `据新华社…电`, `RIVERSIDE, Calif. (AP)`.
pub(crate) fn dateline_agency(dateline: &str, rules: &Rules) -> Option<String> {
    if let Some(open) = dateline.rfind('(')
        && let Some(found) = agency_of(dateline[open + 1..].trim_end_matches(')'), rules)
    {
        return Some(found);
    }
    chinese_agency(dateline, rules)
}

/// A credit in brackets right after the dateline: `本报北京5月11日电（记者 王强）` and
/// `新华社上海6月1日电(记者 陈亮)` give the bracket; so does `（吴君、李明）` (names only).
pub(crate) fn dateline_credit(paragraph: &str, rules: &Rules) -> Option<String> {
    let dateline = parse_dateline(paragraph, rules)?;
    let rest = paragraph.get(dateline.len()..)?.trim_start();
    let close = if rest.starts_with('（') { '）' } else { ')' };
    if !(rest.starts_with('(') || rest.starts_with('（')) {
        return None;
    }
    let end = rest.find(close)? + close.len_utf8();
    let credit = &rest[..end];
    let inner = credit.trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
    let named = rules.config.author_roles.iter().any(|r| inner.contains(r.as_str()));
    (named || only_names(inner)).then(|| credit.to_owned())
}

/// `吴君、李明`: two to six names of two to four Chinese characters.
fn only_names(text: &str) -> bool {
    let names: Vec<&str> = text.split(['、', '，', ',', ' ']).filter(|n| !n.is_empty()).collect();
    (1..=6).contains(&names.len())
        && names.iter().all(|n| {
            let len = n.chars().count();
            (2..=4).contains(&len) && n.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::split::SplitConfig;

    fn rules() -> Rules {
        Rules::new(&SplitConfig::default(), &[]).unwrap()
    }

    fn authors(byline: &str) -> Vec<String> {
        parse_byline(byline, &rules()).authors
    }

    #[test]
    fn authors_from_bylines() {
        assert_eq!(authors("□青岛日报/观海新闻记者 刘佳旋"), ["刘佳旋"]);
        assert_eq!(authors("□青岛日报/观海新闻记者 马晓婷 文/图"), ["马晓婷"]);
        assert_eq!(authors("本报记者 张明 通讯员 刘芳"), ["张明", "刘芳"]);
        assert_eq!(authors("新华社上海6月1日电(记者 陈亮)"), ["陈亮"]);
        assert_eq!(authors("文/记者 王小明"), ["王小明"]);
        assert_eq!(authors("文/图 记者 王小明"), ["王小明"]);
        assert_eq!(authors("记者 王小明 通讯员 李华 实习生 赵一"), ["王小明", "李华", "赵一"]);
        assert_eq!(authors("（本报记者 王小明、李华、赵一）"), ["王小明", "李华", "赵一"]);
        assert_eq!(authors("By SAM LEE"), ["Sam Lee"]);
        assert_eq!(authors("By Jane Doe and John Roe"), ["Jane Doe", "John Roe"]);
        assert!(authors("本报评论员").is_empty());
        assert!(authors("□本报评论员").is_empty());
    }

    #[test]
    fn agencies_are_not_authors() {
        let r = rules();
        let c = parse_byline("By JANE DOE, Associated Press", &r);
        assert_eq!(
            (c.authors, c.agency.as_deref()),
            (vec!["Jane Doe".to_owned()], Some("Associated Press"))
        );
        let c = parse_byline("By Jane Doe Reuters", &r);
        assert_eq!(
            (c.authors, c.agency.as_deref()),
            (vec!["Jane Doe".to_owned()], Some("Reuters"))
        );
        let c = parse_byline("By Ann Lee, Staff Writer", &r);
        assert_eq!((c.authors, c.agency), (vec!["Ann Lee".to_owned()], None));
        assert_eq!(parse_byline("新华社记者 王小明", &r).agency.as_deref(), Some("新华社"));
    }

    #[test]
    fn signatures_and_dateline_credits() {
        assert_eq!(parse_signature("— Jane Roe, Riverside"), ["Jane Roe"]);
        assert_eq!(parse_signature("—Ann Lee and Bo Chen, Hill Valley"), ["Ann Lee", "Bo Chen"]);
        let r = rules();
        let p = "本报北京5月11日电（吴君、李明）今天";
        assert_eq!(dateline_credit(p, &r).as_deref(), Some("（吴君、李明）"));
        let p = "据新华社北京5月11日电（记者 王强）今天";
        assert_eq!(parse_dateline(p, &r).as_deref(), Some("据新华社北京5月11日电"));
        assert_eq!(dateline_credit(p, &r).as_deref(), Some("（记者 王强）"));
        assert_eq!(dateline_agency("据新华社北京5月11日电", &r).as_deref(), Some("新华社"));
        assert_eq!(dateline_agency("RIVERSIDE, Calif. (AP)", &r).as_deref(), Some("AP"));
        assert_eq!(dateline_credit("本报北京5月11日电（资料图片说明很长）", &r), None);
    }

    #[test]
    fn datelines() {
        let r = rules();
        assert_eq!(parse_dateline("本报5月24日讯 24日上午", &r).as_deref(), Some("本报5月24日讯"));
        assert_eq!(parse_dateline("本报讯（记者 王强）", &r).as_deref(), Some("本报讯"));
        assert_eq!(parse_dateline("华商报讯（记者 王强）", &r).as_deref(), Some("华商报讯"));
        let en = "RIVERSIDE, Calif. — The city";
        assert_eq!(parse_dateline(en, &r).as_deref(), Some("RIVERSIDE, Calif."));
        assert_eq!(parse_dateline("RIVERSIDE — The", &r).as_deref(), Some("RIVERSIDE"));
        assert_eq!(parse_dateline("The city said", &r), None);
    }
}
