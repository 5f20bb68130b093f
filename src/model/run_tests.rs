//! The generated scripts, run for real with Debian's chpst and svlogd inside a `--root`
//! sandbox: plain commands, shell commands, env, hooks with runit's arguments, a user switch,
//! and svlogd reading the `config` written into its directory.

use super::tests::{log, opts, service, spec};
use super::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Debian's chpst and svlogd run these scripts: the tests fail (never skip) without them.
fn have_runit() -> bool {
    let missing: Vec<&str> = ["/usr/bin/chpst", "/usr/bin/svlogd"]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "Debian's runit is required (apt-get install runit); missing {missing:?}"
    );
    true
}

/// Writes files and dirs of `model` under `root` (modes only; owners and links are apply's job).
fn write_tree(model: &Model, root: &Path) {
    for (path, node) in &model.tree {
        let p = root.join(path.strip_prefix("/").unwrap());
        match &node.kind {
            NodeKind::Dir => std::fs::create_dir_all(&p).unwrap(),
            NodeKind::File { content } => {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, content).unwrap();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(node.mode)).unwrap();
            }
            NodeKind::Symlink { .. } => {}
        }
    }
}

fn run(dir: &Path, prog: &str, args: &[&str]) -> String {
    let out = Command::new(dir.join(prog))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{prog}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_scripts_run_under_debian_chpst() {
    if !have_runit() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut shell = service(
        "shell",
        "printf '%s:%s' \"$PORT\" \"$GREETING\" | tr a-z A-Z",
    );
    shell.env.insert("PORT".into(), "5000".into());
    shell.env.insert("GREETING".into(), "hello world".into());
    let mut plain = service("plain", "printf %s-%s a b");
    plain.env.insert("X".into(), "1".into());
    plain.finish = Some("printf %s/%s".into());
    plain.check = Some("printf 'check %s' \"$X\"".into());
    let mut looped = service("looped", "for i in 1 2; do echo $i; done");
    looped.cwd = Some("/work".into());
    looped.finish = Some("echo \"exit=$1 signal=$2 in $(basename \"$PWD\")\"".into());
    // cwd and env together: the script has left the service dir when chpst reads env/.
    let mut moved = service("moved", "printf '%s in %s' \"$GREETING\" \"${PWD##*/}\"");
    moved.cwd = Some("/work".into());
    moved.env.insert("GREETING".into(), "hi".into());
    std::fs::create_dir_all(tmp.path().join("work")).unwrap();
    let mut o = opts();
    o.root = Some(tmp.path().to_path_buf());
    let m = build(&spec(vec![shell, plain, looped, moved], vec![]), &o).unwrap();
    write_tree(&m, tmp.path());
    let sv = tmp.path().join("etc/sv");

    assert_eq!(run(&sv.join("shell"), "run", &[]), "5000:HELLO WORLD");
    assert_eq!(run(&sv.join("plain"), "run", &[]), "a-b");
    assert_eq!(run(&sv.join("plain"), "finish", &["0", "15"]), "0/15");
    // check runs without chpst: env/ is not loaded, as with runit.
    assert_eq!(run(&sv.join("plain"), "check", &[]), "check ");
    assert_eq!(run(&sv.join("looped"), "run", &[]), "1\n2\n");
    assert_eq!(run(&sv.join("moved"), "run", &[]), "hi in work");
    assert_eq!(
        run(&sv.join("looped"), "finish", &["-1", "9"]),
        "exit=-1 signal=9 in looped\n"
    );
}

#[test]
fn a_missing_cwd_stops_the_script_before_the_command() {
    if !have_runit() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut web = service("web", "echo ran");
    web.cwd = Some("/does/not/exist".into());
    let mut o = opts();
    o.root = Some(tmp.path().to_path_buf());
    let m = build(&spec(vec![web], vec![]), &o).unwrap();
    write_tree(&m, tmp.path());
    let dir = tmp.path().join("etc/sv/web");
    let out = Command::new(dir.join("run"))
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("ran"), "the command ran: {stdout}");
    assert!(stdout.contains("/does/not/exist"), "no cd error: {stdout}");
}

#[test]
fn chpst_switches_to_the_user_with_all_its_groups() {
    if !have_runit() {
        return;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipping: switching users needs root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut who = service("who", "id -un");
    who.user = Some("nobody".into());
    let mut o = opts();
    o.root = Some(tmp.path().to_path_buf());
    o.groups
        .insert("nobody".into(), vec!["nogroup".into(), "daemon".into()]);
    let m = build(&spec(vec![who], vec![]), &o).unwrap();
    write_tree(&m, tmp.path());
    let dir = tmp.path().join("etc/sv/who");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run(&dir, "run", &[]), "nobody\n");
    let script = std::fs::read_to_string(dir.join("run")).unwrap();
    let groups_script = script.replace("id -un", "id -Gn");
    std::fs::write(dir.join("run"), groups_script).unwrap();
    assert_eq!(run(&dir, "run", &[]), "nogroup daemon\n");
}

#[test]
fn svlogd_reads_the_config_written_into_its_dir() {
    if !have_runit() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut web = service("web", "./web");
    let mut l = log("/var/log/web");
    l.timestamps = crate::spec::Timestamps::None;
    l.prefix = Some("web: ".into());
    l.filters = vec!["-*DEBUG*".into()];
    web.log = Some(l);
    let mut o = opts();
    o.root = Some(tmp.path().to_path_buf());
    let m = build(&spec(vec![web], vec![]), &o).unwrap();
    write_tree(&m, tmp.path());
    let log_service = tmp.path().join("etc/sv/web/log");
    let mut child = Command::new(log_service.join("run"))
        .current_dir(&log_service)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"hello\nDEBUG noise\nbye\n").unwrap();
    }
    assert!(child.wait().unwrap().success());
    let current = std::fs::read_to_string(tmp.path().join("var/log/web/current")).unwrap();
    assert_eq!(current, "web: hello\nweb: bye\n");
}
