//! Fuzz target: `broadsheet::fuzzing::split` on arbitrary bytes (see docs/reliability.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| broadsheet::fuzzing::split(data));
