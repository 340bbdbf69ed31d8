//! One fixture issue per house style (a national daily, a wire page, a city daily, a clean
//! weekly, an English daily, an English weekly), each split with default rules and compared
//! with its expected files; plus the checks an editor makes on any issue: every printed
//! sentence is in exactly one article's body, and no byline, kicker, subtitle, caption or jump
//! line is a body paragraph.

use std::fs;
use std::path::PathBuf;

use broadsheet::split::{
    Report, SplitConfig, SplitOutcome, masthead_date, split_issue, unaccounted_lines,
};

fn dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split").join(case)
}

/// Splits `<case>/source.md` with default rules and `sections` declared; the issue date comes
/// from the masthead when the issue has one.
fn split(case: &str, sections: &[&str]) -> SplitOutcome {
    let text = fs::read_to_string(dir(case).join("source.md")).unwrap();
    let config = SplitConfig::default();
    let date = masthead_date(&text, &config).unwrap().unwrap_or_else(|| "2024-05-25".to_owned());
    let sections: Vec<String> = sections.iter().map(|s| (*s).to_owned()).collect();
    let outcome = split_issue(&text, "source.md", &date, &config, &sections).unwrap();
    assert!(unaccounted_lines(&text, &outcome.report).is_empty(), "{:?}", outcome.report.warnings);
    editor_checks(&text, &outcome.report);
    super::split::check_golden(&dir(case).join("expected"), &super::split::outcome_files(&outcome));
    outcome
}

/// The sentences of one source line as split reads it (markers off, spaces normalised).
fn sentences(line: &str) -> Vec<String> {
    let line: String =
        line.chars().map(|c| if matches!(c, '\u{a0}' | '\u{3000}') { ' ' } else { c }).collect();
    let line = line.trim().trim_start_matches(['#', '▲', '■', '●', '◆', '>', '□', ' ']);
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        let next = chars.get(i + 1).copied();
        let end = "。！？；!?".contains(c)
            || (c == '.' && next.is_none_or(|n| n.is_whitespace() || n == '"'));
        if end {
            let s = current.trim().trim_matches(|c: char| "“”\"' ".contains(c)).to_owned();
            if s.chars().count() > 3 {
                out.push(s);
            }
            current.clear();
        }
    }
    out
}

/// The checks an editor makes, on any issue.
fn editor_checks(text: &str, r: &Report) {
    let bodies: Vec<String> = r.articles.iter().map(|a| a.paragraphs.join("\n")).collect();
    let furniture: Vec<&str> = r
        .articles
        .iter()
        .flat_map(|a| {
            let head =
                [&a.kicker, &a.subtitle, &a.column].into_iter().flatten().map(String::as_str);
            let bylines = a.byline.iter().flat_map(|b| b.split("; "));
            head.chain(bylines).chain(a.captions.iter().map(String::as_str))
        })
        .chain(r.dropped.iter().filter(|d| d.reason != "duplicate").map(|d| d.text.as_str()))
        .collect();
    for a in &r.articles {
        for p in &a.paragraphs {
            assert!(!furniture.contains(&p.as_str()), "`{p}` is furniture, not body ({})", a.file);
        }
        if let Some(summary) = a.byline.as_ref() {
            assert!(!a.paragraphs.iter().any(|p| p.starts_with(summary.as_str())), "{}", a.file);
        }
    }
    let furniture_text: String = furniture.join("\n");
    let quotes: String = r.articles.iter().flat_map(|a| a.pull_quotes.clone()).collect();
    let sidebars: String = r
        .articles
        .iter()
        .flat_map(|a| a.sidebars.iter().flat_map(|s| s.items.iter().map(|i| i.text.clone())))
        .collect();
    for line in text.lines() {
        for s in sentences(line) {
            if furniture_text.contains(&s) || quotes.contains(&s) || sidebars.contains(&s) {
                continue;
            }
            let homes = bodies.iter().filter(|b| b.contains(&s)).count();
            assert_eq!(homes, 1, "sentence `{s}` is in {homes} article bodies");
        }
    }
}

fn titles(r: &Report) -> Vec<&str> {
    r.articles.iter().map(|a| a.title.as_str()).collect()
}

#[test]
fn national_daily() {
    let r = split("renmin", &[]).report;
    assert_eq!(r.issue, "2024-05-24");
    assert_eq!(
        titles(&r),
        [
            "全国夏粮收购进度过半",
            "让创新活力竞相迸发",
            "长江沿岸生态持续改善",
            "一季度外贸实现良好开局",
            "多地推进老旧小区改造"
        ]
    );
    let first = &r.articles[0];
    assert_eq!(first.kicker.as_deref(), Some("坚定不移推动高质量发展"));
    assert_eq!(first.subtitle.as_deref(), Some("农民种粮收益稳中有升"));
    assert_eq!(first.authors, ["王浩", "李明"]);
    assert!(
        first.paragraphs[1]
            .ends_with("加强服务，确保颗粒归仓。据统计，截至5月20日，已累计收购小麦2800万吨。")
    );
    assert!(!first.truncated);
    assert_eq!(r.articles[1].column.as_deref(), Some("评论员观察"));
    assert!(r.articles[1].authors.is_empty());
    assert_eq!(
        r.articles[2].captions,
        ["5月22日，江豚在长江武汉段水域嬉戏。", "肖艺九摄（新华社发）"]
    );
    assert_eq!(r.articles[3].authors, ["吴君", "李明"]);
    assert!(r.articles[3].paragraphs[1].contains("持续优化，新动能加快成长。"));
    assert_eq!(r.articles[4].subheads, ["一、加装电梯"]);
    let matched: Vec<(usize, Option<usize>)> =
        r.jumps.iter().map(|j| (j.out_line, j.in_line)).collect();
    assert_eq!(matched, [(15, Some(39)), (35, Some(55))]);
    assert!(!r.dropped.iter().any(|d| d.reason == "outside any article"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn wire_page() {
    let r = split("xinhua", &[]).report;
    assert_eq!(r.articles.len(), 5);
    assert!(r.articles.iter().all(|a| a.agency.as_deref() == Some("新华社")), "{:?}", titles(&r));
    assert_eq!(r.articles[0].authors, ["李国利", "黄一宸"]);
    let brief = &r.articles[2];
    assert_eq!(brief.title, "简讯");
    assert_eq!(brief.paragraphs.len(), 2);
    assert_eq!(r.articles[3].authors, ["王思北", "施雨岑"]);
    assert!(r.articles[3].paragraphs.contains(&"专家表示，下一步要做好三件事：".to_owned()));
    assert_eq!(r.articles[4].dateline.as_deref(), Some("据新华社北京5月23日电"));
    assert_eq!(r.articles[4].authors, ["周玮"]);
    assert!(r.joined.is_empty() && r.fragments.is_empty());
}

#[test]
fn city_daily() {
    let r = split("citydaily", &["城事"]).report;
    let first = &r.articles[0];
    assert_eq!(first.column.as_deref(), Some("民生"));
    assert_eq!(first.subtitle.as_deref(), Some("沿线居民出行将更便捷"));
    assert_eq!(first.authors, ["陈思", "林峰"]);
    assert_eq!(first.captions, ["6号线列车在车辆段进行调试。 记者 陈思 摄"]);
    assert_eq!(r.articles[1].authors, ["周婷", "吴雨"]);
    let sections: Vec<&str> = r.articles.iter().map(|a| a.section.as_deref().unwrap()).collect();
    assert_eq!(sections, ["城事", "城事", "体育"]);
    assert!(
        r.review.iter().any(|v| v.what.contains("`体育` from the page marker is not declared"))
    );
}

#[test]
fn clean_weekly_passes_untouched() {
    let text = fs::read_to_string(dir("weekly").join("source.md")).unwrap();
    let r = split("weekly", &[]).report;
    assert!(r.joined.is_empty() && r.fragments.is_empty() && r.warnings.is_empty());
    let printed: Vec<&str> = text.lines().map(str::trim).collect();
    for p in r.articles.iter().flat_map(|a| a.paragraphs.iter()) {
        assert!(printed.contains(&p.as_str()), "`{p}` is not byte-identical to a printed line");
    }
    assert_eq!(r.articles[0].subheads, ["读者的故事"]);
    assert_eq!(r.articles[1].byline.as_deref(), Some("本刊评论员"));
}

#[test]
fn english_daily() {
    let r = split("herald", &["News"]).report;
    assert_eq!(r.issue, "2025-10-02");
    assert_eq!(
        titles(&r),
        [
            "Council Approves Harbor Plan",
            "Storm Shuts Coastal Highway",
            "Bike lanes save lives",
            "Keep the library open late",
            "Markets Slip as Oil Rises"
        ]
    );
    let harbor = &r.articles[0];
    assert_eq!(harbor.kicker.as_deref(), Some("CITY HALL"));
    assert_eq!(harbor.subtitle.as_deref(), Some("$40 million project will rebuild two piers"));
    assert_eq!(harbor.authors, ["Sam Lee"]);
    assert_eq!(harbor.pull_quotes, ["\"We waited ten years for this.\""]);
    assert_eq!(harbor.captions, ["PHOTO BY MARIA GOMEZ: Crews inspect the north pier on Monday."]);
    assert!(harbor.paragraphs.last().unwrap().ends_with(
        "which officials say will open by 2027. Construction bids are due in November."
    ));
    assert_eq!(r.jumps[0].matched_by.as_deref(), Some("page and headline"));
    let storm = &r.articles[1];
    assert_eq!(
        (storm.authors.clone(), storm.agency.as_deref()),
        (vec!["Jane Doe".to_owned()], Some("Associated Press"))
    );
    assert_eq!(storm.dateline.as_deref(), Some("SANTA ROSA, Calif. (AP)"));
    assert_eq!(r.articles[2].column.as_deref(), Some("Letters to the Editor"));
    assert_eq!(r.articles[2].authors, ["Ana Park"]);
    assert_eq!(r.articles[3].authors, ["Tom Reed", "Lia Chen"]);
    assert!(r.articles.iter().all(|a| !a.truncated));
    assert_eq!(r.articles[2].section.as_deref(), Some("Opinion"));
    let markets = &r.articles[4];
    assert_eq!(
        (markets.authors.clone(), markets.agency.as_deref()),
        (vec!["Tom Hale".to_owned()], Some("Reuters"))
    );
}

#[test]
fn english_weekly() {
    let r = split("valley", &[]).report;
    assert_eq!(r.issue, "2025-10-02");
    assert_eq!(titles(&r), ["The Last Orchard on Mill Road", "Calendar: Harvest Fair Returns"]);
    let orchard = &r.articles[0];
    assert_eq!(orchard.authors, ["Ruth Alvarez"]);
    assert_eq!(orchard.subheads, ["A season of goodbyes"]);
    assert_eq!(orchard.pull_quotes.len(), 1);
    assert!(r.joined.is_empty() && r.fragments.is_empty() && r.warnings.is_empty());
}
