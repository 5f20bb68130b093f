//! Spec → desired tree (pure; no I/O). See [`types`] for the data it produces, [`build`] for
//! how, and [`manifest`] for a text view of the result.
//!
//! Tree keys are logical absolute paths; `--root` is applied by observe/apply on disk, and by
//! the model only to paths written inside scripts ([`ModelOptions::root`]).

mod build;
mod builder;
mod context;
mod error;
mod log;
mod log_config;
mod manifest;
mod marker;
mod options;
mod run_data;
mod service;
mod types;
mod user_runsvdir;

pub use build::build;
pub use error::BuildError;
pub use log_config::log_config;
pub use manifest::manifest;
pub use marker::{marker_text, service_hash, Fnv64, MARKER_FILE};
pub use options::{account_groups, ModelOptions};
pub use types::*;
pub use user_runsvdir::runsvdir_name;

#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod tests;
