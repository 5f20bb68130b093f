//! A log directory's `config` file: one directive per line keyed by its first byte, the value
//! right after it (`s`, `n`, `N`, `t`, `!`, `u`, `U`, `p`, `+`, `-`, `e`, `E`); anything else is
//! ignored. Defaults are runit's and are restored before every read. Values are C strings
//! to runit (cut at a NUL), and a 1-byte last line without a newline is not read.

use std::net::{Ipv4Addr, SocketAddrV4};

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
    /// `u`/`U`: UDP destination.
    pub udp: Option<SocketAddrV4>,
    /// `U` (even one whose address did not scan): lines never go to `current`.
    pub udp_only: bool,
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
            udp_only: false,
            prefix: Vec::new(),
            patterns: Vec::new(),
        }
    }
}

impl Config {
    /// Parses a config file's bytes; also returns the warnings runit prints for it (a `u`/`U`
    /// address or port that does not scan), without the `svlogd: warning: ` prefix.
    pub fn parse(text: &[u8]) -> (Config, Vec<String>) {
        let mut c = Config::default();
        let mut udp = UdpState::default();
        let mut warnings = Vec::new();
        for (line, last) in lines(text) {
            let Some((&key, val)) = line.split_first() else {
                continue;
            };
            // runit's loop stops one byte short of the end: a 1-byte last line without a
            // newline is never read.
            if last && val.is_empty() {
                continue;
            }
            match key {
                b's' => c.size = scaled(val, &[(b'k', 1024), (b'm', 1024 * 1024)]),
                b'n' => c.num = scan(val) as u64,
                b'N' => c.min = scan(val) as u64,
                b't' => c.timeout = scaled(val, &[(b'm', 60), (b'h', 3600)]),
                // runit ignores `!` and `p` with nothing after the letter (`len > 1`).
                b'!' if !val.is_empty() => c.processor = Some(c_str(val).to_vec()),
                b'u' | b'U' => {
                    // `U` takes effect even when the address does not scan, as in runit.
                    c.udp_only |= key == b'U';
                    if let Err(w) = udp.scan(c_str(val)) {
                        warnings.push(w);
                    }
                }
                b'p' if !val.is_empty() => c.prefix = c_str(val).to_vec(),
                b'+' | b'-' | b'e' | b'E' => c.patterns.push((key, c_str(val).to_vec())),
                _ => {}
            }
        }
        c.udp = udp.destination();
        (c, warnings)
    }
}

/// The lines of `text`, each with whether it is the last one and lacks its newline.
fn lines(text: &[u8]) -> impl Iterator<Item = (&[u8], bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        Some(match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                let line = &rest[..nl];
                rest = &rest[nl + 1..];
                (line, false)
            }
            None => (std::mem::take(&mut rest), true),
        })
    })
}

/// A value as runit's C string: up to the first NUL.
fn c_str(val: &[u8]) -> &[u8] {
    val.split(|&b| b == 0).next().unwrap_or(val)
}

/// runit's `udpaddr` while `config` is read: each `u`/`U` line sets the address when it scans
/// and then the port when that scans; lines go by UDP when the port ends up non-zero.
#[derive(Default)]
struct UdpState {
    ip: Option<Ipv4Addr>,
    port: u16,
}

impl UdpState {
    /// One `u`/`U` value; Err(warning) when the address or port does not scan.
    fn scan(&mut self, val: &[u8]) -> Result<(), String> {
        let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let Some((ip, used)) = udp::scan_ip(val) else {
            return Err(format!("unable to scan ip address: {}", shown(val)));
        };
        self.ip = Some(ip);
        let rest = &val[used..];
        self.port = udp::scan_port(rest)
            .ok_or_else(|| format!("unable to scan port number: {}", shown(&rest[1..])))?;
        Ok(())
    }

    fn destination(&self) -> Option<SocketAddrV4> {
        let ip = self.ip?;
        (self.port != 0).then(|| SocketAddrV4::new(ip, self.port))
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
        let (c, warnings) = Config::parse(
            b"# comment\n\ns4k\nn3\nN1\nt2m\n!gzip\nU10.0.0.1:99\npPFX \n+*a*\n-b\ne*\nEx\nzzz\n",
        );
        assert!(warnings.is_empty());
        assert_eq!(c.size, 4096);
        assert_eq!((c.num, c.min, c.timeout), (3, 1, 120));
        assert_eq!(c.processor.as_deref(), Some(&b"gzip"[..]));
        assert_eq!(c.udp, Some("10.0.0.1:99".parse().unwrap()));
        assert!(c.udp_only);
        assert_eq!(c.prefix, b"PFX ");
        assert_eq!(c.patterns.len(), 4);
        assert!(c.patterns.iter().any(|(k, _)| matches!(k, b'e' | b'E')));
    }

    #[test]
    fn defaults_and_runit_quirks() {
        assert_eq!(Config::parse(b"").0, Config::default());
        // A space after the letter reads no digits: no size rotation.
        assert_eq!(Config::parse(b"s 100\n").0.size, 0);
        assert_eq!(Config::parse(b"s2m\n").0.size, 2 * 1024 * 1024);
        assert_eq!(Config::parse(b"t1h\n").0.timeout, 3600);
        assert_eq!(Config::parse(b"u1.2.3.4\n").0.udp.unwrap().port(), 514);
        // An empty `!` or `p` changes nothing (an empty processor would empty every file).
        assert_eq!(Config::parse(b"!\n").0.processor, None);
        assert_eq!(
            Config::parse(b"!gzip\n!\n").0.processor.as_deref(),
            Some(&b"gzip"[..])
        );
        assert_eq!(Config::parse(b"pX\np\n").0.prefix, b"X");
    }

    /// (destination, udp_only, warnings) for one config text.
    fn udp(text: &[u8]) -> (Option<String>, bool, Vec<String>) {
        let (c, w) = Config::parse(text);
        (c.udp.map(|a| a.to_string()), c.udp_only, w)
    }

    #[test]
    fn udp_scanned_like_runit() {
        let to = |a: &str| Some(a.to_string());
        assert_eq!(
            udp(b"u127.0.0.1:5514 \n"),
            (to("127.0.0.1:5514"), false, vec![])
        );
        assert_eq!(
            udp(b"u127.0.0.1:5514\r\n"),
            (to("127.0.0.1:5514"), false, vec![])
        );
        assert_eq!(udp(b"u127.0.0.1x\n"), (to("127.0.0.1:514"), false, vec![]));
        assert_eq!(udp(b"u127.0.0.257:9\n"), (to("127.0.0.1:9"), false, vec![]));
        let bad_ip = vec!["unable to scan ip address: bad".to_string()];
        assert_eq!(udp(b"ubad\n"), (None, false, bad_ip.clone()));
        // `U` stays in force: nothing goes to `current`, and nothing goes by UDP.
        assert_eq!(udp(b"Ubad\n"), (None, true, bad_ip));
        assert_eq!(udp(b"U127.0.0.1:65536\n"), (None, true, vec![]));
        let bad_port = |p: &str| vec![format!("unable to scan port number: {p}")];
        assert_eq!(udp(b"u127.0.0.1:0\n"), (None, false, bad_port("0")));
        assert_eq!(udp(b"u127.0.0.1:x\n"), (None, false, bad_port("x")));
        // A later line's address replaces the earlier one even when its port is bad.
        assert_eq!(
            udp(b"u1.2.3.4:9\nu5.6.7.8:x\n"),
            (to("5.6.7.8:9"), false, bad_port("x"))
        );
    }

    #[test]
    fn c_strings_and_the_unread_last_byte() {
        let (c, _) = Config::parse(b"pX\0Y\n-a\0b\n!cat\0x\n");
        assert_eq!(c.prefix, b"X");
        assert_eq!(c.patterns, vec![(b'-', b"a".to_vec())]);
        assert_eq!(c.processor.as_deref(), Some(&b"cat"[..]));
        // runit never reads a 1-byte last line without a newline.
        assert_eq!(Config::parse(b"-*\n+").0.patterns.len(), 1);
        assert_eq!(Config::parse(b"-*\n+\n").0.patterns.len(), 2);
        assert_eq!(Config::parse(b"-*\n+a").0.patterns.len(), 2);
    }
}
