//! The embedded chpst against Debian's: the same command through a `chpst` (or daemontools
//! name) symlink to each binary must print the same and exit the same, for the behaviour the
//! two share. The deliberate difference (all supplementary groups for `-u user`) is pinned too.

use crate::support::runit::{debian_runit, Tool};
use crate::support::{wait_for, GroupGuard};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const NAMES: [&str; 7] = [
    "chpst",
    "envdir",
    "envuidgid",
    "pgrphack",
    "setlock",
    "setuidgid",
    "softlimit",
];

/// A temp dir with `debian/NAME` and `ours/NAME` symlinks for every chpst name.
struct Bins {
    dir: tempfile::TempDir,
}

impl Bins {
    fn new() -> Bins {
        let dir = tempfile::tempdir().unwrap();
        for (sub, tool) in [("debian", Tool::Debian), ("ours", Tool::Ours)] {
            fs::create_dir(dir.path().join(sub)).unwrap();
            for n in NAMES {
                std::os::unix::fs::symlink(tool.target("chpst"), dir.path().join(sub).join(n))
                    .unwrap();
            }
        }
        Bins { dir }
    }

    fn path(&self, tool: Tool, name: &str) -> PathBuf {
        let sub = if tool == Tool::Debian {
            "debian"
        } else {
            "ours"
        };
        self.dir.path().join(sub).join(name)
    }

    fn run(&self, tool: Tool, name: &str, args: &[&str]) -> Output {
        Command::new(self.path(tool, name))
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs with both binaries and asserts identical stdout, stderr and exit code.
    fn same(&self, name: &str, args: &[&str]) -> Output {
        let d = self.run(Tool::Debian, name, args);
        let o = self.run(Tool::Ours, name, args);
        let show = |x: &Output| {
            (
                String::from_utf8_lossy(&x.stdout).into_owned(),
                String::from_utf8_lossy(&x.stderr).into_owned(),
                x.status.code(),
            )
        };
        assert_eq!(show(&d), show(&o), "{name} {args:?}");
        o
    }
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[test]
fn usage_and_failures() {
    if !debian_runit() {
        return;
    }
    let b = Bins::new();
    for args in [&[][..], &["-z", "true"], &["-m", "12k", "true"], &["-o"]] {
        assert_eq!(b.same("chpst", args).status.code(), Some(100), "{args:?}");
    }
    for n in &NAMES[1..] {
        assert_eq!(b.same(n, &[]).status.code(), Some(100), "{n}");
    }
    assert_eq!(
        b.same("setlock", &["-z", "f", "true"]).status.code(),
        Some(100)
    );
    assert_eq!(
        b.same("softlimit", &["-o", "x", "true"]).status.code(),
        Some(100)
    );
    for args in [
        &["-l", "lk", "-L", "lk", "true"][..],
        &["-L", "lk", "-L", "lk", "true"],
    ] {
        assert_eq!(b.same("chpst", args).status.code(), Some(100), "{args:?}");
    }
    for args in [
        &["no-such-program-here"][..],
        &["-u", "no-such-user-here", "true"],
        &["-u", ":65534", "true"],
        &["-e", "/no/such/dir", "true"],
        &["-/", "/no/such/dir", "true"],
    ] {
        assert_eq!(b.same("chpst", args).status.code(), Some(111), "{args:?}");
    }
    for tool in [Tool::Debian, Tool::Ours] {
        let o = b.run(tool, "chpst", &["-V"]);
        assert_eq!(o.status.code(), Some(100));
    }
}

#[test]
fn envdir_semantics() {
    if !debian_runit() {
        return;
    }
    let b = Bins::new();
    let env = b.dir.path().join("env");
    fs::create_dir(&env).unwrap();
    fs::write(env.join("A"), "v1  \t\nsecond line").unwrap();
    fs::write(env.join("B"), "").unwrap();
    fs::write(env.join("C"), "a\0b").unwrap();
    fs::write(env.join("D"), "\n").unwrap();
    fs::write(env.join(".hidden"), "x").unwrap();
    let e = env.to_str().unwrap();
    let show = r#"echo "A=[$A] B=[${B-unset}] C=[$C] D=[${D-unset}] H=[${hidden-unset}]""#;
    std::env::set_var("B", "set-before");
    let o = b.same("chpst", &["-e", e, "sh", "-c", show]);
    assert_eq!(text(&o), "A=[v1] B=[unset] C=[a\nb] D=[] H=[unset]\n");
    b.same("envdir", &[e, "sh", "-c", show]);
    // The program's environment keeps runit's order: untouched variables where they were,
    // changed ones appended (not sorted).
    std::env::set_var("ZZ", "first");
    std::env::set_var("AA", "last");
    b.same("chpst", &["-e", e, "/usr/bin/env"]);
    // A subdirectory: skipped by chpst (a warning with -v), fatal for envdir.
    fs::create_dir(env.join("sub")).unwrap();
    assert_eq!(b.same("chpst", &["-e", e, "true"]).status.code(), Some(0));
    b.same("chpst", &["-v", "-e", e, "true"]);
    assert_eq!(b.same("envdir", &[e, "true"]).status.code(), Some(111));
    // A dangling symlink (or a file gone meanwhile) removes the variable. Alone in its dir:
    // after other entries runit re-uses the previous file's value (a runit bug, not copied).
    let lone = b.dir.path().join("lone");
    fs::create_dir(&lone).unwrap();
    std::os::unix::fs::symlink("/no/such/file/here", lone.join("DANG")).unwrap();
    std::env::set_var("DANG", "set-before");
    let dang = r#"echo "DANG=[${DANG-unset}]""#;
    let l = lone.to_str().unwrap();
    let o = b.same("chpst", &["-e", l, "sh", "-c", dang]);
    assert_eq!(text(&o), "DANG=[unset]\n");
    b.same("envdir", &[l, "sh", "-c", dang]);
    std::os::unix::fs::symlink("/no/such/file/here", env.join("DANG")).unwrap();
    let o = b.run(Tool::Ours, "chpst", &["-e", e, "sh", "-c", dang]);
    assert_eq!(text(&o), "DANG=[unset]\n");
    fs::remove_file(env.join("DANG")).unwrap();
    // PATH from the env dir is exported, but the program is found with chpst's own PATH.
    fs::write(env.join("PATH"), "/no/where\n").unwrap();
    fs::remove_dir(env.join("sub")).unwrap();
    let o = b.same("chpst", &["-e", e, "sh", "-c", "echo $PATH"]);
    assert_eq!(text(&o), "/no/where\n");
}

/// Which of fds 0–2 the shell has.
const FDS: &str = "for f in 0 1 2; do [ -e /proc/$$/fd/$f ] && echo $f; done; true";

#[test]
fn limits_nice_argv0_stdio_session() {
    if !debian_runit() {
        return;
    }
    let b = Bins::new();
    for args in [
        &["-o", "50", "sh", "-c", "ulimit -n"][..],
        &["-o", "999999999", "sh", "-c", "ulimit -n; ulimit -Hn"],
        &[
            "-m",
            "200000000",
            "sh",
            "-c",
            "ulimit -d; ulimit -s; ulimit -l; ulimit -v",
        ],
        &["-d", "300000000", "sh", "-c", "ulimit -d"],
        &["-f", "4096", "sh", "-c", "ulimit -f"],
        &["-c", "0", "sh", "-c", "ulimit -c"],
        &["-t", "100", "sh", "-c", "ulimit -t"],
        &["-p", "300", "sh", "-c", "ulimit -p"],
        &["-n", "5", "nice"],
        &["-n", "-0", "nice"],
        &["-b", "renamed", "sh", "-c", "echo $0"],
        &["-0", "sh", "-c", FDS],
        &["-1", "sh", "-c", "echo lost; ls /proc/$$/fd >&2"],
        &["-2", "sh", "-c", FDS],
        &[
            "-012",
            "sh",
            "-c",
            "ls /proc/$$/fd > /proc/self/fd/255 || true",
        ],
        &[
            "-P",
            "sh",
            "-c",
            "ps -o pid= -o pgid= -o sid= -p $$ | awk '{print ($1==$2 && $2==$3)}'",
        ],
        &["-/", "/", "pwd"],
    ] {
        assert_eq!(b.same("chpst", args).status.code(), Some(0), "{args:?}");
    }
    assert_eq!(
        text(&b.same("chpst", &["-o", "50", "sh", "-c", "ulimit -n"])),
        "50\n"
    );
    b.same(
        "softlimit",
        &["-o", "40", "-m", "=", "sh", "-c", "ulimit -n; ulimit -d"],
    );
    b.same("softlimit", &["-o", "=", "sh", "-c", "ulimit -n"]);
    b.same(
        "pgrphack",
        &[
            "sh",
            "-c",
            "ps -o pid= -o pgid= -p $$ | awk '{print ($1==$2)}'",
        ],
    );
    if is_root() {
        // After the chroot into an empty dir no program can be found.
        let empty = b.dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        let o = b.same("chpst", &["-/", empty.to_str().unwrap(), "true"]);
        assert_eq!(o.status.code(), Some(111));
    }
}

#[test]
fn locks() {
    if !debian_runit() {
        return;
    }
    let b = Bins::new();
    let lock = b.dir.path().join("lock");
    let l = lock.to_str().unwrap();
    assert_eq!(b.same("chpst", &["-L", l, "true"]).status.code(), Some(0));
    // The program inherits the lock fd opened as runit's open_append does (O_NONBLOCK too).
    let flags = format!(
        "for f in /proc/$$/fd/*; do [ \"$(readlink $f)\" = {l} ] && grep flags /proc/$$/fdinfo/${{f##*/}}; done; true"
    );
    let o = b.same("chpst", &["-l", l, "sh", "-c", &flags]);
    assert_eq!(text(&o), "flags:\t0106001\n");
    assert_eq!(fs::metadata(&lock).unwrap().len(), 0);
    for holder in [Tool::Debian, Tool::Ours] {
        // The holder keeps the lock for as long as its program runs (the fd survives exec).
        let mut child = Command::new(b.path(holder, "chpst"))
            .args(["-l", l, "sleep", "1000"])
            .process_group(0)
            .spawn()
            .unwrap();
        let guard = GroupGuard(child.id() as i32);
        let held = wait_for(Duration::from_secs(10), || {
            let o = b.run(Tool::Debian, "chpst", &["-L", l, "true"]);
            (o.status.code() == Some(111)).then_some(())
        });
        assert!(held.is_some(), "{holder:?} holder never took the lock");
        let o = b.same("chpst", &["-L", l, "echo", "ran"]);
        assert_eq!(o.status.code(), Some(111));
        // setlock: daemontools' flags (-n: do not wait; -x: exit 0 quietly). runit 2.1.2
        // inverts -n/-N (its default does not wait), so only ours is checked here.
        let o = b.run(Tool::Ours, "setlock", &["-n", l, "echo", "ran"]);
        assert_eq!(o.status.code(), Some(111), "{o:?}");
        let o = b.run(Tool::Ours, "setlock", &["-nx", l, "echo", "ran"]);
        assert_eq!((text(&o).as_str(), o.status.code()), ("", Some(0)));
        drop(guard);
        let _ = child.wait();
    }
    // setlock -x: a lock that cannot be opened, or a program that cannot be run, exits 0
    // quietly (runit's and daemontools' setlock alike).
    for args in [
        &["-x", "/no/such/dir/lock", "echo", "ran"][..],
        &["-x", l, "no-such-program-here"],
        &["-X", l, "no-such-program-here"],
    ] {
        b.same("setlock", args);
    }
    let o = b.same("setlock", &["-x", "/no/such/dir/lock", "true"]);
    assert_eq!((o.stderr.len(), o.status.code()), (0, Some(0)));
}

#[test]
fn accounts() {
    if !debian_runit() {
        return;
    }
    if !is_root() {
        eprintln!("skipping: -u needs root");
        return;
    }
    let b = Bins::new();
    for args in [
        &["-u", "nobody", "id"][..],
        &["-u", "nobody:daemon:sys", "id"],
        &["-u", ":65534:1:3", "id"],
        &["-u", "nobody:no-such-group-here", "id"],
        &["-U", "nobody", "sh", "-c", "echo $UID $GID"],
        &["-U", ":65534:1", "sh", "-c", "echo $UID $GID"],
        &[
            "-U",
            "nobody",
            "-u",
            "root",
            "sh",
            "-c",
            "echo $UID $GID; id -u",
        ],
    ] {
        b.same("chpst", args);
    }
    let o = b.same("chpst", &["-u", "nobody", "id"]);
    assert!(text(&o).starts_with("uid=65534("), "{}", text(&o));
    b.same("setuidgid", &["nobody", "id"]);
    b.same("envuidgid", &["nobody", "sh", "-c", "echo $UID $GID"]);
    // Non-root -u to one's own account works (steps that change nothing are skipped).
    // As nobody, the second chpst must be reachable (the checkout may be 0700).
    let ours = crate::support::bin_for_anyone().with_file_name("chpst");
    let o = Command::new(&ours)
        .args(["-u", "nobody"])
        .arg(&ours)
        .args(["-u", "nobody", "id", "-u"])
        .output()
        .unwrap();
    assert_eq!(
        (text(&o).as_str(), o.status.code()),
        ("65534\n", Some(0)),
        "{o:?}"
    );
}

/// The deliberate difference: `-u user` keeps all the user's supplementary groups.
#[test]
fn user_keeps_supplementary_groups() {
    if !debian_runit() || !is_root() {
        return;
    }
    let Some((user, gid)) = user_with_supplementary_group() else {
        eprintln!("skipping: no account with a supplementary group here");
        return;
    };
    let b = Bins::new();
    let groups = |tool| {
        let o = b.run(tool, "chpst", &["-u", &user, "id", "-G"]);
        assert_eq!(o.status.code(), Some(0));
        text(&o)
            .split_whitespace()
            .map(|g| g.parse::<u32>().unwrap())
            .collect::<Vec<_>>()
    };
    assert!(groups(Tool::Ours).contains(&gid), "{user} lost group {gid}");
    assert!(
        !groups(Tool::Debian).contains(&gid),
        "runit's chpst changed?"
    );
}

/// (user, a supplementary gid that is not the user's primary group), from /etc/group.
fn user_with_supplementary_group() -> Option<(String, u32)> {
    let groups = fs::read_to_string(Path::new("/etc/group")).ok()?;
    for line in groups.lines() {
        let f: Vec<&str> = line.split(':').collect();
        let (Some(gid), Some(members)) = (f.get(2), f.get(3)) else {
            continue;
        };
        let Ok(gid) = gid.parse::<u32>() else {
            continue;
        };
        for m in members.split(',').filter(|m| !m.is_empty()) {
            if let Ok(Some(u)) = nix::unistd::User::from_name(m) {
                if u.gid.as_raw() != gid {
                    return Some((m.to_string(), gid));
                }
            }
        }
    }
    None
}

/// runit's own chpst check, as a scenario run by both binaries with identical output and exit
/// codes: no arguments (usage, 100); `-e` an envdir; `-l` and `-L` a lock file; `-P`; `-012`.
#[test]
fn runits_chpst_check_scenario() {
    if !debian_runit() {
        return;
    }
    let bins = Bins::new();
    bins.same("chpst", &[]);
    let env = bins.dir.path().join("envdir");
    fs::create_dir(&env).unwrap();
    fs::write(env.join("test"), "1\n").unwrap();
    let e = format!("-e{}", env.display());
    let out = bins.same("chpst", &[&e, "sh", "-c", "env | sed -ne '/^test=1$/p'"]);
    assert_eq!(text(&out), "test=1\n");
    let lock = bins.dir.path().join("lock");
    for flag in ["-l", "-L"] {
        let l = format!("{flag}{}", lock.display());
        assert_eq!(bins.same("chpst", &[&l, "true"]).status.code(), Some(0));
        fs::remove_file(&lock).unwrap();
    }
    assert_eq!(bins.same("chpst", &["-P", "true"]).status.code(), Some(0));
    assert_eq!(bins.same("chpst", &["-012", "true"]).status.code(), Some(0));
}

/// A file the kernel cannot exec (no `#!` line, or garbage) is an error — `unable to run: X:
/// exec format error`, 111 — never run through `/bin/sh` (libc's execvp fallback), whether
/// named by path or found through PATH.
#[test]
fn no_shell_fallback_on_exec_format_error() {
    if !debian_runit() {
        return;
    }
    let b = Bins::new();
    let dir = b.dir.path();
    fs::write(dir.join("nosb"), "echo ran\n").unwrap();
    fs::write(dir.join("garbage"), b"\x01\x02not a program\n").unwrap();
    for f in ["nosb", "garbage"] {
        fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let o = b.same("chpst", &["./nosb"]);
    assert_eq!(
        (text(&o).as_str(), o.status.code()),
        ("", Some(111)),
        "{o:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "chpst: fatal: unable to run: ./nosb: exec format error\n"
    );
    b.same("chpst", &["-b", "renamed", "./garbage"]);
    b.same("envdir", &[".", "./nosb"]);
    // Found through PATH.
    let run = |tool| {
        Command::new(b.path(tool, "chpst"))
            .arg("nosb")
            .env("PATH", dir)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let (d, o) = (run(Tool::Debian), run(Tool::Ours));
    assert_eq!(
        (&o.stdout, &o.stderr, o.status.code()),
        (&d.stdout, &d.stderr, d.status.code())
    );
    assert_eq!(o.status.code(), Some(111));
}
