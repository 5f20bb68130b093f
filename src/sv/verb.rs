//! The verb table (§5.2): which control bytes a command word writes, which conditions a wait
//! checks, whether it waits at all, and whether a timeout escalates to `kill:` + `k`.
//!
//! Like runit's sv, most words are recognised by their first character only (`sv upxyz` is up,
//! `sv stat` is status); the LSB words are matched in full.

/// What a verb does before (or instead of) waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Print the status line (read-only).
    Status,
    /// Write the control bytes (after send suppression).
    Send,
    /// Nothing; only the wait loop runs (`check`).
    None,
}

/// A parsed command word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verb {
    pub act: Act,
    /// Bytes written to `supervise/control`, which are also the wait conditions
    /// (`C` is the 2.1.2 `check` condition; `s` is status, which never waits).
    pub bytes: &'static [u8],
    /// Whether the wait loop runs after the act.
    pub wait: bool,
    /// On timeout print `kill:` and send `k` (the force-* verbs).
    pub kill: bool,
}

const fn verb(act: Act, bytes: &'static [u8], wait: bool, kill: bool) -> Verb {
    Verb {
        act,
        bytes,
        wait,
        kill,
    }
}

/// The single-letter commands, each written and checked as itself.
const LETTERS: &[u8] = b"udotphaikq12c";

/// Parses a command word; None is a usage error. `verbose` is `-v` (or `-w`); `lsb` is the
/// init-script mode, where `status` must be spelled out.
pub fn parse(word: &[u8], lsb: bool, verbose: bool) -> Option<Verb> {
    let first = *word.first()?;
    let full = |w: &str| word == w.as_bytes();
    Some(match first {
        b'x' | b'e' => verb(Act::Send, b"x", verbose, false),
        b'X' | b'E' => verb(Act::Send, b"x", true, true),
        b'D' => verb(Act::Send, b"d", true, true),
        b'T' => verb(Act::Send, b"tc", true, true),
        b'c' if full("check") => verb(Act::None, b"C", true, false),
        b't' if full("try-restart") => verb(Act::Send, b"tc", true, false),
        b's' if full("shutdown") => verb(Act::Send, b"x", true, false),
        b's' if full("start") => verb(Act::Send, b"u", true, false),
        b's' if full("stop") => verb(Act::Send, b"d", true, false),
        b's' if lsb && !full("status") => return None,
        b's' => verb(Act::Status, b"s", false, false),
        b'r' if full("restart") => verb(Act::Send, b"tcu", true, false),
        b'r' if full("reload") => verb(Act::Send, b"h", true, false),
        b'f' if full("force-reload") => verb(Act::Send, b"tc", true, true),
        b'f' if full("force-restart") => verb(Act::Send, b"tcu", true, true),
        b'f' if full("force-shutdown") => verb(Act::Send, b"x", true, true),
        b'f' if full("force-stop") => verb(Act::Send, b"d", true, true),
        c if LETTERS.contains(&c) => {
            let i = LETTERS.iter().position(|&l| l == c).expect("listed");
            verb(Act::Send, &LETTERS[i..=i], verbose, false)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: &str) -> Option<Verb> {
        parse(w.as_bytes(), false, false)
    }

    #[test]
    fn first_letter_words() {
        assert_eq!(p("upxyz").unwrap().bytes, b"u");
        assert_eq!(p("stat").unwrap().act, Act::Status);
        assert_eq!(p("cont").unwrap().bytes, b"c");
        assert_eq!(p("term").unwrap().bytes, b"t");
        assert_eq!(p("exit").unwrap().bytes, b"x");
        assert_eq!(p("e").unwrap().bytes, b"x");
        assert_eq!(p("1").unwrap().bytes, b"1");
        assert!(!p("down").unwrap().wait);
        assert!(parse(b"down", false, true).unwrap().wait);
    }

    #[test]
    fn lsb_words() {
        assert_eq!(p("restart").unwrap().bytes, b"tcu");
        assert_eq!(p("try-restart").unwrap().bytes, b"tc");
        assert_eq!(p("check").unwrap().bytes, b"C");
        assert!(p("start").unwrap().wait);
        let f = p("force-stop").unwrap();
        assert!(f.kill && f.wait && f.bytes == b"d");
        assert_eq!(p("T").unwrap().bytes, b"tc");
        assert!(p("refresh").is_none());
        assert!(p("frobnicate").is_none());
        assert!(p("zap").is_none());
        assert!(p("").is_none());
        assert!(parse(b"stat", true, false).is_none());
        assert_eq!(parse(b"status", true, false).unwrap().act, Act::Status);
    }
}
