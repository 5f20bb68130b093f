//! The `!` processor: `/bin/sh -c CMD` in the log directory with stdin = `@X.u`, stdout =
//! `@X.t`, fd 4 = `state` (read-only), fd 5 = `newstate`. Exit 0 promotes `.t` to `.s` (mode
//! 0744), removes `.u` and makes `newstate` the new `state`; any other end deletes `.t` and runs
//! the processor again.

use std::fs::{self, File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::msg;

/// A running processor for one rotated file.
pub struct Processor {
    child: Child,
    /// The rotated file's name without its suffix (`@` + 24 hex).
    stem: String,
    cmd: Vec<u8>,
    dir: PathBuf,
    name: String,
}

impl Processor {
    /// Starts the processor on `DIR/<stem>.u`; retries every 3 s while the start fails.
    pub fn start(dir: &Path, name: &str, stem: &str, cmd: &[u8]) -> Processor {
        loop {
            match spawn(dir, stem, cmd) {
                Ok(child) => {
                    msg::info(&format!("processing: {name}/{stem}.u"));
                    return Processor {
                        child,
                        stem: stem.into(),
                        cmd: cmd.to_vec(),
                        dir: dir.into(),
                        name: name.into(),
                    };
                }
                Err(e) => {
                    msg::warn(
                        &format!("unable to run processor: {name}/{stem}.u"),
                        Some(&e),
                    );
                    std::thread::sleep(super::dir::PAUSE);
                }
            }
        }
    }

    /// Non-blocking check; true when the processor is done (its result applied).
    pub fn poll(&mut self) -> bool {
        match self.child.try_wait() {
            Ok(Some(st)) => self.finished(st.success()),
            Ok(None) => false,
            Err(_) => self.finished(false),
        }
    }

    /// Blocks until the processor succeeded (restarting it on failure).
    pub fn wait(&mut self) {
        loop {
            let ok = self.child.wait().map(|s| s.success()).unwrap_or(false);
            if self.finished(ok) {
                return;
            }
        }
    }

    /// Applies the result; false when the processor had to be restarted.
    fn finished(&mut self, ok: bool) -> bool {
        let p = |suffix: &str| self.dir.join(format!("{}{suffix}", self.stem));
        if !ok {
            msg::warn(&format!("processor failed, restart: {}", self.name), None);
            let _ = fs::remove_file(p(".t"));
            let next = Processor::start(&self.dir, &self.name, &self.stem, &self.cmd);
            self.child = next.child;
            return false;
        }
        let _ = fs::set_permissions(p(".t"), fs::Permissions::from_mode(0o744));
        if let Err(e) = fs::rename(p(".t"), p(".s")) {
            msg::warn(
                &format!("unable to move {}/{}.t", self.name, self.stem),
                Some(&e),
            );
        }
        let _ = fs::remove_file(p(".u"));
        let _ = fs::rename(self.dir.join("newstate"), self.dir.join("state"));
        msg::info(&format!("processed: {}/{}.s", self.name, self.stem));
        true
    }
}

fn spawn(dir: &Path, stem: &str, cmd: &[u8]) -> std::io::Result<Child> {
    let input = File::open(dir.join(format!("{stem}.u")))?;
    let output = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(dir.join(format!("{stem}.t")))?;
    let state_path = dir.join("state");
    if !state_path.exists() {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(&state_path)?;
    }
    let state = File::open(&state_path)?;
    let newstate = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(dir.join("newstate"))?;
    let (fd4, fd5) = (state.as_raw_fd(), newstate.as_raw_fd());
    let mut c = Command::new("/bin/sh");
    // runit execs `sh` with argv[0] = "sh" (the command's `$0`).
    c.arg0("sh")
        .arg("-c")
        .arg(std::ffi::OsStr::from_bytes(cmd))
        .current_dir(dir)
        .stdin(Stdio::from(input))
        .stdout(Stdio::from(output));
    crate::sys::spawn::clean_child(&mut c, false);
    // SAFETY: runs in the forked child before exec; dup2 and signal are async-signal-safe and
    // the fds were opened by the parent and stay open until spawn returns.
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            // Move both out of the way first, so neither target clobbers the other source;
            // the high copies are close-on-exec (dup2 clears it on 4 and 5 only).
            let high = [
                libc::fcntl(fd4, libc::F_DUPFD_CLOEXEC, 10),
                libc::fcntl(fd5, libc::F_DUPFD_CLOEXEC, 10),
            ];
            for (from, to) in [(high[0], 4), (high[1], 5)] {
                if from < 0 || libc::dup2(from, to) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = c.spawn();
    drop((state, newstate));
    child
}
