//! The embedded svlogd against Debian's /usr/bin/svlogd (same input, same `config`, same
//! options → same lines and the same number of rotated files), runit's own svlogd check, the
//! signals (HUP, ALRM, TERM) and EOF, the process name, and reliability under the embedded
//! runsv: a logger SIGKILLed mid-stream loses, duplicates and tears nothing; rotation under
//! load loses nothing; a full filesystem pauses logging until space returns.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::support::proc::{command, debian_runit, script, start_runsv, Imp, Running};
use crate::support::svlogd::{content, log_run, logger_pid, mask, rotated, rotated_name, run, sh};
use crate::support::{wait_for, GroupGuard};

const LIMIT: Duration = Duration::from_secs(10);

/// Lines of varied length, with control bytes and words the patterns pick on.
fn corpus() -> Vec<u8> {
    let words = ["keep", "skip", "drop", "err", "plain"];
    let mut v = Vec::new();
    for i in 0..400 {
        let w = words[i % words.len()];
        let pad = "x".repeat((i * 7) % 130);
        v.extend(format!("{i} {w} line\t{pad}\x01 end\n").into_bytes());
    }
    v
}

/// Runs both implementations on `input` with `config` and `args`; asserts the same masked
/// content and the same rotated-file count; returns that count.
fn same_as_debian(config: &str, args: &[&str], input: &[u8], stamp: usize) -> usize {
    let t = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for imp in [Imp::Debian, Imp::Embedded] {
        let dir = t.path().join(format!("{imp:?}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("config"), config).unwrap();
        let out = run(imp, args, &dir, input);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{imp:?} {args:?} {config:?}: {out:?}"
        );
        let names = rotated(&dir);
        assert!(names.iter().all(|n| rotated_name(n)), "{names:?}");
        let limit = config
            .lines()
            .find_map(|l| l.strip_prefix('s')?.parse::<u64>().ok());
        for n in &names {
            let len = std::fs::metadata(dir.join(n)).unwrap().len();
            assert!(limit.is_none_or(|s| len <= s), "{imp:?} {n}: {len} bytes");
            let mode = std::fs::metadata(dir.join(n)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o744, "{imp:?} {n}");
        }
        let cur = std::fs::metadata(dir.join("current")).unwrap();
        assert_eq!(cur.permissions().mode() & 0o777, 0o744, "closed cleanly");
        results.push((names.len(), mask(&content(&dir), stamp)));
    }
    assert_eq!(
        results[0].0, results[1].0,
        "{config:?} {args:?}: rotated file count"
    );
    assert!(
        results[0].1 == results[1].1,
        "{config:?} {args:?}: content differs\n--- debian\n{}\n--- embedded\n{}",
        results[0].1,
        results[1].1
    );
    results[0].0
}

#[test]
fn same_lines_and_rotations_as_debian() {
    if !debian_runit("same_lines_and_rotations_as_debian") {
        return;
    }
    let input = corpus();
    // Small `s`: many rotations at line boundaries.
    assert!(same_as_debian("s2000\nn0\n", &[], &input, 0) > 10);
    // `s` below the line length: files cut mid-line at exactly `s` bytes.
    assert!(same_as_debian("s150\nn0\n", &[], &input, 0) > 100);
    // `n` keeps exactly that many; `N` changes nothing while the disk has room.
    assert_eq!(same_as_debian("s1500\nn3\n", &[], &input, 0), 3);
    same_as_debian("s1500\nn4\nN2\n", &[], &input, 0);
    // Patterns: last match wins; `*` stops at the next pattern byte.
    same_as_debian("-*\n+*keep*\n+*err*\n-*skip*\n", &[], &input, 0);
    same_as_debian("pPFX: \ns3000\nn0\n", &[], &input, 0);
    // Timestamps, masked.
    same_as_debian("s2500\nn0\n", &["-tt"], &input, 26);
    same_as_debian("s2500\nn0\n", &["-t"], &input, 26);
    same_as_debian("s2500\nn0\n", &["-ttt"], &input, 26);
    // Replacement and line length (long lines are copied through, not cut).
    same_as_debian("s900\nn0\n", &["-r", "."], &input, 0);
    same_as_debian("s900\nn0\n", &["-R", "xe"], &input, 0);
    same_as_debian(
        "s300\nn0\n+*keep*\n-*x\n",
        &["-l", "20", "-b", "64"],
        &input,
        0,
    );
    same_as_debian("s64\nn0\n", &["-l", "10", "-b", "20"], &input, 0);
}

/// `config` corner cases against Debian: a `!` or `p` with nothing after it is ignored (an
/// empty processor would turn every rotated file into an empty one); values end at a NUL; a
/// 1-byte last line without a newline is not read.
#[test]
fn config_corner_cases_as_debian() {
    if !debian_runit("config_corner_cases_as_debian") {
        return;
    }
    let input = b"a\nb\nc\n";
    assert_eq!(same_as_debian("s2\nn0\n!\n", &[], input, 0), 2);
    same_as_debian("pX \np\n", &[], input, 0);
    same_as_debian("pX\0Y \n-a\0b\n", &[], input, 0);
    same_as_debian("-*\n+", &[], b"ab\nb\n\na\n", 0);
}

/// What one svlogd run did with `config` (`@PORT` replaced by a listening UDP port): its
/// stderr, `current`, and the datagrams that arrived (svlogd has exited, so every datagram it
/// sent to loopback is already queued: a non-blocking read drains them without waiting).
fn udp_run(imp: Imp, config: &str, args: &[&str]) -> (String, String, Vec<String>) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("config"),
        config.replace("@PORT", &port.to_string()),
    )
    .unwrap();
    let out = run(imp, args, &dir, b"hello\nabc\nabcd\n");
    assert_eq!(out.status.code(), Some(0), "{imp:?} {config:?}: {out:?}");
    sock.set_nonblocking(true).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    while let Ok(n) = sock.recv(&mut buf) {
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&port.to_string(), "PORT");
    (stderr, current(&dir), got)
}

/// `u`/`U` addresses are scanned as runit scans them: trailing bytes (a blank, a CR) after the
/// port are ignored, octets wrap, a bad address or port is warned about, and a `U` whose
/// address does not scan still keeps lines out of `current`.
#[test]
fn udp_addresses_as_debian() {
    if !debian_runit("udp_addresses_as_debian") {
        return;
    }
    for config in [
        "u127.0.0.1:@PORT \n",
        "u127.0.0.1:@PORT\r\n",
        "U127.0.0.1:@PORT\n",
        "u127.0.0.257:@PORT\n",
        "ubad\n",
        "u-1.0.0.1\n",
        "u127.0.0.1:0\n",
        "u127.0.0.1:x\n",
        "Ubad\n",
        "U127.0.0.1:65536\n",
    ] {
        let d = udp_run(Imp::Debian, config, &[]);
        let o = udp_run(Imp::Embedded, config, &[]);
        assert_eq!(d, o, "{config:?}");
    }
    let (_, cur, got) = udp_run(Imp::Embedded, "u127.0.0.1:@PORT \n", &[]);
    assert_eq!(cur, "hello\nabc\nabcd\n");
    assert_eq!(got, ["hello\n", "abc\n", "abcd\n"]);
}

/// A file a test puts in a log directory first: (name, text, mode).
type Seed<'a> = (&'a str, &'a str, u32);

/// What `svlogd -v DIR` of `imp` did to a directory seeded with `files`:
/// the seeded files still there, the rotated-file count, everything logged, and the
/// `delete:` info lines (with the dir shown as `d`).
fn pruned(
    imp: Imp,
    config: &str,
    files: &[Seed],
    input: &[u8],
) -> (Vec<String>, usize, String, Vec<String>) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("config"), config).unwrap();
    for (name, text, mode) in files {
        std::fs::write(dir.join(name), text).unwrap();
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(*mode)).unwrap();
    }
    let out = run(imp, &["-v"], &dir, input);
    assert_eq!(out.status.code(), Some(0), "{imp:?}: {out:?}");
    let kept = files
        .iter()
        .map(|f| f.0.to_string())
        .filter(|n| dir.join(n).exists())
        .collect();
    let deleted = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("delete:"))
        .map(|l| l.replace(dir.to_str().unwrap(), "d"))
        .collect();
    let logged = String::from_utf8_lossy(&content(&dir)).into_owned();
    (kept, rotated(&dir).len(), logged, deleted)
}

/// Pruning as runit's `rmoldest`: a processor leftover `@….t` is deleted, not counted (nor
/// deleted as the oldest file); an uncleanly closed `current` renamed to `.u` at start is
/// followed by a prune.
#[test]
fn pruning_as_debian() {
    if !debian_runit("pruning_as_debian") {
        return;
    }
    let old = |i| format!("@40000000600000000000000{i}.s");
    let (old1, old2) = (old(1), old(2));
    let leftover = "@400000006000000000000000.t";
    let cases: [(&str, Vec<Seed>, &[u8]); 2] = [
        (
            "s2\nn2\n",
            vec![
                (&old1, "old1\n", 0o744),
                (&old2, "old2\n", 0o744),
                (leftover, "stale\n", 0o644),
            ],
            b"a\nb\n",
        ),
        (
            "n1\n",
            vec![
                (&old1, "old1\n", 0o744),
                (&old2, "old2\n", 0o744),
                ("current", "unclean\n", 0o644),
            ],
            b"a\n",
        ),
    ];
    for (config, files, input) in cases {
        let d = pruned(Imp::Debian, config, &files, input);
        let o = pruned(Imp::Embedded, config, &files, input);
        assert_eq!(d, o, "{config:?} {files:?}");
        assert!(!o.3.is_empty(), "{config:?}: something was pruned");
    }
}

/// A `current` that cannot be opened (here a directory): runit pauses with `pausing: unable
/// to open current: DIR: is a directory` and retries every 3 s; once it can open it, the
/// lines waiting in the pipe are logged.
#[test]
fn unopenable_current_pauses_and_retries_as_debian() {
    if !debian_runit("unopenable_current_pauses_and_retries_as_debian") {
        return;
    }
    for imp in [Imp::Debian, Imp::Embedded] {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("d");
        std::fs::create_dir_all(dir.join("current")).unwrap();
        let mut c = command(imp, "svlogd");
        c.arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = c.spawn().unwrap();
        let guard = GroupGuard(child.id() as i32);
        let mut l = Running { child, guard };
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut pipe = l.child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok(n @ 1..) = std::io::Read::read(&mut pipe, &mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let want = format!(
            "svlogd: pausing: unable to open current: {}: is a directory\n",
            dir.display()
        );
        let seen = wait_for(LIMIT, || {
            stderr.lock().unwrap().contains(&want).then_some(())
        });
        assert!(seen.is_some(), "{imp:?}: {:?}", stderr.lock().unwrap());
        assert!(l.child.try_wait().unwrap().is_none(), "{imp:?} gave up");
        std::fs::remove_dir(dir.join("current")).unwrap();
        let mut stdin = l.child.stdin.take().unwrap();
        stdin.write_all(b"a\n").unwrap();
        drop(stdin);
        assert_eq!(l.wait_exit(LIMIT), Some(0), "{imp:?}");
        assert_eq!(current(&dir), "a\n", "{imp:?}");
        let text = stderr.lock().unwrap().clone();
        assert!(
            text.lines().all(|l| format!("{l}\n") == want),
            "{imp:?}: {text:?}"
        );
    }
}

/// `-l len` as runit: a line of len bytes or more (its newline not among the first len) is
/// echoed to stderr and sent by UDP as its first len bytes and `...`; `-r`/`-R` replace bytes
/// only in those first len bytes, the rest of a long line is logged as is.
#[test]
fn line_length_as_debian() {
    if !debian_runit("line_length_as_debian") {
        return;
    }
    let d = udp_run(Imp::Debian, "e*\nu127.0.0.1:@PORT\n", &["-l", "3"]);
    let o = udp_run(Imp::Embedded, "e*\nu127.0.0.1:@PORT\n", &["-l", "3"]);
    assert_eq!(d, o);
    assert_eq!(o.0, "hel...\nabc...\nabc...\n");
    let input = b"ab\x01cd\x01ef\tgh\nx\x01\n\x01\x02\x03\x04\n";
    same_as_debian("", &["-l", "3", "-r", "_"], input, 0);
    same_as_debian("", &["-l", "2", "-R", "dg"], input, 0);
    same_as_debian("s5\nn0\n", &["-l", "3", "-b", "4", "-r", "_"], input, 0);
}

/// The processor as runit runs it: `$0` is `sh`, only fds 0, 1, 2, 4 and 5 (plus the shell's
/// own) are open, and a failure is reported as `processor failed, restart: DIR`.
#[test]
fn processor_as_debian() {
    if !debian_runit("processor_as_debian") {
        return;
    }
    let config = "s2\nn0\n!if [ -e flag ]; then tr a-z A-Z; else touch flag; exit 1; fi; \
                  echo \"$0\" >&5; ls /proc/$$/fd >&5\n";
    let mut results = Vec::new();
    for imp in [Imp::Debian, Imp::Embedded] {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("d");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("config"), config).unwrap();
        let out = run(imp, &[], &dir, b"a\nb\n");
        assert_eq!(out.status.code(), Some(0), "{imp:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).replace(dir.to_str().unwrap(), "d");
        let state = std::fs::read_to_string(dir.join("state")).unwrap_or_default();
        results.push((
            stderr,
            state,
            String::from_utf8_lossy(&content(&dir)).into_owned(),
        ));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(
        results[1].0,
        "svlogd: warning: processor failed, restart: d\n"
    );
    // The deliberate difference: a processor killed by a signal has failed (runit counts it a
    // success and keeps its empty output), so it runs again on the intact file.
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    let killed = "s2\nn0\n!if [ -e flag ]; then tr a-z A-Z; else touch flag; kill -9 $$; fi\n";
    std::fs::write(dir.join("config"), killed).unwrap();
    let out = run(Imp::Embedded, &[], &dir, b"a\nb\n");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(content(&dir).starts_with(b"A\n"), "{out:?}");
}

/// runit's own svlogd check (usage, a first line, appending), ported and run against both.
#[test]
fn runits_svlogd_check_scenario() {
    if !debian_runit("runits_svlogd_check_scenario") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    for imp in [Imp::Debian, Imp::Embedded] {
        let usage = |args: &[&str]| {
            let out = command(imp, "svlogd")
                .args(args)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let text = format!(
            "usage: {} [-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...\n\n",
            if imp == Imp::Debian {
                "/usr/bin/svlogd"
            } else {
                "svlogd"
            }
        );
        assert_eq!(usage(&[]), (Some(111), text.clone()), "{imp:?}");
        assert_eq!(
            usage(&["-x", "d"]),
            (Some(111), format!("svlogd: illegal option -- x\n{text}"))
        );
        assert_eq!(usage(&["-b", "100", "d"]), (Some(111), text.clone()));
        let gone = t.path().join("nonexistent");
        let (code, err) = usage(&[gone.to_str().unwrap()]);
        assert_eq!(code, Some(111));
        assert_eq!(
            err,
            format!(
                "svlogd: warning: unable to open log directory: {}: file does not exist\n\
                 svlogd: fatal: no functional log directories.\n",
                gone.display()
            )
        );
        let dir = t.path().join(format!("{imp:?}"));
        std::fs::create_dir(&dir).unwrap();
        assert_eq!(run(imp, &[], &dir, b"t1\n").status.code(), Some(0));
        assert_eq!(run(imp, &[], &dir, b"t2\nt3\n").status.code(), Some(0));
        assert_eq!(
            std::fs::read_to_string(dir.join("current")).unwrap(),
            "t1\nt2\nt3\n"
        );
        let lock = std::fs::metadata(dir.join("lock")).unwrap();
        assert_eq!((lock.len(), lock.permissions().mode() & 0o777), (0, 0o600));
        // A second svlogd on a locked directory gives up.
        let mut first = command(imp, "svlogd");
        first.arg(&dir).stdin(Stdio::piped());
        let mut holder = first.spawn().unwrap();
        let _g = GroupGuard(holder.id() as i32);
        wait_for(LIMIT, || {
            (std::fs::metadata(dir.join("current"))
                .ok()?
                .permissions()
                .mode()
                & 0o777
                == 0o644)
                .then_some(())
        })
        .expect("first svlogd holds the dir");
        let out = run(imp, &[], &dir, b"x\n");
        assert_eq!(out.status.code(), Some(111));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!(
            "svlogd: warning: unable to lock directory: {}: temporary failure\n",
            dir.display()
        )));
        drop(holder.stdin.take());
        assert_eq!(holder.wait().unwrap().code(), Some(0));
    }
}

/// A running embedded svlogd fed through a pipe the test writes to.
struct Live(Running);

impl Live {
    fn start(dir: &Path, args: &[&str]) -> Live {
        Live(svlogd(args, dir, Stdio::piped(), Stdio::piped()))
    }

    fn send(&mut self, b: &[u8]) {
        let s = self.0.child.stdin.as_mut().unwrap();
        s.write_all(b).unwrap();
        s.flush().unwrap();
    }

    fn signal(&self, sig: nix::sys::signal::Signal) {
        let pid = self.0.pid();
        assert!(pid > 1);
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig).unwrap();
    }

    fn exit(&mut self) -> Option<i32> {
        self.0.wait_exit(LIMIT)
    }
}

fn current(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("current")).unwrap_or_default()
}

#[test]
fn hup_alrm_term_and_eof() {
    use nix::sys::signal::Signal;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    let mut l = Live::start(&dir, &[]);
    l.send(b"one\n");
    wait_for(LIMIT, || (current(&dir) == "one\n").then_some(())).expect("first line");
    // The process is named svlogd, not runitctl.
    let comm = std::fs::read_to_string(format!("/proc/{}/comm", l.0.pid())).unwrap();
    assert_eq!(comm.trim(), "svlogd");
    // ALRM rotates the non-empty current.
    l.signal(Signal::SIGALRM);
    wait_for(LIMIT, || (rotated(&dir).len() == 1).then_some(())).expect("ALRM rotated");
    assert_eq!(
        std::fs::read_to_string(dir.join(&rotated(&dir)[0])).unwrap(),
        "one\n"
    );
    // HUP re-reads config: the new `s` is honoured. svlogd drains its signals before it reads
    // stdin again, so the lines below are logged under the new config.
    std::fs::write(dir.join("config"), "s40\nn0\n").unwrap();
    l.signal(Signal::SIGHUP);
    for i in 0..20 {
        l.send(format!("line {i:04}\n").as_bytes());
    }
    wait_for(LIMIT, || (rotated(&dir).len() >= 5).then_some(())).expect("s40 rotations");
    // TERM: every line read is written (a partial one completed), exit 0.
    l.send(b"last\npart");
    wait_for(LIMIT, || content(&dir).ends_with(b"last\n").then_some(())).expect("last line");
    l.signal(Signal::SIGTERM);
    assert_eq!(l.exit(), Some(0));
    assert!(content(&dir).ends_with(b"last\npart\n"));
    let all = String::from_utf8(content(&dir)).unwrap();
    for i in 0..20 {
        assert!(all.contains(&format!("line {i:04}\n")));
    }
    for n in rotated(&dir).iter().skip(1) {
        assert!(std::fs::metadata(dir.join(n)).unwrap().len() <= 40);
    }
    // EOF mid-line: the last line is completed with a newline, not dropped.
    let dir2 = t.path().join("e");
    std::fs::create_dir(&dir2).unwrap();
    let out = run(Imp::Embedded, &[], &dir2, b"line1\npartial");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(current(&dir2), "line1\npartial\n");
}

/// A service under the embedded runsv writing lines `1`..=`n` as fast as it can, then
/// sleeping, logged by the embedded `svlogd ARGS ./main` with `config`.
fn counting_service(
    n: usize,
    args: &str,
    config: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    crate::support::proc::Running,
) {
    let (t, svc) = crate::support::proc::service_dir();
    let run = format!(
        "#!/bin/sh\nexec 2>&1\ni=0\nwhile [ $i -lt {n} ]; do i=$((i+1)); echo $i; done\n\
         exec sleep 1000\n"
    );
    script(&svc.join("run"), &run);
    script(&svc.join("log/run"), &log_run(args, config));
    let r = start_runsv(Imp::Embedded, &svc);
    (t, svc, r)
}

/// The service writes numbered lines as fast as it can; the logger is SIGKILLed repeatedly.
#[test]
fn logger_killed_repeatedly_loses_nothing() {
    let n = 300_000;
    let (_t, svc, r) = counting_service(n, "-tt", "n0\\n");
    let main = svc.join("log/main");
    let mut kills = 0;
    let mut last = 0;
    while kills < 12 {
        let Some(pid) = wait_for(LIMIT, || logger_pid(&svc, r.pid()).filter(|p| *p != last)) else {
            break;
        };
        // Kill it while it is working: once it has written more since the last kill.
        let seen = std::fs::metadata(main.join("current")).map_or(0, |m| m.len());
        let grew = wait_for(Duration::from_secs(5), || {
            let now = std::fs::metadata(main.join("current")).map_or(0, |m| m.len());
            (now != seen).then_some(())
        });
        if grew.is_none() {
            break; // the service has written everything
        }
        if logger_pid(&svc, r.pid()) == Some(pid) {
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            )
            .unwrap();
            kills += 1;
            last = pid;
        }
    }
    assert!(kills >= 5, "only {kills} kills");
    // Reading races with rotations (a file renamed between listing and reading), so the
    // verdict is retried until it holds or the deadline passes; the last one is reported.
    let mut verdict = (0, 0, 0);
    let ok = wait_for(Duration::from_secs(60), || {
        let text = String::from_utf8_lossy(&content(&main)).into_owned();
        let mut seen = vec![0u32; n + 1];
        let mut torn = 0;
        for line in text.lines() {
            match line.get(26..).and_then(|s| s.parse::<usize>().ok()) {
                Some(num) if num >= 1 && num <= n => seen[num] += 1,
                _ => torn += 1,
            }
        }
        let lost = seen[1..].iter().filter(|c| **c == 0).count();
        let dup = seen[1..].iter().filter(|c| **c > 1).count();
        verdict = (lost, dup, torn);
        (verdict == (0, 0, 0)).then_some(())
    });
    let (lost, dup, torn) = verdict;
    assert!(
        ok.is_some(),
        "{kills} kills: lost {lost}, duplicated {dup}, torn {torn}"
    );
}

#[test]
fn rotation_under_load_loses_nothing() {
    let n = 100_000;
    let (_t, svc, _r) = counting_service(n, "", "s4096\\nn0\\n");
    let main = svc.join("log/main");
    let mut verdict = String::new();
    let ok = wait_for(Duration::from_secs(60), || {
        let text = String::from_utf8_lossy(&content(&main)).into_owned();
        let nums: Vec<usize> = text.lines().filter_map(|l| l.parse().ok()).collect();
        let bad = nums.iter().enumerate().find(|(i, v)| **v != i + 1);
        verdict = format!("{} lines, first out of order: {bad:?}", nums.len());
        (bad.is_none() && nums.len() == n).then_some(())
    });
    assert!(ok.is_some(), "{verdict}");
    let names = rotated(&main);
    assert!(names.len() > 100);
    for f in names {
        assert!(
            std::fs::metadata(main.join(&f)).unwrap().len() <= 4096,
            "{f}"
        );
    }
}

/// A full filesystem: svlogd pauses with runit's warning, keeps every line and resumes when
/// space returns.
#[test]
fn full_filesystem_pauses_then_resumes() {
    let t = tempfile::tempdir().unwrap();
    let mnt = t.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let m = sh(&format!(
        "mount -t tmpfs -o size=256k tmpfs {}",
        mnt.display()
    ));
    assert!(m.status.success(), "mount tmpfs (root required): {m:?}");
    struct Umount(std::path::PathBuf);
    impl Drop for Umount {
        fn drop(&mut self) {
            let _ = sh(&format!("umount -l {}", self.0.display()));
        }
    }
    let _u = Umount(mnt.clone());
    let dir = mnt.join("log");
    std::fs::create_dir(&dir).unwrap();
    // Fill the filesystem, leaving almost nothing.
    let _ = sh(&format!(
        "dd if=/dev/zero of={}/filler bs=4k 2>/dev/null",
        mnt.display()
    ));
    let mut l = Live::start(&dir, &[]);
    let mut err = l.0.child.stderr.take().unwrap();
    let n = 3000;
    let mut expect = String::new();
    for i in 0..n {
        expect.push_str(&format!("line {i:06}\n"));
    }
    l.send(expect.as_bytes());
    // Its first stderr line, read in a thread so that a svlogd that never says it pauses fails
    // the test after LIMIT instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = Vec::new();
        let mut buf = [0u8; 200];
        while !line.contains(&b'\n') {
            match std::io::Read::read(&mut err, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => line.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(LIMIT)
        .expect("svlogd reports the full disk");
    let text = String::from_utf8_lossy(&line).into_owned();
    assert!(
        text.starts_with(&format!(
            "svlogd: pausing: unable to write to current: {}/current: out of disk space",
            dir.display()
        )),
        "{text:?}"
    );
    assert_eq!(l.0.child.try_wait().unwrap(), None, "still running");
    std::fs::remove_file(mnt.join("filler")).unwrap();
    drop(l.0.child.stdin.take());
    assert_eq!(l.exit(), Some(0));
    assert_eq!(current(&dir), expect);
}

/// Line `i` of a numbered stream: its number, then a letter that depends on it, `len` bytes
/// with the newline.
fn numbered(i: usize, len: usize) -> Vec<u8> {
    let mut line = format!("{i:06} ").into_bytes();
    line.resize(len - 1, b'a' + (i % 26) as u8);
    line.push(b'\n');
    line
}

/// How `got` differs from the numbered stream `0..count`: (lost, duplicated, torn, out of
/// order) lines.
fn tally(got: &[u8], count: usize, len: fn(usize) -> usize) -> (usize, usize, usize, usize) {
    let mut seen = vec![0u32; count];
    let (mut torn, mut disorder, mut last) = (0, 0, None);
    for line in got.split_inclusive(|b| *b == b'\n') {
        let num = std::str::from_utf8(&line[..line.len().min(6)])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|i| *i < count && line == numbered(*i, len(*i)));
        let Some(i) = num else {
            torn += 1;
            continue;
        };
        seen[i] += 1;
        if last.is_some_and(|l| i <= l) {
            disorder += 1;
        }
        last = Some(i);
    }
    let lost = seen.iter().filter(|c| **c == 0).count();
    let dup = seen.iter().filter(|c| **c > 1).count();
    (lost, dup, torn, disorder)
}

/// The embedded svlogd on `config` (a small `s`) reads numbered lines from a pipe this test
/// holds open, so the pipe and its unread bytes outlive each logger. The logger is SIGKILLed
/// `kills` times at varying moments (after 0, 1, 2, … more rotated files) and a new one is
/// started on the same pipe. At the end the rotated files, oldest first, then `current`,
/// hold the stream exactly: every line once, whole, in order (a line may continue from one
/// file into the next, as runit cuts files at exactly `s` bytes).
fn killed_during_rotations(
    args: &[&str],
    config: &str,
    count: usize,
    len: fn(usize) -> usize,
    kills: usize,
) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("config"), config).unwrap();
    let lines: Vec<Vec<u8>> = (0..count).map(|i| numbered(i, len(i))).collect();
    let expect = lines.concat();
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    // One write(2) per line (each under PIPE_BUF), so the pipe only ever holds whole lines.
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::File::from(w);
        for l in &lines {
            w.write_all(l).unwrap();
        }
    });
    let start = || logger_on(&r, args, &dir);
    let files = || rotated(&dir).len();
    let steps = [1, 3, 0, 2, 7, 1, 13, 0, 4, 1, 21, 2, 0, 5, 1, 9];
    let mut done = 0;
    let mut logger = start();
    while done < kills {
        let step = steps[done % steps.len()];
        let before = files();
        if wait_for(LIMIT, || (files() >= before + step).then_some(())).is_none() {
            break; // everything is logged
        }
        let pid = logger.pid();
        // Our own child, not reaped yet: the pid cannot have been reused.
        assert!(pid > 1 && logger.child.try_wait().unwrap().is_none());
        kill(Pid::from_raw(pid), Signal::SIGKILL).unwrap();
        logger.child.wait().unwrap();
        logger.reaped();
        done += 1;
        logger = start();
    }
    // The last logger logs the rest and exits at EOF.
    wait_for(Duration::from_secs(120), || {
        writer.is_finished().then_some(())
    })
    .expect("the logger drains the pipe");
    writer.join().unwrap();
    drop(r);
    let code = logger.wait_exit(Duration::from_secs(60));
    assert_eq!(code, Some(0), "the last logger exits 0 at EOF");
    let got = content(&dir);
    let names = rotated(&dir);
    let (lost, dup, torn, disorder) = tally(&got, count, len);
    assert!(
        got == expect,
        "{args:?} {config:?}, {done} kills, {} files: lost {lost}, duplicated {dup}, torn \
         {torn}, out of order {disorder}; {} bytes logged of {}",
        names.len(),
        got.len(),
        expect.len()
    );
    assert!(
        done >= kills,
        "only {done} of {kills} kills before the input ran out"
    );
    let limit: u64 = config
        .lines()
        .find_map(|l| l.strip_prefix('s')?.parse().ok())
        .unwrap();
    for n in &names {
        assert!(rotated_name(n), "{n}");
        let len = std::fs::metadata(dir.join(n)).unwrap().len();
        assert!(len <= limit, "{n}: {len} bytes");
    }
    let cur = std::fs::metadata(dir.join("current")).unwrap();
    assert_eq!(cur.permissions().mode() & 0o777, 0o744, "closed cleanly");
    assert_eq!(
        std::fs::metadata(dir.join("lock")).unwrap().len(),
        0,
        "lock empty"
    );
}

/// `s100` with lines of 20–95 bytes and `-l 40`: rotations both at line ends (within `len`
/// of the limit) and inside a line that does not fit, while the logger is killed repeatedly.
#[test]
fn small_s_logger_killed_repeatedly_logs_each_line_once() {
    killed_during_rotations(&["-l", "40"], "s100\nn0\n", 4000, |i| 20 + i * 37 % 76, 16);
}

/// `s100` with lines of 101–350 bytes: every line spans two to four files.
#[test]
fn lines_longer_than_s_logger_killed_repeatedly_logs_each_line_once() {
    killed_during_rotations(&[], "s100\nn0\n", 1200, |i| 101 + i * 53 % 250, 16);
}

/// The embedded `svlogd ARGS DIR` reading the pipe whose read end `r` the test keeps, so the
/// pipe and its unread bytes outlive the logger (stdout and stderr discarded).
fn logger_on(r: &std::os::fd::OwnedFd, args: &[&str], dir: &Path) -> Running {
    svlogd(
        args,
        dir,
        Stdio::from(r.try_clone().unwrap()),
        Stdio::null(),
    )
}

/// The embedded svlogd on `dir` (its own process group, killed with it on drop).
fn svlogd(args: &[&str], dir: &Path, stdin: Stdio, stderr: Stdio) -> Running {
    let mut c = command(Imp::Embedded, "svlogd");
    c.args(args)
        .arg(dir)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(stderr);
    let child = c.spawn().unwrap();
    let guard = GroupGuard(child.id() as i32);
    Running { child, guard }
}

/// A record of an older runitctl has three fields and no timestamp: a `-t` logger replaying
/// it stamps the replayed lines now (reusing the record's empty stamp left them bare). The
/// killed logger's torn output after the recorded size is cut off, which shows the record was
/// honoured.
#[test]
fn an_older_stampless_record_is_replayed_with_a_timestamp() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("current"), "old\ntorn").unwrap();
    let batch = b"one\ntwo\n";
    let fp = runitctl::svlogd::journal::fingerprint(batch);
    let record = format!("svlogd-pending 4 {} {fp:016x}\n", batch.len());
    std::fs::write(dir.join("lock"), record).unwrap();
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let mut w = std::fs::File::from(w);
    w.write_all(&[&batch[..], b"three\n"].concat()).unwrap();
    drop(w); // the logger replays, logs the rest and exits at EOF
    let mut l = logger_on(&r, &["-t"], &dir);
    assert_eq!(l.wait_exit(LIMIT), Some(0));
    let text = String::from_utf8(content(&dir)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text:?}");
    assert_eq!(lines[0], "old", "cut back to the recorded size");
    for (line, want) in lines[1..].iter().zip(["one", "two", "three"]) {
        let b = line.as_bytes();
        let stamped = b.len() > 26
            && b[0] == b'@'
            && b[1..25].iter().all(u8::is_ascii_hexdigit)
            && b[25] == b' ';
        assert!(
            stamped && line[26..] == *want,
            "{line:?}: not a stamped {want:?}"
        );
    }
    let lock = std::fs::metadata(dir.join("lock")).unwrap();
    assert_eq!(lock.len(), 0, "record cleared");
}

/// A line longer than `s` whose first part the logger consumed in an earlier read (a line
/// written in two writes): the batch that completes it is journalled for that line alone. The
/// logger is killed right after a rotation inside the line (its `!` processor kills it once;
/// the next rotation waits for the processor), so the record's skip counts output bytes of
/// the line's consumed part. The successor's replay drops at most that line's rest: the
/// lines after it in the batch survive, whole and once (a skip over the whole batch dropped
/// them). The line itself may be torn, the documented window.
#[test]
fn killed_inside_a_line_begun_in_consumed_input_keeps_the_later_lines() {
    use std::os::fd::AsFd;
    use std::os::unix::process::ExitStatusExt;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    // The first processor run (the first rotation) kills its svlogd and fails; later ones copy.
    let processor = "if mkdir ../killed 2>/dev/null; then \
                     [ \"$PPID\" -gt 1 ] && kill -KILL \"$PPID\"; exit 1; fi; exec cat";
    std::fs::write(dir.join("config"), format!("s40\nn0\n!{processor}\n")).unwrap();
    let head = vec![b'x'; 100]; // no newline: consumed, then held until the line completes
    let tail = b"yy\n";
    let later = b"line 1\nline 2\nline 3\n";
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let mut w = std::fs::File::from(w);
    let mut first = logger_on(&r, &[], &dir);
    w.write_all(&head).unwrap();
    wait_for(LIMIT, || {
        (crate::support::unread(r.as_fd()) == Some(0)).then_some(())
    })
    .expect("the line's first part consumed");
    // One write: the rest of the line and the later lines arrive in one batch.
    w.write_all(&[&tail[..], later].concat()).unwrap();
    let status = wait_for(LIMIT, || first.child.try_wait().unwrap()).expect("the logger ends");
    first.reaped();
    assert_eq!(status.signal(), Some(9), "killed by its processor");
    let lock = std::fs::File::open(dir.join("lock")).unwrap();
    let record = runitctl::svlogd::journal::read(&lock).expect("a batch in flight");
    assert_eq!(
        (record.skip, record.rotating),
        (40, None),
        "killed after a rotation"
    );
    drop(w); // the successor replays, logs the rest and exits at EOF
    let mut next = logger_on(&r, &[], &dir);
    assert_eq!(next.wait_exit(LIMIT), Some(0));
    let got = content(&dir);
    let line = [&head[..], tail].concat();
    let torn = got.len().saturating_sub(later.len());
    assert!(
        got.ends_with(later) && line.starts_with(&got[..torn]),
        "the lines after the rotated one must survive: got {:?}",
        String::from_utf8_lossy(&got)
    );
}
