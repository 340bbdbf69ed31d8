//! Splitting an issue with photographs: each image reference becomes one figure with the
//! caption and credit printed with it (after it, or before it), a photo story's pictures keep
//! their captions, the files are copied into the issue's `images/` folder, and a missing file
//! is a warning naming its line that loses no text.

use std::fs;
use std::path::PathBuf;

use broadsheet::split::{
    SplitConfig, SplitOptions, run, split_issue_with_images, unaccounted_lines,
};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split/photos")
}

fn split() -> broadsheet::split::SplitOutcome {
    let dir = fixture();
    let text = fs::read_to_string(dir.join("source.md")).unwrap();
    let present = |src: &str| dir.join(src).is_file();
    let outcome = split_issue_with_images(
        &text,
        "source.md",
        "2024-06-01",
        &SplitConfig::default(),
        &["要闻".to_owned()],
        &present,
    )
    .unwrap();
    assert!(unaccounted_lines(&text, &outcome.report).is_empty(), "{:?}", outcome.report.warnings);
    outcome
}

#[test]
fn photos_match_golden_files() {
    let outcome = split();
    super::split::check_golden(&fixture().join("expected"), &super::split::outcome_files(&outcome));
}

#[test]
fn each_image_is_one_figure_with_its_caption_and_credit() {
    let outcome = split();
    let first = &outcome.report.articles[0];
    let rows: Vec<(&str, Option<&str>, Option<&str>, bool)> = first
        .images
        .iter()
        .map(|i| (i.file.as_str(), i.caption.as_deref(), i.credit.as_deref(), i.missing))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "images/p1_1.jpg",
                Some("6月1日,一艘集装箱货轮停靠在新港区码头。"),
                Some("本报记者 王伟 摄"),
                false
            ),
            ("images/p1_2.jpg", Some("码头夜景。"), None, false),
            ("images/p1_9.jpg", Some("新港区规划效果图。"), None, true),
        ]
    );
    let body = &outcome.files[0].contents;
    assert!(
        body.contains("<figure class=\"photo\">\n<img src=\"images/p1_1.jpg\" alt=\"6月1日,一艘集装箱货轮停靠在新港区码头。\">\n<figcaption>6月1日,一艘集装箱货轮停靠在新港区码头。 <span class=\"credit\">本报记者 王伟 摄</span></figcaption>\n</figure>"),
        "{body}"
    );
    assert!(
        body.contains("alt=\"新港区码头的夜景\""),
        "the alt written in the source wins: {body}"
    );
    assert_eq!(first.paragraphs.len(), 3, "{:?}", first.paragraphs);
}

#[test]
fn a_photo_story_keeps_every_picture_with_its_caption() {
    let outcome = split();
    let story = &outcome.report.articles[1];
    assert_eq!(story.title, "初夏海滨");
    let rows: Vec<(&str, Option<&str>, Option<&str>)> = story
        .images
        .iter()
        .map(|i| (i.file.as_str(), i.caption.as_deref(), i.credit.as_deref()))
        .collect();
    let group = (Some("游客在栈桥上拍照留念。"), Some("李华 摄"));
    assert_eq!(
        rows,
        [
            ("images/p2_1.jpg", Some("6月1日,市民在第一海水浴场游玩。"), None),
            ("images/p2_2.png", group.0, group.1),
            ("images/p2_3.jpg", group.0, group.1),
        ]
    );
    let body = &outcome.files[1].contents;
    assert_eq!(
        body.matches("<figure").count(),
        2,
        "two pictures under one caption are one figure: {body}"
    );
}

#[test]
fn run_copies_the_images_and_warns_of_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("content/2024-06-01");
    let opts = SplitOptions {
        source: fixture().join("source.md"),
        date: Some("2024-06-01".into()),
        out: Some(out.clone()),
        report: Some(dir.path().join("report.json")),
        ..SplitOptions::default()
    };
    let summary = run(dir.path(), &SplitConfig::default(), &[], &opts).unwrap();
    assert!(summary.contains("copied 5 images"), "{summary}");
    assert!(summary.contains("line 23: image `images/p1_9.jpg` not found"), "{summary}");
    let mut copied: Vec<String> = fs::read_dir(out.join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    copied.sort();
    assert_eq!(copied, ["p1_1.jpg", "p1_2.jpg", "p2_1.jpg", "p2_2.png", "p2_3.jpg"]);
    assert_eq!(
        fs::read(out.join("images/p1_1.jpg")).unwrap(),
        fs::read(fixture().join("images/p1_1.jpg")).unwrap()
    );
    let article =
        fs::read_to_string(out.join("01-xin-gang-qu-ji-zhuang-xiang-ma-tou-tou-ru-yun-ying.md"));
    let article = article.unwrap();
    assert!(
        article.contains("<!-- missing image: images/p1_9.jpg (source line 23) -->"),
        "{article}"
    );
    assert!(
        article.contains("新港区规划效果图。"),
        "the caption of a missing image stays: {article}"
    );
    let report = fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(report.contains("\"missing\": true"), "{report}");
    // Splitting again finds the copies unchanged: nothing to refuse.
    let again = SplitOptions { force: true, ..opts };
    run(dir.path(), &SplitConfig::default(), &[], &again).unwrap();
}
