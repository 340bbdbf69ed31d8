//! Article images in a build: each becomes a `<picture>` with WebP and JPEG versions in the
//! configured widths, `srcset`, `sizes`, `width` and `height`, lazy loading after the first,
//! the EXIF orientation applied and metadata stripped; the versions are cached by content
//! hash (a no-op build encodes nothing), a replaced image updates its pages, and a missing one
//! fails the build naming the article and line.

use std::fs;
use std::path::{Path, PathBuf};

use broadsheet::build::{BuildOptions, Session};

use crate::support::{TempSite, repo_root};

/// Generated test pictures (`scripts/gen_images.py`; a red box marks the upright top-left):
/// `harbour.jpg` is 1600×1000, `expo.jpg` 1200×900, `tower.jpg` 1000×1500 stored as 1500×1000 with EXIF Orientation 6.
fn sample_image(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/images").join(name)
}

const ARTICLE: &str = "content/2024-06-01/01-photos.md";

/// The `basic` fixture site with one article showing two pictures, made 320 and 640 wide.
fn site_with_photos() -> TempSite {
    let site = TempSite::new("basic");
    let toml = fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n[images]\nwidths = [320, 640]\nquality = 70\n"));
    site.write(
        "content/2024-06-01/images/harbour.jpg",
        fs::read(sample_image("harbour.jpg")).unwrap(),
    );
    site.write("content/2024-06-01/images/tower.jpg", fs::read(sample_image("tower.jpg")).unwrap());
    site.write(
        ARTICLE,
        "---\ntitle: 港口新貌\nsection: 要闻\n---\n\n第一段。\n\n<figure class=\"photo\">\n<img src=\"images/harbour.jpg\" alt=\"港口\">\n<figcaption>港口。</figcaption>\n</figure>\n\n![塔吊](images/tower.jpg)\n",
    );
    site
}

fn options(out: &Path) -> BuildOptions {
    BuildOptions { output_dir: Some(out.to_path_buf()), cache: true, ..BuildOptions::default() }
}

fn page(out: &Path) -> String {
    let dir = out.join("2024/06/01");
    let article = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir());
    fs::read_to_string(article.unwrap().join("index.html")).unwrap()
}

/// The `<img …>` tags of a page, in order.
fn img_tags(html: &str) -> Vec<String> {
    html.split("<img ").skip(1).map(|rest| rest.split('>').next().unwrap().to_owned()).collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3);
    let start = start.or_else(|| tag.starts_with(&format!("{name}=\"")).then_some(name.len() + 2));
    let rest = &tag[start.unwrap_or_else(|| panic!("no {name} in {tag}"))..];
    &rest[..rest.find('"').unwrap()]
}

#[test]
fn images_become_responsive_pictures() {
    let site = site_with_photos();
    let out = site.path("out");
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!((report.images.encoded, report.images.reused), (2, 0));
    let html = page(&out);
    let imgs = img_tags(&html);
    assert_eq!(imgs.len(), 2, "{html}");
    let harbour = &imgs[0];
    let key = attr(harbour, "src").trim_start_matches("/images/").split('-').next().unwrap();
    assert_eq!(attr(harbour, "src"), format!("/images/{key}-640.jpg"));
    assert_eq!(
        attr(harbour, "srcset"),
        format!("/images/{key}-320.jpg 320w, /images/{key}-640.jpg 640w")
    );
    assert_eq!(attr(harbour, "sizes"), "(min-width: 48rem) 44rem, 100vw");
    assert_eq!((attr(harbour, "width"), attr(harbour, "height")), ("640", "400"));
    assert_eq!((attr(harbour, "loading"), attr(harbour, "decoding")), ("eager", "async"));
    assert_eq!(attr(&imgs[1], "loading"), "lazy", "pictures below the first load lazily");
    let webp = format!(
        "<source type=\"image/webp\" srcset=\"/images/{key}-320.webp 320w, /images/{key}-640.webp 640w\" sizes=\"(min-width: 48rem) 44rem, 100vw\">"
    );
    assert!(html.contains(&format!("<picture>{webp}<img ")), "{html}");
    for (name, magic) in [("320.webp", &b"RIFF"[..]), ("640.jpg", &[0xFF, 0xD8][..])] {
        let bytes = fs::read(out.join(format!("images/{key}-{name}"))).unwrap();
        assert!(bytes.starts_with(magic), "{name}");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} carries no metadata");
    }
}

#[test]
fn the_exif_orientation_is_applied() {
    let site = site_with_photos();
    let out = site.path("out");
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let tower = &img_tags(&page(&out))[1];
    assert_eq!((attr(tower, "width"), attr(tower, "height")), ("640", "960"), "upright: portrait");
    let small = attr(tower, "srcset").split(' ').next().unwrap().trim_start_matches('/').to_owned();
    let image = image::open(out.join(small)).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (320, 480));
    let [r, g, b] = image.get_pixel(4, 4).0;
    assert!(r > 180 && g < 90 && b < 90, "the red mark is top-left once upright: {:?}", (r, g, b));
}

#[test]
fn a_no_op_build_encodes_nothing_and_writes_nothing() {
    let site = site_with_photos();
    let out = site.path("out");
    Session::start(site.root(), &options(&out)).unwrap().rebuild();
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!((report.images.encoded, report.images.reused), (0, 2));
    assert_eq!(report.written.written, 0, "{:?}", report.written);
    // A touched but unchanged file is read again, found by its hash, and not re-encoded.
    let bytes = fs::read(site.path("content/2024-06-01/images/harbour.jpg")).unwrap();
    site.write("content/2024-06-01/images/harbour.jpg", bytes);
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    assert_eq!((report.images.encoded, report.images.reused), (0, 2));
}

#[test]
fn a_replaced_image_updates_its_pages_in_watch() {
    let site = site_with_photos();
    let out = site.path("out");
    let mut session = Session::start(site.root(), &options(&out)).unwrap();
    session.defer_saves();
    assert!(session.rebuild().failures.is_empty());
    let before = attr(&img_tags(&page(&out))[0], "src").to_owned();
    let image = site.path("content/2024-06-01/images/harbour.jpg");
    fs::write(&image, fs::read(sample_image("expo.jpg")).unwrap()).unwrap();
    session.reload_files(&[image]);
    let report = session.update();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.images.encoded, 1, "only the replaced image is made again");
    let harbour = img_tags(&page(&out))[0].clone();
    assert_ne!(attr(&harbour, "src"), before);
    assert_eq!((attr(&harbour, "width"), attr(&harbour, "height")), ("640", "480"));
    assert!(out.join(attr(&harbour, "src").trim_start_matches('/')).is_file());
}

#[test]
fn a_missing_or_unreadable_image_fails_naming_the_article_and_line() {
    let site = site_with_photos();
    fs::remove_file(site.path("content/2024-06-01/images/tower.jpg")).unwrap();
    site.write("content/2024-06-01/images/harbour.jpg", "not a picture");
    let out = site.path("out");
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    let messages: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!(
            "{ARTICLE}:9: image `images/harbour.jpg`: cannot be read as an image"
        )),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with(&format!("{ARTICLE}:13: image `images/tower.jpg`: not found")),
        "{messages:?}"
    );
    assert!(!out.exists(), "a failed build writes nothing");
}

#[test]
fn a_page_bundle_is_an_article_with_its_images_beside_it() {
    let site = site_with_photos();
    fs::remove_file(site.path(ARTICLE)).unwrap();
    site.write(
        "content/2024-06-01/01-bundle/harbour.jpg",
        fs::read(sample_image("harbour.jpg")).unwrap(),
    );
    site.write(
        "content/2024-06-01/01-bundle/index.md",
        "---\ntitle: 港口新貌\nsection: 要闻\n---\n\n![港口](harbour.jpg)\n",
    );
    let out = site.path("out");
    let report = Session::start(site.root(), &options(&out)).unwrap().rebuild();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let html = page(&out);
    assert_eq!(attr(&img_tags(&html)[0], "width"), "640", "{html}");
}
