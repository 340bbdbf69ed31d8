//! broadsheet: a static site generator for the digital editions of newspapers.
//!
//! ```text
//! source issue ──split──▶ content/<date>/*.md ──load──▶ model::Site ──render──▶ pages ──output──▶ public/
//! ```
//!
//! Modules in layer order (each imports only from the ones above it; the table is held by
//! `tests/it/architecture.rs` and described in `docs/architecture.md`):
//! * `fs` (the only `std::fs` user), `text` and `hash`: the basics;
//! * [`config`] reads `site.toml`; [`split`] turns one extracted issue into article files;
//! * `content` reads every file of `content/` in parallel (front matter, Markdown);
//! * [`model`] assembles issues, sections and reporters, and owns the URL rules (pure, no I/O);
//! * [`render`] plans every page and renders it through Tera, returning HTML (reads no files);
//! * `postprocess` rewrites a page's HTML with lol_html; `feeds` makes Atom, sitemap and search;
//! * `output` is the only writer to the output folder: it writes changed files only;
//! * `incremental` keeps what a rebuild needs from the last build (signatures, model, cache);
//! * [`build`] runs the steps and reports every bad file at once; [`watch`] rebuilds on
//!   changes; [`serve`] previews.

pub mod build;
pub mod config;
pub(crate) mod content;
pub(crate) mod feeds;
pub(crate) mod fs;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod hash;
pub(crate) mod images;
pub(crate) mod incremental;
pub mod init;
pub mod interrupt;
pub mod model;
pub(crate) mod output;
pub(crate) mod postprocess;
pub mod render;
pub(crate) mod search;
#[doc(hidden)]
pub use search::tokens::terms_of_fields;
pub mod serve;
pub mod split;
pub(crate) mod text;
pub mod watch;
