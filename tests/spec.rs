//! The spec stage: golden error texts for every bad-input case in `fixtures/bad/<rule>/`
//! (in-process, against the fixture user database), and `runitctl check` as a spawned binary.

use runitctl::spec::{load, LoadOptions};
use runitctl::users::FileUsers;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The path relative to the crate root, as a user would type it on the command line.
fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(manifest_dir())
        .unwrap_or(path)
        .to_path_buf()
}

fn fixture_users() -> FileUsers {
    FileUsers::load(&manifest_dir().join("fixtures/users"), "root").expect("fixtures/users")
}

#[test]
fn bad_specs_report_every_problem_exactly() {
    let users = fixture_users();
    insta::glob!("../fixtures/bad", "*/services.yaml", |path| {
        let opts = LoadOptions {
            root: None,
            users: &users,
            runit_installed: false,
        };
        // Paths in diagnostics are shown as given: run from the crate root with a relative path.
        let rel = relative(path);
        let shown = std::env::current_dir()
            .ok()
            .filter(|d| d == &manifest_dir())
            .map_or_else(|| path.to_path_buf(), |_| rel.clone());
        match load(&shown, &opts) {
            Ok(_) => panic!("{} loaded, but it is a bad case", rel.display()),
            Err(d) => insta::assert_snapshot!(d.to_string()),
        }
    });
}

#[test]
fn there_are_at_least_fifteen_bad_cases() {
    let n = std::fs::read_dir(manifest_dir().join("fixtures/bad"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().join("services.yaml").is_file())
        })
        .count();
    assert!(n >= 15, "only {n} bad cases");
}

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(crate::support::bin())
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .expect("spawn runitctl");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_accepts_the_quickstart_in_a_sandbox() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().to_str().unwrap();
    let (code, out, err) = check(&["--root", root, "check", "fixtures/quickstart/services.yaml"]);
    assert_eq!(code, 0, "stderr: {err}");
    assert_eq!(
        out,
        "ok: fixtures/quickstart/services.yaml (3 services, 1 user)\n"
    );
    // Whether `deploy` exists here decides if a mapping warning is printed; nothing else may be.
    for line in err.lines() {
        assert!(
            line.starts_with("warning: not found on this host, mapped to the invoking user"),
            "unexpected stderr line: {line}"
        );
    }
    assert!(err.lines().count() <= 1, "{err}");
}

#[test]
fn check_lists_every_problem_then_a_count_and_exits_1() {
    let (code, out, err) = check(&["check", "fixtures/bad/many-problems-at-once/services.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    let heads: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("fixtures/bad/"))
        .collect();
    assert!(heads.len() >= 8, "{err}");
    let mut sorted = heads.clone();
    sorted.sort_by_key(|h| {
        let mut it = h.split(':').skip(1).map(|n| n.parse::<usize>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    });
    assert_eq!(heads, sorted, "diagnostics must be sorted by position");
    assert!(
        err.ends_with(&format!(
            "error: {} problems in fixtures/bad/many-problems-at-once/services.yaml\n",
            heads.len()
        )),
        "{err}"
    );
}

#[test]
fn check_without_root_rejects_a_user_missing_on_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("services.yaml");
    std::fs::write(
        &spec,
        "services:\n  web:\n    run: ./web\n    user: runitctl-no-such-user\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let (code, _, err) = check(&["check", spec]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!(
            "{spec}:4:11: error: unknown user `runitctl-no-such-user`\n"
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!("error: 1 problem in {spec}\n")),
        "{err}"
    );

    // The same spec under --root maps the user to whoever runs check, with one warning.
    let root = dir.path().join("root");
    let (code, out, err) = check(&["--root", root.to_str().unwrap(), "check", spec]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("ok: {spec} (1 service, 0 users)\n"));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("user `runitctl-no-such-user`"), "{err}");
}

#[test]
fn check_reports_a_missing_file() {
    let (code, out, err) = check(&["check", "fixtures/bad/no-such-case/services.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.starts_with("fixtures/bad/no-such-case/services.yaml: error: cannot read the spec"),
        "{err}"
    );
}

/// Templates are rendered by `check` too (a spec check accepts is one plan can use), and every
/// failing template is reported, by check and by plan alike.
#[test]
fn check_and_plan_report_every_template_that_fails() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("tpl")).unwrap();
    std::fs::write(t.path().join("tpl/a.hbs"), "#!/bin/sh\nexec {{nosuch}}\n").unwrap();
    std::fs::write(t.path().join("tpl/b.hbs"), "#!/bin/sh\n{{#if x}}\n").unwrap();
    std::fs::write(t.path().join("tpl/ok.hbs"), "#!/bin/sh\nexec sleep 1\n").unwrap();
    let spec = t.path().join("services.yaml");
    std::fs::write(
        &spec,
        "services:\n  a: { template: tpl/a.hbs }\n  b: { template: tpl/b.hbs }\n  \
         c: { template: tpl/ok.hbs }\n",
    )
    .unwrap();
    let root = t.path().join("root");
    let spec = spec.to_str().unwrap();
    for cmd in ["check", "plan"] {
        let (code, out, err) = check(&["--root", root.to_str().unwrap(), cmd, spec]);
        assert_eq!(code, 1, "{cmd}: {out}{err}");
        assert!(!out.starts_with("ok:"), "{cmd}: {out}");
        for service in ["service a)", "service b)"] {
            assert!(
                err.contains(service),
                "{cmd} does not name {service}: {err}"
            );
        }
        assert!(!err.contains("service c)"), "{err}");
    }
    assert!(!root.exists() || std::fs::read_dir(&root).unwrap().next().is_none());
}

/// Owner markers hold the spec's path on a line of its own: a path with a newline would forge
/// marker lines, so it is refused before anything is read or written.
#[test]
fn a_spec_path_with_a_control_character_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let spec = t.path().join("a\nhash=forged.yaml");
    std::fs::write(&spec, "services:\n  a: { run: x }\n").unwrap();
    for cmd in ["check", "plan"] {
        let (code, out, err) = check(&[
            "--root",
            t.path().to_str().unwrap(),
            cmd,
            spec.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{cmd}: {out}{err}");
        assert!(err.contains("holds a control character"), "{err}");
    }
}
