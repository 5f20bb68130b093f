//! runit's 420 ms polling, kept where it shows in the output while waits stay event-driven.
//!
//! Debian's sv checks every pending service at once, then every 420 ms ("rounds"), printing
//! each round's results in command-line order, and times out at the first round whose elapsed
//! time exceeds the wait. runitctl wakes on runsv's changes instead, but:
//! - a wait times out at the same round as runit's ([`deadline`]: the first multiple of 420 ms
//!   at or after the wait, never before the first 420 ms, so `-w 0` still gets one round);
//! - results are printed in runit's order: by the round in which runit would have seen them,
//!   then by position on the command line ([`Order`]). A result is held only while a service
//!   earlier on the command line could still finish in the same round, so a single service
//!   (or services finishing in command-line order) is printed at once.

use std::io::Write;
use std::time::Duration;

/// runit sv's poll interval.
pub const POLL: Duration = Duration::from_millis(420);

/// When a wait of `secs` seconds times out: the first multiple of [`POLL`] at or after it, and
/// at least one [`POLL`] (runit's first check, at 0, never times out).
pub fn deadline(secs: u64) -> Duration {
    let polls = (u128::from(secs) * 1000).div_ceil(POLL.as_millis()).max(1);
    let ms = polls.saturating_mul(POLL.as_millis());
    Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
}

/// The round in which runit's sv would first see something that happened `elapsed` after its
/// start (0 for the immediate check).
pub fn round(elapsed: Duration) -> u128 {
    elapsed.as_nanos().div_ceil(POLL.as_nanos())
}

/// The end of round `r`, as elapsed time.
pub fn round_end(r: u128) -> Duration {
    let ms = r.saturating_mul(POLL.as_millis());
    Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
}

/// One finished service's output, waiting for its turn.
struct Held {
    round: u128,
    index: usize,
    out: Vec<u8>,
}

/// Results held back until runit's order is settled.
#[derive(Default)]
pub struct Order {
    held: Vec<Held>,
}

impl Order {
    /// Records the output of the service at command-line position `index`, finished in `round`.
    pub fn finished(&mut self, round: u128, index: usize, out: Vec<u8>) {
        self.held.push(Held { round, index, out });
        self.held.sort_by_key(|h| (h.round, h.index));
    }

    /// Takes, in order, every result nothing can come before any more: `now` is the current
    /// round and `pending` the command-line positions still waiting.
    pub fn release(&mut self, now: u128, pending: &[usize]) -> Vec<u8> {
        let settled = self
            .held
            .iter()
            .take_while(|h| h.round < now || pending.iter().all(|&p| p > h.index))
            .count();
        self.held.drain(..settled).flat_map(|h| h.out).collect()
    }

    /// Whether results are held (the caller must wake at the round's end to release them).
    pub fn holding(&self) -> bool {
        !self.held.is_empty()
    }
}

/// Writes released output to stdout.
pub fn emit(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn deadlines_fall_on_runits_polls() {
        assert_eq!(deadline(0), ms(420));
        assert_eq!(deadline(1), ms(1260));
        assert_eq!(deadline(2), ms(2100));
        assert_eq!(deadline(3), ms(3360));
        assert_eq!(deadline(7), ms(7140));
        assert_eq!(deadline(21), ms(21000));
        assert!(deadline(u64::MAX) >= Duration::from_secs(u64::MAX / 1000));
    }

    #[test]
    fn rounds_round_up() {
        assert_eq!(round(ms(0)), 0);
        assert_eq!(round(ms(1)), 1);
        assert_eq!(round(ms(420)), 1);
        assert_eq!(round(ms(421)), 2);
        assert_eq!(round_end(2), ms(840));
    }

    #[test]
    fn results_come_out_by_round_then_position() {
        let mut o = Order::default();
        // Second service done in round 1 while the first still waits: held.
        o.finished(1, 1, b"b\n".to_vec());
        assert_eq!(o.release(1, &[0, 2]), b"");
        assert!(o.holding());
        // The first finishes in the same round: both, in command-line order.
        o.finished(1, 0, b"a\n".to_vec());
        assert_eq!(o.release(1, &[2]), b"a\nb\n");
        // Round over: what finished is printed even though an earlier service still waits.
        let mut o = Order::default();
        o.finished(1, 1, b"b\n".to_vec());
        assert_eq!(o.release(2, &[0]), b"b\n");
        assert!(!o.holding());
        // Nothing earlier is pending: printed at once.
        o.finished(3, 0, b"a\n".to_vec());
        assert_eq!(o.release(3, &[1]), b"a\n");
    }
}
