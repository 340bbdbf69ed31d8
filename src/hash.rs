//! 64-bit hashes of values, for the build's signatures and cache keys.
//!
//! std's `DefaultHasher` is stable within one build of broadsheet but not promised across Rust
//! releases, so anything persisted with these hashes must carry the broadsheet version. This
//! module is not for anything security-related.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

/// Hashes any hashable value.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Feeds a JSON value's serialisation into a hasher without building the string.
pub(crate) fn hash_value(hasher: &mut DefaultHasher, value: &Value) {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl std::io::Write for Sink<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Writing a `Value` into an infallible sink cannot fail.
    let _ = serde_json::to_writer(Sink(hasher), value);
}

/// The hash of one JSON value (e.g. an article summary).
pub(crate) fn value_hash(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_value(&mut hasher, value);
    hasher.finish()
}
