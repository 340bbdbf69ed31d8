//! What a build is asked to do and what it did: [`BuildOptions`], [`Mode`], [`Report`] with its
//! [`StageTimings`] and [`BrokenLink`]s.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use super::Page;
use crate::content::load::Failure;
use crate::incremental::unchanged::Counts;
use crate::model::Site;
use crate::output::WriteStats;

/// What the command line asks of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where to write instead of `<root>/public`.
    pub output_dir: Option<PathBuf>,
    /// Replaces `base_url` from `site.toml`.
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// `Check` does everything but writing, and treats broken links as errors.
    pub mode: Mode,
    /// Reuse and update the persistent build cache (`.broadsheet-cache/`).
    pub cache: bool,
}

/// Build or check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Render and write the site.
    #[default]
    Build,
    /// Render everything, write nothing, fail on broken internal links.
    Check,
}

/// Time spent in each stage of a build.
#[derive(Debug, Clone, Default)]
pub struct StageTimings {
    /// Walking `content/`.
    pub walk: Duration,
    /// Reading, front matter and Markdown, in parallel (wall time).
    pub load: Duration,
    /// Assembling issues, sections and authors, planning pages and their signatures.
    pub model: Duration,
    /// Loading templates.
    pub templates: Duration,
    /// Listing the static folders (once per build).
    pub statics: Duration,
    /// Rendering, post-processing, link checking and staging every page, in parallel (wall
    /// time).
    pub render: Duration,
    /// Feeds, sitemap, robots.txt.
    pub feeds: Duration,
    /// The search index (tokenising, shards, blocks).
    pub search: Duration,
    /// Writing the output folder.
    pub write: Duration,
    /// Per template: total render time summed over threads, and calls.
    pub pages: RenderTimings,
}

/// Time spent rendering pages, summed over threads.
#[derive(Debug, Clone, Default)]
pub struct RenderTimings {
    /// Per template: time in Tera (rendering that template and what it extends and includes)
    /// and calls.
    pub per_template: HashMap<&'static str, (Duration, usize)>,
    /// Building page contexts (with reading and rendering an article's body).
    pub context: Duration,
    /// Tera, all templates.
    pub template: Duration,
    /// The lol_html post-processing pass.
    pub post: Duration,
    /// Comparing with the output, staging, checking links.
    pub stage: Duration,
}

/// A link on a page to a path the site does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page's URL.
    pub page: String,
    /// The link target.
    pub target: String,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    /// HTML pages rendered.
    pub pages: usize,
    /// Articles published.
    pub articles: usize,
    /// Sections.
    pub sections: usize,
    /// Issues.
    pub issues: usize,
    /// Reporters.
    pub authors: usize,
    /// Files written, unchanged, removed (zero in check mode or when the build failed).
    pub written: WriteStats,
    /// Bad files and failed pages; when not empty nothing was written.
    pub failures: Vec<Failure>,
    /// Links to pages that do not exist.
    pub broken_links: Vec<BrokenLink>,
    /// Where the time went.
    pub timings: StageTimings,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Where the site was (or would have been) written.
    pub output_dir: PathBuf,
    /// What the image step did.
    pub images: ImageCounts,
}

/// How many article images were made in their versions, and how many came from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImageCounts {
    /// Images decoded, resized and encoded in this build.
    pub encoded: usize,
    /// Images whose versions the build cache already held.
    pub reused: usize,
}

impl Report {
    /// Whether the build succeeded (in check mode, broken links count as failure).
    pub fn ok(&self, mode: Mode) -> bool {
        self.failures.is_empty() && (mode == Mode::Build || self.broken_links.is_empty())
    }
}

/// Every link to a missing page, with the page it is on.
pub(super) fn broken_links(pages: &[Page]) -> Vec<BrokenLink> {
    pages
        .iter()
        .flat_map(|page| {
            let target = page.broken_links.iter();
            target.map(|t| BrokenLink { page: page.url.clone(), target: t.clone() })
        })
        .collect()
}

/// Copies the site's counts into the report.
pub(super) fn fill_counts(report: &mut Report, site: &Site) {
    report.articles = site.articles.len();
    report.sections = site.sections.len();
    report.issues = site.issues.len();
    report.authors = site.authors.len();
}

/// The report of a build that found nothing changed: nothing rendered or written, the counts
/// as the last build reported them; the time went on stamping the inputs (`scanned`) and
/// checking the output.
pub(super) fn unchanged(
    output_dir: PathBuf,
    counts: Counts,
    scanned: Duration,
    elapsed: Duration,
) -> Report {
    let timings = StageTimings {
        walk: scanned,
        write: elapsed.saturating_sub(scanned),
        ..StageTimings::default()
    };
    Report {
        articles: counts.articles,
        sections: counts.sections,
        issues: counts.issues,
        authors: counts.authors,
        written: WriteStats { unchanged: counts.produced, ..WriteStats::default() },
        timings,
        elapsed,
        output_dir,
        ..Report::default()
    }
}
