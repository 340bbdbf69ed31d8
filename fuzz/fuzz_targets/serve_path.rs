//! Fuzz target: `broadsheet::fuzzing::serve_path` on arbitrary bytes (see docs/reliability.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| broadsheet::fuzzing::serve_path(data));
