//! The files of an svlogd directory in reading order: rotated `@<tai64n>.s` (and `.u`, awaiting
//! the processor) by name — the TAI64N names sort by time — then `current`. A rotated file a
//! processor compressed with gzip is read through `gzip -dc`.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `@` + 24 lowercase hex digits + `.s` or `.u`.
pub fn is_rotated(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 27
        && b[0] == b'@'
        && b[1..25]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        && (name.ends_with(".s") || name.ends_with(".u"))
}

/// The rotated files of `dir`, oldest first.
pub fn rotated(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let name = e?.file_name().to_string_lossy().into_owned();
        if is_rotated(&name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

/// Every file to show, oldest first: the rotated ones, then `current` when it exists.
pub fn log_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = rotated(dir)?;
    let current = dir.join("current");
    if current.exists() {
        out.push(current);
    }
    Ok(out)
}

/// Opens a log file without following a link in its place: a user who owns a log directory
/// must not make `runitctl logs`, run as root, print a file outside it.
pub fn open_log_file(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// A rotated file's lines (decompressed when it starts with gzip's magic).
pub fn read_rotated(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_log_file(path)?.read_to_end(&mut bytes)?;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let file = open_log_file(path)?;
    let mut child = Command::new("gzip")
        .arg("-dc")
        .stdin(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("{}: gzip -dc: {e}", path.display())))?;
    let mut out = Vec::new();
    if let Some(mut o) = child.stdout.take() {
        o.read_to_end(&mut out)?;
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "{}: gzip -dc failed ({status})",
            path.display()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_rotated_then_current_and_skips_the_rest() {
        let t = tempfile::tempdir().unwrap();
        let names = [
            "@400000006b048aed3818503c.s",
            "@400000006b048aaa05381134.u",
            "@400000006b048aee00000000.t",
            "@400000006B048AEE00000000.s",
            "current",
            "config",
            "lock",
            "state",
        ];
        for n in names {
            std::fs::write(t.path().join(n), "").unwrap();
        }
        let got: Vec<String> = log_files(t.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            got,
            [
                "@400000006b048aaa05381134.u",
                "@400000006b048aed3818503c.s",
                "current"
            ]
        );
    }

    #[test]
    fn links_in_place_of_log_files_are_not_followed() {
        let t = tempfile::tempdir().unwrap();
        let secret = t.path().join("secret");
        std::fs::write(&secret, "precious\n").unwrap();
        let rotated = t.path().join("@400000006b048aed3818503c.s");
        std::os::unix::fs::symlink(&secret, &rotated).unwrap();
        std::os::unix::fs::symlink(&secret, t.path().join("current")).unwrap();
        assert!(read_rotated(&rotated).is_err());
        assert!(super::super::current::Current::open(t.path()).is_err());
    }

    #[test]
    fn reads_gzipped_rotations() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("@400000006b048aed3818503c.s");
        let gz = Command::new("sh")
            .arg("-c")
            .arg("printf 'one\\ntwo\\n' | gzip -c")
            .output()
            .unwrap();
        std::fs::write(&p, gz.stdout).unwrap();
        assert_eq!(read_rotated(&p).unwrap(), b"one\ntwo\n");
    }
}
