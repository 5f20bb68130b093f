//! runsvdir's service table: one slot per service directory, identified by the (device, inode)
//! of the directory an entry resolves to (so renames and a second symlink to the same dir start
//! nothing new), and the pure reconciliation of a scan against it: start what is new or has no
//! live runsv, TERM the runsv of what is gone. A runsv that exits is restarted at runit's next
//! tick (one second later, runit's tick while a check is pending), not at once: Debian's `sv
//! exit`/`shutdown` polls every 420 ms for runsv to be gone and must get to see it. A forced
//! scan (SIGALRM) restarts it at once, unless it died within a second of its start (the floor).

use std::collections::HashMap;
use std::ffi::OsString;
use std::time::Duration;

use super::service::FLOOR;

/// runit's runsvdir tick while a check is pending: when it notices a dead runsv.
pub const TICK: Duration = Duration::from_secs(1);

/// One entry seen by a scan: its name and the identity of the directory it resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: OsString,
    pub dev: u64,
    pub ino: u64,
}

/// What the runtime must do after a reconciliation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start `runsv NAME` for slot (dev, ino).
    Start { dev: u64, ino: u64, name: OsString },
    /// SIGTERM this runsv (a pid > 1 that we started and have not reaped).
    Term(i32),
}

#[derive(Clone, Debug)]
struct Slot {
    entry: Entry,
    pid: i32,
    started: Duration,
    /// Not restarted before this (the next tick, or the floor).
    hold_until: Option<Duration>,
    /// The hold is the floor: a forced scan does not cut it short.
    floor: bool,
}

/// The table of supervised service directories.
#[derive(Default, Debug)]
pub struct Table {
    slots: Vec<Slot>,
    /// (dev, ino) → position in `slots`, rebuilt by each reconciliation.
    index: HashMap<(u64, u64), usize>,
}

impl Table {
    /// Reconciles a complete scan (`entries`) at monotonic time `now`; `forced` (SIGALRM)
    /// restarts a dead runsv without waiting for the tick.
    pub fn reconcile(&mut self, entries: &[Entry], now: Duration, forced: bool) -> Vec<Action> {
        let mut actions = Vec::new();
        let mut seen = vec![false; self.slots.len()];
        let mut index: HashMap<(u64, u64), usize> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.entry.dev, s.entry.ino), i))
            .collect();
        for e in entries {
            let found = index.get(&(e.dev, e.ino)).copied();
            let i = match found {
                Some(i) => {
                    if seen[i] {
                        continue; // a second name for the same directory
                    }
                    i
                }
                None => {
                    self.slots.push(Slot {
                        entry: e.clone(),
                        pid: 0,
                        started: now,
                        hold_until: None,
                        floor: false,
                    });
                    seen.push(false);
                    index.insert((e.dev, e.ino), self.slots.len() - 1);
                    self.slots.len() - 1
                }
            };
            seen[i] = true;
            let s = &mut self.slots[i];
            let held = s
                .hold_until
                .is_some_and(|t| now < t && (s.floor || !forced));
            if s.pid == 0 && !held {
                s.hold_until = None;
                actions.push(Action::Start {
                    dev: s.entry.dev,
                    ino: s.entry.ino,
                    name: e.name.clone(),
                });
            }
        }
        let mut i = 0;
        self.slots.retain(|s| {
            let keep = seen[i];
            i += 1;
            if !keep && s.pid > 1 {
                actions.push(Action::Term(s.pid));
            }
            keep
        });
        self.index = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.entry.dev, s.entry.ino), i))
            .collect();
        actions
    }

    fn slot_mut(&mut self, dev: u64, ino: u64) -> Option<&mut Slot> {
        let i = *self.index.get(&(dev, ino))?;
        self.slots.get_mut(i)
    }

    /// Records the pid of a started runsv.
    pub fn started(&mut self, dev: u64, ino: u64, pid: i32, now: Duration) {
        if let Some(s) = self.slot_mut(dev, ino) {
            s.pid = pid;
            s.started = now;
        }
    }

    /// Starting failed: retry after the floor.
    pub fn start_failed(&mut self, dev: u64, ino: u64, now: Duration) {
        if let Some(s) = self.slot_mut(dev, ino) {
            s.hold_until = Some(now + FLOOR);
            s.floor = true;
        }
    }

    /// A runsv was reaped; true if it was one of ours (the scan at the next tick restarts it).
    pub fn exited(&mut self, pid: i32, now: Duration) -> bool {
        match self.slots.iter_mut().find(|s| s.pid == pid && pid > 1) {
            Some(s) => {
                s.pid = 0;
                s.floor = now < s.started + FLOOR;
                s.hold_until = Some(now + if s.floor { FLOOR } else { TICK });
                true
            }
            None => false,
        }
    }

    /// The earliest time a held slot (tick or floor) may be restarted.
    pub fn next_hold(&self) -> Option<Duration> {
        self.slots
            .iter()
            .filter(|s| s.pid == 0)
            .filter_map(|s| s.hold_until)
            .min()
    }

    /// Every live runsv pid (each > 1).
    pub fn pids(&self) -> impl Iterator<Item = i32> + '_ {
        self.slots.iter().map(|s| s.pid).filter(|p| *p > 1)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, ino: u64) -> Entry {
        Entry {
            name: name.into(),
            dev: 1,
            ino,
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn new_entries_start_once_and_aliases_are_one_service() {
        let mut t = Table::default();
        let a = t.reconcile(&[e("a", 10), e("alias", 10), e("b", 11)], ms(0), false);
        assert_eq!(a.len(), 2);
        t.started(1, 10, 100, ms(0));
        t.started(1, 11, 101, ms(0));
        assert!(t
            .reconcile(&[e("a", 10), e("b", 11)], ms(5), false)
            .is_empty());
        // A rename keeps the runsv.
        assert!(t
            .reconcile(&[e("renamed", 10), e("b", 11)], ms(6), false)
            .is_empty());
    }

    #[test]
    fn gone_entries_get_term_and_are_forgotten() {
        let mut t = Table::default();
        t.reconcile(&[e("a", 10), e("b", 11)], ms(0), false);
        t.started(1, 10, 100, ms(0));
        assert_eq!(
            t.reconcile(&[e("b", 11)], ms(1), false),
            vec![
                Action::Start {
                    dev: 1,
                    ino: 11,
                    name: "b".into()
                },
                Action::Term(100)
            ]
        );
        assert_eq!(t.len(), 1);
        // A replaced directory (same name, new inode) is a new service.
        let acts = t.reconcile(&[e("b", 12)], ms(2), false);
        assert_eq!(acts.len(), 1);
        assert!(matches!(acts[0], Action::Start { ino: 12, .. }));
    }

    #[test]
    fn a_runsv_dying_at_once_is_restarted_after_the_floor() {
        let mut t = Table::default();
        t.reconcile(&[e("a", 10)], ms(0), false);
        t.started(1, 10, 100, ms(0));
        assert!(t.exited(100, ms(50)));
        assert!(t.reconcile(&[e("a", 10)], ms(60), false).is_empty());
        assert_eq!(t.next_hold(), Some(ms(1050)));
        assert_eq!(t.reconcile(&[e("a", 10)], ms(1050), false).len(), 1);
        // A forced scan does not cut the floor short.
        t.started(1, 10, 101, ms(1050));
        assert!(t.exited(101, ms(1100)));
        assert!(t.reconcile(&[e("a", 10)], ms(1200), true).is_empty());
        assert!(!t.exited(999, ms(5000)));
    }

    #[test]
    fn a_runsv_that_ran_long_is_restarted_at_the_next_tick_or_when_forced() {
        let mut t = Table::default();
        t.reconcile(&[e("a", 10)], ms(0), false);
        t.started(1, 10, 100, ms(0));
        assert!(t.exited(100, ms(5000)));
        // Not at once: Debian's sv, polling every 420 ms, must see the runsv gone.
        assert!(t.reconcile(&[e("a", 10)], ms(5000), false).is_empty());
        assert_eq!(t.next_hold(), Some(ms(6000)));
        assert_eq!(t.reconcile(&[e("a", 10)], ms(6000), false).len(), 1);
        // SIGALRM (a forced scan) restarts it at once.
        t.started(1, 10, 101, ms(6000));
        assert!(t.exited(101, ms(9000)));
        assert_eq!(t.reconcile(&[e("a", 10)], ms(9001), true).len(), 1);
    }
}
