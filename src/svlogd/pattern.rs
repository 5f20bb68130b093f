//! Line filtering: runit's pattern language (`*` skips up to the next pattern byte, `+` eats a
//! run of the next pattern byte, anything else is literal; the whole text must be consumed) and
//! the `-r`/`-R` replacement of unwanted bytes.

/// True when `pat` matches all of `text`.
pub fn matches(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut s) = (0, 0);
    loop {
        let Some(&c) = pat.get(p) else {
            return s == text.len();
        };
        p += 1;
        match c {
            b'*' => {
                let Some(&next) = pat.get(p) else {
                    return true;
                };
                loop {
                    match text.get(s) {
                        None => return false,
                        Some(&b) if b == next => break,
                        Some(_) => s += 1,
                    }
                }
            }
            b'+' => {
                let next = pat.get(p).copied().unwrap_or(0);
                p = (p + 1).min(pat.len());
                if text.get(s) != Some(&next) {
                    return false;
                }
                loop {
                    match text.get(s) {
                        None => return true,
                        Some(&b) if b != next => break,
                        Some(_) => s += 1,
                    }
                }
            }
            _ => {
                if text.get(s) != Some(&c) {
                    return false;
                }
                s += 1;
            }
        }
    }
}

/// Replaces bytes outside 32..=126, and any byte in `extra`, with `repl`.
pub fn replace(line: &mut [u8], repl: u8, extra: &[u8]) {
    for b in line.iter_mut() {
        if *b < 32 || *b > 126 || extra.contains(b) {
            *b = repl;
        }
    }
}

/// The selection state a line ends in: (`+`/`-` for the log dir, `e`/`E` for stderr).
pub fn select(patterns: &[(u8, Vec<u8>)], text: &[u8]) -> (u8, u8) {
    let (mut sel, mut err) = (b'+', b'E');
    for (kind, pat) in patterns {
        let slot = if matches!(kind, b'+' | b'-') {
            &mut sel
        } else {
            &mut err
        };
        if *slot != *kind && matches(pat, text) {
            *slot = *kind;
        }
    }
    (sel, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_stops_at_the_next_pattern_byte() {
        assert!(matches(b"*", b"anything"));
        assert!(matches(b"*err*", b"an err line"));
        // The first `*` stops at the first `s`: `skip` never lines up.
        assert!(!matches(b"*skip*", b"please skip me"));
        assert!(matches(b"a*c", b"abbbc"));
        assert!(!matches(b"a*c", b"abbb"));
        assert!(matches(b"", b""));
        assert!(!matches(b"", b"x"));
    }

    #[test]
    fn plus_eats_a_run() {
        assert!(matches(b"a+bc", b"abbbc"));
        assert!(!matches(b"a+bc", b"ac"));
        // runit's quirk: running out of text inside a run is a match.
        assert!(matches(b"a+bc", b"abb"));
    }

    #[test]
    fn last_match_wins_per_channel() {
        let pats = vec![
            (b'-', b"*".to_vec()),
            (b'+', b"keep*".to_vec()),
            (b'e', b"*x".to_vec()),
        ];
        assert_eq!(select(&pats, b"keep me"), (b'+', b'E'));
        assert_eq!(select(&pats, b"drop x"), (b'-', b'e'));
        assert_eq!(select(&[], b"x"), (b'+', b'E'));
    }

    #[test]
    fn replacement() {
        let mut l = b"tab\there\x01ctl \xc3\xa9".to_vec();
        replace(&mut l, b'_', b"xe");
        assert_eq!(l, b"tab_h_r__ctl __");
    }
}
