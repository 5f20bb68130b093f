//! Service names for imported processes: runitctl's rule (`[A-Za-z0-9][A-Za-z0-9._@-]*`, at
//! most 64 bytes), the `_` → `-` mapping for foreman names that use `_`, and "did you mean".

/// Longest service name runitctl accepts, in bytes.
pub const MAX_NAME: usize = 64;

/// Whether `name` is a valid runitctl service name (SPEC §2).
pub fn is_service_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME
        && matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-'))
}

/// `name` with every `_` turned into `-` (foreman allows `_` in process names; runitctl's
/// service names do not).
pub fn dashed(name: &str) -> String {
    name.replace('_', "-")
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_rule() {
        assert!(is_service_name("shop-web"));
        assert!(is_service_name("a.b@c-1"));
        assert!(!is_service_name("-web"));
        assert!(!is_service_name("release_worker"));
        assert!(!is_service_name(""));
        assert!(!is_service_name(&"x".repeat(65)));
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("wrker", &["web", "worker"]), Some("worker"));
        assert_eq!(closest("zzzzzz", &["web", "worker"]), None);
    }
}
