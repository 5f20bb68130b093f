//! The state machine of one supervised process slot (the main service or its logger), as runit's
//! runsv runs it: want (up/down/exit), state (down/run/finish), pid, pause and term flags, the
//! status timestamp, and the one-second restart floor.
//!
//! It is pure: it never spawns, signals or writes. Each input (`command`, `exited`, `tick`,
//! `spawned`) returns the effects to run, in order; the runtime (`runsv.rs`) executes them.
//! Two answers need the outside world mid-decision — "did `control/<c>` handle this?" and
//! "does `./finish` exist?" — so they go through the [`Env`] seam, which also lets the runtime
//! flush the effects decided so far before it runs a control script (keeping runit's order).
//! Unit tests drive it with a fake `Env` and fake pids: no process is started.

use std::time::Duration;

use nix::sys::signal::Signal;

use super::extra::{Extra, LastExit};
use crate::runit::status::{State, Status, Want};
use crate::runit::tai64n::Tai64n;
use crate::sys::process::WaitStatus;

/// The restart floor: a process that ran less than this is restarted only this long after it
/// went down (runit's `sleep(1)`, as a timer).
pub const FLOOR: Duration = Duration::from_secs(1);

/// Which slot this is: hooks and `./finish` exist only for the main service; the log ignores `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Main,
    Log,
}

/// The time of an input: monotonic (for the restart floor) and wall clock (for `status`).
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub mono: Duration,
    pub wall: Tai64n,
}

/// What to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `./run` (or `log/run`).
    Run,
    /// `./finish EXIT SIGNAL`.
    Finish(i32, i32),
}

/// What `supervise/` should say now: `pid` only when the pid changed since the last write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub status: Status,
    pub want: Want,
    pub pid_file: Option<u32>,
}

/// One side effect, run in order by the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Rewrite `pid` (if given), `stat` and `status`.
    Write(Record),
    /// Rewrite the extra record (`supervise/runitctl`).
    Extra(Extra),
    /// Signal our own, unreaped child (always a pid > 1 that this slot started).
    Kill(i32, Signal),
    /// Run `control/<c>`, ignoring its result.
    Hook(u8),
    /// Start a process; the runtime answers with [`Service::spawned`] or
    /// [`Service::spawn_failed`]. Always the last effect of a list.
    Spawn(Start),
}

/// The outside world the machine must ask while deciding.
pub trait Env {
    /// Runs `control/<c>` if it exists and is owner-executable, after executing `pending`
    /// (and draining it); true when the script "handled" the command (exit code 0).
    fn hook(&mut self, c: u8, pending: &mut Vec<Effect>) -> bool;
    /// Whether `./finish` can be opened for reading.
    fn has_finish(&mut self) -> bool;
}

/// One slot's state.
#[derive(Clone, Debug)]
pub struct Service {
    pub role: Role,
    pub want: Want,
    pub state: State,
    /// The running process (`./run`, or `./finish` while finishing); 0 when none.
    pub pid: i32,
    pub paused: bool,
    pub term: bool,
    /// Status timestamp: last start of `./run`, or the time it went down.
    pub stamp: Tai64n,
    /// Monotonic time of the last start of `./run`.
    started: Option<Duration>,
    /// No start before this (the restart floor, or the fork-failure pause).
    hold_until: Option<Duration>,
    /// A `u`/`o` arrived while held: start when the hold ends.
    start_pending: bool,
    /// The wait status of the last reaped process (`./finish`'s arguments).
    wstat: WaitStatus,
    pid_dirty: bool,
    pub extra: Extra,
}

impl Service {
    /// A slot at runsv start-up: down, wanting up unless a `down` file exists. Only the main
    /// service writes `pid` at start-up (runit's shared "pid changed" flag).
    pub fn new(role: Role, down_file: bool, now: Now) -> Service {
        Service {
            role,
            want: if down_file { Want::Down } else { Want::Up },
            state: State::Down,
            pid: 0,
            paused: false,
            term: false,
            stamp: now.wall,
            started: None,
            hold_until: None,
            start_pending: false,
            wstat: WaitStatus(0),
            pid_dirty: role == Role::Main,
            extra: Extra::default(),
        }
    }

    /// The current record, consuming the "pid changed" mark.
    pub fn record(&mut self) -> Record {
        let pid = u32::try_from(self.pid).unwrap_or(0);
        let pid_file = std::mem::take(&mut self.pid_dirty).then_some(pid);
        Record {
            status: Status {
                stamp: self.stamp,
                pid,
                paused: self.paused,
                want: self.want.byte(),
                term: self.term,
                state: self.state,
            },
            want: self.want,
            pid_file,
        }
    }

    fn write(&mut self, fx: &mut Vec<Effect>) {
        let r = self.record();
        fx.push(Effect::Write(r));
    }

    /// When the current hold (restart floor) ends, if any.
    pub fn hold_until(&self) -> Option<Duration> {
        self.hold_until
    }

    fn held(&mut self, now: Now) -> bool {
        match self.hold_until {
            Some(t) if now.mono < t => true,
            Some(_) => {
                self.hold_until = None;
                false
            }
            None => false,
        }
    }

    /// True when a start is due now or later (wanted and no process): the runtime's timer.
    pub fn wants_start(&self) -> bool {
        self.pid == 0
            && (self.want == Want::Up || self.state == State::Finish || self.start_pending)
    }

    /// The loop's start step: starts `./finish` or `./run` when due and not held.
    pub fn tick(&mut self, now: Now) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.wants_start() && (self.state == State::Finish || !self.held(now)) {
            self.start(&mut fx);
        }
        fx
    }

    fn start(&mut self, fx: &mut Vec<Effect>) {
        if self.state == State::Finish {
            let (a, b) = self.wstat.finish_args();
            fx.push(Effect::Spawn(Start::Finish(a, b)));
        } else {
            if self.role == Role::Main {
                fx.push(Effect::Hook(b'u'));
            }
            fx.push(Effect::Spawn(Start::Run));
        }
    }

    /// A start requested by `u`/`o` on a down slot: at once, or when the floor ends.
    fn start_now_or_later(&mut self, now: Now, fx: &mut Vec<Effect>) {
        if self.held(now) {
            self.start_pending = true;
        } else {
            self.start(fx);
        }
    }

    /// The runtime started what the last `Spawn` asked for, as `pid`.
    pub fn spawned(&mut self, pid: i32, what: Start, now: Now, automatic: bool) -> Vec<Effect> {
        let mut fx = Vec::new();
        if what == Start::Run {
            self.stamp = now.wall;
            self.started = Some(now.mono);
            self.state = State::Run;
            if automatic && self.extra.starts > 0 {
                self.extra.restarts += 1;
            }
            self.extra.starts += 1;
            self.extra.last_start = Some(now.wall.to_system());
            fx.push(Effect::Extra(self.extra.clone()));
        }
        self.pid = pid;
        self.pid_dirty = true;
        self.paused = false;
        self.term = false;
        self.start_pending = false;
        self.write(&mut fx);
        fx
    }

    /// Fork failed: runit warns and retries after 5 seconds.
    pub fn spawn_failed(&mut self, now: Now) {
        self.hold_until = Some(now.mono + Duration::from_secs(5));
        self.start_pending = true;
    }

    /// A child was reaped; ignored unless it is this slot's process.
    pub fn exited(&mut self, pid: i32, ws: WaitStatus, now: Now, env: &mut dyn Env) -> Vec<Effect> {
        let mut fx = Vec::new();
        if pid <= 1 || pid != self.pid {
            return fx;
        }
        self.pid = 0;
        self.pid_dirty = true;
        self.term = false;
        self.wstat = ws;
        let was_finish = self.state == State::Finish;
        if !was_finish {
            self.extra.last_exit = Some(LastExit::from_wait(ws));
            fx.push(Effect::Extra(self.extra.clone()));
        }
        if self.role == Role::Main && !was_finish && env.has_finish() {
            self.state = State::Finish;
            self.write(&mut fx);
            return fx;
        }
        self.state = State::Down;
        self.stamp = now.wall;
        if self.started.is_some_and(|s| now.mono < s + FLOOR) {
            self.hold_until = Some(now.mono + FLOOR);
        }
        self.write(&mut fx);
        fx
    }

    /// Asks `control/<c>` (main service only); the log has no hooks.
    fn handled(&self, c: u8, env: &mut dyn Env, fx: &mut Vec<Effect>) -> bool {
        self.role == Role::Main && env.hook(c, fx)
    }

    /// One control byte from `supervise/control` (unknown bytes are ignored).
    pub fn command(&mut self, c: u8, now: Now, env: &mut dyn Env) -> Vec<Effect> {
        let mut fx = Vec::new();
        let running = self.state == State::Run && self.pid > 1;
        match c {
            b'u' | b'o' => {
                self.want = if c == b'u' { Want::Up } else { Want::Down };
                self.write(&mut fx);
                if self.state == State::Down {
                    self.start_now_or_later(now, &mut fx);
                }
            }
            b'd' => {
                self.want = Want::Down;
                self.start_pending = false;
                self.write(&mut fx);
                if running {
                    self.stop(env, &mut fx);
                }
            }
            b'x' if self.role == Role::Main => {
                self.want = Want::Exit;
                self.start_pending = false;
                self.write(&mut fx);
                if running {
                    self.stop(env, &mut fx);
                }
            }
            b't' if running => self.stop(env, &mut fx),
            b'k' => {
                if running && !self.handled(c, env, &mut fx) {
                    fx.push(Effect::Kill(self.pid, Signal::SIGKILL));
                }
                // runit forgets the state at once (no status write); the reap writes.
                self.state = State::Down;
            }
            b'p' | b'c' => {
                let (sig, pause) = if c == b'p' {
                    (Signal::SIGSTOP, true)
                } else {
                    (Signal::SIGCONT, false)
                };
                if running && !self.handled(c, env, &mut fx) {
                    fx.push(Effect::Kill(self.pid, sig));
                }
                self.paused = pause;
                self.write(&mut fx);
            }
            b'h' | b'a' | b'i' | b'q' | b'1' | b'2' => {
                let sig = crate::runit::control::Command::from_byte(c)
                    .and_then(|cmd| cmd.signal())
                    .unwrap_or(Signal::SIGHUP);
                if running && !self.handled(c, env, &mut fx) {
                    fx.push(Effect::Kill(self.pid, sig));
                }
            }
            _ => {}
        }
        fx
    }

    /// runit's stop sequence: TERM (unless `control/t` handled it), then CONT and `control/d`
    /// or `control/x` according to want.
    fn stop(&mut self, env: &mut dyn Env, fx: &mut Vec<Effect>) {
        if !self.handled(b't', env, fx) {
            fx.push(Effect::Kill(self.pid, Signal::SIGTERM));
            self.term = true;
            self.write(fx);
        }
        let hook = match self.want {
            Want::Down => b'd',
            Want::Exit => b'x',
            Want::Up => return,
        };
        fx.push(Effect::Kill(self.pid, Signal::SIGCONT));
        if self.role == Role::Main {
            fx.push(Effect::Hook(hook));
        }
    }

    /// On runsv's way out: the logger is told to exit (want exit, status rewritten).
    pub fn want_exit(&mut self) -> Vec<Effect> {
        self.want = Want::Exit;
        let mut fx = Vec::new();
        self.write(&mut fx);
        fx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake world: records hook calls, answers from a table.
    #[derive(Default)]
    struct Fake {
        handled: Vec<u8>,
        finish: bool,
        calls: Vec<u8>,
    }

    impl Env for Fake {
        fn hook(&mut self, c: u8, pending: &mut Vec<Effect>) -> bool {
            pending.clear();
            self.calls.push(c);
            self.handled.contains(&c)
        }
        fn has_finish(&mut self) -> bool {
            self.finish
        }
    }

    fn at(ms: u64) -> Now {
        Now {
            mono: Duration::from_millis(ms),
            wall: Tai64n {
                secs: crate::runit::tai64n::EPOCH + 1_000_000 + ms / 1000,
                nanos: 0,
            },
        }
    }

    fn started(role: Role, pid: i32) -> Service {
        let mut s = Service::new(role, false, at(0));
        let fx = s.tick(at(0));
        assert_eq!(fx.last(), Some(&Effect::Spawn(Start::Run)));
        s.spawned(pid, Start::Run, at(0), true);
        s
    }

    fn kills(fx: &[Effect]) -> Vec<(i32, Signal)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Kill(p, s) => Some((*p, *s)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn starts_with_hook_u_then_run() {
        let mut s = Service::new(Role::Main, false, at(0));
        assert_eq!(
            s.tick(at(0)),
            vec![Effect::Hook(b'u'), Effect::Spawn(Start::Run)]
        );
        let fx = s.spawned(100, Start::Run, at(0), true);
        assert_eq!(s.state, State::Run);
        assert!(matches!(fx.last(), Some(Effect::Write(r)) if r.pid_file == Some(100)));
        assert_eq!(s.extra.starts, 1);
        assert_eq!(s.extra.restarts, 0);
    }

    #[test]
    fn down_file_means_no_start_until_up() {
        let mut s = Service::new(Role::Main, true, at(0));
        assert!(s.tick(at(0)).is_empty());
        let fx = s.command(b'u', at(5), &mut Fake::default());
        assert_eq!(fx.last(), Some(&Effect::Spawn(Start::Run)));
    }

    #[test]
    fn down_sends_term_then_cont_and_hook_d() {
        let mut s = started(Role::Main, 100);
        let mut env = Fake::default();
        let fx = s.command(b'd', at(2000), &mut env);
        assert_eq!(
            kills(&fx),
            vec![(100, Signal::SIGTERM), (100, Signal::SIGCONT)]
        );
        assert_eq!(fx.last(), Some(&Effect::Hook(b'd')));
        assert!(s.term);
        assert_eq!(env.calls, vec![b't']);
    }

    #[test]
    fn handled_control_t_suppresses_term_but_not_cont() {
        let mut s = started(Role::Main, 100);
        let mut env = Fake {
            handled: vec![b't'],
            ..Fake::default()
        };
        let fx = s.command(b'd', at(2000), &mut env);
        assert_eq!(kills(&fx), vec![(100, Signal::SIGCONT)]);
        assert!(!s.term);
    }

    #[test]
    fn log_ignores_exit_and_hooks() {
        let mut s = started(Role::Log, 100);
        let mut env = Fake::default();
        assert!(s.command(b'x', at(10), &mut env).is_empty());
        let fx = s.command(b'd', at(10), &mut env);
        assert_eq!(
            kills(&fx),
            vec![(100, Signal::SIGTERM), (100, Signal::SIGCONT)]
        );
        assert!(env.calls.is_empty());
        assert!(!fx.contains(&Effect::Hook(b'd')));
    }

    #[test]
    fn a_down_slot_never_signals_its_sentinel_pid() {
        let mut s = Service::new(Role::Main, true, at(0));
        let mut env = Fake::default();
        for c in b"tkpchaiq12dx" {
            let fx = s.command(*c, at(0), &mut env);
            assert!(kills(&fx).is_empty(), "command {}", *c as char);
        }
        assert!(env.calls.is_empty());
    }

    #[test]
    fn quick_exit_is_held_for_one_second_and_answers_commands() {
        let mut s = started(Role::Main, 100);
        let fx = s.exited(100, WaitStatus::exited(1), at(200), &mut Fake::default());
        assert!(matches!(fx.last(), Some(Effect::Write(r)) if r.status.state == State::Down));
        assert!(s.tick(at(500)).is_empty());
        assert_eq!(s.hold_until(), Some(Duration::from_millis(1200)));
        // Commands are answered during the hold.
        let fx = s.command(b'p', at(600), &mut Fake::default());
        assert!(matches!(fx.last(), Some(Effect::Write(r)) if r.status.paused));
        assert_eq!(s.tick(at(1200)).last(), Some(&Effect::Spawn(Start::Run)));
        s.spawned(101, Start::Run, at(1200), true);
        assert_eq!(s.extra.restarts, 1);
        assert_eq!(s.extra.last_exit, Some(LastExit::Exit(1)));
    }

    #[test]
    fn long_run_restarts_at_once() {
        let mut s = started(Role::Main, 100);
        s.exited(100, WaitStatus::signaled(9), at(1500), &mut Fake::default());
        assert_eq!(s.tick(at(1500)).last(), Some(&Effect::Spawn(Start::Run)));
        assert_eq!(s.extra.last_exit, Some(LastExit::Signal(9)));
    }

    #[test]
    fn finish_gets_runits_arguments_and_keeps_the_stamp() {
        let mut s = started(Role::Main, 100);
        let stamp = s.stamp;
        let mut env = Fake {
            finish: true,
            ..Fake::default()
        };
        s.exited(100, WaitStatus::signaled(9), at(3000), &mut env);
        assert_eq!(s.state, State::Finish);
        assert_eq!(s.tick(at(3000)), vec![Effect::Spawn(Start::Finish(-1, 9))]);
        s.spawned(200, Start::Finish(-1, 9), at(3000), true);
        assert_eq!(s.stamp, stamp);
        assert_eq!(s.state, State::Finish);
        s.exited(200, WaitStatus::exited(0), at(3100), &mut env);
        assert_eq!(s.state, State::Down);
        assert_eq!(s.extra.last_exit, Some(LastExit::Signal(9)));
    }

    #[test]
    fn kill_forgets_state_without_a_write() {
        let mut s = started(Role::Main, 100);
        let fx = s.command(b'k', at(10), &mut Fake::default());
        assert_eq!(fx, vec![Effect::Kill(100, Signal::SIGKILL)]);
        assert_eq!(s.state, State::Down);
    }

    #[test]
    fn foreign_pids_are_ignored() {
        let mut s = started(Role::Main, 100);
        assert!(s
            .exited(999, WaitStatus::exited(0), at(10), &mut Fake::default())
            .is_empty());
        assert_eq!(s.pid, 100);
    }

    #[test]
    fn once_during_hold_starts_when_it_ends_then_stays_down() {
        let mut s = started(Role::Main, 100);
        s.command(b'd', at(100), &mut Fake::default());
        s.exited(100, WaitStatus::signaled(15), at(150), &mut Fake::default());
        let fx = s.command(b'o', at(200), &mut Fake::default());
        assert!(!fx.iter().any(|e| matches!(e, Effect::Spawn(_))));
        assert_eq!(s.tick(at(1150)).last(), Some(&Effect::Spawn(Start::Run)));
        s.spawned(101, Start::Run, at(1150), false);
        s.exited(101, WaitStatus::exited(0), at(2500), &mut Fake::default());
        assert!(s.tick(at(2500)).is_empty());
    }
}
