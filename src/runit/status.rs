//! The 20-byte `supervise/status` record (daemontools layout plus runit's term and state bytes):
//! TAI64N of the last state change, little-endian pid, paused, want, term, state.

use super::tai64n::Tai64n;

/// Exact size of a runit status file; anything else is "bad format".
pub const LEN: usize = 20;

/// Process state, byte 19.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Down = 0,
    Run = 1,
    Finish = 2,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Down => "down",
            State::Run => "run",
            State::Finish => "finish",
        }
    }
}

/// What the supervisor wants. `Exit` is written as `'d'` in `status` (only `stat` tells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Up,
    Down,
    Exit,
}

impl Want {
    pub fn byte(self) -> u8 {
        match self {
            Want::Up => b'u',
            Want::Down | Want::Exit => b'd',
        }
    }
}

/// A decoded status record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub stamp: Tai64n,
    pub pid: u32,
    pub paused: bool,
    /// The raw want byte (`b'u'` or `b'd'`).
    pub want: u8,
    pub term: bool,
    pub state: State,
}

impl Status {
    /// Encodes as runsv does (the nanosecond field is whatever the caller put in `stamp`).
    pub fn pack(&self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[..12].copy_from_slice(&self.stamp.pack());
        b[12..16].copy_from_slice(&self.pid.to_le_bytes());
        b[16] = self.paused as u8;
        b[17] = self.want;
        b[18] = self.term as u8;
        b[19] = self.state as u8;
        b
    }

    /// Decodes; None unless exactly 20 bytes with a known state.
    pub fn unpack(b: &[u8]) -> Option<Status> {
        if b.len() != LEN {
            return None;
        }
        let state = match b[19] {
            0 => State::Down,
            1 => State::Run,
            2 => State::Finish,
            _ => return None,
        };
        Some(Status {
            stamp: Tai64n::unpack(b[..12].try_into().ok()?),
            pid: u32::from_le_bytes(b[12..16].try_into().ok()?),
            paused: b[16] != 0,
            want: b[17],
            term: b[18] != 0,
            state,
        })
    }

    /// A pid that may be signalled: > 1 (0 means "none" to runit, and kill(0)/kill(1)/kill(-1)
    /// hit the caller's group, init or everyone). The caller must still check it is its child.
    pub fn live_pid(&self) -> Option<u32> {
        (self.pid > 1 && self.pid <= i32::MAX as u32).then_some(self.pid)
    }
}

/// The `supervise/stat` line: `<state>[, paused][, got TERM][, want down|, want exit]\n`.
pub fn stat_line(state: State, paused: bool, term: bool, want: Want) -> String {
    let mut s = String::from(state.as_str());
    if paused {
        s.push_str(", paused");
    }
    if term {
        s.push_str(", got TERM");
    }
    if state != State::Down {
        match want {
            Want::Down => s.push_str(", want down"),
            Want::Exit => s.push_str(", want exit"),
            Want::Up => {}
        }
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_debians_bytes() {
        // Written by Debian's runsv for a service running as pid 8560, want up.
        let b = [
            0x40, 0, 0, 0, 0x6b, 0x04, 0x87, 0x8f, 0x1f, 0x47, 0x78, 0x1c, 0x70, 0x21, 0, 0, 0,
            0x75, 0, 1,
        ];
        let s = Status::unpack(&b).unwrap();
        assert_eq!(s.pid, 8560);
        assert_eq!(s.want, b'u');
        assert_eq!(s.state, State::Run);
        assert!(!s.paused && !s.term);
        assert_eq!(s.stamp.secs, 0x4000_0000_6b04_878f);
        assert_eq!(s.pack(), b);
    }

    #[test]
    fn rejects_wrong_length_and_state() {
        assert!(Status::unpack(&[0u8; 19]).is_none());
        assert!(Status::unpack(&[0u8; 21]).is_none());
        let mut b = [0u8; 20];
        b[19] = 3;
        assert!(Status::unpack(&b).is_none());
    }

    #[test]
    fn sentinel_pids_are_never_live() {
        let mut s = Status::unpack(&[0u8; 20]).unwrap();
        // 0 and 1, and u32::MAX (-1 as a pid_t): never signalled.
        for pid in [0u32, 1, u32::MAX, 1 << 31] {
            s.pid = pid;
            assert_eq!(s.live_pid(), None, "pid {pid}");
        }
        s.pid = 4242;
        assert_eq!(s.live_pid(), Some(4242));
    }

    #[test]
    fn stat_lines_match_runsv() {
        assert_eq!(stat_line(State::Run, false, false, Want::Up), "run\n");
        assert_eq!(stat_line(State::Down, false, false, Want::Down), "down\n");
        assert_eq!(
            stat_line(State::Run, false, true, Want::Down),
            "run, got TERM, want down\n"
        );
        assert_eq!(
            stat_line(State::Run, true, false, Want::Down),
            "run, paused, want down\n"
        );
        assert_eq!(
            stat_line(State::Finish, false, false, Want::Down),
            "finish, want down\n"
        );
        assert_eq!(
            stat_line(State::Run, false, true, Want::Exit),
            "run, got TERM, want exit\n"
        );
    }
}
