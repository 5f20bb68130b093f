//! Typed reads of single values: a node → a string, a bool, a bounded integer or a mapping,
//! each with its position, or a "must be …, found …" diagnostic. Also the key check that turns
//! an unknown key into "unknown key … did you mean …?".

use super::diag::Problems;
use super::node::{Node, Pos, ScalarKind, Value};
use super::suggest::did_you_mean;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sp<T> {
    pub v: T,
    pub pos: Pos,
}

/// Which mapping of the spec a key sits in, for messages: its subject is `service \`web\``,
/// `` `log` of service `web` ``, `` `defaults` `` or empty for the top level.
#[derive(Clone, Debug)]
pub struct Place(pub String);

impl Place {
    /// The top-level mapping.
    pub fn top() -> Place {
        Place(String::new())
    }

    /// A mapping inside this one: `` `limits` of service `web` ``.
    pub fn inner(&self, key: &str) -> Place {
        Place(format!("`{key}` of {}", self.0))
    }

    /// `in service \`web\`` or `at the top level`.
    pub fn within(&self) -> String {
        if self.0.is_empty() {
            "at the top level".into()
        } else {
            format!("in {}", self.0)
        }
    }

    /// A key inside this place: `` `stop_timeout` in service `web` ``.
    pub fn key(&self, key: &str) -> String {
        if self.0.is_empty() {
            format!("`{key}`")
        } else {
            format!("`{key}` in {}", self.0)
        }
    }
}

/// The entries of a mapping node; anything else is reported and yields nothing.
pub fn map<'n>(
    node: &'n Node,
    what: &str,
    place: &Place,
    p: &mut Problems,
) -> Option<&'n [(Node, Node)]> {
    match &node.value {
        Value::Map(m) => Some(m),
        _ => {
            p.error(
                node.pos,
                format!(
                    "{} must be a mapping, found {}",
                    place.key(what),
                    node.describe()
                ),
            );
            None
        }
    }
}

/// A mapping key as text (plain scalars keep their source text; `1:` is the key `"1"`).
pub fn key_text(key: &Node, p: &mut Problems) -> Option<String> {
    match key.text() {
        Some(t) if !matches!(key.value, Value::Map(_) | Value::Seq(_)) => Some(t.to_string()),
        _ => {
            p.error(
                key.pos,
                format!("a key must be a name, found {}", key.describe()),
            );
            None
        }
    }
}

/// Reports `key` as unknown unless it is in `valid`, with a did-you-mean hint.
pub fn known(key: &Sp<String>, valid: &[&str], place: &Place, p: &mut Problems) -> bool {
    if valid.contains(&key.v.as_str()) {
        return true;
    }
    let msg = format!("unknown key `{}` {}", key.v, place.within());
    match did_you_mean(&key.v, valid) {
        Some(s) => p.error_help(key.pos, msg, format!("did you mean `{s}`?")),
        None => p.error(key.pos, msg),
    }
    false
}

/// An unknown key holding what looks like a service (`api: { run: … }` right under a user or at
/// the top): reported with the fix, instead of a bare "unknown key".
pub fn misplaced_service(
    key: &Sp<String>,
    v: &Node,
    valid: &[&str],
    parent: &str,
    place: &Place,
    p: &mut Problems,
) -> bool {
    let Value::Map(entries) = &v.value else {
        return false;
    };
    let has_run = entries
        .iter()
        .any(|(k, _)| matches!(k.text(), Some("run" | "script" | "template")));
    if valid.contains(&key.v.as_str()) || did_you_mean(&key.v, valid).is_some() || !has_run {
        return false;
    }
    p.error_help(
        key.pos,
        format!("unknown key `{}` {}", key.v, place.within()),
        format!("`{}` looks like a service: put it under `{parent}`", key.v),
    );
    true
}

/// A single-line-or-more string: any non-null scalar, as text.
pub fn string(node: &Node, what: &str, place: &Place, p: &mut Problems) -> Option<Sp<String>> {
    match (&node.value, node.text()) {
        (Value::Scalar { .. }, Some(t)) => Some(Sp {
            v: t.to_string(),
            pos: node.pos,
        }),
        _ => {
            p.error(
                node.pos,
                format!(
                    "{} must be a string, found {}",
                    place.key(what),
                    node.describe()
                ),
            );
            None
        }
    }
}

/// A non-empty, single-line string (names, paths, letters).
pub fn line(node: &Node, what: &str, place: &Place, p: &mut Problems) -> Option<Sp<String>> {
    let s = string(node, what, place, p)?;
    if s.v.trim().is_empty() {
        p.error(s.pos, format!("{} must not be empty", place.key(what)));
        return None;
    }
    if s.v.contains(['\n', '\r']) {
        p.error(s.pos, format!("{} must be a single line", place.key(what)));
        return None;
    }
    Some(s)
}

/// `true` or `false`.
pub fn boolean(node: &Node, what: &str, place: &Place, p: &mut Problems) -> Option<bool> {
    match node.value {
        Value::Scalar {
            kind: ScalarKind::Bool(b),
            ..
        } => Some(b),
        _ => {
            p.error(
                node.pos,
                format!(
                    "{} must be true or false, found {}",
                    place.key(what),
                    node.describe()
                ),
            );
            None
        }
    }
}

/// A whole number in `min..=max`.
pub fn uint(
    node: &Node,
    what: &str,
    range: (u64, u64),
    place: &Place,
    p: &mut Problems,
) -> Option<u64> {
    let (min, max) = range;
    match node.value {
        Value::Scalar {
            kind: ScalarKind::Int(i),
            ..
        } if i >= 0 && (i as u64) >= min && (i as u64) <= max => Some(i as u64),
        Value::Scalar {
            kind: ScalarKind::Int(_),
            ref text,
        } => {
            let bounds = match (min, max) {
                (0, u64::MAX) => "a non-negative integer".to_string(),
                (_, u64::MAX) => format!("at least {min}"),
                _ => format!("{min}–{max}"),
            };
            p.error(
                node.pos,
                format!("{} must be {bounds}, found {text}", place.key(what)),
            );
            None
        }
        Value::Scalar {
            kind: ScalarKind::Float,
            ref text,
        } if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            // Plain digits that do not fit YAML's integers (i64) read as a float.
            p.error(
                node.pos,
                format!(
                    "{} must be at most {}, found {text}",
                    place.key(what),
                    max.min(i64::MAX as u64)
                ),
            );
            None
        }
        _ => {
            let kind = if min == 0 {
                "a non-negative integer"
            } else {
                "an integer"
            };
            p.error(
                node.pos,
                format!(
                    "{} must be {kind}, found {}",
                    place.key(what),
                    node.describe()
                ),
            );
            None
        }
    }
}

/// A path as written: absolute, or `~` / `~/…` when `tilde` allows (expanded later, once the
/// user is known), without `.` or `..` components (`//` and a trailing `/` are normalised away
/// later). Checked here so a bad path under `defaults:` is reported once.
pub fn path(
    node: &Node,
    what: &str,
    tilde: bool,
    place: &Place,
    p: &mut Problems,
) -> Option<Sp<String>> {
    if tilde && node.is_tilde() {
        return Some(Sp {
            v: "~".into(),
            pos: node.pos,
        });
    }
    let s = line(node, what, place, p)?;
    let home_relative = s.v == "~" || s.v.starts_with("~/");
    if s.v.starts_with('/') || (tilde && home_relative) {
        return no_dot_components(s, what, place, p);
    }
    let help = match (tilde, s.v.starts_with('~')) {
        (true, true) => "only `~` and `~/…` (the service user's home) are expanded",
        (true, false) => "relative paths would depend on where runsv runs; start with `/` or `~/`",
        (false, _) => "start with `/`",
    };
    p.error_help(
        s.pos,
        format!(
            "{} must be an absolute path, found `{}`",
            place.key(what),
            s.v
        ),
        help,
    );
    None
}

/// `path` unless one of its components is `.` or `..`: written as is into scripts and link
/// targets, `..` would lead out of a `--root` sandbox, and `/var/log/web/..` is `/var/log`.
fn no_dot_components(
    path: Sp<String>,
    what: &str,
    place: &Place,
    p: &mut Problems,
) -> Option<Sp<String>> {
    let Some(dot) = path.v.split('/').find(|c| matches!(*c, "." | "..")) else {
        return Some(path);
    };
    p.error_help(
        path.pos,
        format!(
            "{} must not have a `{dot}` component, found `{}`",
            place.key(what),
            path.v
        ),
        "write the path without `.` and `..` (scripts and links use it as written; under \
         --root a `..` would point outside the sandbox)",
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    fn first_value(src: &str) -> Node {
        match parse(src).unwrap().value {
            Value::Map(mut m) => m.remove(0).1,
            _ => panic!(),
        }
    }

    fn place() -> Place {
        Place("service `web`".into())
    }

    #[test]
    fn uint_checks_kind_and_range() {
        let mut p = Problems::default();
        assert_eq!(
            uint(&first_value("a: 5"), "a", (1, 9), &place(), &mut p),
            Some(5)
        );
        assert_eq!(
            uint(&first_value("a: 0"), "a", (1, 9), &place(), &mut p),
            None
        );
        assert_eq!(
            uint(&first_value("a: x"), "a", (0, 9), &place(), &mut p),
            None
        );
        assert_eq!(
            uint(&first_value("a: -1"), "a", (0, 9), &place(), &mut p),
            None
        );
        let huge = "a: 18446744073709551615";
        assert_eq!(
            uint(&first_value(huge), "a", (0, u64::MAX), &place(), &mut p),
            None
        );
        // Quoted digits are a string, as before.
        assert_eq!(
            uint(&first_value("a: \"2\""), "a", (0, 9), &place(), &mut p),
            None
        );
        let msgs: Vec<String> = p.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(
            msgs,
            [
                "`a` in service `web` must be 1–9, found 0",
                "`a` in service `web` must be a non-negative integer, found string `x`",
                "`a` in service `web` must be 0–9, found -1",
                "`a` in service `web` must be a non-negative integer, found string `2`",
                "`a` in service `web` must be at most 9223372036854775807, found 18446744073709551615",
            ]
        );
    }

    #[test]
    fn boolean_rejects_strings() {
        let mut p = Problems::default();
        assert_eq!(boolean(&first_value("a: yes"), "a", &place(), &mut p), None);
        assert_eq!(
            boolean(&first_value("a: true"), "a", &place(), &mut p),
            Some(true)
        );
        assert_eq!(p.into_sorted().len(), 1);
    }

    #[test]
    fn line_rejects_empty_and_multi_line() {
        let mut p = Problems::default();
        assert!(line(&first_value("a: \"\""), "a", &place(), &mut p).is_none());
        assert!(line(&first_value("a: |\n  x\n  y\n"), "a", &place(), &mut p).is_none());
        assert!(line(&first_value("a: 12"), "a", &place(), &mut p).is_some());
        assert_eq!(p.into_sorted().len(), 2);
    }

    #[test]
    fn paths_are_absolute_or_home_relative() {
        let mut p = Problems::default();
        let ok = |src: &str, tilde, p: &mut Problems| {
            path(&first_value(src), "cwd", tilde, &place(), p).is_some()
        };
        assert!(ok("a: /srv", false, &mut p));
        assert!(ok("a: ~", true, &mut p));
        assert!(ok("a: ~/app", true, &mut p));
        assert!(!ok("a: ~/app", false, &mut p));
        assert!(!ok("a: app", true, &mut p));
        assert!(!ok("a: ~bob/app", true, &mut p));
        assert!(ok("a: //srv//app/", false, &mut p));
        assert!(ok("a: /srv/..app/.x", false, &mut p));
        let helps: Vec<String> = p
            .into_sorted()
            .into_iter()
            .map(|d| d.help.unwrap())
            .collect();
        assert_eq!(
            helps,
            [
                "relative paths would depend on where runsv runs; start with `/` or `~/`",
                "start with `/`",
                "only `~` and `~/…` (the service user's home) are expanded",
            ]
        );
    }

    #[test]
    fn paths_may_not_have_dot_components() {
        let mut p = Problems::default();
        for src in [
            "a: /../x",
            "a: /var/log/web/..",
            "a: ~/./app",
            "a: ~/..",
            "a: /srv/.",
        ] {
            assert!(
                path(&first_value(src), "cwd", true, &place(), &mut p).is_none(),
                "{src}"
            );
        }
        let msgs: Vec<String> = p.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(msgs.len(), 5);
        assert!(msgs.contains(
            &"`cwd` in service `web` must not have a `..` component, found `/../x`".into()
        ));
        assert!(msgs.contains(
            &"`cwd` in service `web` must not have a `.` component, found `~/./app`".into()
        ));
    }
}
