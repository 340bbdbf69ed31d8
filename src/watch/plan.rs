//! What a batch of changed paths asks us to redo. Pure: decides from paths alone and never
//! touches the disk, so every rule is a unit test. Not here: reading files or rebuilding.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};

/// Where a site's sources and output live, as absolute paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The site folder.
    pub root: PathBuf,
    /// `content/`.
    pub content: PathBuf,
    /// The site's `templates/` (overrides of the theme's).
    pub templates: PathBuf,
    /// The site's `static/`.
    pub static_dir: PathBuf,
    /// `themes/<theme>/`.
    pub theme: PathBuf,
    /// The output folder (its events are ours and are ignored).
    pub output: PathBuf,
    /// `site.toml`.
    pub config_file: PathBuf,
}

impl Layout {
    /// The layout of a loaded site, under `root` (pass the canonical root, as notify reports).
    pub fn new(root: &Path, config: &Config) -> Layout {
        let output = if config.output_dir.is_absolute() {
            config.output_dir.clone()
        } else {
            root.join(config.output_dir.strip_prefix(&config.root).unwrap_or(&config.output_dir))
        };
        let output = output.canonicalize().unwrap_or(output);
        Layout {
            root: root.to_path_buf(),
            content: root.join("content"),
            templates: root.join("templates"),
            static_dir: root.join("static"),
            theme: root.join("themes").join(&config.theme),
            output,
            config_file: root.join(CONFIG_FILE),
        }
    }

    /// The static folders, theme first (the site's override it).
    pub fn static_dirs(&self) -> [PathBuf; 2] {
        [self.theme.join("static"), self.static_dir.clone()]
    }

    /// A static file's path relative to its static folder, if it is one.
    pub fn static_relative(&self, path: &Path) -> Option<PathBuf> {
        let [theme, site] = self.static_dirs();
        let relative = path.strip_prefix(&site).or_else(|_| path.strip_prefix(&theme)).ok()?;
        Some(relative.to_path_buf())
    }
}

/// What a batch of changed paths asks us to redo.
/// A batch maps to the largest kind it needs: Full > Templates > Articles > Static > Nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// Only ignored paths changed.
    Nothing,
    /// Only static files changed: copy (or remove) these.
    Static(Vec<PathBuf>),
    /// Content files (and maybe static files) changed: re-read these, re-render what they touch.
    Articles(Vec<PathBuf>),
    /// A template changed: reload templates, re-render the pages whose templates changed.
    Templates,
    /// `site.toml` or the theme's settings changed: reload everything.
    Full,
}

/// What one path asks for, in increasing order of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Change {
    Ignore,
    Static,
    Article,
    Template,
    Full,
}

/// Decides from paths alone; never touches the disk.
/// (The watch loop classifies a batch once with [`classify_all`] and then uses
/// [`plan_classified`]; this is the same decision from raw paths.)
#[cfg(test)]
pub(crate) fn plan(layout: &Layout, changed: &[PathBuf]) -> Rebuild {
    plan_classified(&classify_all(layout, changed))
}

/// Each path of a batch with what it asks for: the one place a batch is classified.
pub(crate) fn classify_all(layout: &Layout, changed: &[PathBuf]) -> Vec<(PathBuf, Change)> {
    changed.iter().map(|path| (path.clone(), classify(layout, path))).collect()
}

/// [`plan`] for paths already classified.
pub(crate) fn plan_classified(changed: &[(PathBuf, Change)]) -> Rebuild {
    let of = |kind: Change| -> Vec<PathBuf> {
        let paths = changed.iter().filter(|(_, k)| *k == kind);
        let mut paths: Vec<PathBuf> = paths.map(|(p, _)| p.clone()).collect();
        paths.sort();
        paths.dedup();
        paths
    };
    match changed.iter().map(|(_, k)| *k).max().unwrap_or(Change::Ignore) {
        Change::Ignore => Rebuild::Nothing,
        Change::Static => Rebuild::Static(of(Change::Static)),
        Change::Article => Rebuild::Articles(of(Change::Article)),
        Change::Template => Rebuild::Templates,
        Change::Full => Rebuild::Full,
    }
}

/// What a single changed path asks for.
pub(crate) fn classify(layout: &Layout, path: &Path) -> Change {
    if path.starts_with(&layout.output) || !path.starts_with(&layout.root) || is_temp_file(path) {
        return Change::Ignore;
    }
    let relative = path.strip_prefix(&layout.root).unwrap_or(path);
    if relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
        return Change::Ignore;
    }
    if path == layout.config_file {
        Change::Full
    } else if layout.static_relative(path).is_some() {
        Change::Static
    } else if path.starts_with(&layout.templates)
        || path.starts_with(layout.theme.join("templates"))
    {
        Change::Template
    } else if path.starts_with(&layout.theme) {
        Change::Full
    } else if path.starts_with(&layout.content) && is_content(path) {
        Change::Article
    } else {
        Change::Ignore
    }
}

/// Markdown files, article images (a replaced picture re-makes its versions and the pages
/// that show it), and folders (a renamed or deleted folder of articles has no extension).
fn is_content(path: &Path) -> bool {
    match path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()) {
        Some(ext) => matches!(ext.as_str(), "md" | "markdown" | "jpg" | "jpeg" | "png" | "webp"),
        None => true,
    }
}

/// Editors' temporary, backup and swap files, and our own temporary files.
pub(crate) fn is_temp_file(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else { return false };
    const SUFFIXES: [&str; 8] =
        [".swp", ".swx", ".swo", "~", ".tmp", ".crdownload", ".broadsheet-tmp", ".DS_Store"];
    name.starts_with('.')
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        let root = PathBuf::from("/site");
        Layout {
            content: root.join("content"),
            templates: root.join("templates"),
            static_dir: root.join("static"),
            theme: root.join("themes/paper"),
            output: root.join("public"),
            config_file: root.join("site.toml"),
            root,
        }
    }

    fn plan_of(paths: &[&str]) -> Rebuild {
        plan(&layout(), &paths.iter().map(PathBuf::from).collect::<Vec<_>>())
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            "/site/content/2024-05-24/.a.md.swp",
            "/site/content/2024-05-24/a.md.swx",
            "/site/content/2024-05-24/a.md~",
            "/site/content/2024-05-24/.#a.md",
            "/site/content/2024-05-24/4913",
            "/site/content/a.md___jb_tmp___",
            "/site/content/a.md___jb_old___",
            "/site/content/a.md.tmp",
            "/site/static/.DS_Store",
            "/site/static/font.woff2.crdownload",
            "/site/content/.git/index",
        ] {
            assert_eq!(plan_of(&[name]), Rebuild::Nothing, "{name}");
        }
    }

    #[test]
    fn the_output_folder_and_other_files_are_ignored() {
        assert_eq!(plan_of(&["/site/public/index.html", "/site/README.md"]), Rebuild::Nothing);
        assert_eq!(plan_of(&["/elsewhere/content/a.md"]), Rebuild::Nothing);
        assert_eq!(plan_of(&["/site/content/2024-05-24/notes.txt"]), Rebuild::Nothing);
        assert_eq!(plan_of(&[]), Rebuild::Nothing);
    }

    #[test]
    fn an_article_image_is_content() {
        let photo = PathBuf::from("/site/content/2024-05-24/images/p1.JPG");
        assert_eq!(
            plan_of(&["/site/content/2024-05-24/images/p1.JPG"]),
            Rebuild::Articles(vec![photo])
        );
    }

    #[test]
    fn articles_and_folders_of_articles() {
        assert_eq!(
            plan_of(&["/site/content/b.md", "/site/content/a.md", "/site/content/b.md"]),
            Rebuild::Articles(vec!["/site/content/a.md".into(), "/site/content/b.md".into()])
        );
        assert_eq!(
            plan_of(&["/site/content/2024-05-24"]),
            Rebuild::Articles(vec!["/site/content/2024-05-24".into()])
        );
    }

    #[test]
    fn static_files_of_site_and_theme() {
        assert_eq!(
            plan_of(&["/site/static/a.css", "/site/themes/paper/static/b.js"]),
            Rebuild::Static(vec![
                "/site/static/a.css".into(),
                "/site/themes/paper/static/b.js".into()
            ])
        );
        assert_eq!(
            layout().static_relative(Path::new("/site/static/x/a.css")).unwrap(),
            Path::new("x/a.css")
        );
    }

    #[test]
    fn templates_of_site_and_theme() {
        assert_eq!(plan_of(&["/site/templates/article.html"]), Rebuild::Templates);
        assert_eq!(plan_of(&["/site/themes/paper/templates/base.html"]), Rebuild::Templates);
    }

    #[test]
    fn site_toml_and_theme_settings_rebuild_all() {
        assert_eq!(plan_of(&["/site/site.toml"]), Rebuild::Full);
        assert_eq!(plan_of(&["/site/themes/paper/theme.toml"]), Rebuild::Full);
        assert_eq!(plan_of(&["/site/themes/other/theme.toml"]), Rebuild::Nothing);
    }

    #[test]
    fn a_batch_takes_the_largest_kind() {
        let statics_and_article = plan_of(&["/site/static/a.css", "/site/content/a.md"]);
        assert_eq!(statics_and_article, Rebuild::Articles(vec!["/site/content/a.md".into()]));
        assert_eq!(plan_of(&["/site/content/a.md", "/site/templates/a.html"]), Rebuild::Templates);
        assert_eq!(plan_of(&["/site/templates/a.html", "/site/site.toml"]), Rebuild::Full);
    }
}
