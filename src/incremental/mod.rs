//! Everything a rebuild needs from the last build: the page signatures and generated-file
//! hashes of what is in the output folder, the kept site model and page plan, and the build
//! cache on disk that carries them from one process to the next.
//!
//! This module decides nothing about what a build produces; it only lets a build skip work
//! whose result it already knows. It does not render or write the output folder.

use std::collections::{BTreeMap, BTreeSet};

pub(crate) mod cache;
pub(crate) mod kept;

/// The signatures of the last successful build: page URL → signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Signatures {
    /// Every page the build produced, by root-relative URL.
    pub(crate) pages: BTreeMap<String, u64>,
    /// Paths (under the output folder) of the generated feeds, sitemap and search index.
    pub(crate) generated: BTreeSet<String>,
    /// The hash of each generated file's bytes as written (see `feeds::Generated`).
    pub(crate) generated_hashes: BTreeMap<String, u64>,
}
