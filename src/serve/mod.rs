//! `broadsheet serve`: the output folder over HTTP, with live reload and an error overlay.
//!
//! HTTP is hyper (through axum) and tower-http's `ServeFile`: keep-alive, pipelining, `HEAD`,
//! conditional requests, ranges and the parsing of hostile requests come from code that
//! thousands of servers run, not from us. What is ours sits in front of it: which file a URL
//! names, and the refusal of anything outside the output folder ([`files`]); the live-reload
//! script injected into served HTML (never into the files on disk); and the event stream.
//! Browsers listen on `/__broadsheet/events` (Server-Sent Events); after a rebuild they get
//! `reload`, after a failed one `build-error` with the message, shown as an overlay.
//! Not here: building (that is `watch`), or anything a production server needs.

mod files;

use std::convert::Infallible;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use axum::extract::{Request, State as Shared};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt as _;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::watch::Outcome;

pub use files::{content_type, decode_path, inject};
pub(crate) use files::{since, strip_base_path};

/// The URL browsers listen on for rebuild events.
pub const EVENTS_PATH: &str = "/__broadsheet/events";
/// How many ports after the asked one are tried when it is busy.
const PORT_ATTEMPTS: u16 = 10;

/// Shared between the request handlers and the watch loop.
#[derive(Default)]
struct State {
    /// Open event streams.
    clients: Vec<UnboundedSender<Event>>,
    /// The last build error, sent to browsers that connect while it stands.
    error: Option<String>,
    /// Successful rebuilds so far. A page carries the number it was served at, so a page
    /// that connects after a rebuild it missed (it was still loading) reloads at once.
    generation: u64,
    /// The path of `base_url` (`/news/`): requests under it are served from the output root.
    base_path: String,
}

/// What every request handler sees.
#[derive(Clone)]
struct App {
    root: Arc<PathBuf>,
    state: Arc<Mutex<State>>,
}

impl App {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
        listener.set_nonblocking(true).context("cannot make the listening socket non-blocking")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .context("cannot start the HTTP server's runtime")?;
        let state = Arc::new(Mutex::new(State::default()));
        let app = App { root: Arc::new(root.to_path_buf()), state: Arc::clone(&state) };
        std::thread::Builder::new()
            .name("serve".to_owned())
            .spawn(move || runtime.block_on(run(listener, app)))
            .context("cannot start the HTTP server's thread")?;
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
        let event = match outcome {
            Outcome::Rebuilt { .. } => {
                state.error = None;
                state.generation += 1;
                reload_event()
            }
            Outcome::Failed { line, errors } => {
                let text = format!("build failed after {line}\n\n{}", errors.join("\n"));
                state.error = Some(text.clone());
                error_event(&text)
            }
        };
        state.clients.retain(|client| client.send(event.clone()).is_ok());
    }
}

fn reload_event() -> Event {
    Event::default().event("reload").data("{}")
}

fn error_event(text: &str) -> Event {
    Event::default().event("build-error").data(serde_json::Value::from(text).to_string())
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

/// Serves until the process ends; a listener that cannot be taken over is reported once.
async fn run(listener: TcpListener, app: App) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => return log::error!("the HTTP server cannot use its socket: {e}"),
    };
    // Without TCP_NODELAY a response's body waits behind its headers for the browser's
    // delayed ACK (40 ms on Linux) on every reused keep-alive connection: a search query's
    // second and third round trips each paid it.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            log::debug!("cannot set TCP_NODELAY on a connection: {e}");
        }
    });
    let router = axum::Router::new().fallback(answer).with_state(app);
    if let Err(e) = axum::serve(listener, router).await {
        log::error!("the HTTP server stopped: {e}");
    }
}

/// One request: the event stream, or a file of the output folder.
async fn answer(Shared(app): Shared<App>, request: Request) -> Response {
    let (generation, base_path) = {
        let state = app.lock();
        (state.generation, state.base_path.clone())
    };
    let uri = request.uri().clone();
    let path = files::strip_base_path(uri.path(), &base_path);
    if path == EVENTS_PATH {
        return open_events(&app, files::since(uri.query().unwrap_or(""))).into_response();
    }
    files::respond(request, uri.path(), &path, &app.root, generation).await
}

/// An event stream; the watch loop writes to it through the registered sender.
///
/// The first events are queued in the same step that registers the stream, under the lock: no
/// rebuild event can slip between what the page was told and what it will be told.
fn open_events(
    app: &App,
    since: Option<u64>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>> + use<>> {
    let (sender, receiver) = unbounded_channel();
    let mut state = app.lock();
    let _ = sender.send(Event::default().retry(Duration::from_millis(500)));
    if let Some(error) = &state.error {
        let _ = sender.send(error_event(error));
    } else if since.is_some_and(|served| served < state.generation) {
        let _ = sender.send(reload_event());
    }
    state.clients.push(sender);
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = receiver.recv().await?;
        Some((Ok(event), receiver))
    });
    Sse::new(stream)
}
