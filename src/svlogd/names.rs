//! The names svlogd gives its files in a log directory, for the code that must leave them alone
//! (plan's walk for entries not in the spec) or keep them usable (apply's owner change of a log
//! dir). Deliberately loose about rotated names (`@…s`, `@…u`, not only the 27-byte TAI64N
//! form): a false match keeps a stray file, a miss would delete logs.

/// How many levels below a directory runitctl does not manage are searched for svlogd's logs
/// (`log/` holding `main/` is one level), by plan's walk and by prune alike. Deeper logs are
/// not looked for: a bound on what a user can make root walk.
pub const LOGS_DEPTH: usize = 3;

/// Files svlogd writes in a log directory: `current`, `lock`, `state`, `newstate`, `previous`
/// and `processed` (the processor's), and rotated `@….s` / `@….u`. `config` is not one: it is
/// the operator's (and runitctl's).
pub fn is_svlogd_file(name: &[u8]) -> bool {
    matches!(
        name,
        b"current" | b"lock" | b"state" | b"newstate" | b"previous" | b"processed"
    ) || is_rotated(name)
}

/// A name that shows a directory is svlogd's: `current`, `lock`, or a rotated file. (`state`
/// alone is too common a name to tell.)
pub fn marks_log_dir(name: &[u8]) -> bool {
    matches!(name, b"current" | b"lock") || is_rotated(name)
}

/// `@` … `.s` or `.u`.
fn is_rotated(name: &[u8]) -> bool {
    name.len() > 3 && name.starts_with(b"@") && (name.ends_with(b".s") || name.ends_with(b".u"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svlogd_files_and_markers() {
        for n in [
            "current",
            "lock",
            "state",
            "newstate",
            "previous",
            "processed",
        ] {
            assert!(is_svlogd_file(n.as_bytes()), "{n}");
        }
        for n in ["@400000006b048aed3818503c.s", "@400000.u"] {
            assert!(
                is_svlogd_file(n.as_bytes()) && marks_log_dir(n.as_bytes()),
                "{n}"
            );
        }
        for n in ["config", "run", "@.s", "@x.t", "current.old", "main"] {
            assert!(!is_svlogd_file(n.as_bytes()), "{n}");
        }
        assert!(marks_log_dir(b"current") && marks_log_dir(b"lock"));
        assert!(!marks_log_dir(b"state") && !marks_log_dir(b"config"));
    }
}
