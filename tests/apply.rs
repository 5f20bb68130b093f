//! The generated tree runs under Debian's real runit: apply a `supervisor: runit` spec into a
//! sandbox, start Debian's runsvdir on its service dir, and check that system and per-user
//! services come up (`sv status` says run) and log through Debian's svlogd with the generated
//! `config` honoured (a small `size` rotates). Also: two applies on one sv_dir do not
//! interleave (the lock).

use crate::support::apply::{have_runit, Sandbox};
use crate::support::deploy::kill_inside;
use crate::support::status::sv_status;
use crate::support::{wait_for, GroupGuard};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const SPEC: &str = "\
project: shop
supervisor: runit
services:
  web:
    run: \"i=0; while :; do i=$((i+1)); echo web-line-$i-$GREETING-padding-padding-padding; sleep 0.005; done\"
    env: { GREETING: hello }
    log: { size: 2000, num: 2 }
users:
  deploy:
    services:
      api:
        run: \"while :; do echo api-says-$PORT; sleep 0.05; done\"
        env: { PORT: \"5000\" }
        log: { dir: /var/log/api }
";

struct Cleanup<'a>(&'a Path);
impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        kill_inside(self.0);
    }
}

fn rotated(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    let n = e.file_name();
                    let n = n.to_string_lossy();
                    n.starts_with('@') && n.ends_with(".s")
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn generated_tree_runs_under_debian_runit() {
    if !have_runit("generated_tree_runs_under_debian_runit") {
        return;
    }
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let config = std::fs::read_to_string(s.p("var/log/web/config")).unwrap();
    assert!(config.contains("s2000"), "{config}");
    let _cleanup = Cleanup(&s.root);
    let mut child = Command::new("/usr/bin/runsvdir")
        .arg(s.p("etc/service"))
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let group = GroupGuard(child.id() as i32);
    let limit = Duration::from_secs(30);
    for svc in [
        "etc/service/web",
        "etc/service/runsvdir-deploy",
        "home/deploy/service/api",
    ] {
        let up = wait_for(limit, || {
            let st = sv_status(&s.p(svc));
            st.starts_with("run: ").then_some(st)
        });
        assert!(
            up.is_some(),
            "{svc} never came up: {}",
            sv_status(&s.p(svc))
        );
    }
    let logs = wait_for(limit, || {
        let c = std::fs::read_to_string(s.p("var/log/api/current")).ok()?;
        c.contains("api-says-5000").then_some(())
    });
    assert!(logs.is_some(), "api did not log through svlogd");
    let rot = wait_for(limit, || (rotated(&s.p("var/log/web")) > 0).then_some(()));
    assert!(rot.is_some(), "web's log never rotated with s2000");
    let current = std::fs::read_to_string(s.p("var/log/web/current")).unwrap_or_default();
    assert!(
        current.len() < 2200,
        "current grew past the size: {}",
        current.len()
    );
    // A second apply while everything runs: nothing to change, supervise/ untouched.
    let out = s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(out.trim(), "no changes");
    assert!(sv_status(&s.p("etc/service/web")).starts_with("run: "));
    drop(group);
    let _ = child.wait();
}

#[test]
fn concurrent_applies_on_one_sv_dir_serialise() {
    let s = Sandbox::new(SPEC);
    // About the lock, not timing: a generous lock wait (a loaded machine once needed more than
    // the default 15 s), and no supervisor to drive.
    let run = || {
        Command::new(crate::support::bin())
            .arg("--root")
            .arg(&s.root)
            .args(["apply", "--no-supervise", "--timeout", "300"])
            .arg(&s.spec)
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|sc| {
        let a = sc.spawn(run);
        let b = sc.spawn(run);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(a.status.success() && b.status.success(), "{a:?}\n{b:?}");
    let outs = [
        String::from_utf8_lossy(&a.stdout).into_owned(),
        String::from_utf8_lossy(&b.stdout).into_owned(),
    ];
    // Exactly one wrote the tree; the other found it done (it observed under the lock).
    let applied = outs.iter().filter(|o| o.contains("applied: ")).count();
    let nothing = outs.iter().filter(|o| o.trim() == "no changes").count();
    assert_eq!((applied, nothing), (1, 1), "{outs:?}");
    s.expect("plan", &[], 0);
}

#[test]
fn an_ordinary_user_applies_into_a_sandbox_and_is_told_once_about_owners() {
    if !crate::support::apply::am_root("an_ordinary_user_applies_into_a_sandbox") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt as _;
    const NOBODY: u32 = 65534;
    let s = Sandbox::new(SPEC);
    std::fs::set_permissions(s.tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(&s.root, Some(NOBODY), Some(NOBODY)).unwrap();
    let run = |cmd: &str| {
        Command::new(crate::support::bin_for_anyone())
            .arg("--root")
            .arg(&s.root)
            .arg(cmd)
            .arg(&s.spec)
            .args(if cmd == "apply" {
                &["--no-supervise"][..]
            } else {
                &[]
            })
            .uid(NOBODY)
            .gid(NOBODY)
            .output()
            .unwrap()
    };
    let out = run("apply");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.matches("note: not root: files keep your ownership")
            .count(),
        1,
        "{err}"
    );
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(s.p("etc/sv/web/run")).unwrap();
    assert_eq!(m.uid(), NOBODY);
    assert_eq!(
        run("plan").status.code(),
        Some(0),
        "plan after apply, as the same user"
    );
    let again = run("apply");
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "no changes");
}
