//! `plan --only` and `apply --only`: the named services alone are read, changed and restarted;
//! the others' drift stays, nothing is pruned, and a full apply still sees it all afterwards.
//! A name that picks nothing is an error that writes nothing.

use crate::plan::SPEC;
use crate::support::apply::{manifest, Sandbox};
use crate::support::deploy::{pid, running, Teardown};
use crate::support::wait_for;
use std::time::Duration;

/// SPEC with web's env changed and deploy's api removed.
fn edited() -> String {
    SPEC.replace("production", "staging").replace(
        "users:\n  deploy:\n    services:\n      api: { run: sleep 3600, env: { PORT: \"5000\" } }\n",
        "",
    )
}

#[test]
fn only_changes_the_named_service_and_leaves_drift_and_prunes_to_a_full_apply() {
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let drifted = "#!/bin/sh\nexec sleep 1\n";
    std::fs::write(s.p("etc/sv/worker/run"), drifted).unwrap();
    s.write_spec(&edited());

    let plan = s.expect("plan", &["--only", "web"], 2);
    assert!(
        plan.contains("/etc/sv/web/env/RAILS_ENV: changed"),
        "{plan}"
    );
    assert!(
        !plan.contains("worker") && !plan.contains(": prune"),
        "{plan}"
    );
    // The worker alone: its drift is seen and nothing else is.
    let plan = s.expect("plan", &["--only", "worker"], 2);
    assert!(plan.contains("/etc/sv/worker/run: changed"), "{plan}");
    assert!(!plan.contains("web") && !plan.contains(": prune"), "{plan}");

    // Temporaries a killed apply left: web's are its own, the worker's wait for a full apply.
    std::fs::write(s.p("etc/service/.web.runitctl-tmp"), "").unwrap();
    std::fs::create_dir(s.p("etc/sv/.worker.runitctl-new")).unwrap();
    let plan = s.expect("plan", &["--only", "web"], 2);
    assert!(
        plan.contains("/etc/service/.web.runitctl-tmp: remove"),
        "{plan}"
    );
    assert!(!plan.contains(".worker.runitctl-new"), "{plan}");

    let before = manifest(&s.root);
    let out = s.run("apply", &["--no-supervise", "--only", "web"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("note: --only: 1 of 2 services"), "{err}");
    let after = manifest(&s.root);
    let changed: Vec<&String> = after
        .keys()
        .chain(before.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed
            .iter()
            .all(|k| k.starts_with("etc/sv/web/") || *k == "etc/service/.web.runitctl-tmp"),
        "only web's files change: {changed:?}"
    );
    assert!(s.p("etc/sv/.worker.runitctl-new").is_dir());
    assert_eq!(
        std::fs::read_to_string(s.p("etc/sv/worker/run")).unwrap(),
        drifted
    );
    assert!(s.p("home/deploy/sv/api/run").is_file(), "api is not pruned");
    s.expect("plan", &["--only", "web"], 0);

    // A full plan still sees the worker's drift and the prune, and a full apply mends both.
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("/etc/sv/worker/run: changed"), "{plan}");
    assert!(plan.contains("/home/deploy/sv/api: prune"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    assert!(!s.p("home/deploy/sv/api").exists());
    assert!(!s.p("etc/sv/.worker.runitctl-new").exists());
    s.expect("plan", &[], 0);
}

#[test]
fn a_user_app_comes_with_its_runsvdir_and_unknown_names_write_nothing() {
    let s = Sandbox::new(SPEC);
    let out = s.run(
        "apply",
        &["--no-supervise", "--only", "webb,nobody/api,web"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: --only webb: no service `webb` in the spec (did you mean `web`?)"),
        "{err}"
    );
    assert!(
        err.contains("error: --only nobody/api: no user `nobody` in the spec"),
        "{err}"
    );
    assert!(manifest(&s.root).is_empty(), "nothing written");

    s.expect("apply", &["--no-supervise", "--only", "api"], 0);
    assert!(s.p("home/deploy/sv/api/run").is_file());
    assert!(s.p("etc/sv/runsvdir-deploy/run").is_file());
    assert!(!s.p("etc/sv/web").exists() && !s.p("etc/sv/worker").exists());
    s.expect("plan", &["--only", "deploy/api"], 0);
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("/etc/sv/web/run: create"), "{plan}");
    assert!(!plan.contains("/home/deploy/sv/api/run"), "{plan}");
}

#[test]
fn apply_only_restarts_the_named_service_and_no_other() {
    let spec = "\
project: only
supervisor: embedded
services:
  web: { run: exec sleep 3600, log: false, env: { V: \"1\" } }
  worker: { run: exec sleep 3600, log: false, env: { V: \"1\" } }
";
    let s = Sandbox::new(spec);
    let _down = Teardown(&s.root);
    s.expect("apply", &["--timeout", "20"], 0);
    let web = running(&s, "etc/sv/web");
    let worker = running(&s, "etc/sv/worker");
    s.write_spec(&spec.replace("\"1\"", "\"2\""));
    let out = s.expect("apply", &["--only", "web", "--timeout", "20"], 0);
    assert!(out.contains("web: restarted"), "{out}");
    assert!(out.contains("1 changed, 1 restarted, 0 unchanged"), "{out}");
    let new = wait_for(Duration::from_secs(20), || {
        pid(&s, "etc/sv/web").filter(|p| *p != web)
    });
    assert!(new.is_some(), "web runs a new process");
    assert_eq!(pid(&s, "etc/sv/worker"), Some(worker), "worker untouched");
    // The full apply then restarts the worker alone.
    let out = s.expect("apply", &["--timeout", "20"], 0);
    assert!(
        out.contains("worker: restarted") && !out.contains("web: "),
        "{out}"
    );
}
