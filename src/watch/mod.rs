//! `broadsheet watch`: build once, then rebuild on every change under the site's sources.
//!
//! * [`plan`] decides from paths alone what a batch of changes asks for ([`Rebuild`]); it is
//!   pure and unit-tested.
//! * [`run`] owns the notify watcher, batches events, applies each [`Rebuild`] to a
//!   [`crate::build::Session`] (which renders only pages whose signature changed) and reports
//!   one [`Outcome`] per batch. Build errors are outcomes, never the end of the loop; only a
//!   broken start (no `site.toml`, unreadable root, watcher setup) returns `Err`.
//!
//! Printing is the caller's job (`main.rs`, or `serve`, which also pushes outcomes to browsers).

mod plan;
mod run;

pub use plan::{Layout, Rebuild};
pub use run::{Outcome, Watch};
