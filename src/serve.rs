//! `broadsheet serve`: a small HTTP server for the output folder, with live reload.
//!
//! Std only (one thread per connection, `Connection: close`), because a preview server for one
//! editor needs no async runtime and the crate stays quick to compile. Browsers listen on
//! `/__broadsheet/events` (Server-Sent Events); after a rebuild they get `reload`, after a
//! failed one `build-error` with the message, which the injected script shows as an overlay.
//! The script is added to HTML responses only, never to the files on disk. Nothing outside the
//! output folder is served: `..`, encoded separators and symlinks leading out are refused.
//! Not here: building (that is `watch`), or anything a production server needs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::watch::Outcome;

/// The URL browsers listen on for rebuild events.
pub const EVENTS_PATH: &str = "/__broadsheet/events";
/// How many ports after the asked one are tried when it is busy.
const PORT_ATTEMPTS: u16 = 10;

/// The script injected before `</body>` of served HTML.
const LIVE_RELOAD: &str = r#"<script data-broadsheet-live-reload>
(() => {
  const key = "broadsheet-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => scrollTo(0, Number(saved)));
  }
  const events = new EventSource("/__broadsheet/events?since=__GENERATION__");
  events.addEventListener("reload", () => {
    sessionStorage.setItem(key, String(scrollY));
    location.reload();
  });
  events.addEventListener("build-error", (event) => {
    let box = document.getElementById("broadsheet-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "broadsheet-error";
      box.style.cssText = "position:fixed;inset:auto 1em 1em 1em;z-index:2147483647;margin:0;" +
        "padding:1em;max-height:50vh;overflow:auto;white-space:pre-wrap;background:#fff0f0;" +
        "color:#900;border:2px solid #900;font:14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = JSON.parse(event.data);
  });
})();
</script>"#;

/// Shared between the accept thread, connection threads and the watch loop.
#[derive(Default)]
struct State {
    /// Open event streams.
    clients: Vec<TcpStream>,
    /// The last build error, sent to browsers that connect while it stands.
    error: Option<String>,
    /// Successful rebuilds so far. A page carries the number it was served at, so a page
    /// that connects after a rebuild it missed (it was still loading) reloads at once.
    generation: u64,
    /// The path of `base_url` (`/news/`): requests under it are served from the output root.
    base_path: String,
}

/// A running server; it stops when the process does.
pub struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// Binds `interface:port` (or one of the next ports if busy; port 0 lets the OS pick) and
    /// serves `root` on a background thread.
    pub fn start(root: &Path, interface: &str, port: u16) -> Result<Server> {
        let listener = bind(interface, port)?;
        let port = listener.local_addr().context("cannot read the bound address")?.port();
        let state = Arc::new(Mutex::new(State::default()));
        let root = root.to_path_buf();
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().filter_map(Result::ok) {
                let (root, state) = (root.clone(), Arc::clone(&shared));
                thread::spawn(move || handle(stream, &root, &state));
            }
        });
        Ok(Server { port, state })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves the site under the sub-path of its `base_url` (`/news/`) as well as at the root,
    /// so the links of a site built for a sub-path work in the preview.
    pub fn set_base_path(&self, base_path: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.base_path = base_path.to_owned();
    }

    /// Tells every open page about a rebuild: reload, or show the error.
    pub fn notify(&self, outcome: &Outcome) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let message = match outcome {
            Outcome::Rebuilt { .. } => {
                state.error = None;
                state.generation += 1;
                "event: reload\ndata: {}\n\n".to_owned()
            }
            Outcome::Failed { line, errors } => {
                let text = format!("build failed after {line}\n\n{}", errors.join("\n"));
                state.error = Some(text.clone());
                error_event(&text)
            }
        };
        state.clients.retain_mut(|client| client.write_all(message.as_bytes()).is_ok());
    }
}

fn error_event(text: &str) -> String {
    format!("event: build-error\ndata: {}\n\n", serde_json::Value::from(text))
}

/// Binds the port asked for, or the first free one of the next [`PORT_ATTEMPTS`].
fn bind(interface: &str, port: u16) -> Result<TcpListener> {
    let last = if port == 0 { 0 } else { port.saturating_add(PORT_ATTEMPTS) };
    let mut error = None;
    for candidate in port..=last {
        match TcpListener::bind((interface, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => error = Some(e),
        }
    }
    let error = error.map_or_else(String::new, |e| e.to_string());
    bail!("cannot listen on {interface}, ports {port} to {last} are busy or refused: {error}")
}

/// Answers one request.
fn handle(mut stream: TcpStream, root: &Path, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, target)) = read_request_head(&stream) else { return };
    let (generation, base_path) = {
        let state = state.lock().unwrap_or_else(PoisonError::into_inner);
        (state.generation, state.base_path.clone())
    };
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = strip_base_path(path, &base_path);
    if path == EVENTS_PATH {
        return open_events(stream, state, since(&target));
    }
    let response = respond(&method, &path, root, generation);
    let mut head = format!(
        "HTTP/1.1 {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n",
        response.status,
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&response.body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// `/news/x` → `/x` when the site's base path is `/news/`; other paths unchanged.
fn strip_base_path(path: &str, base_path: &str) -> String {
    let base = base_path.trim_end_matches('/');
    match path.strip_prefix(base) {
        Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            if rest.is_empty() { "/".to_owned() } else { rest.to_owned() }
        }
        _ => path.to_owned(),
    }
}

/// The `since=N` of an event-stream request: the generation its page was served at.
fn since(target: &str) -> Option<u64> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix("since="))?.parse().ok()
}

/// Keeps an event stream open; the watch loop writes to it.
///
/// The head is written under the lock, in the same step that registers the stream: once the
/// browser sees the stream open, no rebuild event can slip past it.
fn open_events(mut stream: TcpStream, state: &Mutex<State>, since: Option<u64>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: keep-alive\r\n\r\nretry: 500\n\n";
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    if let Some(error) = &state.error {
        let _ = stream.write_all(error_event(error).as_bytes());
    } else if since.is_some_and(|served| served < state.generation) {
        let _ = stream.write_all(b"event: reload\ndata: {}\n\n");
    }
    state.clients.push(stream);
}

fn read_request_head(stream: &TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut header = String::new();
    while reader.read_line(&mut header).ok()? > 0 && !header.trim_end().is_empty() {
        header.clear();
    }
    Some((method, target))
}

/// A response before it is written.
struct Response {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn text(status: &'static str, body: &str) -> Response {
    let headers = vec![("Content-Type", "text/plain; charset=utf-8".to_owned())];
    Response { status, headers, body: body.as_bytes().to_vec() }
}

fn respond(method: &str, path: &str, root: &Path, generation: u64) -> Response {
    if method != "GET" && method != "HEAD" {
        return text("405 Method Not Allowed", "method not allowed\n");
    }
    let Some(relative) = decode_path(path) else { return text("403 Forbidden", "forbidden\n") };
    let mut file = root.join(&relative);
    if file.is_dir() {
        if !path.ends_with('/') {
            let location = vec![("Location", format!("{path}/"))];
            return Response { status: "301 Moved Permanently", headers: location, body: vec![] };
        }
        file.push("index.html");
    }
    if !file.exists() {
        return not_found(root, generation);
    }
    match inside(root, &file) {
        Some(file) => {
            serve_file("200 OK", &file, generation).unwrap_or_else(|| not_found(root, generation))
        }
        None => text("403 Forbidden", "forbidden\n"),
    }
}

/// The file, canonical, if it resolves (through symlinks) to a place inside `root`.
fn inside(root: &Path, file: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    file.starts_with(&root).then_some(file)
}

/// The site's `404.html` with status 404, or a plain message.
fn not_found(root: &Path, generation: u64) -> Response {
    let page = root.join("404.html");
    let page = inside(root, &page).and_then(|page| serve_file("404 Not Found", &page, generation));
    page.unwrap_or_else(|| text("404 Not Found", "not found\n"))
}

fn serve_file(status: &'static str, file: &Path, generation: u64) -> Option<Response> {
    let body = std::fs::read(file).ok()?;
    let kind = content_type(file);
    let body = if kind.starts_with("text/html") { inject(body, generation) } else { body };
    Some(Response { status, headers: vec![("Content-Type", kind.to_owned())], body })
}

/// Adds the live-reload script before the last `</body>` (or at the end), stamped with the
/// rebuild `generation` the page is served at.
pub fn inject(html: Vec<u8>, generation: u64) -> Vec<u8> {
    let lower = html.to_ascii_lowercase();
    let at = lower.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let script = LIVE_RELOAD.replace("__GENERATION__", &generation.to_string());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A URL path as a relative file path: percent-decoded segments, `.` and empty ones dropped;
/// `None` for `..` or a segment that decodes to a separator.
pub fn decode_path(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/') {
        let segment = percent_decode(segment)?;
        match segment.as_str() {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['/', '\\', '\0']) => return None,
            s => relative.push(s),
        }
    }
    Some(relative)
}

/// Decodes `%XX` escapes as UTF-8; `None` for bad escapes or bad UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of a file, by extension.
pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "wasm" => "application/wasm",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(decode_path("/a/../b"), None);
        assert_eq!(decode_path("/%2e%2e/b"), None);
        assert_eq!(decode_path("/a%2F..%2Fb"), None);
        assert_eq!(decode_path("/%E6%96%87/a/").unwrap(), Path::new("文/a"));
    }

    #[test]
    fn base_path_is_stripped_and_since_is_read() {
        assert_eq!(strip_base_path("/news/a/", "/news/"), "/a/");
        assert_eq!(strip_base_path("/news", "/news/"), "/");
        assert_eq!(strip_base_path("/newsroom/", "/news/"), "/newsroom/");
        assert_eq!(strip_base_path("/a/", "/"), "/a/");
        assert_eq!(since("/__broadsheet/events?since=4"), Some(4));
        assert_eq!(since("/__broadsheet/events"), None);
    }

    #[test]
    fn script_goes_before_the_body_end() {
        let html = inject(b"<p>x</p></BODY></html>".to_vec(), 3);
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<p>x</p><script data-broadsheet-live-reload>"));
        assert!(html.ends_with("</script></BODY></html>"));
    }
}
