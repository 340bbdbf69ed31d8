//! One writer per output folder: a process that may write an output folder first takes an
//! exclusive advisory lock on `<parent>/.<name>.lock` beside it (the staging folder's
//! neighbour), holding its PID and command, and keeps it while it may write.
//!
//! The lock is the OS's (`File::try_lock`, flock on Unix): it goes away when the process ends,
//! however it ends, so a lock file left behind never blocks anyone. A second process fails at
//! once, naming the lock file and its holder. Not here: deciding who needs the lock (the
//! session takes it in build mode, `check` writes nothing and takes none).

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::fs;

/// The held lock on one output folder; released when dropped or when the process ends.
#[derive(Debug)]
pub(crate) struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock of `out_dir`, or says who holds it and what to do. An output folder
    /// that is refused (see `check_out_dir`; `sources` are the site's source folders) gets
    /// no lock file beside it.
    pub(crate) fn take(out_dir: &Path, sources: &[PathBuf]) -> Result<OutputLock> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        super::check_out_dir(out_dir, sources, home.as_deref())?;
        let path = lock_path(out_dir)?;
        let Some(mut file) = fs::try_lock(&path)? else {
            return Err(held_error(&path, out_dir));
        };
        let holder = format!("{}\n{}\n", std::process::id(), command());
        fs::rewrite_open(&mut file, &path, holder.as_bytes())?;
        Ok(OutputLock { _file: file })
    }
}

/// `<parent>/.<name>.lock` for an output folder `<parent>/<name>`: beside the output, like
/// the staging folder, so it is never published nor swept, and one lock guards one folder
/// whichever site or `--output-dir` writes it.
fn lock_path(out_dir: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(out_dir)?;
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        bail!("`{}` cannot be an output folder", out_dir.display());
    };
    fs::create_dir_all(parent)?;
    Ok(parent.join(format!(".{}.lock", name.to_string_lossy())))
}

/// How this process was started, e.g. `broadsheet watch`, for the other process's message.
fn command() -> String {
    let subcommand = std::env::args_os().nth(1).map(|a| a.to_string_lossy().into_owned());
    format!("broadsheet {}", subcommand.unwrap_or_default()).trim_end().to_owned()
}

/// The error for a lock another process holds, naming it from what it wrote in the file.
fn held_error(path: &Path, out_dir: &Path) -> anyhow::Error {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines();
    let pid = lines.next().and_then(|line| line.trim().parse::<u32>().ok());
    let command = lines.next().map(str::trim).filter(|c| c.starts_with("broadsheet"));
    let command = command.unwrap_or("broadsheet");
    let who = match pid {
        Some(pid) => format!("`{command}` (pid {pid})"),
        None => format!("`{command}`"),
    };
    anyhow!(
        "`{}` is locked: another broadsheet process, {who}, is writing `{}`; stop the other {who} or wait for it",
        path.display(),
        out_dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_folder_names_the_holder_and_a_dropped_one_frees_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let held = OutputLock::take(&out, &[]).unwrap();
        let error = OutputLock::take(&out, &[]).unwrap_err().to_string();
        let lock = tmp.path().join(".public.lock");
        assert!(error.contains(&format!("`{}` is locked", lock.display())), "{error}");
        assert!(error.contains(&format!("(pid {})", std::process::id())), "{error}");
        assert!(error.contains("or wait for it"), "{error}");
        drop(held);
        assert!(lock.exists(), "the file stays; only the OS lock counted");
        OutputLock::take(&out, &[]).unwrap();
    }
}
