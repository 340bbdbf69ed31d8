//! Pages that would land on the same output file as another page or a generated file (an
//! article whose slug makes it `/archive/`, a section named `authors` under
//! `permalinks.section = "/:slug/"`), reported by what the writer can change: the article file,
//! or the `site.toml` key.
//!
//! Two articles on one URL are `model`'s to report (it knows which slug was written); this
//! covers every other pair, before anything is staged.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::anyhow;

use super::plan::{Job, Kind};
use crate::content::load::Failure;
use crate::model::Site;
use crate::model::urls::output_path;

/// Who writes an output file: a planned page or a generated file (`atom.xml`).
#[derive(Clone, Copy)]
enum Writer<'a> {
    Page(Kind),
    Generated(&'a str),
}

/// One failure per output file written by two of the pages in `jobs` and the `generated`
/// files, naming both and what to change.
pub(crate) fn url_clashes<'a>(
    jobs: &[Job],
    site: &Site,
    generated: impl IntoIterator<Item = &'a str>,
) -> Vec<Failure> {
    let mut writers: HashMap<String, Writer<'a>> = HashMap::with_capacity(jobs.len());
    let mut failures = Vec::new();
    let pages = jobs.iter().map(|job| (output_path(&job.url), Writer::Page(job.kind)));
    let files = generated.into_iter().map(|path| (path.to_owned(), Writer::Generated(path)));
    for (path, writer) in pages.chain(files) {
        match writers.get(&path) {
            None => {
                writers.insert(path, writer);
            }
            Some(Writer::Page(Kind::Article(_)))
                if matches!(writer, Writer::Page(Kind::Article(_))) => {}
            Some(&first) => failures.push(clash(site, &path, first, writer)),
        }
    }
    failures
}

/// The failure for `path`, written by both `first` and `second`: filed under the article when
/// one is involved, else under `site.toml`.
fn clash(site: &Site, path: &str, first: Writer<'_>, second: Writer<'_>) -> Failure {
    let (mine, theirs) = match second {
        Writer::Page(Kind::Article(_)) => (second, first),
        _ => (first, second),
    };
    let file = match mine {
        Writer::Page(Kind::Article(i)) => site.articles[i].data.path.clone(),
        _ => PathBuf::from("site.toml"),
    };
    let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(path));
    let error = anyhow!(
        "{} and {} would both be written to `{path}` (the URL `{url}`); {}",
        describe(site, mine),
        describe(site, theirs),
        what_to_change(mine, theirs)
    );
    Failure { path: file, error }
}

fn describe(site: &Site, writer: Writer<'_>) -> String {
    let kind = match writer {
        Writer::Page(kind) => kind,
        Writer::Generated(path) => return format!("the generated `{path}`"),
    };
    match kind {
        Kind::Article(_) => "this article's page".to_owned(),
        Kind::Section { section, page } => {
            let section = &site.sections[section];
            let page = if page > 1 { format!(" (page {page})") } else { String::new() };
            format!("the index of section `{}` (slug `{}`){page}", section.name, section.slug)
        }
        Kind::Author(i) => format!("the page of author `{}`", site.authors[i].name),
        Kind::Issue(i) => format!("the front of the {} issue", site.issues[i].date),
        Kind::Page { issue, page } => {
            let name = site.issues[issue].pages.get(page).map_or("?", |p| p.name.as_str());
            format!("the view of page {name} of the {} issue", site.issues[issue].date)
        }
        Kind::Index => "the home page".to_owned(),
        Kind::Authors => "the list of authors".to_owned(),
        Kind::Archive => "the archive page".to_owned(),
        Kind::Search => "the search page".to_owned(),
        Kind::NotFound => "the 404 page".to_owned(),
    }
}

/// The change that moves one of the two: the first whose URL comes from something the writer
/// sets (an article's `slug`, a section's `slug`, a `permalinks` key).
fn what_to_change(mine: Writer<'_>, theirs: Writer<'_>) -> String {
    let hint = |writer: Writer<'_>| match writer {
        Writer::Page(Kind::Article(_)) => {
            Some("give this article another `slug`, or change `permalinks.article` in site.toml")
        }
        Writer::Page(Kind::Section { .. }) => Some(
            "give the section another `slug` in its `[[sections]]` entry of site.toml, or \
             change `permalinks.section`",
        ),
        Writer::Page(Kind::Author(_)) => Some("change `permalinks.author` in site.toml"),
        Writer::Page(Kind::Issue(_)) => Some("change `permalinks.issue` in site.toml"),
        Writer::Page(Kind::Page { .. }) => Some("change `permalinks.page` in site.toml"),
        _ => None,
    };
    hint(mine).or_else(|| hint(theirs)).unwrap_or("change the `permalinks` in site.toml").to_owned()
}
