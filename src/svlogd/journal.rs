//! The SIGKILL-safety record kept in a log directory's `lock` file (empty when idle, as in
//! runit). Before a batch is written, svlogd records `current`'s size and the length and a
//! fingerprint of the input bytes it is about to consume; after consuming them it empties the
//! record. A successor that finds a record and still sees those bytes at the head of the pipe
//! knows they were never consumed: it cuts `current` back to the recorded size and logs them
//! again, so a killed logger neither loses, duplicates nor tears a line.

use std::fs::File;
use std::os::unix::fs::FileExt;

const TAG: &str = "svlogd-pending";

/// A batch in flight: `current`'s size before it and the input it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub size_before: u64,
    pub input_len: u64,
    pub fingerprint: u64,
}

impl Pending {
    fn encode(&self) -> String {
        format!(
            "{TAG} {} {} {:016x}\n",
            self.size_before, self.input_len, self.fingerprint
        )
    }

    fn decode(text: &str) -> Option<Pending> {
        let mut w = text.trim_end().split(' ');
        (w.next()? == TAG).then_some(())?;
        let p = Pending {
            size_before: w.next()?.parse().ok()?,
            input_len: w.next()?.parse().ok()?,
            fingerprint: u64::from_str_radix(w.next()?, 16).ok()?,
        };
        w.next().is_none().then_some(p)
    }
}

/// Writes the record (one small write at offset 0: all or nothing even under SIGKILL).
pub fn begin(lock: &File, p: &Pending) -> std::io::Result<()> {
    lock.write_all_at(p.encode().as_bytes(), 0)
}

/// Empties the record.
pub fn clear(lock: &File) -> std::io::Result<()> {
    lock.set_len(0)
}

/// Reads a record left by a killed predecessor.
pub fn read(lock: &File) -> Option<Pending> {
    let mut buf = [0u8; 128];
    let n = lock.read_at(&mut buf, 0).ok()?;
    Pending::decode(std::str::from_utf8(&buf[..n]).ok()?)
}

/// Fingerprint of consumed input: its length and FNV-1a over its first and last 256 bytes.
pub fn fingerprint(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ data.len() as u64;
    let head = &data[..data.len().min(256)];
    let tail = &data[data.len().saturating_sub(256)..];
    for &b in head.iter().chain(tail) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_and_clears() {
        let t = tempfile::tempfile().unwrap();
        assert_eq!(read(&t), None);
        let p = Pending {
            size_before: 12,
            input_len: 4096,
            fingerprint: fingerprint(b"abc\n"),
        };
        begin(&t, &p).unwrap();
        assert_eq!(read(&t), Some(p));
        clear(&t).unwrap();
        assert_eq!(read(&t), None);
        assert_ne!(fingerprint(b"abc\n"), fingerprint(b"abd\n"));
    }
}
