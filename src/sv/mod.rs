//! runit's `sv` client (being built).

use std::ffi::OsString;

/// `sv` personality entry point; returns the exit code.
pub fn main(_args: Vec<OsString>) -> i32 {
    eprintln!("sv: not implemented yet");
    100
}

/// sv invoked under another name (LSB init-script mode).
pub fn main_lsb(_args: Vec<OsString>) -> i32 {
    eprintln!("sv: not implemented yet");
    151
}
