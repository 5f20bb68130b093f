//! An open `current` and the identity (device, inode) it had when opened, so a rotation (svlogd
//! renames `current` to `@….s` and creates a new one) or a truncation is noticed.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// `current` as opened.
pub struct Current {
    file: File,
    dev: u64,
    ino: u64,
    pos: u64,
}

/// What the path `current` holds now, compared with the open file.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    /// Another file is `current` now (or none is, briefly, during a rotation).
    Rotated,
    /// Same file, now shorter than what was read.
    Truncated,
}

impl Current {
    /// Opens `dir/current`; None when it does not exist (yet).
    pub fn open(dir: &Path) -> io::Result<Option<Current>> {
        match super::files::open_log_file(&dir.join("current")) {
            Ok(file) => {
                let m = file.metadata()?;
                Ok(Some(Current {
                    file,
                    dev: m.dev(),
                    ino: m.ino(),
                    pos: 0,
                }))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// True when `m` is this file.
    pub fn is(&self, m: &std::fs::Metadata) -> bool {
        (m.dev(), m.ino()) == (self.dev, self.ino)
    }

    /// Everything appended since the last read.
    pub fn read_new(&mut self) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        self.file.read_to_end(&mut buf)?;
        self.pos += buf.len() as u64;
        Ok(buf)
    }

    /// Compares with the path `dir/current` now.
    pub fn check(&self, dir: &Path) -> io::Result<Change> {
        match std::fs::metadata(dir.join("current")) {
            Ok(m) if !self.is(&m) => Ok(Change::Rotated),
            Ok(m) if m.len() < self.pos => Ok(Change::Truncated),
            Ok(_) => Ok(Change::Same),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Change::Same),
            Err(e) => Err(e),
        }
    }

    /// Starts over from the beginning (after a truncation).
    pub fn rewind(&mut self) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.pos = 0;
        Ok(())
    }

    /// The rotated file this one became, if it is still in `rotated`.
    pub fn find_in<'p>(&self, rotated: &'p [PathBuf]) -> Option<&'p PathBuf> {
        rotated
            .iter()
            .find(|p| std::fs::metadata(p).is_ok_and(|m| self.is(&m)))
    }
}
