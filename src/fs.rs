//! `std::fs` look-alikes whose errors always name the path, plus the helpers every stage
//! needs: comparing a file with bytes and a sorted directory walk.
//!
//! This is the only module that calls `std::fs`. It knows nothing about sites, pages or the
//! output folder: it never decides *what* to write or delete, only does it and says where it
//! failed. Paths in error messages are shown exactly as the caller passed them, so callers that
//! want site-relative messages pass site-relative paths (or add their own context).

use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context as _, Result};

/// When a file was last modified and how long it is: if both match, its parse is reused.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub(crate) struct Stamp {
    secs: u64,
    nanos: u32,
    len: u64,
}

impl Stamp {
    /// When the file was last modified, since the Unix epoch.
    pub(crate) fn modified(&self) -> std::time::Duration {
        std::time::Duration::new(self.secs, self.nanos)
    }
}

/// The stamp of the file at `path`, if it can be read.
pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(Stamp { secs: modified.as_secs(), nanos: modified.subsec_nanos(), len: meta.len() })
}

/// Reads a whole UTF-8 file; the error names the path.
pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))
}

/// Reads a whole file as bytes; the error names the path.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))
}

/// Writes `bytes` to `path`, creating missing parent directories first.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    create_parent_dirs(path)?;
    std::fs::write(path, bytes).with_context(|| format!("failed to write `{}`", path.display()))
}

/// Creates `path` and all its missing parents.
pub(crate) fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("failed to create directory `{}`", path.display()))
}

/// Copies `from` to `to` unless `to` already holds the same bytes (size, then contents).
///
/// Creates missing parent directories of `to`. Returns whether it copied.
pub(crate) fn copy_if_changed(from: &Path, to: &Path) -> Result<bool> {
    if same_contents(from, to)? {
        return Ok(false);
    }
    create_parent_dirs(to)?;
    std::fs::copy(from, to)
        .with_context(|| format!("failed to copy `{}` to `{}`", from.display(), to.display()))?;
    Ok(true)
}

/// Moves `from` to `to` (same filesystem), creating the parents of `to`; falls back to
/// copy-and-remove when the two are on different filesystems.
pub(crate) fn rename(from: &Path, to: &Path) -> Result<()> {
    create_parent_dirs(to)?;
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .with_context(|| format!("failed to move `{}` to `{}`", from.display(), to.display()))?;
    remove_file(from)
}

/// Whether `path` does not exist or is an empty directory.
pub(crate) fn is_missing_or_empty_dir(path: &Path) -> Result<bool> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(error) => Err(error).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// Removes a directory and everything in it; a missing directory is fine.
pub(crate) fn remove_dir_all(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove `{}`", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes one file (or symlink); the error names the path.
pub(crate) fn remove_file(path: &Path) -> Result<()> {
    std::fs::remove_file(path).with_context(|| format!("failed to remove `{}`", path.display()))
}

/// Removes one file (or symlink) if it is there. Returns whether it removed one.
pub(crate) fn remove_file_if_exists(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error).with_context(|| format!("failed to remove `{}`", path.display())),
    }
}

/// The target a symlink at `path` points to; the error names the path.
pub(crate) fn read_link(path: &Path) -> Result<PathBuf> {
    std::fs::read_link(path)
        .with_context(|| format!("failed to read the link `{}`", path.display()))
}

/// The names of the folders directly inside `dir`, sorted; empty when `dir` cannot be read.
pub(crate) fn subfolders(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Removes the directory `path` if it is empty. Returns whether it removed it.
pub(crate) fn remove_dir_if_empty(path: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(path)
        .with_context(|| format!("failed to read directory `{}`", path.display()))?;
    if entries.next().is_some() {
        return Ok(false);
    }
    std::fs::remove_dir(path)
        .with_context(|| format!("failed to remove directory `{}`", path.display()))?;
    Ok(true)
}

/// Every file under `dir`, as paths **relative to `dir`**, sorted component by component.
///
/// Symlinks are not followed: a symlink is listed like a file. Join with `dir` to open one.
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(walk(dir, |_| true)?.files)
}

/// Every file under `dir` (hidden ones too; symlinks not followed) with its stamp, sorted by
/// path relative to `dir`; a missing `dir` has none. Walks without reading any file, to tell
/// cheaply whether anything under `dir` changed.
pub(crate) fn stamp_tree(dir: &Path) -> Result<Vec<(PathBuf, Stamp)>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut stamps = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to walk `{}`", dir.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        // A symlink's target is what a build reads; a dangling one is stamped itself.
        let meta =
            std::fs::metadata(entry.path()).or_else(|_| std::fs::symlink_metadata(entry.path()));
        let meta = meta.with_context(|| format!("cannot stat `{}`", entry.path().display()))?;
        let modified = meta.modified().ok().and_then(|m| m.duration_since(UNIX_EPOCH).ok());
        let modified = modified.unwrap_or_default();
        let stamp =
            Stamp { secs: modified.as_secs(), nanos: modified.subsec_nanos(), len: meta.len() };
        stamps.push((relative_to(entry.path(), dir).to_path_buf(), stamp));
    }
    Ok(stamps)
}

/// What [`walk`] found: files and directories, relative to the walked directory, sorted.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Listing {
    /// Files (and symlinks), relative to the walked directory.
    pub files: Vec<PathBuf>,
    /// Directories below the walked directory (not the directory itself).
    pub dirs: Vec<PathBuf>,
}

/// Walks `dir` without following symlinks, skipping (and not descending into) every entry for
/// which `keep(relative_path)` is false. Both lists are sorted, so a parent directory comes
/// before its children.
pub(crate) fn walk(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Listing> {
    let mut listing = Listing::default();
    let walker = walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| keep(relative_to(e.path(), dir))) {
        let entry = entry.with_context(|| format!("failed to walk `{}`", dir.display()))?;
        let relative = relative_to(entry.path(), dir).to_path_buf();
        if entry.file_type().is_dir() {
            listing.dirs.push(relative);
        } else {
            listing.files.push(relative);
        }
    }
    listing.files.sort();
    listing.dirs.sort();
    Ok(listing)
}

/// `path` without the `dir` prefix; walkdir only yields paths under `dir`.
fn relative_to<'a>(path: &'a Path, dir: &Path) -> &'a Path {
    path.strip_prefix(dir).unwrap_or(path)
}

/// Creates the parent directories of `path`, if it has any.
fn create_parent_dirs(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => create_dir_all(parent),
        _ => Ok(()),
    }
}

/// Whether the file at `path` exists and holds exactly `bytes`.
pub(crate) fn file_holds(path: &Path, bytes: &[u8]) -> Result<bool> {
    match file_len(path)? {
        Some(len) if len == bytes.len() as u64 => Ok(read(path)? == bytes),
        _ => Ok(false),
    }
}

/// Whether `to` exists and holds the same bytes as `from`.
fn same_contents(from: &Path, to: &Path) -> Result<bool> {
    let Some(to_len) = file_len(to)? else { return Ok(false) };
    let from_len = file_len(from)?
        .with_context(|| format!("failed to read `{}`: not a file", from.display()))?;
    Ok(from_len == to_len && read(from)? == read(to)?)
}

/// The size of the regular file at `path`, or `None` if nothing (or no regular file) is there.
fn file_len(path: &Path) -> Result<Option<u64>> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
        Ok(_) => Ok(None),
        Err(err) if is_absent(&err) => Ok(None),
        Err(err) => Err(err).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// Whether a metadata error just means "nothing is there" (a parent may even be a file).
fn is_absent(err: &io::Error) -> bool {
    matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so a reader
/// never sees half a file. Creates missing parent directories.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("failed to move `{}` into place", path.display()))
}

/// Opens (creating it if missing, never truncating) the file at `path` and takes an exclusive
/// advisory lock on it without waiting: `Ok(None)` when another open file holds the lock. The
/// lock lasts while the returned file is open; the OS drops it when the process ends, however
/// it ends, so a file left behind never counts as locked.
pub(crate) fn try_lock(path: &Path) -> Result<Option<std::fs::File>> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("failed to open the lock file `{}`", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(err)) => {
            Err(err).with_context(|| format!("failed to lock `{}`", path.display()))
        }
    }
}

/// Replaces the whole contents of the open `file` (at `path`, for the message) with `bytes`.
pub(crate) fn rewrite_open(file: &mut std::fs::File, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::{Seek as _, Write as _};
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(bytes))
        .and_then(|()| file.flush())
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// Whether something (file, directory or symlink) exists at `path`.
pub(crate) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn read_error_names_the_path_as_given() {
        let err = read_to_string(Path::new("content/missing.md")).unwrap_err();
        assert_eq!(err.to_string(), "failed to read `content/missing.md`");
        let err = read(Path::new("content/missing.md")).unwrap_err();
        assert_eq!(err.to_string(), "failed to read `content/missing.md`");
    }

    #[test]
    fn write_creates_parent_dirs() {
        let dir = tmp();
        let path = dir.path().join("a/b/c.txt");
        write(&path, b"hi").unwrap();
        assert_eq!(read_to_string(&path).unwrap(), "hi");
    }

    #[test]
    fn copy_if_changed_copies_once() {
        let dir = tmp();
        let from = dir.path().join("src.css");
        let to = dir.path().join("out/css/site.css");
        write(&from, b"body{}").unwrap();
        assert!(copy_if_changed(&from, &to).unwrap());
        assert!(!copy_if_changed(&from, &to).unwrap());
        write(&from, b"body{x}").unwrap();
        assert!(copy_if_changed(&from, &to).unwrap());
        assert_eq!(read(&to).unwrap(), b"body{x}");
    }

    #[test]
    fn copy_if_changed_missing_source_names_it() {
        let dir = tmp();
        let to = dir.path().join("to");
        let err = copy_if_changed(Path::new("static/gone.png"), &to).unwrap_err();
        assert!(err.to_string().contains("`static/gone.png`"), "{err}");
    }

    #[test]
    fn remove_file_names_the_path() {
        let err = remove_file(Path::new("public/nope.html")).unwrap_err();
        assert_eq!(err.to_string(), "failed to remove `public/nope.html`");
    }

    #[test]
    fn remove_dir_if_empty_keeps_full_dirs() {
        let dir = tmp();
        write(&dir.path().join("full/f"), b"").unwrap();
        create_dir_all(&dir.path().join("empty")).unwrap();
        assert!(!remove_dir_if_empty(&dir.path().join("full")).unwrap());
        assert!(remove_dir_if_empty(&dir.path().join("empty")).unwrap());
        assert!(!dir.path().join("empty").exists());
    }

    #[test]
    fn walk_files_is_sorted_and_relative() {
        let dir = tmp();
        for name in ["b.txt", "a/z.txt", "a/b/c.txt", "a.txt"] {
            write(&dir.path().join(name), b"").unwrap();
        }
        let files = walk_files(dir.path()).unwrap();
        let expected: Vec<PathBuf> =
            ["a/b/c.txt", "a/z.txt", "a.txt", "b.txt"].iter().map(PathBuf::from).collect();
        assert_eq!(files, expected);
    }

    #[test]
    fn walk_prunes_what_keep_rejects() {
        let dir = tmp();
        for name in [".git/HEAD", "x/.keep", "index.html"] {
            write(&dir.path().join(name), b"").unwrap();
        }
        let listing = walk(dir.path(), |p| !p.starts_with(".git")).unwrap();
        let files: Vec<PathBuf> = ["index.html", "x/.keep"].iter().map(PathBuf::from).collect();
        assert_eq!(listing.files, files);
        assert_eq!(listing.dirs, vec![PathBuf::from("x")]);
    }

    #[test]
    fn walk_missing_dir_names_it() {
        let err = walk_files(Path::new("no/such/static")).unwrap_err();
        assert_eq!(err.to_string(), "failed to walk `no/such/static`");
    }
}
