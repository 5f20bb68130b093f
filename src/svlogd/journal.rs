//! The SIGKILL-safety record kept in a log directory's `lock` file (empty when idle, as in
//! runit). Before a batch is written, svlogd records `current`'s size, the length and a
//! fingerprint of the input bytes it is about to consume, and the batch's timestamp; after
//! consuming them it empties the record. A successor that finds a record and still sees those
//! bytes at the head of the pipe knows they were never consumed: it cuts `current` back to the
//! recorded size and logs them again, so a killed logger neither loses, duplicates nor tears a
//! line.
//!
//! A batch can rotate `current` part-way (a line that does not fit under `s` is cut at the
//! limit, as runit does): what went into the renamed file stays there. So each rotation inside
//! a batch rewrites the record first: `skip` counts the batch's output bytes already in
//! rotated files, and `current` starts again at size 0. Between that rewrite and the new
//! `current`, the record holds both cases (`rotating`): a missing or empty `current` means the
//! rename happened. The successor replays the batch with the recorded timestamp and drops its
//! first `skip` output bytes, which reproduces the rest byte for byte.

use std::fs::File;
use std::os::unix::fs::FileExt;

const TAG: &str = "svlogd-pending";

/// A batch in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// `current`'s size where the batch's output (after `skip`) begins.
    pub size_before: u64,
    /// The input the batch covers: its length and [`fingerprint`].
    pub input_len: u64,
    pub fingerprint: u64,
    /// Bytes at the start of the batch's output that are already in rotated files.
    pub skip: u64,
    /// While `current` is being rotated: the `skip` that holds once it has been renamed, when
    /// `size_before` is 0.
    pub rotating: Option<u64>,
    /// The batch's timestamp (empty without `-t`), so a replay writes the same bytes.
    pub stamp: Vec<u8>,
}

impl Pending {
    /// The `skip` and `size_before` that hold given whether `current` is missing or empty.
    pub fn resolve(&self, current_empty: bool) -> (u64, u64) {
        match self.rotating {
            Some(skip) if current_empty => (skip, 0),
            _ => (self.skip, self.size_before),
        }
    }

    fn encode(&self) -> String {
        use std::fmt::Write;
        let mut line = format!(
            "{TAG} {} {} {:016x} {} ",
            self.size_before, self.input_len, self.fingerprint, self.skip
        );
        // Writing to a String cannot fail.
        let _ = match self.rotating {
            Some(n) => write!(line, "{n} -"),
            None => write!(line, "- -"),
        };
        for b in &self.stamp {
            let _ = write!(line, "{b:02x}");
        }
        line.push('\n');
        line
    }

    /// Decodes the first line (a rewritten record may leave a longer one's tail after it).
    fn decode(text: &str) -> Option<Pending> {
        let mut w = text.split('\n').next()?.split(' ');
        (w.next()? == TAG).then_some(())?;
        let size_before = w.next()?.parse().ok()?;
        let input_len = w.next()?.parse().ok()?;
        let fingerprint = u64::from_str_radix(w.next()?, 16).ok()?;
        let Some(skip) = w.next() else {
            // A record of an older runitctl (three fields): a batch that never rotated.
            return Some(Pending {
                size_before,
                input_len,
                fingerprint,
                skip: 0,
                rotating: None,
                stamp: Vec::new(),
            });
        };
        let skip = skip.parse().ok()?;
        let rotating = match w.next()? {
            "-" => None,
            n => Some(n.parse().ok()?),
        };
        let hex = w.next()?.strip_prefix('-')?.as_bytes();
        let stamp = hex
            .chunks(2)
            .map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        w.next().is_none().then_some(Pending {
            size_before,
            input_len,
            fingerprint,
            skip,
            rotating,
            stamp,
        })
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
    let mut buf = [0u8; 512];
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
        let mut p = Pending {
            size_before: 12,
            input_len: 4096,
            fingerprint: fingerprint(b"abc\n"),
            skip: 0,
            rotating: Some(4000),
            stamp: b"2026-11-23_18:50:11.94337 ".to_vec(),
        };
        begin(&t, &p).unwrap();
        assert_eq!(read(&t), Some(p.clone()));
        // A shorter record over a longer one: the longer one's tail is ignored.
        p.rotating = None;
        p.stamp.clear();
        begin(&t, &p).unwrap();
        assert_eq!(read(&t), Some(p));
        clear(&t).unwrap();
        assert_eq!(read(&t), None);
        assert_ne!(fingerprint(b"abc\n"), fingerprint(b"abd\n"));
    }

    /// The text on disk, byte for byte (a successor of another build must read it).
    #[test]
    fn record_text() {
        let mut p = Pending {
            size_before: 1,
            input_len: 2,
            fingerprint: 255,
            skip: 3,
            rotating: Some(4),
            stamp: b"@a ".to_vec(),
        };
        assert_eq!(
            p.encode(),
            "svlogd-pending 1 2 00000000000000ff 3 4 -406120\n"
        );
        (p.rotating, p.stamp) = (None, Vec::new());
        assert_eq!(p.encode(), "svlogd-pending 1 2 00000000000000ff 3 - -\n");
    }

    #[test]
    fn an_older_three_field_record_is_still_read() {
        let t = tempfile::tempfile().unwrap();
        t.write_all_at(b"svlogd-pending 12 4096 00000000000000ff\n", 0)
            .unwrap();
        let p = read(&t).expect("decoded");
        assert_eq!((p.size_before, p.input_len, p.fingerprint), (12, 4096, 255));
        assert_eq!((p.skip, p.rotating, p.stamp.len()), (0, None, 0));
    }

    #[test]
    fn rotating_resolves_on_current() {
        let p = Pending {
            size_before: 70,
            input_len: 300,
            fingerprint: 1,
            skip: 0,
            rotating: Some(30),
            stamp: Vec::new(),
        };
        assert_eq!(p.resolve(false), (0, 70), "not renamed yet");
        assert_eq!(p.resolve(true), (30, 0), "renamed");
        let q = Pending {
            rotating: None,
            ..p
        };
        assert_eq!(q.resolve(true), (0, 70));
    }
}
