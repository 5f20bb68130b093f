//! One sv invocation from argv to exit code: usage handling, the send pass over every service,
//! then the wait rounds.

use super::args::{self, Bad};
use super::check::Verdict;
use super::client::Client;
use super::format::Shown;
use super::rounds::{self, Order};
use super::service::{Home, Pass, DEFAULT_SVDIR};
use super::supervise::Get;
use super::verb::{self, Act, Verb};
use super::wait::Waiter;
use crate::runit::errstr::errstr;
use crate::runit::tai64n::Tai64n;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

/// The version line `-V` prints before the usage.
const VERSION: &str = concat!("$Id: runitctl ", env!("CARGO_PKG_VERSION"), " $");

/// Default wait in seconds (`SVWAIT`, `-w`).
const DEFAULT_WAIT: u64 = 7;

/// Runs sv; `lsb` selects the init-script mode.
pub fn run(argv: Vec<OsString>, lsb: bool) -> i32 {
    let prog = basename(argv.first().map(|a| a.as_bytes()).unwrap_or(b"sv"));
    let usage = || usage(prog, lsb);
    let a = match args::parse(argv.get(1..).unwrap_or(&[])) {
        Ok(a) => a,
        Err(bad) => {
            let msg = match bad {
                Bad::Version => format!("{VERSION}\n"),
                Bad::Illegal(c) => format!("{}: illegal option -- {}\n", lossy(prog), c as char),
                Bad::NeedsArg(c) => format!(
                    "{}: option requires an argument -- {}\n",
                    lossy(prog),
                    c as char
                ),
            };
            let _ = std::io::stderr().write_all(msg.as_bytes());
            return usage();
        }
    };
    let Some((word, operands)) = a.rest.split_first() else {
        return usage();
    };
    let services: Vec<OsString> = if lsb {
        vec![OsString::from(OsStr::from_bytes(prog))]
    } else {
        operands.to_vec()
    };
    if services.is_empty() {
        return usage();
    }
    let Some(verb) = verb::parse(word.as_bytes(), lsb, a.verbose) else {
        return usage();
    };
    let wait = a.wait.unwrap_or_else(|| {
        std::env::var_os("SVWAIT").map_or(DEFAULT_WAIT, |w| {
            crate::runit::getopt::scan_ulong(w.as_bytes())
        })
    });
    let svdir = std::env::var_os("SVDIR").unwrap_or_else(|| DEFAULT_SVDIR.into());
    Session {
        c: Client::new(verb.bytes[0], lsb),
        verb,
        svdir,
        wait,
    }
    .go(&services)
}

/// The parsed invocation at work.
struct Session {
    c: Client,
    verb: Verb,
    svdir: OsString,
    wait: u64,
}

/// Per-service progress through the wait rounds.
struct Pending<'a> {
    /// Position on the command line (results are printed in runit's order).
    index: usize,
    name: &'a OsStr,
    watched: bool,
}

impl Session {
    fn go(mut self, services: &[OsString]) -> i32 {
        let home = match Home::open() {
            Ok(h) => h,
            Err(e) => return self.fatal("unable to open current directory", e),
        };
        let mut pending: Vec<Pending> = Vec::with_capacity(services.len());
        for (index, name) in services.iter().enumerate() {
            let n = name.as_bytes();
            let keep = match home.enter(&self.svdir, name, Pass::Send) {
                Err(e) => {
                    self.c
                        .out
                        .fail(n, "unable to change to service directory", Some(e));
                    false
                }
                Ok(()) => match self.verb.act {
                    Act::Status => {
                        if let Some(code) = self.status(n) {
                            return code;
                        }
                        true
                    }
                    Act::Send => self.c.send(n, self.verb.bytes),
                    Act::None => true,
                },
            };
            if let Err(e) = home.back() {
                return self.fatal("unable to change to original directory", e);
            }
            if keep {
                pending.push(Pending {
                    index,
                    name,
                    watched: false,
                });
            }
        }
        if self.verb.wait {
            if let Err(code) = self.wait_loop(&home, pending) {
                return code;
            }
        }
        self.c.out.rc()
    }

    /// `status` for one service; Some(code) when LSB mode exits right here.
    fn status(&mut self, name: &[u8]) -> Option<i32> {
        let r = self.c.status(name);
        if !self.c.lsb {
            return None;
        }
        match r {
            Err(Get::NotRunning) => None,
            Err(_) | Ok(Shown::Unknown) => Some(4),
            Ok(Shown::Running) => Some(0),
            Ok(Shown::Stopped) => Some(3),
        }
    }

    /// The wait rounds: evaluates every pending service, then sleeps until runsv changes
    /// something, runit's next poll is due for a held result, or the deadline.
    fn wait_loop(&mut self, home: &Home, mut pending: Vec<Pending>) -> Result<(), i32> {
        let mut waiter = Waiter::new();
        let mut order = Order::default();
        let limit = rounds::deadline(self.wait);
        loop {
            let elapsed = self
                .c
                .tnow
                .to_system()
                .duration_since(self.c.tstart.to_system())
                .unwrap_or_default();
            // Nothing runit would see after its last poll (the one that times out).
            let now = rounds::round(elapsed).min(rounds::round(limit));
            let mut i = 0;
            while i < pending.len() {
                self.c.out.capture();
                let done = self.evaluate(home, &mut pending[i], elapsed >= limit, &mut waiter);
                let out = self.c.out.captured();
                match done {
                    Err(code) => {
                        rounds::emit(&order.release(u128::MAX, &[]));
                        rounds::emit(&out);
                        return Err(code);
                    }
                    Ok(false) => i += 1,
                    Ok(true) => {
                        order.finished(now, pending.remove(i).index, out);
                    }
                }
            }
            let waiting: Vec<usize> = pending.iter().map(|p| p.index).collect();
            rounds::emit(&order.release(now, &waiting));
            if pending.is_empty() {
                return Ok(());
            }
            let tick = Duration::from_millis(1);
            let mut sleep = (limit + tick).saturating_sub(elapsed);
            if order.holding() {
                sleep = sleep.min((rounds::round_end(now) + tick).saturating_sub(elapsed));
            }
            waiter.wait(sleep);
            self.c.tnow = Tai64n::now();
        }
    }

    /// One evaluation of a pending service (printing its result when it finishes): Ok(true)
    /// when it is finished with (done, failed or, past the deadline, timed out).
    fn evaluate(
        &mut self,
        home: &Home,
        p: &mut Pending,
        late: bool,
        waiter: &mut Waiter,
    ) -> Result<bool, i32> {
        let n = p.name.as_bytes();
        let finished = match home.enter(&self.svdir, p.name, Pass::Wait) {
            Err(e) => {
                self.c
                    .out
                    .fail(n, "unable to change to service directory", Some(e));
                true
            }
            Ok(()) => {
                if !p.watched {
                    waiter.watch();
                    p.watched = true;
                }
                if self.c.check(n, self.verb.bytes) != Verdict::Pending {
                    true
                } else if late {
                    self.timed_out(n);
                    true
                } else {
                    false
                }
            }
        };
        match home.back() {
            Ok(()) => Ok(finished),
            Err(e) => Err(self.fatal("unable to change to original directory", e)),
        }
    }

    /// `timeout: <status>` (or `kill: <status>` and a `k` for the force verbs).
    fn timed_out(&mut self, n: &[u8]) {
        self.c.out.put(if self.verb.kill {
            b"kill: "
        } else {
            b"timeout: "
        });
        if self.c.get(n) == Get::Ok {
            self.c.print(n, n);
            self.c.out.count();
        }
        self.c.out.flush(b"\n");
        if self.verb.kill {
            self.c.send(n, b"k");
        }
    }

    fn fatal(&mut self, msg: &str, e: nix::errno::Errno) -> i32 {
        self.c.out.flush(b"");
        let line = format!("fatal: {msg}: {}\n", errstr(e));
        let _ = std::io::stderr().write_all(line.as_bytes());
        if self.c.lsb {
            151
        } else {
            100
        }
    }
}

fn basename(p: &[u8]) -> &[u8] {
    match p.iter().rposition(|&c| c == b'/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Prints the usage line (with runit's trailing blank line) and returns the usage exit code.
fn usage(prog: &[u8], lsb: bool) -> i32 {
    let tail: &[u8] = if lsb {
        b" [-w sec] command\n\n"
    } else {
        b" [-v] [-w sec] command service ...\n\n"
    };
    let mut line = b"usage: ".to_vec();
    line.extend_from_slice(prog);
    line.extend_from_slice(tail);
    let _ = std::io::stderr().write_all(&line);
    if lsb {
        2
    } else {
        100
    }
}
