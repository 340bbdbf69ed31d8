//! Which file of the output folder a URL names, and what is refused: `..`, encoded
//! separators, and symlinks or paths that resolve outside the folder. HTML is read here and
//! gets the live-reload script; every other file goes to tower-http's `ServeFile` (ranges,
//! conditional requests, `HEAD`). Not here: the server, the event stream (`serve`).

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

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

/// `/news/x` → `/x` when the site's base path is `/news/`; other paths unchanged.
pub(crate) fn strip_base_path(path: &str, base_path: &str) -> String {
    let base = base_path.trim_end_matches('/');
    match path.strip_prefix(base) {
        Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            if rest.is_empty() { "/".to_owned() } else { rest.to_owned() }
        }
        _ => path.to_owned(),
    }
}

/// The `since=N` of an event-stream query: the generation its page was served at.
pub(crate) fn since(query: &str) -> Option<u64> {
    query.split('&').find_map(|pair| pair.strip_prefix("since="))?.parse().ok()
}

/// What a URL path names in the output folder.
#[derive(Debug, PartialEq)]
pub(super) enum Target {
    /// A file inside the folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Folder,
    /// Nothing there.
    Missing,
    /// `..`, a bad escape, or a path or symlink leading out of the folder.
    Outside,
}

/// Resolves a (base-path-stripped, still percent-encoded) URL path against `root`.
pub(super) fn resolve(root: &Path, path: &str) -> Target {
    let Some(relative) = decode_path(path) else { return Target::Outside };
    let mut file = root.join(relative);
    if file.is_dir() {
        if !path.ends_with('/') {
            return Target::Folder;
        }
        file.push("index.html");
    }
    if !file.exists() {
        return Target::Missing;
    }
    inside(root, &file).map_or(Target::Outside, Target::File)
}

/// Answers a GET or HEAD for `path` (`original` is the path as asked, base path included).
pub(super) async fn respond(
    request: Request,
    original: &str,
    path: &str,
    root: &Path,
    generation: u64,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let allow = [(header::ALLOW, "GET, HEAD")];
        return (StatusCode::METHOD_NOT_ALLOWED, allow, "method not allowed\n").into_response();
    }
    match resolve(root, path) {
        Target::File(file) if is_html(&file) => {
            html(StatusCode::OK, &file, generation).unwrap_or_else(|| not_found(root, generation))
        }
        Target::File(file) => serve_file(request, &file).await,
        Target::Folder => {
            let location = [(header::LOCATION, format!("{original}/"))];
            (StatusCode::MOVED_PERMANENTLY, location).into_response()
        }
        Target::Missing => not_found(root, generation),
        Target::Outside => (StatusCode::FORBIDDEN, "forbidden\n").into_response(),
    }
}

fn is_html(file: &Path) -> bool {
    content_type(file).starts_with("text/html")
}

/// A file that is not HTML, through `ServeFile`; our content types win over its guesses.
async fn serve_file(request: Request, file: &Path) -> Response {
    let mut response = match ServeFile::new(file).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(e) => {
            let message = format!("cannot read {}: {e}\n", file.display());
            return (StatusCode::INTERNAL_SERVER_ERROR, message).into_response();
        }
    };
    let kind = content_type(file);
    if kind != "application/octet-stream" && response.status().is_success() {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// An HTML page with the live-reload script; never cached, because the script carries the
/// generation it was served at. Ranges and conditions are ignored for the same reason.
fn html(status: StatusCode, file: &Path, generation: u64) -> Option<Response> {
    let body = inject(crate::fs::read(file).ok()?, generation);
    let headers =
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")];
    Some((status, headers, body).into_response())
}

/// The site's `404.html` with status 404, or a plain message.
fn not_found(root: &Path, generation: u64) -> Response {
    let page = inside(root, &root.join("404.html"));
    let page = page.and_then(|page| html(StatusCode::NOT_FOUND, &page, generation));
    page.unwrap_or_else(|| (StatusCode::NOT_FOUND, "not found\n").into_response())
}

/// The file, canonical, if it resolves (through symlinks) to a place inside `root`.
fn inside(root: &Path, file: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    file.starts_with(&root).then_some(file)
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
        assert_eq!(since("since=4"), Some(4));
        assert_eq!(since("x=1"), None);
    }

    #[test]
    fn script_goes_before_the_body_end() {
        let html = inject(b"<p>x</p></BODY></html>".to_vec(), 3);
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<p>x</p><script data-broadsheet-live-reload>"));
        assert!(html.ends_with("</script></BODY></html>"));
    }
}
