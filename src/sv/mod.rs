//! runit's `sv` client, compatible with Debian's runit 2.1.2 `sv` (runit-protocol.md §5): every
//! verb, `-v`, `-w SEC`, `SVDIR`, `SVWAIT`, the LSB init-script mode under another name, the
//! same output and exit codes, against Debian's runsv or the embedded one.
//!
//! Theory of operation: parse (`args`, `verb`), then for each service change into its
//! directory (`service`), act — print the status (`format`) or send control bytes with send
//! suppression (`supervise`) — and return. Verbs that wait then loop over the pending services
//! evaluating their conditions (`check`) until each is done, failed or timed out, sleeping
//! between rounds only until runsv changes something (`wait`), not a fixed 420 ms.
//! Exit codes (`report`): the count of failure lines (capped at 99); 100 for usage and fatal
//! errors (LSB mode: 2 and 151; `status` 0/3/4).

mod args;
mod check;
mod client;
mod format;
pub mod remote;
mod report;
mod rounds;
mod run;
mod service;
mod supervise;
mod verb;
pub mod wait;

use std::ffi::OsString;

/// `sv` personality entry point (args[0] is "sv"); returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    run::run(args, false)
}

/// sv invoked under another name (LSB init-script mode): the service is argv[0]'s basename.
pub fn main_lsb(args: Vec<OsString>) -> i32 {
    run::run(args, true)
}
