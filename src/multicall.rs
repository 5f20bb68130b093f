//! Picks the personality: by argv[0]'s basename (`runsv`, `runsvdir`, `svlogd`, `chpst` and its
//! daemontools names, `sv`; any other name is sv's LSB init-script mode), or `runitctl <cmd>`.
//!
//! `runitctl runsv DIR` re-executes itself with argv[0] = `runsv`, so `ps` and `pstree` show the
//! embedded programs exactly as runit's (`runsvdir` → `runsv web` → `svlogd`); the process name
//! (`comm`) is set to the personality's too.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;

/// Runit personalities reachable as `runitctl <name> …`.
pub const PERSONALITIES: [&str; 5] = ["runsv", "runsvdir", "svlogd", "chpst", "sv"];

/// Entry point of the binary; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let argv0 = args.first().cloned().unwrap_or_default();
    let base = Path::new(&argv0)
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .unwrap_or_default();
    match personality(&base) {
        Some(p) => {
            set_comm(&base);
            run_personality(p, args)
        }
        None if base.starts_with("runitctl") || base.is_empty() => {
            match args.get(1).and_then(|a| a.to_str()) {
                Some("sv") => return crate::sv::main(args[1..].to_vec()),
                Some(p) if PERSONALITIES.contains(&p) => return reexec_as(p, &args[2..]),
                _ => {}
            }
            crate::cli::main(args)
        }
        None => crate::sv::main_lsb(args),
    }
}

fn personality(base: &str) -> Option<&'static str> {
    Some(match base {
        "runsv" => "runsv",
        "runsvdir" => "runsvdir",
        "svlogd" => "svlogd",
        "sv" => "sv",
        "chpst" | "envdir" | "envuidgid" | "pgrphack" | "setlock" | "setuidgid" | "softlimit" => {
            "chpst"
        }
        _ => return None,
    })
}

fn run_personality(p: &str, args: Vec<OsString>) -> i32 {
    match p {
        "runsv" => crate::supervise::runsv::main(args),
        "runsvdir" => crate::supervise::runsvdir::main(args),
        "svlogd" => crate::svlogd::main(args),
        "chpst" => crate::chpst::main(args),
        _ => crate::sv::main(args),
    }
}

/// Makes `/proc/self/comm` (what `ps -o comm`, `pgrep` and `top` show) the personality's name:
/// after a re-exec it would still be the binary's file name.
fn set_comm(name: &str) {
    if let Ok(c) = std::ffi::CString::new(name) {
        let _ = nix::sys::prctl::set_name(&c);
    }
}

/// Replaces this process with the same binary under argv[0] = `name`.
fn reexec_as(name: &str, rest: &[OsString]) -> i32 {
    let exe = std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into());
    let err = std::process::Command::new(exe).arg0(name).args(rest).exec();
    eprintln!("runitctl: fatal: unable to run {name}: {err}");
    111
}
