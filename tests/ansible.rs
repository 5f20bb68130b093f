//! The Ansible integration (`examples/ansible/`): the example playbook with the `runitctl` role,
//! run by the real `ansible-playbook` against a `--root` sandbox (first run changes, second run
//! changes nothing, `--check` writes nothing, `--diff` shows the plan, a bad variable fails the
//! play with runitctl's diagnostic); Ansible's own `community.general.runit` module (which runs
//! Debian's `sv`) controlling a service under the embedded runsv; and the `--as`/stdin form of
//! `check`/`plan` the role relies on.

use crate::support::ansible::{
    assert_same_tree, example_dir, recap, require_ansible, snapshot, Ansible,
};
use crate::support::integrations::describe;
use crate::support::proc::{start_runsvdir, status, wait_status, Imp};
use crate::support::{bin, wait_for};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A temp dir with an empty `root/` for `--root`.
fn sandbox() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    std::fs::create_dir(&root).unwrap();
    (t, root)
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// True when `out` has `PREFIX<digits>:<digits>: error: REST`.
fn has_located_error(out: &str, prefix: &str, rest: &str) -> bool {
    out.match_indices(prefix).any(|(i, _)| {
        let tail = &out[i + prefix.len()..];
        let mut parts = tail.splitn(3, ':');
        let (Some(line), Some(col), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(line) && digits(col) && msg.starts_with(&format!(" error: {rest}"))
    })
}

/// The task's result line (`ok:`, `changed:`, `skipping:`, `fatal:`) after `TASK [NAME]`.
fn task_outcome<'a>(out: &'a str, name: &str) -> &'a str {
    let header = format!("TASK [{name}]");
    let after = out
        .split_once(&header)
        .unwrap_or_else(|| panic!("no task {name} in:\n{out}"))
        .1;
    after
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .and_then(|l| l.split(':').next())
        .unwrap_or("")
}

#[test]
fn role_applies_converges_checks_diffs_and_rejects_a_bad_variable() {
    require_ansible("role_applies_converges_checks_diffs_and_rejects_a_bad_variable");
    let (t, root) = sandbox();
    let spec = root.join("etc/runitctl/services.yaml");
    let a = Ansible::new(t.path());
    let sandbox = serde_json::json!({
        "runitctl_bin": bin(),
        "runitctl_root": root,
        "runitctl_spec_path": spec,
        "runitctl_supervise": false,
    });
    let vars = a.file("sandbox.json", &sandbox.to_string());
    let bad = a.file("bad.json", r#"{"shop_rails_env": "production\nstaging"}"#);
    let site = example_dir().join("site.yml");
    let vars_arg = format!("@{}", vars.display());
    let run = |extra: &[&str]| {
        let mut args = vec!["-e", vars_arg.as_str()];
        args.extend_from_slice(extra);
        a.playbook(&site, &args)
    };

    // (1) First run: services.yaml written (0600), plan finds changes, apply writes the tree,
    // the role's and the playbook's `runitctl applied` handlers run.
    let first = run(&[]);
    assert!(first.status.success(), "first run: {}", describe(&first));
    let out = text(&first);
    let r = recap(&out);
    assert_eq!(r["failed"], 0, "{out}");
    assert!(r["changed"] >= 3, "spec, plan and apply change: {out}");
    assert_eq!(
        task_outcome(&out, "runitctl : Apply (runitctl apply)"),
        "changed"
    );
    assert!(out.contains("RUNNING HANDLER [Tell the team]"), "{out}");
    let mode = std::fs::metadata(&spec).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "services.yaml holds env values");
    for f in [
        "etc/sv/shop-web-1/run",
        "etc/sv/shop-web-2/run",
        "etc/sv/shop-worker/run",
        "etc/sv/shop-clock/down",
        "etc/sv/runsvdir-deploy/run",
    ] {
        assert!(root.join(f).is_file(), "{f} missing after the first run");
    }
    assert!(root.join("etc/service/shop-web-1").is_symlink());
    let run1 = std::fs::read_to_string(root.join("etc/sv/shop-web-1/run")).unwrap();
    assert!(run1.contains("puma -C config/puma.rb"), "{run1}");
    let plan = Command::new(bin())
        .arg("--root")
        .arg(&root)
        .arg("plan")
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "in sync: {}", describe(&plan));

    // (2) Second run: nothing changes, no handler runs.
    let second = run(&[]);
    assert!(second.status.success(), "second run: {}", describe(&second));
    let out = text(&second);
    assert_eq!(recap(&out)["changed"], 0, "{out}");
    assert!(!out.contains("RUNNING HANDLER"), "{out}");

    // (3) --check after a variable change: plan reports the change, nothing is written
    // (neither services.yaml nor the tree), apply is skipped, no plan text without --diff.
    let big = "shop_puma_config=config/puma-big.rb";
    let before = snapshot(&root);
    let check = run(&["--check", "-e", big]);
    assert!(check.status.success(), "--check: {}", describe(&check));
    let out = text(&check);
    assert!(recap(&out)["changed"] >= 1, "{out}");
    assert_eq!(
        task_outcome(&out, "runitctl : Plan (runitctl plan)"),
        "changed"
    );
    assert_eq!(
        task_outcome(&out, "runitctl : Apply (runitctl apply)"),
        "skipping"
    );
    assert!(!out.contains("+++ b/etc/sv/shop-web-1/run"), "{out}");
    assert_same_tree(&before, &snapshot(&root), "--check");

    // (4) --diff with the change applied: the plan's unified diff lines and supervisor actions
    // are shown, then apply writes them.
    let diff = run(&["--diff", "-e", big]);
    assert!(diff.status.success(), "--diff: {}", describe(&diff));
    let out = text(&diff);
    for line in [
        "+++ b/etc/sv/shop-web-1/run",
        "/etc/sv/shop-web-1/env bundle exec puma -C config/puma.rb",
        "/etc/sv/shop-web-1/env bundle exec puma -C config/puma-big.rb",
        "shop-web-1: restart",
        "plan: 0 to create, 4 to update",
    ] {
        assert!(out.contains(line), "--diff lacks {line:?}:\n{out}");
    }
    assert!(!out.contains("shop-worker: restart"), "{out}");
    let run1 = std::fs::read_to_string(root.join("etc/sv/shop-web-1/run")).unwrap();
    assert!(run1.contains("puma -C config/puma-big.rb"), "{run1}");

    // (5) A bad variable (a multi-line env value): the play fails at the validated write with
    // runitctl's FILE:LINE:COL diagnostic naming services.yaml; nothing on disk changes.
    let before = snapshot(&root);
    let failed = run(&["-e", big, "-e", &format!("@{}", bad.display())]);
    assert!(!failed.status.success(), "bad spec: {}", describe(&failed));
    let out = text(&failed);
    assert_eq!(recap(&out)["failed"], 1, "{out}");
    assert!(
        has_located_error(
            &out,
            &format!("{}:", spec.display()),
            "env `RAILS_ENV` in service `shop-web` spans several lines"
        ),
        "no FILE:LINE:COL diagnostic in:\n{out}"
    );
    assert_same_tree(&before, &snapshot(&root), "a bad spec");

    // (6) runitctl_only: a change to shop-web with only shop-worker named is planned as in
    // sync and not applied (services.yaml itself is still written).
    let only = a.file("only.json", r#"{"runitctl_only": ["shop-worker"]}"#);
    let huge = "shop_puma_config=config/puma-huge.rb";
    let worker = run(&["-e", huge, "-e", &format!("@{}", only.display())]);
    assert!(worker.status.success(), "only: {}", describe(&worker));
    let out = text(&worker);
    assert_eq!(
        task_outcome(&out, "runitctl : Plan (runitctl plan)"),
        "ok",
        "{out}"
    );
    assert_eq!(
        task_outcome(&out, "runitctl : Apply (runitctl apply)"),
        "skipping"
    );
    let run1 = std::fs::read_to_string(root.join("etc/sv/shop-web-1/run")).unwrap();
    assert!(run1.contains("puma -C config/puma-big.rb"), "{run1}");
    assert!(std::fs::read_to_string(&spec)
        .unwrap()
        .contains("puma-huge"));
}

/// Ansible's own `community.general.runit` module, which reads and drives services with
/// Debian's `sv`, stops, starts and restarts a service whose runsv is the embedded one.
#[test]
fn community_runit_module_controls_a_service_under_the_embedded_runsv() {
    require_ansible("community_runit_module_controls_a_service_under_the_embedded_runsv");
    let (t, root) = sandbox();
    let spec = t.path().join("services.yaml");
    std::fs::write(
        &spec,
        "project: legacy\nsupervisor: embedded\nservices:\n  tick:\n    run: exec sleep 1000\n    log: false\n",
    )
    .unwrap();
    let applied = crate::support::integrations::apply_files(&root, &spec);
    assert_eq!(applied.status.code(), Some(0), "{}", describe(&applied));
    let service_dir = root.join("etc/service");
    let sv_dir = root.join("etc/sv");
    let svc = sv_dir.join("tick");

    let mut runsvdir = start_runsvdir(Imp::Embedded, &service_dir, &[]);
    let first = wait_status(&svc, Duration::from_secs(10), |s| s.pid > 1)
        .expect("the embedded runsv starts tick")
        .pid;

    let a = Ansible::new(t.path());
    let results = t.path().join("results.json");
    let task = |name: &str, state: &str| {
        format!(
            "    - name: {name}\n      community.general.runit: {{name: tick, state: {state}, \
             service_dir: {sd}, service_src: {ss}}}\n      register: {name}\n    \
             - name: status after {name}\n      ansible.builtin.command: \
             {{argv: [/usr/bin/sv, status, {sd}/tick]}}\n      register: {name}_sv\n",
            sd = service_dir.display(),
            ss = sv_dir.display(),
        )
    };
    let names = ["stop", "stop_again", "start", "restart"];
    let mut book = String::from("- hosts: localhost\n  gather_facts: false\n  tasks:\n");
    for (name, state) in names
        .iter()
        .zip(["stopped", "stopped", "started", "restarted"])
    {
        book.push_str(&task(name, state));
    }
    let collect: Vec<String> = names
        .iter()
        .map(|n| format!("'{n}': {n}, '{n}_sv': {n}_sv.stdout"))
        .collect();
    book.push_str(&format!(
        "    - ansible.builtin.copy:\n        dest: {}\n        content: \"{{{{ {{{}}} | to_json }}}}\"\n",
        results.display(),
        collect.join(", ")
    ));
    let playbook = a.file("runit-module.yml", &book);
    let o = a.playbook(&playbook, &[]);
    assert!(o.status.success(), "{book}\n{}", describe(&o));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();

    let pid_of = |line: &str| -> u32 {
        let after = line.split_once("(pid ").map(|x| x.1).unwrap_or("");
        after.split(')').next().unwrap_or("").parse().unwrap_or(0)
    };
    let sv_line = |n: &str| r[format!("{n}_sv")].as_str().unwrap().to_string();
    assert_eq!(r["stop"]["changed"], true, "{r}");
    assert!(sv_line("stop").starts_with("down: "), "{r}");
    assert_eq!(r["stop"]["sv"]["state"], "stopped", "{r}");
    assert_eq!(
        r["stop_again"]["changed"], false,
        "stopped is idempotent: {r}"
    );
    assert_eq!(r["start"]["changed"], true, "{r}");
    assert!(sv_line("start").starts_with("run: "), "{r}");
    let started = pid_of(&sv_line("start"));
    assert!(started > 1 && started != first, "{r}");
    assert_eq!(r["start"]["sv"]["state"], "started", "{r}");
    assert_eq!(r["restart"]["changed"], true, "{r}");
    // `start` and `restart` come within a second, so runsv holds the restart for its
    // one-second floor (`down, want up` right after the module returns, as under runit):
    // wait for the new process rather than trust the status line taken at once.
    let st = wait_for(Duration::from_secs(10), || {
        status(&svc).filter(|st| st.pid > 1 && st.pid != started)
    });
    let restarted = st.map_or_else(|| pid_of(&sv_line("restart")), |st| st.pid);
    assert!(
        restarted > 1 && restarted != started,
        "restart: new pid: {r}"
    );

    // The supervise/status the embedded runsv keeps agrees, and the pid is the service's.
    let st = status(&svc).expect("status");
    assert_eq!(st.pid, restarted);
    let comm = wait_for(Duration::from_secs(5), || {
        let c = std::fs::read_to_string(format!("/proc/{restarted}/comm")).ok()?;
        (c.trim() == "sleep").then_some(())
    });
    assert!(comm.is_some(), "pid {restarted} is not tick's sleep");

    // Stop the tree: HUP makes runsvdir TERM every runsv (the guard kills the group anyway).
    let pid = runsvdir.pid();
    assert!(pid > 1);
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGHUP,
    );
    let _ = runsvdir.wait_exit(Duration::from_secs(10));
}

/// `plan --as PATH -` (what the role runs in check mode): new text read from standard input
/// is planned as the spec at PATH, so an unchanged spec is in sync (the owner markers name
/// PATH) and `check --as` names PATH in its diagnostics.
#[test]
fn plan_and_check_read_stdin_as_the_spec_path() {
    let (t, root) = sandbox();
    let spec = t.path().join("services.yaml");
    let body = "project: p\nservices:\n  web:\n    run: sleep 100\n";
    std::fs::write(&spec, body).unwrap();
    let applied = crate::support::integrations::apply_files(&root, &spec);
    assert_eq!(applied.status.code(), Some(0), "{}", describe(&applied));
    let before = snapshot(&root);

    let piped = |args: &[&str], stdin: &str| {
        let mut c = Command::new(bin())
            .arg("--root")
            .arg(&root)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let spec_s = spec.to_str().unwrap();
    // A copy elsewhere, planned as itself, differs in the markers' `spec=` line.
    let copy = t.path().join("copy.yaml");
    std::fs::write(&copy, body).unwrap();
    let o = piped(&["plan", copy.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let o = piped(&["plan", "--as", spec_s, copy.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let o = piped(&["plan", "--as", spec_s, "-"], body);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let changed = body.replace("100", "200");
    let o = piped(&["plan", "--as", spec_s, "-"], &changed);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o).contains("sleep 200"), "{}", describe(&o));

    let o = piped(&["check", "--as", spec_s, "-"], body);
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(text(&o), format!("ok: {spec_s} (1 service, 0 users)\n"));
    let o = piped(
        &["check", "--as", spec_s, "-"],
        "project: p\nservices:\n  web: {runn: x}\n",
    );
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        has_located_error(&err, &format!("{spec_s}:"), "unknown key `runn`"),
        "{err}"
    );
    // Nothing of this wrote to the tree or the spec.
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), body);
    assert_same_tree(&before, &snapshot(&root), "plan and check");
}
