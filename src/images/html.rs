//! The body rewrite: each `<img>` whose `src` names a made picture becomes a `<picture>` with
//! one `<source>` per modern format and the fallback `<img>` with `srcset`, `sizes`, `width`,
//! `height`, `decoding="async"`, and `loading="lazy"` except for the first picture (likely in
//! view when the page opens).
//!
//! Not for: making versions or reading files; an `<img>` not made here is left as it is.

use anyhow::{Context as _, Result};
use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, rewrite_str};

use super::version_url;
use crate::config::ImagesConfig;
use crate::content::load::Picture;
use crate::text::escape_html;

/// Rewrites the `<img>` elements of an article body that name one of `pictures`.
pub(crate) fn rewrite_body(
    html: &str,
    pictures: &[Picture],
    config: &ImagesConfig,
) -> Result<String> {
    if pictures.is_empty() || !html.contains("<img") {
        return Ok(html.to_owned());
    }
    let mut seen = 0usize;
    let handler = element!("img", |el: &mut Element<'_, '_>| {
        let Some(src) = el.get_attribute("src") else { return Ok(()) };
        let Some(picture) = pictures.iter().find(|p| p.src == src) else { return Ok(()) };
        let (sources, fallback) = markup(picture, config);
        el.before(&sources, ContentType::Html);
        for (name, value) in fallback {
            el.set_attribute(name, &value)?;
        }
        if !el.has_attribute("loading") {
            el.set_attribute("loading", if seen == 0 { "eager" } else { "lazy" })?;
        }
        el.after("</picture>", ContentType::Html);
        seen += 1;
        Ok(())
    });
    let settings = RewriteStrSettings::new().append_element_content_handler(handler);
    rewrite_str(html, settings).context("failed to rewrite the article's images")
}

/// The `<picture>` opening with its `<source>` elements, and the fallback `<img>` attributes.
fn markup(picture: &Picture, config: &ImagesConfig) -> (String, Vec<(&'static str, String)>) {
    let srcset = |format: &str| {
        let each =
            picture.widths.iter().map(|&w| format!("{} {w}w", version_url(picture.key, w, format)));
        each.collect::<Vec<_>>().join(", ")
    };
    let sizes = escape_html(&config.sizes);
    let (fallback, modern) = match config.formats.split_last() {
        Some((last, rest)) => (last.as_str(), rest),
        None => ("jpeg", &[][..]),
    };
    let mut sources = String::from("<picture>");
    for format in modern {
        sources.push_str(&format!(
            "<source type=\"image/{format}\" srcset=\"{}\" sizes=\"{sizes}\">",
            srcset(format)
        ));
    }
    let attributes = vec![
        ("src", version_url(picture.key, picture.width, fallback)),
        ("srcset", srcset(fallback)),
        ("sizes", config.sizes.clone()),
        ("width", picture.width.to_string()),
        ("height", picture.height.to_string()),
        ("decoding", "async".to_owned()),
    ];
    (sources, attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(src: &str) -> Picture {
        Picture {
            src: src.into(),
            alt: String::new(),
            key: 0xab,
            widths: vec![480, 960],
            width: 960,
            height: 600,
        }
    }

    #[test]
    fn images_become_pictures_and_only_the_first_loads_eagerly() {
        let config = ImagesConfig { widths: vec![480, 960], ..ImagesConfig::default() };
        let body =
            r#"<figure><img src="a.jpg" alt="A"></figure><img src="b.jpg"><img src="other.jpg">"#;
        let html = rewrite_body(body, &[picture("a.jpg"), picture("b.jpg")], &config).unwrap();
        let a = "<figure><picture><source type=\"image/webp\" srcset=\"/images/00000000000000ab-480.webp 480w, /images/00000000000000ab-960.webp 960w\" sizes=\"(min-width: 48rem) 44rem, 100vw\"><img src=\"/images/00000000000000ab-960.jpg\"";
        assert!(html.starts_with(a), "{html}");
        assert!(html.contains("width=\"960\" height=\"600\" decoding=\"async\" loading=\"eager\"></picture></figure>"), "{html}");
        assert!(html.contains("loading=\"lazy\"></picture>"), "{html}");
        assert!(
            html.ends_with("<img src=\"other.jpg\">"),
            "an image not made is left alone: {html}"
        );
    }
}
