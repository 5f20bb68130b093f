//! Crash safety: apply is killed (abort, via the `fault-injection` feature) right after its
//! Nth filesystem mutation, for every N. After each crash every regular file is byte-equal to
//! its old or its new content (temporaries aside), no `log/` exists without its `run`, and a
//! re-run converges to exactly the tree an uninterrupted apply writes.

use crate::support::apply::{manifest, Sandbox};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const OLD: &str = "\
project: shop
supervisor: runit
services:
  web:
    run: sleep 3600
    env: { A: \"1\", B: \"2\" }
    log: { size: 4096 }
  gone:
    run: sleep 3600
  quiet:
    run: sleep 3600
    log: false
users:
  deploy:
    services:
      api: { run: sleep 3600 }
";

const NEW: &str = "\
project: shop
supervisor: runit
services:
  web:
    run: sleep 7200
    env: { A: \"1\", C: \"3\" }
    log: { size: 8192 }
  quiet:
    run: sleep 3600
    enabled: false
    log: { size: 4096 }
  fresh:
    run: sleep 3600
    env: { X: \"y\" }
users:
  deploy:
    services:
      api: { run: sleep 3600, cwd: /tmp }
      api2: { run: sleep 3600 }
";

fn is_temp(rel: &str) -> bool {
    rel.split('/').any(|c| {
        c.starts_with('.')
            && [".runitctl-tmp", ".runitctl-new", ".runitctl-old"]
                .iter()
                .any(|s| c.ends_with(s))
    })
}

/// Regular files only: path → content.
fn files(m: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    m.iter()
        .filter(|(_, v)| v.starts_with("file "))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn reset(root: &Path, template: &Path) {
    std::fs::remove_dir_all(root).unwrap();
    std::fs::create_dir(root).unwrap();
    let st = Command::new("cp")
        .arg("-a")
        .arg(template.join("."))
        .arg(root)
        .status()
        .unwrap();
    assert!(st.success());
}

fn apply(s: &Sandbox, fault: Option<u64>) -> std::process::Output {
    let mut c = Command::new(crate::support::bin());
    c.arg("--root")
        .arg(&s.root)
        .arg("apply")
        .arg(&s.spec)
        .arg("--no-supervise");
    if let Some(n) = fault {
        c.env("RUNITCTL_FAULT_AFTER", n.to_string());
    }
    c.output().unwrap()
}

/// Crashes an apply of NEW over the state `old_spec` leaves (None: an empty root) after every
/// operation in turn.
fn crash_every_step(old_spec: Option<&str>) {
    let s = Sandbox::new(OLD);
    if let Some(spec) = old_spec {
        s.write_spec(spec);
        s.expect("apply", &["--no-supervise"], 0);
    }
    let template = s.tmp.path().join("template");
    std::fs::create_dir(&template).unwrap();
    reset(&template, &s.root);
    let old = manifest(&s.root);
    s.write_spec(NEW);
    s.expect("apply", &["--no-supervise"], 0);
    let new = manifest(&s.root);
    assert_ne!(old, new);
    let (old_files, new_files) = (files(&old), files(&new));
    let mut n = 1;
    loop {
        reset(&s.root, &template);
        let out = apply(&s, Some(n));
        if out.status.success() {
            assert_eq!(
                manifest(&s.root),
                new,
                "uninterrupted run (N = {n}) differs"
            );
            break;
        }
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("fault injection: abort after operation"),
            "N = {n}: {err}"
        );
        let now = manifest(&s.root);
        // A `log/` (added to the live `quiet`, or in a new dir) is never there without its run.
        for (path, entry) in &now {
            let parts: Vec<&str> = path.split('/').collect();
            let log_service = parts.len() >= 3 && parts[parts.len() - 3] == "sv";
            if log_service && path.ends_with("/log") && entry.starts_with("dir ") && !is_temp(path)
            {
                assert!(
                    now.contains_key(&format!("{path}/run")),
                    "N = {n}: {path} without run"
                );
            }
        }
        for (path, content) in files(&now) {
            if is_temp(path) {
                continue;
            }
            let ok = old_files.get(path) == Some(&content) || new_files.get(path) == Some(&content);
            assert!(ok, "N = {n}: {path} is neither old nor new: {content:?}");
        }
        let out = apply(&s, None);
        assert!(
            out.status.success(),
            "N = {n}: re-run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(manifest(&s.root), new, "N = {n}: re-run did not converge");
        n += 1;
        assert!(n < 2000, "apply never completed");
    }
    assert!(n > 10, "only {n} operations: fault injection is not wired");
}

#[test]
fn crash_at_every_step_of_an_update() {
    crash_every_step(Some(OLD));
}

#[test]
fn crash_at_every_step_of_a_fresh_apply() {
    crash_every_step(None);
}
