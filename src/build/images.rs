//! The build's side of article images: attach the made pictures before the model is
//! brought up to date, and stage each picture version into the output folder with the
//! generated files. The image work itself is `crate::images`.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use rayon::prelude::*;

use super::report::{ImageCounts, Report};
use crate::config::Config;
use crate::content::load::Failure;
use crate::images::{self, Version};
use crate::incremental::State;
use crate::output::Staging;

/// Makes or finds every picture the loaded articles need and attaches it; articles whose
/// pictures changed are marked changed. Returns the failures (missing, unreadable images).
pub(super) fn attach(config: &Config, state: &mut State, report: &mut Report) -> Vec<Failure> {
    let attached = images::attach(config, &mut state.files);
    state.changed.extend(attached.changed);
    report.images = ImageCounts { encoded: attached.encoded, reused: attached.reused };
    if attached.encoded > 0 {
        log::info!("images: {} made, {} from the cache", attached.encoded, attached.reused);
    }
    attached.failures
}

/// Stages the versions the output folder does not hold as last written (by hash, or because
/// the file is gone); returns the staged paths.
pub(super) fn stage(
    staging: &Staging,
    versions: &[Version],
    written: &BTreeMap<String, u64>,
    out_dir: &std::path::Path,
) -> Result<Vec<String>> {
    let staged: Vec<Option<String>> = versions
        .par_iter()
        .map(|v| {
            let current = written.get(&v.path) == Some(&v.hash) && out_dir.join(&v.path).is_file();
            if current {
                return Ok(None);
            }
            let bytes = crate::fs::read(&v.cached)?;
            Ok(staging.stage(&v.path, &bytes)?.then(|| v.path.clone()))
        })
        .collect::<Result<_>>()?;
    Ok(staged.into_iter().flatten().collect())
}

/// The versions' output paths.
pub(super) fn paths(versions: &[Version]) -> BTreeSet<String> {
    versions.iter().map(|v| v.path.clone()).collect()
}
