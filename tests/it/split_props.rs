//! Property test: generated issues never make `split_issue` panic, and no source text is lost.

use broadsheet::split::{Report, SplitConfig, split_issue, unaccounted_lines};
use proptest::prelude::*;

fn line() -> impl Strategy<Value = String> {
    let words = "[\\p{Han}a-zA-Z0-9，、 ]{1,24}";
    prop_oneof![
        (1..5usize, words).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n))),
        words.prop_map(|t| format!("□本报记者 {t}")),
        words.prop_map(|t| format!("{t}。")),
        words.prop_map(|t| t.to_string()),
        words.prop_map(|t| format!("■{t}")),
        words.prop_map(|t| format!("#### ●{t}")),
        "\\PC{0,30}",
        Just(String::new()),
    ]
}

fn haystack(r: &Report) -> String {
    let mut out = String::new();
    for a in &r.articles {
        let head = [&a.column, &a.kicker, &a.subtitle, &a.byline];
        out.extend(head.into_iter().flatten().map(|s| format!("{s}\n")));
        let body = [a.paragraphs.join("\n"), a.captions.join("\n"), a.subheads.join("\n")];
        out.push_str(&format!("{}\n{}\n", a.title, body.join("\n")));
        for s in &a.sidebars {
            out.push_str(&format!("{}\n", s.title));
            out.extend(s.items.iter().map(|i| format!("{}\n{}\n", i.title, i.text)));
        }
    }
    out.extend(r.dropped.iter().map(|d| format!("{}\n", d.text)));
    out
}

/// The line as split reads it: no-break and ideographic spaces are spaces.
fn needle(line: &str) -> String {
    let line: String = line
        .chars()
        .map(|c| if matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}') { ' ' } else { c })
        .collect();
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.trim_start_matches(['■', '▲', '△', '●', '◆']).trim();
    t.trim_end_matches('-').to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]
    #[test]
    fn generated_issues_lose_nothing(lines in prop::collection::vec(line(), 0..40)) {
        let text = lines.join("\n");
        let sections = vec!["A".to_owned()];
        if let Ok(outcome) = split_issue(&text, "gen.md", "2024-01-01", &SplitConfig::default(), &sections) {
            let r = &outcome.report;
            prop_assert!(unaccounted_lines(&text, r).is_empty(), "{:?}", r.warnings);
            let hay = haystack(r);
            for l in text.lines().filter(|l| !l.trim().is_empty()) {
                let n = needle(l);
                prop_assert!(hay.contains(&n), "lost {:?}", l);
            }
        }
    }
}

/// One generated article: headline shape, byline or not, paragraphs, and whether it jumps.
#[derive(Debug, Clone)]
struct Gen {
    shape: u8,
    byline: bool,
    paras: usize,
    jump: Option<u8>,
}

const NAMES: [&str; 6] = ["王明", "李华", "赵强", "陈静", "刘洋", "周婷"];
const PAGES: [&str; 5] = ["二", "三", "四", "五", "六"];

fn gen_article() -> impl Strategy<Value = Gen> {
    (0..6u8, any::<bool>(), 2..4usize, prop::option::of(0..3u8))
        .prop_map(|(shape, byline, paras, jump)| Gen { shape, byline, paras, jump })
}

fn title(a: usize) -> String {
    format!("第{a}号标题新闻")
}

fn sentence(a: usize, p: usize) -> String {
    format!("这是第{a}篇文章的第{p}段内容。")
}

/// The headline block of article `a` in shape `shape` (every shape the issue lists).
fn headline(a: usize, shape: u8) -> Vec<String> {
    let t = title(a);
    match shape {
        0 => vec![format!("## {t}")],
        1 => vec![format!("引题第{a}号"), format!("## {t}")],
        2 => vec![format!("## {t}"), format!("副题第{a}号")],
        3 => vec![format!("【栏目{a}】"), format!("## {t}")],
        4 => vec![format!("### 引题第{a}号"), format!("## {t}"), format!("### 副题第{a}号")],
        _ => vec![format!("## {t}"), format!("——副题第{a}号")],
    }
}

/// An issue of page 1 (every article, some jumping) and one page per jump with its
/// continuation (in one of three printed forms) and, between them, a story of that page.
fn issue(articles: &[Gen]) -> String {
    let mut out = vec!["第01版：要闻".to_owned()];
    let mut later = Vec::new();
    for (k, g) in articles.iter().enumerate() {
        let a = k + 1;
        out.extend(headline(a, g.shape));
        if g.byline {
            out.push(format!("本报记者 {}", NAMES[k % NAMES.len()]));
        }
        let split = if g.jump.is_some() { 1 } else { g.paras };
        out.extend((1..=split).map(|p| sentence(a, p)));
        if let Some(form) = g.jump {
            let page = PAGES[later.len() % PAGES.len()];
            out.push(format!("（下转第{page}版）"));
            later.push((a, page, form, g.paras));
        }
    }
    for (n, (a, page, form, paras)) in later.into_iter().enumerate() {
        out.push(format!("第{page}版：要闻"));
        let own = 100 + n;
        out.extend([format!("## {}", title(own)), sentence(own, 1)]);
        match form {
            0 => out.push("（上接第一版）".to_owned()),
            1 => out.extend([format!("## {}", title(a)), "（上接第一版）".to_owned()]),
            _ => out.push(format!("## {}", title(a))),
        }
        out.extend((2..=paras).map(|p| sentence(a, p)));
    }
    out.join("\n\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn generated_jumps_and_headlines_land_in_the_right_article(
        articles in prop::collection::vec(gen_article(), 1..6)
    ) {
        let text = issue(&articles);
        let outcome = split_issue(&text, "gen.md", "2024-01-01", &SplitConfig::default(), &[])
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let r = &outcome.report;
        prop_assert!(unaccounted_lines(&text, r).is_empty(), "{:?}", r.warnings);
        for (k, g) in articles.iter().enumerate() {
            let a = k + 1;
            let found: Vec<_> = r.articles.iter().filter(|x| x.title == title(a)).collect();
            prop_assert_eq!(found.len(), 1, "article {} in\n{}", a, text);
            let art = found[0];
            let want: Vec<String> = (1..=g.paras).map(|p| sentence(a, p)).collect();
            prop_assert_eq!(&art.paragraphs, &want, "article {} in\n{}", a, text);
            prop_assert!(!art.truncated);
            let kicker = matches!(g.shape, 1 | 4).then(|| format!("引题第{a}号"));
            let subtitle = matches!(g.shape, 2 | 4 | 5).then(|| format!("副题第{a}号"));
            let column = (g.shape == 3).then(|| format!("栏目{a}"));
            prop_assert_eq!(&art.kicker, &kicker, "article {} in\n{}", a, text);
            prop_assert_eq!(&art.subtitle, &subtitle, "article {} in\n{}", a, text);
            prop_assert_eq!(&art.column, &column, "article {} in\n{}", a, text);
            let authors = if g.byline { vec![NAMES[k % NAMES.len()].to_owned()] } else { vec![] };
            prop_assert_eq!(&art.authors, &authors);
        }
        let jumps = articles.iter().filter(|g| g.jump.is_some()).count();
        prop_assert_eq!(r.articles.len(), articles.len() + jumps);
        prop_assert!(r.jumps.iter().all(|j| j.in_line.is_some()), "{:?}", r.jumps);
    }
}
