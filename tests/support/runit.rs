//! Fixtures for the sv and chpst compatibility tests: Debian's runit programs (required in CI),
//! service directories under a temp root, a supervisor per service (Debian's runsv or the
//! embedded one) in its own process group, and output normalisation.

use super::{bin, wait_for, GroupGuard};
use runitctl::runit::status::Status;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// Debian's runit programs, which the compatibility tests run against. Panics (the test fails)
/// when any is missing: a compatibility test must not pass by skipping. Returns true, so call
/// sites read `if !require_debian_runit(..) { return; }` as before.
pub fn require_debian_runit(test: &str) -> bool {
    let missing: Vec<&str> = ["runsv", "runsvdir", "sv", "svlogd", "chpst"]
        .into_iter()
        .filter(|p| !Path::new("/usr/bin").join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "{test}: Debian's runit is required (apt-get install runit); missing {missing:?}"
    );
    true
}

/// [`require_debian_runit`] for the sv and chpst tests.
pub fn debian_runit() -> bool {
    require_debian_runit("this test")
}

/// Whose runsv supervises the scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sup {
    Debian,
    Embedded,
}

/// Whose client runs the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Debian,
    Ours,
}

impl Tool {
    pub fn target(self, name: &str) -> PathBuf {
        match self {
            Tool::Debian => Path::new("/usr/bin").join(name),
            Tool::Ours => bin(),
        }
    }
}

/// `exec sleep 1000`: dies on TERM and most signals.
pub const PLAIN: &str = "#!/bin/sh\nexec sleep 1000\n";
/// Ignores HUP INT QUIT USR1 USR2 ALRM, dies on TERM.
pub const CALM: &str = "#!/bin/sh\ntrap '' HUP INT QUIT USR1 USR2 ALRM\nexec sleep 1000\n";
/// Ignores TERM too (only KILL stops it).
pub const STUBBORN: &str = "#!/bin/sh\ntrap '' TERM HUP INT QUIT USR1 USR2 ALRM\nexec sleep 1000\n";

/// A service directory to create.
#[derive(Clone, Debug)]
pub struct Svc {
    pub name: &'static str,
    pub run: &'static str,
    pub down: bool,
    pub log: bool,
    pub log_down: bool,
    pub check: Option<(&'static str, u32)>,
    pub finish: Option<&'static str>,
    /// Create the dir but start no supervisor.
    pub unsupervised: bool,
}

impl Svc {
    pub fn new(name: &'static str, run: &'static str) -> Svc {
        Svc {
            name,
            run,
            down: false,
            log: false,
            log_down: false,
            check: None,
            finish: None,
            unsupervised: false,
        }
    }
    pub fn down(mut self) -> Svc {
        self.down = true;
        self
    }
    pub fn log(mut self) -> Svc {
        self.log = true;
        self
    }
    pub fn log_down(mut self) -> Svc {
        self.log = true;
        self.log_down = true;
        self
    }
    pub fn check(mut self, body: &'static str, mode: u32) -> Svc {
        self.check = Some((body, mode));
        self
    }
    pub fn finish(mut self, body: &'static str) -> Svc {
        self.finish = Some(body);
        self
    }
    pub fn unsupervised(mut self) -> Svc {
        self.unsupervised = true;
        self
    }
}

fn write(path: &Path, body: &str, mode: u32) {
    fs::write(path, body).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Opens `supervise/ok` for writing without blocking: Ok iff a runsv holds it.
pub fn ok_probe(dir: &Path) -> std::io::Result<fs::File> {
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(dir.join("supervise/ok"))
}

/// A temp root with `svdir/` (SVDIR), `bin/` (tool symlinks) and one runsv per service.
pub struct Scene {
    pub root: tempfile::TempDir,
    pub sup: Sup,
    children: Vec<Child>,
    guards: Vec<GroupGuard>,
}

impl Drop for Scene {
    fn drop(&mut self) {
        self.guards.clear();
        for c in &mut self.children {
            let _ = c.wait();
        }
    }
}

impl Scene {
    pub fn new(sup: Sup, svcs: &[Svc]) -> Scene {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("svdir")).unwrap();
        fs::create_dir(root.path().join("bin")).unwrap();
        let mut scene = Scene {
            root,
            sup,
            children: Vec::new(),
            guards: Vec::new(),
        };
        for s in svcs {
            scene.add(s);
        }
        scene
    }

    pub fn svdir(&self) -> PathBuf {
        self.root.path().join("svdir")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.svdir().join(name)
    }

    fn add(&mut self, s: &Svc) {
        let d = self.path(s.name);
        fs::create_dir(&d).unwrap();
        write(&d.join("run"), s.run, 0o755);
        if s.down {
            fs::write(d.join("down"), "").unwrap();
        }
        if let Some((body, mode)) = s.check {
            write(&d.join("check"), body, mode);
        }
        if let Some(body) = s.finish {
            write(&d.join("finish"), body, 0o755);
        }
        if s.log {
            fs::create_dir(d.join("log")).unwrap();
            write(
                &d.join("log/run"),
                "#!/bin/sh\nexec cat >/dev/null\n",
                0o755,
            );
            if s.log_down {
                fs::write(d.join("log/down"), "").unwrap();
            }
        }
        if s.unsupervised {
            return;
        }
        let mut cmd = match self.sup {
            Sup::Debian => Command::new("/usr/bin/runsv"),
            Sup::Embedded => {
                let mut c = Command::new(bin());
                c.arg("runsv");
                c
            }
        };
        let child = cmd
            .arg(&d)
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start runsv");
        self.guards.push(GroupGuard(child.id() as i32));
        self.children.push(child);
        let up = wait_for(Duration::from_secs(10), || ok_probe(&d).ok());
        assert!(
            up.is_some(),
            "runsv never opened {}/supervise/ok",
            d.display()
        );
        if s.log {
            let l = d.join("log");
            assert!(wait_for(Duration::from_secs(10), || ok_probe(&l).ok()).is_some());
        }
        // Wait until the service reached its initial state.
        if s.down {
            self.wait(s.name, |st| st.pid == 0);
        } else {
            self.settle(s.name);
        }
    }

    /// The decoded status of a service.
    pub fn status(&self, name: &str) -> Option<Status> {
        Status::unpack(&fs::read(self.path(name).join("supervise/status")).ok()?)
    }

    /// Polls until the status satisfies `pred` (panics after 10 s).
    pub fn wait(&self, name: &str, pred: impl Fn(&Status) -> bool) -> Status {
        wait_for(Duration::from_secs(10), || {
            self.status(name).filter(|s| pred(s))
        })
        .unwrap_or_else(|| panic!("{name}: status never matched; last {:?}", self.status(name)))
    }

    /// Waits until the service runs and its script has reached `exec sleep` (its traps set).
    pub fn settle(&self, name: &str) {
        let st = self.wait(name, |st| st.pid != 0);
        let comm = format!("/proc/{}/comm", st.pid);
        let execed = wait_for(Duration::from_secs(10), || {
            (fs::read_to_string(&comm).ok()?.trim() == "sleep").then_some(())
        });
        assert!(execed.is_some(), "{name}: run never reached exec sleep");
    }

    /// Waits until every running service has run for more than a second, so neither runsv's
    /// 1-second restart throttle nor runit sv's whole-second stamp comparison makes the
    /// outcome depend on timing.
    pub fn age(&self) {
        for entry in fs::read_dir(self.svdir()).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(st) = self.status(&name) else {
                continue;
            };
            let due = st.stamp.to_system() + Duration::from_millis(1100);
            let waited = wait_for(Duration::from_secs(5), || {
                (std::time::SystemTime::now() >= due).then_some(())
            });
            assert!(waited.is_some());
        }
    }

    /// Writes control bytes straight to the FIFO.
    pub fn ctl(&self, name: &str, bytes: &[u8]) {
        let mut f = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(self.path(name).join("supervise/control"))
            .unwrap();
        f.write_all(bytes).unwrap();
    }

    /// Sends `x` and waits until no runsv holds `supervise/ok`.
    pub fn stop_runsv(&self, name: &str) {
        self.ctl(name, b"x");
        let gone = wait_for(Duration::from_secs(10), || {
            ok_probe(&self.path(name)).err().map(|_| ())
        });
        assert!(gone.is_some(), "{name}: runsv did not exit");
    }

    /// Runs `sv ARGS` (or, with `lsb`, the init-script name `lsb`) with cwd = root and
    /// SVDIR = svdir, plus `env` (a None value removes the variable).
    pub fn run(
        &self,
        tool: Tool,
        lsb: Option<&str>,
        args: &[&str],
        env: &[(&str, Option<&str>)],
    ) -> Output {
        let name = lsb.unwrap_or("sv");
        let link = self.root.path().join("bin").join(name);
        if !link.exists() {
            std::os::unix::fs::symlink(tool.target("sv"), &link).unwrap();
        }
        let mut cmd = Command::new(&link);
        cmd.args(args)
            .current_dir(self.root.path())
            .env("SVDIR", self.svdir())
            .env_remove("SVWAIT")
            .stdin(Stdio::null());
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.output().expect("run sv")
    }
}

/// Replaces pids (`(pid 123)`) and durations (` 12s`) so two runs compare equal.
pub fn normalise(s: &[u8]) -> String {
    let s = String::from_utf8_lossy(s);
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if s[i..].starts_with("(pid ") {
            let digits = b[i + 5..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && b.get(i + 5 + digits) == Some(&b')') {
                out.push_str("(pid N)");
                i += 5 + digits + 1;
                continue;
            }
        }
        let at_word = i == 0 || b[i - 1] == b' ';
        if at_word && b[i].is_ascii_digit() {
            let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let next = b.get(i + digits).copied();
            let after = b.get(i + digits + 1).copied();
            if next == Some(b's') && matches!(after, None | Some(b',' | b';' | b'\n')) {
                out.push_str("Ns");
                i += digits + 1;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}
