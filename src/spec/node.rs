//! The spanned node tree: YAML text → [`Node`]s that remember line and column of every key and
//! value, and the raw text of every plain scalar.
//!
//! This is stage one of loading (the validator in [`super::validate`] is stage two). saphyr's
//! `MarkedYaml` does the parsing; this module flattens it into a small tree the validator can walk
//! without knowing saphyr, keeping plain scalars' source text so that `umask: 022` stays `"022"`
//! and `VERSION: 1.10` stays `"1.10"`.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

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
    /// Keys in document order (duplicates are rejected by the parser).
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
    let docs = MarkedYaml::load_from_str(src).map_err(|e| syntax_error(src, &e))?;
    let src = Source::new(src);
    let mut docs = docs.iter();
    let Some(first) = docs.next() else {
        return Ok(Node {
            pos: Pos {
                line: 1,
                col: 1,
                width: 1,
            },
            value: Value::Scalar {
                text: String::new(),
                kind: ScalarKind::Null,
            },
        });
    };
    if let Some(second) = docs.next() {
        return Err(SyntaxError {
            pos: src.pos(second),
            message: "a spec holds exactly one YAML document; found a second one".into(),
        });
    }
    src.convert(first)
}

/// The parser's error at its position; a duplicated key is named and underlined.
fn syntax_error(src: &str, e: &saphyr::ScanError) -> SyntaxError {
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

/// Character-indexed access to the source (saphyr's markers count characters, not bytes).
struct Source<'a> {
    text: &'a str,
    /// Byte offset of each character, plus one for the end.
    offsets: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        offsets.push(text.len());
        Source { text, offsets }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        let last = self.offsets.len() - 1;
        let (s, e) = (start.min(last), end.min(last));
        &self.text[self.offsets[s]..self.offsets[e.max(s)]]
    }

    fn pos(&self, n: &MarkedYaml) -> Pos {
        let (s, e) = (n.span.start, n.span.end);
        let width = if e.line() == s.line() && e.col() > s.col() {
            e.col() - s.col()
        } else {
            // A block node or one that runs over lines: underline the rest of its first line.
            let rest = self.slice(s.index(), self.offsets.len());
            rest.lines().next().unwrap_or("").trim_end().chars().count()
        };
        Pos {
            line: s.line().max(1),
            col: s.col() + 1,
            width: width.max(1),
        }
    }

    fn convert(&self, n: &MarkedYaml) -> Result<Node, SyntaxError> {
        let pos = self.pos(n);
        let value = match &n.data {
            YamlData::Mapping(m) => {
                let mut entries = Vec::with_capacity(m.len());
                let mut merged = Vec::new();
                for (k, v) in m {
                    let (k, v) = (self.convert(k)?, self.convert(v)?);
                    if is_merge_key(&k) {
                        merged.extend(merge_sources(v)?);
                    } else {
                        entries.push((k, v));
                    }
                }
                // `<<: *base` (YAML's merge key): the mapping's own keys win, then earlier
                // sources over later ones.
                for (k, v) in merged {
                    if !entries.iter().any(|(e, _)| e.text() == k.text()) {
                        entries.push((k, v));
                    }
                }
                Value::Map(entries)
            }
            YamlData::Sequence(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| self.convert(i))
                    .collect::<Result<_, _>>()?,
            ),
            YamlData::Value(s) => self.scalar(n, s),
            YamlData::Representation(text, _, _) => Value::Scalar {
                text: text.to_string(),
                kind: ScalarKind::Str,
            },
            YamlData::Tagged(tag, _) => {
                return Err(SyntaxError {
                    pos,
                    message: format!("YAML tag `{tag}` is not supported here"),
                })
            }
            YamlData::Alias(_) | YamlData::BadValue => {
                return Err(SyntaxError {
                    pos,
                    message: "this value cannot be read (bad alias or tagged value)".into(),
                })
            }
        };
        Ok(Node { pos, value })
    }

    fn scalar(&self, n: &MarkedYaml, s: &Scalar) -> Value {
        // Plain scalars keep their source text; anchors (`&a 1`) fall back to the value's text.
        let raw = self
            .slice(n.span.start.index(), n.span.end.index())
            .trim()
            .to_string();
        let plain = |fallback: String| {
            if raw.is_empty() || raw.starts_with(['&', '*', '!']) {
                fallback
            } else {
                raw.clone()
            }
        };
        let (text, kind) = match s {
            Scalar::String(t) => (t.to_string(), ScalarKind::Str),
            Scalar::Integer(i) => (plain(i.to_string()), ScalarKind::Int(*i)),
            Scalar::FloatingPoint(f) => (plain(f.to_string()), ScalarKind::Float),
            Scalar::Boolean(b) => (plain(b.to_string()), ScalarKind::Bool(*b)),
            // `~`, `null` or nothing: kept, so that `cwd: ~` can mean the home directory.
            Scalar::Null => (plain(String::new()), ScalarKind::Null),
        };
        Value::Scalar { text, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &[(Node, Node)] {
        match &n.value {
            Value::Map(m) => m,
            v => panic!("not a map: {v:?}"),
        }
    }

    #[test]
    fn positions_are_one_based_and_plain_scalars_keep_their_text() {
        let root = parse("a: 1\nbb:\n  umask: 022\n  v: 1.10\n  q: \"x y\"\n").unwrap();
        let m = map(&root);
        assert_eq!(
            m[0].0.pos,
            Pos {
                line: 1,
                col: 1,
                width: 1
            }
        );
        let inner = map(&m[1].1);
        assert_eq!(inner[0].1.text(), Some("022"));
        assert_eq!(
            inner[0].1.pos,
            Pos {
                line: 3,
                col: 10,
                width: 3
            }
        );
        assert_eq!(inner[1].1.text(), Some("1.10"));
        assert_eq!(inner[2].1.text(), Some("x y"));
        assert_eq!(inner[2].1.pos.width, 5);
    }

    #[test]
    fn merge_keys_bring_entries_the_mapping_lacks() {
        let src = "a: &a { user: www-data, cwd: /srv }\n\
                   b: &b { env: { X: \"1\" }, cwd: /b }\n\
                   one:\n  <<: *a\n  cwd: /own\n  run: x\n\
                   two:\n  <<: [*b, *a]\n";
        let root = parse(src).unwrap();
        let m = map(&root);
        let keys = |n: &Node| -> Vec<(String, String)> {
            map(n)
                .iter()
                .map(|(k, v)| {
                    let v = v.text().map_or_else(|| v.describe(), str::to_string);
                    (k.text().unwrap().to_string(), v)
                })
                .collect()
        };
        let one = keys(&m[2].1);
        assert_eq!(
            one.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["cwd", "run", "user"]
        );
        assert_eq!(one[0].1, "/own", "the mapping's own key wins");
        let two = keys(&m[3].1);
        assert_eq!(
            two.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["env", "cwd", "user"]
        );
        assert_eq!(two[1].1, "/b", "an earlier source wins over a later one");
        let e = parse("a:\n  <<: 3\n").unwrap_err();
        assert_eq!(
            e.message,
            "`<<` (YAML merge key) takes a mapping or a list of mappings"
        );
        assert_eq!((e.pos.line, e.pos.col), (2, 7));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let e = parse("a:\n  b: 1\n c: 2\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (3, 2));
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert_eq!(e.message, "duplicate key `a` (YAML keys must be unique)");
    }

    #[test]
    fn an_error_at_the_end_of_input_points_at_the_last_line() {
        let e = parse("services:\n  web: {run: x\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 15));
    }

    #[test]
    fn a_second_document_is_an_error_and_an_empty_file_is_null() {
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        assert!(parse("").unwrap().is_null());
    }
}
