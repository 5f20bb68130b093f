//! The main loop: one `poll` on stdin and a signalfd (plus the earliest `t` deadline, if any;
//! an idle svlogd without `t` never wakes). Each readable stdin yields one batch: every
//! complete line in it is emitted and written with one write(2) per directory, and only then
//! consumed from the pipe (see [`super::input`] and [`super::journal`]); a batch a killed
//! predecessor journalled is replayed first, alone and with its timestamp. HUP reopens the
//! directories, ALRM rotates, TERM and EOF write what was read and exit 0.

use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Instant, SystemTime};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;

use super::args::Opts;
use super::dir::LogDir;
use super::input::{Input, Peek};
use super::journal::fingerprint;
use super::lines::{find, rfind, Emitter};
use super::{msg, stamp};
use crate::sys::signals::Signals;

/// A line longer than this (without a newline yet) is written in pieces.
const LONG: usize = 64 * 1024;

struct Logger<'a> {
    opts: &'a Opts,
    input: Input,
    dirs: Vec<LogDir>,
    /// Consumed bytes of an unfinished line, at the start of `buf`.
    buf: Vec<u8>,
    /// Per-dir selection of a long line whose start is already written.
    cont: Option<Vec<bool>>,
    term: bool,
    eof: bool,
}

/// Runs svlogd; returns the exit code.
pub fn run(opts: &Opts) -> i32 {
    msg::set_verbose(opts.verbose);
    // SAFETY: setting a disposition to SIG_IGN installs no handler code. A file-size limit
    // then shows up as a write error (EFBIG) and svlogd pauses instead of dying.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    let sigs = [
        Signal::SIGHUP,
        Signal::SIGTERM,
        Signal::SIGALRM,
        Signal::SIGCHLD,
    ];
    let mut signals = match Signals::new(&sigs) {
        Ok(s) => s,
        Err(e) => {
            msg::fatal("unable to set up signals", Some(&e.into()));
            return 111;
        }
    };
    let mut lg = Logger {
        opts,
        input: Input::new(opts.buflen),
        dirs: Vec::new(),
        buf: Vec::new(),
        cont: None,
        term: false,
        eof: false,
    };
    if !lg.open_all() {
        return 111;
    }
    loop {
        if lg.eof || lg.term {
            break;
        }
        let (sig_ready, in_ready) = lg.wait(signals.as_fd());
        if sig_ready {
            for s in signals.drain() {
                if !lg.signal(s) {
                    return 111;
                }
            }
        }
        lg.deadlines();
        if in_ready {
            lg.batch();
        }
    }
    lg.finish();
    0
}

impl Logger<'_> {
    fn open_all(&mut self) -> bool {
        let input = &mut self.input;
        self.dirs = self
            .opts
            .dirs
            .iter()
            .filter_map(|name| LogDir::open(name, self.opts.linemax, &mut |p| input.holds(p)))
            .collect();
        if self.dirs.is_empty() {
            msg::fatal("no functional log directories.", None);
            return false;
        }
        true
    }

    fn close_all(&mut self) {
        for d in self.dirs.drain(..) {
            d.close();
        }
    }

    /// Polls; (signals readable, stdin readable).
    fn wait(&self, sigfd: BorrowedFd) -> (bool, bool) {
        let timeout = match self.dirs.iter().filter_map(|d| d.deadline).min() {
            None => PollTimeout::NONE,
            Some(t) => {
                let ms = t.saturating_duration_since(Instant::now()).as_millis() as u64 + 1;
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)
            }
        };
        // SAFETY: fd 0 stays open for the life of the process.
        let stdin = unsafe { BorrowedFd::borrow_raw(0) };
        let mut fds = [
            PollFd::new(sigfd, PollFlags::POLLIN),
            PollFd::new(stdin, PollFlags::POLLIN),
        ];
        match nix::poll::poll(&mut fds, timeout) {
            Ok(n) if n > 0 => {
                let r = |i: usize| fds[i].revents().is_some_and(|r| !r.is_empty());
                (r(0), r(1))
            }
            _ => (false, false),
        }
    }

    /// Handles one signal; false when svlogd must exit 111.
    fn signal(&mut self, s: Signal) -> bool {
        match s {
            Signal::SIGHUP => {
                msg::info("sighangup received.");
                self.close_all();
                return self.open_all();
            }
            Signal::SIGALRM => {
                msg::info("sigalarm received.");
                for d in &mut self.dirs {
                    d.rotate();
                }
            }
            Signal::SIGTERM => {
                msg::info("sigterm received.");
                self.term = true;
            }
            _ => {
                msg::info("sigchild received.");
                for d in &mut self.dirs {
                    d.reap();
                }
            }
        }
        true
    }

    /// `t`: rotates every directory whose deadline passed.
    fn deadlines(&mut self) {
        let now = Instant::now();
        for d in &mut self.dirs {
            if d.deadline.is_some_and(|t| t <= now) {
                d.rotate();
            }
        }
    }

    /// Reads one batch and emits every complete line in it.
    fn batch(&mut self) {
        let base = self.buf.len();
        let n = match self.input.peek(&mut self.buf) {
            Ok(Peek::Data(n)) => n,
            Ok(Peek::Empty) => return,
            Ok(Peek::Eof) => {
                self.eof = true;
                return;
            }
            Err(e) => {
                msg::warn("unable to read standard input", Some(&e));
                self.eof = true;
                return;
            }
        };
        // A replay covers exactly the journalled input and reuses its timestamp, so it writes
        // the bytes its predecessor wrote (see [`super::journal`]). The dirs keep the record
        // until the replay's `begin_batch` takes it (its input ends with a newline).
        let replay = self.dirs.iter().find_map(|d| d.recovered.as_ref());
        let stamp = match replay {
            // A record of an older runitctl has no stamp: stamp its replay now.
            Some(r) if !r.stamp.is_empty() => r.stamp.clone(),
            _ => stamp::format(self.opts.stamp, SystemTime::now()),
        };
        let limit = replay.map(|r| r.input_len as usize);
        let mut em = Emitter::new(self.opts);
        let buf = std::mem::take(&mut self.buf);
        let seen = limit.map_or(buf.len(), |n| buf.len().min(base.saturating_add(n)));
        match rfind(b'\n', &buf[base..seen]) {
            None => {
                self.consume(n);
                if let Some(sel) = &self.cont {
                    em.rest(&mut self.dirs, sel, &buf[base..]);
                    self.buf = buf;
                    self.buf.clear();
                } else if buf.len() >= LONG.max(self.opts.linemax + 1) {
                    self.cont = Some(em.first(&mut self.dirs, &stamp, &buf, false));
                    self.buf = buf;
                    self.buf.clear();
                } else {
                    self.buf = buf;
                }
            }
            Some(i) => {
                let end = base + i + 1;
                self.lines(&mut em, &stamp, &buf, base, end);
                self.buf = buf;
                if self.input.peeking() {
                    self.buf.clear();
                } else {
                    self.buf.drain(..end);
                }
            }
        }
        for d in &mut self.dirs {
            d.flush();
        }
        em.flush_stderr();
    }

    /// Emits the complete lines `buf[..end]`; `buf[base..end]` is unconsumed peeked input.
    fn lines(&mut self, em: &mut Emitter, stamp: &[u8], buf: &[u8], base: usize, end: usize) {
        let journal = self.input.peeking();
        // A first line that began in input consumed earlier (a partial line, or the rest of a
        // long one) cannot be replayed as written: it is journalled alone, so that a `skip`
        // counted over its output (consumed part included) never reaches into the lines after
        // it (at worst that one line is torn, the documented window).
        let mut done = base; // input consumed up to here
        let mut alone = journal && (base > 0 || self.cont.is_some());
        if journal {
            let first = match alone {
                true => find(b'\n', &buf[base..end]).map_or(end, |i| base + i + 1),
                false => end,
            };
            self.begin(&buf[done..first], stamp);
        }
        let mut pos = 0;
        while pos < end {
            let nl = pos + find(b'\n', &buf[pos..end]).unwrap_or(end - 1 - pos);
            match self.cont.take() {
                Some(sel) => em.rest(&mut self.dirs, &sel, &buf[pos..=nl]),
                None => {
                    em.first(&mut self.dirs, stamp, &buf[pos..nl], true);
                }
            }
            pos = nl + 1;
            let split = std::mem::take(&mut alone) || self.dirs.iter().any(|d| d.rotate_due);
            if pos < end && split {
                // Commit what is written so far: a rotation at a line end never falls inside a
                // journalled batch, and a first line begun in consumed input stays alone.
                self.commit(pos - done);
                done = pos;
                for d in &mut self.dirs {
                    if d.rotate_due {
                        d.rotate();
                    }
                }
                if journal {
                    self.begin(&buf[done..end], stamp);
                }
            }
        }
        self.commit(end - done);
        for d in &mut self.dirs {
            if d.rotate_due {
                d.rotate();
            }
        }
    }

    fn begin(&mut self, input: &[u8], stamp: &[u8]) {
        let fp = fingerprint(input);
        for d in &mut self.dirs {
            d.begin_batch(input.len() as u64, fp, stamp);
        }
    }

    /// Writes all pending output, then consumes `n` input bytes and clears the journals.
    fn commit(&mut self, n: usize) {
        for d in &mut self.dirs {
            d.flush();
        }
        self.consume(n);
        for d in &mut self.dirs {
            d.end_batch();
        }
    }

    fn consume(&mut self, n: usize) {
        if let Err(e) = self.input.consume(n) {
            msg::warn("unable to read standard input", Some(&e));
        }
    }

    /// EOF or TERM: complete an unfinished line already read (never dropped: runit drops it
    /// at EOF and waits for its newline on TERM), close every directory.
    fn finish(&mut self) {
        if self.cont.is_some() || !self.buf.is_empty() {
            let stamp = stamp::format(self.opts.stamp, SystemTime::now());
            let mut em = Emitter::new(self.opts);
            let buf = std::mem::take(&mut self.buf);
            match self.cont.take() {
                Some(sel) => {
                    let mut rest = buf;
                    rest.push(b'\n');
                    em.rest(&mut self.dirs, &sel, &rest);
                }
                None => {
                    em.first(&mut self.dirs, &stamp, &buf, true);
                }
            }
            for d in &mut self.dirs {
                d.flush();
            }
            em.flush_stderr();
        }
        self.close_all();
    }
}
