//! Human-readable timestamps for `runitctl logs`: a line svlogd stamped with `-t` (`@` + 24 hex
//! digits of TAI64N, runit's epoch 2^62 + 10) is shown in svlogd's own `-tt` form, UTC
//! (`2026-11-23_18:50:11.94337`), so every log reads alike. `-tt`/`-ttt` lines and unstamped
//! lines are left as they are.

use crate::runit::tai64n::Tai64n;
use std::borrow::Cow;

/// Length of `@` + 24 hex digits.
const LABEL: usize = 25;

/// `YYYY-MM-DD_HH:MM:SS.xxxxx` (UTC, 10 µs digits), as `svlogd -tt` writes it.
pub fn format_tt(t: Tai64n) -> String {
    let secs = t.unix_secs();
    let (y, mo, d) = civil_from_days((secs / 86400) as i64);
    let rem = secs % 86400;
    format!(
        "{y:04}-{mo:02}-{d:02}_{:02}:{:02}:{:02}.{:05}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        t.nanos / 10_000
    )
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

/// The line with a leading TAI64N label replaced by its `-tt` form; other lines unchanged.
pub fn humanize(line: &[u8]) -> Cow<'_, [u8]> {
    let Some(label) = line.get(..LABEL).and_then(|b| std::str::from_utf8(b).ok()) else {
        return Cow::Borrowed(line);
    };
    let rest = &line[LABEL..];
    if !(rest.is_empty() || rest[0] == b' ' || rest[0] == b'\n') {
        return Cow::Borrowed(line);
    }
    match Tai64n::parse_label(label) {
        Some(t) => {
            let mut out = format_tt(t).into_bytes();
            out.extend_from_slice(rest);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_like_svlogd_tt() {
        let t = Tai64n::from_system(UNIX_EPOCH + Duration::new(0, 0));
        assert_eq!(format_tt(t), "1970-01-01_00:00:00.00000");
        // 2000-02-29 (a leap day in a century year) 12:34:56.789012345
        let t = Tai64n::from_system(UNIX_EPOCH + Duration::new(951_827_696, 789_012_345));
        assert_eq!(format_tt(t), "2000-02-29_12:34:56.78901");
        let t = Tai64n::from_system(UNIX_EPOCH + Duration::new(1_795_000_000, 0));
        assert_eq!(format_tt(t), "2026-11-18_11:06:40.00000");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(365 + 365 + 59), (1972, 2, 29));
    }

    #[test]
    fn humanizes_only_tai64n_labels() {
        // A label written by Debian's svlogd -t, and the -tt form of the same instant.
        let line = b"@400000006b048aed3818503c hello\n";
        let t = Tai64n::parse_label("@400000006b048aed3818503c").unwrap();
        let want = format!("{} hello\n", format_tt(t));
        assert_eq!(humanize(line).as_ref(), want.as_bytes());
        for same in [
            &b"2026-11-23_18:50:11.94337 hello\n"[..],
            b"@400000006b048aed3818503cX\n",
            b"@4000 short\n",
            b"plain\n",
            b"",
        ] {
            assert_eq!(humanize(same).as_ref(), same);
        }
    }
}
