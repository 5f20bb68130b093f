//! sv's output: one stdout buffer flushed a line at a time (so a warning can land in the middle
//! of a half-built status line, exactly as runit's sv prints it), and the error counter behind
//! the exit code (§5.5: one per `fail:`, `warning:`, `timeout:` or `kill:` line, capped at 99).
//! While waiting, a service's lines can be captured instead of written, so that they are
//! printed in runit's order (sv/rounds.rs).

use crate::runit::errstr::errstr;
use nix::errno::Errno;
use std::io::Write;

/// Buffered stdout plus the failure count.
#[derive(Default)]
pub struct Report {
    buf: Vec<u8>,
    failures: u32,
    /// Completed lines captured instead of written (see [`Report::capture`]).
    captured: Option<Vec<u8>>,
}

impl Report {
    /// Appends to the current line without flushing.
    pub fn put(&mut self, s: &[u8]) {
        self.buf.extend_from_slice(s);
    }

    /// Appends a decimal number.
    pub fn num(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
    }

    /// Appends `end` and writes everything buffered to stdout.
    pub fn flush(&mut self, end: &[u8]) {
        self.buf.extend_from_slice(end);
        if let Some(c) = self.captured.as_mut() {
            c.append(&mut self.buf);
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&self.buf);
        let _ = out.flush();
        self.buf.clear();
    }

    /// From now on, flushed lines are kept instead of written, until [`Report::captured`].
    pub fn capture(&mut self) {
        self.captured = Some(Vec::new());
    }

    /// Ends a capture and returns what was flushed meanwhile.
    pub fn captured(&mut self) -> Vec<u8> {
        self.captured.take().unwrap_or_default()
    }

    /// Counts one failure line (timeout/kill lines are counted by the caller through this).
    pub fn count(&mut self) {
        self.failures += 1;
    }

    /// `fail: NAME: MSG[: ERR]`, counted.
    pub fn fail(&mut self, name: &[u8], msg: &str, err: Option<Errno>) {
        self.count();
        self.line(b"fail: ", name, msg, err);
    }

    /// `warning: NAME: MSG[: ERR]`, counted.
    pub fn warn(&mut self, name: &[u8], msg: &str, err: Option<Errno>) {
        self.count();
        self.line(b"warning: ", name, msg, err);
    }

    /// `ok: NAME: MSG`, not counted.
    pub fn ok(&mut self, name: &[u8], msg: &str) {
        self.line(b"ok: ", name, msg, None);
    }

    fn line(&mut self, kind: &[u8], name: &[u8], msg: &str, err: Option<Errno>) {
        self.put(kind);
        self.put(name);
        self.put(b": ");
        self.put(msg.as_bytes());
        if let Some(e) = err {
            self.put(b": ");
            self.put(errstr(e).as_bytes());
        }
        self.flush(b"\n");
    }

    /// The exit code for normal mode: the failure count, capped at 99.
    pub fn rc(&self) -> i32 {
        self.failures.min(99) as i32
    }
}

/// `warning: WHAT NAME FILE: ERR` on stderr, not counted (runit's `strerr_warn` lines about a
/// service's `down` or `check`).
pub fn warn_stderr(what: &str, name: &[u8], file: &str, err: Errno) {
    let mut line = b"warning: ".to_vec();
    line.extend_from_slice(what.as_bytes());
    line.extend_from_slice(name);
    line.extend_from_slice(file.as_bytes());
    line.extend_from_slice(b": ");
    line.extend_from_slice(errstr(err).as_bytes());
    line.push(b'\n');
    let _ = std::io::stderr().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_cap() {
        let mut r = Report::default();
        r.num(0);
        r.put(b" ");
        r.num(18446744073709551615);
        assert_eq!(r.buf, b"0 18446744073709551615");
        r.buf.clear();
        for _ in 0..150 {
            r.count();
        }
        assert_eq!(r.rc(), 99);
    }
}
