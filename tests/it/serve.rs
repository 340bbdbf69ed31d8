//! `broadsheet serve`: the HTTP side (files, MIME types, 404 page, refused escapes, the
//! injected live-reload script) against a real server on a port the OS picks, and live reload
//! in headless Chromium.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use broadsheet::serve::Server;

/// Sends a raw GET; returns (status line, headers, body).
fn get(port: u16, target: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
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
    assert!(headers.contains("Content-Type: text/html; charset=utf-8"), "{headers}");
    assert!(body.contains("<p>A</p><script data-broadsheet-live-reload>"), "{body}");
    let on_disk = std::fs::read_to_string(out.join("a/index.html")).unwrap();
    assert!(!on_disk.contains("script"), "the script must only be in served pages");
    for (name, kind) in [
        ("/atom.xml", "application/xml"),
        ("/search.json", "application/json"),
        ("/app.wasm", "application/wasm"),
        ("/style.css", "text/css"),
    ] {
        assert!(get(port, name).1.contains(&format!("Content-Type: {kind}")), "{name}");
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

#[test]
fn serve_takes_the_next_port_when_busy() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path(), "127.0.0.1", 0).unwrap();
    let second = Server::start(dir.path(), "127.0.0.1", first.port()).unwrap();
    assert_ne!(second.port(), first.port());
}
