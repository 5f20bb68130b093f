//! `runitctl shutdown` and how apply finds runsvdirs: a service that ignores TERM and runsvs
//! orphaned by a killed runsvdir are still stopped (nothing left in the sandbox); a runsvdir
//! someone else started is used, never duplicated, and never stopped by shutdown; a runsv that
//! cannot start makes apply time out naming it.

use crate::support::apply::{have_runit, Sandbox};
use crate::support::deploy::{inside, run, running, runsvdirs_on, Teardown};
use crate::support::proc::{start_runsvdir, Imp};
use crate::support::wait_for;
use std::time::Duration;

const SPEC: &str = "\
project: shop
supervisor: embedded
services:
  web: { run: exec sleep 1000, log: false }
  stubborn:
    run: \"trap '' TERM; while :; do sleep 0.1; done\"
    log: false
users:
  deploy:
    services:
      api: { run: exec sleep 1003, log: false }
";

fn apply(s: &Sandbox, extra: &[&str]) -> String {
    let mut args = vec!["apply", s.spec.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (out, err, code) = run(s, &args);
    assert_eq!(code, 0, "{out}\n{err}");
    out
}

#[test]
fn shutdown_stops_term_ignoring_services_and_orphaned_runsvs() {
    let s = Sandbox::new(SPEC);
    let _teardown = Teardown(&s.root);
    apply(&s, &[]);
    let stubborn = running(&s, "etc/sv/stubborn");
    let armed = wait_for(Duration::from_secs(10), || {
        crate::support::traps(stubborn, nix::sys::signal::Signal::SIGTERM).then_some(())
    });
    assert!(armed.is_some(), "stubborn never set its TERM trap");
    running(&s, "home/deploy/sv/api");
    // Kill our runsvdir (verified by its command line): its runsvs are orphaned.
    let rec = std::fs::read_to_string(s.p("run/runitctl/etc-service.pid")).unwrap();
    let pid: i32 = rec.lines().next().unwrap()[4..].parse().unwrap();
    let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(pid > 1 && cmd.starts_with(b"runsvdir\0"), "{cmd:?}");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let (out, err, code) = run(&s, &["shutdown", "--timeout", "2"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("needed SIGKILL"), "{out}");
    let gone = wait_for(Duration::from_secs(5), || {
        inside(&s.root).is_empty().then_some(())
    });
    assert!(gone.is_some(), "left behind: {:?}", inside(&s.root));
    // Nothing recorded any more.
    let (out, _, code) = run(&s, &["shutdown"]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing to stop"), "{out}");
}

#[test]
fn a_runsvdir_someone_else_started_is_used_and_left_alone() {
    let s = Sandbox::new(SPEC);
    let _teardown = Teardown(&s.root);
    apply(&s, &["--no-supervise"]);
    let scan = s.p("etc/service");
    let _theirs = start_runsvdir(Imp::Embedded, &scan, &[]);
    let out = apply(&s, &[]);
    assert!(!out.contains("runsvdir started"), "{out}");
    assert!(!s.p("run/runitctl/etc-service.pid").exists());
    running(&s, "etc/sv/web");
    running(&s, "home/deploy/sv/api");
    apply(&s, &[]);
    assert_eq!(runsvdirs_on(&scan), 1);
    let (out, _, code) = run(&s, &["shutdown", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing to stop"), "{out}");
    assert_eq!(runsvdirs_on(&scan), 1, "not ours to stop");
}

#[test]
fn apply_times_out_naming_the_runsv_that_did_not_start() {
    if !have_runit("apply_times_out_naming_the_runsv_that_did_not_start") {
        return;
    }
    let s =
        Sandbox::new("supervisor: runit\nservices:\n  web: { run: exec sleep 1000, log: false }\n");
    let _teardown = Teardown(&s.root);
    // Debian's runsvdir is on PATH, its runsv is not: runsvdir starts, runsv never does.
    let bin = s.tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink("/usr/bin/runsvdir", bin.join("runsvdir")).unwrap();
    let o = std::process::Command::new(crate::support::bin())
        .arg("--root")
        .arg(&s.root)
        .args(["apply", s.spec.to_str().unwrap(), "--timeout", "2"])
        .env("PATH", &bin)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("after 2s: runsv for web did not start; see "),
        "{err}"
    );
    // The outcome lines, held while apply waited, are dropped: web never started.
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("web: started"), "{out}");
    let (out, err, code) = run(&s, &["shutdown"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(inside(&s.root).is_empty(), "{:?}", inside(&s.root));
}
