//! The `broadsheet` command line.

fn main() {}
