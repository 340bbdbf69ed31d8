//! Pass: `h2`..`h6` headings in the article body get unique ids and a `#` anchor link.
//!
//! A heading's id comes from its text, which lol_html only gives after the start tag is
//! written; so [`plan_anchors`] first reads the page once (read-only) for the heading texts
//! and the ids already taken, and [`handler`] then sets the planned ids in the rewriting pass.
//!
//! What this pass is not: a table-of-contents builder, and it leaves headings outside
//! `.article-body` (and `h1`) alone.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};

use anyhow::{Context as _, Result};
use lol_html::html_content::{ContentType, Element};
use lol_html::{HandlerResult, RewriteStrSettings, element, rewrite_str, text};

use super::Handler;
use super::entities::decode_entities;

/// The headings that get ids and anchors: `h2`..`h6` inside the Markdown wrapper.
const HEADINGS: &str = ".article-body h2, .article-body h3, .article-body h4, \
                        .article-body h5, .article-body h6";

/// The pass's handler for the rewriting pass; `anchors` comes from [`plan_anchors`].
pub(super) fn handler<'h>(anchors: &'h RefCell<VecDeque<Anchor>>) -> Handler<'h> {
    element!(HEADINGS, move |el| add_anchor(el, anchors))
}

/// One heading's anchor, decided before the rewriting pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Anchor {
    /// The id the anchor links to.
    id: String,
    /// Whether the heading lacks this id and must get it.
    set_id: bool,
}

/// What the first pass sees of one heading.
#[derive(Debug, Default)]
struct HeadingText {
    id: Option<String>,
    text: String,
}

/// First pass: reads every matching heading's text and every id in the page, and decides the
/// anchors in document order.
pub(super) fn plan_anchors(html: &str) -> Result<VecDeque<Anchor>> {
    if !may_have_body_headings(html.as_bytes()) {
        return Ok(VecDeque::new()); // cheap exit: no heading can match
    }
    let headings = RefCell::new(Vec::<HeadingText>::new());
    let taken = RefCell::new(HashSet::<String>::new());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", |el| {
            taken.borrow_mut().extend(el.get_attribute("id"));
            Ok(())
        }))
        .append_element_content_handler(element!(HEADINGS, |el| {
            let id = el.get_attribute("id").filter(|id| !id.trim().is_empty());
            headings.borrow_mut().push(HeadingText { id, text: String::new() });
            Ok(())
        }))
        .append_element_content_handler(text!(HEADINGS, |chunk| {
            if let Some(heading) = headings.borrow_mut().last_mut() {
                heading.text.push_str(chunk.as_str());
            }
            Ok(())
        }));
    rewrite_str(html, settings).context("failed to read headings")?;
    Ok(assign_ids(headings.into_inner(), taken.into_inner()))
}

/// Whether an `h2`..`h6` tag follows the first `article-body`; most articles have none, and
/// then the reading pass is skipped.
pub(super) fn may_have_body_headings(html: &[u8]) -> bool {
    // memchr's SIMD search: this runs on every page (std's `str::find` was a third of the
    // post-processing time at 10,000 articles), and on bytes, which a page is until it needs
    // rewriting.
    let Some(start) = memchr::memmem::find(html, b"article-body") else { return false };
    let rest = &html[start..];
    [b"<h2", b"<h3", b"<h4", b"<h5", b"<h6"]
        .iter()
        .any(|tag| memchr::memmem::find(rest, *tag).is_some())
}

/// Gives every heading without an id a unique one (`-2`, `-3` for repeats; `section-N` for
/// an empty text, N counting headings from 1), never reusing an id the page already has.
fn assign_ids(headings: Vec<HeadingText>, mut taken: HashSet<String>) -> VecDeque<Anchor> {
    let mut anchors = VecDeque::with_capacity(headings.len());
    for (n, heading) in headings.into_iter().enumerate() {
        if let Some(id) = heading.id {
            anchors.push_back(Anchor { id, set_id: false });
            continue;
        }
        let mut base = heading_id(&decode_entities(&heading.text));
        if base.is_empty() {
            base = format!("section-{}", n + 1);
        }
        let id = unique_id(&base, &taken);
        taken.insert(id.clone());
        anchors.push_back(Anchor { id, set_id: true });
    }
    anchors
}

/// `base`, or `base-2`, `base-3`, … whichever is free first.
fn unique_id(base: &str, taken: &HashSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Heading text → id: letters and digits of any script kept (lowercased), every run of other
/// characters becomes one `-`, no `-` at either end. `实施“七大行动”` → `实施-七大行动`.
fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !id.is_empty() {
                id.push('-');
            }
            gap = false;
            id.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    id
}

/// Second pass: sets the planned id on a heading and appends its `#` anchor link.
fn add_anchor(el: &mut Element<'_, '_>, anchors: &RefCell<VecDeque<Anchor>>) -> HandlerResult {
    let anchor = anchors.borrow_mut().pop_front().ok_or("headings changed between passes")?;
    if anchor.set_id {
        el.set_attribute("id", &anchor.id)?;
    }
    let href = anchor.id.replace('"', "&quot;");
    let link = format!(r##"<a class="anchor" href="#{href}" aria-hidden="true">#</a>"##);
    el.append(&link, ContentType::Html);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postprocess::test_support::{ANCHORS, ROOT, html};

    fn body(inner: &str) -> String {
        format!(r#"<h2>Outside</h2><div class="article-body">{inner}</div>"#)
    }

    #[test]
    fn cjk_heading_gets_an_id_and_anchor() {
        assert_eq!(
            html(&body("<h2>实施“七大行动”</h2>"), &ANCHORS),
            body(
                r##"<h2 id="实施-七大行动">实施“七大行动”<a class="anchor" href="#实施-七大行动" aria-hidden="true">#</a></h2>"##
            )
        );
    }

    #[test]
    fn duplicate_and_empty_headings_get_unique_ids() {
        let out = html(&body("<h3>Vote</h3><h3>vote!</h3><h4>  </h4><h3>VOTE</h3>"), &ANCHORS);
        for id in [r#"id="vote""#, r#"id="vote-2""#, r#"id="section-3""#, r#"id="vote-3""#] {
            assert!(out.contains(id), "{id} in {out}");
        }
    }

    #[test]
    fn heading_text_includes_nested_elements_and_entities() {
        let out = html(&body("<h2>Budget <em>&amp;</em> Tax</h2>"), &ANCHORS);
        assert!(out.contains(r#"<h2 id="budget-tax">"#), "{out}");
    }

    #[test]
    fn existing_ids_are_kept_and_never_reused() {
        let out = html(&body(r#"<p id="intro"></p><h2 id="mine">A</h2><h2>Intro</h2>"#), &ANCHORS);
        assert!(out.contains(r##"<h2 id="mine">A<a class="anchor" href="#mine""##), "{out}");
        assert!(out.contains(r#"<h2 id="intro-2">"#), "{out}");
    }

    #[test]
    fn headings_outside_the_body_or_when_off_are_untouched() {
        let page = body("<h1>Title</h1><p>x</p>");
        assert_eq!(html(&page, &ANCHORS), page);
        let page = body("<h2>A</h2>");
        assert_eq!(html(&page, &ROOT), page);
    }

    #[test]
    fn heading_id_rules() {
        assert_eq!(heading_id("Hello, World!"), "hello-world");
        assert_eq!(heading_id("  --Été 2024--  "), "été-2024");
        assert_eq!(heading_id("实施“七大行动”"), "实施-七大行动");
        assert_eq!(heading_id("…"), "");
    }
}
