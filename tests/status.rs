//! `runitctl status` against real supervisors in `--root` sandboxes: the JSON agrees with
//! Debian's `sv status` (state and pid, service and logger) for system and per-user services,
//! under Debian's runsvdir/runsv and under the embedded ones; restarts and last exit from the
//! embedded supervisor's record; drift; exit codes; the table; `$SVDIR` scanning.

use crate::support::proc::{command, debian_runit, spawn, Imp, Running};
use crate::support::schema;
use crate::support::status::{
    applied, assert_matches_sv, parse_sv, row, status_json, STATUS_SCHEMA,
};
use crate::support::{bin, wait_for};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

fn spec(supervisor: &str) -> String {
    format!(
        "\
project: st
supervisor: {supervisor}
services:
  web:
    run: sh -c 'echo web started; exec sleep 3600'
    log: {{ size: 4096, num: 3 }}
  idle:
    run: sleep 3600
    down: true
    log: false
users:
  deploy:
    services:
      api: {{ run: sleep 3600 }}
"
    )
}

/// Starts runsvdir of `imp` on the sandbox's `etc/service`.
fn start_runsvdir(imp: Imp, scan: &std::path::Path) -> Running {
    let mut c = command(imp, "runsvdir");
    c.arg(scan).stdout(Stdio::null()).stderr(Stdio::null());
    spawn(c)
}

/// Polls status --json until every service that should run runs, with its logger.
fn wait_all_up(s: &crate::support::apply::Sandbox) -> Value {
    wait_for(LIMIT, || {
        let (v, code) = status_json(s);
        (code == 0).then_some(v)
    })
    .unwrap_or_else(|| panic!("services did not come up: {:#}", status_json(s).0))
}

/// The JSON a `status --json` run printed, checked against docs/status-schema.json.
fn valid_status(out: &std::process::Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        serde_json::from_str::<Value>(&text).is_ok(),
        "no JSON: {text}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    schema::assert_valid(STATUS_SCHEMA, &text)
}

fn check_against_sv(doc: &Value) {
    let services: Vec<&str> = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["idle", "web", "runsvdir-deploy", "deploy/api"]);
    for r in doc["services"].as_array().unwrap() {
        assert_matches_sv(r);
    }
}

#[test]
fn json_matches_debian_sv_under_debian_runsvdir() {
    if !debian_runit("json_matches_debian_sv_under_debian_runsvdir") {
        return;
    }
    let s = applied(&spec("runit"));
    let _r = start_runsvdir(Imp::Debian, &s.p("etc/service"));
    let doc = wait_all_up(&s);
    assert_eq!(doc["version"], 1);
    check_against_sv(&doc);
    let web = row(&doc, "web");
    assert_eq!(web["state"], "run");
    assert_eq!(web["enabled"], true);
    assert_eq!(web["drift"]["state"], "in-sync");
    // Debian's runsv keeps no extra record: restarts and last exit are blank.
    assert!(web["restarts"].is_null() && web["last_exit"].is_null());
    let idle = row(&doc, "idle");
    assert_eq!(
        (&idle["state"], &idle["expect"]),
        (&"down".into(), &"down".into())
    );
    let api = row(&doc, "deploy/api");
    assert_eq!(api["user"], "deploy");
    assert!(api["pid"].as_u64().unwrap() > 1);
    assert_eq!(doc["exit"], 0);

    // Stopping a service that should run: exit 3, and sv still agrees.
    let (_, rc) = crate::support::proc::sv(&s.p("etc/service"), &["down", "./web"]);
    assert_eq!(rc, 0);
    let doc = wait_for(LIMIT, || {
        let (v, code) = status_json(&s);
        (code == 3 && row(&v, "web")["state"] == "down").then_some(v)
    })
    .expect("web reported down with exit 3");
    assert_eq!(row(&doc, "web")["healthy"], false);
    assert_eq!(row(&doc, "web")["want"], "down");
    check_against_sv(&doc);
    crate::support::proc::sv(&s.p("etc/service"), &["up", "./web"]);
    wait_all_up(&s);

    // Drift: a hand-edited run script is reported with its path; exit 2.
    let run = s.p("etc/sv/web/run");
    let mut text = std::fs::read_to_string(&run).unwrap();
    text.push_str("# edited\n");
    std::fs::write(&run, text).unwrap();
    let (doc, code) = status_json(&s);
    assert_eq!(code, 2, "{doc:#}");
    let drift = &row(&doc, "web")["drift"];
    assert_eq!(drift["state"], "changed");
    assert_eq!(drift["paths"][0], "/etc/sv/web/run");
    assert_eq!(row(&doc, "deploy/api")["drift"]["state"], "in-sync");

    // The table names the same facts.
    let table = String::from_utf8(s.run("status", &[]).stdout).unwrap();
    let head = table.lines().next().unwrap();
    assert!(
        head.starts_with("SERVICE") && head.contains("LAST EXIT") && head.ends_with("DRIFT"),
        "{table}"
    );
    let web_line = table.lines().find(|l| l.starts_with("web ")).unwrap();
    assert!(
        web_line.contains(" run ") && web_line.contains("yes (1)"),
        "{table}"
    );
    assert!(table.contains("web: differs: /etc/sv/web/run"), "{table}");
    assert!(!table.contains('\x1b'), "no colour off a terminal: {table}");
}

#[test]
fn json_matches_debian_sv_under_embedded_supervisor_with_restarts() {
    if !debian_runit("json_matches_debian_sv_under_embedded_supervisor_with_restarts") {
        return;
    }
    let text = spec("embedded").replace(
        "users:",
        "  flap:\n    run: sh -c 'sleep 0.3; exit 3'\n    log: false\nusers:",
    );
    let s = applied(&text);
    let _r = start_runsvdir(Imp::Embedded, &s.p("etc/service"));
    // Everything but the crash-looping flap comes up; flap restarts and says how it ended.
    let doc = wait_for(LIMIT, || {
        let (v, _) = status_json(&s);
        // The extra record lands a moment after `status`: wait for web's too.
        let ok = ["web", "runsvdir-deploy", "deploy/api"]
            .iter()
            .all(|n| row(&v, n)["healthy"] == true && !row(&v, n)["starts"].is_null());
        let flap = row(&v, "flap");
        let flapped =
            flap["restarts"].as_u64().is_some_and(|n| n >= 1) && flap["last_exit"]["code"] == 3;
        (ok && flapped).then_some(v)
    })
    .unwrap_or_else(|| panic!("no restart seen: {:#}", status_json(&s).0));
    for r in doc["services"].as_array().unwrap() {
        if r["service"] != "flap" {
            assert_matches_sv(r);
        }
    }
    let web = row(&doc, "web");
    assert_eq!(web["restarts"], 0);
    assert_eq!(web["starts"], 1);
    assert!(web["last_start"].as_f64().unwrap() > 1.7e9);
    assert!(row(&doc, "web")["log"]["restarts"].as_u64() < Some(1));
    let flap = row(&doc, "flap");
    assert!(flap["last_exit"]["signal"].is_null());
    // Between two runs (runsv's 1 s pause) the crash loop shows as down, want up: exit 3.
    let doc = wait_for(LIMIT, || {
        let (v, code) = status_json(&s);
        (code == 3 && row(&v, "flap")["state"] == "down").then_some(v)
    })
    .expect("flap seen down with exit 3");
    assert_eq!(row(&doc, "flap")["want"], "up");
}

#[test]
fn without_a_spec_scans_svdir_under_root_and_a_given_dir() {
    if !debian_runit("without_a_spec_scans_svdir_under_root_and_a_given_dir") {
        return;
    }
    let s = applied(&spec("runit"));
    let _r = start_runsvdir(Imp::Debian, &s.p("etc/service"));
    wait_all_up(&s);
    // --root without SPEC: ROOT/etc/service.
    let out = Command::new(bin())
        .arg("--root")
        .arg(&s.root)
        .args(["status", "--json"])
        .env_remove("SVDIR")
        .output()
        .unwrap();
    let doc = valid_status(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    let names: Vec<&str> = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["idle", "runsvdir-deploy", "web"]);
    assert!(doc["source"]["spec"].is_null());
    for r in doc["services"].as_array().unwrap() {
        assert!(r["drift"].is_null());
        assert_matches_sv(r);
    }
    // $SVDIR, and a directory given instead of a spec (a user's service dir).
    let user_dir = s.p("home/deploy/service");
    for cmd in [
        vec!["status".to_string(), "--json".into()],
        vec![
            "status".into(),
            user_dir.display().to_string(),
            "--json".into(),
        ],
    ] {
        let out = Command::new(bin())
            .args(&cmd)
            .env("SVDIR", &user_dir)
            .output()
            .unwrap();
        let doc = valid_status(&out);
        assert_eq!(doc["services"].as_array().unwrap().len(), 1, "{doc:#}");
        assert_matches_sv(row(&doc, "api"));
    }
    // A missing directory is an error.
    let out = Command::new(bin())
        .args(["status"])
        .env("SVDIR", s.p("nope"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope: file does not exist"), "{err}");
}

#[test]
fn runsv_gone_and_never_applied_and_bad_spec() {
    // No supervisor at all: the tree applied but nothing runs → no runsv yet, exit 3.
    let s = applied(&spec("runit"));
    let (doc, code) = status_json(&s);
    assert_eq!(code, 3);
    let web = row(&doc, "web");
    assert_eq!(web["state"], "unsupervised");
    assert_eq!(web["log"]["state"], "unsupervised");
    assert!(web["pid"].is_null());
    // A service added to the spec but not applied: missing.
    s.write_spec(&spec("runit").replace("users:", "  extra: { run: sleep 1 }\nusers:"));
    let (doc, _) = status_json(&s);
    let extra = row(&doc, "extra");
    assert_eq!(extra["state"], "missing");
    assert_eq!(extra["drift"]["state"], "missing");
    assert_eq!(extra["enabled"], false);
    // Removed from the spec: this project's service shows as "prune".
    s.write_spec(&spec("runit").replace(
        "  idle:\n    run: sleep 3600\n    down: true\n    log: false\n",
        "",
    ));
    let (doc, _) = status_json(&s);
    assert_eq!(row(&doc, "idle")["drift"]["state"], "prune");
    // A bad spec: diagnostics, exit 1, nothing on stdout.
    s.write_spec("services:\n  web: { runn: x }\n");
    let out = s.run("status", &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("services.yaml:2:"), "{err}");
}

#[test]
fn sv_line_parser() {
    let (m, l) = parse_sv("run: /x/web: (pid 8560) 2s; run: log: (pid 8559) 2s\n");
    assert_eq!((m.state.as_str(), m.pid), ("run", Some(8560)));
    let l = l.unwrap();
    assert_eq!((l.state.as_str(), l.pid), ("run", Some(8559)));
    let (m, l) = parse_sv("down: /x/idle: 5s, normally down\n");
    assert_eq!((m.state.as_str(), m.pid, l), ("down", None, None));
    let (m, _) = parse_sv("fail: /x/a: runsv not running\n");
    assert_eq!(m.state, "no-runsv");
}

#[test]
fn a_user_who_may_not_read_supervise_gets_unknown_and_exit_1() {
    let name = "a_user_who_may_not_read_supervise_gets_unknown_and_exit_1";
    if !debian_runit(name) || !crate::support::apply::am_root(name) {
        return;
    }
    let s = applied(&spec("runit"));
    let _r = start_runsvdir(Imp::Debian, &s.p("etc/service"));
    wait_all_up(&s);
    // Let nobody reach the sandbox; supervise/ stays 0700 root, as runsv makes it.
    use std::os::unix::fs::PermissionsExt;
    for d in [s.tmp.path(), s.root.as_path()] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new("/usr/bin/chpst")
        .args(["-u", "nobody"])
        .arg(crate::support::bin_for_anyone())
        .arg("status")
        .arg(s.p("etc/service"))
        .arg("--json")
        .output()
        .unwrap();
    let doc = valid_status(&out);
    let web = row(&doc, "web");
    assert_eq!(web["state"], "unknown");
    assert_eq!(web["error"], "unable to open supervise/ok: access denied");
    assert!(web["healthy"].is_null());
    assert!(web["pid"].is_null());
    assert_eq!(
        row(&doc, "idle")["healthy"],
        true,
        "should be down: no matter"
    );
    assert_eq!(doc["summary"]["unknown"], 2, "web and runsvdir-deploy");
    assert_eq!(out.status.code(), Some(1));
}

/// The JSON keys docs/status.md promises, always present (null when they do not apply).
#[test]
fn json_keys_are_stable() {
    let s = applied(&spec("runit"));
    let (doc, _) = status_json(&s);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&doc),
        ["exit", "services", "source", "summary", "version"]
    );
    assert_eq!(keys(&doc["source"]), ["service_dir", "spec"]);
    assert_eq!(
        keys(&doc["summary"]),
        ["drifted", "not_running", "running", "services", "unknown"]
    );
    let slot = [
        "error",
        "got_term",
        "last_exit",
        "last_start",
        "normally",
        "paused",
        "pid",
        "restarts",
        "seconds",
        "since",
        "starts",
        "state",
        "want",
    ];
    let mut row_keys: Vec<&str> = slot.to_vec();
    row_keys.extend([
        "dir", "drift", "enabled", "expect", "healthy", "log", "name", "service", "user",
    ]);
    row_keys.sort();
    for r in doc["services"].as_array().unwrap() {
        assert_eq!(keys(r), row_keys, "{r:#}");
        if !r["log"].is_null() {
            assert_eq!(keys(&r["log"]), slot, "{r:#}");
        }
        assert_eq!(keys(&r["drift"]), ["paths", "state"]);
    }
    assert!(!row(&doc, "web")["log"].is_null());
}

#[test]
fn the_status_schema_rejects_what_it_forbids() {
    let bad = serde_json::json!({
        "version": 1,
        "source": { "spec": null, "service_dir": "/etc/service" },
        "services": [{
            "service": "web", "state": "running", "pid": 0, "expect": "maybe",
            "log": { "state": "run" }, "drift": { "state": "in-sync", "paths": [] },
            "last_start": "yesterday"
        }],
        "exit": 4
    });
    let errs = schema::violations(&schema::load(STATUS_SCHEMA), &bad);
    for want in [
        "$: missing `summary`",
        "$.exit: 4 not in",
        "$.services[0]: missing `healthy`",
        "$.services[0].state: \"running\" not in",
        "$.services[0].pid: 0 < 1",
        "$.services[0].expect:",
        "$.services[0].log: ",
        "$.services[0].last_start:",
    ] {
        assert!(
            errs.iter().any(|e| e.starts_with(want)),
            "{want}: {errs:#?}"
        );
    }
}
