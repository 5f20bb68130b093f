//! Helpers for the pipeline-integration tests: run `runitctl check` and `plan` on a generated
//! spec inside a temp `--root`, and find Ruby (required in CI, skipped with a message locally).

use super::bin;
use std::path::Path;
use std::process::{Command, Output};

/// `runitctl --root ROOT check SPEC`.
pub fn check(root: &Path, spec: &Path) -> Output {
    Command::new(bin())
        .arg("--root")
        .arg(root)
        .arg("check")
        .arg(spec)
        .output()
        .expect("runitctl runs")
}

/// `runitctl --root ROOT plan --format json SPEC`.
pub fn plan_json(root: &Path, spec: &Path) -> Output {
    Command::new(bin())
        .arg("--root")
        .arg(root)
        .args(["plan", "--format", "json"])
        .arg(spec)
        .output()
        .expect("runitctl runs")
}

/// Exit code, stdout and stderr, for assertion messages.
pub fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Asserts that `spec` is valid and that planning it into an empty root finds changes
/// (exit 2) with a version-1 JSON plan; returns the plan's stdout.
pub fn assert_checks_and_plans(root: &Path, spec: &Path) -> String {
    let c = check(root, spec);
    assert_eq!(
        c.status.code(),
        Some(0),
        "check {}: {}",
        spec.display(),
        describe(&c)
    );
    let p = plan_json(root, spec);
    assert_eq!(
        p.status.code(),
        Some(2),
        "plan {}: {}",
        spec.display(),
        describe(&p)
    );
    let text = String::from_utf8(p.stdout).expect("plan JSON is UTF-8");
    let v: serde_json::Value = serde_json::from_str(&text).expect("plan --format json prints JSON");
    assert_eq!(v["version"], 1, "{text}");
    assert_eq!(v["in_sync"], false, "{text}");
    text
}

/// Whether `ruby` can run. In CI (`CI` set) a missing ruby is a failure; elsewhere the caller
/// skips with a printed message.
pub fn ruby_available(test: &str) -> bool {
    let ok = Command::new("ruby")
        .arg("-e")
        .arg("require 'minitest'; require 'json'")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: ruby with minitest and json is required in CI (apt-get install ruby)");
        }
        eprintln!("{test}: skipped: ruby (with minitest and json) is not installed");
    }
    ok
}

/// `runitctl --root ROOT apply --no-supervise SPEC` (files only: no process is started).
pub fn apply_files(root: &Path, spec: &Path) -> Output {
    Command::new(bin())
        .arg("--root")
        .arg(root)
        .args(["apply", "--no-supervise"])
        .arg(spec)
        .output()
        .expect("runitctl runs")
}
