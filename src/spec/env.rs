//! `env:` — what chpst -e will read: one file per name, the first line of each, without its
//! trailing spaces and tabs. Names are `[A-Za-z_][A-Za-z0-9_]*`; values are single-line strings
//! (numbers and booleans as written) that do not end in a space or tab.

use super::diag::Problems;
use super::fields::{map, Place, Sp};
use super::node::{Node, Value};
use std::collections::BTreeMap;

/// `env:` — names `[A-Za-z_][A-Za-z0-9_]*`, single-line values (numbers and booleans as text).
pub fn parse_env(v: &Node, place: &Place, p: &mut Problems) -> BTreeMap<String, Sp<String>> {
    let mut out = BTreeMap::new();
    let Some(entries) = map(v, "env", place, p) else {
        return out;
    };
    for (k, val) in entries {
        let Some(name) = super::fields::key_text(k, p) else {
            continue;
        };
        if !is_env_name(&name) {
            p.error_help(
                k.pos,
                format!("invalid env name `{name}` {}", place.within()),
                "env names are letters, digits and `_`, not starting with a digit",
            );
            continue;
        }
        match (&val.value, val.text()) {
            (Value::Scalar { .. }, Some(text)) => {
                // A block scalar's final newline is not part of the value.
                let text = text.strip_suffix('\n').unwrap_or(text);
                if text.contains(['\n', '\r']) {
                    p.error_help(
                        val.pos,
                        format!("env `{name}` {} spans several lines", place.within()),
                        "chpst -e reads only the first line of env/<NAME>; keep values on one line",
                    );
                    continue;
                }
                if text.ends_with([' ', '\t']) {
                    p.error_help(
                        val.pos,
                        format!("env `{name}` {} ends in a space or tab", place.within()),
                        format!(
                            "chpst -e strips trailing spaces and tabs: the service would see \
                             `{}`",
                            text.trim_end_matches([' ', '\t'])
                        ),
                    );
                    continue;
                }
                if text.contains('\0') {
                    p.error(
                        val.pos,
                        format!("env `{name}` {} contains a NUL byte", place.within()),
                    );
                    continue;
                }
                out.insert(
                    name,
                    Sp {
                        v: text.to_string(),
                        pos: val.pos,
                    },
                );
            }
            _ => p.error(
                val.pos,
                format!(
                    "env `{name}` {} must be a single-line string, found {}",
                    place.within(),
                    val.describe()
                ),
            ),
        }
    }
    out
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub fn is_env_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    #[test]
    fn env_names() {
        assert!(is_env_name("_A1"));
        assert!(!is_env_name("1A"));
        assert!(!is_env_name("A-B"));
        assert!(!is_env_name(""));
    }

    #[test]
    fn values_may_not_end_in_a_space_or_tab() {
        let mut p = Problems::default();
        let src = "A: \"  spaced  \"\nB: \"x\\t\"\nC: \" lead\"\nD: \"$ \"\n";
        let env = parse_env(&parse(src).unwrap(), &Place("service `w`".into()), &mut p);
        assert_eq!(env.keys().collect::<Vec<_>>(), ["C"]);
        let d = p.into_sorted();
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "env `A` in service `w` ends in a space or tab",
                "env `B` in service `w` ends in a space or tab",
                "env `D` in service `w` ends in a space or tab",
            ]
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("chpst -e strips trailing spaces and tabs: the service would see `  spaced`")
        );
    }

    #[test]
    fn values_are_text_on_one_line() {
        let mut p = Problems::default();
        let node = parse("A: 1\nB: |\n  block\nC: \"x\\ny\"\nD: ~\nE: 0x1F\n").unwrap();
        let env = parse_env(&node, &Place("service `w`".into()), &mut p);
        assert_eq!(env["A"].v, "1");
        assert_eq!(env["B"].v, "block");
        assert_eq!(env["E"].v, "0x1F");
        assert!(!env.contains_key("C") && !env.contains_key("D"));
        let msgs: Vec<String> = p.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(
            msgs,
            [
                "env `C` in service `w` spans several lines",
                "env `D` in service `w` must be a single-line string, found nothing (null)",
            ]
        );
    }
}
