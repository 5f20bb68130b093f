//! The embedded svlogd: reads log lines on stdin and appends them to log directories with
//! runit 2.1.2's file layout, rotation rules, `config` directives and signals, writing many
//! lines per write(2) and never consuming input from the pipe before it is in the log.
//!
//! Modules: [`args`] (command line), [`config`] (the `config` file), [`pattern`] (selection
//! and replacement), [`stamp`] (timestamps), [`udp`], [`input`] (peek-then-consume stdin),
//! [`journal`] (SIGKILL safety), [`dir`] (a log directory and its size rules), [`rotate`],
//! [`processor`] (`!`), [`lines`] (what happens to one line), [`run`] (the loop), [`msg`],
//! [`names`] (which files in a log directory are svlogd's).

use std::ffi::OsString;

pub mod args;
pub mod config;
pub mod dir;
pub mod input;
pub mod journal;
pub mod lines;
pub mod msg;
pub mod names;
pub mod pattern;
pub mod processor;
pub mod rotate;
pub mod run;
pub mod stamp;
pub mod udp;

/// `svlogd` personality entry point; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let prog = args
        .first()
        .map_or_else(|| "svlogd".into(), |a| a.to_string_lossy().into_owned());
    match args::parse(&prog, args.get(1..).unwrap_or_default()) {
        Ok(opts) => run::run(&opts),
        Err(text) => {
            eprint!("{text}");
            111
        }
    }
}
