//! TAI64N labels as runit writes them: seconds = 2^62 + 10 + unix seconds (a fixed offset, no
//! leap-second table; the `tai64` crate's +37 is wrong for runit files).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// runit's TAI64 label for the unix epoch.
pub const EPOCH: u64 = (1u64 << 62) + 10;

/// A TAI64N instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tai64n {
    pub secs: u64,
    pub nanos: u32,
}

impl Tai64n {
    pub fn now() -> Tai64n {
        Tai64n::from_system(SystemTime::now())
    }

    pub fn from_system(t: SystemTime) -> Tai64n {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        Tai64n {
            secs: EPOCH + d.as_secs(),
            nanos: d.subsec_nanos(),
        }
    }

    pub fn to_system(self) -> SystemTime {
        UNIX_EPOCH + Duration::new(self.secs.saturating_sub(EPOCH), self.nanos)
    }

    /// Unix seconds (saturating at 0 before the epoch).
    pub fn unix_secs(self) -> u64 {
        self.secs.saturating_sub(EPOCH)
    }

    /// The 12 packed bytes: big-endian seconds then big-endian nanoseconds.
    pub fn pack(self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[..8].copy_from_slice(&self.secs.to_be_bytes());
        b[8..].copy_from_slice(&self.nanos.to_be_bytes());
        b
    }

    pub fn unpack(b: &[u8; 12]) -> Tai64n {
        Tai64n {
            secs: u64::from_be_bytes(b[..8].try_into().expect("8 bytes")),
            nanos: u32::from_be_bytes(b[8..].try_into().expect("4 bytes")),
        }
    }

    /// `@` + 24 lowercase hex digits, as svlogd and runsvdir's `.forced-rescan` write it.
    pub fn label(self) -> String {
        let mut s = String::with_capacity(25);
        s.push('@');
        for byte in self.pack() {
            s.push_str(&format!("{byte:02x}"));
        }
        s
    }

    /// Parses `@` + 24 hex digits.
    pub fn parse_label(s: &str) -> Option<Tai64n> {
        let hex = s.strip_prefix('@')?;
        if hex.len() != 24 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let mut b = [0u8; 12];
        for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
            b[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(Tai64n::unpack(&b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_offset_is_runits() {
        let t = Tai64n::from_system(UNIX_EPOCH + Duration::from_secs(1_795_000_000));
        assert_eq!(t.secs, 0x4000_0000_0000_000a + 1_795_000_000);
        assert_eq!(t.unix_secs(), 1_795_000_000);
    }

    #[test]
    fn label_round_trips() {
        // A label Debian's runsvdir wrote into .forced-rescan.
        let t = Tai64n::parse_label("@400000006b048aaa05381134").unwrap();
        assert_eq!(t.secs, 0x4000_0000_6b04_8aaa);
        assert_eq!(t.nanos, 0x0538_1134);
        assert_eq!(t.label(), "@400000006b048aaa05381134");
        assert!(Tai64n::parse_label("@40000000").is_none());
        assert!(Tai64n::parse_label("400000006b048aaa05381134").is_none());
    }
}
