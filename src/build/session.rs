//! A [`Session`]'s life: start (config, templates, content, the last build's state), the
//! reloads `watch` asks for, and saving the build cache.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use super::{
    BuildOptions, Mode, Report, Scope, Session, StageTimings, load_config, log_time, source_dirs,
};
use crate::config::Config;
use crate::content::load;
use crate::incremental::State;
use crate::incremental::unchanged::ContentStamps;
use crate::output::{self, OutputLock, WriteStats};
use crate::render::Templates;

impl Session {
    /// Reads the config, templates and every content file.
    /// In build mode it first takes the output folder's lock, failing at once if another
    /// process holds it.
    pub fn start(root: &Path, options: &BuildOptions) -> Result<Session> {
        let config = load_config(root, options)?;
        let lock = take_lock(&config, options)?;
        Session::load(config, options, lock, &ContentStamps::new())
    }

    /// Loads templates and content for `config`, holding `lock`; `stamps` are the content
    /// files' stamps if a scan just took them.
    pub(super) fn load(
        config: Config,
        options: &BuildOptions,
        lock: Option<Arc<OutputLock>>,
        stamps: &ContentStamps,
    ) -> Result<Session> {
        let started = Instant::now();
        let templates = Templates::load(&config)?;
        let mut timings = StageTimings { templates: started.elapsed(), ..StageTimings::default() };
        let started = Instant::now();
        let paths = load::list_content(&config)?;
        timings.walk = started.elapsed();
        let started = Instant::now();
        let state = State::load(&config, &paths, options.cache, stamps);
        timings.load = started.elapsed();
        Ok(Session {
            config,
            options: options.clone(),
            templates,
            timings,
            state,
            defer_saves: false,
            unsaved: false,
            lock,
            inputs: None,
        })
    }

    /// Reads the config, templates and content again (after a `site.toml` or theme change),
    /// keeping the signatures of what is on disk so the next [`Session::update`] writes only
    /// what differs. On error the session is left as it was.
    pub fn restart(&mut self) -> Result<()> {
        self.save_pending();
        // The output folder comes from the command line, not `site.toml`: the lock held still
        // guards it (taking it again would fail, as a second open file of this process).
        let config = load_config(&self.config.root, &self.options)?;
        let mut fresh =
            Session::load(config, &self.options, self.lock.clone(), &ContentStamps::new())?;
        fresh.defer_saves = self.defer_saves;
        fresh.inputs = self.inputs;
        fresh.state.signatures = std::mem::take(&mut self.state.signatures);
        *self = fresh;
        Ok(())
    }

    /// Re-reads the given content files or folders (changed, created or deleted), given
    /// relative to the site root or under it.
    pub fn reload_files(&mut self, paths: &[PathBuf]) {
        for path in paths {
            let relative = path.strip_prefix(&self.config.root).unwrap_or(path).to_path_buf();
            if crate::images::is_content_image(&self.config, &relative) {
                // Not a content file: the next run's image step sees its new stamp.
                continue;
            }
            let full = self.config.root.join(&relative);
            // A path that is no file or folder now and held none of ours before (an editor's
            // temporary file, such as `sed -i`'s) changes nothing: not recording it keeps the
            // model's in-place update possible.
            if full.exists() || self.holds(&relative) {
                self.state.changed.push(relative.clone());
            }
            if full.is_file() {
                let entry = load::load_entry(&self.config, &relative, None);
                self.state.files.insert(relative, entry);
            } else {
                self.state.files.retain(|known, _| !known.starts_with(&relative));
                if full.is_dir() {
                    let inside = load::list_content(&self.config).unwrap_or_default();
                    let inside: Vec<PathBuf> =
                        inside.into_iter().filter(|p| p.starts_with(&relative)).collect();
                    self.reload_files(&inside);
                }
            }
        }
    }

    /// Whether `path` (under the root, or relative to it) is a content file this session
    /// loaded, or a folder holding one.
    pub fn holds(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(&self.config.root).unwrap_or(path);
        let first = self.state.files.range(relative.to_path_buf()..).next();
        first.is_some_and(|(known, _)| known.starts_with(relative))
    }

    /// Reloads the templates (after a template change).
    pub fn reload_templates(&mut self) -> Result<()> {
        self.templates = Templates::load(&self.config)?;
        if let Some(model) = &mut self.state.model {
            model.pages = None; // which pages exist and what they depend on may have changed
        }
        Ok(())
    }

    /// Renders from the in-memory state and, in build mode, brings the whole output folder up
    /// to date: pages whose signature changed (every page the first time), static files, and
    /// a sweep of files no longer produced.
    pub fn rebuild(&mut self) -> Report {
        self.run(Scope::Whole)
    }

    /// Rebuilds from memory after [`Session::reload_files`] or [`Session::reload_templates`]:
    /// renders only the pages whose signature changed, regenerates feeds, sitemap and search
    /// index, and removes the files of pages that are gone. On any failure nothing is written
    /// and the next update starts again from the last good state.
    pub fn update(&mut self) -> Report {
        self.run(Scope::Changes)
    }

    /// From now on, saves of the build cache wait for [`Session::save_pending`]; until then
    /// the cache on disk is marked unusable before each write, so no build trusts it.
    pub fn defer_saves(&mut self) {
        self.defer_saves = true;
    }

    /// Saves the build cache if a write since the last save left it unsaved.
    pub fn save_pending(&mut self) {
        if std::mem::take(&mut self.unsaved) {
            self.save_state();
        }
    }

    pub(super) fn save_state(&mut self) {
        let stage = Instant::now();
        self.state.save(&self.config, self.options.cache);
        log_time(stage, "saved the build cache");
    }

    /// Copies (or removes) static files given relative to a static folder.
    pub fn sync_static(&self, relative: &[PathBuf]) -> Result<WriteStats> {
        let mut stats = WriteStats::default();
        for path in relative {
            output::sync_static(&self.config.output_dir, &self.static_dirs(), path, &mut stats)?;
        }
        Ok(stats)
    }

    /// The site's and theme's static folders, theme first.
    pub fn static_folders(&self) -> Vec<PathBuf> {
        self.static_dirs()
    }

    pub(super) fn static_dirs(&self) -> Vec<PathBuf> {
        vec![self.config.theme_dir.join("static"), self.config.static_dir.clone()]
    }
}

/// In build mode, the output folder's lock, taken at once or failing if another process holds
/// it; none in check mode.
pub(super) fn take_lock(
    config: &Config,
    options: &BuildOptions,
) -> Result<Option<Arc<OutputLock>>> {
    match options.mode {
        Mode::Build => {
            Ok(Some(Arc::new(OutputLock::take(&config.output_dir, &source_dirs(config))?)))
        }
        Mode::Check => Ok(None),
    }
}
