//! `--formation web=2,worker=1,all=0`: how many instances of each process, as foreman reads it.
//!
//! Without the flag every process runs once (foreman's default `all=1`). With it, a process
//! that is not named gets the `all=` count if one is given, else 0 (foreman's rule: `-m web=2`
//! runs only web). Naming a process the Procfile does not have is an error here (foreman
//! ignores it), because it is almost always a typo.

use super::error::ImportError;
use super::names::closest;

/// Parsed formation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formation {
    all: u32,
    each: Vec<(String, u32)>,
}

impl Default for Formation {
    fn default() -> Self {
        Formation {
            all: 1,
            each: Vec::new(),
        }
    }
}

impl Formation {
    /// Parses the flag's value (blanks are ignored, as foreman does).
    pub fn parse(flag: &str) -> Result<Formation, ImportError> {
        let text: String = flag.chars().filter(|c| !c.is_whitespace()).collect();
        let mut f = Formation {
            all: 0,
            each: Vec::new(),
        };
        for pair in text.split(',').filter(|p| !p.is_empty()) {
            let Some((name, count)) = pair.split_once('=') else {
                return Err(ImportError::one(format!(
                    "error: --formation: expected NAME=COUNT, found `{pair}`"
                )));
            };
            let Ok(n) = count.parse::<u32>() else {
                return Err(ImportError::one(format!(
                    "error: --formation: `{count}` is not a count (in `{pair}`)"
                )));
            };
            if name.is_empty() {
                return Err(ImportError::one(format!(
                    "error: --formation: missing process name in `{pair}`"
                )));
            }
            if name == "all" {
                f.all = n;
            } else {
                f.each.retain(|(p, _)| p != name);
                f.each.push((name.to_string(), n));
            }
        }
        Ok(f)
    }

    /// Errors for every process named here that `known` (the Procfile's) lacks.
    pub fn check_names(&self, known: &[&str]) -> Result<(), ImportError> {
        let errors: Vec<String> = self
            .each
            .iter()
            .filter(|(name, _)| !known.contains(&name.as_str()))
            .map(|(name, _)| {
                let hint = closest(name, known)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                format!(
                    "error: --formation: unknown process `{name}`{hint}; the Procfile has: {}",
                    known.join(", ")
                )
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ImportError(errors))
        }
    }

    /// How many instances of `process` to run.
    pub fn count(&self, process: &str) -> u32 {
        self.each
            .iter()
            .find(|(p, _)| p == process)
            .map_or(self.all, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_runs_one_of_each() {
        assert_eq!(Formation::default().count("anything"), 1);
    }

    #[test]
    fn named_counts_and_all() {
        let f = Formation::parse("web=2, worker=0").unwrap();
        assert_eq!(
            (f.count("web"), f.count("worker"), f.count("clock")),
            (2, 0, 0)
        );
        let f = Formation::parse("all=3,web=1").unwrap();
        assert_eq!((f.count("web"), f.count("clock")), (1, 3));
        let f = Formation::parse("web=1,web=4").unwrap();
        assert_eq!(f.count("web"), 4);
    }

    #[test]
    fn bad_flags() {
        let e = |s: &str| Formation::parse(s).unwrap_err().to_string();
        assert_eq!(
            e("web"),
            "error: --formation: expected NAME=COUNT, found `web`"
        );
        assert_eq!(
            e("web=two"),
            "error: --formation: `two` is not a count (in `web=two`)"
        );
        assert_eq!(e("=2"), "error: --formation: missing process name in `=2`");
    }

    #[test]
    fn unknown_process_names_the_known_ones() {
        let f = Formation::parse("web=2,wrker=1").unwrap();
        assert_eq!(
            f.check_names(&["web", "worker", "clock"]).unwrap_err().to_string(),
            "error: --formation: unknown process `wrker` (did you mean `worker`?); the Procfile has: web, worker, clock"
        );
    }
}
