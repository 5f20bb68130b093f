//! svlogd's command line: `svlogd [-tttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...`,
//! parsed getopt-style (clustered flags, attached or separate values) with runit's usage text
//! and exit code 111 on any error.

use std::ffi::OsString;

use crate::runit::getopt::{getopt, Opt};

/// The usage text as runit prints it for argv[0] `prog` (followed by an empty line).
pub fn usage(prog: &str) -> String {
    format!("usage: {prog} [-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...\n\n")
}

/// How each line is stamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    None,
    /// `-t`: `@` + TAI64N hex.
    Tai64n,
    /// `-tt`: `YYYY-MM-DD_HH:MM:SS.xxxxx`.
    Human,
    /// `-ttt`: `YYYY-MM-DDTHH:MM:SS.xxxxx`.
    Iso,
}

/// Parsed options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opts {
    pub stamp: Stamp,
    pub verbose: bool,
    /// Replacement byte for non-printable (and `-R`) characters, when replacing.
    pub repl: Option<u8>,
    /// Extra characters to replace (`-R`).
    pub replace: Vec<u8>,
    /// `-l`: how much of a line is matched, echoed and sent.
    pub linemax: usize,
    /// `-b`: runit's buffer size (validated; see COMPATIBILITY.md).
    pub buflen: usize,
    pub dirs: Vec<String>,
}

/// Parses `args` (without argv[0], which is `prog`); Err carries the text to print before
/// exiting 111. Like runit, the usage line names argv[0] as given and getopt's complaints its
/// basename.
pub fn parse(prog: &str, args: &[OsString]) -> Result<Opts, String> {
    let usage = usage(prog);
    let base = prog.rsplit('/').next().unwrap_or(prog);
    let mut o = Opts {
        stamp: Stamp::None,
        verbose: false,
        repl: None,
        replace: Vec::new(),
        linemax: 1000,
        buflen: 1024,
        dirs: Vec::new(),
    };
    let mut ts = 0;
    let (found, first) = getopt(args, b"rRlb");
    for opt in found {
        match opt {
            Opt::Flag(b't') => ts += 1,
            Opt::Flag(b'v') => o.verbose = true,
            Opt::Flag(c) => {
                return Err(format!("{base}: illegal option -- {}\n{usage}", c as char))
            }
            Opt::Missing(c) => {
                return Err(format!(
                    "{base}: option requires an argument -- {}\n{usage}",
                    c as char
                ))
            }
            Opt::Value(b'r', val) => {
                if val.len() != 1 {
                    return Err(usage);
                }
                o.repl = Some(val[0]);
            }
            Opt::Value(b'R', val) => {
                o.replace = val;
                o.repl.get_or_insert(b'_');
            }
            Opt::Value(b'l', val) => o.linemax = nonzero(scan(&val), 1000),
            Opt::Value(_, val) => o.buflen = nonzero(scan(&val), 1024),
        }
    }
    o.stamp = match ts {
        0 => Stamp::None,
        1 => Stamp::Tai64n,
        2 => Stamp::Human,
        _ => Stamp::Iso,
    };
    if o.buflen <= o.linemax {
        return Err(usage);
    }
    o.dirs = args[first..]
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if o.dirs.is_empty() {
        return Err(usage);
    }
    Ok(o)
}

fn nonzero(n: usize, default: usize) -> usize {
    if n == 0 {
        default
    } else {
        n
    }
}

/// runit's `scan_ulong` as a size: leading decimal digits, 0 when there are none.
pub fn scan(s: &[u8]) -> usize {
    usize::try_from(crate::runit::getopt::scan_ulong(s)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Result<Opts, String> {
        parse("svlogd", &a.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn flags_cluster_and_values_attach() {
        let o = p(&["-ttv", "-l50", "-b", "100", "-r", "x", "d1", "d2"]).unwrap();
        assert_eq!(o.stamp, Stamp::Human);
        assert!(o.verbose);
        assert_eq!((o.linemax, o.buflen, o.repl), (50, 100, Some(b'x')));
        assert_eq!(o.dirs, ["d1", "d2"]);
        assert_eq!(p(&["-tttt", "d"]).unwrap().stamp, Stamp::Iso);
        assert_eq!(p(&["-R", "ab", "d"]).unwrap().repl, Some(b'_'));
    }

    #[test]
    fn usage_errors() {
        assert_eq!(p(&[]).unwrap_err(), usage("svlogd"));
        assert_eq!(p(&["-b", "10", "d"]).unwrap_err(), usage("svlogd"));
        assert_eq!(
            p(&["-l", "0", "-b", "500", "d"]).unwrap_err(),
            usage("svlogd")
        );
        assert!(p(&["-x", "d"])
            .unwrap_err()
            .starts_with("svlogd: illegal option -- x\n"));
        let e = parse("/x/svlogd", &[OsString::from("-x")]).unwrap_err();
        assert_eq!(
            e,
            format!("svlogd: illegal option -- x\n{}", usage("/x/svlogd"))
        );
        assert!(p(&["-l"])
            .unwrap_err()
            .starts_with("svlogd: option requires an argument -- l\n"));
        assert_eq!(p(&["-r", "ab", "d"]).unwrap_err(), usage("svlogd"));
    }
}
