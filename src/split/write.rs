//! The I/O edge of `split`: read the source, check every precondition, then write the
//! content files (each atomically) and the JSON report.
//!
//! For: [`run`] and its options. Not for: any splitting decision (see `split_issue`).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{SplitConfig, SplitOutcome, masthead_date, split_issue_with_images};
use crate::{fs, text};

/// What the CLI passes for `broadsheet split SOURCE [--date YYYY-MM-DD] [--out DIR]
/// [--report FILE] [--force] [--dry-run]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitOptions {
    /// The source issue, as given on the command line.
    pub source: PathBuf,
    /// Issue date, `YYYY-MM-DD`; `None` reads it from the masthead.
    pub date: Option<String>,
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
    if let Some(date) = &opts.date {
        check_date(date)?;
    }
    let text = read_source(&opts.source)?;
    let date = issue_date(&text, config, opts)?;
    let name = opts
        .source
        .file_name()
        .map_or_else(|| opts.source.display().to_string(), |n| n.to_string_lossy().into_owned());
    let beside = opts.source.parent().unwrap_or(Path::new("")).to_path_buf();
    let present = |src: &str| fs::exists(&image_source(&beside, src));
    let outcome = split_issue_with_images(&text, &name, &date, config, sections, &present)
        .with_context(|| format!("failed to split `{}`", opts.source.display()))?;
    let images = images_to_copy(&beside, &outcome);
    let out = opts.out.clone().unwrap_or_else(|| root.join("content").join(&date));
    if !opts.force {
        refuse_overwrite(&out, &outcome)?;
        refuse_image_overwrite(&out, &images)?;
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
        for (from, to) in &images {
            let to = out.join(to).display().to_string();
            summary.push_str(&format!("  {to} (copy of `{}`)\n", from.display()));
        }
        return Ok(summary);
    }
    write_outcome(&out, &outcome, opts.report.as_deref())?;
    copy_images(&out, &images)?;
    summary.push_str(&format!("wrote {} files to `{}`\n", outcome.files.len(), out.display()));
    if !images.is_empty() {
        summary.push_str(&format!(
            "copied {} images to `{}`\n",
            images.len(),
            out.join("images").display()
        ));
    }
    Ok(summary)
}

/// Checks that `date` is a real `YYYY-MM-DD` date.
pub(crate) fn check_date(date: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|_| ())
        .with_context(|| format!("invalid issue date `{date}`: expected YYYY-MM-DD"))
}

/// `--date`, else the date on the masthead, else an error saying what to do.
fn issue_date(text: &str, config: &SplitConfig, opts: &SplitOptions) -> Result<String> {
    if let Some(date) = &opts.date {
        return Ok(date.clone());
    }
    match masthead_date(text, config)? {
        Some(date) => Ok(date),
        None => bail!(
            "`{}` has no masthead date (such as `2024年5月24日 星期五` or `Thursday, October 2, \
             2025`): give the issue date with --date YYYY-MM-DD",
            opts.source.display()
        ),
    }
}

fn read_source(path: &Path) -> Result<String> {
    let bytes = fs::read(path).context("failed to read the source issue")?;
    text::decode_utf8(bytes).with_context(|| format!("source issue `{}`", path.display()))
}

/// Refuses, before writing anything, an `--out` that is a file, or a folder where an article
/// file would go (even `--force` replaces files only).
fn check_out_folder(out: &Path, outcome: &SplitOutcome) -> Result<()> {
    if fs::exists(out) && !out.is_dir() {
        bail!(
            "`{}` is a file, not a folder: give `--out` a folder (a missing one is created)",
            out.display()
        );
    }
    for f in &outcome.files {
        let path = out.join(&f.file_name);
        if path.is_dir() {
            bail!(
                "`{}` is a folder, where split would write an article file; move it away or \
                 choose another `--out`",
                path.display()
            );
        }
    }
    Ok(())
}

fn refuse_overwrite(out: &Path, outcome: &SplitOutcome) -> Result<()> {
    for f in &outcome.files {
        let path = out.join(&f.file_name);
        if fs::exists(&path) {
            bail!("`{}` already exists; use --force to overwrite", path.display());
        }
    }
    Ok(())
}

/// The file an image reference written in the source names, relative to the source's folder
/// (`%20` read as a space, a leading `./` dropped).
fn image_source(beside: &Path, src: &str) -> PathBuf {
    let src = src.replace("%20", " ");
    beside.join(src.trim_start_matches("./"))
}

/// Each image file to copy (source path, path relative to the issue's content folder), once.
fn images_to_copy(beside: &Path, outcome: &SplitOutcome) -> Vec<(PathBuf, PathBuf)> {
    let mut copies: Vec<(PathBuf, PathBuf)> = Vec::new();
    let images = outcome.report.articles.iter().flat_map(|a| &a.images);
    for image in images.filter(|i| !i.missing && !super::article::is_remote(&i.src)) {
        let copy = (image_source(beside, &image.src), PathBuf::from(&image.file));
        if !copies.contains(&copy) {
            copies.push(copy);
        }
    }
    copies
}

/// An image already in the content folder with other bytes is someone's: keep it.
fn refuse_image_overwrite(out: &Path, images: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (from, to) in images {
        let to = out.join(to);
        if fs::exists(&to) && !fs::file_holds(&to, &fs::read(from)?)? {
            bail!(
                "`{}` already exists and differs from `{}`; use --force to overwrite",
                to.display(),
                from.display()
            );
        }
    }
    Ok(())
}

fn copy_images(out: &Path, images: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (from, to) in images {
        let to = out.join(to);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::copy_if_changed(from, &to)?;
    }
    Ok(())
}

fn write_outcome(out: &Path, outcome: &SplitOutcome, report: Option<&Path>) -> Result<()> {
    check_out_folder(out, outcome)?;
    fs::create_dir_all(out)?;
    for f in &outcome.files {
        fs::write_atomic(&out.join(&f.file_name), f.contents.as_bytes())?;
    }
    if let Some(path) = report {
        let mut json = serde_json::to_string_pretty(&outcome.report)
            .context("failed to serialize the split report")?;
        json.push('\n');
        fs::write_atomic(path, json.as_bytes())?;
    }
    Ok(())
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
