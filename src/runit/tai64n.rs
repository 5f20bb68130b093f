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

    /// `YYYY-MM-DD<sep>HH:MM:SS.xxxxx`, UTC with 10 µs digits: svlogd's `-tt` form (`sep` `_`)
    /// and `-ttt` form (`T`).
    pub fn date(self, sep: char) -> String {
        let secs = self.unix_secs();
        let (y, mo, d) = civil_from_days((secs / 86400) as i64);
        let rem = secs % 86400;
        format!(
            "{y:04}-{mo:02}-{d:02}{sep}{:02}:{:02}:{:02}.{:05}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
            self.nanos / 10_000
        )
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

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar, by counting
/// 400-year eras of 146097 days from 0000-03-01 (a year that starts in March puts the leap day
/// at its end).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // March-based month, 0..11
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_like_svlogd_tt() {
        let at = |s, n| Tai64n::from_system(UNIX_EPOCH + Duration::new(s, n));
        assert_eq!(at(0, 0).date('_'), "1970-01-01_00:00:00.00000");
        // 2000-02-29 (a leap day in a century year) 12:34:56.789012345
        assert_eq!(
            at(951_827_696, 789_012_345).date('_'),
            "2000-02-29_12:34:56.78901"
        );
        assert_eq!(at(1_795_000_000, 0).date('_'), "2026-11-18_11:06:40.00000");
        assert_eq!(
            at(1_795_459_811, 943_379_000).date('T'),
            "2026-11-23T18:50:11.94337"
        );
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(365 + 365 + 59), (1972, 2, 29));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

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
