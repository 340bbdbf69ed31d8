//! Content files → loaded articles: front matter (the only user of serde_yaml), Markdown
//! (pulldown-cmark) and the parallel load of `content/`.
//!
//! Each file is read and parsed on its own, so a bad file is one [`Failure`] among many.
//! Assembling issues, sections and reporters across files is `model`'s job; deciding which
//! files need reading again is `incremental`'s.

pub(crate) mod front_matter;
pub(crate) mod load;
pub(crate) mod markdown;
pub(crate) mod theme;
