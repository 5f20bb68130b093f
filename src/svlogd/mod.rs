//! The embedded svlogd (being built).

use std::ffi::OsString;

/// `svlogd` personality entry point; returns the exit code.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("svlogd: not implemented yet");
    111
}
