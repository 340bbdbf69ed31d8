//! Integration tests: one binary for every suite.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod serve;
mod split;
mod tools;
mod watch;
