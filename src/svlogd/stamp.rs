//! Line timestamps: `-t` TAI64N labels, `-tt`/`-ttt` UTC dates with 10 µs resolution, each
//! followed by one space. Made once per read batch (the clock is read once per batch).

use std::time::SystemTime;

use super::args::Stamp;
use crate::runit::tai64n::Tai64n;

/// The stamp (with its trailing space) for `t` in the given style; empty for `Stamp::None`.
pub fn format(kind: Stamp, t: SystemTime) -> Vec<u8> {
    let at = Tai64n::from_system(t);
    let mut s = match kind {
        Stamp::None => return Vec::new(),
        Stamp::Tai64n => at.label(),
        Stamp::Human => at.date('_'),
        Stamp::Iso => at.date('T'),
    }
    .into_bytes();
    s.push(b' ');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats() {
        let t = UNIX_EPOCH + Duration::new(1_795_459_811, 943_379_000);
        let s = |k| String::from_utf8(format(k, t)).unwrap();
        assert_eq!(s(Stamp::Human), "2026-11-23_18:50:11.94337 ");
        assert_eq!(s(Stamp::Iso), "2026-11-23T18:50:11.94337 ");
        assert_eq!(s(Stamp::Tai64n), "@400000006b048aed383ad238 ");
        assert_eq!(s(Stamp::None), "");
    }
}
