//! Reading stdin. When stdin is a pipe (always, under runsv), bytes are first *copied* out of
//! it with tee(2) and only consumed once their lines are in the log, so a logger killed between
//! the two leaves them in the pipe for its successor. Any other stdin is read plainly.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd};

use super::journal::{fingerprint, Pending};

/// What a peek found.
pub enum Peek {
    /// This many bytes were appended to the buffer.
    Data(usize),
    /// Nothing to read right now.
    Empty,
    /// End of input.
    Eof,
}

/// stdin, pipe-aware.
pub struct Input {
    /// The private pipe tee(2) copies into (read end, write end), or None for plain reads.
    copy: Option<(File, OwnedFd)>,
    /// Bytes per peek.
    cap: usize,
    scratch: Vec<u8>,
}

impl Input {
    /// Sets up for fd 0; `min_read` is the smallest read size to use.
    pub fn new(min_read: usize) -> Input {
        // SAFETY: fcntl F_GETPIPE_SZ on fd 0 only queries; it fails on a non-pipe.
        let size = unsafe { libc::fcntl(0, libc::F_GETPIPE_SZ) };
        let copy = if size > 0 { private_pipe(size) } else { None };
        let cap = if size > 0 {
            size as usize
        } else {
            min_read.max(128 * 1024)
        };
        Input {
            copy,
            cap,
            scratch: Vec::new(),
        }
    }

    /// True when peeked bytes are consumed only by [`Input::consume`].
    pub fn peeking(&self) -> bool {
        self.copy.is_some()
    }

    /// Appends up to one pipe-full of the next input bytes to `buf` without blocking (call
    /// when poll says stdin is readable). In plain mode the bytes are consumed at once.
    pub fn peek(&mut self, buf: &mut Vec<u8>) -> io::Result<Peek> {
        let start = buf.len();
        let Some((r, w)) = &mut self.copy else {
            buf.resize(start + self.cap, 0);
            let n = loop {
                // SAFETY: reading into the freshly resized tail of `buf`.
                let n = unsafe { libc::read(0, buf[start..].as_mut_ptr().cast(), self.cap) };
                if n >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                    break n;
                }
            };
            buf.truncate(start + n.max(0) as usize);
            return match n {
                0 => Ok(Peek::Eof),
                n if n > 0 => Ok(Peek::Data(n as usize)),
                _ => match io::Error::last_os_error() {
                    e if e.kind() == io::ErrorKind::WouldBlock => Ok(Peek::Empty),
                    e => Err(e),
                },
            };
        };
        // SAFETY: tee(2) between fd 0 and our private pipe's write end; no memory is passed.
        let n = unsafe { libc::tee(0, w.as_raw_fd(), self.cap, libc::SPLICE_F_NONBLOCK) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(Peek::Empty),
                _ => Err(e),
            };
        }
        if n == 0 {
            return Ok(Peek::Eof);
        }
        let n = n as usize;
        buf.resize(start + n, 0);
        r.read_exact(&mut buf[start..])?;
        Ok(Peek::Data(n))
    }

    /// True when the input a killed predecessor journalled is still at the head of the pipe.
    pub fn holds(&mut self, p: &Pending) -> bool {
        if self.copy.is_none() {
            return false;
        }
        let mut head = Vec::new();
        match self.peek(&mut head) {
            Ok(Peek::Data(n)) if n as u64 >= p.input_len => {
                fingerprint(&head[..p.input_len as usize]) == p.fingerprint
            }
            _ => false,
        }
    }

    /// Consumes `n` peeked bytes from stdin (no-op in plain mode).
    pub fn consume(&mut self, mut n: usize) -> io::Result<()> {
        if self.copy.is_none() {
            return Ok(());
        }
        self.scratch.resize(self.cap.max(4096), 0);
        while n > 0 {
            let want = n.min(self.scratch.len());
            // SAFETY: reading at most `scratch.len()` bytes into `scratch`.
            let got = unsafe { libc::read(0, self.scratch.as_mut_ptr().cast(), want) };
            if got < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if got == 0 {
                break;
            }
            n -= got as usize;
        }
        Ok(())
    }
}

/// A close-on-exec pipe as large as stdin's, so one tee copies all stdin holds.
fn private_pipe(size: i32) -> Option<(File, OwnedFd)> {
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).ok()?;
    // SAFETY: F_SETPIPE_SZ on a pipe we own; failure only leaves the default size.
    let got = unsafe { libc::fcntl(w.as_raw_fd(), libc::F_SETPIPE_SZ, size) };
    if got < size {
        return None;
    }
    Some((File::from(r), w))
}
