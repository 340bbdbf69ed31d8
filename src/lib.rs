//! broadsheet: a static site generator for the digital editions of newspapers.
//!
//! ```text
//! source issue ──split──▶ content/<date>/*.md ──load──▶ model::Site ──render──▶ pages ──output──▶ public/
//! ```
//!
//! * [`split`] turns one extracted issue into article files (its own subcommand).
//! * [`config`] reads `site.toml`; `load` walks `content/` and parses every file in parallel
//!   (front matter, Markdown).
//! * [`model`] assembles issues, sections and reporters (pure, no I/O).
//! * `render` plans every page, then renders them in parallel through Tera, post-processing
//!   each page with lol_html in the same pass; `feeds` writes Atom, sitemap and search index.
//! * `output` is the only writer to the output folder: it writes changed files only.
//! * [`site`] runs the stages and reports every bad file at once.

pub(crate) mod cache;
pub mod config;
pub(crate) mod feeds;
pub(crate) mod front_matter;
pub(crate) mod fs;
#[doc(hidden)]
pub mod fuzzing;
pub mod init;
pub mod interrupt;
pub(crate) mod kept;
pub mod load;
pub(crate) mod markdown;
pub mod model;
pub(crate) mod output;
pub(crate) mod postprocess;
pub mod render;
pub mod serve;
pub(crate) mod signature;
pub mod site;
pub mod split;
pub mod templates;
pub(crate) mod text;
pub mod timings;
pub mod watch;
