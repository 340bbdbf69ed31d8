//! `broadsheet init DIR`: a new, working site — `site.toml`, the default theme (embedded in the
//! binary, so it works on a machine with nothing but broadsheet) and one sample article.
//!
//! It only creates files in a folder that does not exist yet or is empty; it never overwrites.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use include_dir::{Dir, include_dir};

use crate::fs;

/// The default theme, as shipped.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/broadsheet");

/// Creates a new site in `dir`.
pub fn create_site(dir: &Path) -> Result<()> {
    if dir.exists()
        && dir
            .read_dir()
            .with_context(|| format!("cannot read `{}`", dir.display()))?
            .next()
            .is_some()
    {
        bail!("`{}` already exists and is not empty; choose a new folder", dir.display());
    }
    let today = chrono::Local::now().date_naive();
    write(dir, "site.toml", SITE_TOML)?;
    write(dir, &format!("content/{today}/01-welcome.md"), &welcome_article(&today.to_string()))?;
    write(dir, ".gitignore", GITIGNORE)?;
    write(dir, "static/.keep", "")?;
    write(dir, "templates/.keep", "")?;
    extract_theme(&DEFAULT_THEME, &dir.join("themes/broadsheet"))
}

fn write(dir: &Path, relative: &str, text: &str) -> Result<()> {
    fs::write(&dir.join(relative), text.as_bytes())
}

/// Writes every file of the embedded theme under `target` (its folders are created as the
/// files need them; the embedded tree is fixed at compile time, so the recursion is bounded).
fn extract_theme(theme: &Dir<'_>, target: &Path) -> Result<()> {
    fs::create_dir_all(target)?;
    for file in theme.files() {
        fs::write(&target.join(file.path()), file.contents())
            .with_context(|| format!("cannot write the theme into `{}`", target.display()))?;
    }
    theme.dirs().try_for_each(|dir| extract_theme(dir, target))
}

/// What a build writes in the site folder and no repository should hold: the output, its
/// staging folder and lock (beside it), and the build cache.
const GITIGNORE: &str = "# Written by broadsheet; rebuilt by `broadsheet build`.
/public/
/.public.staging/
/.public.lock
/.broadsheet-cache/
";

const SITE_TOML: &str = r#"# broadsheet site configuration. Every key is described in the README.
title = "示例日报"
description = "一份用 broadsheet 制作的数字报"
base_url = "/"
language = "zh-CN"
theme = "broadsheet"
paginate = 20

[[sections]]
name = "要闻"
slug = "yaowen"
order = 1
description = "本报要闻"
"#;

fn welcome_article(date: &str) -> String {
    format!(
        "---\ntitle: 欢迎使用 broadsheet\nkicker: 数字报\nsubtitle: 一条命令，把版面变成网站\n\
         authors:\n  - 编辑部\ndate: {date}\nsection: 要闻\norder: 1\n---\n\n\
         本报讯 这是新站点的第一篇文章。编辑 `content/` 中的 Markdown 文件，然后运行 `broadsheet build`。\n\n\
         用 `broadsheet split` 把一期报纸的文本拆成文章，再用 `broadsheet serve` 边改边看。\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "").unwrap();
        assert!(create_site(dir.path()).is_err());
    }
}
