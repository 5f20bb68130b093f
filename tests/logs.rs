//! `runitctl logs` on directories Debian's svlogd wrote: rotated files then `current` in order,
//! TAI64N stamps shown as `-tt`, `-n` across files, `-f` across rotations (stopped by SIGINT),
//! and a service named in a spec under `--root`.

use crate::support::proc::{debian_runit, spawn, Running};
use crate::support::status::applied;
use crate::support::{bin, wait_for};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

/// Debian's `svlogd -t -l 100 DIR` with `s300` (about 6 lines a file) and `n0` (keep all).
fn svlogd(dir: &Path) -> (Running, ChildStdin) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config"), "s300\nn0\n").unwrap();
    let mut c = Command::new("/usr/bin/svlogd");
    c.args(["-t", "-l", "100"])
        .arg(dir)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    let child = c.spawn().expect("spawn svlogd");
    let mut r = Running {
        guard: crate::support::GroupGuard(child.id() as i32),
        child,
    };
    let stdin = r.child.stdin.take().unwrap();
    (r, stdin)
}

fn feed(w: &mut ChildStdin, lines: std::ops::RangeInclusive<u32>) {
    for i in lines {
        writeln!(w, "line {i:03}").unwrap();
    }
    w.flush().unwrap();
}

fn rotated_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            n.to_string_lossy().ends_with(".s")
        })
        .count()
}

/// `YYYY-MM-DD_HH:MM:SS.xxxxx line NNN` → NNN (panics on any other shape).
fn numbered(line: &str) -> u32 {
    let (stamp, rest) = line.split_at(25);
    let b = stamp.as_bytes();
    let shape = b.len() == 25
        && b[4] == b'-'
        && b[10] == b'_'
        && b[19] == b'.'
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit());
    assert!(shape, "not a -tt stamp: {line:?}");
    rest.strip_prefix(" line ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .parse()
        .unwrap()
}

fn logs(args: &[&str]) -> (String, i32) {
    let out = Command::new(bin()).arg("logs").args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn shows_rotated_files_then_current_in_order_and_tails_across_them() {
    if !debian_runit("shows_rotated_files_then_current_in_order_and_tails_across_them") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("log");
    let (mut r, mut stdin) = svlogd(&dir);
    feed(&mut stdin, 1..=40);
    drop(stdin);
    assert_eq!(r.wait_exit(LIMIT), Some(0), "svlogd ends at EOF");
    assert!(rotated_count(&dir) >= 4, "several rotations");
    let d = format!("{}/", dir.display());
    let (out, code) = logs(&[&d]);
    assert_eq!(code, 0);
    let got: Vec<u32> = out.lines().map(numbered).collect();
    assert_eq!(got, (1..=40).collect::<Vec<_>>(), "{out}");
    let (out, _) = logs(&[&d, "-n", "13"]);
    let got: Vec<u32> = out.lines().map(numbered).collect();
    assert_eq!(got, (28..=40).collect::<Vec<_>>(), "{out}");
    let (out, _) = logs(&[&d, "-n", "0"]);
    assert_eq!(out, "");
}

#[test]
fn follows_across_rotations_and_stops_on_sigint() {
    if !debian_runit("follows_across_rotations_and_stops_on_sigint") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("log");
    let (_svlogd, mut stdin) = svlogd(&dir);
    feed(&mut stdin, 1..=5);
    let current = dir.join("current");
    wait_for(LIMIT, || {
        let c = std::fs::read_to_string(&current).ok()?;
        c.contains("line 005").then_some(())
    })
    .expect("svlogd wrote the first lines");

    let mut c = Command::new(bin());
    c.arg("logs")
        .arg(format!("{}/", dir.display()))
        .args(["-f", "-n", "3"])
        .process_group(0)
        .stdout(Stdio::piped());
    let mut f = spawn(c);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let out = f.child.stdout.take().unwrap();
    let sink = lines.clone();
    let reader = std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            sink.lock().unwrap().push(l.unwrap());
        }
    });
    let upto = |n: u32| {
        let lines = lines.clone();
        move || {
            let l = lines.lock().unwrap();
            l.last()
                .is_some_and(|x| x.ends_with(&format!("line {n:03}")))
                .then_some(())
        }
    };
    wait_for(LIMIT, upto(5)).expect("the last 3 lines shown");
    let before = rotated_count(&dir);
    // Many rotations, some between two polls of the follower.
    feed(&mut stdin, 6..=60);
    wait_for(LIMIT, upto(60)).expect("followed to line 60");
    assert!(rotated_count(&dir) >= before + 5, "rotated meanwhile");
    // A rotation after a quiet spell.
    feed(&mut stdin, 61..=70);
    wait_for(LIMIT, upto(70)).expect("followed to line 70");
    let got: Vec<u32> = lines.lock().unwrap().iter().map(|l| numbered(l)).collect();
    assert_eq!(got, (3..=70).collect::<Vec<_>>());

    let pid = f.pid();
    assert!(pid > 1);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    assert_eq!(f.wait_exit(LIMIT), Some(0), "SIGINT ends -f cleanly");
    reader.join().unwrap();
}

#[test]
fn follow_ends_cleanly_when_the_reader_goes_away() {
    if !debian_runit("follow_ends_cleanly_when_the_reader_goes_away") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("log");
    let (_svlogd, mut stdin) = svlogd(&dir);
    feed(&mut stdin, 1..=3);
    let current = dir.join("current");
    wait_for(LIMIT, || {
        let c = std::fs::read_to_string(&current).ok()?;
        c.contains("line 003").then_some(())
    })
    .expect("svlogd wrote the lines");
    let mut c = Command::new(bin());
    c.arg("logs")
        .arg(format!("{}/", dir.display()))
        .args(["-f", "-n", "1"])
        .process_group(0)
        .stdout(Stdio::piped());
    let mut f = spawn(c);
    let mut out = BufReader::new(f.child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.trim_end().ends_with("line 003"), "{first}");
    drop(out);
    // The next lines hit a closed pipe: EPIPE ends `logs -f` with 0, not a signal death.
    let code = wait_for(LIMIT, || {
        feed(&mut stdin, 4..=4);
        f.child.try_wait().unwrap().map(|s| s.code())
    });
    assert_eq!(code, Some(Some(0)));
}

#[test]
fn finds_a_spec_services_log_dir_under_root() {
    if !debian_runit("finds_a_spec_services_log_dir_under_root") {
        return;
    }
    let s = applied(
        "\
project: lg
supervisor: runit
services:
  web:
    run: sh -c 'echo web started; exec sleep 3600'
  quiet:
    run: sleep 3600
    log: false
",
    );
    let mut c = crate::support::proc::command(crate::support::proc::Imp::Debian, "runsvdir");
    c.arg(s.p("etc/service"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _r = spawn(c);
    let run = |svc: &str| {
        let out = Command::new(bin())
            .arg("--root")
            .arg(&s.root)
            .args(["logs", svc, "--spec"])
            .arg(&s.spec)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        )
    };
    let out = wait_for(LIMIT, || {
        let (out, _, code) = run("web");
        (code == Some(0) && out.contains("web started")).then_some(out)
    })
    .expect("web's log read through the spec");
    assert!(s.p("var/log/web/current").exists(), "{out}");
    let (_, err, code) = run("quiet");
    assert_eq!(code, Some(1));
    assert!(err.contains("quiet has no log service"), "{err}");
    let (_, err, code) = run("nope");
    assert_eq!(code, Some(1));
    assert!(
        err.contains("no service 'nope'") && err.contains("services: "),
        "{err}"
    );
}
