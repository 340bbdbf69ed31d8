//! Ctrl+C and `kill` (SIGINT, SIGTERM, SIGHUP) during a `build`: the first one asks the build
//! to stop at the next page, before anything reaches the output folder; a second one ends the
//! process at once. The commit into the output folder is never cut short by the first signal,
//! so an interrupted build leaves the last good site or the new one, never a mix.
//! Not here: what the build does when asked to stop (`output` refuses to stage, the session
//! refuses to commit), or `watch`/`serve`, which keep the default behaviour of the signals.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Result, bail};

/// Set by the first signal.
static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Which signal it was.
static SIGNAL: AtomicUsize = AtomicUsize::new(0);

/// Installs the handlers (for `build`). A second signal exits with status 130.
pub fn install() -> Result<()> {
    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        // The shutdown goes first: it only fires once the flag is already set.
        signal_hook::flag::register_conditional_shutdown(signal, 130, &REQUESTED)?;
        signal_hook::flag::register_usize(signal, &SIGNAL, signal as usize)?;
        signal_hook::flag::register(signal, &REQUESTED)?;
    }
    Ok(())
}

/// The name of the signal that asked the build to stop, if one did.
pub fn requested() -> Option<&'static str> {
    if !REQUESTED.load(Ordering::SeqCst) {
        return None;
    }
    Some(match SIGNAL.load(Ordering::SeqCst) as i32 {
        signal_hook::consts::signal::SIGTERM => "SIGTERM",
        signal_hook::consts::signal::SIGHUP => "SIGHUP",
        _ => "SIGINT",
    })
}

/// An error once a stop was asked for: called before each step that writes.
pub(crate) fn check() -> Result<()> {
    match requested() {
        Some(signal) => bail!("interrupted by {signal}"),
        None => Ok(()),
    }
}
