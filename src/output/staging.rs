//! Rendered pages held on disk, beside the output folder, until the whole build has succeeded.
//!
//! A page is compared with what the output folder already holds as soon as it is rendered:
//! unchanged pages are dropped at once, changed ones are written into a staging folder next to
//! the output folder (same filesystem, so moving them in is a rename). Memory stays bounded by
//! the pages in flight instead of the whole site, and a failed build leaves the output folder
//! untouched: dropping an uncommitted [`Staging`] deletes the staging folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::{StaticFiles, WriteStats, check_out_dir, checked_path, copy_static, remove_stale};
use crate::fs;

/// A build's changed pages, waiting beside the output folder.
#[derive(Debug)]
pub(crate) struct Staging {
    out_dir: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepares an empty staging folder for `out_dir` (after checking `out_dir` is safe to use).
    pub(crate) fn new(out_dir: &Path, static_dirs: &[PathBuf]) -> Result<Staging> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        check_out_dir(out_dir, static_dirs, home.as_deref())?;
        let dir = staging_dir(out_dir)?;
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        Ok(Staging { out_dir: out_dir.to_path_buf(), dir, committed: false })
    }

    /// Stages `bytes` for `path` unless the output folder already holds exactly them.
    /// Returns whether it staged. Safe to call from many threads at once.
    pub(crate) fn stage(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        crate::interrupt::check()?;
        let relative = checked_path(path)?;
        if fs::file_holds(&self.out_dir.join(&relative), bytes)? {
            return Ok(false);
        }
        fs::write(&self.dir.join(&relative), bytes)?;
        Ok(true)
    }

    /// Moves the staged pages into the output folder, copies static files (theme first, then
    /// site) and removes what `removal` says. `staged` lists what `stage` staged.
    pub(crate) fn commit(
        mut self,
        produced: &[String],
        staged: &[String],
        statics: &StaticFiles,
        removal: Removal<'_>,
    ) -> Result<WriteStats> {
        crate::interrupt::check()?;
        let pages = unique_paths(produced)?;
        let statics = statics.without(&pages);
        let fresh = fs::is_missing_or_empty_dir(&self.out_dir)?;
        if fresh {
            // Nothing to keep: the staging folder becomes the output folder in one rename.
            fs::rename(&self.dir, &self.out_dir)?;
        } else {
            staged
                .par_iter()
                .try_for_each(|path| fs::rename(&self.dir.join(path), &self.out_dir.join(path)))?;
        }
        let static_copied = copy_static(&self.out_dir, &statics)?;
        let removed = match removal {
            _ if fresh => 0,
            Removal::Sweep => remove_stale(&self.out_dir, &pages, &statics)?,
            Removal::Only(paths) => remove_listed(&self.out_dir, paths)?,
        };
        fs::remove_dir_all(&self.dir)?;
        self.committed = true;
        let written = staged.len();
        Ok(WriteStats { written, unchanged: produced.len() - written, removed, static_copied })
    }

    /// Moves the staged pages into the output folder and removes the files in `removed`
    /// (pages and generated files that no longer exist), without sweeping the rest: for
    /// incremental updates, which know exactly what changed.
    pub(crate) fn commit_changes(
        mut self,
        staged: &[String],
        removed: &[String],
    ) -> Result<WriteStats> {
        crate::interrupt::check()?;
        for path in staged {
            fs::rename(&self.dir.join(path), &self.out_dir.join(path))?;
        }
        let gone = remove_listed(&self.out_dir, removed)?;
        fs::remove_dir_all(&self.dir)?;
        self.committed = true;
        Ok(WriteStats { written: staged.len(), removed: gone, ..WriteStats::default() })
    }
}

/// Which files a commit removes besides those it replaces.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Removal<'a> {
    /// Every file of the output folder this build did not produce (a walk of the folder).
    Sweep,
    /// Just these (pages and generated files known to be gone), with the folders they empty.
    Only(&'a [String]),
}

fn remove_listed(out_dir: &Path, paths: &[String]) -> Result<usize> {
    let mut gone = 0;
    for path in paths {
        gone += usize::from(super::sync::remove(out_dir, path)?);
    }
    Ok(gone)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed
            && let Err(error) = fs::remove_dir_all(&self.dir)
        {
            log::warn!("{error:#}");
        }
    }
}

/// `<parent>/.<name>.staging` for an output folder `<parent>/<name>`.
fn staging_dir(out_dir: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(out_dir)?;
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        bail!("`{}` cannot be an output folder", out_dir.display());
    };
    Ok(parent.join(format!(".{}.staging", name.to_string_lossy())))
}

fn unique_paths(produced: &[String]) -> Result<BTreeSet<PathBuf>> {
    let mut paths = BTreeSet::new();
    for path in produced {
        if !paths.insert(checked_path(path)?) {
            bail!("two generated files share the output path `{path}`");
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn staged_pages_reach_the_output_only_on_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out, &[]).unwrap();
        assert!(staging.stage("a/index.html", b"A").unwrap());
        assert!(!out.join("a/index.html").exists());
        let stats = staging
            .commit(
                &names(&["a/index.html"]),
                &names(&["a/index.html"]),
                &StaticFiles::default(),
                Removal::Sweep,
            )
            .unwrap();
        assert_eq!(stats.written, 1);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
        assert!(!tmp.path().join(".public.staging").exists());
    }

    #[test]
    fn unchanged_pages_are_not_staged_and_stale_ones_go() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("same.html"), "S").unwrap();
        std::fs::write(out.join("old/index.html"), "O").unwrap();
        let staging = Staging::new(&out, &[]).unwrap();
        assert!(!staging.stage("same.html", b"S").unwrap());
        let stats = staging
            .commit(&names(&["same.html"]), &[], &StaticFiles::default(), Removal::Sweep)
            .unwrap();
        assert_eq!((stats.written, stats.unchanged, stats.removed), (0, 1, 1));
        assert!(!out.join("old").exists());
    }

    #[test]
    fn dropping_without_commit_leaves_the_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "good").unwrap();
        {
            let staging = Staging::new(&out, &[]).unwrap();
            staging.stage("index.html", b"half-built").unwrap();
        }
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"good");
        assert!(!tmp.path().join(".public.staging").exists());
    }

    #[test]
    fn bad_paths_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public"), &[]).unwrap();
        assert!(staging.stage("../escape.html", b"x").is_err());
    }
}
