//! The embedded runsv on its own: runit's behaviour checklist (its `src/*.check` scenarios, as
//! scenarios), the log pipe, finish, control scripts, the extra record, and reliability counts.

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::proc::{
    command, control, debian_runit, ok_alive, script, service_dir, spawn, start_runsv, status, sv,
    wait_extra, wait_status, Imp,
};
use crate::support::wait_for;
use runitctl::runit::status::State;
use runitctl::supervise::{read_extra, LastExit};

const SLEEPER: &str = "#!/bin/sh\nexec sleep 100\n";

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_default()
}

fn lines(p: &Path) -> usize {
    read(p).lines().count()
}

/// CPU time (user + system) of a process, from /proc/PID/stat, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = read(Path::new(&format!("/proc/{pid}/stat")));
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields after the comm: state is index 0, utime is field 14 → index 11, stime → 12.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

#[test]
fn usage_and_second_runsv_fail_like_runit() {
    let out = command(Imp::Embedded, "runsv").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "usage: runsv dir\n\n");
    // Named as called, like runit's (`usage: /usr/bin/runsv dir`).
    let out = command(Imp::Embedded, "/usr/local/bin/runsv")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "usage: /usr/local/bin/runsv dir\n\n"
    );

    let (tmp, svc) = service_dir();
    script(&svc.join("run"), SLEEPER);
    let _r = start_runsv(Imp::Embedded, &svc);
    let out = command(Imp::Embedded, "runsv")
        .arg("svc")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(111));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "runsv svc: fatal: unable to lock supervise/lock: temporary failure\n"
    );
    let out = command(Imp::Embedded, "runsv")
        .arg("/nonexistent/x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(111));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "runsv /nonexistent/x: fatal: unable to change to directory: file does not exist\n"
    );
}

#[test]
fn supervise_files_have_runits_types_and_modes() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), SLEEPER);
    fs::create_dir(svc.join("log")).unwrap();
    fs::write(svc.join("log/down"), "").unwrap();
    script(&svc.join("log/run"), "#!/bin/sh\nexec cat\n");
    let _r = start_runsv(Imp::Embedded, &svc);
    wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1).unwrap();
    let mode = |p: &str| fs::metadata(svc.join(p)).unwrap().permissions().mode() & 0o777;
    let sup = fs::metadata(svc.join("supervise")).unwrap();
    assert!(sup.is_dir());
    assert_eq!(mode("supervise") & 0o700, 0o700);
    for fifo in ["supervise/control", "supervise/ok", "log/supervise/control"] {
        assert!(
            fs::metadata(svc.join(fifo)).unwrap().file_type().is_fifo(),
            "{fifo}"
        );
    }
    assert_eq!(mode("supervise/lock") & 0o077, 0);
    assert_eq!(
        fs::metadata(svc.join("supervise/status")).unwrap().len(),
        20
    );
    let pid = status(&svc).unwrap().pid;
    assert_eq!(read(&svc.join("supervise/pid")), format!("{pid}\n"));
    assert_eq!(read(&svc.join("supervise/stat")), "run\n");
    // runit quirk kept: log/supervise/pid appears only once the logger first starts.
    assert!(!svc.join("log/supervise/pid").exists());
    assert_eq!(read(&svc.join("log/supervise/stat")), "down\n");
}

#[test]
fn finish_gets_exit_code_and_signal() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), "#!/bin/sh\nread x\nexit 3\n");
    script(
        &svc.join("finish"),
        "#!/bin/sh\necho \"$1 $2\" >> finish.out\n",
    );
    fs::write(svc.join("down"), "").unwrap();
    let _r = start_runsv(Imp::Embedded, &svc);
    // `once`: run exits 3 (stdin is /dev/null, read fails), finish gets "3 0".
    control(&svc, b"o").unwrap();
    wait_for(Duration::from_secs(5), || {
        (read(&svc.join("finish.out")) == "3 0\n").then_some(())
    })
    .expect("finish ran with 3 0");
    script(&svc.join("run"), SLEEPER);
    wait_status(&svc, Duration::from_secs(5), |s| s.state == State::Down).unwrap();
    control(&svc, b"u").unwrap();
    wait_status(&svc, Duration::from_secs(5), |s| {
        s.state == State::Run && s.pid > 1
    })
    .unwrap();
    control(&svc, b"k").unwrap();
    wait_for(Duration::from_secs(5), || {
        read(&svc.join("finish.out"))
            .ends_with("-1 9\n")
            .then_some(())
    })
    .expect("finish ran with -1 9");
    // The extra record is written after the finish script was spawned: poll for it.
    wait_extra(&svc, Duration::from_secs(5), |e| {
        e.last_exit == Some(LastExit::Signal(9))
    })
    .unwrap_or_else(|| panic!("last exit signal 9: {:?}", read_extra(&svc)));
}

/// A FIFO named `finish` (opened non-blocking, as runit does) must not hang runsv: the open
/// succeeds, the exec fails, and supervision goes on — `d` brings the service down, like
/// Debian's runsv.
#[test]
fn a_fifo_named_finish_does_not_hang_runsv() {
    if !debian_runit("a_fifo_named_finish_does_not_hang_runsv") {
        return;
    }
    for imp in [Imp::Debian, Imp::Embedded] {
        let (_tmp, svc) = service_dir();
        script(&svc.join("run"), SLEEPER);
        nix::unistd::mkfifo(
            &svc.join("finish"),
            nix::sys::stat::Mode::from_bits_truncate(0o600),
        )
        .unwrap();
        let _r = start_runsv(imp, &svc);
        wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1).expect("up");
        control(&svc, b"d").unwrap();
        wait_status(&svc, Duration::from_secs(5), |s| {
            s.state == State::Down && s.pid == 0
        })
        .unwrap_or_else(|| panic!("{imp:?}: runsv hung on finish: {:?}", status(&svc)));
        // Still answering.
        control(&svc, b"u").unwrap();
        wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1)
            .unwrap_or_else(|| panic!("{imp:?}: no restart"));
    }
}

/// Everything svlogd wrote in `dir`: finished and unfinished files in name (time) order, then
/// `current`.
fn logged(dir: &Path) -> String {
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    files.retain(|n| n.to_string_lossy().starts_with('@'));
    files.sort();
    files.push("current".into());
    files.iter().map(|n| read(&dir.join(n))).collect()
}

#[test]
fn log_pipe_survives_logger_restarts_without_loss() {
    let (_tmp, svc) = service_dir();
    // 3000 numbered lines, paced so the logger gets killed mid-stream.
    script(
        &svc.join("run"),
        "#!/bin/sh\nexec 2>&1\ni=0\nwhile [ $i -lt 3000 ]; do i=$((i+1)); echo line $i; \
         [ $((i % 100)) -eq 0 ] && sleep 0.02; done\nexec sleep 100\n",
    );
    // The embedded svlogd, not `cat`: a killed `cat` loses what it read and had not written
    // yet (this test failed so in a CI run). svlogd writes before it consumes the pipe; each
    // restart after a kill renames the old `current` to `@….u`, so lines are read across files.
    let logger = format!(
        "#!/bin/sh\nmkdir -p main\nexec {} svlogd main\n",
        crate::support::bin().display()
    );
    script(&svc.join("log/run"), &logger);
    let _r = start_runsv(Imp::Embedded, &svc);
    let log = svc.join("log");
    let main = log.join("main");
    for _ in 0..3 {
        let st = wait_status(&log, Duration::from_secs(5), |s| s.pid > 1).unwrap();
        wait_for(Duration::from_secs(5), || {
            (!logged(&main).is_empty()).then_some(())
        });
        control(&log, b"k").unwrap();
        wait_status(&log, Duration::from_secs(5), |s| {
            s.pid > 1 && s.pid != st.pid
        })
        .unwrap();
    }
    wait_for(Duration::from_secs(20), || {
        (logged(&main).lines().count() >= 3000).then_some(())
    })
    .unwrap_or_else(|| panic!("all lines arrive: {}", logged(&log.join("main"))));
    let text = logged(&log.join("main"));
    for (i, l) in text.lines().enumerate() {
        assert_eq!(l, format!("line {}", i + 1));
    }
    // The logger's restarts are counted in its own extra record.
    wait_extra(&log, Duration::from_secs(5), |e| e.starts >= 4)
        .unwrap_or_else(|| panic!("4 logger starts: {:?}", read_extra(&log)));
}

#[test]
fn control_scripts_override_signals_and_run_before_start() {
    let (_tmp, svc) = service_dir();
    script(
        &svc.join("run"),
        "#!/bin/sh\ntrap 'echo hup >> sig.out' HUP\ntrap 'echo int >> sig.out' INT\n\
         while :; do sleep 0.05; done\n",
    );
    script(&svc.join("control/u"), "#!/bin/sh\necho u >> hooks.out\n");
    script(
        &svc.join("control/h"),
        "#!/bin/sh\necho h >> hooks.out\nexit 0\n",
    );
    script(
        &svc.join("control/i"),
        "#!/bin/sh\necho i >> hooks.out\nexit 1\n",
    );
    let _r = start_runsv(Imp::Embedded, &svc);
    let pid = wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1)
        .unwrap()
        .pid;
    let armed = wait_for(Duration::from_secs(5), || {
        crate::support::traps(pid, nix::sys::signal::Signal::SIGINT).then_some(())
    });
    assert!(armed.is_some(), "the run script never set its INT trap");
    assert_eq!(read(&svc.join("hooks.out")), "u\n");
    control(&svc, b"h").unwrap();
    control(&svc, b"i").unwrap();
    wait_for(Duration::from_secs(5), || {
        read(&svc.join("sig.out")).contains("int").then_some(())
    })
    .expect("control/i exited 1, so INT was sent");
    assert_eq!(read(&svc.join("hooks.out")), "u\nh\ni\n");
    assert!(
        !read(&svc.join("sig.out")).contains("hup"),
        "control/h handled HUP"
    );
}

#[test]
fn a_down_services_sentinel_pid_is_never_signalled() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), SLEEPER);
    fs::write(svc.join("down"), "").unwrap();
    // runsv leads its own process group: kill(0, sig) from it would hit runsv itself.
    let mut r = start_runsv(Imp::Embedded, &svc);
    let before = fs::read(svc.join("supervise/status")).unwrap();
    control(&svc, b"tkpchaiq12").unwrap();
    control(&svc, b"p").unwrap();
    // The last `p` rewrites status once everything before it was handled.
    wait_status(&svc, Duration::from_secs(5), |s| s.paused).expect("commands handled");
    assert!(r.child.try_wait().unwrap().is_none(), "runsv was signalled");
    assert!(ok_alive(&svc));
    let after = status(&svc).unwrap();
    assert_eq!(after.pid, 0);
    assert_eq!(&before[12..16], &[0, 0, 0, 0]);
}

#[test]
fn sigterm_stops_service_and_logger_then_exits_zero() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), SLEEPER);
    script(&svc.join("log/run"), "#!/bin/sh\nexec cat > out\n");
    let mut r = start_runsv(Imp::Embedded, &svc);
    let main = wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1).unwrap();
    let log = wait_status(&svc.join("log"), Duration::from_secs(5), |s| s.pid > 1).unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(r.pid()),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert_eq!(r.wait_exit(Duration::from_secs(5)), Some(0));
    for pid in [main.pid, log.pid] {
        let gone = wait_for(Duration::from_secs(5), || {
            let st = read(Path::new(&format!("/proc/{pid}/stat")));
            (st.is_empty() || st.contains(") Z")).then_some(())
        });
        assert!(gone.is_some(), "pid {pid} still running");
    }
    assert_eq!(read(&svc.join("log/supervise/stat")), "down\n");
}

#[test]
fn supervise_symlink_is_followed() {
    let (tmp, svc) = service_dir();
    script(&svc.join("run"), SLEEPER);
    std::os::unix::fs::symlink(tmp.path().join("state"), svc.join("supervise")).unwrap();
    let _r = start_runsv(Imp::Embedded, &svc);
    assert!(tmp.path().join("state/status").exists());
}

#[test]
fn crash_loop_restarts_at_most_twice_a_second_and_costs_no_cpu() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), "#!/bin/sh\necho x >> starts\nexit 1\n");
    let r = start_runsv(Imp::Embedded, &svc);
    let t0 = Instant::now();
    let cpu0 = cpu_ticks(r.pid());
    let n0 = lines(&svc.join("starts"));
    // Observe for ten seconds, polling the count (this is the measured window, not a sync).
    let mut worst = 0;
    let mut last = (Instant::now(), n0);
    while t0.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(250));
        let n = lines(&svc.join("starts"));
        if last.0.elapsed() >= Duration::from_secs(1) {
            worst = worst.max(n - last.1);
            last = (Instant::now(), n);
        }
    }
    let wall = t0.elapsed();
    let starts = lines(&svc.join("starts")) - n0;
    let cpu = cpu_ticks(r.pid()) - cpu0;
    let hz = 100.0; // USER_HZ on Linux
    let cpu_share = cpu as f64 / hz / wall.as_secs_f64();
    eprintln!("crash loop: {starts} starts in {wall:?}, worst {worst}/s, runsv cpu {cpu_share:.4}");
    assert!(starts <= 2 * 10 + 2, "{starts} starts in 10 s");
    assert!(worst <= 2, "{worst} starts within one second");
    assert!(cpu_share < 0.01, "runsv used {cpu_share} of wall time");
    let extra = wait_extra(&svc, Duration::from_secs(5), |e| {
        e.last_exit == Some(LastExit::Exit(1))
    })
    .unwrap_or_else(|| panic!("last exit 1: {:?}", read_extra(&svc)));
    assert!(extra.restarts >= 5 && extra.restarts + 1 == extra.starts);
}

#[test]
fn commands_are_answered_during_the_restart_floor() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), "#!/bin/sh\necho x >> starts\nexit 1\n");
    let _r = start_runsv(Imp::Embedded, &svc);
    // Catch it just after a quick exit: down, wanting up, inside the one-second floor.
    wait_for(Duration::from_secs(5), || {
        (lines(&svc.join("starts")) >= 1).then_some(())
    })
    .unwrap();
    wait_status(&svc, Duration::from_secs(5), |s| {
        s.state == State::Down && s.want == b'u'
    })
    .unwrap();
    let n = lines(&svc.join("starts"));
    control(&svc, b"d").unwrap();
    let st = wait_status(&svc, Duration::from_secs(5), |s| s.want == b'd').unwrap();
    // Had `d` waited for the floor (runit's blocking sleep), the restart would have come first.
    let start_after = wait_for(Duration::from_millis(1500), || {
        (lines(&svc.join("starts")) > n).then_some(())
    });
    assert!(
        start_after.is_none(),
        "restarted although `d` came during the floor"
    );
    assert_eq!(st.pid, 0);
}

#[test]
fn force_stop_kills_a_service_ignoring_term() {
    if !debian_runit("force_stop_kills_a_service_ignoring_term") {
        return;
    }
    let (tmp, svc) = service_dir();
    script(
        &svc.join("run"),
        "#!/bin/sh\ntrap '' TERM\n: > trapped\nwhile :; do sleep 0.05; done\n",
    );
    let _r = start_runsv(Imp::Embedded, &svc);
    let st = wait_status(&svc, Duration::from_secs(5), |s| s.pid > 1).unwrap();
    // A TERM before the trap is set would simply end the shell.
    wait_for(Duration::from_secs(20), || {
        svc.join("trapped").exists().then_some(())
    })
    .expect("the service ignores TERM");
    let (out, rc) = sv(tmp.path(), &["-w", "2", "force-stop", "./svc"]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.starts_with("kill: run: ./svc: (pid "), "{out}");
    wait_status(&svc, Duration::from_secs(5), |s| {
        s.pid == 0 && s.state == State::Down
    })
    .expect("killed");
    let gone = wait_for(Duration::from_secs(5), || {
        let s = read(Path::new(&format!("/proc/{}/stat", st.pid)));
        (s.is_empty() || s.contains(") Z")).then_some(())
    });
    assert!(gone.is_some());
}

#[test]
fn exit_with_log_closes_the_pipe_and_waits_for_the_logger() {
    let (_tmp, svc) = service_dir();
    script(&svc.join("run"), "#!/bin/sh\necho bye\nexec sleep 100\n");
    script(
        &svc.join("log/run"),
        "#!/bin/sh\ncat > out\necho eof >> out\n",
    );
    let mut c = command(Imp::Embedded, "runsv");
    c.arg(&svc).stdout(Stdio::null());
    let mut r = spawn(c);
    wait_status(&svc.join("log"), Duration::from_secs(5), |s| s.pid > 1).unwrap();
    wait_for(Duration::from_secs(5), || {
        read(&svc.join("log/out")).contains("bye").then_some(())
    })
    .unwrap();
    control(&svc, b"x").unwrap();
    assert_eq!(r.wait_exit(Duration::from_secs(5)), Some(0));
    assert_eq!(read(&svc.join("log/out")), "bye\neof\n");
}

/// runit's own runsv check, as a scenario: usage; a plain service (stat `run`, `x` → exit 0);
/// with a logger (`x` → exit 0, the logger got the output); with relative `supervise`
/// symlinks for both (the log's resolved inside `log/`).
#[test]
fn runits_runsv_check_scenario() {
    let out = command(Imp::Embedded, "runsv").output().unwrap();
    assert_eq!(out.status.code(), Some(1));

    let (_tmp, svc) = service_dir();
    script(
        &svc.join("run"),
        "#!/bin/sh\necho starting\nexec sleep 14\n",
    );
    // Starts runsv, waits until `ready`, checks `stat`, sends `x` through `control_dir`.
    let run_once = |svc: &Path, control_dir: &str, ready: &dyn Fn() -> bool| {
        let mut c = command(Imp::Embedded, "runsv");
        c.arg(svc).stdout(Stdio::null());
        let mut r = spawn(c);
        wait_status(svc, Duration::from_secs(5), |s| s.pid > 1).expect("running");
        wait_for(Duration::from_secs(5), || ready().then_some(())).expect("ready");
        assert_eq!(read(&svc.join("supervise/stat")), "run\n");
        let mut f = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(svc.join(control_dir).join("control"))
            .unwrap();
        std::io::Write::write_all(&mut f, b"x").unwrap();
        r.wait_exit(Duration::from_secs(10))
    };
    let logged = || read(&svc.join("log/foo")) == "starting\n";
    assert_eq!(run_once(&svc, "supervise", &|| true), Some(0));

    script(&svc.join("log/run"), "#!/bin/sh\nexec cat >foo\n");
    assert_eq!(run_once(&svc, "supervise", &logged), Some(0));
    assert_eq!(read(&svc.join("log/foo")), "starting\n");

    fs::remove_dir_all(svc.join("supervise")).unwrap();
    fs::remove_dir_all(svc.join("log/supervise")).unwrap();
    fs::remove_file(svc.join("log/foo")).unwrap();
    std::os::unix::fs::symlink("foo", svc.join("supervise")).unwrap();
    std::os::unix::fs::symlink("bar", svc.join("log/supervise")).unwrap();
    assert_eq!(run_once(&svc, "foo", &logged), Some(0));
    assert!(svc.join("foo/status").exists());
    assert!(svc.join("log/bar/status").exists());
    assert_eq!(read(&svc.join("log/foo")), "starting\n");
}

/// runit's own sv check, as a scenario, for both clients against the embedded runsv: `sv`
/// without arguments is a usage error (exit 100); `sv down DIR` exits 0 and `supervise/stat`
/// then reads `down`; `sv exit DIR` exits 0 and runsv exits 0.
#[test]
fn runits_sv_check_scenario() {
    use crate::support::runit::{debian_runit, Tool};
    if !debian_runit() {
        return;
    }
    for tool in [Tool::Debian, Tool::Ours] {
        let sv = |args: &[&str]| {
            let mut c = Command::new(tool.target("sv"));
            if tool == Tool::Ours {
                c.arg0("sv");
            }
            let out = c.args(args).env_remove("SVWAIT").output().unwrap();
            out.status.code()
        };
        assert_eq!(sv(&[]), Some(100), "{tool:?} sv without arguments");
        let (_tmp, svc) = service_dir();
        script(
            &svc.join("run"),
            "#!/bin/sh\necho starting\nexec sleep 14\n",
        );
        let mut r = start_runsv(Imp::Embedded, &svc);
        let dir = svc.to_str().unwrap();
        assert_eq!(sv(&["down", dir]), Some(0), "{tool:?} sv down");
        wait_for(Duration::from_secs(5), || {
            (read(&svc.join("supervise/stat")) == "down\n").then_some(())
        })
        .expect("stat says down");
        assert_eq!(sv(&["exit", dir]), Some(0), "{tool:?} sv exit");
        assert_eq!(r.wait_exit(Duration::from_secs(10)), Some(0));
    }
}
