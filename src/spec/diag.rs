//! Diagnostics: one problem at a position, collected while validating, rendered as
//! `FILE:LINE:COL: error: …` with the source line, a caret underline and an optional help line.

use super::node::Pos;

/// One problem found in the spec.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

/// Every problem found so far.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Diagnostic>,
}

impl Problems {
    /// Records a problem at `pos`.
    pub fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.list.push(Diagnostic {
            pos,
            message: message.into(),
            help: None,
        });
    }

    /// Records a problem with a `= help:` line.
    pub fn error_help(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        self.list.push(Diagnostic {
            pos,
            message: message.into(),
            help: Some(help.into()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems sorted by position, exact duplicates (a bad `defaults:` value seen through
    /// every service) reported once.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort();
        self.list.dedup();
        self.list
    }
}

/// Renders one diagnostic against the source text, without a trailing newline:
///
/// ```text
/// services.yaml:14:3: error: unknown key `comand` in service `web`
///    |
/// 14 |   comand: ./bin/web
///    |   ^^^^^^
///    = help: did you mean `run`?
/// ```
pub fn render(file: &str, src: &str, d: &Diagnostic) -> String {
    let Pos { line, col, width } = d.pos;
    let mut out = format!("{file}:{line}:{col}: error: {}", d.message);
    let gutter = " ".repeat(line.to_string().len() + 1);
    if let Some(text) = src.lines().nth(line.saturating_sub(1)) {
        let text = text.trim_end_matches('\r');
        // Keep tabs in the padding so the caret lines up under the same characters.
        let pad: String = text
            .chars()
            .take(col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let avail = text.chars().count().saturating_sub(col.saturating_sub(1));
        let carets = "^".repeat(width.min(avail).max(1));
        out.push_str(&format!(
            "\n{gutter}|\n{line} | {text}\n{gutter}| {pad}{carets}"
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("\n{gutter}= help: {help}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_documented_shape() {
        let src = (1..14).map(|_| "x: 1\n").collect::<String>() + "web:\n  comand: ./bin/web\n";
        let d = Diagnostic {
            pos: Pos {
                line: 15,
                col: 3,
                width: 6,
            },
            message: "unknown key `comand` in service `web`".into(),
            help: Some("did you mean `run`?".into()),
        };
        assert_eq!(
            render("services.yaml", &src, &d),
            "services.yaml:15:3: error: unknown key `comand` in service `web`\n   |\n15 |   comand: ./bin/web\n   |   ^^^^^^\n   = help: did you mean `run`?"
        );
    }

    #[test]
    fn a_position_past_the_end_has_no_excerpt() {
        let d = Diagnostic {
            pos: Pos {
                line: 9,
                col: 1,
                width: 1,
            },
            message: "m".into(),
            help: None,
        };
        assert_eq!(render("f", "a: 1\n", &d), "f:9:1: error: m");
    }

    #[test]
    fn problems_sort_by_position_and_drop_exact_duplicates() {
        let mut p = Problems::default();
        let at = |line| Pos {
            line,
            col: 1,
            width: 1,
        };
        p.error(at(5), "b");
        p.error(at(2), "a");
        p.error(at(5), "b");
        let v = p.into_sorted();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].message, "a");
    }
}
