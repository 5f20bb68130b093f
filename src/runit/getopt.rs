//! POSIX getopt as runit's programs use it: clustered flags (`-ttv`), values attached (`-l50`)
//! or in the next argument (`-l 50`), `--` ends the options, the first non-option starts the
//! operands. The caller decides what each letter means. Also djb's `scan_ulong`, which
//! runit's programs use to read numbers.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// One parsed option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opt {
    /// A letter without a value (possibly unknown to the caller).
    Flag(u8),
    /// A letter of `with_value` and its value.
    Value(u8, Vec<u8>),
    /// A letter of `with_value` at the end of argv (parsing stops here).
    Missing(u8),
}

/// Parses `args` (argv after argv[0]); returns the options and the index of the first operand.
pub fn getopt(args: &[OsString], with_value: &[u8]) -> (Vec<Opt>, usize) {
    let mut opts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_bytes();
        if a == b"--" {
            return (opts, i + 1);
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        for (j, &c) in a.iter().enumerate().skip(1) {
            if !with_value.contains(&c) {
                opts.push(Opt::Flag(c));
                continue;
            }
            if j + 1 < a.len() {
                opts.push(Opt::Value(c, a[j + 1..].to_vec()));
            } else if let Some(v) = args.get(i + 1) {
                opts.push(Opt::Value(c, v.as_bytes().to_vec()));
                i += 1;
            } else {
                opts.push(Opt::Missing(c));
                return (opts, args.len());
            }
            break;
        }
        i += 1;
    }
    (opts, i)
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

    #[test]
    fn clusters_values_and_operands() {
        let a: Vec<OsString> = ["-ttv", "-l50", "-b", "9", "--", "-d"]
            .iter()
            .map(OsString::from)
            .collect();
        let (o, i) = getopt(&a, b"lb");
        assert_eq!(
            o,
            [
                Opt::Flag(b't'),
                Opt::Flag(b't'),
                Opt::Flag(b'v'),
                Opt::Value(b'l', b"50".to_vec()),
                Opt::Value(b'b', b"9".to_vec())
            ]
        );
        assert_eq!(i, 5);
        let (o, _) = getopt(&[OsString::from("-l")], b"l");
        assert_eq!(o, [Opt::Missing(b'l')]);
    }
}
