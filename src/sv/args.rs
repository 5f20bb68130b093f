//! Command-line parsing the way runit's getopt does it (no clap: `sv status` must start fast):
//! options `-v`, `-w SEC` (implies `-v`), `-V`; clustered (`-vw5`); parsing stops at the first
//! non-option or after `--`. Numbers parse like djb's `scan_ulong` (leading digits, else 0).

use crate::runit::getopt::scan_ulong;
use crate::runit::getopt::{getopt, Opt};
use std::ffi::OsString;

/// Parsed invocation.
#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    pub verbose: bool,
    /// `-w` (None: `SVWAIT` or the default applies).
    pub wait: Option<u64>,
    /// The command word, then the operands.
    pub rest: Vec<OsString>,
}

/// Why parsing stopped with a usage error.
#[derive(Debug, PartialEq, Eq)]
pub enum Bad {
    /// `-V`: print the version, then usage.
    Version,
    /// An unknown option letter.
    Illegal(u8),
    /// `-w` without a value.
    NeedsArg(u8),
}

/// Parses argv after argv[0].
pub fn parse(argv: &[OsString]) -> Result<Args, Bad> {
    let (opts, first) = getopt(argv, b"w");
    let mut args = Args {
        verbose: false,
        wait: None,
        rest: Vec::new(),
    };
    for o in opts {
        match o {
            Opt::Flag(b'v') => args.verbose = true,
            Opt::Flag(b'V') => return Err(Bad::Version),
            Opt::Flag(c) => return Err(Bad::Illegal(c)),
            Opt::Value(_, value) => {
                args.wait = Some(scan_ulong(&value));
                args.verbose = true;
            }
            Opt::Missing(c) => return Err(Bad::NeedsArg(c)),
        }
    }
    args.rest = argv[first..].to_vec();
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<OsString> {
        s.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_and_operands() {
        let a = parse(&v(&["-v", "up", "x"])).unwrap();
        assert!(a.verbose && a.wait.is_none());
        assert_eq!(a.rest, v(&["up", "x"]));
        let a = parse(&v(&["-w", "3", "down", "-v"])).unwrap();
        assert_eq!((a.verbose, a.wait), (true, Some(3)));
        assert_eq!(a.rest, v(&["down", "-v"]));
        let a = parse(&v(&["-vw5", "--", "-x"])).unwrap();
        assert_eq!(a.wait, Some(5));
        assert_eq!(a.rest, v(&["-x"]));
        let a = parse(&v(&["-", "s"])).unwrap();
        assert_eq!(a.rest, v(&["-", "s"]));
    }

    #[test]
    fn usage_errors() {
        assert_eq!(parse(&v(&["-z"])), Err(Bad::Illegal(b'z')));
        assert_eq!(parse(&v(&["-w"])), Err(Bad::NeedsArg(b'w')));
        assert_eq!(parse(&v(&["-V", "status"])), Err(Bad::Version));
    }

    #[test]
    fn numbers_like_scan_ulong() {
        assert_eq!(scan_ulong(b"12abc"), 12);
        assert_eq!(scan_ulong(b"abc"), 0);
        assert_eq!(scan_ulong(b""), 0);
        assert_eq!(scan_ulong(b"99999999999999999999999"), u64::MAX);
    }
}
