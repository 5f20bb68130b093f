//! The daemontools names chpst answers to (runit-protocol.md §7): `envdir dir child`,
//! `envuidgid account child`, `pgrphack child`, `setlock [-nNxX] file program`,
//! `setuidgid account child`, `softlimit [-acdflmoprst n] child` (`=` means the hard limit).
//! Each fills a [`Plan`]; a usage error prints that program's own usage line.

use super::num::scan_whole;
use super::plan::{Limit, Lock, Plan, Res};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// The usage line of an emulated program.
pub fn usage_line(name: &str) -> &'static str {
    match name {
        "envdir" => "usage: envdir dir child",
        "envuidgid" => "usage: envuidgid account child",
        "pgrphack" => "usage: pgrphack child",
        "setlock" => "usage: setlock [ -nNxX ] file program [ arg ... ]",
        "setuidgid" => "usage: setuidgid account child",
        _ => {
            "usage: softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] \
             [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] \
             [-s stackbytes] [-t cpusecs] child"
        }
    }
}

/// A usage error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// The program's own usage line.
    Own,
    /// An unknown option letter, then the usage line.
    Illegal(u8),
    /// A bad number: runit prints chpst's usage text under the emulated name.
    Number,
}

/// Parses the arguments (after argv[0]) of the emulated program `name`.
pub fn parse(name: &str, argv: &[OsString]) -> Result<Plan, Usage> {
    let mut bad = Usage::Own;
    parse_inner(name, argv, &mut bad).ok_or(bad)
}

fn parse_inner(name: &str, argv: &[OsString], bad: &mut Usage) -> Option<Plan> {
    let mut plan = Plan::default();
    let rest: &[OsString] = match name {
        "envdir" => {
            let (dir, rest) = argv.split_first()?;
            plan.envdir = Some(dir.clone());
            plan.envdir_strict = true;
            rest
        }
        "envuidgid" | "setuidgid" => {
            let (account, rest) = argv.split_first()?;
            if name == "envuidgid" {
                plan.env_user = Some(account.clone());
            } else {
                plan.set_user = Some(account.clone());
            }
            rest
        }
        "pgrphack" => {
            plan.setsid = true;
            argv
        }
        "setlock" => setlock(&mut plan, argv, bad)?,
        _ => softlimit(&mut plan, argv, bad)?,
    };
    if rest.is_empty() {
        return None;
    }
    plan.prog = rest.to_vec();
    Some(plan)
}

/// Option letters with their values, in order.
type Flags = Vec<(u8, Option<OsString>)>;

/// Leading option words: (letters, index of the first operand). Stops at `--` or a non-option.
fn flags(argv: &[OsString], with_value: &[u8]) -> Option<(Flags, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].as_bytes();
        if a == b"--" {
            return Some((out, i + 1));
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        let mut j = 1;
        while j < a.len() {
            let c = a[j];
            if with_value.contains(&c) {
                let v = if j + 1 < a.len() {
                    std::ffi::OsStr::from_bytes(&a[j + 1..]).to_owned()
                } else {
                    i += 1;
                    argv.get(i)?.clone()
                };
                out.push((c, Some(v)));
                break;
            }
            out.push((c, None));
            j += 1;
        }
        i += 1;
    }
    Some((out, i))
}

fn setlock<'a>(plan: &mut Plan, argv: &'a [OsString], bad: &mut Usage) -> Option<&'a [OsString]> {
    let (opts, i) = flags(argv, b"")?;
    let mut lock = Lock {
        path: OsString::new(),
        wait: true,
        quiet: false,
    };
    for (c, _) in opts {
        match c {
            b'n' => lock.wait = false,
            b'N' => lock.wait = true,
            b'x' => lock.quiet = true,
            b'X' => lock.quiet = false,
            other => {
                *bad = Usage::Illegal(other);
                return None;
            }
        }
    }
    let (file, rest) = argv[i..].split_first()?;
    lock.path = file.clone();
    plan.lock = Some(lock);
    Some(rest)
}

fn softlimit<'a>(plan: &mut Plan, argv: &'a [OsString], bad: &mut Usage) -> Option<&'a [OsString]> {
    let (opts, i) = flags(argv, b"acdflmoprst")?;
    for (c, v) in opts {
        let Some(v) = v else {
            *bad = Usage::Illegal(c);
            return None;
        };
        let l = if v.as_bytes() == b"=" {
            Limit::Hard
        } else if let Some(n) = scan_whole(v.as_bytes()) {
            Limit::Value(n)
        } else {
            *bad = Usage::Number;
            return None;
        };
        let rs: &[Res] = match c {
            b'a' => &[Res::As],
            b'c' => &[Res::Core],
            b'd' => &[Res::Data],
            b'f' => &[Res::Fsize],
            b'l' => &[Res::Memlock],
            b'm' => &[Res::Data, Res::Stack, Res::Memlock, Res::As],
            b'o' => &[Res::Nofile],
            b'p' => &[Res::Nproc],
            b'r' => &[Res::Rss],
            b's' => &[Res::Stack],
            b't' => &[Res::Cpu],
            other => {
                *bad = Usage::Illegal(other);
                return None;
            }
        };
        for r in rs {
            plan.limit(*r, l);
        }
    }
    Some(&argv[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, s: &[&str]) -> Option<Plan> {
        parse(name, &s.iter().map(OsString::from).collect::<Vec<_>>()).ok()
    }

    #[test]
    fn emulations() {
        let e = p("envdir", &["d", "prog"]).unwrap();
        assert!(e.envdir_strict && e.envdir.is_some());
        assert!(p("envdir", &["d"]).is_none());
        let l = p("setlock", &["-nx", "f", "prog"]).unwrap().lock.unwrap();
        assert!(!l.wait && l.quiet);
        assert!(p("setlock", &["-z", "f", "prog"]).is_none());
        let s = p("softlimit", &["-o", "=", "-m100", "prog"]).unwrap();
        assert_eq!(s.limits[Res::Nofile as usize], Some(Limit::Hard));
        assert_eq!(s.limits[Res::Stack as usize], Some(Limit::Value(100)));
        assert!(p("softlimit", &["-o", "x", "prog"]).is_none());
        assert!(p("pgrphack", &["prog"]).unwrap().setsid);
        assert!(p("setuidgid", &["nobody"]).is_none());
    }
}
