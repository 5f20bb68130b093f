//! One supervised slot (a service or its logger) read the way `sv status` reads it: the `ok`
//! probe first, then the 20-byte `supervise/status`, the `down` file, and the embedded
//! supervisor's extra record (`supervise/runitctl`: restarts, last exit), absent under runit.

use super::probe::{probe, Liveness};
use crate::runit::errstr::io_errstr;
use crate::runit::status::{State, Status, LEN};
use crate::runit::tai64n::Tai64n;
use crate::supervise::extra::{read_extra, Extra};
use std::path::Path;
use std::time::SystemTime;

/// The state column: runit's three process states, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlotState {
    Run,
    Down,
    Finish,
    /// `supervise/ok` has no reader: no runsv (sv: `fail: runsv not running`).
    NoRunsv,
    /// No `supervise/` yet: no runsv has picked the service up.
    Unsupervised,
    /// The service directory does not exist.
    Missing,
    /// Unreadable (permissions) or a status file of the wrong size.
    Unknown,
}

impl SlotState {
    /// The word shown in the table and the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SlotState::Run => "run",
            SlotState::Down => "down",
            SlotState::Finish => "finish",
            SlotState::NoRunsv => "no-runsv",
            SlotState::Unsupervised => "unsupervised",
            SlotState::Missing => "missing",
            SlotState::Unknown => "unknown",
        }
    }
}

/// Everything known about one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub state: SlotState,
    /// The decoded status (None unless a runsv is running and the file is well-formed).
    pub status: Option<Status>,
    /// Whole seconds since the last state change, as sv computes them (clamped at 0).
    pub seconds: Option<u64>,
    /// `./down` exists: the service is not started automatically.
    pub normally_down: bool,
    /// The embedded supervisor's record; None under runit's runsv.
    pub extra: Option<Extra>,
    /// Why the state is unknown, worded like sv.
    pub error: Option<String>,
}

impl Slot {
    /// Reads the slot whose directory is `dir` (`<svc>` or `<svc>/log`), at TAI time `now`.
    pub fn read(dir: &Path, now: Tai64n) -> Slot {
        let mut slot = Slot {
            state: SlotState::Missing,
            status: None,
            seconds: None,
            normally_down: false,
            extra: None,
            error: None,
        };
        if !dir.is_dir() {
            return slot;
        }
        slot.normally_down = dir.join("down").exists();
        slot.extra = read_extra(dir);
        match probe(dir) {
            Liveness::Running => {}
            Liveness::NoRunsv => {
                slot.state = SlotState::NoRunsv;
                return slot;
            }
            Liveness::NotSupervised => {
                slot.state = SlotState::Unsupervised;
                return slot;
            }
            Liveness::Error(e) => {
                slot.state = SlotState::Unknown;
                slot.error = Some(e);
                return slot;
            }
        }
        let status = match std::fs::read(dir.join("supervise/status")) {
            Ok(b) if b.len() == LEN => Status::unpack(&b),
            Ok(_) => None,
            Err(e) => {
                slot.state = SlotState::Unknown;
                let text = io_errstr(&e);
                slot.error = Some(format!("unable to open supervise/status: {text}"));
                return slot;
            }
        };
        let Some(status) = status else {
            slot.state = SlotState::Unknown;
            slot.error = Some("unable to read supervise/status: bad format".into());
            return slot;
        };
        slot.state = match status.state {
            State::Run => SlotState::Run,
            State::Down => SlotState::Down,
            State::Finish => SlotState::Finish,
        };
        slot.seconds = Some(now.secs.saturating_sub(status.stamp.secs));
        slot.status = Some(status);
        if slot.extra.as_ref().is_some_and(|e| stale(e, &status)) {
            slot.extra = None;
        }
        slot
    }

    /// The pid sv would print: the status pid whenever the state is not down.
    pub fn pid(&self) -> Option<u32> {
        let s = self.status?;
        (s.state != State::Down).then_some(s.pid)
    }

    /// When the current state began (the status file's stamp).
    pub fn since(&self) -> Option<SystemTime> {
        self.status.map(|s| s.stamp.to_system())
    }

    /// `u` or `d`, from the status file.
    pub fn want(&self) -> Option<&'static str> {
        self.status
            .map(|s| if s.want == b'u' { "up" } else { "down" })
    }

    pub fn paused(&self) -> bool {
        self.status.is_some_and(|s| s.pid != 0 && s.paused)
    }

    pub fn got_term(&self) -> bool {
        self.status.is_some_and(|s| s.pid != 0 && s.term)
    }

    /// sv's decorations that matter to an operator: `paused`, `want up` (down but about to
    /// start: a crash loop's restart pause), `want down`, `got TERM`.
    pub fn flags(&self) -> Vec<&'static str> {
        let Some(s) = self.status else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if self.paused() {
            out.push("paused");
        }
        if s.pid == 0 && s.want == b'u' {
            out.push("want up");
        }
        if s.pid != 0 && s.want == b'd' {
            out.push("want down");
        }
        if self.got_term() {
            out.push("got TERM");
        }
        out
    }

    /// True when the process runs (state run).
    pub fn is_up(&self) -> bool {
        self.state == SlotState::Run
    }
}

/// Seconds the extra record's `last_start` may differ from the status stamp it matches.
const SLACK: u64 = 2;

/// A record left by an earlier embedded runsv, now that another supervisor (Debian's runsv,
/// which does not update it) writes `status`: while running or finishing, the status stamp is
/// the start of `./run`, which the record's `last_start` must match; while down, it cannot be
/// older than that start.
fn stale(e: &Extra, s: &Status) -> bool {
    let Some(start) = e.last_start else {
        return false;
    };
    let start = Tai64n::from_system(start).secs;
    let stamp = s.stamp.secs;
    match s.state {
        State::Run | State::Finish => start.abs_diff(stamp) > SLACK,
        State::Down => start > stamp + SLACK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runit::status::State;

    #[test]
    fn missing_dir_and_unsupervised_dir() {
        let t = tempfile::tempdir().unwrap();
        let now = Tai64n::now();
        assert_eq!(
            Slot::read(&t.path().join("nope"), now).state,
            SlotState::Missing
        );
        std::fs::write(t.path().join("down"), "").unwrap();
        let s = Slot::read(t.path(), now);
        assert_eq!(s.state, SlotState::Unsupervised);
        assert!(s.normally_down);
        assert_eq!(s.pid(), None);
    }

    #[test]
    fn a_record_another_supervisor_did_not_update_is_stale() {
        let t0 = Tai64n::now();
        let at = |secs: u64| Tai64n {
            secs: t0.secs + secs,
            nanos: 0,
        };
        let e = Extra {
            starts: 3,
            restarts: 2,
            last_exit: None,
            last_start: Some(at(100).to_system()),
        };
        let st = |state, stamp| Status {
            stamp,
            pid: if state == State::Down { 0 } else { 7 },
            paused: false,
            want: b'u',
            term: false,
            state,
        };
        assert!(!stale(&e, &st(State::Run, at(101))));
        assert!(!stale(&e, &st(State::Finish, at(100))));
        assert!(
            stale(&e, &st(State::Run, at(500))),
            "restarted by another runsv"
        );
        assert!(!stale(&e, &st(State::Down, at(400))), "went down later");
        assert!(
            stale(&e, &st(State::Down, at(50))),
            "down since before that start"
        );
        let never = Extra {
            last_start: None,
            ..e
        };
        assert!(!stale(&never, &st(State::Run, at(500))));
    }

    #[test]
    fn flags_follow_sv() {
        let mut st = Status {
            stamp: Tai64n::now(),
            pid: 42,
            paused: true,
            want: b'd',
            term: true,
            state: State::Run,
        };
        let mut slot = Slot {
            state: SlotState::Run,
            status: Some(st),
            seconds: Some(0),
            normally_down: false,
            extra: None,
            error: None,
        };
        assert_eq!(slot.flags(), ["paused", "want down", "got TERM"]);
        assert_eq!(slot.pid(), Some(42));
        st = Status {
            pid: 0,
            want: b'u',
            state: State::Down,
            ..st
        };
        slot.status = Some(st);
        assert_eq!(slot.flags(), ["want up"]);
        assert_eq!(slot.pid(), None);
    }
}
