//! Splits a source issue into article files. (Placeholder until the splitter lands.)

use serde::Deserialize;

/// The `[split]` table of `site.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SplitConfig {}
