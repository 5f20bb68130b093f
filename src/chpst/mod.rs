//! The embedded chpst (being built).

use std::ffi::OsString;

/// `chpst` personality entry point; returns the exit code.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("chpst: not implemented yet");
    111
}
