//! Tera 1.20 vs Tera 2 on broadsheet's templates and contexts.
//!
//!   tera-compare bench  CONTEXTS_DIR TEMPLATES_DIR [reps] [target_ms]
//!   tera-compare verify CONTEXTS_DIR TEMPLATES_DIR OUT_DIR
//!   tera-compare errors TEMPLATES_DIR
mod ctx;

use chrono::{Datelike, NaiveDate, Weekday};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

type J = serde_json::Value;

// ---------------------------------------------------------------- helpers (as in src/templates.rs)

fn parse_loose_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let day = t.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    day.or_else(|| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
}
fn weekday_cn(day: Weekday) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
        [day.num_days_from_monday() as usize]
}
fn short_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
fn long_date(d: NaiveDate) -> String {
    format!("{} {}", short_date(d), weekday_cn(d.weekday()))
}
fn month_label(d: NaiveDate) -> String {
    format!("{}年{}月", d.year(), d.month())
}
fn reading_time(text: &str) -> u64 {
    let mut in_tag = false;
    let mut n = 0u64;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    (n / 400).max(1)
}
fn make_url(path: &str, absolute: bool) -> String {
    let base_url = "http://example.org/";
    if path.contains("://") || path.starts_with("//") {
        return path.to_owned();
    }
    let rooted = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    if !absolute {
        return rooted;
    }
    format!("{}{}", base_url.trim_end_matches('/'), rooted)
}
/// broadsheet's escape (Tera 1's default also escapes `/`): identical to Tera 2's default.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- engines

fn template_files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

fn tera1_load(dir: &Path) -> tera1::Tera {
    use tera1::{Error, Value};
    let files = template_files(dir);
    // as broadsheet: every theme template also as `theme/<name>`
    let mut raw: Vec<(String, String)> = Vec::new();
    for (n, t) in &files {
        raw.push((format!("theme/{n}"), t.clone()));
        raw.push((n.clone(), t.clone()));
    }
    let mut tera = tera1::Tera::default();
    tera.add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("tera1 load {}: {e:?}", dir.display()));
    tera.set_escape_fn(escape_html);
    fn date_filter(
        f: fn(NaiveDate) -> String,
    ) -> impl Fn(&Value, &HashMap<String, Value>) -> tera1::Result<Value> + Send + Sync {
        move |v, _| {
            let s = v.as_str().ok_or_else(|| Error::msg("date filters take a date string"))?;
            let d = parse_loose_date(s).ok_or_else(|| Error::msg(format!("`{s}` is not a date")))?;
            Ok(Value::String(f(d)))
        }
    }
    tera.register_filter("long_date", date_filter(long_date));
    tera.register_filter("short_date", date_filter(short_date));
    tera.register_filter("month_label", date_filter(month_label));
    tera.register_filter("reading_time", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| Error::msg("`reading_time` takes text"))?;
        Ok(Value::from(reading_time(s)))
    });
    tera.register_function("url", |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::msg("`url` needs `path`"))?;
        let absolute = args.get("absolute").and_then(Value::as_bool).unwrap_or(false);
        Ok(Value::String(make_url(path, absolute)))
    });
    tera
}

fn tera2_register(tera: &mut tera2::Tera) {
    use tera2::{Error, Kwargs, State, TeraResult};
    fn date2(s: &str, f: fn(NaiveDate) -> String) -> TeraResult<String> {
        let d = parse_loose_date(s).ok_or_else(|| Error::message(format!("`{s}` is not a date")))?;
        Ok(f(d))
    }
    // Filters and functions must be registered BEFORE templates are added (checked at load).
    tera.register_filter("long_date", |s: &str, _: Kwargs, _: &State| date2(s, long_date));
    tera.register_filter("short_date", |s: &str, _: Kwargs, _: &State| date2(s, short_date));
    tera.register_filter("month_label", |s: &str, _: Kwargs, _: &State| date2(s, month_label));
    tera.register_filter("reading_time", |s: &str, _: Kwargs, _: &State| reading_time(s) as i64);
    tera.register_function("url", |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path = kwargs.must_get::<&str>("path")?;
        let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
        Ok(make_url(path, absolute))
    });
}

fn tera2_load(dir: &Path) -> tera2::Tera {
    let mut tera = tera2::Tera::new();
    tera2_register(&mut tera);
    let files = template_files(dir);
    tera.add_raw_templates(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("tera2 load {}: {e}", dir.display()));
    tera
}

// ---------------------------------------------------------------- workloads

struct Workload {
    set: &'static str,  // "theme" | "equiv"
    label: &'static str,
    template: &'static str,
    json: Vec<J>,
    typed: Vec<ctx::Typed>,
    c1: Vec<tera1::Context>,
    c2: Vec<tera2::Context>,
}

fn read_jsonl(path: &Path) -> Vec<(String, J)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut v: J = serde_json::from_str(l).unwrap();
            let t = v["template"].as_str().unwrap().to_owned();
            (t, v["context"].take())
        })
        .collect()
}

fn workloads(ctx_dir: &Path) -> Vec<Workload> {
    let spec: [(&str, &str, &str, &str); 9] = [
        ("theme", "article", "article.html", "article.jsonl"),
        ("theme", "section-20", "section.html", "section20.jsonl"),
        ("theme", "section-800", "section.html", "section800.jsonl"),
        ("theme", "author", "author.html", "author.jsonl"),
        ("theme", "index", "index.html", "index.jsonl"),
        ("theme", "issue", "issue.html", "issue.jsonl"),
        ("equiv", "article", "article.html", "article.jsonl"),
        ("equiv", "section-800", "section.html", "section800.jsonl"),
        ("equiv", "index", "index.html", "index.jsonl"),
    ];
    spec.iter()
        .map(|&(set, label, template, file)| {
            let rows = read_jsonl(&ctx_dir.join(file));
            let json: Vec<J> = rows.iter().map(|(_, j)| j.clone()).collect();
            let typed = rows.iter().map(|(t, j)| ctx::Typed::from_json(t, j)).collect();
            let c1 = json.iter().map(|j| tera1::Context::from_value(j.clone()).unwrap()).collect();
            let c2 = json.iter().map(|j| tera2::Context::from_serialize(j).unwrap()).collect();
            Workload { set, label, template, json, typed, c1, c2 }
        })
        .collect()
}

struct Engines {
    t1: HashMap<&'static str, tera1::Tera>,
    t2: HashMap<&'static str, tera2::Tera>,
}

fn engines(tpl_dir: &Path) -> Engines {
    let mut t1 = HashMap::new();
    let mut t2 = HashMap::new();
    for set in ["theme", "equiv"] {
        t1.insert(set, tera1_load(&tpl_dir.join("t1").join(set)));
        t2.insert(set, tera2_load(&tpl_dir.join("t2").join(set)));
    }
    Engines { t1, t2 }
}

const MODES: [(&str, &str); 8] = [
    ("none", "json_clone"),       // baseline: cloning the page's JSON (what context_for hands over)
    ("tera1", "render"),          // prebuilt Context, render only
    ("tera1", "from_value"),      // json.clone() + Context::from_value + render (broadsheet today)
    ("tera1", "from_serialize"),  // Context::from_serialize(&typed struct) + render
    ("tera2", "render"),          // prebuilt Context, render only
    ("tera2", "shared"),          // new Context per page from pre-converted tera2 Values (Arc clones) + render
    ("tera2", "from_serialize_json"), // Context::from_serialize(&serde_json::Value) + render
    ("tera2", "from_serialize"),  // Context::from_serialize(&typed struct) + render
];

/// One page: returns output bytes.
fn one(e: &Engines, w: &Workload, engine: &str, mode: &str, i: usize) -> usize {
    match (engine, mode) {
        ("none", _) => {
            let j = w.json[i].clone();
            std::hint::black_box(&j);
            0
        }
        ("tera1", "render") => e.t1[w.set].render(w.template, &w.c1[i]).unwrap().len(),
        ("tera1", "from_value") => {
            let c = tera1::Context::from_value(w.json[i].clone()).unwrap();
            e.t1[w.set].render(w.template, &c).unwrap().len()
        }
        ("tera1", "from_serialize") => {
            let c = w.typed[i].tera1();
            e.t1[w.set].render(w.template, &c).unwrap().len()
        }
        ("tera2", "render") => e.t2[w.set].render(w.template, &w.c2[i]).unwrap().len(),
        ("tera2", "shared") => {
            // What a Tera 2 broadsheet could do: convert site, t and every ArticleSummary to
            // tera2::Value once per build; a page's context is then built from cheap Arc clones.
            let pre = &w.c2[i];
            let mut c = tera2::Context::new();
            for key in w.json[i].as_object().unwrap().keys() {
                c.insert_value(key.clone(), pre.get(key).unwrap().clone());
            }
            e.t2[w.set].render(w.template, &c).unwrap().len()
        }
        ("tera2", "from_serialize_json") => {
            let c = tera2::Context::from_serialize(&w.json[i]).unwrap();
            e.t2[w.set].render(w.template, &c).unwrap().len()
        }
        ("tera2", "from_serialize") => {
            let c = w.typed[i].tera2();
            e.t2[w.set].render(w.template, &c).unwrap().len()
        }
        _ => unreachable!(),
    }
}

fn cpu_now() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Renders `pages` pages (cycling over the workload's contexts). Returns (wall s, cpu s, bytes).
fn run(
    e: &Engines,
    w: &Workload,
    engine: &str,
    mode: &str,
    pages: usize,
    pool: Option<&rayon::ThreadPool>,
) -> (f64, f64, usize) {
    let n = w.json.len();
    let wall = Instant::now();
    let cpu = cpu_now();
    let bytes = match pool {
        None => (0..pages).map(|k| one(e, w, engine, mode, k % n)).sum(),
        Some(pool) => pool.install(|| {
            (0..pages).into_par_iter().map(|k| one(e, w, engine, mode, k % n)).sum()
        }),
    };
    (wall.elapsed().as_secs_f64(), cpu_now() - cpu, bytes)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn bench(ctx_dir: &Path, tpl_dir: &Path, reps: usize, target_ms: f64) {
    let t = Instant::now();
    let e = engines(tpl_dir);
    eprintln!("templates loaded in {:.1} ms (both engines, both sets)", t.elapsed().as_secs_f64() * 1e3);
    // template load time per engine
    for _ in 0..1 {
        let a = Instant::now();
        let _ = tera1_load(&tpl_dir.join("t1/theme"));
        let b = a.elapsed().as_secs_f64() * 1e3;
        let a = Instant::now();
        let _ = tera2_load(&tpl_dir.join("t2/theme"));
        let c = a.elapsed().as_secs_f64() * 1e3;
        println!("load theme templates: tera1 {b:.2} ms (x2 names, as broadsheet), tera2 {c:.2} ms");
    }
    let ws = workloads(ctx_dir);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // calibrate pages per measurement from one single-threaded pass per (workload, mode)
    let mut pages_for: HashMap<(usize, usize), usize> = HashMap::new();
    for (wi, w) in ws.iter().enumerate() {
        for (mi, (eng, mode)) in MODES.iter().enumerate() {
            let n = w.json.len();
            let (wall, _, _) = run(&e, w, eng, mode, n, None);
            let per = wall / n as f64;
            let pages = ((target_ms / 1e3) / per).ceil().max(n as f64) as usize;
            pages_for.insert((wi, mi), pages);
        }
    }
    // samples[(wi, mi, threads)] = [(wall_us_per_page, cpu_us_per_page, bytes_per_page)]
    let mut samples: BTreeMap<(usize, usize, usize), Vec<(f64, f64, f64)>> = BTreeMap::new();
    let mut loads = Vec::new();
    for rep in 0..reps {
        loads.push(loadavg());
        eprintln!("rep {}/{reps} load {}", rep + 1, loads.last().unwrap());
        for (wi, w) in ws.iter().enumerate() {
            for (mi, (eng, mode)) in MODES.iter().enumerate() {
                for threads in [1usize, 2] {
                    let pages = pages_for[&(wi, mi)];
                    let p = if threads == 1 { None } else { Some(&pool) };
                    let (wall, cpu, bytes) = run(&e, w, eng, mode, pages, p);
                    samples.entry((wi, mi, threads)).or_default().push((
                        wall * 1e6 / pages as f64,
                        cpu * 1e6 / pages as f64,
                        bytes as f64 / pages as f64,
                    ));
                }
            }
        }
    }
    println!("load averages at the start of each rep: {}", loads.join(" | "));
    println!(
        "{:<6} {:<12} {:<6} {:<20} {:>3} {:>11} {:>11} {:>9} {:>10} {:>10}",
        "set", "page", "engine", "mode", "thr", "wall µs/pg", "cpu µs/pg", "KB/page", "MB/s", "wall min-max"
    );
    let mut json_out = Vec::new();
    for ((wi, mi, threads), v) in &samples {
        let w = &ws[*wi];
        let (eng, mode) = MODES[*mi];
        let mut wall: Vec<f64> = v.iter().map(|s| s.0).collect();
        let mut cpu: Vec<f64> = v.iter().map(|s| s.1).collect();
        let bytes = v[0].2;
        let (mn, mx) = (
            wall.iter().cloned().fold(f64::MAX, f64::min),
            wall.iter().cloned().fold(0.0, f64::max),
        );
        let mw = median(&mut wall);
        let mc = median(&mut cpu);
        let mbs = if mw > 0.0 { bytes / mw } else { 0.0 }; // bytes per µs == MB/s
        println!(
            "{:<6} {:<12} {:<6} {:<20} {:>3} {:>11.1} {:>11.1} {:>9.1} {:>10.1} {:>5.0}-{:<5.0}",
            w.set, w.label, eng, mode, threads, mw, mc, bytes / 1024.0, mbs, mn, mx
        );
        json_out.push(serde_json::json!({
            "set": w.set, "page": w.label, "engine": eng, "mode": mode, "threads": threads,
            "contexts": w.json.len(), "pages_per_sample": pages_for[&(*wi, *mi)],
            "wall_us_per_page": v.iter().map(|s| s.0).collect::<Vec<_>>(),
            "cpu_us_per_page": v.iter().map(|s| s.1).collect::<Vec<_>>(),
            "bytes_per_page": bytes,
        }));
    }
    let out = serde_json::json!({"loads": loads, "results": json_out, "t2fast": cfg!(feature = "t2fast")});
    let name = if cfg!(feature = "t2fast") { "samples-t2fast.json" } else { "samples.json" };
    std::fs::write(name, serde_json::to_string_pretty(&out).unwrap()).unwrap();
    eprintln!("wrote {name}");
}

fn verify(ctx_dir: &Path, tpl_dir: &Path, out: &Path) {
    let e = engines(tpl_dir);
    let ws = workloads(ctx_dir);
    for w in &ws {
        let (mut same, mut differ) = (0, 0);
        for i in 0..w.json.len() {
            let a = e.t1[w.set].render(w.template, &w.c1[i]).unwrap();
            let b = e.t2[w.set].render(w.template, &w.c2[i]).unwrap();
            let c = e.t1[w.set].render(w.template, &w.typed[i].tera1()).unwrap();
            let d = e.t2[w.set].render(w.template, &w.typed[i].tera2()).unwrap();
            assert!(a == c && b == d, "from_serialize output differs from from_value output");
            if a == b {
                same += 1;
            } else {
                if differ == 0 {
                    let dir = out.join(format!("{}-{}", w.set, w.label));
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(dir.join("tera1.html"), &a).unwrap();
                    std::fs::write(dir.join("tera2.html"), &b).unwrap();
                }
                differ += 1;
            }
        }
        println!(
            "{:<6} {:<12} {:>4} contexts: {same} byte-identical, {differ} differ  (tera1 {} bytes for #0)",
            w.set, w.label, w.json.len(), e.t1[w.set].render(w.template, &w.c1[0]).unwrap().len()
        );
    }
}

fn errors(tpl_dir: &Path) {
    // Each case: (description, file to replace in the theme, replacement text transformer)
    let theme1 = template_files(&tpl_dir.join("t1/theme"));
    let theme2 = template_files(&tpl_dir.join("t2/theme"));
    let article_ctx: J = serde_json::json!({});
    let _ = article_ctx;
    type Edit = fn(&str) -> String;
    let cases: [(&str, &str, Edit, Edit); 4] = [
        (
            "undefined field in article.html (article.titel)",
            "article.html",
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.titel }}</h1>", 1),
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.titel }}</h1>", 1),
        ),
        (
            "syntax error in article.html (`{{ article.title | }}`)",
            "article.html",
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.title | }}</h1>", 1),
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.title | }}</h1>", 1),
        ),
        (
            "unknown filter in article.html (`| shout`)",
            "article.html",
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.title | shout }}</h1>", 1),
            |s| s.replacen("<h1 class=\"headline\">{{ article.title }}</h1>", "<h1 class=\"headline\">{{ article.title | shout }}</h1>", 1),
        ),
        (
            "undefined field inside the macro/component `card` (a.titel), rendered from section.html",
            "macros.html",
            |s| s.replacen("<a href=\"{{ a.url }}\">{{ a.title }}</a></{{ heading }}>", "<a href=\"{{ a.url }}\">{{ a.titel }}</a></{{ heading }}>", 1),
            |s| s.replacen("<a href=\"{{ a.url }}\">{{ a.title }}</a></{{ heading }}>", "<a href=\"{{ a.url }}\">{{ a.titel }}</a></{{ heading }}>", 1),
        ),
    ];
    let ctx_dir = tpl_dir.parent().unwrap().parent().unwrap().join("contexts");
    let art = read_jsonl(&ctx_dir.join("article.jsonl")).remove(0).1;
    let sec = read_jsonl(&ctx_dir.join("section20.jsonl")).remove(0).1;
    for (desc, file, e1, e2) in cases {
        println!("==== {desc}");
        let (tpl, ctx) = if file == "macros.html" { ("section.html", &sec) } else { ("article.html", &art) };
        // tera 1
        let mut files1 = theme1.clone();
        for f in files1.iter_mut() { if f.0 == file { f.1 = e1(&f.1); } }
        let mut t1 = tera1::Tera::default();
        tera1_register_min(&mut t1);
        let r1 = t1
            .add_raw_templates(files1.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .and_then(|_| t1.render(tpl, &tera1::Context::from_value(ctx.clone()).unwrap()).map(|_| ()));
        match r1 {
            Ok(()) => println!("-- tera1: no error"),
            Err(e) => {
                let mut chain = vec![e.to_string()];
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src { chain.push(s.to_string()); src = s.source(); }
                println!("-- tera1:\n{}", chain.join("\n  caused by: "));
            }
        }
        // tera 2
        let file2 = if file == "macros.html" { "components.html" } else { file };
        let mut files2 = theme2.clone();
        for f in files2.iter_mut() { if f.0 == file2 { f.1 = e2(&f.1); } }
        let mut t2 = tera2::Tera::new();
        tera2_register(&mut t2);
        let r2 = t2
            .add_raw_templates(files2.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .and_then(|_| t2.render(tpl, &tera2::Context::from_serialize(ctx).unwrap()).map(|_| ()));
        match r2 {
            Ok(()) => println!("-- tera2: no error"),
            Err(e) => println!("-- tera2:\n{e}"),
        }
    }
    // duplicate registration as broadsheet does (`x.html` and `theme/x.html`)
    println!("==== registering every template twice (as `x.html` and `theme/x.html`), as broadsheet does");
    let mut t2 = tera2::Tera::new();
    tera2_register(&mut t2);
    let mut raw = Vec::new();
    for (n, t) in &theme2 { raw.push((format!("theme/{n}"), t.clone())); raw.push((n.clone(), t.clone())); }
    match t2.add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        Ok(()) => println!("-- tera2: ok"),
        Err(e) => println!("-- tera2:\n{e}"),
    }
}

fn tera1_register_min(t: &mut tera1::Tera) {
    let full = tera1_load_filters_only();
    t.extend(&full).unwrap();
}
fn tera1_load_filters_only() -> tera1::Tera {
    // filters/functions only: load an empty dir equivalent
    let mut tera = tera1::Tera::default();
    let dummy = tera1_load_from(&[]);
    tera.extend(&dummy).unwrap();
    dummy
}
fn tera1_load_from(files: &[(String, String)]) -> tera1::Tera {
    let dir = std::env::temp_dir().join(format!("tc-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, t) in files { std::fs::write(dir.join(n), t).unwrap(); }
    let t = tera1_load(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    t
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let p = |i: usize| PathBuf::from(&args[i]);
    match args.get(1).map(String::as_str) {
        Some("bench") => {
            let reps = args.get(4).map_or(5, |s| s.parse().unwrap());
            let target = args.get(5).map_or(250.0, |s| s.parse().unwrap());
            bench(&p(2), &p(3), reps, target)
        }
        Some("verify") => verify(&p(2), &p(3), &p(4)),
        Some("errors") => errors(&p(2)),
        _ => eprintln!("usage: see src/main.rs"),
    }
}
