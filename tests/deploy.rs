//! The deploy story, end to end, in a `--root` sandbox, once with the embedded supervisor and
//! once with Debian's runsvdir/runsv/svlogd (`supervisor: runit`): apply --wait brings all up;
//! editing one run command restarts only that service; a log `size` change HUPs the logger
//! (same pid) and the new size is honoured; a service removed from the spec stops and its dir
//! goes (its log dir stays); a disabled one stops and is unlinked; a service whose run exits 1
//! makes `apply --wait` exit 3 and print its log; an identical apply restarts nothing; and
//! `runitctl shutdown` leaves no process inside the sandbox.

use crate::support::apply::{have_runit, Sandbox};
use crate::support::deploy::{alive, inside, pid, run, running, runsvdirs_on, Teardown};
use crate::support::wait_for;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

struct Knobs {
    worker: &'static str,
    web_size: u32,
    old: bool,
    cron_enabled: bool,
    broken: bool,
}

fn spec(supervisor: &str, k: &Knobs) -> String {
    let mut s = format!(
        "\
project: shop
supervisor: {supervisor}
services:
  web:
    run: \"i=0; while :; do i=$((i+1)); echo web-line-$i-padding-padding-padding; sleep 0.01; done\"
    log: {{ size: {size}, num: 3 }}
  worker:
    run: {worker}
  cron:
    run: exec sleep 1001
    enabled: {cron}
",
        size = k.web_size,
        worker = k.worker,
        cron = k.cron_enabled,
    );
    if k.old {
        s.push_str("  old:\n    run: exec sleep 1002\n");
    }
    if k.broken {
        s.push_str("  broken:\n    run: \"echo broken-says-hi; exit 1\"\n    start_timeout: 3\n");
    }
    s.push_str("users:\n  deploy:\n    services:\n      api: { run: exec sleep 1003 }\n");
    s
}

fn rotated(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.starts_with('@') && n.ends_with(".s")
                })
                .count()
        })
        .unwrap_or(0)
}

fn story(supervisor: &str) {
    let mut k = Knobs {
        worker: "exec sleep 1000",
        web_size: 1_000_000,
        old: true,
        cron_enabled: true,
        broken: false,
    };
    let s = Sandbox::new(&spec(supervisor, &k));
    let _teardown = Teardown(&s.root);
    let scan = s.p("etc/service");

    // 1. apply --wait: everything up, one runsvdir started and recorded.
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap(), "--wait"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("runsvdir started on {}", scan.display())),
        "{out}"
    );
    assert!(
        out.contains("web: started") && out.contains("deploy/api: started"),
        "{out}"
    );
    assert!(s.p("run/runitctl/etc-service.pid").is_file());
    let names = ["web", "worker", "cron", "old", "runsvdir-deploy"];
    let mut pids: Vec<u32> = names
        .iter()
        .map(|n| running(&s, &format!("etc/sv/{n}")))
        .collect();
    let api = running(&s, "home/deploy/sv/api");
    let web_log = running(&s, "etc/sv/web/log");
    assert_eq!(runsvdirs_on(&scan), 1);

    // 2. One run command edited: only that service restarts.
    k.worker = "exec sleep 1010";
    s.write_spec(&spec(supervisor, &k));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("worker: restarted"), "{out}");
    assert!(out.contains(", 1 restarted,"), "{out}");
    assert!(
        !out.contains("runsvdir started"),
        "found again, not restarted: {out}"
    );
    let worker = pid(&s, "etc/sv/worker").expect("worker runs");
    assert_ne!(worker, pids[1], "worker has a new pid");
    pids[1] = worker;
    for (n, p) in names.iter().zip(&pids) {
        assert_eq!(pid(&s, &format!("etc/sv/{n}")), Some(*p), "{n} untouched");
    }
    assert_eq!(pid(&s, "home/deploy/sv/api"), Some(api));

    // 3. Log size changed: the logger is HUPed, not restarted, and rotates at the new size.
    k.web_size = 2000;
    s.write_spec(&spec(supervisor, &k));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("web: logger HUPed"), "{out}");
    assert!(out.contains(", 0 restarted,"), "{out}");
    assert_eq!(pid(&s, "etc/sv/web"), Some(pids[0]));
    assert_eq!(
        pid(&s, "etc/sv/web/log"),
        Some(web_log),
        "same logger process"
    );
    let dir = s.p("var/log/web");
    let rot = wait_for(LIMIT, || (rotated(&dir) > 0).then_some(()));
    assert!(rot.is_some(), "web's log never rotated at s2000");
    let cur = std::fs::metadata(dir.join("current")).map_or(0, |m| m.len());
    assert!(cur < 2200, "current is {cur} bytes, past the new size");

    // 4. Removed from the spec: stopped, definition gone, log dir kept.
    k.old = false;
    s.write_spec(&spec(supervisor, &k));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("old: stopped and removed"), "{out}");
    assert!(!s.p("etc/sv/old").exists() && !s.p("etc/service/old").exists());
    assert!(s.p("var/log/old").is_dir(), "log dirs are never deleted");
    assert!(wait_for(LIMIT, || (!alive(pids[3])).then_some(())).is_some());

    // 5. Disabled: stopped and unlinked, definition kept.
    k.cron_enabled = false;
    s.write_spec(&spec(supervisor, &k));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("cron: stopped"), "{out}");
    assert!(std::fs::symlink_metadata(s.p("etc/service/cron")).is_err());
    assert!(s.p("etc/sv/cron/run").is_file());
    assert!(wait_for(LIMIT, || (!alive(pids[2])).then_some(())).is_some());

    // 6. A service whose run exits 1: apply --wait exits 3 and shows why.
    k.broken = true;
    s.write_spec(&spec(supervisor, &k));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap(), "--wait"]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("broken: not up within 3s: state "), "{out}");
    if supervisor == "embedded" {
        assert!(out.contains("last exit exit 1"), "{out}");
    }
    assert!(out.contains("broken-says-hi"), "its log lines: {out}");
    assert!(!out.contains("web: not up"), "{out}");

    // 7. The same spec again: nothing written, nothing restarted, every pid the same.
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with("no changes: 0 changed, 0 restarted,"),
        "{out}"
    );
    for (n, p) in names.iter().zip(&pids) {
        if ["web", "worker", "runsvdir-deploy"].contains(n) {
            assert_eq!(pid(&s, &format!("etc/sv/{n}")), Some(*p), "{n} untouched");
        }
    }
    assert_eq!(pid(&s, "home/deploy/sv/api"), Some(api));
    assert_eq!(runsvdirs_on(&scan), 1, "never a second runsvdir");

    // 8. shutdown: nothing left inside the sandbox.
    let (out, err, code) = run(&s, &["shutdown"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let gone = wait_for(Duration::from_secs(5), || {
        inside(&s.root).is_empty().then_some(())
    });
    assert!(gone.is_some(), "left behind: {:?}", inside(&s.root));
    assert!(!s.p("run/runitctl/etc-service.pid").exists());
}

#[test]
fn deploy_story_embedded() {
    story("embedded");
}

#[test]
fn deploy_story_under_debian_runit() {
    if !have_runit("deploy_story_under_debian_runit") {
        return;
    }
    story("runit");
}

#[test]
fn a_log_added_to_a_running_service_restarts_its_runsv() {
    let text = |log: &str| {
        format!(
            "supervisor: embedded\nservices:\n  web: {{ run: exec sleep 1000, log: {log} }}\n  \
             other: {{ run: exec sleep 1001, log: false }}\n"
        )
    };
    let s = Sandbox::new(&text("false"));
    let _teardown = Teardown(&s.root);
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    let other = running(&s, "etc/sv/other");
    running(&s, "etc/sv/web");
    assert!(!s.p("etc/sv/web/log").exists());
    s.write_spec(&text("{ size: 5000 }"));
    let (out, err, code) = run(&s, &["apply", s.spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("web: runsv restarted (log/ added or removed)"),
        "{out}"
    );
    // A new runsv, which now supervises log/ too (runsv reads log/ only when it starts).
    assert!(crate::support::proc::ok_alive(&s.p("etc/sv/web/log")));
    running(&s, "etc/sv/web");
    assert_eq!(pid(&s, "etc/sv/other"), Some(other), "other untouched");
}

#[test]
fn apply_wait_fails_when_a_logger_cannot_start() {
    let spec = "supervisor: embedded\nservices:\n  web:\n    \
                run: \"while :; do echo tick; sleep 1; done\"\n    start_timeout: 3\n";
    let s = Sandbox::new(spec);
    let _teardown = Teardown(&s.root);
    // svlogd cannot take its lock where a directory sits: it exits, runsv retries every second.
    std::fs::create_dir_all(s.p("var/log/web/lock")).unwrap();
    let (out, err, code) = run(&s, &["apply", "--wait", s.spec.to_str().unwrap()]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("web: not up within 3s"), "{out}");
    assert!(out.contains("its logger is not up"), "{out}");
    // The service itself runs: only its logger is down.
    running(&s, "etc/sv/web");
}
