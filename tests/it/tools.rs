//! External tools for integration tests: the Nu HTML checker, headless Chromium
//! through playwright-core, a tiny static HTTP server and deadline-based waiting.
//!
//! The tools are installed by `.ci/run` (Debian's `chromium`, a JRE, and
//! `npm ci` in `tests/browser/`). A test asks for a tool through
//! [`require_tool`]: locally a missing tool is a loud skip, under `CI=true` it is
//! a failure, so CI can never go green by skipping.
//!
//! Not here: anything about what broadsheet builds; the suites that use these
//! helpers (`html_valid.rs`) hold the assertions.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::Deserialize;

/// Debian's Chromium, the only browser the browser tests drive.
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long the Nu HTML checker may take (JVM start-up included).
const VNU_TIMEOUT: Duration = Duration::from_secs(180);

/// How long `check_page.mjs` may take to launch Chromium and load a page.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository root (where `Cargo.toml` is).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/browser/`: the npm project holding playwright-core and vnu-jar.
fn browser_dir() -> PathBuf {
    repo_root().join("tests/browser")
}

/// Finds an executable on `PATH`, like `which`.
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// True for a regular file with an execute bit.
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The Nu HTML checker's jar from npm's `vnu-jar`, when both it and `java` are installed.
pub(crate) fn vnu() -> Option<PathBuf> {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    (jar.is_file() && which("java").is_some()).then_some(jar)
}

/// Node.js with playwright-core and `/usr/bin/chromium`: what `check_page.mjs` needs.
pub(crate) fn node_with_playwright() -> Option<PageChecker> {
    let node = which("node")?;
    let installed = browser_dir().join("node_modules/playwright-core/package.json").is_file();
    (installed && is_executable(Path::new(CHROMIUM))).then_some(PageChecker { node })
}

/// [`node_with_playwright`] plus axe-core (`tests/browser/node_modules/axe-core`), for the
/// accessibility checks.
pub(crate) fn node_with_playwright_and_axe() -> Option<PageChecker> {
    let axe = browser_dir().join("node_modules/axe-core/axe.min.js").is_file();
    node_with_playwright().filter(|_| axe)
}

/// How to install each tool a test may ask for, by the name given to [`require_tool`].
fn install_hint(tool: &str) -> &'static str {
    match tool {
        "vnu" => {
            "apt-get install default-jre-headless; (cd tests/browser && npm ci --ignore-scripts)"
        }
        "playwright" | "playwright and axe-core" => {
            "apt-get install chromium; (cd tests/browser && npm ci --ignore-scripts)"
        }
        _ => "see .ci/run",
    }
}

/// Hands back `found`, or deals with a missing tool: under `CI=true` the calling
/// test fails; elsewhere a loud skip line goes to stderr and `None` comes back,
/// so the caller returns early.
pub(crate) fn require_tool<T>(tool: &str, found: Option<T>) -> Option<T> {
    if found.is_some() {
        return found;
    }
    let current = thread::current();
    let test = current.name().unwrap_or("a test");
    let line = format!("=== SKIPPED: {test} needs {tool}: {} ===", install_hint(tool));
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{line} (a missing tool fails under CI=true)"
    );
    // Straight to the stderr handle: libtest captures `eprintln!` of passing
    // tests, and a skip nobody sees is the failure mode this guards against.
    let _ = writeln!(std::io::stderr(), "\n{line}");
    None
}

/// Runs the Nu HTML checker on `files` (HTML files or directories; other files
/// are skipped) in one JVM. Returns its error messages (`--format text`: an
/// `Error: …` line, then a `From line … in resource file:…` line): empty when
/// every document is valid. Fails when the checker itself could not run, and on
/// an empty list or a missing path, which vnu would pass as "no errors".
pub(crate) fn run_vnu(files: &[PathBuf]) -> Result<String> {
    let jar = vnu().context("vnu.jar or java is missing")?;
    ensure!(!files.is_empty(), "no files to check");
    if let Some(missing) = files.iter().find(|file| !file.exists()) {
        bail!("{} does not exist", missing.display());
    }
    let mut command = Command::new("java");
    command.arg("-jar").arg(&jar).args(["--errors-only", "--format", "text", "--skip-non-html"]);
    command.args(files);
    let output = run_with_deadline(&mut command, VNU_TIMEOUT)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Drop vnu's closing "Document checking completed[. No errors found]." line
    // and the JVM's "Picked up JAVA_TOOL_OPTIONS: …" notice.
    let errors: String = stderr
        .lines()
        .filter(|line| !line.starts_with("Document checking completed"))
        .filter(|line| !line.starts_with("Picked up "))
        .map(|line| format!("{line}\n"))
        .collect();
    match output.status.code() {
        Some(0) if errors.is_empty() => Ok(errors),
        Some(1) if errors.contains("Error") => Ok(errors),
        _ => bail!("vnu failed ({}): {stderr}", output.status),
    }
}

/// Runs `command` to completion with piped output, killing it past `timeout`.
pub(crate) fn run_with_deadline(command: &mut Command, timeout: Duration) -> Result<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let mut status = None;
    let finished = wait_until(Instant::now() + timeout, || {
        status = child.try_wait().ok().flatten();
        status.is_some()
    });
    let Some(status) = status.filter(|_| finished) else {
        kill(&mut child);
        bail!("{command:?} did not finish within {timeout:?}");
    };
    let stdout = stdout.join().map_err(|_| anyhow!("stdout reader panicked"))?;
    let stderr = stderr.join().map_err(|_| anyhow!("stderr reader panicked"))?;
    Ok(Output { status, stdout, stderr })
}

/// Reads a child's pipe to the end on its own thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error just ends the capture; the exit status tells what happened.
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Kills and reaps a child that overran its deadline.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// What `tests/browser/check_page.mjs` reports about a loaded page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PageReport {
    /// `document.title`.
    pub(crate) title: String,
    /// Text of the first `<h1>`, if any.
    pub(crate) h1: Option<String>,
    /// The `lang` attribute of `<html>` (empty when absent).
    pub(crate) lang: String,
    /// `console.error` messages and uncaught exceptions (including failed local loads).
    pub(crate) console_errors: Vec<String>,
    /// Requests to hosts other than 127.0.0.1; they were blocked.
    pub(crate) failed_requests: Vec<String>,
}

/// Runs `check_page.mjs` with Node.js; get one from [`node_with_playwright`].
#[derive(Debug)]
pub(crate) struct PageChecker {
    node: PathBuf,
}

impl PageChecker {
    /// The Node.js executable, for scripts other than `check_page.mjs`.
    pub(crate) fn node(&self) -> &Path {
        &self.node
    }

    /// A script in `tests/browser/`.
    pub(crate) fn script(&self, name: &str) -> PathBuf {
        browser_dir().join(name)
    }

    /// Opens `url` in headless Chromium, waits for `load` and reports on the page.
    pub(crate) fn check_page(&self, url: &str) -> Result<PageReport> {
        let script = browser_dir().join("check_page.mjs");
        let mut command = Command::new(&self.node);
        command.arg(script).arg(url).env("CHECK_PAGE_TIMEOUT_MS", "30000");
        let output = run_with_deadline(&mut command, PAGE_TIMEOUT)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "check_page.mjs {url} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        serde_json::from_str(stdout.trim())
            .with_context(|| format!("check_page.mjs printed {stdout:?}"))
    }
}

/// Polls `condition` until it holds or `deadline` passes; true if it held.
/// The pause between polls grows from 5 ms to 100 ms.
pub(crate) fn wait_until(deadline: Instant, mut condition: impl FnMut() -> bool) -> bool {
    let mut pause = Duration::from_millis(5);
    loop {
        if condition() {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// A port that was free a moment ago on 127.0.0.1. Prefer binding port 0
/// yourself (as [`serve_dir`] does): another process may take this one first.
pub(crate) fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Stops the server of [`serve_dir`] when dropped.
#[derive(Debug)]
pub(crate) struct ServerGuard {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so the loop sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves the files under `dir` over HTTP on 127.0.0.1 at a port the OS picks;
/// returns that port and a guard that stops the server when dropped.
///
/// GET and HEAD only; `index.html` for directories (with a redirect to add the
/// trailing slash), 404 for anything missing, 403 for `..`. One thread per
/// connection, `Connection: close`: enough for a browser loading a page.
pub(crate) fn serve_dir(dir: &Path) -> (u16, ServerGuard) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let stop = Arc::new(AtomicBool::new(false));
    let root = dir.to_path_buf();
    let flag = Arc::clone(&stop);
    let thread = thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            if let Ok(stream) = stream {
                let root = root.clone();
                thread::spawn(move || serve_connection(stream, &root));
            }
        }
    });
    (port, ServerGuard { port, stop, thread: Some(thread) })
}

/// Answers one request on `stream`, then closes it.
fn serve_connection(mut stream: TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, target)) = read_request_head(&stream) else {
        return;
    };
    let (status, headers, body) = respond(&method, &target, root);
    let mut head =
        format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads the request line and headers; returns the method and the target.
fn read_request_head(stream: &TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut header = String::new();
    while reader.read_line(&mut header).ok()? > 0 && header.trim_end() != "" {
        header.clear();
    }
    Some((method, target))
}

/// The status line, extra headers and body for one request.
fn respond(
    method: &str,
    target: &str,
    root: &Path,
) -> (&'static str, Vec<(&'static str, String)>, Vec<u8>) {
    let text = |status, body: &str| {
        (status, vec![("Content-Type", "text/plain".to_owned())], body.as_bytes().to_vec())
    };
    if method != "GET" && method != "HEAD" {
        return text("405 Method Not Allowed", "method not allowed\n");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(relative) = broadsheet::serve::decode_path(path) else {
        return text("403 Forbidden", "forbidden\n");
    };
    let mut file = root.join(relative);
    if file.is_dir() {
        if !path.ends_with('/') {
            return ("301 Moved Permanently", vec![("Location", format!("{path}/"))], Vec::new());
        }
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => (
            "200 OK",
            vec![("Content-Type", broadsheet::serve::content_type(&file).to_owned())],
            body,
        ),
        Err(_) => text("404 Not Found", "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends a raw GET and returns (status line, headers, body).
    fn get(port: u16, target: &str) -> (String, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
        let head = String::from_utf8(response[..split].to_vec()).unwrap();
        let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
        (status.to_owned(), headers.to_owned(), response[split + 4..].to_vec())
    }

    #[test]
    fn serve_dir_serves_files_indexes_and_refuses_escapes() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("文化/a")).unwrap();
        std::fs::write(site.join("index.html"), "<p>home</p>").unwrap();
        std::fs::write(site.join("文化/a/index.html"), "<p>article</p>").unwrap();
        std::fs::write(site.join("style.css"), "p{}").unwrap();
        std::fs::write(tmp.path().join("outside.txt"), "secret").unwrap();
        let (port, _guard) = serve_dir(&site);

        let (status, headers, body) = get(port, "/");
        assert_eq!(
            (status.as_str(), body.as_slice()),
            ("HTTP/1.1 200 OK", b"<p>home</p>".as_slice())
        );
        assert!(headers.contains("Content-Type: text/html; charset=utf-8"), "{headers}");
        let (status, _, body) = get(port, "/%E6%96%87%E5%8C%96/a/?q=1");
        assert_eq!(
            (status.as_str(), body.as_slice()),
            ("HTTP/1.1 200 OK", b"<p>article</p>".as_slice())
        );
        let (status, headers, _) = get(port, "/%E6%96%87%E5%8C%96/a");
        assert_eq!(status, "HTTP/1.1 301 Moved Permanently");
        assert!(headers.contains("Location: /%E6%96%87%E5%8C%96/a/"), "{headers}");
        let (_, headers, _) = get(port, "/style.css");
        assert!(headers.contains("Content-Type: text/css"), "{headers}");
        assert_eq!(get(port, "/nope.html").0, "HTTP/1.1 404 Not Found");
        assert_eq!(get(port, "/../outside.txt").0, "HTTP/1.1 403 Forbidden");
        assert_eq!(get(port, "/%2E%2E/outside.txt").0, "HTTP/1.1 403 Forbidden");
        assert_eq!(get(port, "/a%2F..%2F..%2Foutside.txt").0, "HTTP/1.1 403 Forbidden");
    }

    #[test]
    fn serve_dir_stops_when_the_guard_drops() {
        let site = tempfile::tempdir().unwrap();
        let (port, guard) = serve_dir(site.path());
        drop(guard);
        // The listener is closed once drop returns: connecting is refused.
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    }

    #[test]
    fn free_port_can_be_bound() {
        let port = free_port();
        assert_ne!(port, 0);
        TcpListener::bind(("127.0.0.1", port)).unwrap();
    }

    #[test]
    fn wait_until_returns_when_the_condition_holds_or_the_deadline_passes() {
        let start = Instant::now();
        let mut polls = 0;
        assert!(wait_until(start + Duration::from_secs(10), || {
            polls += 1;
            polls == 3
        }));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(!wait_until(Instant::now() + Duration::from_millis(50), || false));
    }

    #[test]
    fn run_with_deadline_kills_a_command_that_overruns() {
        let start = Instant::now();
        let error = run_with_deadline(Command::new("sleep").arg("30"), Duration::from_millis(200))
            .unwrap_err();
        assert!(error.to_string().contains("did not finish"), "{error}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn vnu_passes_valid_html_and_reports_invalid_html() {
        let Some(_) = require_tool("vnu", vnu()) else { return };
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.html");
        let bad = dir.path().join("bad.html");
        std::fs::write(&good, "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>好</title><p>正文</p>").unwrap();
        std::fs::write(
            &bad,
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><p><div>坏</p>",
        )
        .unwrap();
        std::fs::write(dir.path().join("style.css"), "p{}").unwrap();

        assert_eq!(run_vnu(std::slice::from_ref(&good)).unwrap(), "");
        let errors = run_vnu(&[dir.path().to_path_buf()]).unwrap();
        assert!(
            errors.contains("bad.html") && errors.contains("Error: Unclosed element"),
            "{errors}"
        );
        assert!(!errors.contains("good.html"), "{errors}");
        assert!(run_vnu(&[dir.path().join("missing.html")]).is_err());
        assert!(run_vnu(&[]).is_err());
    }

    #[test]
    fn check_page_reports_a_served_page() {
        let Some(checker) = require_tool("playwright", node_with_playwright()) else { return };
        let site = tempfile::tempdir().unwrap();
        std::fs::write(
            site.path().join("index.html"),
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>青岛日报</title>\
             <link rel=\"stylesheet\" href=\"/style.css\"><h1> 头版 </h1>",
        )
        .unwrap();
        std::fs::write(site.path().join("style.css"), "h1{color:navy}").unwrap();
        std::fs::write(
            site.path().join("bad.html"),
            "<!doctype html><title>bad</title><img src=\"https://example.org/logo.png\" alt=\"\">\
             <script>console.error('boom')</script><script src=\"/missing.js\"></script>",
        )
        .unwrap();
        let (port, _guard) = serve_dir(site.path());

        let good = checker.check_page(&format!("http://127.0.0.1:{port}/")).unwrap();
        assert_eq!(
            (good.title.as_str(), good.h1.as_deref(), good.lang.as_str()),
            ("青岛日报", Some("头版"), "zh-CN")
        );
        assert!(good.console_errors.is_empty() && good.failed_requests.is_empty(), "{good:?}");

        let bad = checker.check_page(&format!("http://127.0.0.1:{port}/bad.html")).unwrap();
        assert_eq!((bad.h1.as_deref(), bad.lang.as_str()), (None, ""));
        assert_eq!(bad.failed_requests, ["https://example.org/logo.png"]);
        assert!(bad.console_errors.iter().any(|e| e.contains("boom")), "{bad:?}");
        assert!(bad.console_errors.iter().any(|e| e.contains("404")), "{bad:?}");
    }
}
