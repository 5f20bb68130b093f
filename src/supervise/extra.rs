//! The record runitctl keeps beyond runit's: `supervise/runitctl` (and `log/supervise/runitctl`),
//! text `key value` lines that runit's clients never look at:
//!
//! ```text
//! starts 12
//! restarts 11
//! last_exit exit 1          (or: last_exit signal 9)
//! last_start 1795000000.123456789
//! ```
//!
//! `starts` counts starts of `./run` by this runsv; `restarts` those started automatically after
//! the previous `./run` ended (not by `u`/`o`, not the first). Written `.new` + rename whenever
//! it changes (each start and each exit of `./run`).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sys::process::WaitStatus;

/// How the last `./run` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastExit {
    Exit(i32),
    Signal(i32),
}

impl LastExit {
    pub fn from_wait(ws: WaitStatus) -> LastExit {
        match (ws.code(), ws.signal()) {
            (Some(c), _) => LastExit::Exit(c),
            (None, Some(s)) => LastExit::Signal(s),
            _ => LastExit::Exit(ws.0),
        }
    }
}

/// The extra record of one slot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    pub starts: u64,
    pub restarts: u64,
    pub last_exit: Option<LastExit>,
    pub last_start: Option<SystemTime>,
}

/// File name under `supervise/`.
pub const FILE: &str = "runitctl";

impl Extra {
    /// The text form (one `key value` line each, known keys only).
    pub fn render(&self) -> String {
        let mut s = format!("starts {}\nrestarts {}\n", self.starts, self.restarts);
        match self.last_exit {
            Some(LastExit::Exit(c)) => s.push_str(&format!("last_exit exit {c}\n")),
            Some(LastExit::Signal(n)) => s.push_str(&format!("last_exit signal {n}\n")),
            None => {}
        }
        if let Some(t) = self.last_start {
            let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
            s.push_str(&format!(
                "last_start {}.{:09}\n",
                d.as_secs(),
                d.subsec_nanos()
            ));
        }
        s
    }

    /// Parses the text form; unknown keys are skipped (newer writers may add some).
    pub fn parse(text: &str) -> Option<Extra> {
        let mut e = Extra::default();
        let mut seen = false;
        for line in text.lines() {
            let (key, val) = line.split_once(' ')?;
            match key {
                "starts" => e.starts = val.parse().ok()?,
                "restarts" => e.restarts = val.parse().ok()?,
                "last_exit" => {
                    let (kind, n) = val.split_once(' ')?;
                    let n = n.parse().ok()?;
                    e.last_exit = Some(match kind {
                        "exit" => LastExit::Exit(n),
                        "signal" => LastExit::Signal(n),
                        _ => return None,
                    });
                }
                "last_start" => {
                    let (s, ns) = val.split_once('.').unwrap_or((val, "0"));
                    let d = Duration::new(s.parse().ok()?, ns.parse().ok()?);
                    e.last_start = Some(UNIX_EPOCH + d);
                }
                _ => continue,
            }
            seen = true;
        }
        seen.then_some(e)
    }
}

/// Reads the extra record of the service directory `dir` (`dir/supervise/runitctl`; pass
/// `dir/log` for the logger). None when absent (e.g. supervised by Debian's runsv) or unreadable.
pub fn read_extra(dir: &Path) -> Option<Extra> {
    let text = std::fs::read_to_string(dir.join("supervise").join(FILE)).ok()?;
    Extra::parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let e = Extra {
            starts: 12,
            restarts: 11,
            last_exit: Some(LastExit::Signal(9)),
            last_start: Some(UNIX_EPOCH + Duration::new(1_795_000_000, 123_456_789)),
        };
        let text = e.render();
        assert_eq!(
            text,
            "starts 12\nrestarts 11\nlast_exit signal 9\nlast_start 1795000000.123456789\n"
        );
        assert_eq!(Extra::parse(&text), Some(e));
        assert_eq!(
            Extra::parse("starts 1\nrestarts 0\nfuture_key x y\n").map(|e| e.starts),
            Some(1)
        );
        assert_eq!(Extra::parse(""), None);
        assert_eq!(Extra::parse("starts x\n"), None);
    }
}
