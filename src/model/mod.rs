//! Spec → desired tree (pure; no I/O). See [`types`] for the data it produces.

mod types;

pub use types::*;
