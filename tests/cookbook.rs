//! The Chef cookbook (`cookbook/`): every Ruby file passes `ruby -c`, the library's minitest
//! suite passes, and the spec the library writes for a realistic node is accepted by
//! `runitctl check` and planned by `runitctl plan`, whose JSON the library then reads back.

use crate::support::integrations::{assert_checks_and_plans, describe, ruby_available};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cookbook() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cookbook")
}

#[test]
fn every_ruby_file_parses() {
    if !ruby_available("every_ruby_file_parses") {
        return;
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(cookbook())
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rb"))
        .collect();
    for required in [
        "metadata.rb",
        "libraries/runitctl_spec.rb",
        "resources/service.rb",
        "resources/apply.rb",
        "recipes/default.rb",
        "attributes/default.rb",
    ] {
        assert!(
            files.contains(&cookbook().join(required)),
            "{required} missing"
        );
    }
    for f in &files {
        let out = Command::new("ruby").arg("-wc").arg(f).output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "ruby -wc {}: {}",
            f.display(),
            describe(&out)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "Syntax OK\n");
    }
}

#[test]
fn minitest_suite_passes() {
    if !ruby_available("minitest_suite_passes") {
        return;
    }
    let out = Command::new("ruby")
        .current_dir(cookbook())
        .args(["test/test_runitctl_spec.rb", "--seed", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", describe(&out));
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(", 0 failures, 0 errors, 0 skips") && !last.starts_with("0 runs"),
        "{text}"
    );
}

/// The node spec the library prints, written where `runitctl` can read it.
fn node_spec(dir: &Path) -> PathBuf {
    let out = Command::new("ruby")
        .current_dir(cookbook())
        .arg("test/print_node_spec.rb")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let spec = dir.join("services.json");
    std::fs::write(&spec, &out.stdout).unwrap();
    spec
}

#[test]
fn library_spec_for_a_realistic_node_checks_and_plans() {
    if !ruby_available("library_spec_for_a_realistic_node_checks_and_plans") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let spec = node_spec(t.path());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&spec).unwrap()).unwrap();
    assert_eq!(json["services"]["shop-web"]["instances"], 2);
    let plan = assert_checks_and_plans(&root, &spec);

    // The library reads runitctl's own plan JSON: changed, every new service listed as created.
    let plan_file = t.path().join("plan.json");
    std::fs::write(&plan_file, &plan).unwrap();
    let out = Command::new("ruby")
        .current_dir(cookbook())
        .arg("-e")
        .arg(
            "require_relative 'libraries/runitctl_spec'; \
             p = RunitctlCookbook::Plan.from_result(2, File.read(ARGV[0])); \
             puts p.changed?; puts p.changed_services.sort.join(','); \
             puts p.created?('shop-web-1')",
        )
        .arg(&plan_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("true"), "{text}");
    let names = lines.next().unwrap_or_default();
    for svc in ["shop-web-1", "shop-web-2", "shop-worker", "api"] {
        assert!(names.split(',').any(|n| n == svc), "{svc} not in {names}");
    }
    assert_eq!(lines.next(), Some("true"), "shop-web-1 is new: {text}");

    // After apply (files only), plan exits 0 and the library reads "in sync": the cookbook
    // would not run apply again, and would notify nobody.
    let applied = crate::support::integrations::apply_files(&root, &spec);
    assert_eq!(applied.status.code(), Some(0), "{}", describe(&applied));
    let again = crate::support::integrations::plan_json(&root, &spec);
    assert_eq!(again.status.code(), Some(0), "{}", describe(&again));
    std::fs::write(&plan_file, &again.stdout).unwrap();
    let out = Command::new("ruby")
        .current_dir(cookbook())
        .arg("-e")
        .arg(
            "require_relative 'libraries/runitctl_spec'; \
             p = RunitctlCookbook::Plan.from_result(0, File.read(ARGV[0])); \
             puts p.changed?; puts p.describe",
        )
        .arg(&plan_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "false\nin sync\n");
}
