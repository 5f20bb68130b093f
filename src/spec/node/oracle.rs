//! The converter [`super::events`] replaced, kept as the oracle it must agree with: saphyr's
//! `MarkedYaml` loader, flattened into [`Node`]s. Tests only.

use super::{
    is_merge_key, merge_into, merge_sources, no_document, syntax_error, Node, ScalarKind, Source,
    SyntaxError, Value,
};
use saphyr::{LoadableYamlNode, MarkedYaml, Yaml, YamlData, YamlLoader};
use saphyr_parser::Parser;
use std::path::Path;

/// [`super::parse`] as it was.
fn parse(src: &str) -> Result<Node, SyntaxError> {
    let docs = MarkedYaml::load_from_str(src).map_err(|e| syntax_error(src, &e))?;
    let src = Source::new(src);
    let mut docs = docs.iter();
    let Some(first) = docs.next() else {
        return Ok(no_document());
    };
    if let Some(second) = docs.next() {
        return Err(SyntaxError {
            pos: src.pos(second.span),
            message: "a spec holds exactly one YAML document; found a second one".into(),
        });
    }
    convert(&src, first)
}

fn convert(src: &Source, n: &MarkedYaml) -> Result<Node, SyntaxError> {
    let pos = src.pos(n.span);
    let value = match &n.data {
        YamlData::Mapping(m) => {
            let mut entries = Vec::with_capacity(m.len());
            let mut merged = Vec::new();
            for (k, v) in m {
                let (k, v) = (convert(src, k)?, convert(src, v)?);
                if is_merge_key(&k) {
                    merged.extend(merge_sources(v)?);
                } else {
                    entries.push((k, v));
                }
            }
            merge_into(&mut entries, merged);
            Value::Map(entries)
        }
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|i| convert(src, i))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Value(s) => src.scalar(n.span, s.clone()),
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

/// Documents that exercise what the builder must keep: every scalar kind and style,
/// anchors, aliases, merges, tags, duplicate keys, several documents, errors.
const CASES: &[&str] = &[
    "",
    "# only a comment\n",
    "---\n",
    "---\n...\n",
    "a: 1\n---\n",
    "a: 1\n---\nb: 2\n",
    "--- !foo\n",
    "~\n",
    "x\n",
    "[1, 2]\n",
    "a:\nb: ~\nc: null\nd: Null\ne: NULL\n",
    "t: [true, True, TRUE, false, False, FALSE, yes, no, on, off]\n",
    "i: [0, -1, +1, 0x1F, 0o17, 022, 1_000, 9223372036854775807, 9223372036854775808]\n",
    "f: [1.0, 1.10, .5, -.5, 1e3, 1E-3, .inf, -.Inf, +.INF, .nan, .NaN, 1., -0.0]\n",
    "s: [\"1\", '1', \"a\\tb\", 'it''s', \"\\u00e9\", plain text, a:b, -x, ~x]\n",
    "lit: |\n  one\n  two\nfold: >-\n  a\n  b\nkeep: |+\n  z\n\nlast: x\n",
    "multi: this is\n  a plain\n  scalar\nq: \"a\n  b\"\n",
    "nested: [[1, [2, [3]]], {a: [b, {c: d}]}, []]\n",
    "seq:\n- a\n- - b\n  - c\n- k: v\n  l: w\n-\n- ~\n",
    "? complex\n: value\n? [a, b]\n: list key\n? {k: v}\n: map key\n",
    "a: &x 022\nb: *x\nc: &y 1.10\nd: *y\ne: &z ~\nf: *z\ng: &w true\nh: *w\n",
    "a: &s str\nb: *s\nc: &q \"quoted\"\nd: *q\n",
    "base: &b {user: u, cwd: /srv}\none: *b\ntwo: [*b, *b]\n",
    "base: &b\n  user: u\n  env: &e {A: 1}\none:\n  <<: *b\n  env:\n    <<: *e\n    B: 2\n",
    "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 0\n",
    "a: &a {x: 1}\nc:\n  <<: *a\n  <<: *a\n",
    "c:\n  <<: 3\n",
    "c:\n  <<: [{a: 1}, 2]\n",
    "c:\n  <<: ~\n",
    "c:\n  \"<<\": {a: 1}\n  b: 2\n",
    "c: {<<: {a: 1}, a: 2}\n",
    "a: &a [1, 2]\nc:\n  <<: *a\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "1: x\n0x1: y\n",
    "1: x\n\"1\": y\n",
    "1.0: x\n1.00: y\n",
    ".nan: x\n.NaN: y\n",
    "0.0: x\n-0.0: y\n",
    "true: x\nTrue: y\n",
    "~: x\nnull: y\n",
    "[a]: x\n[a]: y\n",
    "{a: 1}: x\n{a: 1}: y\n",
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "b: {c: 1, c: 2}\na: 1\na: 2\n",
    "a: 1\n---\nb: 1\nb: 2\n",
    "a: !!str 123\nb: !!int 123\nc: !!float 1\nd: !!bool true\ne: !!null ~\n",
    "a: !!int abc\n",
    "a: !!bool yes\nb: !!int x\n",
    "a: !!unknown 1\n",
    "a: !custom 50\nb: !custom x\n",
    "a: !custom {b: 1}\n",
    "a: !custom [1]\nb: !!int x\n",
    "a: !!int x\nb: !custom [1]\n",
    "a: !!map {b: 1}\nc: !!seq [1]\nd: !!str {e: 1}\n",
    "a: &t !custom {b: 1}\nc: *t\n",
    "a: !custom\n  b: 1\n  c: 2\n",
    "? !!int x\n: 1\n? !!int y\n: 2\n",
    "? !!int x\n: 1\n~: 2\n",
    "a: &r [1, *r]\n",
    "a: *nope\n",
    "a: 1\n---\nb: !!int x\n",
    "a: !!int x\n---\nb: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\nb: !e!map {c: 1}\n",
    "é: ü\nkey: \"naïve\"\nn: 1.10\nlong: ééé ééé\nm: {ö: 022}\n",
    "services:\n  web: {run: x\n",
    "a:\n  b: 1\n c: 2\n",
    "a: [1, 2\n",
    "a: 'unterminated\n",
    "\ta: 1\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a: @x\n",
    "&a a: b\n*a : c\n",
    "a: &a b\n*a : c\n",
    "key with spaces: 1\n\"quoted key\": 2\n'single': 3\n",
    "a: {b: {c: {d: {e: [1, {f: g}]}}}}\n",
    "# everything at once\n\
     defaults: &d\n  user: app\n  env: &e {A: 1, B: \"two\", C: 'three'}\n  list: [1, [2, [3]], {k: v}]\n\
     kinds: [~, null, true, False, 0, -7, 0x1f, 0o17, 022, 1.10, .inf, -.5e3, .nan, text, \"1\", '~']\n\
     blocks:\n  lit: |\n    line one\n    line two\n  fold: >\n    folded\n    text\n\
     svc:\n  <<: *d\n  env:\n    <<: [*e, {D: 4}]\n    A: own\n  copy: *e\n  deep:\n  - - - x\n    - y\n  - &s solo\n  - *s\n",
    "!a 1: x\n1: y\n",
    "!a 1: x\n!a 1: y\n",
    "!a 1: x\n!b 1: y\n",
    "<<: {a: 1}\n\"<<\": {b: 2}\n",
    "? !!int x\n: {a: !foo 1}\nb: !bar 2\n",
    "? !!int x\n: [*nope]\n",
    "m: {? !!int x : &k {a: !foo 1}, z: *k}\n",
    "- !!int x\n- &a !!int y\n- *a\n",
    "a: &a !foo [1]\nb: *a\n",
    "a: &a {b: !foo 1}\nc: [*a]\n",
    "a: &a 1\nb: &a 2\nc: *a\n",
    "a: &a 1\n---\nb: *a\n",
    "k: {x: 1, <<: {x: 2, y: 3}, y: 4}\n",
    "k: [a, b]\n? [a, b]\n: dup list\n",
    "0o10: a\n8: b\n",
    "+1: a\n1: b\n",
    "1e3: a\n1000.0: b\n",
    "- [*x]\n",
    "a: !!seq {b: 1}\nc: !!str [1]\n",
    "a: ! x\nb: !<tag:yaml.org,2002:int> 5\nc: !<tag:x> 5\n",
];

fn same(src: &str, what: &str) {
    let (new, old) = (super::parse(src), parse(src));
    let blank = |r: Result<Node, SyntaxError>| r.map(|mut n| (blank_aliases(src, &mut n), n).1);
    assert_eq!(blank(new), blank(old), "{what}:\n{src}");
}

/// Blanks the text of every scalar at an alias (`*a`): the builder copies the anchored
/// scalar's source text (`022`), where `MarkedYaml` left the resolved value (`22`).
fn blank_aliases(src: &str, n: &mut Node) {
    let at_alias = |p: super::Pos| {
        src.lines()
            .nth(p.line.saturating_sub(1))
            .and_then(|l| l.chars().nth(p.col.saturating_sub(1)))
            == Some('*')
    };
    let pos = n.pos;
    match &mut n.value {
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            blank_aliases(src, k);
            blank_aliases(src, v);
        }),
        Value::Seq(items) => items.iter_mut().for_each(|i| blank_aliases(src, i)),
        Value::Scalar { text, .. } if at_alias(pos) => text.clear(),
        Value::Scalar { .. } => {}
    }
}

#[test]
fn the_event_builder_agrees_with_the_marked_yaml_converter() {
    for (i, src) in CASES.iter().enumerate() {
        same(src, &format!("case {i}"));
    }
}

#[test]
fn an_alias_bomb_fails_alike() {
    let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (i, name) in ["b", "c", "d", "e", "f"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e"][i];
        src += &format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        );
    }
    same(&src, "alias bomb");
    assert!(super::parse(&src).is_err());
}

/// Every YAML file in the repository, and every prefix of it (most of them broken YAML).
#[test]
fn every_yaml_file_in_the_repository_and_its_prefixes_load_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for dir in [
        "fixtures",
        "examples",
        "bench",
        "docs",
        "cookbook",
        "templates",
    ] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let path = entry.unwrap().into_path();
            let Some("yaml" | "yml") = path.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            let src = std::fs::read_to_string(&path).unwrap();
            files += 1;
            same(&src, &path.display().to_string());
            for (end, _) in src.char_indices().step_by(3) {
                same(&src[..end], &format!("{} up to byte {end}", path.display()));
            }
        }
    }
    assert!(files >= 40, "only {files} YAML files found");
}

/// Whether a mapping in `src` has a mapping or list as a key: [`super::keys`] finds
/// such keys equal by their built nodes, which saphyr did not (tags, merge keys and values
/// that cannot be read inside them), so the two may report different errors.
fn has_collection_key(src: &str) -> bool {
    fn collection(y: &Yaml) -> bool {
        match y {
            Yaml::Tagged(_, inner) => collection(inner),
            _ => y.is_sequence() || y.is_mapping(),
        }
    }
    fn walk(y: &Yaml) -> bool {
        match y {
            Yaml::Mapping(m) => m.iter().any(|(k, v)| collection(k) || walk(k) || walk(v)),
            Yaml::Sequence(items) => items.iter().any(walk),
            Yaml::Tagged(_, inner) => walk(inner),
            _ => false,
        }
    }
    let mut loader = YamlLoader::<Yaml>::default();
    loader.allow_duplicate_keys(true);
    let parsed = Parser::new_from_str(src).load(&mut loader, true);
    parsed.is_ok() && loader.into_documents().iter().any(walk)
}

/// Mutants of the repository's fixtures and of [`CASES`]: tokens that make anchors,
/// aliases, tags, merges and syntax errors inserted anywhere, lines dropped or doubled.
#[test]
fn mutated_documents_load_alike() {
    const TOKENS: &[&str] = &[
        "&a ", "&b ", "*a", "*b", "!!int ", "!!str ", "!x ", "<<: *a\n", "<<: ", "- ", ": ", "? ",
        "{", "}", "[", "]", ", ", "\n", "  ", "---\n", "\"", "'", "#", "|\n", "~", "0x1", "1.5",
        "é",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
    for dir in ["fixtures/golden", "fixtures/bad"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let path = entry.unwrap().into_path();
            if path.extension().is_some_and(|e| e == "yaml") {
                docs.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mutants = std::env::var("NODE_MUTANTS").map_or(20, |n| n.parse().unwrap());
    for doc in &docs {
        for _ in 0..mutants {
            let mut m = doc.clone();
            for _ in 0..1 + next(3) {
                let mut lines: Vec<&str> = m.split_inclusive('\n').collect();
                let line = next(lines.len());
                m = match next(4) {
                    0 if !lines.is_empty() => {
                        lines.remove(line);
                        lines.concat()
                    }
                    1 if !lines.is_empty() => {
                        lines.insert(line, lines[line]);
                        lines.concat()
                    }
                    _ => {
                        let at: Vec<usize> = (m.char_indices().map(|(i, _)| i))
                            .chain([m.len()])
                            .collect();
                        let at = at[next(at.len())];
                        format!("{}{}{}", &m[..at], TOKENS[next(TOKENS.len())], &m[at..])
                    }
                };
            }
            if !has_collection_key(&m) {
                same(&m, "mutant");
            }
        }
    }
}

#[test]
#[ignore = "a measurement, not a test: cargo test --release --lib -- --ignored --nocapture parse_timing"]
fn parse_timing() {
    let mut flow = String::from("project: bench\nservices:\n");
    let mut block = String::from(
        "project: bench\ndefaults: &d\n  stop_timeout: 7\n  env: &e\n    A: b\nservices:\n",
    );
    for i in 0..1000 {
        flow += &format!("  svc-{i:04}: {{ run: exec sleep 100000, log: false }}\n");
        block += &format!(
            "  svc-{i:04}:\n    <<: *d\n    run: exec sleep 100000\n    umask: 022\n    \
             env:\n      <<: *e\n      PORT: \"{i}\"\n      VERSION: 1.10\n"
        );
    }
    for (name, src) in [("flow", &flow), ("block", &block)] {
        let time = |f: fn(&str) -> Result<Node, SyntaxError>| {
            let runs = 50;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                f(src).unwrap();
            }
            start.elapsed() / runs
        };
        let (events, marked) = (time(super::parse), time(parse));
        println!("{name}, 1000 services: events {events:?}, MarkedYaml {marked:?} per parse");
    }
}
