//! The generated per-user pattern, live under Debian's runit in a `--root` sandbox: the
//! `runsvdir-<user>` run script starts runsvdir on the user's (rooted) service dir, runsv starts
//! the app through its enable link with `HOME`/`USER` exported, and the app's output reaches
//! svlogd in the rooted log dir. Written from the model alone (no apply), so a failure here is
//! the model's or the scripts'.

use crate::support::proc::{debian_runit, spawn};
use crate::support::wait_for;
use runitctl::model::{build, Model, ModelOptions, NodeKind};
use runitctl::spec::{load, LoadOptions};
use runitctl::users::{SystemUsers, UserDb};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Writes `model` under `root`: dirs, files with their modes, links with rooted targets.
fn write_tree(model: &Model, root: &Path) {
    let under = |p: &Path| root.join(p.strip_prefix("/").expect("absolute"));
    for (path, node) in &model.tree {
        let p = under(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("parents");
        match &node.kind {
            NodeKind::Dir => std::fs::create_dir_all(&p).expect("dir"),
            NodeKind::File { content } => std::fs::write(&p, content).expect("file"),
            NodeKind::Symlink { target } => {
                std::os::unix::fs::symlink(under(target), &p).expect("symlink")
            }
        }
        if !matches!(node.kind, NodeKind::Symlink { .. }) {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(node.mode))
                .expect("chmod");
        }
    }
}

#[test]
fn runsvdir_user_service_runs_the_users_app_with_home_user_and_logging() {
    if !debian_runit("runsvdir_user_service_runs_the_users_app") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("root");
    std::fs::create_dir(&root).expect("root");
    let spec_path = tmp.path().join("services.yaml");
    std::fs::write(
        &spec_path,
        "supervisor: runit\n\
         users:\n  deploy:\n    services:\n      api:\n        \
         run: echo \"home=$HOME user=$USER\"; exec sleep 600\n",
    )
    .expect("spec");
    let users = SystemUsers;
    let loaded = load(
        &spec_path,
        &LoadOptions {
            root: Some(&root),
            users: &users,
            runit_installed: true,
        },
    )
    .expect("valid spec");
    let me = users.current().name;
    let opts = ModelOptions::new(
        &loaded.spec,
        &users,
        Some(root.clone()),
        "/nonexistent/runitctl".into(),
        me,
    );
    let model = build(&loaded.spec, &opts).expect("model");
    write_tree(&model, &root);

    let tree = &loaded.spec.users[0];
    let account = &tree.account;
    let rooted = |p: &Path| root.join(p.strip_prefix("/").expect("absolute"));
    let api = model
        .services
        .iter()
        .find(|s| s.id.name == "api")
        .expect("api");
    let current = rooted(api.log_dir.as_deref().expect("api logs")).join("current");

    let mut cmd = Command::new(rooted(Path::new("/etc/sv/runsvdir-deploy/run")));
    cmd.current_dir(rooted(Path::new("/etc/sv/runsvdir-deploy")))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let _running = spawn(cmd);

    let line = wait_for(Duration::from_secs(15), || {
        let text = std::fs::read_to_string(&current).ok()?;
        text.lines()
            .find(|l| l.contains("home="))
            .map(str::to_string)
    })
    .unwrap_or_else(|| panic!("no line from api in {}", current.display()));
    let expected = format!(
        "home={} user={}",
        rooted(&account.home).display(),
        account.effective
    );
    // svlogd -tt puts `YYYY-MM-DD_HH:MM:SS.xxxxx ` in front.
    assert!(
        line.ends_with(&expected),
        "{line:?} should end with {expected:?}"
    );
    assert_eq!(
        line.as_bytes()[10],
        b'_',
        "-tt timestamp expected: {line:?}"
    );
}

/// A `run:` with `$VAR` goes through `/bin/sh -c` after chpst; Debian's dash does not replace
/// itself with the last command of `-c`, so render must say `exec`: the pid runsv supervises
/// (and signals on `sv restart`) is the program, not a shell that would leave it orphaned.
#[test]
fn shell_command_is_execed_so_runsv_supervises_the_program() {
    use crate::support::apply::Sandbox;
    use crate::support::proc::{start_runsv, wait_status, Imp};
    use runitctl::runit::status::State;
    let sb = Sandbox::new(
        "supervisor: embedded\nservices:\n  nap:\n    run: sleep $SECS\n    env: { SECS: \"600\" }\n    log: false\n",
    );
    sb.expect("apply", &["--no-supervise"], 0);
    let dir = sb.p("etc/sv/nap");
    let _runsv = start_runsv(Imp::Embedded, &dir);
    let st = wait_status(&dir, Duration::from_secs(10), |s| {
        s.state == State::Run && s.pid > 1
    })
    .expect("nap runs");
    let comm = wait_for(Duration::from_secs(5), || {
        let c = std::fs::read_to_string(format!("/proc/{}/comm", st.pid)).ok()?;
        (c.trim() == "sleep").then_some(c)
    });
    assert!(
        comm.is_some(),
        "pid {} is not the program: {:?}",
        st.pid,
        std::fs::read_to_string(format!("/proc/{}/cmdline", st.pid))
    );
}
