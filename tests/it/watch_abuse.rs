//! `watch` under abuse (issue #11): `content/` deleted while watching, the site folder
//! renamed, 1,000 writes in a burst, files replaced by folders and back. Watch keeps running,
//! or stops with a clear message when its site is gone, and the output is always either the
//! last good site or a clean build's. Waits are deadline-based polls (30 s at most each).

use std::path::Path;

use crate::support::read_tree;
use crate::watch::{Watcher, article_text, assert_equals_clean_build, fixture_copy, read, settle};

const ARTICLE: &str = "content/2024-05-23/02-bank-rates.md";

fn copy_dir(from: &Path, to: &Path) {
    crate::support::copy_tree(from, to, &[]);
}

#[test]
fn deleting_content_keeps_the_last_good_site_and_watching_goes_on() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let mut watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    let good = read_tree(&out);
    let saved = dir.path().join("saved-content");
    copy_dir(&site.join("content"), &saved);

    std::fs::remove_dir_all(site.join("content")).unwrap();
    let lines = watcher.wait_for_line("content` is gone: the last good site stays in place");
    assert!(lines.iter().all(|l| !l.contains("WARN")), "{lines:#?}");
    assert!(read_tree(&out) == good, "the output changed while content/ was gone");
    assert!(watcher.is_running());

    // It comes back with one article fewer: the output is a clean build of what is there.
    std::fs::remove_file(saved.join("2024-05-23/02-bank-rates.md")).unwrap();
    copy_dir(&saved, &site.join("content"));
    settle(&site, &out, "content/ restored", || {
        !read(&out, "index.html").is_empty() && !out.join("2024/05/23/bank-holds-rates").exists()
    });
    assert!(watcher.is_running());
}

#[test]
fn renaming_the_site_folder_stops_watch_with_a_message_and_writes_nothing() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let mut watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    let good = read_tree(&out);
    let moved = dir.path().join("moved");
    std::fs::rename(&site, &moved).unwrap();
    // An edit in the moved folder: its events still name the old paths.
    let text = std::fs::read_to_string(moved.join(ARTICLE)).unwrap();
    std::fs::write(moved.join(ARTICLE), text.replace("title:", "title: Moved")).unwrap();
    let lines = watcher.wait_for_line("was moved or deleted");
    let line = lines.last().unwrap();
    assert!(line.contains(&format!("the site folder `{}`", site.display())), "{line}");
    assert!(line.contains("start `broadsheet watch` again where the site now is"), "{line}");
    assert_eq!(watcher.wait_for_exit(), Some(1));
    assert!(read_tree(&out) == good, "the output changed");
    assert!(!site.exists(), "something was written at the old place");
}

#[test]
fn a_burst_of_a_thousand_writes_ends_in_a_clean_build() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let mut watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    let files: Vec<String> =
        (0..10).map(|i| format!("content/2024-05-25/{i:02}-burst.md")).collect();
    std::fs::create_dir_all(site.join("content/2024-05-25")).unwrap();
    for write in 0..1000 {
        let file = &files[write % files.len()];
        let body = format!("Burst write {write}.");
        let text =
            article_text(&format!("Burst {}", write % 10), "City", "Li Wei", write % 10, &body);
        std::fs::write(site.join(file), text).unwrap();
    }
    settle(&site, &out, "after the burst", || {
        read(&out, "2024/05/25/burst-9/index.html").contains("Burst write 999.")
    });
    assert!(watcher.is_running());
}

#[test]
fn files_replaced_by_folders_and_back_are_followed() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    std::fs::create_dir_all(site.join("static/fonts")).unwrap();
    std::fs::write(site.join("static/fonts/a.woff"), "font").unwrap();
    std::fs::write(site.join("static/extra.css"), "css").unwrap();
    let mut watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");

    // An article replaced by a folder of that name holding an article.
    let text = std::fs::read_to_string(site.join(ARTICLE)).unwrap();
    std::fs::remove_file(site.join(ARTICLE)).unwrap();
    std::fs::create_dir(site.join(ARTICLE)).unwrap();
    let inner = text.replace("title: ", "date: 2024-05-23\ntitle: Inner ");
    std::fs::write(site.join(ARTICLE).join("inner.md"), inner).unwrap();
    settle(&site, &out, "article → folder", || {
        read(&out, "2024/05/23/index.html").contains("Inner ")
    });

    // A static file replaced by a folder, and a static folder replaced by a file.
    std::fs::remove_file(site.join("static/extra.css")).unwrap();
    std::fs::create_dir(site.join("static/extra.css")).unwrap();
    std::fs::write(site.join("static/extra.css/inside.txt"), "inside").unwrap();
    std::fs::remove_dir_all(site.join("static/fonts")).unwrap();
    std::fs::write(site.join("static/fonts"), "now a file").unwrap();
    settle(&site, &out, "static swaps", || {
        read(&out, "extra.css/inside.txt") == "inside" && read(&out, "fonts") == "now a file"
    });

    // And the folder back to a file.
    std::fs::remove_dir_all(site.join(ARTICLE)).unwrap();
    std::fs::write(site.join(ARTICLE), &text).unwrap();
    settle(&site, &out, "folder → article", || {
        !read(&out, "2024/05/23/index.html").contains("Inner ")
    });
    assert!(watcher.is_running());
    assert_equals_clean_build(&site, &out, "the end");
}

#[test]
fn an_output_folder_moved_away_is_written_again_whole() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    std::fs::rename(&out, dir.path().join("out-moved")).unwrap();
    let text = std::fs::read_to_string(site.join(ARTICLE)).unwrap();
    std::fs::write(site.join(ARTICLE), format!("{text}\nOne more line.\n")).unwrap();
    settle(&site, &out, "output moved", || {
        read(&out, "2024/05/23/bank-holds-rates/index.html").contains("One more line.")
    });
}
