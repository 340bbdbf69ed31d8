//! Reading a headline block: which line is the column (栏目), the kicker (引题), the title and
//! the subtitle (副题).
//!
//! For: pure text rules on the lines of one block. Not for: finding the block in the issue
//! (see `start`) or bylines (see `byline`).

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
    let Some(mut title_at) = title_index(lines) else {
        return Headline::default();
    };
    if named_rubric(&lines[title_at].1, rules) && title_at + 1 < lines.len() {
        title_at += 1;
    }
    let texts = |part: &[HeadLine]| part.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    let mut before = texts(&lines[..title_at]);
    let after = texts(&lines[title_at + 1..]);
    let (mut column, mut kicker) = (None, None);
    if let Some(last) = before.pop() {
        if before.is_empty() && is_column(&last, rules) {
            column = Some(bracketed_column(&last).map_or(last.clone(), str::to_owned));
        } else {
            kicker = Some(last);
        }
    }
    if !before.is_empty() {
        let names: Vec<&str> =
            before.iter().map(|t| bracketed_column(t).unwrap_or(t.as_str())).collect();
        column = Some(names.join(" "));
    }
    let after: Vec<&str> = after.iter().map(|t| t.trim_start_matches(['—', '–']).trim()).collect();
    let subtitle = (!after.is_empty()).then(|| after.join(" "));
    let (tag, title) = column_tag(&lines[title_at].1);
    let column = column.or(tag);
    Headline { column, kicker, title, subtitle }
}

/// A column tag printed in the title: `【民生】标题` or `标题（评论员观察）` give the column
/// and the bare title; the bracket must hold two to ten Chinese characters and no digit.
fn column_tag(title: &str) -> (Option<String>, String) {
    if let Some(rest) = title.strip_prefix('【')
        && let Some((tag, bare)) = rest.split_once('】')
        && is_tag(tag)
        && !bare.trim().is_empty()
    {
        return (Some(tag.to_owned()), bare.trim().to_owned());
    }
    if let Some(rest) = title.strip_suffix('）')
        && let Some((bare, tag)) = rest.rsplit_once('（')
        && is_tag(tag)
        && !bare.trim().is_empty()
    {
        return (Some(tag.to_owned()), bare.trim().to_owned());
    }
    (None, title.to_owned())
}

fn is_tag(tag: &str) -> bool {
    let len = tag.chars().count();
    (2..=10).contains(&len)
        && tag.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·')
}

/// A whole line that is a rubric: `【深度】`.
pub(crate) fn bracketed_column(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('【')?.strip_suffix('】')?;
    (!inner.is_empty() && inner.chars().count() <= 12 && !inner.contains('】')).then_some(inner)
}

fn title_index(lines: &[HeadLine]) -> Option<usize> {
    let best = lines.iter().filter_map(|(level, _)| *level).min();
    match best {
        Some(best) => lines.iter().rposition(|(level, _)| *level == Some(best)),
        None => (!lines.is_empty()).then_some(0),
    }
}

/// A rubric named by `column_patterns` (`Letters to the Editor`) or printed in brackets: even as
/// the most prominent line it is the column, and the next line is the title.
fn named_rubric(text: &str, rules: &Rules) -> bool {
    bracketed_column(text).is_some() || Rules::any(&rules.column, text)
}

/// True when a headline line names a rubric (栏目) rather than the story.
pub(crate) fn is_column(text: &str, rules: &Rules) -> bool {
    text.contains('·') || bracketed_column(text).is_some() || Rules::any(&rules.column, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::split::SplitConfig;

    fn rules() -> Rules {
        Rules::new(&SplitConfig::default(), &[]).unwrap()
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
    fn column_tags_in_titles() {
        let one = |t: &str| parse_headline(&[(Some(2), t.to_owned())], &rules());
        let h = one("让创新活力竞相迸发（评论员观察）");
        assert_eq!(
            (h.column.as_deref(), h.title.as_str()),
            (Some("评论员观察"), "让创新活力竞相迸发")
        );
        let h = one("【民生】地铁新线开通");
        assert_eq!((h.column.as_deref(), h.title.as_str()), (Some("民生"), "地铁新线开通"));
        let h = one("行动计划(2024—2026)发布（上）");
        assert_eq!((h.column, h.title.as_str()), (None, "行动计划(2024—2026)发布（上）"));
        let lines: Vec<HeadLine> = vec![(None, "【深度】".into()), (Some(2), "标题".into())];
        assert_eq!(parse_headline(&lines, &rules()).column.as_deref(), Some("深度"));
    }
}
