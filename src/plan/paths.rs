//! Logical → on-disk paths (`--root`), and the names apply uses for its temporary entries.
//!
//! Temp names are fixed per target (`.<name>.runitctl-tmp`, `.<name>.runitctl-new` for a staged
//! service dir): the per-sv_dir lock guarantees one apply at a time, and fixed names let the next
//! run find and remove what a killed run left behind.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Where logical path `p` lives on disk under `root`.
pub fn disk_path(root: Option<&Path>, p: &Path) -> PathBuf {
    match root {
        Some(r) => {
            // Leading and trailing slashes dropped as bytes: `strip_prefix("/")` parses every
            // component (called for each of a plan's 4,000–11,000 paths).
            let b = p.as_os_str().as_bytes();
            let b = &b[b.iter().take_while(|&&c| c == b'/').count()..];
            let rel = OsStr::from_bytes(
                &b[..b.len() - b.iter().rev().take_while(|&&c| c == b'/').count()],
            );
            let mut out = PathBuf::with_capacity(r.as_os_str().len() + 1 + rel.len());
            out.push(r);
            out.push(rel);
            out
        }
        None => p.to_path_buf(),
    }
}

/// The on-disk target of a generated symlink: with `relocate` (`--root`), an absolute logical
/// target is moved under the root (unless the model already did), so the sandbox is runnable.
pub fn disk_target(root: Option<&Path>, relocate: bool, target: &Path) -> PathBuf {
    match root {
        Some(r) if relocate && target.is_absolute() && !target.starts_with(r) => {
            disk_path(root, target)
        }
        _ => target.to_path_buf(),
    }
}

const TMP: &str = ".runitctl-tmp";
const NEW: &str = ".runitctl-new";
const OLD: &str = ".runitctl-old";

/// Temp file (or link) name used while replacing `name` atomically.
pub fn temp_name(name: &OsStr) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from(".");
    s.push(name);
    s.push(TMP);
    s
}

/// Staging dir name for a new service dir `name`.
pub fn stage_name(name: &OsStr) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from(".");
    s.push(name);
    s.push(NEW);
    s
}

/// Name a pruned service dir is renamed to before it is removed, so a killed prune leaves a
/// temporary (removed by the next run) rather than a half-removed, unmarked service.
pub fn trash_name(name: &OsStr) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from(".");
    s.push(name);
    s.push(OLD);
    s
}

/// True for a name apply uses for temporaries (left behind only by a killed apply).
pub fn is_temp_name(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.first() == Some(&b'.') && [TMP, NEW, OLD].iter().any(|s| b.ends_with(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_path_is_the_path_below_the_root() {
        let r = Path::new("/tmp/sandbox");
        for p in [
            "/",
            "/etc/sv/web",
            "//etc/x",
            "/var/log/",
            "relative/x",
            "/a/./b",
        ] {
            let p = Path::new(p);
            // What it computed with `strip_prefix`, component by component.
            let before = r.join(p.strip_prefix("/").unwrap_or(p));
            assert_eq!(disk_path(Some(r), p), before, "{}", p.display());
            assert_eq!(disk_path(Some(r), p).as_os_str(), before.as_os_str());
        }
        assert_eq!(disk_path(None, Path::new("/etc/sv")), Path::new("/etc/sv"));
    }

    #[test]
    fn relocates_under_root() {
        let r = Path::new("/tmp/sb");
        assert_eq!(
            disk_path(Some(r), Path::new("/etc/sv/web")),
            PathBuf::from("/tmp/sb/etc/sv/web")
        );
        assert_eq!(
            disk_path(None, Path::new("/etc/sv")),
            PathBuf::from("/etc/sv")
        );
        assert_eq!(
            disk_target(Some(r), true, Path::new("/etc/sv/web")),
            PathBuf::from("/tmp/sb/etc/sv/web")
        );
        assert_eq!(
            disk_target(Some(r), true, Path::new("/tmp/sb/etc/sv/web")),
            PathBuf::from("/tmp/sb/etc/sv/web")
        );
        assert_eq!(
            disk_target(Some(r), false, Path::new("/etc/sv/web")),
            PathBuf::from("/etc/sv/web")
        );
    }

    #[test]
    fn temp_names_are_recognised() {
        let t = temp_name(OsStr::new("run"));
        assert_eq!(t, ".run.runitctl-tmp");
        assert!(is_temp_name(&t));
        assert!(is_temp_name(&stage_name(OsStr::new("web"))));
        assert!(is_temp_name(&trash_name(OsStr::new("web"))));
        assert!(!is_temp_name(OsStr::new("run")));
        assert!(!is_temp_name(OsStr::new(".runitctl")));
        assert!(!is_temp_name(OsStr::new(".runitctl.lock")));
    }
}
