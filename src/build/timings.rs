//! `build --timings`: where a build's time went, per stage and per template, as a table.
//!
//! Formatting only; the numbers are measured by `site` and `render`.

use std::fmt::Write as _;
use std::time::Duration;

use super::Report;

/// The timings table for a finished build.
pub fn format(report: &Report) -> String {
    let t = &report.timings;
    let mut out = String::from("stage                 time\n");
    let stages = [
        ("walk content/", t.walk),
        ("load + parse + markdown", t.load),
        ("model + page plan", t.model),
        ("load templates", t.templates),
        ("list static files", t.statics),
        ("render + post + stage", t.render),
        ("feeds, sitemap", t.feeds),
        ("search index", t.search),
        ("write output", t.write),
    ];
    for (name, took) in stages {
        let _ = writeln!(out, "{name:<24} {:>8.1} ms", ms(took));
    }
    let _ = writeln!(out, "{:<24} {:>8.1} ms", "total", ms(report.elapsed));
    let p = &t.pages;
    out.push_str("\nrendering, CPU time summed over threads\n");
    let parts = [
        ("page contexts", p.context),
        ("templates (Tera)", p.template),
        ("post-process (lol_html)", p.post),
        ("compare, stage, links", p.stage),
    ];
    for (name, took) in parts {
        let _ = writeln!(out, "{name:<24} {:>8.1} ms", ms(took));
    }
    out.push_str("\ntemplate              calls   Tera time (all threads)   per call\n");
    let mut templates: Vec<_> = p.per_template.iter().collect();
    templates.sort_by_key(|entry| std::cmp::Reverse(entry.1.0));
    for (name, (total, calls)) in templates {
        let per_call = total.as_secs_f64() * 1e6 / (*calls).max(1) as f64;
        let _ =
            writeln!(out, "{name:<20} {calls:>7}   {:>18.1} ms   {per_call:>8.1} µs", ms(*total));
    }
    out
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
