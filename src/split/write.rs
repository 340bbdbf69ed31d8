//! The I/O edge of `split`: read the source, check every precondition, then write the
//! content files (each atomically) and the JSON report.
//!
//! For: [`run`] and its options. Not for: any splitting decision (see `split_issue`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{SplitConfig, SplitOutcome, split_issue};

/// What the CLI passes for `broadsheet split SOURCE --date YYYY-MM-DD [--out DIR]
/// [--report FILE] [--force] [--dry-run]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitOptions {
    /// The source issue, as given on the command line.
    pub source: PathBuf,
    /// Issue date, `YYYY-MM-DD`.
    pub date: String,
    /// Output folder; default `<root>/content/<date>/`.
    pub out: Option<PathBuf>,
    /// Where to write the JSON report, if anywhere.
    pub report: Option<PathBuf>,
    /// Overwrite existing content files.
    pub force: bool,
    /// Write nothing; say what would be written.
    pub dry_run: bool,
}

/// Splits `opts.source` and writes the articles; returns the summary the CLI prints.
///
/// Every check (date, source readable, UTF-8, not empty, articles found, no file would be
/// overwritten without `--force`) happens before anything is written.
pub fn run(
    root: &Path,
    config: &SplitConfig,
    sections: &[String],
    opts: &SplitOptions,
) -> Result<String> {
    check_date(&opts.date)?;
    let text = read_source(&opts.source)?;
    let name = opts
        .source
        .file_name()
        .map_or_else(|| opts.source.display().to_string(), |n| n.to_string_lossy().into_owned());
    let outcome = split_issue(&text, &name, &opts.date, config, sections)
        .with_context(|| format!("failed to split `{}`", opts.source.display()))?;
    let out = opts.out.clone().unwrap_or_else(|| root.join("content").join(&opts.date));
    if !opts.force {
        refuse_overwrite(&out, &outcome)?;
    }
    let mut summary = outcome.report.summary();
    if opts.dry_run {
        summary.push_str(&format!(
            "dry run: would write {} files to `{}`\n",
            outcome.files.len(),
            out.display()
        ));
        for f in &outcome.files {
            summary.push_str(&format!("  {}\n", out.join(&f.file_name).display()));
        }
        return Ok(summary);
    }
    write_outcome(&out, &outcome, opts.report.as_deref())?;
    summary.push_str(&format!("wrote {} files to `{}`\n", outcome.files.len(), out.display()));
    Ok(summary)
}

/// Checks that `date` is a real `YYYY-MM-DD` date.
pub(crate) fn check_date(date: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|_| ())
        .with_context(|| format!("invalid issue date `{date}`: expected YYYY-MM-DD"))
}

fn read_source(path: &Path) -> Result<String> {
    let bytes = fs::read(path)
        .with_context(|| format!("failed to read source issue `{}`", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let line = err.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            bail!(
                "source issue `{}` is not UTF-8: invalid byte at offset {offset} (line {line})",
                path.display()
            )
        }
    }
}

fn refuse_overwrite(out: &Path, outcome: &SplitOutcome) -> Result<()> {
    for f in &outcome.files {
        let path = out.join(&f.file_name);
        if path.exists() {
            bail!("`{}` already exists; use --force to overwrite", path.display());
        }
    }
    Ok(())
}

fn write_outcome(out: &Path, outcome: &SplitOutcome, report: Option<&Path>) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("failed to create `{}`", out.display()))?;
    for f in &outcome.files {
        write_atomic(&out.join(&f.file_name), f.contents.as_bytes())?;
    }
    if let Some(path) = report {
        let mut json = serde_json::to_string_pretty(&outcome.report)
            .context("failed to serialize the split report")?;
        json.push('\n');
        write_atomic(path, json.as_bytes())?;
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    fs::write(&tmp, bytes).with_context(|| format!("failed to write `{}`", tmp.display()))?;
    fs::rename(&tmp, path)
        .with_context(|| format!("failed to move `{}` into place", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(check_date("2024-05-24").is_ok());
        let err = check_date("2024-13-01").unwrap_err().to_string();
        assert!(err.contains("`2024-13-01`"), "{err}");
    }
}
