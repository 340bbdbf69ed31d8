//! Integration tests: one binary for every suite.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod architecture;
mod build;
mod errors;
mod hostile;
mod html_valid;
mod interrupt;
mod lock;
mod search_index;
mod serve;
mod split;
mod split_props;
mod split_styles;
mod support;
mod tools;
mod watch;
