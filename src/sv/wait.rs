//! Waiting for a change instead of runit's fixed 420 ms sleeps: an inotify watch on each
//! pending service's `supervise/` directory wakes the loop when runsv renames a new `status`
//! (or `pid`/`stat`) into place (IN_MOVED_TO) or when runsv exits and its read end of
//! `supervise/ok` closes (IN_CLOSE_NOWRITE on `ok`). Reads by sv itself or by a check script
//! (IN_CLOSE_NOWRITE on other names) are ignored. A short poll timeout remains as a fallback:
//! it re-runs `./check` scripts and covers anything inotify cannot see.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
use std::os::fd::AsFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// Longest sleep between two evaluations when nothing is signalled.
pub const FALLBACK: Duration = Duration::from_millis(100);

/// The change notifier (None if inotify is unavailable: plain polling then).
pub struct Waiter {
    ino: Option<Inotify>,
}

impl Default for Waiter {
    fn default() -> Self {
        Waiter::new()
    }
}

impl Waiter {
    pub fn new() -> Waiter {
        Waiter {
            ino: Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).ok(),
        }
    }

    /// Watches `supervise/` relative to the cwd (the service dir). Failure only costs latency.
    pub fn watch(&mut self) {
        self.watch_dir(Path::new("."));
    }

    /// Watches `dir/supervise/`; false when it cannot (no inotify, or no such dir yet), so the
    /// caller knows it must poll.
    pub fn watch_dir(&mut self, dir: &Path) -> bool {
        self.ino.as_ref().is_some_and(|ino| {
            ino.add_watch(
                &dir.join("supervise"),
                AddWatchFlags::IN_MOVED_TO | AddWatchFlags::IN_CLOSE_NOWRITE,
            )
            .is_ok()
        })
    }

    /// Sleeps until a relevant change, `limit`, or [`FALLBACK`], whichever comes first.
    pub fn wait(&mut self, limit: Duration) {
        let deadline = Instant::now() + limit.min(FALLBACK);
        let Some(ino) = &self.ino else {
            std::thread::sleep(limit.min(FALLBACK));
            return;
        };
        loop {
            if relevant(ino) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            // Round up so a sub-millisecond remainder still sleeps.
            let ms = left.as_millis().clamp(1, 1000) as u16;
            let mut fds = [PollFd::new(ino.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::from(ms)) {
                Ok(0) => return,
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(_) => {
                    std::thread::sleep(left);
                    return;
                }
            }
        }
    }
}

/// Drains queued events; true if any says runsv changed something.
fn relevant(ino: &Inotify) -> bool {
    let mut hit = false;
    while let Ok(events) = ino.read_events() {
        if events.is_empty() {
            break;
        }
        for ev in events {
            let moved = ev.mask.contains(AddWatchFlags::IN_MOVED_TO);
            let ok_closed = ev.mask.contains(AddWatchFlags::IN_CLOSE_NOWRITE)
                && ev.name.as_deref() == Some(std::ffi::OsStr::new("ok"));
            let gone = ev.mask.intersects(
                AddWatchFlags::IN_IGNORED
                    | AddWatchFlags::IN_DELETE_SELF
                    | AddWatchFlags::IN_Q_OVERFLOW,
            );
            hit |= moved || ok_closed || gone;
        }
    }
    hit
}
