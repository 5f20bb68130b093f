//! One service's keys as written (a service under `services:`, a user's app, or `defaults:`),
//! each checked for shape and kept with its position; and how `defaults:` merges under them.
//!
//! Rules that need the user database or the whole spec (users, `~`, names after expansion) are
//! checked later, in [`super::resolve`].

use super::diag::Problems;
use super::fields::{boolean, known, line, map, string, uint, Place, Sp};
use super::log::{parse_log, RawLog};
use super::node::{Node, Pos, ScalarKind, Value};
use super::suggest::did_you_mean;
use std::collections::BTreeMap;

/// Every key a service may have.
pub const SERVICE_KEYS: &[&str] = &[
    "run",
    "script",
    "template",
    "user",
    "group",
    "cwd",
    "env",
    "umask",
    "limits",
    "finish",
    "check",
    "control",
    "down",
    "enabled",
    "restart_on_update",
    "stop_timeout",
    "start_timeout",
    "instances",
    "port",
    "log",
];

/// `limits:` keys, in chpst option order.
pub const LIMIT_KEYS: &[&str] = &[
    "memory", "data", "nofile", "nproc", "fsize", "core", "rss", "cpu",
];

/// runsv's command letters: the only valid `control/<letter>` names.
pub const CONTROL_LETTERS: &[char] = &[
    'u', 'd', 'o', 'x', 't', 'k', 'p', 'c', 'h', 'a', 'i', 'q', '1', '2',
];

/// Words YAML 1.1 reads as booleans (saphyr's YAML 1.2 reads them as strings), lowercased.
const YAML11_BOOLS: &[&str] = &["y", "yes", "n", "no", "on", "off"];

/// A service's keys, shape-checked, not yet merged or resolved.
#[derive(Clone, Debug, Default)]
pub struct RawService {
    pub run: Option<Sp<String>>,
    pub script: Option<Sp<String>>,
    pub template: Option<Sp<String>>,
    pub user: Option<Sp<String>>,
    pub group: Option<Sp<String>>,
    pub cwd: Option<Sp<String>>,
    /// Name → value (with the value's position).
    pub env: BTreeMap<String, Sp<String>>,
    pub umask: Option<String>,
    /// `limits:` key → value.
    pub limits: BTreeMap<String, u64>,
    pub finish: Option<String>,
    pub check: Option<String>,
    pub control: BTreeMap<char, String>,
    pub down: Option<bool>,
    pub enabled: Option<bool>,
    pub restart_on_update: Option<bool>,
    pub stop_timeout: Option<u32>,
    pub start_timeout: Option<u32>,
    pub instances: Option<Sp<u32>>,
    pub port: Option<Sp<u16>>,
    pub log: Option<RawLog>,
    /// Which of `run`/`script`/`template` were written, at their keys (even if invalid).
    pub sources: Vec<(&'static str, Pos)>,
    /// A run source was attempted but misspelt or invalid: "has none of …" would only repeat it.
    pub source_attempted: bool,
}

impl RawService {
    /// `self` (a service) over `defaults`: the service's keys win; `env`, `limits`, `control`
    /// and `log` merge key by key.
    pub fn merged_over(mut self, defaults: &RawService) -> RawService {
        let d = defaults.clone();
        macro_rules! or {
            ($($f:ident),*) => { $( self.$f = self.$f.or(d.$f); )* };
        }
        or!(
            run,
            script,
            template,
            user,
            group,
            cwd,
            umask,
            finish,
            check,
            down,
            enabled,
            restart_on_update,
            stop_timeout,
            start_timeout,
            instances,
            port
        );
        for (k, v) in d.env {
            self.env.entry(k).or_insert(v);
        }
        for (k, v) in d.limits {
            self.limits.entry(k).or_insert(v);
        }
        for (k, v) in d.control {
            self.control.entry(k).or_insert(v);
        }
        self.log = match (self.log, d.log) {
            (Some(RawLog::On(s)), Some(RawLog::On(d))) => {
                Some(RawLog::On(Box::new(s.merged_over(*d))))
            }
            (Some(s), _) => Some(s),
            (None, d) => d,
        };
        self
    }
}

/// Parses one service mapping. In `defaults` mode, `run`/`script`/`template` are errors.
pub fn parse_service(node: &Node, place: &Place, defaults: bool, p: &mut Problems) -> RawService {
    let mut s = RawService::default();
    let Value::Map(entries) = &node.value else {
        p.error(
            node.pos,
            format!(
                "{} must be a mapping of keys, found {}",
                place.0,
                node.describe()
            ),
        );
        return s;
    };
    for (k, v) in entries {
        let Some(key) = super::fields::key_text(k, p) else {
            continue;
        };
        let key = Sp { v: key, pos: k.pos };
        if !known(&key, SERVICE_KEYS, place, p) {
            if matches!(
                did_you_mean(&key.v, SERVICE_KEYS),
                Some("run" | "script" | "template")
            ) {
                s.source_attempted = true;
            }
            continue;
        }
        let name = key.v.as_str();
        for source in ["run", "script", "template"] {
            if name == source && !defaults {
                s.sources.push((source, key.pos));
            }
        }
        if defaults && matches!(name, "run" | "script" | "template") {
            p.error_help(
                key.pos,
                format!("`{name}` cannot be set in `defaults`"),
                "every service says how it runs itself",
            );
            continue;
        }
        let what = name;
        match name {
            "run" => s.run = run_line(v, place, p),
            "script" => s.script = script(v, place, p),
            "template" => s.template = line(v, what, place, p),
            "user" => s.user = line(v, what, place, p),
            "group" => s.group = line(v, what, place, p),
            "cwd" => s.cwd = super::fields::path(v, what, true, place, p),
            "env" => s.env = super::env::parse_env(v, place, p),
            "umask" => s.umask = umask(v, place, p),
            "limits" => s.limits = limits(v, place, p),
            "finish" => s.finish = body(v, what, place, p),
            "check" => s.check = body(v, what, place, p),
            "control" => s.control = control(v, place, p),
            "down" => s.down = boolean(v, what, place, p),
            "enabled" => s.enabled = boolean(v, what, place, p),
            "restart_on_update" => s.restart_on_update = boolean(v, what, place, p),
            "stop_timeout" | "start_timeout" => {
                let t = uint(v, what, (0, u64::from(u32::MAX)), place, p).map(|n| n as u32);
                if name == "stop_timeout" {
                    s.stop_timeout = t;
                } else {
                    s.start_timeout = t;
                }
            }
            "instances" => {
                s.instances = uint(v, what, (1, 1000), place, p).map(|n| Sp {
                    v: n as u32,
                    pos: v.pos,
                })
            }
            "port" => {
                s.port = uint(v, what, (1, 65535), place, p).map(|n| Sp {
                    v: n as u16,
                    pos: v.pos,
                })
            }
            "log" => {
                s.log = parse_log(v, &place.inner("log"), defaults, p);
            }
            _ => unreachable!("every key of SERVICE_KEYS is handled"),
        }
    }
    s
}

/// `run:` — one command line.
fn run_line(v: &Node, place: &Place, p: &mut Problems) -> Option<Sp<String>> {
    let s = string(v, "run", place, p)?;
    let t = s.v.trim_end_matches('\n');
    if t.trim().is_empty() {
        p.error(s.pos, format!("{} must not be empty", place.key("run")));
        return None;
    }
    if t.contains('\n') {
        p.error_help(
            s.pos,
            format!("{} must be a single command line", place.key("run")),
            "use `script:` for a whole run script",
        );
        return None;
    }
    Some(Sp {
        v: t.to_string(),
        pos: s.pos,
    })
}

/// `script:` — a whole run script, written as given (render puts `#!/bin/sh` on top of a
/// script without a `#!` line).
fn script(v: &Node, place: &Place, p: &mut Problems) -> Option<Sp<String>> {
    let s = string(v, "script", place, p)?;
    if s.v.trim().is_empty() {
        p.error(s.pos, format!("{} must not be empty", place.key("script")));
        return None;
    }
    Some(s)
}

/// A command or script body (`finish`, `check`, `control/<letter>`): a YAML string. A boolean,
/// a number or a YAML 1.1 boolean word (`no`, `off`, …) is refused rather than run as a command
/// (`check: false` would be `exec false`, a check that never passes).
fn body(v: &Node, what: &str, place: &Place, p: &mut Problems) -> Option<String> {
    let found = match &v.value {
        Value::Scalar {
            kind: ScalarKind::Bool(_) | ScalarKind::Int(_) | ScalarKind::Float,
            ..
        } => Some(v.describe()),
        Value::Scalar {
            kind: ScalarKind::Str,
            text,
        } if YAML11_BOOLS.contains(&text.to_ascii_lowercase().as_str()) => {
            Some(format!("`{text}` (a boolean in YAML 1.1)"))
        }
        _ => None,
    };
    if let Some(found) = found {
        p.error_help(
            v.pos,
            format!(
                "{} must be a string (a command or script), found {found}",
                place.key(what)
            ),
            format!("for no `{what}`, leave the key out"),
        );
        return None;
    }
    let s = string(v, what, place, p)?;
    if s.v.trim().is_empty() {
        p.error(s.pos, format!("{} must not be empty", place.key(what)));
        return None;
    }
    Some(s.v)
}

/// `umask:` — 3 or 4 octal digits, as written (`022` unquoted is read as text, not as 22).
fn umask(v: &Node, place: &Place, p: &mut Problems) -> Option<String> {
    let s = string(v, "umask", place, p)?;
    let ok = (3..=4).contains(&s.v.len()) && s.v.chars().all(|c| ('0'..='7').contains(&c));
    if !ok {
        p.error_help(
            s.pos,
            format!(
                "{} must be 3 or 4 octal digits, found `{}`",
                place.key("umask"),
                s.v
            ),
            "write it as a string, e.g. umask: \"022\"",
        );
        return None;
    }
    Some(s.v)
}

/// `limits:` — chpst resource limits, non-negative integers.
fn limits(v: &Node, place: &Place, p: &mut Problems) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(entries) = map(v, "limits", place, p) else {
        return out;
    };
    let inner = place.inner("limits");
    for (k, val) in entries {
        let Some(key) = super::fields::key_text(k, p) else {
            continue;
        };
        let key = Sp { v: key, pos: k.pos };
        if known(&key, LIMIT_KEYS, &inner, p) {
            if let Some(n) = uint(val, &key.v, (0, u64::MAX), &inner, p) {
                out.insert(key.v, n);
            }
        }
    }
    out
}

/// `control:` — runsv command letter → command or script.
fn control(v: &Node, place: &Place, p: &mut Problems) -> BTreeMap<char, String> {
    let mut out = BTreeMap::new();
    let Some(entries) = map(v, "control", place, p) else {
        return out;
    };
    let inner = place.inner("control");
    for (k, val) in entries {
        let Some(key) = super::fields::key_text(k, p) else {
            continue;
        };
        let mut chars = key.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if CONTROL_LETTERS.contains(&c) => {
                if let Some(b) = body(val, &key, &inner, p) {
                    out.insert(c, b);
                }
            }
            _ => p.error_help(
                k.pos,
                format!("bad signal letter `{key}` {}", place.within()),
                "control/<letter> must be one of runsv's commands: u d o x t k p c h a i q 1 2",
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    fn svc(src: &str, defaults: bool) -> (RawService, Vec<String>) {
        let mut p = Problems::default();
        let s = parse_service(
            &parse(src).unwrap(),
            &Place("service `web`".into()),
            defaults,
            &mut p,
        );
        let msgs = p.into_sorted().into_iter().map(|d| d.message).collect();
        (s, msgs)
    }

    #[test]
    fn every_key_parses() {
        let (s, errs) = svc(
            "run: ./web\nuser: www\ngroup: g\ncwd: /srv\nenv: {A: 1, B: true, C: x}\numask: 022\n\
             limits: {nofile: 10}\nfinish: f\ncheck: c\ncontrol: {t: kill}\ndown: true\n\
             enabled: false\nrestart_on_update: false\nstop_timeout: 3\nstart_timeout: 4\n\
             instances: 2\nport: 80\nlog: false\n",
            false,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(s.run.unwrap().v, "./web");
        assert_eq!(s.env["A"].v, "1");
        assert_eq!(s.env["B"].v, "true");
        assert_eq!(s.umask.as_deref(), Some("022"));
        assert_eq!(s.limits["nofile"], 10);
        assert_eq!(s.control[&'t'], "kill");
        assert_eq!(s.instances.unwrap().v, 2);
        assert!(matches!(s.log, Some(RawLog::Off)));
    }

    #[test]
    fn bad_values_are_each_reported() {
        let (_, errs) = svc(
            "run: \"a\\nb\"\nenv: {1X: a, M: \"a\\nb\"}\numask: \"99\"\ncontrol: {z: x}\n\
             limits: {nofiles: 1}\nport: 0\ninstances: 0\nscript: \"\"\n",
            false,
        );
        assert_eq!(errs.len(), 9, "{errs:#?}");
        assert!(errs.iter().any(|e| e.starts_with("bad signal letter `z`")));
        assert!(errs.iter().any(|e| e.contains("spans several lines")));
    }

    #[test]
    fn check_finish_and_control_take_strings_only() {
        let (s, errs) = svc(
            "run: x\ncheck: false\nfinish: no\ncontrol: {t: true, d: 1.5, u: \"true\"}\n",
            false,
        );
        assert_eq!(
            errs,
            [
                "`check` in service `web` must be a string (a command or script), found boolean `false`",
                "`finish` in service `web` must be a string (a command or script), found `no` (a boolean in YAML 1.1)",
                "`t` in `control` of service `web` must be a string (a command or script), found boolean `true`",
                "`d` in `control` of service `web` must be a string (a command or script), found number `1.5`",
            ]
        );
        assert_eq!((s.check, s.finish), (None, None));
        assert_eq!(
            s.control.into_iter().collect::<Vec<_>>(),
            [('u', "true".into())]
        );
        let (_, errs) = svc("run: x\ncheck: 1\ncontrol: {d: ~}\n", false);
        assert_eq!(
            errs,
            [
                "`check` in service `web` must be a string (a command or script), found number `1`",
                "`d` in `control` of service `web` must be a string, found nothing (null)",
            ]
        );
    }

    #[test]
    fn defaults_may_not_say_how_to_run() {
        let (_, errs) = svc("run: x\nstop_timeout: 1\n", true);
        assert_eq!(errs, ["`run` cannot be set in `defaults`"]);
    }

    #[test]
    fn service_keys_win_and_maps_merge() {
        let (d, _) = svc("env: {A: d, B: d}\nstop_timeout: 1\nuser: u\n", true);
        let (s, _) = svc("run: x\nenv: {A: s}\nstop_timeout: 2\n", false);
        let m = s.merged_over(&d);
        assert_eq!(m.env["A"].v, "s");
        assert_eq!(m.env["B"].v, "d");
        assert_eq!(m.stop_timeout, Some(2));
        assert_eq!(m.user.unwrap().v, "u");
    }
}
