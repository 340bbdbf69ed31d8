//! Single-file changes to the output folder: copying or removing one static file (watch) and
//! removing one file with the folders it leaves empty.
//!
//! Pages are written through [`super::Staging`]; this module handles single static files for
//! watch and the removal of single files, and never walks the output folder.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::WriteStats;
use crate::fs;

/// Writes `bytes` to `path` (through a temporary file and a rename, so a reader never sees
/// half a page) unless the file already holds them. True if it wrote.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::file_holds(path, bytes)? {
        return Ok(false);
    }
    fs::write_atomic(path, bytes)?;
    Ok(true)
}

/// Removes `relative` (a file under `out_dir`) and the folders it leaves empty, up to `out_dir`.
pub(crate) fn remove(out_dir: &Path, relative: &str) -> Result<bool> {
    let path = out_dir.join(relative);
    if !fs::remove_file_if_exists(&path)? {
        return Ok(false);
    }
    let mut dir = path.parent();
    while let Some(current) = dir.filter(|d| d.starts_with(out_dir) && *d != out_dir) {
        if !fs::remove_dir_if_empty(current).unwrap_or(false) {
            break;
        }
        dir = current.parent();
    }
    Ok(true)
}

/// Copies one static file, given by its path relative to the static folders: from the last
/// folder of `static_dirs` that has it (site over theme), or removes it from the output when
/// none has it any more.
pub(crate) fn sync_static(
    out_dir: &Path,
    static_dirs: &[PathBuf],
    relative: &Path,
    stats: &mut WriteStats,
) -> Result<()> {
    let source = static_dirs
        .iter()
        .rev()
        .find(|dir| dir.join(relative).is_file() && super::publishable(dir, relative))
        .map(|dir| dir.join(relative));
    let target = relative.to_string_lossy().replace('\\', "/");
    match source {
        Some(source) => {
            let bytes = fs::read(&source)?;
            if write_if_changed(&out_dir.join(&target), &bytes)? {
                stats.static_copied += 1;
            }
        }
        // Gone; or now a folder, whose files are copied after it (the old file makes way).
        None if !static_dirs.iter().any(|dir| dir.join(relative).is_dir())
            || out_dir.join(&target).is_file() =>
        {
            stats.removed += usize::from(remove(out_dir, &target)?);
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes_and_removes_emptied_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert!(write_if_changed(&out.join("a/b/index.html"), b"x").unwrap());
        assert!(!write_if_changed(&out.join("a/b/index.html"), b"x").unwrap());
        assert!(remove(out, "a/b/index.html").unwrap());
        assert!(!out.join("a").exists() && out.exists());
        assert!(!remove(out, "a/b/index.html").unwrap());
    }

    #[test]
    fn static_files_prefer_the_site_over_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        let (theme, site, out) = (dir.path().join("t"), dir.path().join("s"), dir.path().join("o"));
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(theme.join("a.css"), "theme").unwrap();
        std::fs::write(site.join("a.css"), "site").unwrap();
        let dirs = [theme.clone(), site.clone()];
        let mut stats = WriteStats::default();
        sync_static(&out, &dirs, Path::new("a.css"), &mut stats).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.css")).unwrap(), "site");
        std::fs::remove_file(site.join("a.css")).unwrap();
        sync_static(&out, &dirs, Path::new("a.css"), &mut stats).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.css")).unwrap(), "theme");
        std::fs::remove_file(theme.join("a.css")).unwrap();
        sync_static(&out, &dirs, Path::new("a.css"), &mut stats).unwrap();
        assert!(!out.join("a.css").exists());
    }
}
