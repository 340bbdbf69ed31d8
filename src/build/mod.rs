//! One build, start to finish: config → load → model → plan → render → feeds → output, with a
//! [`Report`]. `session.rs` is a [`Session`]'s life, `steps.rs` the step list of one run,
//! `commit.rs` its last step, `pages.rs` rendering and staging each page.
//!
//! Per-file problems (bad front matter, clashing URLs, a page whose template fails) are
//! collected and reported together; if there is any, nothing is written, so the last good site
//! stays in place. Fatal problems (unreadable `site.toml`, missing theme, template syntax error)
//! return `Err` at once. [`Session`] keeps the loaded state so `watch` can rebuild from it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use crate::config::Config;
use crate::incremental::State;
use crate::incremental::unchanged::{self, Inputs};
use crate::output::OutputLock;
use crate::render::Templates;

mod commit;
mod images;
mod pages;
mod report;
mod session;
mod steps;
pub mod timings;

pub use pages::Page;
pub use report::{
    BrokenLink, BuildOptions, ImageCounts, Mode, RenderTimings, Report, StageTimings,
};

/// How much of the output folder a run brings up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Everything: static files too, and a sweep of files no longer produced.
    Whole,
    /// Only what the signatures say changed (watch updates).
    Changes,
}

/// Loads `site.toml` and applies the command line's overrides.
pub fn load_config(root: &Path, options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url)?;
    }
    if let Some(dir) = &options.output_dir {
        config.output_dir =
            if dir.is_absolute() { dir.clone() } else { std::env::current_dir()?.join(dir) };
    }
    Ok(config)
}

/// Every folder the output folder must neither be in nor hold: static, content, templates,
/// themes.
fn source_dirs(config: &Config) -> Vec<PathBuf> {
    vec![
        config.theme_dir.join("static"),
        config.static_dir.clone(),
        config.content_dir.clone(),
        config.templates_dir.clone(),
        config.root.join("themes"),
    ]
}

/// Builds the site at `root` once.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Report> {
    Ok(build_once(root, options)?.report)
}

/// What a one-shot build did, and the session it loaded (none when nothing had changed). A
/// caller about to exit may `std::mem::forget` the session rather than free it piece by piece.
pub struct Built {
    /// What the build did.
    pub report: Report,
    /// The loaded site, when the build had to load it.
    pub session: Option<Session>,
}

/// Builds the site at `root` once, as `broadsheet build` does. When the build cache shows that
/// no input file changed and the output folder holds every file as the last build wrote it,
/// nothing is loaded, rendered or written (see `incremental::unchanged`).
pub fn build_once(root: &Path, options: &BuildOptions) -> Result<Built> {
    let started = Instant::now();
    let config = load_config(root, options)?;
    let lock = session::take_lock(&config, options)?;
    let cached = options.mode == Mode::Build && options.cache;
    let scan = if cached { Inputs::scan(&config, options.drafts) } else { None };
    let scanned = started.elapsed();
    let (inputs, stamps) = scan.unzip();
    if let Some(counts) = inputs.and_then(|inputs| unchanged::check(&config, inputs)) {
        let report = report::unchanged(config.output_dir, counts, scanned, started.elapsed());
        return Ok(Built { report, session: None });
    }
    let mut session = Session::load(config, options, lock, &stamps.unwrap_or_default())?;
    session.inputs = inputs;
    session.timings.walk += scanned;
    let report = session.rebuild();
    Ok(Built { report, session: Some(session) })
}

/// A loaded site kept in memory between rebuilds (used by `build` once and by `watch` repeatedly).
pub struct Session {
    /// The resolved configuration.
    pub config: Config,
    /// How this session builds.
    pub options: BuildOptions,
    templates: Templates,
    timings: StageTimings,
    /// What the last build left: signatures, kept model, loaded files, cache segments.
    state: State,
    /// Whether saving the build cache waits for [`Session::save_pending`] (watch: saved when
    /// idle, not between an edit and its rebuilt page).
    defer_saves: bool,
    /// A write happened whose state is not saved yet.
    unsaved: bool,
    /// Held for the session's whole life in build mode: no other process writes the output
    /// folder meanwhile. Shared with the session a [`Session::restart`] makes.
    lock: Option<Arc<OutputLock>>,
    /// The fingerprint of the inputs taken before a one-shot build read them: set, the build
    /// records it after a successful write so that the next one can tell nothing changed.
    inputs: Option<Inputs>,
}
/// Logs at debug level how long since `start` a step took (`RUST_LOG=debug`).
fn log_time(start: std::time::Instant, what: &str) {
    log::debug!("{what} after {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
}
