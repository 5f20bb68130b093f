//! A small JSON Schema checker for the documents runitctl prints (docs/plan-schema.json,
//! docs/status-schema.json): `type` (one or a list), `enum`, `const`, integer `minimum`,
//! `required`, `properties`, `items`, local `$ref`, `allOf` and `anyOf` — what those schemas use.

use serde_json::Value;

/// Loads `docs/NAME`.
pub fn load(name: &str) -> Value {
    let path = format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every way `v` breaks `schema` (a whole schema document), as `$.path: problem` lines.
pub fn violations(schema: &Value, v: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(schema, schema, v, "$", &mut errs);
    errs
}

/// Parses `doc`, asserts that it follows `docs/NAME`, and returns it.
pub fn assert_valid(name: &str, doc: &str) -> Value {
    let v: Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{e}:\n{doc}"));
    let errs = violations(&load(name), &v);
    assert!(
        errs.is_empty(),
        "{name} violations:\n{}\n{doc}",
        errs.join("\n")
    );
    v
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("type {other} not supported"),
    }
}

fn check(schema: &Value, root: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        return check(&root["$defs"][name], root, v, at, errs);
    }
    for sub in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(sub, root, v, at, errs);
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = any.iter().any(|sub| {
            let mut e = Vec::new();
            check(sub, root, v, at, &mut e);
            e.is_empty()
        });
        if !fits {
            errs.push(format!("{at}: {v} fits none of anyOf"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type in schema at {at}"),
        };
        if !types.iter().any(|t| type_ok(t, v)) {
            errs.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            errs.push(format!("{at}: {v} != {c}"));
        }
    }
    if let (Some(m), Some(n)) = (schema.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < m {
            errs.push(format!("{at}: {n} < {m}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = r.as_str().unwrap();
            if !obj.contains_key(k) {
                errs.push(format!("{at}: missing `{k}`"));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, sub) in props {
                if let Some(x) = obj.get(k) {
                    check(sub, root, x, &format!("{at}.{k}"), errs);
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(items, root, x, &format!("{at}[{i}]"), errs);
        }
    }
}
