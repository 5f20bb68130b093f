//! The embedded chpst (runit-protocol.md §7): run a program with a changed process state —
//! session, environment directory, root, nice level, account, lock, closed stdio, soft limits —
//! also answering to the daemontools names envdir, envuidgid, pgrphack, setlock, setuidgid
//! and softlimit. Exit codes: 100 usage, 111 failure, otherwise the program's (it is exec'ed).
//!
//! `plan` is the what, `opts`/`daemontools` fill it from a command line, `exec` applies it in
//! runit's order; `envdir`, `ids` and `limits` are the steps with rules of their own.

mod daemontools;
mod envdir;
mod exec;
mod ids;
mod limits;
mod num;
mod opts;
mod plan;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// A fatal error: printed as `chpst: fatal: …`, exit 111.
#[derive(Debug)]
pub struct Fatal(pub String);

/// chpst's usage after the program name.
const USAGE: &str = "[-vVP012] [-u user[:group]] [-U user[:group]] [-b argv0] [-e dir] \
                     [-/ root] [-n nice] [-l|-L lock] [-m n] [-d n] [-o n] [-p n] [-f n] \
                     [-c n] [-t n] prog";

const VERSION: &str = concat!("$Id: runitctl ", env!("CARGO_PKG_VERSION"), " $");

/// `chpst` personality entry point (also envdir, envuidgid, pgrphack, setlock, setuidgid,
/// softlimit by argv[0]); returns the exit code when it does not exec.
pub fn main(args: Vec<OsString>) -> i32 {
    let argv0 = args.first().map(|a| a.as_bytes()).unwrap_or(b"chpst");
    let base = argv0.rsplit(|&c| c == b'/').next().unwrap_or(argv0);
    let base = base.strip_prefix(b"d").unwrap_or(base);
    let name = String::from_utf8_lossy(base).into_owned();
    let rest = args.get(1..).unwrap_or(&[]);
    let plan = if matches!(
        name.as_str(),
        "envdir" | "envuidgid" | "pgrphack" | "setlock" | "setuidgid" | "softlimit"
    ) {
        match daemontools::parse(&name, rest) {
            Ok(p) => p,
            Err(daemontools::Usage::Number) => return usage(&format!("usage: {name} {USAGE}")),
            Err(bad) => {
                if let daemontools::Usage::Illegal(c) = bad {
                    eprintln!("{name}: illegal option -- {}", c as char);
                }
                return usage(daemontools::usage_line(&name));
            }
        }
    } else {
        match opts::parse(rest) {
            Ok(p) => p,
            Err(bad) => {
                match bad {
                    opts::Bad::Version => eprintln!("{VERSION}"),
                    opts::Bad::Illegal(c) => eprintln!("chpst: illegal option -- {}", c as char),
                    opts::Bad::NeedsArg(c) => {
                        eprintln!("chpst: option requires an argument -- {}", c as char)
                    }
                    opts::Bad::Usage => {}
                }
                return usage(&format!("usage: chpst {USAGE}"));
            }
        }
    };
    match exec::run(plan) {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("chpst: fatal: {msg}");
            111
        }
    }
}

/// Prints a usage line (with runit's trailing blank line); exit 100.
fn usage(line: &str) -> i32 {
    eprint!("{line}\n\n");
    100
}
