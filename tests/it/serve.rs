//! `broadsheet serve`: the HTTP side (files, MIME types, 404 page, refused escapes, the
//! injected live-reload script) against a real server on a port the OS picks, and live reload
//! in headless Chromium.
