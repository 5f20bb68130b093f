//! Runtime files: which runsvdir apply started for which service dir, so the next apply finds
//! it again and `shutdown` can stop it. Outside every tree plan observes:
//!
//! - `<root>/run/runitctl/<escaped dir>.pid`: `pid N`, `start T` (clock ticks since boot, from
//!   `/proc/N/stat`: a reused pid does not match), `dir /abs/scan/dir`, `backend embedded|runit`,
//!   and a `nested DIR` line per user's service dir that a `runsvdir-<user>` below it scans
//!   (so shutdown finds runsvs orphaned there); written `.new` + rename. `/run` is a tmpfs on most hosts: stale after a reboot by design.
//! - `<root>/var/log/runitctl/<escaped dir>.log`: that runsvdir's stdout and stderr (runsv
//!   warnings, and the output of services without a logger), appended.
//!
//! `<escaped dir>` is the logical path with `/` turned into `-` and `-`, `%` and anything not
//! `[A-Za-z0-9._]` as `%XX` (`/etc/service` → `etc-service`).

use crate::plan::disk_path;
use crate::replace::Durability;
use std::path::{Path, PathBuf};

/// Where pid files live (logical).
pub const RUN_DIR: &str = "/run/runitctl";
/// Where runsvdir logs go (logical).
pub const LOG_DIR: &str = "/var/log/runitctl";

/// One record: a runsvdir runitctl started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub pid: i32,
    pub start: u64,
    /// The scanned dir on disk (root applied).
    pub dir: PathBuf,
    pub backend: String,
    /// Users' service dirs (on disk) scanned by runsvdirs below this one.
    pub nested: Vec<PathBuf>,
}

/// The escaped file stem for logical dir `dir`.
pub fn stem(dir: &Path) -> String {
    let s = dir.to_string_lossy();
    let mut out = String::new();
    for (i, part) in s.trim_matches('/').split('/').enumerate() {
        if i > 0 {
            out.push('-');
        }
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() || out.starts_with('.') {
        out.insert_str(0, "%2F");
    }
    out
}

/// The pid file of logical scan dir `dir`, on disk.
pub fn pid_file(root: Option<&Path>, dir: &Path) -> PathBuf {
    disk_path(root, Path::new(RUN_DIR)).join(format!("{}.pid", stem(dir)))
}

/// The log file of logical scan dir `dir`, on disk.
pub fn log_file(root: Option<&Path>, dir: &Path) -> PathBuf {
    disk_path(root, Path::new(LOG_DIR)).join(format!("{}.log", stem(dir)))
}

impl Record {
    pub fn render(&self) -> String {
        let mut s = format!(
            "pid {}\nstart {}\ndir {}\nbackend {}\n",
            self.pid,
            self.start,
            self.dir.display(),
            self.backend
        );
        for n in &self.nested {
            s.push_str(&format!("nested {}\n", n.display()));
        }
        s
    }

    pub fn parse(text: &str) -> Option<Record> {
        let (mut pid, mut start, mut dir, mut backend) = (None, None, None, String::new());
        let mut nested = Vec::new();
        for line in text.lines() {
            let (k, v) = line.split_once(' ')?;
            match k {
                "pid" => pid = v.parse().ok(),
                "start" => start = v.parse().ok(),
                "dir" => dir = Some(PathBuf::from(v)),
                "backend" => backend = v.to_string(),
                "nested" => nested.push(PathBuf::from(v)),
                _ => {}
            }
        }
        Some(Record {
            pid: pid.filter(|&p| p > 1)?,
            start: start?,
            dir: dir?,
            backend,
            nested,
        })
    }

    /// Reads a pid file; None when missing or malformed.
    pub fn load(path: &Path) -> Option<Record> {
        Record::parse(&std::fs::read_to_string(path).ok()?)
    }

    /// Writes the pid file atomically, creating its directory. Not fsynced: after a crash
    /// the runsvdir it names is gone too.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d)?;
        }
        let bytes = self.render();
        crate::replace::replace_file(path, bytes.as_bytes(), 0o644, Durability::Unsynced)
    }
}

/// Every pid file under `root` (path, record), in name order.
pub fn all(root: Option<&Path>) -> Vec<(PathBuf, Record)> {
    let dir = disk_path(root, Path::new(RUN_DIR));
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Record)> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pid"))
        .filter_map(|p| Some((p.clone(), Record::load(&p)?)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_readable_and_distinct() {
        assert_eq!(stem(Path::new("/etc/service")), "etc-service");
        assert_eq!(stem(Path::new("/home/a-b/service")), "home-a%2Db-service");
        assert_ne!(stem(Path::new("/a-b")), stem(Path::new("/a/b")));
        assert_eq!(stem(Path::new("/")), "%2F");
    }

    #[test]
    fn record_round_trip_and_rejects() {
        let r = Record {
            pid: 42,
            start: 7,
            dir: "/tmp/x y/etc/service".into(),
            backend: "embedded".into(),
            nested: vec!["/tmp/x y/home/deploy/service".into()],
        };
        assert_eq!(Record::parse(&r.render()), Some(r.clone()));
        assert_eq!(
            Record::parse("pid 1\nstart 2\ndir /x\n"),
            None,
            "pid 1 is never ours"
        );
        assert_eq!(Record::parse("pid 0\nstart 2\ndir /x\n"), None);
        assert_eq!(Record::parse("garbage"), None);
        let t = tempfile::tempdir().unwrap();
        let p = pid_file(Some(t.path()), Path::new("/etc/service"));
        r.save(&p).unwrap();
        assert_eq!(all(Some(t.path())), vec![(p, r)]);
    }
}
