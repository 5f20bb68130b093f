//! `runitctl sv` against Debian's `sv`: the same scenario is built twice (fresh service dirs,
//! fresh supervisors), once for each client, and the normalised stdout, stderr and exit code
//! must be identical — against Debian's runsv and against the embedded one.

use crate::support::runit::{
    debian_runit, normalise, Scene, Sup, Svc, Tool, CALM, PLAIN, STUBBORN,
};

type Env<'a> = &'a [(&'a str, Option<&'a str>)];

/// What one client printed, normalised.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// Builds the scene, runs `prep`, then the command, for each client; asserts equality and
/// returns what was seen.
fn same(
    sup: Sup,
    svcs: &[Svc],
    prep: &dyn Fn(&Scene),
    lsb: Option<&str>,
    args: &[&str],
    env: Env,
) -> Seen {
    let mut seen = Vec::new();
    for tool in [Tool::Debian, Tool::Ours] {
        let scene = Scene::new(sup, svcs);
        prep(&scene);
        let out = scene.run(tool, lsb, args, env);
        seen.push(Seen {
            stdout: normalise(&out.stdout),
            stderr: normalise(&out.stderr),
            code: out.status.code(),
        });
    }
    let ours = seen.pop().unwrap();
    let debian = seen.pop().unwrap();
    assert_eq!(
        debian, ours,
        "sv {args:?} (lsb {lsb:?}) against {sup:?} runsv"
    );
    ours
}

fn nothing(_: &Scene) {}

fn aged(s: &Scene) {
    s.age();
}

/// One command with no preparation.
fn cmd(sup: Sup, svcs: &[Svc], args: &[&str]) -> Seen {
    same(sup, svcs, &nothing, None, args, &[])
}

fn usage_errors(sup: Sup) {
    let svcs = [Svc::new("a", PLAIN)];
    for args in [
        &[][..],
        &["status"],
        &["frobnicate", "a"],
        &["refresh", "a"],
        &["-z", "status", "a"],
        &["-w"],
        &["", "a"],
    ] {
        assert_eq!(cmd(sup, &svcs, args).code, Some(100), "{args:?}");
    }
    // -V: both print a version line then usage, exit 100 (the version text differs).
    for tool in [Tool::Debian, Tool::Ours] {
        let scene = Scene::new(sup, &[]);
        let out = scene.run(tool, None, &["-V"], &[]);
        assert_eq!(out.status.code(), Some(100));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("$Id: "));
    }
}

fn status_lines(sup: Sup) {
    let svcs = [
        Svc::new("run", PLAIN),
        Svc::new("down", PLAIN).down(),
        Svc::new("logged", PLAIN).log(),
        Svc::new("logdown", PLAIN).log_down(),
        Svc::new("bare", PLAIN).unsupervised(),
    ];
    let s = cmd(sup, &svcs, &["status", "run", "down", "logged", "logdown"]);
    assert_eq!(
        s.stdout,
        "run: run: (pid N) Ns\ndown: down: Ns\nrun: logged: (pid N) Ns; run: log: (pid N) Ns\n\
         run: logdown: (pid N) Ns; down: log: Ns\n"
    );
    assert_eq!(s.code, Some(0));
    // Errors are counted: no supervise dir, no such service, bad names.
    let s = cmd(
        sup,
        &svcs,
        &["stat", "bare", "nosuch", "", "./nosuch", "run"],
    );
    assert_eq!(s.code, Some(4));
    // Paths: cwd-relative, absolute, trailing slash (relative to the cwd).
    cmd(sup, &svcs, &["s", "./svdir/run", "svdir/run/"]);
    let s = same(
        sup,
        &svcs,
        &nothing,
        None,
        &["status", "run"],
        &[("SVDIR", None)],
    );
    assert!(s
        .stdout
        .starts_with("fail: run: unable to change to service directory"));
}

fn status_states(sup: Sup) {
    let svcs = [
        Svc::new("a", CALM),
        Svc::new("stubborn", STUBBORN),
        Svc::new("fin", PLAIN).finish("#!/bin/sh\nexec sleep 1000\n"),
        Svc::new("nd", PLAIN).down(),
        Svc::new("gone", PLAIN),
    ];
    let prep = |s: &Scene| {
        s.ctl("a", b"p");
        s.wait("a", |st| st.paused);
        s.ctl("stubborn", b"d");
        s.wait("stubborn", |st| st.term);
        s.ctl("fin", b"d");
        s.wait("fin", |st| {
            st.state == runitctl::runit::status::State::Finish
        });
        s.ctl("nd", b"u");
        s.wait("nd", |st| st.pid != 0);
        s.stop_runsv("gone");
    };
    let seen = same(
        sup,
        &svcs,
        &prep,
        None,
        &["status", "a", "stubborn", "fin", "nd", "gone"],
        &[],
    );
    assert_eq!(
        seen.stdout,
        "run: a: (pid N) Ns, paused\n\
         run: stubborn: (pid N) Ns, want down, got TERM\n\
         finish: fin: (pid N) Ns, want down\n\
         run: nd: (pid N) Ns, normally down\n\
         fail: gone: runsv not running\n"
    );
    assert_eq!(seen.code, Some(1));
}

/// runit quirks: a 21-byte status passes, a short one is "bad format"; a `log/` created after
/// runsv started has no supervise dir and the stale main record is printed for it.
fn status_quirks(sup: Sup) {
    let svcs = [Svc::new("a", PLAIN), Svc::new("b", PLAIN)];
    let prep = |s: &Scene| {
        std::fs::create_dir(s.path("a/log")).unwrap();
    };
    let seen = same(sup, &svcs, &prep, None, &["status", "a"], &[]);
    assert!(seen
        .stdout
        .contains("; warning: a/log: unable to open supervise/ok"));
    // A fake supervise dir whose ok FIFO the test holds open.
    for (len, code) in [(5usize, 1), (21, 0)] {
        let mut outs = Vec::new();
        for tool in [Tool::Debian, Tool::Ours] {
            let scene = Scene::new(sup, &[Svc::new("f", PLAIN).unsupervised()]);
            let sup_dir = scene.path("f/supervise");
            std::fs::create_dir(&sup_dir).unwrap();
            nix::unistd::mkfifo(
                &sup_dir.join("ok"),
                nix::sys::stat::Mode::from_bits_truncate(0o600),
            )
            .unwrap();
            let _reader = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(sup_dir.join("ok"))
                .unwrap();
            let mut rec = vec![0u8; len];
            if len >= 20 {
                rec[17] = b'u';
            }
            std::fs::write(sup_dir.join("status"), rec).unwrap();
            let out = scene.run(tool, None, &["status", "f"], &[]);
            outs.push((normalise(&out.stdout), out.status.code()));
        }
        assert_eq!(outs[0], outs[1], "status of {len} bytes");
        assert_eq!(outs[1].1, Some(code));
    }
}

fn control_verbs(sup: Sup) {
    let svcs = [
        Svc::new("plain", PLAIN),
        Svc::new("calm", CALM),
        Svc::new("nd", PLAIN).down(),
    ];
    // Without -v: nothing printed, exit 0.
    for verb in [
        "up",
        "down",
        "once",
        "pause",
        "cont",
        "hup",
        "alarm",
        "interrupt",
        "quit",
        "1",
        "2",
        "term",
        "kill",
        "exit",
    ] {
        let s = cmd(sup, &svcs, &[verb, "calm"]);
        assert_eq!((s.stdout.as_str(), s.code), ("", Some(0)), "{verb}");
    }
    let expect = [
        (
            &["-v", "down", "plain"][..],
            "ok: down: plain: Ns, normally up\n",
        ),
        (
            &["-v", "up", "nd"],
            "ok: run: nd: (pid N) Ns, normally down\n",
        ),
        (
            &["-v", "once", "nd"],
            "ok: run: nd: (pid N) Ns, normally down, want down\n",
        ),
        (
            &["-v", "pause", "calm"],
            "ok: run: calm: (pid N) Ns, paused\n",
        ),
        (&["-v", "cont", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "hup", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "alarm", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "interrupt", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "quit", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "1", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "2", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["-v", "term", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (&["-v", "kill", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (&["-v", "exit", "plain"], "ok: plain: runsv not running\n"),
        (&["-v", "up", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (&["restart", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (&["start", "nd"], "ok: run: nd: (pid N) Ns, normally down\n"),
        (&["stop", "plain"], "ok: down: plain: Ns, normally up\n"),
        (&["reload", "calm"], "ok: run: calm: (pid N) Ns\n"),
        (&["shutdown", "plain"], "ok: plain: runsv not running\n"),
        (&["try-restart", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (
            &["force-stop", "plain"],
            "ok: down: plain: Ns, normally up\n",
        ),
        (&["force-reload", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (&["force-restart", "plain"], "ok: run: plain: (pid N) Ns\n"),
        (
            &["force-shutdown", "plain"],
            "ok: plain: runsv not running\n",
        ),
        (
            &["-w", "3", "d", "plain"],
            "ok: down: plain: Ns, normally up\n",
        ),
        (&["X", "plain"], "ok: plain: runsv not running\n"),
        (&["D", "plain"], "ok: down: plain: Ns, normally up\n"),
        (&["T", "plain"], "ok: run: plain: (pid N) Ns\n"),
    ];
    for (args, out) in expect {
        // Verbs whose check compares stamps with sv's start, or that restart: age first.
        let stamps = args.iter().any(|a| {
            [
                "once",
                "term",
                "kill",
                "restart",
                "try-restart",
                "force-reload",
                "force-restart",
                "T",
            ]
            .contains(a)
        });
        let prep: &dyn Fn(&Scene) = if stamps { &aged } else { &nothing };
        let s = same(sup, &svcs, prep, None, args, &[]);
        assert_eq!((s.stdout.as_str(), s.code), (out, Some(0)), "{args:?}");
    }
    // Send suppression: `up` on a want-up service writes nothing, `down` twice is fine.
    let downed = |s: &Scene| {
        s.ctl("calm", b"d");
        s.wait("calm", |st| st.pid == 0);
    };
    let s = same(sup, &svcs, &downed, None, &["-v", "down", "calm"], &[]);
    assert_eq!(s.code, Some(0));
}

fn checks(sup: Sup) {
    let svcs = [
        Svc::new("good", PLAIN).check("#!/bin/sh\nexit 0\n", 0o755),
        Svc::new("bad", PLAIN).check("#!/bin/sh\nexit 1\n", 0o755),
        Svc::new("noexec", PLAIN).check("#!/bin/sh\nexit 1\n", 0o644),
        Svc::new("echo", PLAIN).check(
            "#!/bin/sh\necho to-closed-stdout || exit 0\nexit 1\n",
            0o755,
        ),
        Svc::new("none", PLAIN),
    ];
    let s = cmd(sup, &svcs, &["check", "good", "noexec", "echo", "none"]);
    assert_eq!(s.code, Some(0));
    assert!(s.stderr.contains("noexec/check: access denied"));
    let s = cmd(sup, &svcs, &["-w", "1", "check", "bad"]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        ("timeout: run: bad: (pid N) Ns\n", Some(1))
    );
    let s = same(
        sup,
        &svcs,
        &aged,
        None,
        &["-w", "1", "restart", "bad", "good"],
        &[],
    );
    assert_eq!(s.code, Some(1));
    let downed = |s: &Scene| {
        s.ctl("good", b"d");
        s.wait("good", |st| st.pid == 0);
    };
    let s = same(
        sup,
        &svcs,
        &downed,
        None,
        &["-w", "3", "start", "good"],
        &[],
    );
    assert_eq!(s.code, Some(0));
}

fn timeouts_and_kill(sup: Sup) {
    let svcs = [Svc::new("s1", STUBBORN), Svc::new("s2", STUBBORN)];
    let s = cmd(sup, &svcs, &["-w", "1", "down", "s1", "s2"]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        (
            "timeout: run: s1: (pid N) Ns, want down, got TERM\n\
             timeout: run: s2: (pid N) Ns, want down, got TERM\n",
            Some(2)
        )
    );
    let s = same(
        sup,
        &svcs,
        &nothing,
        None,
        &["stop", "s1"],
        &[("SVWAIT", Some("1"))],
    );
    assert_eq!(s.code, Some(1));
    let termed = |s: &Scene| {
        s.ctl("s1", b"d");
        s.wait("s1", |st| st.term);
    };
    let s = same(
        sup,
        &svcs,
        &termed,
        None,
        &["-v", "down", "s1"],
        &[("SVWAIT", Some("junk"))],
    );
    assert!(s.stdout.starts_with("timeout: "));
    let s = cmd(sup, &svcs, &["-w", "1", "force-stop", "s1"]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        ("kill: run: s1: (pid N) Ns, want down, got TERM\n", Some(1))
    );
    let s = cmd(sup, &svcs, &["-w", "1", "force-shutdown", "s2"]);
    assert!(s.stdout.starts_with("kill: run: s2:"), "{s:?}");
}

/// Timeouts fall on runit's 420 ms polls: `-w 0` (or `SVWAIT` 0 or not a number) still gets
/// the first poll, and a stop finishing before the poll after the wait is `ok`.
fn deadlines(sup: Sup) {
    let svcs = [
        Svc::new("plain", PLAIN),
        Svc::new("slow", PLAIN).finish("#!/bin/sh\nexec sleep 0.2\n"),
    ];
    let down = "ok: down: plain: Ns, normally up\n";
    for (args, env) in [
        (&["-w", "0", "down", "plain"][..], &[][..]),
        (&["stop", "plain"], &[("SVWAIT", Some("0"))]),
        (&["stop", "plain"], &[("SVWAIT", Some("junk"))]),
    ] {
        let s = same(sup, &svcs, &nothing, None, args, env);
        assert_eq!(
            (s.stdout.as_str(), s.code),
            (down, Some(0)),
            "{args:?} {env:?}"
        );
    }
    let s = same(
        sup,
        &svcs,
        &aged,
        None,
        &["-w", "0", "restart", "plain"],
        &[],
    );
    assert_eq!(s.code, Some(0), "{s:?}");
    // Down after its 0.2 s finish: before the 420 ms poll.
    let s = cmd(sup, &svcs, &["-w", "0", "down", "slow"]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        ("ok: down: slow: Ns, normally up\n", Some(0))
    );
}

/// Results come out in runit's order: by the 420 ms poll that would see them, then by position
/// on the command line — not in the order the services got there.
fn output_order(sup: Sup) {
    let svcs = [
        Svc::new("plain", PLAIN),
        Svc::new("slow", PLAIN).finish("#!/bin/sh\nexec sleep 0.2\n"),
        Svc::new("stubborn", STUBBORN),
    ];
    let s = cmd(sup, &svcs, &["-w", "3", "down", "slow", "plain"]);
    assert_eq!(
        s.stdout,
        "ok: down: slow: Ns, normally up\nok: down: plain: Ns, normally up\n"
    );
    let s = cmd(sup, &svcs, &["-w", "1", "down", "stubborn", "plain"]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        (
            "ok: down: plain: Ns, normally up\n\
             timeout: run: stubborn: (pid N) Ns, want down, got TERM\n",
            Some(1)
        )
    );
}

/// runit's texts for a `log` that is not a directory (counted) and a `down` that cannot be
/// stat'ed (on stderr, not counted, naming SERVICE/down even for the log part).
fn odd_files(sup: Sup) {
    let svcs = [
        Svc::new("lf", PLAIN),
        Svc::new("dl", PLAIN),
        Svc::new("ll", PLAIN).log(),
    ];
    let prep = |s: &Scene| {
        std::fs::write(s.path("lf/log"), "x").unwrap();
        std::os::unix::fs::symlink("down", s.path("dl/down")).unwrap();
        std::os::unix::fs::symlink("down", s.path("ll/log/down")).unwrap();
    };
    let s = same(sup, &svcs, &prep, None, &["status", "lf"], &[]);
    assert_eq!(
        (s.stdout.as_str(), s.code),
        (
            "run: lf: (pid N) Ns; warning: lf/log: unable to change directory: not a directory\n",
            Some(1)
        )
    );
    let s = same(sup, &svcs, &prep, None, &["status", "dl"], &[]);
    assert_eq!(
        (s.stdout.as_str(), s.stderr.as_str(), s.code),
        (
            "\n",
            "warning: unable to stat dl/down: symbolic link loop\n",
            Some(0)
        )
    );
    let s = same(sup, &svcs, &prep, None, &["status", "ll"], &[]);
    assert_eq!(
        (s.stdout.as_str(), s.stderr.as_str(), s.code),
        (
            "run: ll: (pid N) Ns; \n",
            "warning: unable to stat ll/down: symbolic link loop\n",
            Some(0)
        )
    );
    let s = same(sup, &svcs, &prep, None, &["-w", "1", "up", "dl"], &[]);
    assert_eq!((s.stdout.as_str(), s.code), ("ok: \n", Some(0)));
    same(sup, &svcs, &prep, Some("dl"), &["status"], &[]);
}

fn dead_runsv(sup: Sup) {
    let svcs = [Svc::new("a", PLAIN), Svc::new("b", PLAIN)];
    let prep = |s: &Scene| {
        s.stop_runsv("a");
        s.stop_runsv("b");
    };
    for (args, out, code) in [
        (
            &["up", "a", "b"][..],
            "fail: a: runsv not running\nfail: b: runsv not running\n",
            2,
        ),
        (&["-v", "exit", "a"], "ok: a: runsv not running\n", 0),
        (&["exit", "a"], "ok: a: runsv not running\n", 0),
        (&["restart", "a"], "fail: a: runsv not running\n", 1),
        (&["check", "a"], "fail: a: runsv not running\n", 1),
    ] {
        let s = same(sup, &svcs, &prep, None, args, &[]);
        assert_eq!((s.stdout.as_str(), s.code), (out, Some(code)), "{args:?}");
    }
}

/// The wait-pass trailing-slash quirk: `svdir/a/` is cwd-relative when sending but resolved
/// under SVDIR while waiting.
fn trailing_slash(sup: Sup) {
    let svcs = [Svc::new("a", PLAIN).down()];
    let s = cmd(sup, &svcs, &["-w", "1", "up", "svdir/a/"]);
    assert!(
        s.stdout.starts_with("fail: svdir/a/: unable to change"),
        "{s:?}"
    );
}

fn lsb(sup: Sup) {
    let svcs = [
        Svc::new("web", PLAIN),
        Svc::new("idle", PLAIN).down(),
        Svc::new("half", PLAIN).log(),
        Svc::new("bare", PLAIN).unsupervised(),
    ];
    let check = |name: &str, prep: &dyn Fn(&Scene), args: &[&str], code: i32| {
        let s = same(sup, &svcs, prep, Some(name), args, &[]);
        assert_eq!(s.code, Some(code), "{name} {args:?}: {s:?}");
        s
    };
    check("web", &nothing, &["status"], 0);
    check("idle", &nothing, &["status"], 3);
    check("bare", &nothing, &["status"], 4);
    check("nosuch", &nothing, &["status"], 1);
    check("web", &nothing, &["stat"], 2);
    check("web", &nothing, &[], 2);
    check("web", &nothing, &["frob"], 2);
    check("web", &nothing, &["-w", "3", "stop"], 0);
    check("idle", &nothing, &["start"], 0);
    check("web", &nothing, &["up"], 0);
    // The 2.1.2 log-rc bug: main down, log running → exit 0.
    let s = check(
        "half",
        &|s: &Scene| {
            s.ctl("half", b"d");
            s.wait("half", |st| st.pid == 0);
        },
        &["status"],
        0,
    );
    assert!(s
        .stdout
        .starts_with("down: half: Ns, normally up; run: log:"));
    check("web", &|s: &Scene| s.stop_runsv("web"), &["status"], 1);
}

/// Every scenario, against one supervisor.
macro_rules! scenarios {
    ($module:ident, $sup:expr, [$($f:ident),*]) => {
        mod $module {
            use super::*;
            $(
                #[test]
                fn $f() {
                    if debian_runit() {
                        super::$f($sup);
                    }
                }
            )*
        }
    };
}

scenarios!(
    debian_runsv,
    Sup::Debian,
    [
        usage_errors,
        status_lines,
        status_states,
        status_quirks,
        control_verbs,
        checks,
        timeouts_and_kill,
        deadlines,
        output_order,
        odd_files,
        dead_runsv,
        trailing_slash,
        lsb
    ]
);
scenarios!(
    embedded_runsv,
    Sup::Embedded,
    [
        usage_errors,
        status_lines,
        status_states,
        status_quirks,
        control_verbs,
        checks,
        timeouts_and_kill,
        deadlines,
        output_order,
        odd_files,
        dead_runsv,
        trailing_slash,
        lsb
    ]
);

/// Finer than runit: `restart` right after a start (same second) reports ok only once the
/// new process runs — runit's whole-second comparison can pass with the old pid.
#[test]
fn restart_reports_the_new_process() {
    if !debian_runit() {
        return;
    }
    let scene = Scene::new(Sup::Debian, &[Svc::new("a", PLAIN)]);
    let first = scene.status("a").unwrap();
    let out = scene.run(Tool::Ours, None, &["-w", "7", "restart", "a"], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let now = scene.status("a").unwrap();
    assert_ne!(
        now.pid, first.pid,
        "restart reported before the new process ran"
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.contains(&format!("(pid {})", now.pid)), "{line}");
}

/// A `supervise/status` that is a FIFO (runit opens it non-blocking): sv must not hang.
#[test]
fn a_fifo_status_does_not_hang_sv() {
    if !debian_runit() {
        return;
    }
    let scene = Scene::new(Sup::Debian, &[Svc::new("f", PLAIN).unsupervised()]);
    let sup_dir = scene.path("f/supervise");
    std::fs::create_dir(&sup_dir).unwrap();
    let fifo = |name: &str| {
        nix::unistd::mkfifo(
            &sup_dir.join(name),
            nix::sys::stat::Mode::from_bits_truncate(0o600),
        )
        .unwrap();
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(sup_dir.join(name))
            .unwrap()
    };
    let _ok = fifo("ok");
    let _status = fifo("status");
    let mut outs = Vec::new();
    for tool in [Tool::Debian, Tool::Ours] {
        let mut cmd = std::process::Command::new(tool.target("sv"));
        if tool == Tool::Ours {
            cmd.arg("sv");
        }
        cmd.args(["status", "./svdir/f"])
            .current_dir(scene.root.path());
        let out = crate::support::proc::output_bounded(cmd, std::time::Duration::from_secs(5))
            .unwrap_or_else(|| panic!("{tool:?} sv hung"));
        outs.push((normalise(&out.stdout), out.status.code()));
    }
    assert_eq!(outs[0], outs[1]);
}

/// Fatal errors print `fatal: …` like runit (no `sv: ` prefix), exit 100.
#[test]
fn fatal_errors_have_runits_text() {
    use std::os::unix::fs::PermissionsExt;
    if !debian_runit() || !nix::unistd::geteuid().is_root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let nr = tmp.path().join("nr");
    std::fs::create_dir(&nr).unwrap();
    std::fs::set_permissions(&nr, std::fs::Permissions::from_mode(0o311)).unwrap();
    let ours = crate::support::bin_for_anyone();
    let mut seen = Vec::new();
    for sv in ["/usr/bin/sv".to_string(), format!("{} sv", ours.display())] {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
        ])
        .arg(format!("cd {} && exec {sv} status /x", nr.display()));
        let out = crate::support::proc::output_bounded(cmd, std::time::Duration::from_secs(5))
            .expect("sv exits");
        seen.push((
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        ));
    }
    assert_eq!(
        seen[0],
        (
            "fatal: unable to open current directory: access denied\n".to_string(),
            Some(100)
        )
    );
    assert_eq!(seen[0], seen[1]);
}
