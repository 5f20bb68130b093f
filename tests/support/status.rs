//! Helpers for the status/logs tests: write a spec's tree into a `--root` sandbox through the
//! binary (`apply --no-supervise`), run `runitctl status --json` (checked against
//! docs/status-schema.json), and parse Debian's `sv status` lines.

use super::apply::Sandbox;
use serde_json::Value;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// A sandbox with `spec` applied under its root by `runitctl apply --no-supervise`.
pub fn applied(spec_text: &str) -> Sandbox {
    let s = Sandbox::new(spec_text);
    s.expect("apply", &["--no-supervise"], 0);
    s
}

/// Whether the embedded svlogd is built yet (it lands from its own branch); until it is, the
/// embedded loggers cannot run.
pub fn embedded_svlogd_ready() -> bool {
    let out = Command::new(super::bin()).arg0("svlogd").output().unwrap();
    !String::from_utf8_lossy(&out.stderr).contains("not implemented")
}

/// `runitctl --root ROOT status SPEC --json`: (document, exit code). Every document is
/// checked against docs/status-schema.json.
pub fn status_json(s: &Sandbox) -> (Value, i32) {
    let out = s.run("status", &["--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    if serde_json::from_str::<Value>(&text).is_err() {
        panic!(
            "status --json printed no JSON:\n{text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v = super::schema::assert_valid(STATUS_SCHEMA, &text);
    (v, out.status.code().unwrap_or(-1))
}

/// The schema of `status --json`, under docs/.
pub const STATUS_SCHEMA: &str = "status-schema.json";

/// The row of `service` in a status document.
pub fn row<'a>(doc: &'a Value, service: &str) -> &'a Value {
    doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service)
        .unwrap_or_else(|| panic!("no row {service} in {doc:#}"))
}

/// One part of an `sv status` line: state and pid (None when sv prints no pid).
#[derive(Debug, PartialEq, Eq)]
pub struct SvPart {
    pub state: String,
    pub pid: Option<u32>,
}

/// Parses `run: NAME: (pid 1) 2s, …; run: log: (pid 3) 4s` into the main and log parts.
/// `fail: NAME: runsv not running` gives state `no-runsv`.
pub fn parse_sv(line: &str) -> (SvPart, Option<SvPart>) {
    let line = line.trim_end();
    if line.starts_with("fail: ") && line.ends_with("runsv not running") {
        let p = SvPart {
            state: "no-runsv".into(),
            pid: None,
        };
        return (p, None);
    }
    let mut parts = line.splitn(2, "; ");
    let main = parse_part(parts.next().unwrap());
    let log = parts.next().map(parse_part);
    (main, log)
}

fn parse_part(p: &str) -> SvPart {
    let (state, rest) = p.split_once(": ").expect("state: …");
    let pid = rest
        .split_once("(pid ")
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(n, _)| n.parse().unwrap());
    SvPart {
        state: state.to_string(),
        pid,
    }
}

/// Debian's `sv status DIR` (an absolute path is taken as is).
pub fn sv_status(dir: &Path) -> String {
    let out = Command::new("/usr/bin/sv")
        .arg("status")
        .arg(dir)
        .env_remove("SVWAIT")
        .output()
        .expect("run /usr/bin/sv");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts that a status row says what `sv status` says about the same dir: state and pid of
/// the service and of its logger.
pub fn assert_matches_sv(row: &Value) {
    let dir = Path::new(row["dir"].as_str().unwrap());
    let line = sv_status(dir);
    let (main, log) = parse_sv(&line);
    let name = &row["service"];
    assert_eq!(row["state"], main.state.as_str(), "{name}: sv says {line}");
    assert_eq!(
        row["pid"].as_u64(),
        main.pid.map(u64::from),
        "{name}: {line}"
    );
    match log {
        None => assert!(row["log"].is_null(), "{name}: sv shows no log: {line}"),
        Some(l) => {
            assert_eq!(row["log"]["state"], l.state.as_str(), "{name} log: {line}");
            let pid = row["log"]["pid"].as_u64();
            assert_eq!(pid, l.pid.map(u64::from), "{name} log: {line}");
        }
    }
}
