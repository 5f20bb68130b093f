//! svlogd's stderr messages in runit's wording: `svlogd: warning: …`, `svlogd: fatal: …`,
//! `svlogd: pausing: …` and, with `-v`, `svlogd: info: …`.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::runit::errstr::io_errstr;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Turns `-v` info messages on.
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

fn emit(level: &str, text: &str, err: Option<&std::io::Error>) {
    let mut line = format!("svlogd: {level}: {text}");
    if let Some(e) = err {
        line.push_str(": ");
        line.push_str(&io_errstr(e));
    }
    line.push('\n');
    let _ = std::io::stderr().write_all(line.as_bytes());
}

pub fn warn(text: &str, err: Option<&std::io::Error>) {
    emit("warning", text, err);
}

pub fn pause(text: &str, err: Option<&std::io::Error>) {
    emit("pausing", text, err);
}

pub fn fatal(text: &str, err: Option<&std::io::Error>) {
    emit("fatal", text, err);
}

pub fn info(text: &str) {
    if VERBOSE.load(Ordering::Relaxed) {
        emit("info", text, None);
    }
}
