//! `-e dir` / `envdir`: each non-dot file in the directory names a variable. Its first line,
//! with trailing spaces and tabs stripped and NULs turned into newlines, is the value; an empty
//! (0-byte) file, or one that is gone (a dangling symlink), removes the variable. chpst skips
//! subdirectories (with `-v`, a warning); the `envdir` emulation treats them as fatal.

use super::Fatal;
use crate::runit::errstr::io_errstr;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// One change to the environment: set (Some) or remove (None).
pub type EnvChange = (OsString, Option<OsString>);

/// Reads every variable of `dir`.
pub fn read(dir: &OsStr, strict: bool, verbose: bool) -> Result<Vec<EnvChange>, Fatal> {
    let shown = dir.to_string_lossy();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Fatal(format!(
            "unable to switch to directory: {shown}: {}",
            io_errstr(&e)
        ))
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Fatal(format!(
                "unable to read directory: {shown}: {}",
                io_errstr(&e)
            ))
        })?;
        let name = entry.file_name();
        if name.as_bytes().first() == Some(&b'.') {
            continue;
        }
        let what = || format!("{shown}/{}", name.to_string_lossy());
        let bytes = match std::fs::read(Path::new(dir).join(&name)) {
            Ok(b) => b,
            // A dangling symlink, or a file removed meanwhile: runit's openreadclose reads
            // nothing, and nothing removes the variable.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) && !strict => {
                if verbose {
                    eprintln!(
                        "chpst: warning: unable to read {}: {}",
                        what(),
                        io_errstr(&e)
                    );
                }
                continue;
            }
            Err(e) => {
                return Err(Fatal(format!(
                    "unable to read {}: {}",
                    what(),
                    io_errstr(&e)
                )))
            }
        };
        out.push((name, value(bytes)));
    }
    Ok(out)
}

/// The variable's value from the file's bytes (None: unset).
pub fn value(mut bytes: Vec<u8>) -> Option<OsString> {
    if bytes.is_empty() {
        return None;
    }
    if let Some(nl) = bytes.iter().position(|&c| c == b'\n') {
        bytes.truncate(nl);
    }
    while matches!(bytes.last(), Some(b' ' | b'\t')) {
        bytes.pop();
    }
    for c in &mut bytes {
        if *c == 0 {
            *c = b'\n';
        }
    }
    Some(OsString::from_vec(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_trimmed() {
        assert_eq!(value(b"v1  \t\nline2".to_vec()), Some("v1".into()));
        assert_eq!(value(b"a\0b".to_vec()), Some("a\nb".into()));
        assert_eq!(value(b"\n".to_vec()), Some("".into()));
        assert_eq!(value(Vec::new()), None);
        assert_eq!(value(b" lead".to_vec()), Some(" lead".into()));
    }
}
