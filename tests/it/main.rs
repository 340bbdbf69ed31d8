//! Integration tests: one binary for every suite.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod abuse;
mod architecture;
mod build;
mod cached;
mod errors;
mod features;
mod hostile;
mod html_valid;
mod images;
mod interrupt;
mod lock;
mod reader;
mod search_index;
mod serve;
mod split;
mod split_photos;
mod split_props;
mod split_styles;
mod support;
mod tools;
mod watch;
mod watch_abuse;
