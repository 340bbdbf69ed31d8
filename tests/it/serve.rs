//! `broadsheet serve`: the HTTP side (files, MIME types, 404 page, refused escapes, the
//! injected live-reload script) against a real server on a port the OS picks, and live reload
//! in headless Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use broadsheet::serve::Server;
use broadsheet::watch::Outcome;
use serde_json::Value;

use crate::tools::{free_port, node_with_playwright, require_tool, wait_until};
use crate::watch::fixture_copy;

/// Sends a raw GET; returns (status line, headers, body).
fn get(port: u16, target: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_owned(), headers.to_owned(), body.to_owned())
}

#[test]
fn serve_answers_files_with_types_404_page_and_refuses_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("a")).unwrap();
    std::fs::write(out.join("a/index.html"), "<html><body><p>A</p></body></html>").unwrap();
    std::fs::write(out.join("404.html"), "<body>gone</body>").unwrap();
    for name in ["atom.xml", "search.json", "app.wasm", "style.css"] {
        std::fs::write(out.join(name), "x").unwrap();
    }
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
    let server = Server::start(&out, "127.0.0.1", 0).unwrap();
    let port = server.port();

    let (status, headers, body) = get(port, "/a/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"), "{headers}");
    assert!(body.contains("<p>A</p><script data-broadsheet-live-reload>"), "{body}");
    let on_disk = std::fs::read_to_string(out.join("a/index.html")).unwrap();
    assert!(!on_disk.contains("script"), "the script must only be in served pages");
    for (name, kind) in [
        ("/atom.xml", "application/xml"),
        ("/search.json", "application/json"),
        ("/app.wasm", "application/wasm"),
        ("/style.css", "text/css"),
    ] {
        let (_, headers, _) = get(port, name);
        assert!(header(&headers, "content-type").is_some_and(|t| t.starts_with(kind)), "{name}");
    }
    assert_eq!(get(port, "/a").0, "HTTP/1.1 301 Moved Permanently");
    let (status, _, body) = get(port, "/nope/");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert!(body.starts_with("<body>gone"), "{body}");
    for target in ["/../secret.txt", "/%2e%2e/secret.txt", "/a%2F..%2F..%2Fsecret.txt", "/link.txt"]
    {
        assert_eq!(get(port, target).0, "HTTP/1.1 403 Forbidden", "{target}");
    }
}

/// Sends raw bytes on one connection and reads until `answers` responses have ended
/// (each counted by its status line) or the server closes; returns everything read.
fn exchange(port: u16, raw: &str, answers: usize) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    while String::from_utf8_lossy(&seen).matches("HTTP/1.1 ").count() < answers
        || !complete(&String::from_utf8_lossy(&seen))
    {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// True when the last response read has its whole body (by its `content-length`).
fn complete(text: &str) -> bool {
    let Some(last) = text.rfind("HTTP/1.1 ") else { return false };
    let Some((head, body)) = text[last..].split_once("\r\n\r\n") else { return false };
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
        .and_then(|n| n.trim().parse::<usize>().ok());
    length.is_none_or(|n| body.len() >= n)
}

/// The value of header `name` (any case) in a raw head.
fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then_some(value.trim())
    })
}

/// A served folder with one page and one stylesheet.
fn small_site() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/index.html"), "<body>A</body>").unwrap();
    std::fs::write(dir.path().join("style.css"), "body { color: red }").unwrap();
    let server = Server::start(dir.path(), "127.0.0.1", 0).unwrap();
    (dir, server)
}

/// Issue #11, item 8: two pipelined requests on one connection get two answers, in order.
#[test]
fn serve_answers_pipelined_requests_on_one_connection() {
    let (_dir, server) = small_site();
    let two = "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\nGET /a/ HTTP/1.1\r\nHost: x\r\n\r\n";
    let text = exchange(server.port(), two, 2);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    let (css, page) = (text.find("color: red").unwrap(), text.find("<body>A").unwrap());
    assert!(css < page, "answers out of order: {text}");
}

/// Keep-alive: a second request on the same connection after the first answer is read.
#[test]
fn serve_keeps_the_connection_alive() {
    let (_dir, server) = small_site();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    for _ in 0..2 {
        stream.write_all(b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut seen = Vec::new();
        let mut buffer = [0; 4096];
        while !String::from_utf8_lossy(&seen).contains("color: red") {
            let n = stream.read(&mut buffer).unwrap();
            assert!(n > 0, "the server closed the connection after one answer");
            seen.extend_from_slice(&buffer[..n]);
        }
    }
}

/// Every connection the server accepts has TCP_NODELAY. Without it a response whose body is
/// written after its headers (the file read is not ready when hyper flushes them) waits for
/// the client's delayed ACK, about 40 ms on Linux, on a reused keep-alive connection: that
/// stall made half of a search query's fetches in Chromium 40–50 ms. Whether the body comes
/// late is a race, so the test reads the option on the server's end of the connection (the
/// server runs in this process) rather than timing answers.
#[test]
fn serve_sets_tcp_nodelay_on_accepted_connections() {
    let (_dir, server) = small_site();
    let port = server.port();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    while !String::from_utf8_lossy(&seen).contains("color: red") {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "the server closed the connection");
        seen.extend_from_slice(&buffer[..n]);
    }
    let accepted = accepted_sockets(port);
    assert!(!accepted.is_empty(), "no accepted connection on port {port} found");
    for fd in accepted {
        assert!(tcp_nodelay(fd), "connection fd {fd} of the server has Nagle's algorithm on");
    }
}

/// This process's connected TCP sockets whose local port is `port` (the server's ends).
fn accepted_sockets(port: u16) -> Vec<i32> {
    let fds = std::fs::read_dir("/proc/self/fd").unwrap();
    fds.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&fd| local_port(fd) == Some(port) && has_peer(fd))
        .collect()
}

fn local_port(fd: i32) -> Option<u16> {
    // SAFETY: getsockname writes at most `len` bytes into the zeroed address it is given.
    let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    let pointer = (&raw mut address).cast::<libc::sockaddr>();
    let ok = unsafe { libc::getsockname(fd, pointer, &mut len) } == 0;
    (ok && i32::from(address.sin_family) == libc::AF_INET).then(|| u16::from_be(address.sin_port))
}

fn has_peer(fd: i32) -> bool {
    // SAFETY: as in local_port.
    let mut address: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    let pointer = (&raw mut address).cast::<libc::sockaddr>();
    unsafe { libc::getpeername(fd, pointer, &mut len) == 0 }
}

fn tcp_nodelay(fd: i32) -> bool {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    let pointer = (&raw mut value).cast::<libc::c_void>();
    // SAFETY: getsockopt writes at most `len` bytes into `value`.
    let ok =
        unsafe { libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, pointer, &mut len) };
    ok == 0 && value != 0
}

/// HEAD, ranges and conditional requests on files; HTML pages are never cached nor cut,
/// because the script injected into them changes with every rebuild.
#[test]
fn serve_answers_head_ranges_and_conditional_requests() {
    let (_dir, server) = small_site();
    let port = server.port();
    let head = exchange(port, "HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert_eq!(header(&head, "content-length"), Some("19"), "{head}");
    assert!(!head.contains("color: red"), "HEAD sent a body: {head}");

    let range =
        "GET /style.css HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nConnection: close\r\n\r\n";
    let range = exchange(port, range, 1);
    assert!(range.starts_with("HTTP/1.1 206 Partial Content"), "{range}");
    assert!(range.ends_with("\r\n\r\nbody"), "{range}");

    let (_, headers, _) = get(port, "/style.css");
    let modified = header(&headers, "last-modified").expect("no Last-Modified on a file");
    let again = format!(
        "GET /style.css HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {modified}\r\nConnection: close\r\n\r\n"
    );
    assert!(exchange(port, &again, 1).starts_with("HTTP/1.1 304 Not Modified"));

    let page = format!(
        "GET /a/ HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {modified}\r\nRange: bytes=0-3\r\nConnection: close\r\n\r\n"
    );
    let page = exchange(port, &page, 1);
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("data-broadsheet-live-reload"), "{page}");
    assert_eq!(header(&page, "cache-control"), Some("no-store"), "{page}");
}

/// Reads an event stream until `wanted` appears (every read has a deadline).
fn events_until(stream: &mut TcpStream, wanted: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    while !String::from_utf8_lossy(&seen).contains(wanted) {
        match stream.read(&mut buffer) {
            Ok(n) if n > 0 => seen.extend_from_slice(&buffer[..n]),
            _ => {
                panic!("no {wanted:?} on the event stream; saw {}", String::from_utf8_lossy(&seen))
            }
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// The event stream without a browser: a page served before a rebuild it missed reloads at
/// once; a failed build sends its message, and a browser connecting meanwhile gets it too.
#[test]
fn serve_event_stream_sends_reload_and_build_errors() {
    let (_dir, server) = small_site();
    let page = get(server.port(), "/a/").2;
    assert!(page.contains("/__broadsheet/events?since=0"), "{page}");
    server.notify(&Outcome::Rebuilt { line: "rebuilt".into(), report: Box::default() });
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(b"GET /__broadsheet/events?since=0 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let text = events_until(&mut stream, "event: reload");
    assert!(header(&text, "content-type").is_some_and(|t| t.starts_with("text/event-stream")));

    let errors = vec!["content/a.md:2: bad <title>".to_owned()];
    server.notify(&Outcome::Failed { line: "1 article changed".into(), errors });
    let text = events_until(&mut stream, "event: build-error");
    assert!(
        text.contains(
            r#"data: "build failed after 1 article changed\n\ncontent/a.md:2: bad <title>""#
        ),
        "{text}"
    );
    let mut late = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    late.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    late.write_all(b"GET /__broadsheet/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    events_until(&mut late, "content/a.md:2");
}

#[test]
fn serve_answers_under_the_base_path_of_a_sub_path_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/index.html"), "<body>A</body>").unwrap();
    let server = Server::start(dir.path(), "127.0.0.1", 0).unwrap();
    server.set_base_path("/news/");
    assert_eq!(get(server.port(), "/news/a/").0, "HTTP/1.1 200 OK");
    assert_eq!(get(server.port(), "/a/").0, "HTTP/1.1 200 OK");
}

#[test]
fn serve_takes_the_next_port_when_busy() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path(), "127.0.0.1", 0).unwrap();
    let second = Server::start(dir.path(), "127.0.0.1", first.port()).unwrap();
    assert_ne!(second.port(), first.port());
}

/// A child process with its stdout and stderr lines on a channel (stderr ones prefixed
/// `stderr: `); killed and reaped on drop, so a failing assertion leaves nothing running.
struct Running {
    child: Child,
    lines: Receiver<String>,
    stdin: Option<ChildStdin>,
    /// How long the process may take to exit by itself once its stdin is closed.
    grace: Duration,
}

impl Running {
    fn spawn(command: &mut Command, grace: Duration) -> Running {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let (sender, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for (pipe, prefix) in
            [(Box::new(stdout) as Box<dyn Read + Send>, ""), (Box::new(stderr), "stderr: ")]
        {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = sender.send(format!("{prefix}{line}"));
                }
            });
        }
        let stdin = child.stdin.take();
        Running { child, lines, stdin, grace }
    }

    /// The first line (of those not yet read) that `accept` takes, within `timeout`.
    fn line(&self, what: &str, timeout: Duration, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if accept(&line) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no {what} within {timeout:?}; saw {seen:#?}");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Closing stdin lets `live_reload.mjs` close Chromium itself (Chromium runs in its own
        // process group, so killing Node alone could leave it behind); past the grace period,
        // or at once for the server, the process is killed.
        drop(self.stdin.take());
        let deadline = Instant::now() + self.grace;
        if !wait_until(deadline, || self.child.try_wait().ok().flatten().is_some()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `tests/browser/live_reload.mjs` looking at one page.
struct Page(Running);

impl Page {
    /// Sends one command and returns its JSON answer.
    fn ask(&mut self, command: &str) -> Value {
        let stdin = self.0.stdin.as_mut().unwrap();
        writeln!(stdin, "{command}").unwrap();
        stdin.flush().unwrap();
        self.answer(command)
    }

    /// The next JSON line on stdout (every wait in the script has a 10 s deadline).
    fn answer(&self, what: &str) -> Value {
        let line = self
            .0
            .line(&format!("answer to {what:?}"), Duration::from_secs(60), |l| l.starts_with('{'));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{what}: bad JSON {line:?}: {e}"))
    }
}

/// The issue's "done when": a page opened from `serve` shows an edit to its article without a
/// manual reload (keeping its scroll position), shows the error overlay naming the file for a
/// broken edit, and drops it on the next good build. The real binary, the real watcher and
/// headless Chromium; every wait has a deadline.
#[test]
fn serve_live_reloads_in_browser() {
    let Some(node) = require_tool("playwright", node_with_playwright()) else { return };
    let (_dir, site) = fixture_copy();
    let article = site.join("content/2024-05-24/01-budget.md");
    // Long enough to scroll, so the test can see the scroll position survive a reload.
    let mut good = std::fs::read_to_string(&article).unwrap();
    for n in 1..=80 {
        good.push_str(&format!("\nFiller paragraph {n} of the budget story.\n"));
    }
    std::fs::write(&article, &good).unwrap();

    let server = Running::spawn(
        Command::new(env!("CARGO_BIN_EXE_broadsheet"))
            .arg("serve")
            .arg("--root")
            .arg(&site)
            .arg("--output-dir")
            .arg(site.join("public"))
            .args(["--port", &free_port().to_string()]),
        Duration::ZERO,
    );
    // The port asked for may have been taken meanwhile: the line names the one in use.
    let serving = server
        .line("`serving … at URL` line", Duration::from_secs(60), |l| l.starts_with("serving `"));
    let url = serving.split(" at ").nth(1).and_then(|rest| rest.split_whitespace().next());
    let url = url.unwrap_or_else(|| panic!("no URL in {serving:?}"));
    let mut page = Page(Running::spawn(
        Command::new(node.node())
            .arg(node.script("live_reload.mjs"))
            .arg(format!("{url}2024/05/24/budget-vote/")),
        Duration::from_secs(10),
    ));
    let ready = page.answer("start");
    assert_eq!(ready["event"], "ready", "{ready}");
    assert!(ready["title"].as_str().unwrap().starts_with("Budget vote"), "{ready}");
    assert_eq!(page.ask("scroll 900")["y"], 900, "the page is too short to scroll");

    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let sentence = format!("The edit {stamp} reached the browser.");
    std::fs::write(&article, format!("{good}\n{sentence}\n")).unwrap();
    let text = page.ask(&format!("wait-text {sentence}"));
    assert_eq!(text["found"], true, "the edit never showed: {text}");
    assert_eq!(text["reloaded"], true, "the text changed without a new document? {text}");
    assert_eq!(text["connected"], true, "the reloaded page has no event stream: {text}");
    assert_eq!(page.ask("get-scroll")["y"], 900, "the reload lost the scroll position");

    std::fs::write(&article, good.replacen("title: ", "title: [unclosed ", 1)).unwrap();
    let overlay = page.ask("wait-overlay");
    assert_eq!(overlay["visible"], true, "no error overlay: {overlay}");
    let message = overlay["text"].as_str().unwrap();
    assert!(message.contains("content/2024-05-24/01-budget.md:2:"), "{message}");
    assert_eq!(overlay["reloaded"], false, "a failed build must not reload: {overlay}");

    let fixed = format!("The fix {stamp} reached the browser.");
    std::fs::write(&article, format!("{good}\n{fixed}\n")).unwrap();
    let gone = page.ask("wait-no-overlay");
    assert_eq!(gone["gone"], true, "the overlay stayed after a good build: {gone}");
    assert_eq!(gone["reloaded"], true, "{gone}");
    let text = page.ask(&format!("wait-text {fixed}"));
    assert_eq!(text["found"], true, "the fix never showed: {text}");

    let bye = page.ask("quit");
    assert_eq!(bye["consoleErrors"], serde_json::json!([]), "{bye}");
    drop(page);
    drop(server);
}
