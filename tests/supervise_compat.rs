//! Compatibility of the embedded runsv with Debian's: the same scenario runs under both
//! supervisors, driven by Debian's `sv`, and the outputs, exit codes, `status` bytes and `stat`
//! text must agree (pids and second counts masked).

use std::path::Path;
use std::time::Duration;

use crate::support::proc::{
    control, debian_runit, normalise, script, service_dir, start_runsv, status, sv, wait_status,
    Imp,
};
use runitctl::runit::status::State;

/// Traps HUP, ALRM and INT; creates `trapped` once it does (a signal before that would kill it,
/// and runsv would then hold it down for a second).
const SIGNAL_TRAPPING_RUN: &str = "#!/bin/sh\nexec 2>&1\ntrap 'echo hup' HUP\n\
    trap 'echo alrm' ALRM\ntrap 'echo int' INT\n: > trapped\necho start\n\
    while :; do sleep 0.05; done\n";
/// Ignores TERM; creates `trapped` once it does (a TERM before that would kill it).
const TERM_IGNORING_RUN: &str = "#!/bin/sh\nexec 2>&1\ntrap '' TERM\n: > trapped\necho start\n\
    while :; do sleep 0.05; done\n";
/// How long a supervisor may take to reach a state: generous, since the machine may be loaded
/// (a deadline, never a sleep).
const DEADLINE: Duration = Duration::from_secs(20);
const LOG_RUN: &str = "#!/bin/sh\nexec cat >> out\n";

/// Runs `f` for both implementations at once and returns (embedded, debian).
fn both<T: Send>(f: impl Fn(Imp) -> T + Sync) -> (T, T) {
    std::thread::scope(|s| {
        let e = s.spawn(|| f(Imp::Embedded));
        let d = s.spawn(|| f(Imp::Debian));
        (e.join().unwrap(), d.join().unwrap())
    })
}

/// A step of a scenario: one `sv` invocation on `./svc`, or (`SETTLE`) a wait until nothing
/// has changed for over a second (status timestamp older than 1.1 s, not finishing), so that
/// the next `sv` does not race runsv (sv's own checks compare whole seconds).
const SETTLE: &[&str] = &[];

fn settled(svc: &Path) -> bool {
    status(svc).is_some_and(|s| {
        let age = std::time::SystemTime::now()
            .duration_since(s.stamp.to_system())
            .unwrap_or_default();
        s.state != State::Finish && age > Duration::from_millis(1100)
    })
}

/// Builds `svc` with `setup`, starts runsv of `imp`, waits until `ready`, then runs each step
/// in order (service named `./svc`); returns the normalised transcript.
fn transcript(
    imp: Imp,
    setup: &dyn Fn(&Path),
    ready: &dyn Fn(&Path) -> bool,
    steps: &[&[&str]],
) -> Vec<String> {
    let (tmp, svc) = service_dir();
    setup(&svc);
    let mut r = start_runsv(imp, &svc);
    assert!(
        crate::support::wait_for(DEADLINE, || ready(&svc).then_some(())).is_some(),
        "{imp:?}: service never became ready"
    );
    wait_armed(&svc);
    let mut out = Vec::new();
    for args in steps {
        if args.is_empty() {
            assert!(
                crate::support::wait_for(Duration::from_secs(10), || settled(&svc).then_some(()))
                    .is_some(),
                "{imp:?}: service never settled"
            );
            continue;
        }
        let mut full: Vec<&str> = args.to_vec();
        // A step names its service only when it is not `./svc` (e.g. `./svc/log`).
        if !args.last().is_some_and(|a| a.starts_with("./")) {
            full.push("./svc");
        }
        let (text, rc) = sv(tmp.path(), &full);
        out.push(format!(
            "sv {} => rc {rc}: {}",
            args.join(" "),
            normalise(&text)
        ));
    }
    let _ = r.child.kill();
    let _ = r.child.wait();
    out
}

/// Waits until a run script that traps signals has set its traps (it then creates `trapped`).
fn wait_armed(svc: &Path) {
    let run = std::fs::read_to_string(svc.join("run")).unwrap();
    if run.contains(": > trapped") {
        crate::support::wait_for(DEADLINE, || svc.join("trapped").exists().then_some(()))
            .expect("the service set its traps");
    }
}

fn running(svc: &Path) -> bool {
    status(svc).is_some_and(|s| s.state == State::Run && s.pid > 1)
}

fn assert_same(label: &str, e: &[String], d: &[String]) {
    for (i, (a, b)) in e.iter().zip(d).enumerate() {
        assert_eq!(
            a, b,
            "{label}: step {i} differs\nembedded: {e:#?}\ndebian: {d:#?}"
        );
    }
    assert_eq!(e.len(), d.len());
}

#[test]
fn sv_drives_every_verb_alike() {
    if !debian_runit("sv_drives_every_verb_alike") {
        return;
    }
    let setup = |svc: &Path| {
        script(&svc.join("run"), SIGNAL_TRAPPING_RUN);
        script(&svc.join("log/run"), LOG_RUN);
    };
    let steps: &[&[&str]] = &[
        &["status"],
        &["-v", "hup"],
        &["-v", "alarm"],
        &["-v", "interrupt"],
        &["-v", "pause"],
        &["status"],
        &["-v", "cont"],
        &["-v", "down"],
        &["status"],
        &["-v", "up"],
        SETTLE,
        &["-v", "once"],
        &["status"],
        &["-v", "down"],
        SETTLE,
        &["-v", "up"],
        SETTLE,
        &["-v", "term"],
        SETTLE,
        &["-v", "kill"],
        SETTLE,
        &["-w", "5", "restart"],
        SETTLE,
        &["check"],
        &["-v", "check"],
        &["-v", "exit"],
        &["status"],
        &["up"],
    ];
    let (e, d) = both(|imp| {
        let ready =
            |svc: &Path| running(svc) && status(&svc.join("log")).is_some_and(|s| s.pid > 1);
        transcript(imp, &setup, &ready, steps)
    });
    assert_same("verbs", &e, &d);
}

#[test]
fn timeouts_and_force_stop_alike() {
    if !debian_runit("timeouts_and_force_stop_alike") {
        return;
    }
    let setup = |svc: &Path| {
        script(&svc.join("run"), TERM_IGNORING_RUN);
        script(&svc.join("check"), "#!/bin/sh\nexit 1\n");
    };
    let steps: &[&[&str]] = &[
        &["-w", "1", "check"],
        &["-w", "1", "start"],
        &["-w", "1", "down"],
        &["status"],
        &["-w", "1", "force-stop"],
        SETTLE,
        &["-v", "down"],
        &["status"],
    ];
    let (e, d) = both(|imp| transcript(imp, &setup, &running, steps));
    assert_same("timeouts", &e, &d);
}

#[test]
fn normally_down_and_finish_alike() {
    if !debian_runit("normally_down_and_finish_alike") {
        return;
    }
    let setup = |svc: &Path| {
        script(&svc.join("run"), "#!/bin/sh\nexec sleep 100\n");
        script(&svc.join("finish"), "#!/bin/sh\nsleep 0.3\n");
        std::fs::write(svc.join("down"), "").unwrap();
    };
    let ready = |svc: &Path| status(svc).is_some();
    let steps: &[&[&str]] = &[
        &["status"],
        SETTLE,
        &["-v", "once"],
        &["status"],
        &["-v", "down"],
        &["status"],
        &["-v", "exit"],
    ];
    let (e, d) = both(|imp| transcript(imp, &setup, &ready, steps));
    assert_same("normally down", &e, &d);
}

#[test]
fn status_with_log_shows_both_parts() {
    if !debian_runit("status_with_log_shows_both_parts") {
        return;
    }
    let (tmp, svc) = service_dir();
    script(&svc.join("run"), "#!/bin/sh\nexec sleep 100\n");
    script(&svc.join("log/run"), LOG_RUN);
    let _r = start_runsv(Imp::Embedded, &svc);
    wait_status(&svc.join("log"), DEADLINE, |s| s.pid > 1).expect("log up");
    wait_status(&svc, DEADLINE, |s| s.pid > 1).expect("main up");
    let (out, rc) = sv(tmp.path(), &["status", "./svc"]);
    assert_eq!(rc, 0);
    assert_eq!(
        normalise(&out),
        "run: ./svc: (pid P) Ss; run: log: (pid P) Ss\n"
    );
}

/// The comparable parts of a slot's `supervise/`: status bytes 16..20, whether a pid is set,
/// `stat`, and `pid` with the number masked.
fn snapshot(svc: &Path) -> (Vec<u8>, bool, String, String) {
    let raw = std::fs::read(svc.join("supervise/status")).unwrap();
    assert_eq!(raw.len(), 20);
    let pid_set = raw[12..16] != [0, 0, 0, 0];
    let stat = std::fs::read_to_string(svc.join("supervise/stat")).unwrap();
    let pid = std::fs::read_to_string(svc.join("supervise/pid")).unwrap_or_default();
    let pid = if pid.is_empty() { pid } else { "N\n".into() };
    (raw[16..].to_vec(), pid_set, stat, pid)
}

/// Sets up a scenario under both supervisors, applies `act`, waits for `done`, compares.
fn compare_status(
    label: &str,
    setup: &(dyn Fn(&Path) + Sync),
    act: &(dyn Fn(&Path) + Sync),
    done: &(dyn Fn(&runitctl::runit::status::Status) -> bool + Sync),
    expect_stat: &str,
) {
    let (e, d) = both(|imp| {
        let (_tmp, svc) = service_dir();
        setup(&svc);
        let mut r = start_runsv(imp, &svc);
        wait_status(&svc, DEADLINE, |s| s.state != State::Down || s.want == b'd').expect("settled");
        wait_armed(&svc);
        act(&svc);
        wait_status(&svc, DEADLINE, done)
            .unwrap_or_else(|| panic!("{label}: {imp:?} never reached the state"));
        let snap = snapshot(&svc);
        let _ = r.child.kill();
        let _ = r.child.wait();
        snap
    });
    assert_eq!(e, d, "{label}: embedded vs debian");
    assert_eq!(e.2, expect_stat, "{label}");
}

#[test]
fn status_bytes_and_stat_equal_debians() {
    if !debian_runit("status_bytes_and_stat_equal_debians") {
        return;
    }
    let sleeper = |svc: &Path| script(&svc.join("run"), "#!/bin/sh\nexec sleep 100\n");
    let stubborn = |svc: &Path| script(&svc.join("run"), TERM_IGNORING_RUN);
    let nothing = |_: &Path| {};
    let send = |b: &'static [u8]| move |svc: &Path| control(svc, b).unwrap();
    let up = |s: &runitctl::runit::status::Status| s.state == State::Run && s.pid > 1;

    compare_status("up", &sleeper, &nothing, &up, "run\n");
    compare_status(
        "down",
        &sleeper,
        &send(b"d"),
        &|s| s.state == State::Down && s.pid == 0,
        "down\n",
    );
    compare_status(
        "want down, got TERM",
        &stubborn,
        &send(b"d"),
        &|s| s.term,
        "run, got TERM, want down\n",
    );
    compare_status(
        "got TERM",
        &stubborn,
        &send(b"t"),
        &|s| s.term,
        "run, got TERM\n",
    );
    compare_status(
        "paused",
        &sleeper,
        &send(b"p"),
        &|s| s.paused,
        "run, paused\n",
    );
    compare_status(
        "finishing",
        &|svc: &Path| {
            sleeper(svc);
            script(&svc.join("finish"), "#!/bin/sh\nexec sleep 5\n");
        },
        &send(b"d"),
        &|s| s.state == State::Finish && s.pid > 1,
        "finish, want down\n",
    );
    compare_status(
        "normally down",
        &|svc: &Path| {
            sleeper(svc);
            std::fs::write(svc.join("down"), "").unwrap();
        },
        &nothing,
        &|s| s.want == b'd',
        "down\n",
    );
}

/// Waits until runsv has read every byte written to `svc/supervise/control` (FIONREAD on a
/// non-blocking reader only peeks; it takes nothing).
fn consumed(svc: &Path) {
    use std::os::fd::AsFd;
    use std::os::unix::fs::OpenOptionsExt;
    let peek = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(svc.join("supervise/control"))
        .unwrap();
    let done = crate::support::wait_for(DEADLINE, || {
        (crate::support::unread(peek.as_fd()) == Some(0)).then_some(())
    });
    assert!(done.is_some(), "runsv never read its control FIFO");
}

#[test]
fn kill_during_finish_runs_finish_again_like_runit() {
    if !debian_runit("kill_during_finish_runs_finish_again_like_runit") {
        return;
    }
    let (e, d) = both(|imp| {
        let (_tmp, svc) = service_dir();
        script(&svc.join("run"), "#!/bin/sh\nexec sleep 100\n");
        script(
            &svc.join("finish"),
            // The first finish lasts until the test has sent `k` (a fixed sleep could end
            // before `k` arrives on a loaded machine); the second returns at once.
            "#!/bin/sh\necho \"$1 $2\" >> finish.out\n[ -e once ] && exit 0\n: > once\n\
             while [ ! -e go ]; do sleep 0.05; done\n",
        );
        let mut r = start_runsv(imp, &svc);
        wait_status(&svc, DEADLINE, |s| s.state == State::Run && s.pid > 1).expect("up");
        control(&svc, b"d").unwrap();
        wait_status(&svc, DEADLINE, |s| s.state == State::Finish && s.pid > 1).expect("finish");
        // `k` must find finish running (not merely state = finish before its fork).
        crate::support::wait_for(DEADLINE, || svc.join("once").exists().then_some(()))
            .expect("finish started");
        control(&svc, b"k").unwrap();
        consumed(&svc);
        std::fs::write(svc.join("go"), "").unwrap();
        let out = crate::support::wait_for(DEADLINE, || {
            let text = std::fs::read_to_string(svc.join("finish.out")).unwrap_or_default();
            (text.lines().count() >= 2).then_some(text)
        })
        .expect("finish ran twice");
        wait_status(&svc, DEADLINE, |s| s.state == State::Down).expect("down");
        let _ = r.child.kill();
        let _ = r.child.wait();
        out
    });
    assert_eq!(e, "-1 15\n0 0\n");
    assert_eq!(e, d);
}

#[test]
fn log_down_and_log_control_alike() {
    if !debian_runit("log_down_and_log_control_alike") {
        return;
    }
    let setup = |svc: &Path| {
        script(&svc.join("run"), "#!/bin/sh\nexec sleep 100\n");
        script(&svc.join("log/run"), LOG_RUN);
        std::fs::write(svc.join("log/down"), "").unwrap();
    };
    let steps: &[&[&str]] = &[
        &["status"],
        &["status", "./svc/log"],
        &["-v", "up", "./svc/log"],
        SETTLE,
        &["status"],
        &["-v", "pause", "./svc/log"],
        &["status"],
        &["-v", "cont", "./svc/log"],
        &["-w", "1", "exit", "./svc/log"],
        &["-v", "down", "./svc/log"],
        &["status"],
        &["-v", "exit"],
    ];
    let (e, d) = both(|imp| transcript(imp, &setup, &running, steps));
    assert_same("log down", &e, &d);
}
