//! A log directory's `config` file: one directive per line keyed by its first byte, the value
//! right after it (`s`, `n`, `N`, `t`, `!`, `u`, `U`, `p`, `+`, `-`, `e`, `E`); anything else is
//! ignored. Defaults are runit's and are restored before every read.

use std::net::SocketAddrV4;

use super::args::scan;
use super::udp;

/// One directory's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `s`: rotate when `current` reaches this many bytes; 0 = never.
    pub size: u64,
    /// `n`: keep at most this many rotated files; 0 = all.
    pub num: u64,
    /// `N`: keep at least this many when the disk is full.
    pub min: u64,
    /// `t`: rotate a non-empty `current` every this many seconds; 0 = never.
    pub timeout: u64,
    /// `!`: processor command for `sh -c`.
    pub processor: Option<Vec<u8>>,
    /// `u`/`U`: UDP destination, and whether lines go only there (`U`).
    pub udp: Option<(SocketAddrV4, bool)>,
    /// `p`: prefix after the timestamp.
    pub prefix: Vec<u8>,
    /// `+ - e E` patterns in file order: (kind, pattern).
    pub patterns: Vec<(u8, Vec<u8>)>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            size: 1_000_000,
            num: 10,
            min: 10,
            timeout: 0,
            processor: None,
            udp: None,
            prefix: Vec::new(),
            patterns: Vec::new(),
        }
    }
}

impl Config {
    /// Parses a config file's bytes.
    pub fn parse(text: &[u8]) -> Config {
        let mut c = Config::default();
        for line in text.split(|b| *b == b'\n') {
            let Some((&key, val)) = line.split_first() else {
                continue;
            };
            match key {
                b's' => c.size = scaled(val, &[(b'k', 1024), (b'm', 1024 * 1024)]),
                b'n' => c.num = scan(val) as u64,
                b'N' => c.min = scan(val) as u64,
                b't' => c.timeout = scaled(val, &[(b'm', 60), (b'h', 3600)]),
                // runit ignores `!` and `p` with nothing after the letter (`len > 1`).
                b'!' if !val.is_empty() => c.processor = Some(val.to_vec()),
                b'u' | b'U' => c.udp = udp::parse(val).map(|a| (a, key == b'U')),
                b'p' if !val.is_empty() => c.prefix = val.to_vec(),
                b'+' | b'-' | b'e' | b'E' => c.patterns.push((key, val.to_vec())),
                _ => {}
            }
        }
        c
    }
}

/// Leading digits times the factor of an optional unit suffix.
fn scaled(val: &[u8], units: &[(u8, u64)]) -> u64 {
    let digits = val.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = scan(val) as u64;
    let unit = val.get(digits).copied();
    let f = units
        .iter()
        .find(|(u, _)| Some(*u) == unit)
        .map_or(1, |(_, f)| *f);
    n.saturating_mul(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let c = Config::parse(
            b"# comment\n\ns4k\nn3\nN1\nt2m\n!gzip\nU10.0.0.1:99\npPFX \n+*a*\n-b\ne*\nEx\nzzz\n",
        );
        assert_eq!(c.size, 4096);
        assert_eq!((c.num, c.min, c.timeout), (3, 1, 120));
        assert_eq!(c.processor.as_deref(), Some(&b"gzip"[..]));
        assert_eq!(c.udp, Some(("10.0.0.1:99".parse().unwrap(), true)));
        assert_eq!(c.prefix, b"PFX ");
        assert_eq!(c.patterns.len(), 4);
        assert!(c.patterns.iter().any(|(k, _)| matches!(k, b'e' | b'E')));
    }

    #[test]
    fn defaults_and_runit_quirks() {
        assert_eq!(Config::parse(b""), Config::default());
        // A space after the letter reads no digits: no size rotation.
        assert_eq!(Config::parse(b"s 100\n").size, 0);
        assert_eq!(Config::parse(b"s2m\n").size, 2 * 1024 * 1024);
        assert_eq!(Config::parse(b"t1h\n").timeout, 3600);
        assert_eq!(Config::parse(b"u1.2.3.4\n").udp.unwrap().0.port(), 514);
        // An empty `!` or `p` changes nothing (an empty processor would empty every file).
        assert_eq!(Config::parse(b"!\n").processor, None);
        assert_eq!(
            Config::parse(b"!gzip\n!\n").processor.as_deref(),
            Some(&b"gzip"[..])
        );
        assert_eq!(Config::parse(b"pX\np\n").prefix, b"X");
    }
}
