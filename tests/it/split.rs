//! Splitting source issues into article files.
