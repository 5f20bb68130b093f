//! Human-readable timestamps for `runitctl logs`: a line svlogd stamped with `-t` (`@` + 24 hex
//! digits of TAI64N, runit's epoch 2^62 + 10) is shown in svlogd's own `-tt` form, UTC
//! (`2026-11-23_18:50:11.94337`), so every log reads alike. `-tt`/`-ttt` lines and unstamped
//! lines are left as they are.

use crate::runit::tai64n::Tai64n;
use std::borrow::Cow;

/// Length of `@` + 24 hex digits.
const LABEL: usize = 25;

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
            let mut out = t.date('_').into_bytes();
            out.extend_from_slice(rest);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizes_only_tai64n_labels() {
        // A label written by Debian's svlogd -t, and the -tt form of the same instant.
        let line = b"@400000006b048aed3818503c hello\n";
        let t = Tai64n::parse_label("@400000006b048aed3818503c").unwrap();
        let want = format!("{} hello\n", t.date('_'));
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
