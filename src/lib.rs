//! broadsheet: a static site generator for the digital editions of newspapers.
//!
//! ```text
//! source issue ──split──▶ content/<date>/*.md ──load──▶ Site ──render──▶ pages ──postprocess──▶ output
//! ```
//!
//! * [`split`] turns one extracted issue into article files (its own subcommand).
//! * `config` reads `site.toml`; `load` walks `content/` and parses every file in parallel.
//! * `model` assembles issues, sections and authors (pure, no I/O).
//! * `render` plans every page, then renders them in parallel through Tera, post-processing
//!   each page with lol_html in the same pass.
//! * `output` is the only writer to the output folder: it writes changed files only.

pub(crate) mod fs;
pub(crate) mod output;
pub(crate) mod postprocess;
pub mod split;
