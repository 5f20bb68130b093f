//! Line timestamps: `-t` TAI64N labels, `-tt`/`-ttt` UTC dates with 10 µs resolution, each
//! followed by one space. Made once per read batch (the clock is read once per batch).

use std::time::{SystemTime, UNIX_EPOCH};

use super::args::Stamp;
use crate::runit::tai64n::Tai64n;

/// The stamp (with its trailing space) for `t` in the given style; empty for `Stamp::None`.
pub fn format(kind: Stamp, t: SystemTime) -> Vec<u8> {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let sep = match kind {
        Stamp::None => return Vec::new(),
        Stamp::Tai64n => {
            let mut s = Tai64n::from_system(t).label().into_bytes();
            s.push(b' ');
            return s;
        }
        Stamp::Human => '_',
        Stamp::Iso => 'T',
    };
    let secs = d.as_secs();
    let (y, m, day) = civil(secs / 86400);
    let tod = secs % 86400;
    format!(
        "{y:04}-{m:02}-{day:02}{sep}{:02}:{:02}:{:02}.{:05} ",
        tod / 3600,
        tod / 60 % 60,
        tod % 60,
        d.subsec_micros() / 10
    )
    .into_bytes()
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats() {
        let t = UNIX_EPOCH + Duration::new(1_795_459_811, 943_379_000);
        let s = |k| String::from_utf8(format(k, t)).unwrap();
        assert_eq!(s(Stamp::Human), "2026-11-23_18:50:11.94337 ");
        assert_eq!(s(Stamp::Iso), "2026-11-23T18:50:11.94337 ");
        assert_eq!(s(Stamp::Tai64n), "@400000006b048aed383ad238 ");
        assert_eq!(s(Stamp::None), "");
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }
}
