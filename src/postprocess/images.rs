//! Pass: every `<img>` gets the loading hints `loading="lazy"` and `decoding="async"`, unless
//! the page already sets them.
//!
//! What this pass is not: an image optimiser; it never reads, resizes or checks an image.

use lol_html::html_content::Element;
use lol_html::{HandlerResult, element};

use super::Handler;

/// The pass's handler, on `<img>`.
pub(super) fn handler<'h>() -> Handler<'h> {
    element!("img", add_image_hints)
}

/// Adds `loading="lazy"` and `decoding="async"` to an `<img>` unless already set.
fn add_image_hints(el: &mut Element<'_, '_>) -> HandlerResult {
    for (attr, value) in [("loading", "lazy"), ("decoding", "async")] {
        if !el.has_attribute(attr) {
            el.set_attribute(attr, value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::postprocess::test_support::{ROOT, html};

    #[test]
    fn images_get_loading_hints_unless_set() {
        assert_eq!(html("<img src=x>", &ROOT), r#"<img src=x loading="lazy" decoding="async">"#);
        let eager = r#"<img src=x loading="eager" decoding="sync">"#;
        assert_eq!(html(eager, &ROOT), eager);
    }
}
