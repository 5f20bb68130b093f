//! Hostile home: a user plants symlinks in their own tree (`~deploy/sv` itself, and
//! `~deploy/sv/api/run`) pointing outside it; apply as root replaces the links and never
//! writes through them. Root only (user-owned dirs need a real chown).

use crate::support::apply::{am_root, manifest, Sandbox};
use std::os::unix::fs::symlink;
use std::time::Duration;

/// `nobody` stands for deploy: a real non-root account, home in the sandbox.
const SPEC: &str = "\
project: shop
supervisor: runit
users:
  nobody:
    home: /home/deploy
    services:
      api: { run: sleep 3600, env: { TOKEN: \"t\" } }
";

const NOBODY: u32 = 65534;

/// A sandbox whose `/home/deploy` is owned by nobody, like a real home.
fn sandbox() -> Sandbox {
    let s = Sandbox::new(SPEC);
    let home = s.p("home/deploy");
    std::fs::create_dir_all(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(NOBODY), Some(NOBODY)).unwrap();
    s
}

/// Files outside the tree that planted links point at.
fn outside() -> tempfile::TempDir {
    let o = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(o.path().join("api/env")).unwrap();
    std::fs::write(o.path().join("api/run"), "#!/bin/sh\necho precious\n").unwrap();
    std::fs::write(o.path().join("api/env/TOKEN"), "precious\n").unwrap();
    std::fs::write(o.path().join("passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
    o
}

#[test]
fn planted_sv_dir_link_is_replaced_and_outside_untouched() {
    if !am_root("planted_sv_dir_link_is_replaced_and_outside_untouched") {
        return;
    }
    let s = sandbox();
    let o = outside();
    let before = manifest(o.path());
    symlink(o.path(), s.p("home/deploy/sv")).unwrap();
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("/home/deploy/sv: replace symlink"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(
        manifest(o.path()),
        before,
        "a file outside the tree changed"
    );
    let sv = std::fs::symlink_metadata(s.p("home/deploy/sv")).unwrap();
    assert!(sv.is_dir(), "~deploy/sv is still a link");
    let run = std::fs::read_to_string(s.p("home/deploy/sv/api/run")).unwrap();
    assert!(run.contains("sleep 3600"), "{run}");
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(s.p("home/deploy/sv/api/run")).unwrap();
    assert_eq!(
        (m.uid(), m.gid()),
        (NOBODY, NOBODY),
        "user files belong to the user"
    );
    s.expect("plan", &[], 0);
}

#[test]
fn planted_run_link_is_replaced_and_outside_untouched() {
    if !am_root("planted_run_link_is_replaced_and_outside_untouched") {
        return;
    }
    let s = sandbox();
    s.expect("apply", &["--no-supervise"], 0);
    let o = outside();
    let before = manifest(o.path());
    let api = s.p("home/deploy/sv/api");
    std::fs::remove_file(api.join("run")).unwrap();
    symlink(o.path().join("api/run"), api.join("run")).unwrap();
    std::fs::remove_dir_all(api.join("env")).unwrap();
    symlink(o.path().join("api/env"), api.join("env")).unwrap();
    std::fs::remove_file(api.join(".runitctl")).unwrap();
    symlink(o.path().join("passwd"), api.join(".runitctl")).unwrap();
    // The user also plants a link at the temp name apply would use.
    symlink(o.path().join("passwd"), api.join(".run.runitctl-tmp")).unwrap();
    let plan = s.expect("plan", &[], 2);
    assert!(
        plan.contains("/home/deploy/sv/api/run: replace symlink"),
        "{plan}"
    );
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(
        manifest(o.path()),
        before,
        "a file outside the tree changed"
    );
    for f in ["run", "env", ".runitctl"] {
        let m = std::fs::symlink_metadata(api.join(f)).unwrap();
        assert!(!m.file_type().is_symlink(), "{f} is still a link");
    }
    assert_eq!(std::fs::read(api.join("env/TOKEN")).unwrap(), b"t\n");
    s.expect("plan", &[], 0);
}

/// `~deploy/log` (the parent of the user's log dirs, which runitctl does not manage) planted as
/// a link to a directory outside: plan as root must not read through it (its diffs would show
/// the outside files), and apply refuses it instead of writing outside.
#[test]
fn planted_log_parent_link_is_neither_read_nor_written_through() {
    if !am_root("planted_log_parent_link_is_neither_read_nor_written_through") {
        return;
    }
    let s = sandbox();
    s.expect("apply", &["--no-supervise"], 0);
    let o = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(o.path().join("api")).unwrap();
    std::fs::write(o.path().join("api/config"), "s999 precious-config\n").unwrap();
    let before = manifest(o.path());
    let log = s.p("home/deploy/log");
    std::fs::remove_dir_all(&log).unwrap();
    symlink(o.path(), &log).unwrap();
    std::os::unix::fs::lchown(&log, Some(NOBODY), Some(NOBODY)).unwrap();

    let plan = s.expect("plan", &[], 2);
    assert!(
        !plan.contains("precious"),
        "plan read through the link:\n{plan}"
    );
    assert!(
        plan.contains("+ /home/deploy/log/api: create dir"),
        "{plan}"
    );
    let out = s.run("apply", &["--no-supervise"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("refusing to follow a symlink"), "{err}");
    assert_eq!(
        manifest(o.path()),
        before,
        "a file outside the tree changed"
    );
}

/// A FIFO planted at `~deploy/sv/.runitctl.lock`: opening it for reading would block until a
/// writer shows up, so apply must open it without blocking, replace it with a plain lock file
/// and finish well within its timeout.
#[test]
fn planted_lock_fifo_is_replaced_without_hanging() {
    if !am_root("planted_lock_fifo_is_replaced_without_hanging") {
        return;
    }
    let s = sandbox();
    s.expect("apply", &["--no-supervise"], 0);
    let lock = s.p("home/deploy/sv/.runitctl.lock");
    std::fs::remove_file(&lock).unwrap();
    nix::unistd::mkfifo(&lock, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    std::os::unix::fs::chown(&lock, Some(NOBODY), Some(NOBODY)).unwrap();
    let api_run = s.p("home/deploy/sv/api/run");
    std::fs::write(&api_run, "changed\n").unwrap();

    let (code, err) = apply_bounded(&s, Duration::from_secs(20));
    assert_eq!(code, Some(0), "apply hung or failed:\n{err}");
    assert!(err.contains("replaced a fifo with a lock file"), "{err}");
    let m = std::fs::symlink_metadata(&lock).unwrap();
    assert!(
        m.file_type().is_file(),
        "the lock is still a {:?}",
        m.file_type()
    );
    let run = std::fs::read_to_string(&api_run).unwrap();
    assert!(run.contains("sleep 3600"), "{run}");
    s.expect("plan", &[], 0);
}

/// `apply --no-supervise --timeout 5` run in its own process group and killed if it is still
/// running after `limit`: its exit code (None when it had to be killed) and its stderr.
fn apply_bounded(s: &Sandbox, limit: Duration) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(crate::support::bin());
    cmd.arg("--root")
        .arg(&s.root)
        .args(["apply"])
        .arg(&s.spec)
        .args(["--no-supervise", "--timeout", "5"]);
    match crate::support::proc::output_bounded(cmd, limit) {
        Some(o) => (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        None => (None, String::new()),
    }
}

/// Finding 3: when `log.user` changes, svlogd's files already in the log dir follow the dir's
/// new owner (svlogd running as that user must lock `lock` and append to `current`), but
/// `config` stays root's and a hard link to a file elsewhere is left alone.
#[test]
fn a_new_log_user_gets_svlogds_files_but_not_a_hard_link() {
    if !am_root("a_new_log_user_gets_svlogds_files_but_not_a_hard_link") {
        return;
    }
    use std::os::unix::fs::MetadataExt;
    let spec = "project: p\nsupervisor: runit\nservices:\n  web: { run: x }\n";
    let s = Sandbox::new(spec);
    s.expect("apply", &["--no-supervise"], 0);
    let log = s.p("var/log/web");
    for f in ["current", "lock", "state", "@400000006b048aed3818503c.s"] {
        std::fs::write(log.join(f), "x\n").unwrap();
    }
    let precious = s.p("etc/precious");
    std::fs::write(&precious, "root's\n").unwrap();
    std::fs::hard_link(&precious, log.join("@400000006b048aed3818503d.s")).unwrap();

    s.write_spec(&spec.replace("run: x }", "run: x, log: { user: nobody } }"));
    let plan = s.expect("plan", &[], 2);
    assert!(
        plan.contains("/var/log/web: owner root:root → nobody:"),
        "{plan}"
    );
    s.expect("apply", &["--no-supervise"], 0);
    let owner = |p: &std::path::Path| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.uid(), m.gid())
    };
    let nobody = owner(&log);
    assert_eq!(nobody.0, NOBODY);
    for f in ["current", "lock", "state", "@400000006b048aed3818503c.s"] {
        assert_eq!(owner(&log.join(f)), nobody, "{f}");
    }
    assert_eq!(owner(&log.join("config")), (0, 0), "config is root's");
    assert_eq!(owner(&precious), (0, 0), "a hard link was followed");
    s.expect("plan", &[], 0);
}

/// Finding 7: a FIFO the user planted at `~deploy/log` (which runitctl does not manage) makes
/// apply fail; the error names `~deploy/log`, not the log dir below it, and a service dir
/// staged before the failure is not left behind.
#[test]
fn a_planted_log_parent_fifo_is_named_and_nothing_staged_is_left() {
    if !am_root("a_planted_log_parent_fifo_is_named_and_nothing_staged_is_left") {
        return;
    }
    let s = sandbox();
    s.write_spec(&format!("{SPEC}services:\n  sys1: {{ run: sleep 1 }}\n"));
    let log = s.p("home/deploy/log");
    std::fs::create_dir_all(s.p("home/deploy")).unwrap();
    nix::unistd::mkfifo(&log, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    std::os::unix::fs::chown(&log, Some(NOBODY), Some(NOBODY)).unwrap();

    let (code, err) = apply_bounded(&s, Duration::from_secs(20));
    assert_eq!(code, Some(1), "{err}");
    let culprit = format!("{}: Not a directory", log.display());
    assert!(err.contains(&culprit), "{err}");
    let left: Vec<_> = std::fs::read_dir(s.p("etc/sv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("runitctl-"))
        .collect();
    assert!(left.is_empty(), "staged dirs left: {left:?}");
}

/// The other side of the rule: a log dir that root made a symlink in a root-only dir
/// (`/var/log/web → /data/logs/web`, logs on a bigger disk) is followed, not replaced by an
/// empty dir; svlogd's config goes to its target, whose owner and mode stay root's choice.
#[test]
fn a_log_dir_root_linked_elsewhere_is_followed() {
    if !am_root("a_log_dir_root_linked_elsewhere_is_followed") {
        return;
    }
    let s = Sandbox::new("project: p\nsupervisor: runit\nservices:\n  web: { run: sleep 1 }\n");
    let data = s.p("data/logs/web");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("current"), "old line\n").unwrap();
    std::fs::create_dir_all(s.p("var/log")).unwrap();
    symlink(&data, s.p("var/log/web")).unwrap();

    let plan = s.expect("plan", &[], 2);
    assert!(!plan.contains("/var/log/web: replace"), "{plan}");
    assert!(plan.contains("/var/log/web/config: create"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    assert!(s.p("var/log/web").is_symlink(), "the link stays");
    assert!(
        data.join("config").is_file(),
        "config went to the link's target"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("current")).unwrap(),
        "old line\n"
    );
    s.expect("plan", &[], 0);
}
