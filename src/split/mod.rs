//! Splits a source issue into article files. (Placeholder until the splitter lands.)

use serde::Deserialize;

/// The `[split]` table of `site.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SplitConfig {}
/// TEMP
pub struct SplitOptions {
    pub source: std::path::PathBuf,
    pub date: String,
    pub out: Option<std::path::PathBuf>,
    pub report: Option<std::path::PathBuf>,
    pub force: bool,
    pub dry_run: bool,
}
/// TEMP
pub fn run(
    _root: &std::path::Path,
    _c: &SplitConfig,
    _s: &[String],
    _o: &SplitOptions,
) -> anyhow::Result<String> {
    anyhow::bail!("not yet")
}
