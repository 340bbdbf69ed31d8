//! The `broadsheet` command line: parses arguments, dispatches to the library, prints results
//! and errors, and sets the exit code. Nothing else lives here.
#![allow(clippy::print_stdout, reason = "the command line prints its results")]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use broadsheet::build::{BuildOptions, Mode, Report};
use clap::{Args, Parser, Subcommand};

/// A static site generator for the digital editions of newspapers.
#[derive(Debug, Parser)]
#[command(name = "broadsheet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new site with the default theme and one sample article.
    Init {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Split a source issue (one extracted text file) into article files under content/.
    Split(SplitArgs),
    /// Build the site into the output folder (default: public/).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write here instead of <root>/public.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Print the time spent per stage and per template.
        #[arg(long)]
        timings: bool,
        /// Ignore and rebuild the persistent build cache (.broadsheet-cache/).
        #[arg(long)]
        no_cache: bool,
    },
    /// Do everything build does but writing; also fails on broken internal links.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build, then rebuild what each change under content/, templates/, static/, themes/ or
    /// site.toml touches.
    Watch(WatchArgs),
    /// Watch, and serve the output over HTTP with live reload.
    Serve {
        #[command(flatten)]
        watch: WatchArgs,
        /// Port to listen on (the next free one is taken if it is busy).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
}

#[derive(Debug, Args)]
struct WatchArgs {
    /// The site folder (holding site.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Write here instead of <root>/public.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// The site folder (holding site.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Publish under this URL instead of site.toml's base_url (e.g. https://example.org/news/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Args)]
struct SplitArgs {
    /// The source issue, a UTF-8 text file.
    source: PathBuf,
    /// The issue's date, YYYY-MM-DD (default: the date printed on the masthead).
    #[arg(long)]
    date: Option<String>,
    /// The site folder whose site.toml (if any) holds the [split] rules and sections.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Write the article files here (default: <root>/content/<date>/).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write a JSON report accounting for every source line.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Overwrite article files that already exist.
    #[arg(long)]
    force: bool,
    /// Print what would be written, write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format_timestamp(None)
        .format_target(false)
        // notify warns when a watched folder it already dropped is deleted (`content/` while
        // watching): watch itself says what happened.
        .filter_module("notify", log::LevelFilter::Error)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        _ if broadsheet::interrupt::requested().is_some() => ExitCode::from(130),
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            print_error(&error);
            ExitCode::FAILURE
        }
    }
}

/// Runs a command; `Ok(false)` when it reported its own errors.
fn run(cli: Cli) -> Result<bool> {
    match cli.command {
        Command::Init { dir } => {
            broadsheet::init::create_site(&dir)?;
            println!(
                "created a new site in `{}`; build it with: cd {} && broadsheet build",
                dir.display(),
                dir.display()
            );
            Ok(true)
        }
        Command::Split(args) => split(args),
        Command::Build { site, output_dir, timings, no_cache } => {
            let mut options = build_options(&site, output_dir, Mode::Build);
            options.cache = !no_cache;
            build(&site.root, &options, timings)
        }
        Command::Check { site } => {
            build(&site.root, &build_options(&site, None, Mode::Check), false)
        }
        Command::Watch(args) => watch(args),
        Command::Serve { watch, port, interface, open } => serve(watch, port, &interface, open),
    }
}

fn build_options(site: &SiteArgs, output_dir: Option<PathBuf>, mode: Mode) -> BuildOptions {
    BuildOptions {
        output_dir,
        base_url: site.base_url.clone(),
        drafts: site.drafts,
        mode,
        cache: false,
    }
}

fn build(root: &Path, options: &BuildOptions, timings: bool) -> Result<bool> {
    broadsheet::interrupt::install()?;
    let broadsheet::build::Built { report, session } =
        broadsheet::build::build_once(root, options)?;
    if let Some(signal) = broadsheet::interrupt::requested() {
        let left = if report.failures.is_empty() {
            "the new site had been written in full"
        } else {
            "nothing was written; the output folder holds the last good site"
        };
        eprintln!("error: interrupted by {signal}: {left}");
        return Ok(false);
    }
    // The process ends next: freeing every loaded article, the model and the signatures one
    // by one would only delay the exit (about 12 ms of a 10,000-article cached build).
    std::mem::forget(session);
    print_report(&report, options.mode);
    if timings {
        print!("{}", broadsheet::build::timings::format(&report));
    }
    Ok(report.ok(options.mode))
}

fn split(args: SplitArgs) -> Result<bool> {
    // Only [split] and the section names: split needs no theme, and no site.toml at all.
    let (config, sections) = broadsheet::config::split::load(&args.root)?;
    let options = broadsheet::split::SplitOptions {
        source: args.source,
        date: args.date,
        out: args.out,
        report: args.report,
        force: args.force,
        dry_run: args.dry_run,
    };
    let summary = broadsheet::split::run(&args.root, &config, &sections, &options)?;
    print!("{summary}");
    if !summary.ends_with('\n') {
        println!();
    }
    Ok(true)
}

fn print_report(report: &Report, mode: Mode) {
    for failure in &report.failures {
        eprintln!("error: {}", failure);
    }
    let level = if mode == Mode::Check { "error" } else { "warning" };
    for link in &report.broken_links {
        eprintln!(
            "{level}: broken link on `{}`: `{}` is not a page of this site",
            link.page, link.target
        );
    }
    if !report.failures.is_empty() {
        let what = if report.failures.len() == 1 { "problem" } else { "problems" };
        eprintln!(
            "error: build failed with {} {what}; nothing was written, `{}` still holds the last good site",
            report.failures.len(),
            report.output_dir.display()
        );
        return;
    }
    println!("{}", summary_line(report, mode));
}

fn summary_line(report: &Report, mode: Mode) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let verb = if mode == Mode::Check { "checked" } else { "built" };
    let mut line = format!(
        "{verb} {} ({}, {}, {}) in {} ms",
        plural(report.pages, "page", "pages"),
        plural(report.articles, "article", "articles"),
        plural(report.sections, "section", "sections"),
        plural(report.issues, "issue", "issues"),
        report.elapsed.as_millis()
    );
    if mode == Mode::Build {
        let w = &report.written;
        line.push_str(&format!(
            "; wrote {}, {} unchanged, removed {}",
            w.written, w.unchanged, w.removed
        ));
    }
    let images = report.images;
    if images.encoded + images.reused > 0 {
        line.push_str(&format!("; images: {} made, {} cached", images.encoded, images.reused));
    }
    line
}

fn print_error(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

/// Watch keeps the build cache as `build` does: saved after each update, so a later `build`
/// (or the next `watch`) starts from it instead of finding it deleted.
fn watch_options(args: &WatchArgs) -> BuildOptions {
    BuildOptions { output_dir: args.output_dir.clone(), cache: true, ..BuildOptions::default() }
}

/// Prints one outcome of the watch loop; errors go to stderr with `file:line`.
fn print_outcome(outcome: &broadsheet::watch::Outcome) {
    use std::io::Write as _;
    match outcome {
        broadsheet::watch::Outcome::Rebuilt { line, .. } => println!("{line}"),
        broadsheet::watch::Outcome::Failed { line, errors } => {
            for error in errors {
                eprintln!("error: {error}");
            }
            println!("build failed after {line}; the last good pages stay in place");
        }
    }
    let _ = std::io::stdout().flush();
}

fn watch(args: WatchArgs) -> Result<bool> {
    let mut watch = broadsheet::watch::Watch::start(&args.root, &watch_options(&args))?;
    print_outcome(&watch.build());
    println!("watching `{}` for changes (Ctrl+C to stop)", args.root.display());
    let stop = std::sync::atomic::AtomicBool::new(false);
    watch.run(&stop, |outcome| print_outcome(&outcome))?;
    Ok(true)
}

/// Asks the desktop to open `url` (xdg-open, open, or start); says so if it cannot.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut start = std::process::Command::new("cmd");
        start.args(["/C", "start", ""]);
        start
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if opened.is_err() {
        eprintln!("warning: could not open a browser; open {url} yourself");
    }
}

fn serve(args: WatchArgs, port: u16, interface: &str, open: bool) -> Result<bool> {
    let mut watch = broadsheet::watch::Watch::start(&args.root, &watch_options(&args))?;
    let first = watch.build();
    print_outcome(&first);
    let server = broadsheet::serve::Server::start(watch.output_dir(), interface, port)?;
    server.set_base_path(watch.base_path());
    if server.port() != port {
        println!("port {port} is busy; using {} instead", server.port());
    }
    let url = format!("http://{interface}:{}/", server.port());
    println!("serving `{}` at {url} (Ctrl+C to stop)", watch.output_dir().display());
    if open {
        open_browser(&url);
    }
    server.notify(&first);
    let stop = std::sync::atomic::AtomicBool::new(false);
    watch.run(&stop, |outcome| {
        print_outcome(&outcome);
        server.notify(&outcome);
    })?;
    Ok(true)
}

/// Transparent huge pages make mimalloc's arenas fault in 2 MiB at a time: a short build pays
/// for zeroing memory it never uses (about 40 MiB of RSS and a fifth of system time measured at
/// 10,000 articles). Only this process is affected.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and only sets a flag on this
    // process; it cannot touch memory we own.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc: rendering allocates many small strings on every thread, where glibc's allocator
/// spent about a sixth of a build's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
