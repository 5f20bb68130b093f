//! The embedded runsvdir: runit's scanning rules (compared with Debian's runsvdir), inotify
//! pickup, removal, restart of a dead runsv, signals, `-P`, the LOG process title, and zero
//! idle wakeups.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use crate::support::proc::{
    command, debian_runit, ok_alive, script, spawn, start_runsvdir, status, Imp, Running,
};
use crate::support::wait_for;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Children of `pid` as (pid, cmdline with spaces), sorted by cmdline.
fn children(pid: i32) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let stat = fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.first() == Some(&"Z") || f.get(1).and_then(|v| v.parse::<i32>().ok()) != Some(pid) {
            continue;
        }
        let cmd = fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd)
            .trim_end_matches('\0')
            .replace('\0', " ");
        out.push((p, cmd));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// True when `pid` sleeps in poll (its wait channel).
fn in_poll(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/wchan")).is_ok_and(|w| w.contains("poll"))
}

fn names(pid: i32) -> Vec<String> {
    children(pid).into_iter().map(|c| c.1).collect()
}

fn sleeper(dir: &Path) {
    script(&dir.join("run"), "#!/bin/sh\nexec sleep 100\n");
}

/// Stops a runsvdir and every runsv under it (HUP: TERM to each runsv), bounded.
fn stop(mut r: Running) {
    let _ = kill(Pid::from_raw(r.pid()), Signal::SIGHUP);
    let _ = r.wait_exit(Duration::from_secs(5));
}

/// The scan dir used by the rules comparison: a service dir, a symlinked one, a dotted one, a
/// plain file, a dangling link.
fn rules_tree(root: &Path) -> std::path::PathBuf {
    let scan = root.join("service");
    fs::create_dir_all(&scan).unwrap();
    sleeper(&scan.join("a"));
    sleeper(&root.join("sv/b"));
    symlink(root.join("sv/b"), scan.join("b")).unwrap();
    sleeper(&scan.join(".hidden"));
    fs::write(scan.join("c"), "not a service").unwrap();
    symlink(root.join("nowhere"), scan.join("d")).unwrap();
    scan
}

#[test]
fn scanning_rules_match_debians_runsvdir() {
    if !debian_runit("scanning_rules_match_debians_runsvdir") {
        return;
    }
    let mut seen = Vec::new();
    for imp in [Imp::Embedded, Imp::Debian] {
        let tmp = tempfile::tempdir().unwrap();
        let scan = rules_tree(tmp.path());
        let r = start_runsvdir(imp, &scan, &[]);
        let got = wait_for(Duration::from_secs(10), || {
            (ok_alive(&scan.join("a")) && ok_alive(&scan.join("b"))).then_some(())
        });
        assert!(got.is_some(), "{imp:?}: services not started");
        assert!(
            !scan.join(".hidden/supervise").exists(),
            "{imp:?}: dotfile started"
        );
        seen.push(names(r.pid()));
        stop(r);
    }
    assert_eq!(seen[0], vec!["runsv a", "runsv b"]);
    assert_eq!(seen[0], seen[1]);
}

#[test]
fn new_links_are_picked_up_without_waiting_for_a_tick() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    fs::create_dir(&scan).unwrap();
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    // Once it sleeps in poll (first scan done), link: runit would need up to ~6 s.
    wait_for(Duration::from_secs(5), || in_poll(r.pid()).then_some(())).expect("idle");
    sleeper(&tmp.path().join("sv/x"));
    sleeper(&tmp.path().join("sv/y"));
    symlink(tmp.path().join("sv/x"), scan.join("x")).unwrap();
    symlink(tmp.path().join("sv/x"), scan.join("x-alias")).unwrap();
    // A staged dir renamed into place (how apply creates services).
    fs::rename(tmp.path().join("sv/y"), scan.join("y")).unwrap();
    let up = wait_for(Duration::from_secs(1), || {
        (ok_alive(&tmp.path().join("sv/x")) && ok_alive(&scan.join("y"))).then_some(())
    });
    assert!(up.is_some(), "not picked up within a second");
    // Two names for one directory: one runsv.
    wait_for(Duration::from_secs(2), || {
        (names(r.pid()).len() == 2).then_some(())
    })
    .expect("exactly two runsv");
    stop(r);
}

#[test]
fn removal_terms_the_runsv_and_a_dead_runsv_is_restarted() {
    if !debian_runit("removal_terms_the_runsv_and_a_dead_runsv_is_restarted") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    sleeper(&scan.join("a"));
    sleeper(&tmp.path().join("sv/b"));
    symlink(tmp.path().join("sv/b"), scan.join("b")).unwrap();
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    let a = scan.join("a");
    let b = tmp.path().join("sv/b");
    let b_status = wait_for(Duration::from_secs(5), || {
        status(&a)
            .filter(|s| s.pid > 1)
            .and(status(&b).filter(|s| s.pid > 1))
    })
    .expect("both up");
    let before = children(r.pid());
    // `sv exit`: runsv exits, runsvdir starts a new one.
    let (out, rc) = crate::support::proc::sv(&scan, &["exit", "./a"]);
    assert_eq!(rc, 0, "{out}");
    let old_a = before.iter().find(|c| c.1 == "runsv a").unwrap().0;
    wait_for(Duration::from_secs(5), || {
        children(r.pid())
            .iter()
            .find(|c| c.1 == "runsv a" && c.0 != old_a)
            .map(|_| ())
    })
    .expect("runsv a restarted");
    wait_for(Duration::from_secs(5), || ok_alive(&a).then_some(())).expect("a supervised again");
    // Removing the link TERMs b's runsv, which stops its service and exits.
    fs::remove_file(scan.join("b")).unwrap();
    wait_for(Duration::from_secs(5), || {
        (!ok_alive(&tmp.path().join("sv/b"))).then_some(())
    })
    .expect("runsv b gone");
    assert!(
        wait_for(Duration::from_secs(5), || {
            let st = fs::read_to_string(format!("/proc/{}/stat", b_status.pid)).unwrap_or_default();
            (st.is_empty() || st.contains(") Z")).then_some(())
        })
        .is_some(),
        "b's service still running"
    );
    // b's runsv may still be on its way out (ok closed, not yet a zombie).
    let only_a = wait_for(Duration::from_secs(5), || {
        (names(r.pid()) == ["runsv a"]).then_some(())
    });
    assert!(
        only_a.is_some(),
        "runsvdir's children: {:?}",
        names(r.pid())
    );
    stop(r);
}

/// Debian's sv polls every 420 ms for runsv to be gone: the embedded runsvdir restarts a runsv
/// that exited at its next one-second tick (as runit's does), not at once, so `shutdown` is
/// `ok` and `force-shutdown` does not SIGKILL the service of the runsv started next.
#[test]
fn debians_sv_shutdown_sees_the_runsv_gone_before_it_is_restarted() {
    if !debian_runit("debians_sv_shutdown_sees_the_runsv_gone_before_it_is_restarted") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    sleeper(&scan.join("a"));
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    let a = scan.join("a");
    let up = || wait_for(Duration::from_secs(5), || status(&a).filter(|s| s.pid > 1));
    // Past runsvdir's one-second floor (a runsv that lived longer is what runit restarts at
    // its tick and the embedded runsvdir used to restart at once).
    let aged = |st: runitctl::runit::status::Status| {
        let due = st.stamp.to_system() + Duration::from_millis(1200);
        wait_for(Duration::from_secs(5), || {
            (std::time::SystemTime::now() >= due).then_some(st)
        })
        .unwrap()
    };
    aged(up().expect("a up"));
    let (out, rc) = crate::support::proc::sv(&scan, &["-w", "2", "shutdown", "./a"]);
    assert_eq!((out.as_str(), rc), ("ok: ./a: runsv not running\n", 0));
    // Restarted at the tick.
    wait_for(Duration::from_secs(5), || ok_alive(&a).then_some(())).expect("a supervised again");
    let fresh = aged(up().expect("a up again"));
    let (out, rc) = crate::support::proc::sv(&scan, &["-w", "2", "force-shutdown", "./a"]);
    assert_eq!((out.as_str(), rc), ("ok: ./a: runsv not running\n", 0));
    let again = up().expect("a up after force-shutdown");
    assert_ne!(again.pid, fresh.pid, "a new runsv started a new process");
    assert!(
        !fs::read_to_string(format!("/proc/{}/stat", fresh.pid))
            .is_ok_and(|st| !st.contains(") Z")),
        "the old service was stopped by TERM, not left running"
    );
    stop(r);
}

#[test]
fn term_exits_zero_leaving_runsvs_and_hup_exits_111_stopping_them() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    sleeper(&scan.join("a"));
    let mut r = start_runsvdir(Imp::Embedded, &scan, &[]);
    wait_for(Duration::from_secs(5), || {
        ok_alive(&scan.join("a")).then_some(())
    })
    .unwrap();
    kill(Pid::from_raw(r.pid()), Signal::SIGTERM).unwrap();
    assert_eq!(r.wait_exit(Duration::from_secs(5)), Some(0));
    assert!(
        ok_alive(&scan.join("a")),
        "runsv must survive runsvdir's TERM"
    );

    // A new runsvdir adopts nothing (the old runsv holds the lock); HUP on it exits 111.
    let mut r2 = start_runsvdir(Imp::Embedded, &scan, &[]);
    wait_for(Duration::from_secs(5), || {
        (!children(r2.pid()).is_empty()).then_some(())
    });
    kill(Pid::from_raw(r2.pid()), Signal::SIGHUP).unwrap();
    assert_eq!(r2.wait_exit(Duration::from_secs(5)), Some(111));
    // The orphaned first runsv is still in the test's process group guard of `r`.
    drop(r);
}

#[test]
fn dash_p_gives_each_runsv_its_own_session() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    sleeper(&scan.join("a"));
    let r = start_runsvdir(Imp::Embedded, &scan, &["-P"]);
    wait_for(Duration::from_secs(5), || {
        ok_alive(&scan.join("a")).then_some(())
    })
    .unwrap();
    let (pid, _) = children(r.pid()).into_iter().next().unwrap();
    let pgid = nix::unistd::getpgid(Some(Pid::from_raw(pid))).unwrap();
    let sid = nix::unistd::getsid(Some(Pid::from_raw(pid))).unwrap();
    assert_eq!((pgid.as_raw(), sid.as_raw()), (pid, pid));
    // Its own group is outside the guard's: HUP makes runsvdir TERM it; only if it is still
    // alive (verified through its ok FIFO) is its group killed here.
    stop(r);
    let gone = wait_for(Duration::from_secs(5), || {
        (!ok_alive(&scan.join("a"))).then_some(())
    });
    if gone.is_none() && pid > 1 {
        let _ = nix::sys::signal::killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
    assert!(gone.is_some(), "runsv did not stop on runsvdir's HUP");
}

#[test]
fn alarm_forces_a_rescan_and_writes_forced_rescan() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    fs::create_dir(&scan).unwrap();
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    wait_for(Duration::from_secs(5), || in_poll(r.pid()).then_some(())).expect("idle");
    kill(Pid::from_raw(r.pid()), Signal::SIGALRM).unwrap();
    let label = wait_for(Duration::from_secs(5), || {
        fs::read_to_string(scan.join(".forced-rescan")).ok()
    })
    .expect(".forced-rescan written");
    assert_eq!(label.len(), 25);
    assert!(runitctl::runit::tai64n::Tai64n::parse_label(&label).is_some());
    stop(r);
}

#[test]
fn log_argument_becomes_the_process_title() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    fs::create_dir(&scan).unwrap();
    symlink(tmp.path().join("nowhere"), scan.join("dangling")).unwrap();
    let dots = format!("log: {}", ".".repeat(100));
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    stop(r);
    let mut c = command(Imp::Embedded, "runsvdir");
    c.arg(&scan).arg(&dots);
    let r = spawn(c);
    let cmdline = wait_for(Duration::from_secs(5), || {
        let c = fs::read(format!("/proc/{}/cmdline", r.pid())).ok()?;
        let c = String::from_utf8_lossy(&c).into_owned();
        c.contains("unable to stat dangling: file does not exist")
            .then_some(c)
    })
    .expect("warning shown in the process title");
    let title = cmdline.split('\0').nth(2).unwrap();
    assert!(title.starts_with("log: "));
    assert_eq!(title.len(), dots.len());
    stop(r);
}

#[test]
fn idle_runsvdir_and_runsv_wake_zero_times() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("service");
    sleeper(&scan.join("a"));
    script(&scan.join("a/log/run"), "#!/bin/sh\nexec cat >/dev/null\n");
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    wait_for(Duration::from_secs(5), || {
        status(&scan.join("a/log"))
            .filter(|s| s.pid > 1)
            .and(status(&scan.join("a")))
            .filter(|s| s.pid > 1)
    })
    .unwrap();
    let runsv = children(r.pid())[0].0;
    let switches = |pid: i32| {
        let s = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        s.lines()
            .filter(|l| l.contains("ctxt_switches"))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>()
    };
    wait_for(Duration::from_secs(5), || {
        (in_poll(r.pid()) && in_poll(runsv)).then_some(())
    })
    .expect("both idle in poll");
    // The measured window (not a synchronisation): two seconds; the benchmark measures 30 s.
    let before = (switches(r.pid()), switches(runsv));
    std::thread::sleep(Duration::from_secs(2));
    let after = (switches(r.pid()), switches(runsv));
    assert_eq!(before, after, "runsvdir/runsv woke while idle");
    stop(r);
}

#[test]
fn a_repointed_scan_dir_symlink_is_followed_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sleeper(&one.join("a"));
    sleeper(&two.join("b"));
    let scan = tmp.path().join("current");
    symlink(&one, &scan).unwrap();
    let r = start_runsvdir(Imp::Embedded, &scan, &[]);
    wait_for(Duration::from_secs(5), || {
        ok_alive(&one.join("a")).then_some(())
    })
    .unwrap();
    wait_for(Duration::from_secs(5), || in_poll(r.pid()).then_some(())).expect("idle");
    // runsvchdir's way: a new link renamed over the old one.
    symlink(&two, tmp.path().join("next")).unwrap();
    fs::rename(tmp.path().join("next"), &scan).unwrap();
    wait_for(Duration::from_secs(2), || {
        (ok_alive(&two.join("b")) && !ok_alive(&one.join("a"))).then_some(())
    })
    .expect("switched to the new directory without waiting for a tick");
    assert_eq!(names(r.pid()), vec!["runsv b"]);
    stop(r);
}

#[test]
fn usage_and_a_missing_dir_like_runit() {
    let out = command(Imp::Embedded, "runsvdir").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "usage: runsvdir [-P] dir\n\n"
    );
    let out = command(Imp::Embedded, "runsvdir")
        .arg("-P")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // A missing DIR is not fatal: a warning, then it is picked up once it appears.
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("later");
    let mut c = command(Imp::Embedded, "runsvdir");
    c.arg("later")
        .arg(format!("log: {}", ".".repeat(80)))
        .current_dir(tmp.path());
    let r = spawn(c);
    let title = wait_for(Duration::from_secs(5), || {
        let c = fs::read(format!("/proc/{}/cmdline", r.pid())).ok()?;
        let c = String::from_utf8_lossy(&c).into_owned();
        c.contains("unable to stat later: file").then_some(c)
    });
    assert!(title.is_some(), "missing DIR warned about");
    sleeper(&tmp.path().join("staged/a"));
    fs::rename(tmp.path().join("staged"), &scan).unwrap();
    wait_for(Duration::from_secs(10), || {
        ok_alive(&scan.join("a")).then_some(())
    })
    .expect("picked up once DIR exists");
    stop(r);
}
