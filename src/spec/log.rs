//! A service's `log:` as written: `false` (no log service), `true` (all defaults) or a mapping
//! of svlogd settings, each shape-checked (`config` is line-based, so every value is one line).

use super::diag::Problems;
use super::fields::{known, line, uint, Place, Sp};
use super::node::{Node, ScalarKind, Value};
use super::types::Timestamps;

/// Every key `log:` may have.
pub const LOG_KEYS: &[&str] = &[
    "dir",
    "user",
    "timestamps",
    "size",
    "num",
    "min",
    "timeout",
    "processor",
    "udp",
    "prefix",
    "filters",
];

/// `log:` as written.
#[derive(Clone, Debug)]
pub enum RawLog {
    Off,
    On(Box<LogFields>),
}

/// The svlogd settings given.
#[derive(Clone, Debug, Default)]
pub struct LogFields {
    pub dir: Option<Sp<String>>,
    pub user: Option<Sp<String>>,
    pub timestamps: Option<Timestamps>,
    pub size: Option<u64>,
    pub num: Option<u64>,
    pub min: Option<u64>,
    pub timeout: Option<u64>,
    pub processor: Option<String>,
    pub udp: Option<String>,
    pub prefix: Option<String>,
    pub filters: Option<Vec<String>>,
}

impl LogFields {
    /// `self` over `d`, key by key.
    pub fn merged_over(self, d: LogFields) -> LogFields {
        LogFields {
            dir: self.dir.or(d.dir),
            user: self.user.or(d.user),
            timestamps: self.timestamps.or(d.timestamps),
            size: self.size.or(d.size),
            num: self.num.or(d.num),
            min: self.min.or(d.min),
            timeout: self.timeout.or(d.timeout),
            processor: self.processor.or(d.processor),
            udp: self.udp.or(d.udp),
            prefix: self.prefix.or(d.prefix),
            filters: self.filters.or(d.filters),
        }
    }
}

/// Parses `log:`. In `defaults`, `dir` is an error: every service needs its own log directory.
pub fn parse_log(v: &Node, place: &Place, defaults: bool, p: &mut Problems) -> Option<RawLog> {
    let entries = match &v.value {
        Value::Scalar {
            kind: ScalarKind::Bool(b),
            ..
        } => {
            return Some(if *b {
                RawLog::On(Box::default())
            } else {
                RawLog::Off
            })
        }
        Value::Map(m) => m,
        _ => {
            p.error(
                v.pos,
                format!(
                    "{} must be false, true or a mapping of svlogd settings, found {}",
                    place.0,
                    v.describe()
                ),
            );
            return None;
        }
    };
    let mut f = LogFields::default();
    for (k, val) in entries {
        let Some(key) = super::fields::key_text(k, p) else {
            continue;
        };
        let key = Sp { v: key, pos: k.pos };
        if !known(&key, LOG_KEYS, place, p) {
            continue;
        }
        let what = key.v.as_str();
        let n = |p: &mut Problems| uint(val, what, (0, u64::MAX), place, p);
        match what {
            "dir" if defaults => p.error_help(
                key.pos,
                "`log.dir` cannot be set in `defaults`",
                "every service needs its own log directory (default /var/log/<name>)",
            ),
            "dir" => f.dir = super::fields::path(val, what, true, place, p),
            "user" => f.user = line(val, what, place, p),
            "timestamps" => f.timestamps = timestamps(val, place, p),
            "size" => f.size = n(p),
            "num" => f.num = n(p),
            "min" => f.min = n(p),
            "timeout" => f.timeout = n(p),
            "processor" => f.processor = line(val, what, place, p).map(|s| s.v),
            "udp" => f.udp = udp(val, place, p),
            "prefix" => f.prefix = prefix(val, place, p),
            "filters" => f.filters = filters(val, place, p),
            _ => unreachable!("every key of LOG_KEYS is handled"),
        }
    }
    Some(RawLog::On(Box::new(f)))
}

/// `none | t | tt | ttt` (svlogd's -t, -tt, -ttt).
fn timestamps(v: &Node, place: &Place, p: &mut Problems) -> Option<Timestamps> {
    let t = match v.text() {
        Some("none") => Timestamps::None,
        Some("t") => Timestamps::T,
        Some("tt") => Timestamps::Tt,
        Some("ttt") => Timestamps::Ttt,
        _ => {
            p.error_help(
                v.pos,
                format!(
                    "{} must be none, t, tt or ttt, found {}",
                    place.key("timestamps"),
                    v.describe()
                ),
                "t: TAI64N labels, tt: UTC `YYYY-MM-DD_HH:MM:SS.xxxxx`, ttt: ISO 8601",
            );
            return None;
        }
    };
    Some(t)
}

/// `a.b.c.d[:port]`: svlogd sends UDP to IPv4 addresses only.
fn udp(v: &Node, place: &Place, p: &mut Problems) -> Option<String> {
    let s = line(v, "udp", place, p)?;
    let (host, port) = match s.v.split_once(':') {
        Some((h, port)) => (h, Some(port)),
        None => (s.v.as_str(), None),
    };
    let host_ok = host.parse::<std::net::Ipv4Addr>().is_ok();
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if !(host_ok && port_ok) {
        p.error_help(
            s.pos,
            format!(
                "{} must be an IPv4 address with an optional port, found `{}`",
                place.key("udp"),
                s.v
            ),
            "e.g. udp: 127.0.0.1:514 (svlogd's `u` line)",
        );
        return None;
    }
    Some(s.v)
}

/// `prefix:` may end in spaces (`"web: "`), so it is not trimmed; one line only.
fn prefix(v: &Node, place: &Place, p: &mut Problems) -> Option<String> {
    let s = super::fields::string(v, "prefix", place, p)?;
    if s.v.contains(['\n', '\r']) {
        p.error(
            s.pos,
            format!("{} must be a single line", place.key("prefix")),
        );
        return None;
    }
    Some(s.v)
}

/// `filters:` — a list of `+ - e E` pattern lines.
fn filters(v: &Node, place: &Place, p: &mut Problems) -> Option<Vec<String>> {
    let Value::Seq(items) = &v.value else {
        p.error(
            v.pos,
            format!(
                "{} must be a list of pattern lines, found {}",
                place.key("filters"),
                v.describe()
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let Some(s) = line(item, "filters", place, p) else {
            continue;
        };
        if !s.v.starts_with(['+', '-', 'e', 'E']) {
            p.error_help(
                s.pos,
                format!(
                    "log filter `{}` {} must start with `+`, `-`, `e` or `E`",
                    s.v,
                    place.within()
                ),
                "+PATTERN selects and -PATTERN deselects lines for the log; e/E do the same for stderr",
            );
            continue;
        }
        out.push(s.v);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    fn log(src: &str) -> (Option<RawLog>, Vec<String>) {
        let mut p = Problems::default();
        let l = parse_log(
            &parse(src).unwrap(),
            &Place("`log` of service `web`".into()),
            false,
            &mut p,
        );
        (l, p.into_sorted().into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn all_settings() {
        let (l, errs) = log(
            "dir: /var/log/w\nuser: u\ntimestamps: ttt\nsize: 1\nnum: 2\nmin: 3\ntimeout: 4\n\
             processor: gzip\nudp: 127.0.0.1:514\nprefix: \"w: \"\nfilters: [\"-*DEBUG*\", \"e*\"]\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let Some(RawLog::On(f)) = l else { panic!() };
        assert_eq!(f.timestamps, Some(Timestamps::Ttt));
        assert_eq!(f.prefix.as_deref(), Some("w: "));
        assert_eq!(f.filters.unwrap().len(), 2);
    }

    #[test]
    fn bad_settings() {
        let (_, errs) = log("timestamps: x\nudp: localhost\nfilters: [\"*x\"]\nsize: -1\n");
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[2].starts_with("log filter `*x`"), "{errs:#?}");
    }

    #[test]
    fn booleans() {
        assert!(matches!(log("false").0, Some(RawLog::Off)));
        assert!(matches!(log("true").0, Some(RawLog::On(_))));
        assert!(log("3").0.is_none());
    }
}
