//! Hand-written expectations for [`super::parse`]; `oracle.rs` compares it with the old
//! `MarkedYaml` converter.

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
fn an_alias_is_a_copy_at_its_own_position_with_the_value_s_text() {
    let root = parse("a: &x {k: 022}\nb: *x\nc: &n 022\nd: *n\ne: &v !!float 1.10\n").unwrap();
    let m = map(&root);
    assert_eq!(
        (m[1].1.pos.line, m[1].1.pos.col, m[1].1.pos.width),
        (2, 4, 2)
    );
    assert_eq!(
        m[1].1.value, m[0].1.value,
        "children keep the anchor's positions"
    );
    // An anchored plain scalar keeps its source text (`umask: &u 022` is "022", not "22"),
    // and an alias copies it.
    assert_eq!((m[2].1.text(), m[3].1.text()), (Some("022"), Some("022")));
    assert_eq!((m[3].1.pos.line, m[3].1.pos.col), (4, 4));
    assert_eq!(m[4].1.text(), Some("1.10"), "anchor and tag both skipped");
}

#[test]
fn tags_resolve_scalars_or_are_refused() {
    let root = parse("a: !!str 022\nb: !!int 7\n").unwrap();
    let m = map(&root);
    assert_eq!(
        m[0].1.value,
        Value::Scalar {
            text: "022".into(),
            kind: ScalarKind::Str
        }
    );
    assert_eq!(
        m[1].1.value,
        Value::Scalar {
            text: "7".into(),
            kind: ScalarKind::Int(7)
        }
    );
    let e = parse("a: 1\nb: !!int x\n").unwrap_err();
    assert_eq!(
        e.message,
        "this value cannot be read (bad alias or tagged value)"
    );
    assert_eq!((e.pos.line, e.pos.col, e.pos.width), (2, 4, 7));
    let e = parse("a: !env {X: 1}\n").unwrap_err();
    assert_eq!(e.message, "YAML tag `!env` is not supported here");
    // saphyr ends a flow mapping where its `}` begins.
    assert_eq!((e.pos.line, e.pos.col, e.pos.width), (1, 4, 10));
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
