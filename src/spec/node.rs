//! The spanned node tree: YAML text → [`Node`]s that remember line and column of every key and
//! value, and the raw text of every plain scalar.
//!
//! This is stage one of loading (the validator in [`super::validate`] is stage two). saphyr's
//! parser reads the text; [`events`] builds the tree straight from its spanned events (no
//! intermediate `MarkedYaml` with a hashed map per mapping), with saphyr's core-schema scalar
//! resolution, and keeps plain scalars' source text so that `umask: 022` stays `"022"` and
//! `VERSION: 1.10` stays `"1.10"`. Anchors, aliases and merge keys (`<<`) are resolved here, so
//! the validator never sees them; a duplicate key, a second document and a tag other than YAML's
//! own (`!!str`, `!!int`, … resolve the scalar) are errors.

mod events;
mod keys;
#[cfg(test)]
mod oracle;

use saphyr::Scalar;
use saphyr_parser::{ScanError, Span};

/// Where a key or value is: 1-based line and column (in characters) and its width on that line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    /// Characters to underline (at least 1 when rendered).
    pub width: usize,
}

/// What kind of scalar the YAML core schema resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    Str,
    Int(i64),
    Float,
    Bool(bool),
    Null,
}

/// A node's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Keys in document order (duplicates are rejected while parsing).
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    /// `text` is the string value (quoted or block scalars) or the source text (plain scalars).
    Scalar {
        text: String,
        kind: ScalarKind,
    },
}

/// One key or value with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// A YAML syntax problem: position and the parser's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

impl Node {
    /// What the node is, for "found …" in type errors.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Map(_) => "a mapping".into(),
            Value::Seq(_) => "a list".into(),
            Value::Scalar { text, kind } => match kind {
                ScalarKind::Str => format!("string `{}`", one_line(text)),
                ScalarKind::Int(_) => format!("number `{text}`"),
                ScalarKind::Float => format!("number `{text}`"),
                ScalarKind::Bool(_) => format!("boolean `{text}`"),
                ScalarKind::Null => "nothing (null)".into(),
            },
        }
    }

    /// The scalar text, if this is a scalar other than null.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar {
                kind: ScalarKind::Null,
                ..
            } => None,
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain `~`: YAML's null, but in a path it means the home directory.
    pub fn is_tilde(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, kind: ScalarKind::Null } if text == "~")
    }

    pub fn is_null(&self) -> bool {
        matches!(
            self.value,
            Value::Scalar {
                kind: ScalarKind::Null,
                ..
            }
        )
    }
}

/// Shortens a value for quoting in a message: first line only, at most 40 characters.
pub fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    let mut out: String = first.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Parses `src` into exactly one document's node tree. An empty document is a null scalar.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    Ok(events::build(&Source::new(src))?.unwrap_or_else(no_document))
}

/// What a text without a document (empty, or only comments) holds: null, at its start.
fn no_document() -> Node {
    Node {
        pos: Pos {
            line: 1,
            col: 1,
            width: 1,
        },
        value: Value::Scalar {
            text: String::new(),
            kind: ScalarKind::Null,
        },
    }
}

/// The parser's error at its position; a duplicated key is named and underlined.
fn syntax_error(src: &str, e: &ScanError) -> SyntaxError {
    let (mut line, mut col) = (e.marker().line().max(1), e.marker().col() + 1);
    // At the end of input the parser points past the last line: show the last line instead.
    let lines = src.lines().count();
    if line > lines && lines > 0 {
        line = lines;
        col = src.lines().last().unwrap_or("").chars().count() + 1;
    }
    let mut err = SyntaxError {
        pos: Pos {
            line,
            col,
            width: 1,
        },
        message: format!("invalid YAML: {}", e.info()),
    };
    if e.info().contains("duplicated key") {
        let rest: String = src
            .lines()
            .nth(line - 1)
            .unwrap_or("")
            .chars()
            .skip(col - 1)
            .collect();
        let key = rest.split(':').next().unwrap_or("").trim_end();
        if !key.is_empty() && !key.starts_with(['{', '[', '"', '\'']) {
            err.pos.width = key.chars().count();
            err.message = format!("duplicate key `{key}` (YAML keys must be unique)");
        }
    }
    err
}

/// Whether `k` is YAML's merge key `<<`.
fn is_merge_key(k: &Node) -> bool {
    matches!(&k.value, Value::Scalar { text, kind: ScalarKind::Str } if text == "<<")
}

/// The entries a merge key's value brings: a mapping, or a list of mappings.
fn merge_sources(v: Node) -> Result<Vec<(Node, Node)>, SyntaxError> {
    let bad = |pos| SyntaxError {
        pos,
        message: "`<<` (YAML merge key) takes a mapping or a list of mappings".into(),
    };
    match v.value {
        Value::Map(entries) => Ok(entries),
        Value::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match item.value {
                    Value::Map(entries) => out.extend(entries),
                    _ => return Err(bad(item.pos)),
                }
            }
            Ok(out)
        }
        _ => Err(bad(v.pos)),
    }
}

/// Appends the entries merge keys brought that the mapping lacks: its own keys win, then earlier
/// sources over later ones.
fn merge_into(entries: &mut Vec<(Node, Node)>, merged: Vec<(Node, Node)>) {
    for (k, v) in merged {
        if !entries.iter().any(|(e, _)| e.text() == k.text()) {
            entries.push((k, v));
        }
    }
}

/// Character-indexed access to the source (saphyr's markers count characters, not bytes).
struct Source<'a> {
    text: &'a str,
    /// Byte offset of each character, plus one for the end; `None` for ASCII text, where a
    /// character's index is its byte offset.
    offsets: Option<Vec<usize>>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let offsets = (!text.is_ascii()).then(|| {
            let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            offsets.push(text.len());
            offsets
        });
        Source { text, offsets }
    }

    /// The byte offset of character `i` (the end of the text past its last character).
    fn byte(&self, i: usize) -> usize {
        match &self.offsets {
            None => i.min(self.text.len()),
            Some(offsets) => offsets[i.min(offsets.len() - 1)],
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        let s = self.byte(start);
        &self.text[s..self.byte(end).max(s)]
    }

    fn pos(&self, span: Span) -> Pos {
        let (s, e) = (span.start, span.end);
        let width = if e.line() == s.line() && e.col() > s.col() {
            e.col() - s.col()
        } else {
            // A block node or one that runs over lines: underline the rest of its first line.
            let rest = self.slice(s.index(), usize::MAX);
            rest.lines().next().unwrap_or("").trim_end().chars().count()
        };
        Pos {
            line: s.line().max(1),
            col: s.col() + 1,
            width: width.max(1),
        }
    }

    /// A resolved scalar's value. Plain scalars keep their source text; anchored or tagged ones
    /// (`&a 1`, `!!int 1`) and aliases fall back to the value's text.
    fn scalar(&self, span: Span, s: Scalar) -> Value {
        let plain = |fallback: &dyn Fn() -> String| {
            let mut raw = self.slice(span.start.index(), span.end.index()).trim();
            // An anchor (`&n 022`) or a tag (`!!int 022`) comes before the value's text.
            while raw.starts_with(['&', '!']) {
                raw = raw
                    .find(char::is_whitespace)
                    .map_or("", |i| raw[i..].trim_start());
            }
            if raw.is_empty() || raw.starts_with('*') {
                fallback()
            } else {
                raw.to_string()
            }
        };
        let (text, kind) = match s {
            Scalar::String(t) => (t.into_owned(), ScalarKind::Str),
            Scalar::Integer(i) => (plain(&|| i.to_string()), ScalarKind::Int(i)),
            Scalar::FloatingPoint(f) => (plain(&|| f.to_string()), ScalarKind::Float),
            Scalar::Boolean(b) => (plain(&|| b.to_string()), ScalarKind::Bool(b)),
            // `~`, `null` or nothing: kept, so that `cwd: ~` can mean the home directory.
            Scalar::Null => (plain(&String::new), ScalarKind::Null),
        };
        Value::Scalar { text, kind }
    }
}

#[cfg(test)]
mod tests;
