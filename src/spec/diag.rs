//! Diagnostics: one problem at a position, collected while validating, rendered as
//! `FILE:LINE:COL: error: …` with the source line, a caret underline and an optional help line.

use super::node::Pos;

/// The most characters of a source line a diagnostic shows.
const EXCERPT: usize = 100;

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
        let chars: Vec<char> = text.trim_end_matches('\r').chars().collect();
        // A long line (a generated spec, a flow mapping of everything) is shown as a window
        // around the column, marked with `…` where it is cut.
        let at = col.saturating_sub(1).min(chars.len());
        let start = match chars.len() > EXCERPT {
            true => at.saturating_sub(EXCERPT / 3).min(chars.len() - EXCERPT),
            false => 0,
        };
        let end = chars.len().min(start + EXCERPT);
        let (open, close) = (
            if start > 0 { "…" } else { "" },
            if end < chars.len() { "…" } else { "" },
        );
        let shown: String = chars[start..end].iter().collect();
        // Keep tabs in the padding so the caret lines up under the same characters.
        let pad: String = (if start > 0 { " " } else { "" }).to_string()
            + &chars[start..at]
                .iter()
                .map(|&c| if c == '\t' { '\t' } else { ' ' })
                .collect::<String>();
        let carets = "^".repeat(width.min(end.saturating_sub(at)).max(1));
        out.push_str(&format!(
            "\n{gutter}|\n{line} | {open}{shown}{close}\n{gutter}| {pad}{carets}"
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
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let src = format!("a: [{}x{}]\n", "[".repeat(500), "]".repeat(500));
        let d = Diagnostic {
            pos: Pos {
                line: 1,
                col: 505,
                width: 3,
            },
            message: "m".into(),
            help: None,
        };
        let out = render("f", &src, &d);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        let (text, carets) = (lines[2], lines[3]);
        assert_eq!(
            text.chars().count(),
            "1 | ".len() + 1 + EXCERPT + 1,
            "{text}"
        );
        assert!(text.starts_with("1 | …[") && text.ends_with("]…"), "{text}");
        // The caret sits under the `x`, and the underline stops at the window's end.
        let caret = carets.find('^').unwrap();
        assert_eq!(text.chars().nth(caret), Some('x'), "{text}\n{carets}");
        assert_eq!(carets.matches('^').count(), 3);
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
