//! The embedded runsvdir (being built).

use std::ffi::OsString;

/// `runsvdir` personality entry point; returns the exit code.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("runsvdir: not implemented yet");
    111
}
