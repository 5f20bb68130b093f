//! `runitctl import procfile`: golden cases over `fixtures/procfile/*/` (each holds a Procfile,
//! its env files and an `args` file with one flag per line), the `--out` and default-directory
//! behaviour, and every successful import fed to `runitctl check` and `plan`.

use crate::support::bin;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `runitctl import procfile Procfile ARGS…` in `dir`.
fn import_in(dir: &Path, args: &[String]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .args(["import", "procfile", "Procfile"])
        .args(args)
        .output()
        .expect("runitctl runs")
}

fn fixture_args(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("args"))
        .expect("args file")
        .lines()
        .map(str::to_string)
        .collect()
}

fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn golden_imports() {
    insta::glob!("../fixtures/procfile", "*/args", |args_path| {
        let case = args_path.parent().unwrap();
        let out = import_in(case, &fixture_args(case));
        let name = case.file_name().unwrap().to_string_lossy();
        // error-* cases fail with exit 1 and nothing on stdout; the others succeed.
        if name.starts_with("error-") {
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert!(out.stdout.is_empty(), "{name}");
        } else {
            assert_eq!(out.status.code(), Some(0), "{name}: {}", transcript(&out));
        }
        insta::assert_snapshot!(transcript(&out));
    });
}

#[test]
fn out_writes_the_file_and_nothing_on_stdout() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("Procfile"), "web: ./web\n").unwrap();
    let target = t.path().join("services.yaml");
    std::fs::write(&target, "old").unwrap();
    let out = import_in(
        t.path(),
        &[
            "--app".into(),
            "a".into(),
            "-o".into(),
            "services.yaml".into(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(out.stdout.is_empty());
    let yaml = std::fs::read_to_string(&target).unwrap();
    assert!(yaml.contains("  a-web:\n    run: ./web\n"), "{yaml}");
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn defaults_take_app_and_cwd_from_the_procfile_directory() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("billing_api");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("Procfile"), "web: ./web\n").unwrap();
    let out = Command::new(bin())
        .current_dir(t.path())
        .args(["import", "procfile", "billing_api/./Procfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let yaml = String::from_utf8(out.stdout).unwrap();
    let cwd = app.display().to_string();
    assert!(yaml.contains("project: billing-api\n"), "{yaml}");
    assert!(
        yaml.contains(&format!(
            "  billing-api-web:\n    run: ./web\n    cwd: {cwd}\n"
        )),
        "{yaml}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: app name `billing_api` becomes `billing-api`\n"
    );
}

/// `web: bundle exec puma -p $PORT`, imported and applied: the run script runs the command
/// through exactly one shell, after chpst has loaded `env/`, so `$PORT` is expanded once, to
/// the service's port (a fake `bundle` on PATH prints the arguments it got).
#[test]
fn port_in_an_imported_command_is_expanded_once_after_chpst() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    let bin_dir = t.path().join("bin");
    std::fs::create_dir_all(&app).unwrap();
    crate::support::proc::script(&bin_dir.join("bundle"), "#!/bin/sh\necho \"args: $*\"\n");
    std::fs::write(app.join("Procfile"), "web: bundle exec puma -p $PORT\n").unwrap();
    let spec = t.path().join("services.yaml");
    let args: Vec<String> = ["--app", "shop", "--port", "5100", "-o"]
        .iter()
        .map(|a| a.to_string())
        .chain([spec.display().to_string()])
        .collect();
    let out = import_in(&app, &args);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let yaml = std::fs::read_to_string(&spec).unwrap();
    assert!(
        yaml.contains("    run: bundle exec puma -p $PORT\n"),
        "{yaml}"
    );

    let root = t.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let applied = crate::support::integrations::apply_files(&root, &spec);
    assert_eq!(applied.status.code(), Some(0), "{}", transcript(&applied));
    let svc = root.join("etc/sv/shop-web");
    let run = std::fs::read_to_string(svc.join("run")).unwrap();
    let exec = run.lines().last().unwrap();
    assert!(
        exec.ends_with("/etc/sv/shop-web/env /bin/sh -c 'exec bundle exec puma -p $PORT'"),
        "{run}"
    );
    assert_eq!(run.matches("sh -c").count(), 1, "one shell: {run}");
    // Run it as runsv would (cwd = the service dir), with the fake bundle first on PATH; the
    // script's `cd` goes to the app dir relocated under --root.
    std::fs::create_dir_all(root.join(app.strip_prefix("/").unwrap())).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin_dir.display());
    let out = Command::new("/bin/sh")
        .arg("./run")
        .current_dir(&svc)
        .env("PATH", path)
        .env_remove("PORT")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "args: exec puma -p 5100\n",
        "{}",
        transcript(&out)
    );
}

#[test]
fn a_missing_procfile_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    let out = import_in(t.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot read Procfile: No such file or directory (os error 2)\n"
    );
}

#[test]
fn every_golden_import_checks_and_plans() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procfile");
    let mut cases = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("error-") || !case.join("args").exists() {
            continue;
        }
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        std::fs::create_dir(&root).unwrap();
        let spec = t.path().join("services.yaml");
        let mut args = fixture_args(&case);
        args.extend(["--out".to_string(), spec.display().to_string()]);
        let out = import_in(&case, &args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", transcript(&out));
        crate::support::integrations::assert_checks_and_plans(&root, &spec);
        cases += 1;
    }
    assert!(cases >= 4, "only {cases} golden imports found");
}

// CI plans (examples/ci): the drift check fails a pipeline when plan finds changes. Its spec
// here is a Procfile import, planned into an empty sandbox root: everything is "drift".

fn examples_ci() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci")
}

#[test]
fn ci_examples_are_valid_yaml_and_shell() {
    use saphyr::{LoadableYamlNode, Yaml};
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(examples_ci().join(name)).unwrap();
        let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(docs[0].is_mapping(), "{name}");
        assert!(
            text.contains("drift-check.sh"),
            "{name} does not run the drift check"
        );
    }
    let out = Command::new("sh")
        .arg("-n")
        .arg(examples_ci().join("drift-check.sh"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", transcript(&out));
}

#[test]
fn drift_check_fails_on_pending_changes_and_on_bad_specs() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let spec = t.path().join("services.yaml");
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procfile/django");
    let mut args = fixture_args(&case);
    args.extend(["--out".to_string(), spec.display().to_string()]);
    assert_eq!(import_in(&case, &args).status.code(), Some(0));

    let drift = |spec: &Path| {
        Command::new(examples_ci().join("drift-check.sh"))
            .arg(spec)
            .arg("--root")
            .arg(&root)
            .env("RUNITCTL", bin())
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let out = drift(&spec);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("drift-check: DRIFT:"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("shop-py-web"),
        "the plan names the services: {}",
        transcript(&out)
    );

    // Applied (files only), the host is in sync; a hand edit is drift again.
    let applied = crate::support::integrations::apply_files(&root, &spec);
    assert_eq!(applied.status.code(), Some(0), "{}", transcript(&applied));
    let out = drift(&spec);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("drift-check: in sync"));
    let run = root.join("etc/sv/shop-py-web/run");
    let mut text = std::fs::read_to_string(&run).unwrap();
    text.push_str("# edited by hand\n");
    std::fs::write(&run, text).unwrap();
    let out = drift(&spec);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("/etc/sv/shop-py-web/run"),
        "{}",
        transcript(&out)
    );

    let bad = t.path().join("bad.yaml");
    std::fs::write(&bad, "services:\n  web:\n    rnu: ./web\n").unwrap();
    let out = drift(&bad);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid spec"));
}
