//! "Did you mean …?": the closest valid key to a misspelt one, by edit distance (at most 2, or 1
//! for keys of three letters or fewer), by prefix, or by a known synonym (`command` → `run`,
//! Chef's `log_size` → `size`).

/// Names people reach for, and the key this spec uses instead.
const SYNONYMS: &[(&str, &str)] = &[
    ("command", "run"),
    ("cmd", "run"),
    ("exec", "run"),
    ("environment", "env"),
    ("working_dir", "cwd"),
    ("workdir", "cwd"),
    ("directory", "cwd"),
    ("chdir", "cwd"),
    ("disabled", "enabled"),
    ("replicas", "instances"),
    ("scale", "instances"),
    ("logging", "log"),
    ("log_dir", "dir"),
    ("log_size", "size"),
    ("log_num", "num"),
    ("log_min", "min"),
    ("log_timeout", "timeout"),
    ("log_processor", "processor"),
    ("log_socket", "udp"),
    ("log_prefix", "prefix"),
    ("log_config_append", "filters"),
    ("owner", "user"),
    ("svdir", "sv_dir"),
];

/// The valid key `typed` most likely meant, if any is close.
pub fn did_you_mean<'a>(typed: &str, valid: &[&'a str]) -> Option<&'a str> {
    let lower = typed.to_ascii_lowercase();
    let limit = if lower.chars().count() <= 3 { 1 } else { 2 };
    let mut best: Option<(usize, &'a str)> = None;
    let mut consider = |dist: usize, key: &'a str| {
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, key));
        }
    };
    for &key in valid {
        let d = distance(&lower, key);
        if d <= limit {
            consider(d, key);
        } else if lower.len() >= 3 && (key.starts_with(&lower) || lower.starts_with(key)) {
            consider(limit + 1, key);
        }
    }
    for &(alias, key) in SYNONYMS {
        if let Some(&key) = valid.iter().find(|&&k| k == key) {
            if distance(&lower, alias) <= limit {
                consider(distance(&lower, alias), key);
            }
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["run", "cwd", "env", "stop_timeout", "start_timeout", "user"];

    #[test]
    fn edit_distance_prefix_and_synonyms() {
        assert_eq!(did_you_mean("usr", KEYS), Some("user"));
        assert_eq!(did_you_mean("stop_timout", KEYS), Some("stop_timeout"));
        assert_eq!(did_you_mean("stop", KEYS), Some("stop_timeout"));
        assert_eq!(did_you_mean("comand", KEYS), Some("run"));
        assert_eq!(did_you_mean("Environment", KEYS), Some("env"));
        assert_eq!(did_you_mean("RUN", KEYS), Some("run"));
    }

    #[test]
    fn nothing_close_means_no_suggestion() {
        assert_eq!(did_you_mean("dir", KEYS), None);
        assert_eq!(did_you_mean("zzzzzz", KEYS), None);
        assert_eq!(did_you_mean("x", KEYS), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}
