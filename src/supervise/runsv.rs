//! The embedded runsv (being built).

use std::ffi::OsString;

/// `runsv` personality entry point; returns the exit code.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("runsv: not implemented yet");
    111
}
