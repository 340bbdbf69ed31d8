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
