//! The stable JSON form of `runitctl status --json` (`"version": 1`). Fields are only ever
//! added within a version; absent facts are `null`, never omitted. See docs/status.md.

use super::row::{Drift, Health, Row};
use super::slot::Slot;
use super::summary::Summary;
use crate::supervise::extra::LastExit;
use serde_json::{json, Map, Value};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Version of the JSON layout.
pub const VERSION: u32 = 1;

/// Where the rows came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    Spec(&'a Path),
    ServiceDir(&'a Path),
}

/// The whole document.
pub fn render_json(source: &Source, rows: &[Row]) -> Value {
    let summary = Summary::of(rows);
    let source = match source {
        Source::Spec(p) => json!({ "spec": p.display().to_string(), "service_dir": null }),
        Source::ServiceDir(p) => json!({ "spec": null, "service_dir": p.display().to_string() }),
    };
    json!({
        "version": VERSION,
        "source": source,
        "services": rows.iter().map(row_json).collect::<Vec<_>>(),
        "summary": summary,
        "exit": summary.exit_code(),
    })
}

fn row_json(r: &Row) -> Value {
    let mut m = Map::new();
    m.insert("service".into(), json!(r.service));
    m.insert("user".into(), json!(r.user));
    m.insert("name".into(), json!(r.name));
    m.insert("dir".into(), json!(r.dir.display().to_string()));
    m.insert("enabled".into(), json!(r.enabled));
    m.insert(
        "expect".into(),
        json!(if r.expect_up { "up" } else { "down" }),
    );
    let healthy = match r.health() {
        Health::Ok => json!(true),
        Health::NotRunning => json!(false),
        Health::Unknown => Value::Null,
    };
    m.insert("healthy".into(), healthy);
    m.extend(slot_json(&r.main));
    let log = r.log.as_ref().map(|l| Value::Object(slot_json(l)));
    m.insert("log".into(), log.unwrap_or(Value::Null));
    m.insert(
        "drift".into(),
        r.drift.as_ref().map_or(Value::Null, drift_json),
    );
    Value::Object(m)
}

fn slot_json(s: &Slot) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("state".into(), json!(s.state.as_str()));
    m.insert("pid".into(), json!(s.pid()));
    m.insert("seconds".into(), json!(s.seconds));
    m.insert("since".into(), json!(s.since().map(unix_secs)));
    m.insert(
        "normally".into(),
        json!(if s.normally_down { "down" } else { "up" }),
    );
    m.insert("want".into(), json!(s.want()));
    m.insert("paused".into(), json!(s.paused()));
    m.insert("got_term".into(), json!(s.got_term()));
    let e = s.extra.as_ref();
    m.insert("starts".into(), json!(e.map(|e| e.starts)));
    m.insert("restarts".into(), json!(e.map(|e| e.restarts)));
    let last = e.and_then(|e| e.last_exit).map(|l| match l {
        LastExit::Exit(c) => json!({ "code": c, "signal": null }),
        LastExit::Signal(n) => json!({ "code": null, "signal": n }),
    });
    m.insert("last_exit".into(), last.unwrap_or(Value::Null));
    let start = e.and_then(|e| e.last_start).map(unix_secs_f64);
    m.insert("last_start".into(), json!(start));
    m.insert("error".into(), json!(s.error));
    m
}

fn drift_json(d: &Drift) -> Value {
    let paths: Vec<String> = match d {
        Drift::Changed(p) => p.iter().map(|p| p.display().to_string()).collect(),
        _ => Vec::new(),
    };
    json!({ "state": d.as_str(), "paths": paths })
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn unix_secs_f64(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
