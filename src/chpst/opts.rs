//! chpst's own command line (runit-protocol.md §7), parsed the runit way: single-letter
//! options, clustered or separate values, stop at the first operand or `--`.

use super::num::scan_whole;
use super::plan::{Limit, Lock, Plan, Res};
use crate::runit::getopt::{getopt, Opt};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Why the command line is unusable.
#[derive(Debug, PartialEq, Eq)]
pub enum Bad {
    Usage,
    Version,
    Illegal(u8),
    NeedsArg(u8),
}

/// Letters that take a value.
const WITH_VALUE: &[u8] = b"uUbemdopfcrt/nlL";

/// Parses argv after argv[0].
pub fn parse(argv: &[OsString]) -> Result<Plan, Bad> {
    let mut plan = Plan::default();
    let (opts, first) = getopt(argv, WITH_VALUE);
    for o in opts {
        match o {
            Opt::Value(c, value) => option(&mut plan, c, OsString::from_vec(value))?,
            Opt::Missing(c) => return Err(Bad::NeedsArg(c)),
            Opt::Flag(b'v') => plan.verbose = true,
            Opt::Flag(b'P') => plan.setsid = true,
            Opt::Flag(b'0') => plan.close[0] = true,
            Opt::Flag(b'1') => plan.close[1] = true,
            Opt::Flag(b'2') => plan.close[2] = true,
            Opt::Flag(b'V') => return Err(Bad::Version),
            Opt::Flag(other) => return Err(Bad::Illegal(other)),
        }
    }
    plan.prog = argv[first..].to_vec();
    if plan.prog.is_empty() {
        return Err(Bad::Usage);
    }
    Ok(plan)
}

fn option(plan: &mut Plan, c: u8, v: OsString) -> Result<(), Bad> {
    let num = |v: &OsString| scan_whole(v.as_bytes()).ok_or(Bad::Usage);
    match c {
        b'u' => plan.set_user = Some(v),
        b'U' => plan.env_user = Some(v),
        b'b' => plan.argv0 = Some(v),
        b'e' => plan.envdir = Some(v),
        b'/' => plan.root = Some(v),
        b'n' => plan.nice = scan_int(v.as_bytes()).ok_or(Bad::Usage)?,
        // runit: a second `-l`/`-L` is a usage error.
        b'l' | b'L' if plan.lock.is_some() => return Err(Bad::Usage),
        b'l' | b'L' => {
            plan.lock = Some(Lock {
                path: v,
                wait: c == b'l',
                quiet: false,
            })
        }
        b'm' => {
            let n = num(&v)?;
            for r in [Res::Data, Res::Stack, Res::Memlock, Res::As] {
                plan.limit(r, Limit::Value(n));
            }
        }
        _ => {
            let r = match c {
                b'd' => Res::Data,
                b'o' => Res::Nofile,
                b'p' => Res::Nproc,
                b'f' => Res::Fsize,
                b'c' => Res::Core,
                b'r' => Res::Rss,
                _ => Res::Cpu,
            };
            plan.limit(r, Limit::Value(num(&v)?));
        }
    }
    Ok(())
}

/// A whole signed decimal (`-n -5`, `-n +3`).
fn scan_int(s: &[u8]) -> Option<i32> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = i32::try_from(scan_whole(digits)?).ok()?;
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[&str]) -> Result<Plan, Bad> {
        parse(&s.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn options() {
        let plan = p(&[
            "-vP012",
            "-uwww:adm",
            "-m",
            "100",
            "-n-3",
            "-L",
            "lk",
            "prog",
            "-x",
        ])
        .unwrap();
        assert!(plan.setsid && plan.verbose && plan.close == [true; 3]);
        assert_eq!(plan.set_user.as_deref(), Some("www:adm".as_ref()));
        assert_eq!(plan.limits[Res::As as usize], Some(Limit::Value(100)));
        assert_eq!(plan.limits[Res::Nofile as usize], None);
        assert_eq!(plan.nice, -3);
        assert!(!plan.lock.unwrap().wait);
        assert_eq!(
            plan.prog,
            vec![OsString::from("prog"), OsString::from("-x")]
        );
    }

    #[test]
    fn usage_errors() {
        assert!(matches!(
            p(&["-l", "a", "-L", "b", "true"]),
            Err(Bad::Usage)
        ));
        assert!(matches!(
            p(&["-l", "a", "-l", "a", "true"]),
            Err(Bad::Usage)
        ));
        assert_eq!(p(&[]), Err(Bad::Usage));
        assert_eq!(p(&["-m", "12k", "x"]), Err(Bad::Usage));
        assert_eq!(p(&["-z", "x"]), Err(Bad::Illegal(b'z')));
        assert_eq!(p(&["-o"]), Err(Bad::NeedsArg(b'o')));
        assert_eq!(p(&["-V"]), Err(Bad::Version));
        assert_eq!(p(&["--", "-P"]).unwrap().prog, vec![OsString::from("-P")]);
    }
}
