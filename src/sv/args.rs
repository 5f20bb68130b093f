//! Command-line parsing the way runit's getopt does it (no clap: `sv status` must start fast):
//! options `-v`, `-w SEC` (implies `-v`), `-V`; clustered (`-vw5`); parsing stops at the first
//! non-option or after `--`. Numbers parse like djb's `scan_ulong` (leading digits, else 0).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

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
    let mut args = Args {
        verbose: false,
        wait: None,
        rest: Vec::new(),
    };
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].as_bytes();
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        let mut j = 1;
        while j < a.len() {
            match a[j] {
                b'v' => args.verbose = true,
                b'V' => return Err(Bad::Version),
                b'w' => {
                    let value = if j + 1 < a.len() {
                        &a[j + 1..]
                    } else {
                        i += 1;
                        match argv.get(i) {
                            Some(v) => v.as_bytes(),
                            None => return Err(Bad::NeedsArg(b'w')),
                        }
                    };
                    args.wait = Some(scan_ulong(value));
                    args.verbose = true;
                    break;
                }
                c => return Err(Bad::Illegal(c)),
            }
            j += 1;
        }
        i += 1;
    }
    args.rest = argv[i..].to_vec();
    Ok(args)
}

/// djb's `scan_ulong`: the value of the leading decimal digits (0 if none), saturating.
pub fn scan_ulong(s: &[u8]) -> u64 {
    s.iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0u64, |n, c| {
            n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        })
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
