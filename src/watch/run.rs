//! The watch loop: notify events → a batch (closed after a short quiet window) → [`plan`] →
//! the matching [`Session`] calls → one [`Outcome`].
//!
//! Batching is a hand drain loop rather than `notify-debouncer-mini`: the debouncer reports on
//! a fixed tick (its timeout), which alone would cost more than our latency goal; draining
//! until [`QUIET`] passes without an event costs ~10 ms and still folds an editor's
//! write-temp/rename/delete dance into one batch. A rename's paths are all reported, so a
//! rename-save reads as a change of the target and a delete of the source.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::plan::{Change, Layout, Rebuild, classify_all, plan_classified};
use crate::build::{BuildOptions, Report, Session};

/// A batch closes once no event arrived for this long.
const QUIET: Duration = Duration::from_millis(10);
/// ... or once it is this old, so a long stream of events still gets built.
const LONGEST_BATCH: Duration = Duration::from_millis(500);
/// How often the loop looks at its stop flag while idle.
const IDLE_POLL: Duration = Duration::from_millis(100);

/// What one batch of changes led to.
#[derive(Debug)]
pub enum Outcome {
    /// The output is up to date. `line` is the one-line summary to print.
    Rebuilt {
        /// E.g. `rebuilt 5 pages after 1 article changed (content/…/03-x.md) in 12 ms`.
        line: String,
        /// The rebuild's report.
        report: Box<Report>,
    },
    /// The changes could not be built; the last good output stays.
    Failed {
        /// What changed, for the message.
        line: String,
        /// One message per problem, `file:line: what`.
        errors: Vec<String>,
    },
}

/// A loaded site being watched.
pub struct Watch {
    session: Session,
    layout: Layout,
    events: Receiver<notify::Result<Event>>,
    watcher: RecommendedWatcher,
}

impl Watch {
    /// Loads the site and starts watching it. Errors here are critical (no `site.toml`,
    /// unreadable root, watcher setup): the caller should exit.
    pub fn start(root: &Path, options: &BuildOptions) -> Result<Watch> {
        let canonical = root
            .canonicalize()
            .with_context(|| format!("cannot read the site folder `{}`", root.display()))?;
        let mut session = Session::start(&canonical, options)?;
        session.defer_saves();
        let layout = Layout::new(&canonical, &session.config);
        let (sender, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })
        .context("cannot start watching files")?;
        watch_paths(&mut watcher, &layout)?;
        Ok(Watch { session, layout, events, watcher })
    }

    /// Where the site is written.
    pub fn output_dir(&self) -> &Path {
        &self.session.config.output_dir
    }

    /// The path of the site's `base_url` (`/` or `/news/`).
    pub fn base_path(&self) -> &str {
        &self.session.config.base_path
    }

    /// The first build: a normal whole build, as `broadsheet build` does (static files, a
    /// sweep of files no longer produced, the build cache read and saved when it is on).
    pub fn build(&mut self) -> Outcome {
        let started = Instant::now();
        let report = self.session.rebuild();
        let line = "initial build".to_owned();
        finish(line, report, Ok(Default::default()), started)
    }

    /// Waits for changes and rebuilds, calling `on_outcome` after each batch, until `stop`
    /// is set. Build errors never end the loop; the site folder disappearing (moved or
    /// deleted) does, with an error saying so, before anything is written for it.
    pub fn run(&mut self, stop: &AtomicBool, mut on_outcome: impl FnMut(Outcome)) -> Result<()> {
        while !stop.load(Ordering::SeqCst) {
            self.check_site_folder()?;
            let mut batch = self.next_batch();
            self.check_site_folder()?;
            self.adopt_new_folders(&mut batch);
            self.add_files_of_new_static_folders(&mut batch);
            if batch.is_empty() {
                // Idle: the build cache is saved now, off the path from an edit to its page.
                self.session.save_pending();
                continue;
            }
            let started = Instant::now();
            if let Some(outcome) = self.apply(&batch, started) {
                on_outcome(outcome);
            }
        }
        self.session.save_pending();
        Ok(())
    }

    /// Fails once the site folder is no longer where watch started (renamed, moved, deleted):
    /// the events of a moved folder still name the old paths, and building them would read an
    /// empty site, or write the output again at the old place.
    fn check_site_folder(&self) -> Result<()> {
        if self.layout.root.is_dir() && self.layout.config_file.is_file() {
            return Ok(());
        }
        let gone = if self.layout.root.is_dir() {
            format!("`{}` was removed", self.layout.config_file.display())
        } else {
            format!("the site folder `{}` was moved or deleted", self.layout.root.display())
        };
        anyhow::bail!(
            "{gone}: watching stops, and the output keeps the last good site; start `broadsheet \
             watch` again where the site now is"
        )
    }

    /// The outcome while `content/` is missing (deleted, or moved away): the articles are
    /// forgotten (so that a `content/` coming back is read afresh) but nothing is built, as
    /// `broadsheet build` refuses a site without `content/`.
    fn content_missing(&mut self, line: String) -> Outcome {
        self.session.reload_files(&[PathBuf::from("content")]);
        let error = format!(
            "`{}` is gone: the last good site stays in place; restore or recreate `content/` \
             and watching carries on",
            self.layout.content.display()
        );
        Outcome::Failed { line, errors: vec![error] }
    }

    /// Starts watching `templates/` or `static/` when the batch created it, and counts the
    /// files already inside as changed (they may have arrived before the watch did).
    fn adopt_new_folders(&mut self, batch: &mut Vec<PathBuf>) {
        let folders = [&self.layout.templates, &self.layout.static_dir, &self.layout.content];
        let created: Vec<PathBuf> = folders
            .into_iter()
            .filter(|folder| batch.contains(folder) && folder.is_dir())
            .cloned()
            .collect();
        for folder in created {
            if let Err(error) = self.watcher.watch(&folder, RecursiveMode::Recursive) {
                log::warn!("cannot watch `{}`: {error}", folder.display());
            }
            let files = walkdir::WalkDir::new(&folder).into_iter().filter_map(Result::ok);
            batch.extend(files.filter(|e| e.file_type().is_file()).map(|e| e.into_path()));
        }
    }

    /// Adds the files inside static folders named by the batch: a file written right after
    /// its folder was made (a file replaced by a folder, an unpacked archive) may come before
    /// notify watches the new folder, and its own event is then never sent.
    fn add_files_of_new_static_folders(&self, batch: &mut Vec<PathBuf>) {
        let folders: Vec<PathBuf> = batch
            .iter()
            .filter(|path| self.layout.static_relative(path).is_some() && path.is_dir())
            .cloned()
            .collect();
        for folder in folders {
            let files = walkdir::WalkDir::new(&folder).into_iter().filter_map(Result::ok);
            batch.extend(files.filter(|e| e.file_type().is_file()).map(|e| e.into_path()));
        }
    }

    /// The paths of one batch of events; empty after an idle poll.
    fn next_batch(&self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        match self.events.recv_timeout(IDLE_POLL) {
            Ok(event) => add_paths(&mut paths, event),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return paths,
        }
        let opened = Instant::now();
        while opened.elapsed() < LONGEST_BATCH {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => add_paths(&mut paths, event),
                Err(_) => break,
            }
        }
        paths
    }

    /// Applies one batch; `None` when it asked for nothing.
    fn apply(&mut self, batch: &[PathBuf], started: Instant) -> Option<Outcome> {
        // Before anything is filtered out: once the files of a deleted `content/` are
        // forgotten, its own deletion would otherwise look like no change at all.
        let content = &self.layout.content;
        if !content.is_dir() && batch.iter().any(|path| path.starts_with(content)) {
            return Some(self.content_missing("`content/` was removed".to_owned()));
        }
        let batch = &self.without_passing_files(classify_all(&self.layout, batch));
        let rebuild = plan_classified(batch);
        let line = describe(&self.layout, batch, &rebuild)?;
        let mut statics = self.relative_of(batch, Change::Static);
        // What is gone goes first: a folder replaced by a file of its name (or the reverse)
        // must leave the output before the new one is copied there.
        let dirs = self.layout.static_dirs();
        statics.sort_by_key(|path| dirs.iter().any(|dir| dir.join(path).is_file()));
        let copied = self.session.sync_static(&statics);
        if matches!(rebuild, Rebuild::Static(_)) {
            let report =
                Report { output_dir: self.output_dir().to_path_buf(), ..Report::default() };
            return Some(finish(line, report, copied, started));
        }
        let reloaded = match rebuild {
            Rebuild::Full => self.session.restart().map(|()| self.copy_all_static()),
            Rebuild::Templates => self.session.reload_templates().map(|()| Ok(Default::default())),
            _ => Ok(Ok(Default::default())),
        };
        let extra_copied = match reloaded {
            Ok(copied) => copied,
            Err(error) => {
                return Some(Outcome::Failed { line, errors: vec![format!("{error:#}")] });
            }
        };
        self.session.reload_files(&self.relative_of(batch, Change::Article));
        // An output folder deleted or moved away since the last build gets the whole site
        // again, not just the pages this batch changed.
        let report =
            if self.output_dir().is_dir() { self.session.update() } else { self.session.rebuild() };
        Some(finish(line, report, copied.and(extra_copied), started))
    }

    /// The batch without content paths that are gone and were never loaded: an editor's
    /// temporary file (`sed -i` writes one and renames it over the article) is no change.
    fn without_passing_files(&self, batch: Vec<(PathBuf, Change)>) -> Vec<(PathBuf, Change)> {
        let passing = |(path, kind): &(PathBuf, Change)| {
            *kind == Change::Article && !path.exists() && !self.session.holds(path)
        };
        batch.into_iter().filter(|entry| !passing(entry)).collect()
    }

    /// The batch's paths of one kind, relative to the site root (static files: to their
    /// static folder).
    fn relative_of(&self, batch: &[(PathBuf, Change)], kind: Change) -> Vec<PathBuf> {
        let of_kind = batch.iter().filter(|(_, k)| *k == kind).map(|(path, _)| path);
        let relative = |path: &PathBuf| match kind {
            Change::Static => self.layout.static_relative(path),
            _ => path.strip_prefix(&self.layout.root).ok().map(Path::to_path_buf),
        };
        let mut paths: Vec<PathBuf> = of_kind.filter_map(relative).collect();
        paths.sort();
        paths.dedup();
        paths
    }

    fn copy_all_static(&self) -> Result<crate::output::WriteStats> {
        let mut files = Vec::new();
        for dir in self.layout.static_dirs() {
            for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
                if entry.file_type().is_file() {
                    files.extend(entry.path().strip_prefix(&dir).ok().map(Path::to_path_buf));
                }
            }
        }
        self.session.sync_static(&files)
    }
}

fn watch_paths(watcher: &mut RecommendedWatcher, layout: &Layout) -> Result<()> {
    watcher
        .watch(&layout.root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch `{}`", layout.root.display()))?;
    let folders = [&layout.content, &layout.templates, &layout.static_dir, &layout.theme];
    for folder in folders.into_iter().filter(|f| f.is_dir()) {
        watcher
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch `{}`", folder.display()))?;
    }
    Ok(())
}

/// Keeps the paths of events that may change a file; reads (our own, while building) are not.
fn add_paths(paths: &mut Vec<PathBuf>, event: notify::Result<Event>) {
    let Ok(event) = event else { return };
    let relevant = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    if relevant {
        paths.extend(event.paths);
    }
}

/// `1 article changed (content/x.md)`; `None` when the batch asks for nothing.
fn describe(layout: &Layout, batch: &[(PathBuf, Change)], rebuild: &Rebuild) -> Option<String> {
    let what = match rebuild {
        Rebuild::Nothing => return None,
        Rebuild::Static(paths) => count(paths.len(), "static file"),
        Rebuild::Articles(paths) => count(paths.len(), "article"),
        Rebuild::Templates => "templates".to_owned(),
        Rebuild::Full => "site settings or theme".to_owned(),
    };
    let mut names: Vec<String> = batch
        .iter()
        .filter(|(_, kind)| *kind != Change::Ignore)
        .map(|(path, _)| path.strip_prefix(&layout.root).unwrap_or(path).display().to_string())
        .collect();
    names.sort();
    names.dedup();
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let more =
        if names.len() > 3 { format!(" and {} more", names.len() - 3) } else { String::new() };
    Some(format!("{what} changed ({shown}{more})"))
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Turns a finished rebuild into an outcome.
fn finish(
    what: String,
    mut report: Report,
    copied: Result<crate::output::WriteStats>,
    started: Instant,
) -> Outcome {
    let mut errors: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    match copied {
        Ok(stats) => report.written.static_copied += stats.static_copied,
        Err(error) => errors.push(format!("{error:#}")),
    }
    if !errors.is_empty() {
        return Outcome::Failed { line: what, errors };
    }
    let line = format!(
        "rebuilt {} after {what} in {} ms",
        count(report.pages, "page"),
        started.elapsed().as_millis()
    );
    Outcome::Rebuilt { line, report: Box::new(report) }
}
