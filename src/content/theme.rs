//! A theme's files as text: its templates, the site's overrides (by name), and `theme.toml`.
//!
//! Read here, with the rest of the site's sources, so that `render` builds its templates from
//! text and reads no files itself.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::config::Config;
use crate::fs;

/// One template as read: the name templates use for it, its file and its text.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFile {
    /// `article.html`, `partials/meta.html`; `theme/article.html` for the theme's original
    /// of a template the site may override.
    pub(crate) name: String,
    /// Where it was read from.
    pub(crate) path: PathBuf,
    /// Its text.
    pub(crate) text: String,
}

/// Everything of the theme chain that templates are built from.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThemeFiles {
    /// The theme's templates (each also as `theme/<name>`), then the site's, which replace the
    /// theme's of the same name.
    pub(crate) templates: Vec<TemplateFile>,
    /// `themes/<theme>/theme.toml` and its text, when the theme has one.
    pub(crate) manifest: Option<(PathBuf, String)>,
}

/// Reads the theme's templates, the site's overrides and the theme's `theme.toml`.
pub(crate) fn read(config: &Config) -> Result<ThemeFiles> {
    let mut templates = Vec::new();
    let theme_templates = config.theme_dir.join("templates");
    for path in template_files(&theme_templates)? {
        let name = template_name(&theme_templates, &path);
        let text = fs::read_to_string(&path)?;
        let original = format!("theme/{name}");
        templates.push(TemplateFile { name: original, path: path.clone(), text: text.clone() });
        templates.push(TemplateFile { name, path, text });
    }
    if config.templates_dir.is_dir() {
        for path in template_files(&config.templates_dir)? {
            let name = template_name(&config.templates_dir, &path);
            let text = fs::read_to_string(&path)?;
            templates.retain(|existing| existing.name != name);
            templates.push(TemplateFile { name, path, text });
        }
    }
    let manifest_path = config.theme_dir.join("theme.toml");
    let manifest = if manifest_path.is_file() {
        let text = fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read `{}`", relative(config, &manifest_path)))?;
        Some((manifest_path, text))
    } else {
        None
    };
    Ok(ThemeFiles { templates, manifest })
}

/// The files of a templates folder, sorted, without hidden ones (editors' swap files) and
/// without symlinks (which could lead out of the site).
fn template_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type().is_file() && !hidden {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// `partials/meta.html` for `<dir>/partials/meta.html`.
fn template_name(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn relative(config: &Config, path: &Path) -> String {
    path.strip_prefix(&config.root).unwrap_or(path).display().to_string()
}
