//! Helpers for the plan/apply tests: a sandbox (temp dir with a spec and a `--root`), running
//! the binary in it, and a manifest of a whole tree (kind, mode, owner, content or target),
//! read without following links.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temp dir holding `services.yaml` and the sandbox root `root/`.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub spec: PathBuf,
}

impl Sandbox {
    pub fn new(spec: &str) -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir(&root).unwrap();
        let s = Sandbox {
            spec: tmp.path().join("services.yaml"),
            root,
            tmp,
        };
        s.write_spec(spec);
        s
    }

    pub fn write_spec(&self, text: &str) {
        std::fs::write(&self.spec, text).unwrap();
    }

    /// `runitctl --root ROOT <cmd> SPEC <extra…>`.
    pub fn run(&self, cmd: &str, extra: &[&str]) -> Output {
        Command::new(super::bin())
            .arg("--root")
            .arg(&self.root)
            .arg(cmd)
            .arg(&self.spec)
            .args(extra)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// Runs and asserts the exit code; returns stdout.
    pub fn expect(&self, cmd: &str, extra: &[&str], code: i32) -> String {
        let out = self.run(cmd, extra);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "runitctl {cmd} {extra:?}\nstdout:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// `root`-relative path.
    pub fn p(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// Every entry under `root`: relative path → `dir MODE UID:GID`, `file MODE UID:GID <content>`
/// or `link → TARGET`. Never follows links. Leaves out apply's stat cache
/// (`var/cache/runitctl`): bookkeeping that a no-op apply may refresh, not part of the tree.
pub fn manifest(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let cache = root.join("var/cache");
    for e in walkdir::WalkDir::new(root).follow_links(false).min_depth(1) {
        let e = e.unwrap();
        if e.path().starts_with(&cache) {
            continue;
        }
        let m = e.path().symlink_metadata().unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        let meta = format!("{:04o} {}:{}", m.mode() & 0o7777, m.uid(), m.gid());
        let v = if m.file_type().is_symlink() {
            format!("link → {}", std::fs::read_link(e.path()).unwrap().display())
        } else if m.is_dir() {
            format!("dir {meta}")
        } else if m.is_file() {
            let c = std::fs::read(e.path()).unwrap();
            format!("file {meta} {}", String::from_utf8_lossy(&c))
        } else {
            format!("special {meta}")
        };
        out.insert(rel, v);
    }
    out
}

/// Debian's runit must be installed: see [`super::runit::require_debian_runit`].
pub fn have_runit(test: &str) -> bool {
    super::runit::require_debian_runit(test)
}

/// Whether this process is root; panics when it is not and `CI` is set.
pub fn am_root(test: &str) -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: must run as root in CI"
        );
        eprintln!("{test}: skipped: needs root");
    }
    root
}
