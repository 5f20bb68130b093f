//! The status line (§5.3):
//! `<state>: <name>: [(pid N) ]<secs>s[, normally down|up][, paused][, want up|down][, got TERM]`
//! and, from `status`, the `; <state>: log: …` part. The record comes from `Client::buf`.

use super::client::Client;
use super::supervise::Get;
use crate::runit::errstr::errstr;
use nix::errno::Errno;

/// What a printed record showed (LSB `status` maps it to exit codes 0, 3 and 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// `down` could not be stat'ed: nothing printed.
    Unknown,
    /// pid ≠ 0 (run or finish).
    Running,
    /// pid = 0.
    Stopped,
}

impl Client {
    /// Prints the record in `buf` for `label` (cwd: the service or log dir); does not flush.
    /// `name` is the service as given: runit names it (not `NAME/log`) when `down` cannot be
    /// stat'ed, and warns on stderr without counting it or printing the record.
    pub fn print(&mut self, name: &[u8], label: &[u8]) -> Shown {
        let normally_up = match std::fs::metadata("down") {
            Ok(_) => false,
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => true,
            Err(e) => {
                let err = Errno::from_raw(e.raw_os_error().unwrap_or(0));
                super::report::warn_stderr("unable to stat ", name, "/down", err);
                return Shown::Unknown;
            }
        };
        let pid = self.pid();
        let state = self.state();
        self.out.put(match state {
            0 => b"down: ",
            1 => b"run: ",
            2 => b"finish: ",
            _ => b"",
        });
        self.out.put(label);
        self.out.put(b": ");
        if state != 0 {
            self.out.put(b"(pid ");
            self.out.num(u64::from(pid));
            self.out.put(b") ");
        }
        self.out
            .num(self.tnow.secs.saturating_sub(self.stamp().secs));
        self.out.put(b"s");
        let flags: [(bool, &[u8]); 6] = [
            (pid != 0 && !normally_up, b", normally down"),
            (pid == 0 && normally_up, b", normally up"),
            (pid != 0 && self.paused(), b", paused"),
            (pid == 0 && self.want() == b'u', b", want up"),
            (pid != 0 && self.want() == b'd', b", want down"),
            (pid != 0 && self.term(), b", got TERM"),
        ];
        for (on, text) in flags {
            if on {
                self.out.put(text);
            }
        }
        if pid != 0 {
            Shown::Running
        } else {
            Shown::Stopped
        }
    }

    /// The `status` verb for one service (cwd: its directory): the main line plus the log
    /// part. Returns what decides the LSB exit code — like runit 2.1.2 (and Debian), the log's
    /// record when there is a log (the "log-rc bug", kept for compatibility).
    /// Err is the failed read (already reported).
    pub fn status(&mut self, name: &[u8]) -> Result<Shown, Get> {
        match self.get(name) {
            Get::Ok => {}
            failed => return Err(failed),
        }
        let mut shown = self.print(name, name);
        match std::env::set_current_dir("log") {
            Err(e) if e.raw_os_error() != Some(libc::ENOENT) => {
                let err = Errno::from_raw(e.raw_os_error().unwrap_or(0));
                self.out.put(b"; warning: ");
                self.out.put(name);
                self.out.put(b"/log: unable to change directory: ");
                self.out.put(errstr(err).as_bytes());
                self.out.count();
            }
            Err(_) => {}
            Ok(()) => {
                self.out.put(b"; ");
                let mut logname = name.to_vec();
                logname.extend_from_slice(b"/log");
                // runit prints the (possibly stale) buffer unless the log's runsv is gone.
                if self.get(&logname) != Get::NotRunning {
                    shown = self.print(name, b"log");
                }
            }
        }
        self.out.flush(b"\n");
        Ok(shown)
    }
}
