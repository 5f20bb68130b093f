//! What happens to one line: `-r`/`-R` replacement and pattern selection per directory on
//! its first `-l len` bytes, the copy to each selected `current` (whole line, timestamp and prefix
//! in front), the `e` copy to stderr and the `u`/`U` datagram (first len bytes, `...` when the
//! newline is not among them). Stderr copies are collected and written once per batch.

use std::borrow::Cow;
use std::io::Write;

use super::args::Opts;
use super::dir::LogDir;
use super::pattern;

/// Per-batch line emitter.
pub struct Emitter<'a> {
    opts: &'a Opts,
    stderr: Vec<u8>,
    msg: Vec<u8>,
}

impl<'a> Emitter<'a> {
    pub fn new(opts: &'a Opts) -> Emitter<'a> {
        Emitter {
            opts,
            stderr: Vec::new(),
            msg: Vec::new(),
        }
    }

    /// The first `-l len` bytes of `raw` with `-r`/`-R` applied and the rest as is: runit
    /// replaces bytes only in the part it matches, then copies the rest of a long line raw.
    fn cleaned<'b>(&self, raw: &'b [u8]) -> Cow<'b, [u8]> {
        match self.opts.repl {
            Some(r) => {
                let mut v = raw.to_vec();
                let head = v.len().min(self.opts.linemax);
                pattern::replace(&mut v[..head], r, &self.opts.replace);
                Cow::Owned(v)
            }
            None => Cow::Borrowed(raw),
        }
    }

    /// Emits the start of a line (`raw` without its newline). `complete` adds the newline;
    /// otherwise the line continues in [`Emitter::rest`] with the returned per-dir selection.
    pub fn first(
        &mut self,
        dirs: &mut [LogDir],
        stamp: &[u8],
        raw: &[u8],
        complete: bool,
    ) -> Vec<bool> {
        let line = self.cleaned(raw);
        let text = &line[..line.len().min(self.opts.linemax)];
        // runit reads at most len bytes for the match: when the newline is not among them
        // (a line of len bytes or more) the copies to stderr and UDP end in `...`.
        let more: &[u8] = if text.len() == self.opts.linemax {
            b"..."
        } else {
            b""
        };
        let tail: &[u8] = if complete { b"\n" } else { b"" };
        let mut sel = Vec::with_capacity(dirs.len());
        for d in dirs.iter_mut() {
            let (s, e) = if d.cfg.patterns.is_empty() {
                (b'+', b'E')
            } else {
                pattern::select(&d.cfg.patterns, text)
            };
            if e == b'e' {
                for p in [stamp, &d.cfg.prefix, text, more, b"\n"] {
                    self.stderr.extend_from_slice(p);
                }
            }
            let on = s == b'+';
            if on {
                if let Some(u) = &d.udp {
                    self.msg.clear();
                    for p in [stamp, &d.cfg.prefix, text, more, b"\n"] {
                        self.msg.extend_from_slice(p);
                    }
                    u.send(&self.msg);
                }
            }
            let to_dir = on && !d.udp_only();
            if to_dir {
                d.put(stamp, true, &line, tail);
            }
            sel.push(to_dir);
        }
        sel
    }

    /// Emits more of a long line, as is (no `-r`/`-R`), to the directories that selected its
    /// start.
    pub fn rest(&mut self, dirs: &mut [LogDir], sel: &[bool], raw: &[u8]) {
        for (d, on) in dirs.iter_mut().zip(sel) {
            if *on {
                d.put(b"", false, raw, b"");
            }
        }
    }

    /// Writes the collected stderr copies.
    pub fn flush_stderr(&mut self) {
        if !self.stderr.is_empty() {
            let _ = std::io::stderr().write_all(&self.stderr);
            self.stderr.clear();
        }
    }
}

/// Index of the first `b` in `s`.
pub fn find(b: u8, s: &[u8]) -> Option<usize> {
    // SAFETY: memchr reads at most `s.len()` bytes of `s`.
    let p = unsafe { libc::memchr(s.as_ptr().cast(), b.into(), s.len()) };
    (!p.is_null()).then(|| p as usize - s.as_ptr() as usize)
}

/// Index of the last `b` in `s`.
pub fn rfind(b: u8, s: &[u8]) -> Option<usize> {
    // SAFETY: memrchr reads at most `s.len()` bytes of `s`.
    let p = unsafe { libc::memrchr(s.as_ptr().cast(), b.into(), s.len()) };
    (!p.is_null()).then(|| p as usize - s.as_ptr() as usize)
}
