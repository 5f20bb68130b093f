//! `plan`, `apply` and `render` through the binary, in `--root` sandboxes: exit codes,
//! idempotence, drift repair, dry runs writing nothing, bad specs writing nothing, the JSON
//! schema, and `render --out`.

use crate::support::apply::{manifest, Sandbox};
use crate::support::schema;
use serde_json::Value;
use std::time::Duration;

pub const SPEC: &str = "\
project: shop
supervisor: runit
services:
  web:
    run: sleep 3600
    env: { RAILS_ENV: production, DATABASE_URL: \"postgres://db/shop\" }
    log: { size: 4096, num: 3 }
  worker:
    run: sleep 3600
    log: false
users:
  deploy:
    services:
      api: { run: sleep 3600, env: { PORT: \"5000\" } }
";

#[test]
fn plan_exits_2_before_and_0_after_apply_and_second_apply_is_a_no_op() {
    let s = Sandbox::new(SPEC);
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("/etc/sv/web/run: create"), "{plan}");
    assert!(plan.contains("web: new (runsv starts it)"), "{plan}");
    let out = s.expect("apply", &["--no-supervise"], 0);
    assert!(out.contains("applied: "), "{out}");
    assert!(s.p("etc/sv/web/run").is_file());
    assert!(s.p("home/deploy/sv/api/run").is_file());
    assert!(s.p("var/log/web/config").is_file());
    let link = std::fs::read_link(s.p("etc/service/web")).unwrap();
    assert_eq!(link, s.p("etc/sv/web"), "links are relocated under --root");
    let before = manifest(&s.root);
    let out = s.expect("plan", &[], 0);
    assert!(out.starts_with("no changes"), "{out}");
    let out = s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(out.trim(), "no changes");
    assert_eq!(manifest(&s.root), before);
}

/// Markers record the spec's canonical path: applied as `./services.yaml` from its directory,
/// the tree is in sync when planned by absolute path, through a symlink, or with `..` in it.
#[test]
fn the_same_spec_by_another_path_is_in_sync() {
    let s = Sandbox::new(SPEC);
    let dir = s.tmp.path();
    let run_in = |cwd: &std::path::Path, cmd: &str, spec: &str| {
        std::process::Command::new(crate::support::bin())
            .current_dir(cwd)
            .arg("--root")
            .arg(&s.root)
            .args([cmd, spec])
            .args(if cmd == "apply" {
                &["--no-supervise"][..]
            } else {
                &[]
            })
            .output()
            .unwrap()
    };
    let out = run_in(dir, "apply", "./services.yaml");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let marker = std::fs::read_to_string(s.p("etc/sv/web/.runitctl")).unwrap();
    let canonical = std::fs::canonicalize(&s.spec).unwrap();
    assert!(
        marker.contains(&format!("\nspec={}\n", canonical.display())),
        "{marker}"
    );
    std::os::unix::fs::symlink(&s.spec, dir.join("link.yaml")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    for (cwd, spec) in [
        (dir.to_path_buf(), s.spec.display().to_string()),
        (dir.to_path_buf(), "link.yaml".to_string()),
        (dir.join("sub"), "../services.yaml".to_string()),
    ] {
        let out = run_in(&cwd, "plan", &spec);
        assert_eq!(
            out.status.code(),
            Some(0),
            "plan {spec} from {}: {}",
            cwd.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A whole `users:` entry removed: its apps (this project's markers) and `runsvdir-<user>`
/// are pruned, apps first; hand-made services, another project's, and log dirs stay.
#[test]
fn a_removed_user_is_pruned_with_its_apps() {
    prune_removed_user(false);
}

/// The same with a `runsvdir-<user>` marker written before markers named the user's tree:
/// the spec's default `~user/sv` is scanned.
#[test]
fn a_removed_user_with_an_old_marker_is_pruned_from_the_default_tree() {
    prune_removed_user(true);
}

fn prune_removed_user(old_marker: bool) {
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let marker = s.p("etc/sv/runsvdir-deploy/.runitctl");
    let text = std::fs::read_to_string(&marker).unwrap();
    assert!(
        text.contains("\nuser_sv_dir=/home/deploy/sv\nuser_service_dir=/home/deploy/service\n"),
        "{text}"
    );
    if old_marker {
        let old: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        std::fs::write(&marker, old).unwrap();
    }
    // Beside the managed app: a hand-made service and another project's, both enabled.
    let home = s.p("home/deploy");
    for (name, marker) in [("hand", None), ("theirs", Some("project=other\n"))] {
        let dir = home.join("sv").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("run"), "#!/bin/sh\nexec sleep 1\n").unwrap();
        if let Some(m) = marker {
            std::fs::write(dir.join(".runitctl"), m).unwrap();
        }
        std::os::unix::fs::symlink(&dir, home.join("service").join(name)).unwrap();
    }
    let logs_before: Vec<_> = ["var/log/runsvdir-deploy", "home/deploy/log/api"]
        .iter()
        .filter(|l| s.p(l).is_dir())
        .collect();
    assert!(!logs_before.is_empty());

    let without_users = SPEC.split("users:").next().unwrap().to_string();
    s.write_spec(&without_users);
    let plan = s.expect("plan", &[], 2);
    let api = plan.find("/home/deploy/sv/api").expect(&plan);
    let runsvdir = plan.find("/etc/sv/runsvdir-deploy").expect(&plan);
    assert!(
        api < runsvdir,
        "apps are pruned before their runsvdir: {plan}"
    );
    assert!(!plan.contains("hand") && !plan.contains("theirs"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    for gone in [
        "etc/sv/runsvdir-deploy",
        "etc/service/runsvdir-deploy",
        "home/deploy/sv/api",
        "home/deploy/service/api",
    ] {
        assert!(
            std::fs::symlink_metadata(s.p(gone)).is_err(),
            "{gone} still there"
        );
    }
    for kept in [
        "home/deploy/sv/hand/run",
        "home/deploy/service/hand",
        "home/deploy/sv/theirs/.runitctl",
        "home/deploy/service/theirs",
    ] {
        assert!(std::fs::symlink_metadata(s.p(kept)).is_ok(), "{kept} gone");
    }
    for l in logs_before {
        assert!(s.p(l).is_dir(), "log dir {l} removed");
    }
    assert!(s.expect("plan", &[], 0).starts_with("no changes"));
}

#[test]
fn plan_and_dry_run_write_nothing() {
    let s = Sandbox::new(SPEC);
    let empty = manifest(&s.root);
    s.expect("plan", &[], 2);
    s.expect("plan", &["--format", "json"], 2);
    let out = s.expect("apply", &["--dry-run"], 0);
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert_eq!(manifest(&s.root), empty);
    s.expect("apply", &["--no-supervise"], 0);
    std::fs::write(s.p("etc/sv/web/run"), "#!/bin/sh\nexec edited\n").unwrap();
    std::fs::write(s.p("etc/sv/web/env/EXTRA"), "x\n").unwrap();
    let drifted = manifest(&s.root);
    s.expect("plan", &[], 2);
    s.expect("apply", &["--dry-run"], 0);
    assert_eq!(manifest(&s.root), drifted);
}

#[test]
fn a_spec_with_an_error_changes_nothing() {
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let before = manifest(&s.root);
    s.write_spec(&SPEC.replace(
        "run: sleep 3600\n    log: false",
        "run: sleep 3600\n    lgo: false",
    ));
    let out = s.run("apply", &["--no-supervise"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("services.yaml:"), "{err}");
    assert_eq!(manifest(&s.root), before);
    let fresh = Sandbox::new("services:\n  bad name: { run: x }\n");
    assert_eq!(
        fresh.run("apply", &["--no-supervise"]).status.code(),
        Some(1)
    );
    assert!(manifest(&fresh.root).is_empty());
}

/// One drift: what to do to the tree, and a path the plan must name.
fn drift_case(name: &str, mutate: impl Fn(&Sandbox), expect: &str) {
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let good = manifest(&s.root);
    mutate(&s);
    assert_ne!(manifest(&s.root), good, "{name}: the drift changed nothing");
    let plan = s.expect("plan", &[], 2);
    assert!(
        plan.contains(expect),
        "{name}: plan lacks `{expect}`:\n{plan}"
    );
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(manifest(&s.root), good, "{name}: not repaired");
    s.expect("plan", &[], 0);
}

#[test]
fn drift_is_shown_and_repaired() {
    use std::os::unix::fs::PermissionsExt;
    drift_case(
        "mode",
        |s| {
            let p = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(s.p("etc/sv/web/run"), p).unwrap();
        },
        "/etc/sv/web/run: mode 0644 → 0755",
    );
    drift_case(
        "edited run",
        |s| std::fs::write(s.p("etc/sv/web/run"), "#!/bin/sh\nexec evil\n").unwrap(),
        "-exec evil",
    );
    drift_case(
        "extra env",
        |s| std::fs::write(s.p("etc/sv/web/env/EXTRA"), "1\n").unwrap(),
        "/etc/sv/web/env/EXTRA: remove file (not in the spec)",
    );
    drift_case(
        "enable link",
        |s| std::fs::remove_file(s.p("home/deploy/service/api")).unwrap(),
        "/home/deploy/service/api: create link",
    );
    drift_case(
        "log config",
        |s| std::fs::remove_file(s.p("var/log/web/config")).unwrap(),
        "/var/log/web/config: create file",
    );
}

#[test]
fn env_values_are_masked_unless_asked() {
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    s.write_spec(&SPEC.replace("postgres://db/shop", "postgres://db2/shop-secret"));
    let plan = s.expect("plan", &[], 2);
    assert!(
        plan.contains("/etc/sv/web/env/DATABASE_URL: changed (19 → 27 bytes)"),
        "{plan}"
    );
    assert!(!plan.contains("shop-secret"), "{plan}");
    assert!(plan.contains("web: restart"), "{plan}");
    let shown = s.expect("plan", &["--show-secrets"], 2);
    assert!(shown.contains("+postgres://db2/shop-secret"), "{shown}");
    let json = s.expect("plan", &["--format", "json"], 2);
    assert!(!json.contains("shop-secret"), "{json}");
    let md = s.expect("plan", &["--format", "markdown"], 2);
    assert!(md.contains("### runitctl plan"), "{md}");
    assert!(!md.contains("shop-secret"), "{md}");
}

#[test]
fn colour_only_on_a_terminal() {
    let s = Sandbox::new(SPEC);
    let plain = s.expect("plan", &[], 2);
    assert!(!plain.contains('\x1b'), "piped output has escapes");
}

// --- JSON schema -------------------------------------------------------------------------

/// Checks `v` against the subset of JSON Schema the plan schema uses: type, required,
/// properties, items, enum, const, minimum, $ref to `#/$defs/…`.
const SCHEMA: &str = "plan-schema.json";

fn assert_valid(doc: &str) -> Value {
    schema::assert_valid(SCHEMA, doc)
}

#[test]
fn the_checker_rejects_what_the_schema_forbids() {
    let bad = serde_json::json!({"version": 2, "in_sync": "yes", "changes": [{"op": "explode"}]});
    let errs = schema::violations(&schema::load(SCHEMA), &bad);
    assert!(
        errs.iter().any(|e| e.contains("missing `summary`")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.contains("$.version")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("$.in_sync")), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.contains("$.changes[0].op")),
        "{errs:?}"
    );
}

#[test]
fn json_output_follows_the_schema() {
    let s = Sandbox::new(SPEC);
    let v = assert_valid(&s.expect("plan", &["--format", "json"], 2));
    assert_eq!(v["in_sync"], false);
    assert!(v["summary"]["create"].as_u64().unwrap() > 10);
    let api = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "api")
        .unwrap();
    assert_eq!(api["user"], "deploy");
    assert_eq!(api["created"], true);
    s.expect("apply", &["--no-supervise"], 0);
    // Drift of every kind the schema describes.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        s.p("etc/sv/web/run"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    std::fs::write(s.p("etc/sv/web/env/EXTRA"), "x\n").unwrap();
    std::fs::remove_file(s.p("etc/service/web")).unwrap();
    std::os::unix::fs::symlink("/nowhere", s.p("etc/service/web")).unwrap();
    s.write_spec(
        &SPEC
            .replace("size: 4096", "size: 8192")
            .replace("postgres://db/shop", "x"),
    );
    let v = assert_valid(&s.expect("plan", &["--format", "json"], 2));
    let ops: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["op"].as_str().unwrap())
        .collect();
    for op in ["update", "mode", "remove", "relink"] {
        assert!(ops.contains(&op), "{op} missing from {ops:?}");
    }
    let web = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "web")
        .unwrap();
    assert_eq!(web["actions"], serde_json::json!(["restart", "hup-log"]));
    s.expect("apply", &["--no-supervise"], 0);
    let v = assert_valid(&s.expect("plan", &["--format", "json"], 0));
    assert_eq!(v["in_sync"], true);
    assert_eq!(v["changes"], serde_json::json!([]));
}

#[test]
fn render_out_writes_an_unrelocated_tree() {
    // Without --root every user must exist: `nobody` stands in for deploy.
    let s = Sandbox::new(&SPEC.replace("  deploy:\n", "  nobody:\n    home: /home/deploy\n"));
    let out = s.tmp.path().join("image");
    let o = std::process::Command::new(crate::support::bin())
        .args(["render"])
        .arg(&s.spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_link(out.join("etc/service/web")).unwrap(),
        std::path::Path::new("/etc/sv/web")
    );
    let run = std::fs::read_to_string(out.join("etc/sv/runsvdir-nobody/run")).unwrap();
    assert!(!run.contains(out.to_str().unwrap()), "{run}");
    assert!(run.contains("/home/deploy/service"), "{run}");
    assert!(out.join("var/log/web/config").is_file());
}

/// Whether apply's stat cache for project `shop` holds an entry for each of `paths`.
fn cached(s: &Sandbox, paths: &[&str]) -> bool {
    let Ok(bytes) = std::fs::read(s.p("var/cache/runitctl/shop.stat")) else {
        return false;
    };
    paths.iter().all(|p| {
        let p = s.p(p);
        let needle = p.as_os_str().as_encoded_bytes();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

/// With every path in the stat cache, edits that keep each file's size and inode (rewritten in
/// place, chmod, a link re-pointed at a same-length target, a file added to a dir) are still
/// seen by plan and repaired by apply.
#[test]
fn the_stat_cache_never_hides_drift() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let s = Sandbox::new(SPEC);
    s.expect("apply", &["--no-supervise"], 0);
    let good = manifest(&s.root);
    let paths = [
        "etc/sv/web/run",
        "etc/sv/web/env/RAILS_ENV",
        "etc/sv/web/env",
        "etc/sv/worker/run",
        "etc/service/web",
    ];
    // A path enters the cache once its ctime is more than two seconds old: wait until every
    // one is (polling their metadata, not spawning applies), then apply once more.
    let settled = crate::support::wait_for(Duration::from_secs(20), || {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        paths
            .iter()
            .all(|p| {
                let m = std::fs::symlink_metadata(s.p(p)).unwrap();
                (m.ctime() as f64 + m.ctime_nsec() as f64 / 1e9) < now - 2.5
            })
            .then_some(())
    });
    assert!(settled.is_some(), "the tree's ctimes never settled");
    s.expect("apply", &["--no-supervise"], 0);
    assert!(cached(&s, &paths), "the stat cache did not fill");
    let dir = std::fs::metadata(s.p("var/cache/runitctl")).unwrap();
    let file = std::fs::metadata(s.p("var/cache/runitctl/shop.stat")).unwrap();
    assert_eq!((dir.mode() & 0o777, file.mode() & 0o777), (0o700, 0o600));
    assert_eq!(
        manifest(&s.root),
        good,
        "refreshing the cache changed the tree"
    );
    s.expect("plan", &[], 0);

    let run = std::fs::read_to_string(s.p("etc/sv/web/run")).unwrap();
    let edited = run.replace("sleep 3600", "sleep 3601");
    assert_ne!(run, edited);
    std::fs::write(s.p("etc/sv/web/run"), &edited).unwrap();
    std::fs::write(s.p("etc/sv/web/env/RAILS_ENV"), "productioN\n").unwrap();
    std::fs::write(s.p("etc/sv/web/env/EXTRA"), "1\n").unwrap();
    let p = std::fs::Permissions::from_mode(0o700);
    std::fs::set_permissions(s.p("etc/sv/worker/run"), p).unwrap();
    let link = s.p("etc/service/web");
    let target = std::fs::read_link(&link).unwrap();
    let other = target.with_file_name("wex");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&other, &link).unwrap();
    let plan = s.expect("plan", &[], 2);
    for expect in [
        "-exec chpst -e ./env sleep 3601",
        "/etc/sv/web/env/RAILS_ENV: changed (11 → 11 bytes)",
        "/etc/sv/web/env/EXTRA: remove file",
        "/etc/sv/worker/run: mode 0700 → 0755",
        "/etc/service/web: link → ",
    ] {
        assert!(plan.contains(expect), "plan lacks `{expect}`:\n{plan}");
    }
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(manifest(&s.root), good, "not repaired");
    s.expect("plan", &[], 0);
}

/// Finding 1b: adopting a hand-made (or Chef-made) service whose `log/run` writes to
/// `./main`: the logs in `log/main` are not in the spec, but plan shows them kept, apply leaves
/// them byte for byte, and the next plan is in sync. A stray file is still removed.
#[test]
fn an_adopted_services_log_main_is_kept_byte_for_byte() {
    let s = Sandbox::new("project: p\nsupervisor: runit\nservices:\n  web: { run: x }\n");
    let web = s.p("etc/sv/web");
    std::fs::create_dir_all(web.join("log/main")).unwrap();
    std::fs::write(web.join("run"), "#!/bin/sh\nexec x\n").unwrap();
    std::fs::write(web.join("finish"), "#!/bin/sh\n").unwrap();
    std::fs::write(web.join("log/run"), "#!/bin/sh\nexec svlogd -tt ./main\n").unwrap();
    for (name, text) in [
        ("current", "important log line\n"),
        ("lock", ""),
        ("state", "\n"),
        ("@400000006b048aed3818503c.s", "old line\n"),
        ("config", "s1000000\n"),
    ] {
        std::fs::write(web.join("log/main").join(name), text).unwrap();
    }
    let logs = manifest(&web.join("log/main"));
    let kept = "= /etc/sv/web/log/main: kept (holds svlogd logs; not in the spec)";

    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains(kept), "{plan}");
    assert!(!plan.contains("log/main: remove"), "{plan}");
    assert!(
        plan.contains("- /etc/sv/web/finish: remove file (not in the spec)"),
        "{plan}"
    );
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(manifest(&web.join("log/main")), logs, "the logs changed");
    assert!(!web.join("finish").exists());

    let plan = s.expect("plan", &[], 0);
    assert!(plan.contains(kept) && plan.contains("no changes"), "{plan}");
    let v = assert_valid(&s.expect("plan", &["--format", "json"], 0));
    assert_eq!(v["kept"][0]["path"], "/etc/sv/web/log/main");
    assert_eq!(v["kept"][0]["service"], "web");
    assert_eq!(
        s.expect("apply", &["--no-supervise"], 0).trim(),
        "no changes"
    );
    assert_eq!(manifest(&web.join("log/main")), logs, "the logs changed");

    // Out of the spec: the prune removes the definition and keeps the logs where they are.
    s.write_spec("project: p\nsupervisor: runit\nservices: {}\n");
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("/etc/sv/web: prune"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    assert_eq!(
        manifest(&web.join("log/main")),
        logs,
        "the prune changed the logs"
    );
    // The subdir holding the logs stays whole (`log/`, with its `run`); run, env and marker go.
    let left: Vec<String> = manifest(&web).into_keys().collect();
    assert!(left.iter().all(|p| p.starts_with("log")), "{left:?}");
    assert_eq!(left.len(), 3 + logs.len(), "{left:?}");
    assert!(!s.p("etc/service/web").exists());
    // Unmarked now: a hand-made dir, left alone.
    s.expect("plan", &[], 0);
}

/// A service dir another project's marker names is taken over with a warning (text and JSON):
/// two specs declaring one service undo each other on every apply, and the plan says so.
#[test]
fn taking_over_another_projects_service_is_warned_about() {
    let spec = |project: &str| {
        format!("project: {project}\nsupervisor: runit\nservices:\n  web: {{ run: sleep 1 }}\n")
    };
    let s = Sandbox::new(&spec("team-a"));
    s.expect("apply", &["--no-supervise"], 0);
    s.write_spec(&spec("team-b"));
    let warning = "! /etc/sv/web: taken over from project `team-a`";
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains(warning), "{plan}");
    let v = assert_valid(&s.expect("plan", &["--format", "json"], 2));
    assert_eq!(v["takeovers"][0]["from"], "team-a");
    assert_eq!(v["takeovers"][0]["path"], "/etc/sv/web");
    assert_eq!(v["takeovers"][0]["service"], "web");
    let out = s.expect("apply", &["--no-supervise"], 0);
    assert!(out.contains(warning), "{out}");
    let plan = s.expect("plan", &[], 0);
    assert!(!plan.contains("taken over"), "{plan}");
}

/// Plan and prune agree on which logs are kept: logs four levels down (`log/a/b/c/current`),
/// kept by plan while the service is in the spec, survive its prune.
#[test]
fn logs_plan_keeps_survive_the_prune() {
    let s =
        Sandbox::new("project: p\nsupervisor: runit\nservices:\n  web: { run: x, log: false }\n");
    let web = s.p("etc/sv/web");
    std::fs::create_dir_all(web.join("log/a/b/c")).unwrap();
    std::fs::write(web.join("run"), "#!/bin/sh\nexec x\n").unwrap();
    std::fs::write(web.join("log/a/b/c/current"), "precious\n").unwrap();
    let plan = s.expect("plan", &[], 2);
    assert!(plan.contains("= /etc/sv/web/log: kept"), "{plan}");
    s.expect("apply", &["--no-supervise"], 0);
    s.write_spec("project: p\nsupervisor: runit\nservices: {}\n");
    s.expect("apply", &["--no-supervise"], 0);
    let kept = std::fs::read_to_string(web.join("log/a/b/c/current")).unwrap();
    assert_eq!(kept, "precious\n");
    assert!(!web.join("run").exists() && !web.join(".runitctl").exists());
    s.expect("plan", &[], 0);
}
