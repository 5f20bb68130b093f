//! `runitctl logs`: an svlogd directory read as one stream — rotated files in name (= time)
//! order, then `current` — with TAI64N stamps made readable; the last N lines of it; and
//! following `current` across rotations.
//!
//! Following polls (every [`Options::interval`]): new bytes of the open `current` are printed;
//! when the name `current` points to another inode, the old file (now `@….s`) is drained, any
//! rotated file newer than it that appeared meanwhile is printed whole, and the new `current`
//! is opened from its start. A `current` that shrank (truncated by hand) is reread from 0.
//! Opening `current` before listing the rotated files, and skipping the one that is the open
//! file, means a rotation during start-up neither loses nor repeats lines.

mod current;
pub mod files;
mod sink;
mod stamp;

pub use files::{is_rotated, log_files, read_rotated, rotated};
pub use sink::{last_lines, LineSink};
pub use stamp::humanize;

use current::{Change, Current};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to show.
#[derive(Clone, Debug)]
pub struct Options {
    /// Only the last N lines (of all files together) before following.
    pub lines: Option<usize>,
    pub follow: bool,
    /// How often `current` is looked at when following.
    pub interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lines: None,
            follow: false,
            interval: Duration::from_millis(100),
        }
    }
}

/// Shows the log in `dir` on `out`. When following, `wait(interval)` is called between polls
/// and returns true to stop (a signal arrived). An `out` that closed (EPIPE) ends it with the
/// error `BrokenPipe`, which the caller treats as a normal end.
pub fn show(
    dir: &Path,
    opts: &Options,
    out: &mut dyn Write,
    wait: &mut dyn FnMut(Duration) -> bool,
) -> io::Result<()> {
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no such log directory",
        ));
    }
    if dir.join("run").is_file() && !dir.join("current").exists() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a service directory, not a log directory (svlogd's directory is named in log/run)",
        ));
    }
    let mut current = Current::open(dir)?;
    let rotated: Vec<PathBuf> = files::rotated(dir)?
        .into_iter()
        .filter(|p| {
            current
                .as_ref()
                .is_none_or(|c| std::fs::metadata(p).map_or(true, |m| !c.is(&m)))
        })
        .collect();
    let mut sink = LineSink::new(out);
    history(&rotated, current.as_mut(), opts.lines, &mut sink)?;
    if !opts.follow {
        return sink.finish();
    }
    sink.flush()?;
    loop {
        if let Some(c) = current.as_mut() {
            sink.feed(&c.read_new()?)?;
        }
        match current.as_ref().map(|c| c.check(dir)).transpose()? {
            None => current = Current::open(dir)?,
            Some(Change::Same) => {}
            Some(Change::Truncated) => {
                if let Some(c) = current.as_mut() {
                    c.rewind()?;
                }
            }
            Some(Change::Rotated) => {
                let mut old = current.take().expect("checked");
                sink.feed(&old.read_new()?)?;
                let now = files::rotated(dir)?;
                if let Some(mine) = old.find_in(&now) {
                    for p in now.iter().filter(|p| *p > mine) {
                        sink.feed(&read_rotated(p)?)?;
                    }
                }
                current = Current::open(dir)?;
                if let Some(c) = current.as_mut() {
                    sink.feed(&c.read_new()?)?;
                }
            }
        }
        sink.flush()?;
        if wait(opts.interval) {
            return sink.finish();
        }
    }
}

/// Writes the rotated files then `current` (all, or the last `lines` lines of them together).
fn history(
    rotated: &[PathBuf],
    current: Option<&mut Current>,
    lines: Option<usize>,
    sink: &mut LineSink,
) -> io::Result<()> {
    let Some(n) = lines else {
        for p in rotated {
            sink.feed(&read_rotated(p)?)?;
        }
        if let Some(c) = current {
            sink.feed(&c.read_new()?)?;
        }
        return Ok(());
    };
    // From the end backwards, until more than n newlines are in hand.
    let mut tail = match current {
        Some(c) => c.read_new()?,
        None => Vec::new(),
    };
    for p in rotated.iter().rev() {
        if sink::count_lines(&tail) > n {
            break;
        }
        let mut earlier = read_rotated(p)?;
        earlier.extend_from_slice(&tail);
        tail = earlier;
    }
    sink.feed(last_lines(&tail, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show_str(dir: &Path, lines: Option<usize>) -> String {
        let mut out = Vec::new();
        let opts = Options {
            lines,
            ..Options::default()
        };
        show(dir, &opts, &mut out, &mut |_| true).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reads_rotations_in_order_and_tails_across_them() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("@400000006b048aaa00000000.s"), "1\n2\n3").unwrap();
        std::fs::write(d.join("@400000006b048aab00000000.s"), "-split\n4\n").unwrap();
        std::fs::write(d.join("current"), "5\n6\n").unwrap();
        assert_eq!(show_str(d, None), "1\n2\n3-split\n4\n5\n6\n");
        assert_eq!(show_str(d, Some(3)), "4\n5\n6\n");
        assert_eq!(show_str(d, Some(4)), "3-split\n4\n5\n6\n");
        assert_eq!(show_str(d, Some(100)), "1\n2\n3-split\n4\n5\n6\n");
        std::fs::remove_file(d.join("current")).unwrap();
        assert_eq!(show_str(d, Some(1)), "4\n");
        std::fs::write(d.join("run"), "#!/bin/sh\n").unwrap();
        let err = show(d, &Options::default(), &mut Vec::new(), &mut |_| true).unwrap_err();
        assert!(err.to_string().contains("not a log directory"), "{err}");
    }

    /// Each call of `wait` changes the directory the way svlogd (or an operator) would; the
    /// follower must print every line once, in order.
    #[test]
    fn follows_appends_rotations_missed_rotations_and_truncation() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().to_path_buf();
        let cur = d.join("current");
        let append = |p: &Path, text: &str| {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .unwrap();
            f.write_all(text.as_bytes()).unwrap();
        };
        std::fs::write(d.join("@400000006b048aaa00000000.s"), "old\n").unwrap();
        std::fs::write(&cur, "a\n").unwrap();
        let mut step = 0;
        let mut wait = |_: Duration| {
            step += 1;
            match step {
                1 => append(&cur, "b\nc-"),
                2 => append(&cur, "joined\n"),
                3 => {
                    // One rotation: the rest written to the old file, then a new current.
                    append(&cur, "d\n");
                    std::fs::rename(&cur, d.join("@400000006b048aab00000000.s")).unwrap();
                    std::fs::write(&cur, "e\n").unwrap();
                }
                4 => {
                    // Two rotations between polls.
                    append(&cur, "f\n");
                    std::fs::rename(&cur, d.join("@400000006b048aac00000000.s")).unwrap();
                    std::fs::write(&cur, "g\n").unwrap();
                    std::fs::rename(&cur, d.join("@400000006b048aad00000000.s")).unwrap();
                    std::fs::write(&cur, "h\n").unwrap();
                }
                5 => {
                    // current vanishes for a moment (between rename and create).
                    std::fs::rename(&cur, d.join("@400000006b048aae00000000.s")).unwrap();
                }
                6 => std::fs::write(&cur, "i\n").unwrap(),
                7 => std::fs::write(&cur, "").unwrap(), // truncated by hand
                8 => append(&cur, "j\n"),
                _ => return true,
            }
            false
        };
        let opts = Options {
            lines: Some(1),
            follow: true,
            ..Options::default()
        };
        let mut out = Vec::new();
        show(&d, &opts, &mut out, &mut wait).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\nb\nc-joined\nd\ne\nf\ng\nh\ni\nj\n"
        );
    }
}
