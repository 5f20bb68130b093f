//! Duplicate keys in one mapping, found as saphyr's loader finds them: keys are equal by
//! resolved value (`1` and `0x1` are the same key, `1` and `"1"` are not) and by tag, wherever
//! they stand.
//!
//! One difference: a key that is itself a mapping or list is compared as built (merge keys
//! merged, tags and values that cannot be read inside it unseen), where saphyr compared it as
//! written. Such a key is an error anyway ("a key must be a name"); only which error is
//! reported can differ.

use super::{Node, ScalarKind, Value};
use saphyr::parse_core_schema_fp;
use saphyr_parser::Tag;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The keys of one mapping so far (the mapping's entries hold them; this indexes them).
#[derive(Default)]
pub(super) struct Keys {
    /// Hashes of the keys, once there are many.
    index: Option<HashSet<u64>>,
    /// The keys with a tag of their own, by entry index.
    tags: Vec<(usize, Box<Tag>)>,
}

impl Keys {
    /// Whether `key` (with `tag`) is new among the keys of `entries`; a new key's tag is kept
    /// for the entry pushed next.
    pub(super) fn insert(
        &mut self,
        entries: &[(Node, Node)],
        key: &Node,
        tag: Option<Box<Tag>>,
    ) -> bool {
        if !self.is_new(entries, key, tag.as_deref()) {
            return false;
        }
        if let Some(tag) = tag {
            self.tags.push((entries.len(), tag));
        }
        true
    }

    /// Many keys are looked up by hash first.
    fn is_new(&mut self, entries: &[(Node, Node)], key: &Node, tag: Option<&Tag>) -> bool {
        const SCAN: usize = 16;
        if entries.len() >= SCAN {
            let index = (self.index)
                .get_or_insert_with(|| entries.iter().map(|(k, _)| key_hash(k)).collect());
            if index.insert(key_hash(key)) {
                return true;
            }
        }
        let tag_of = |i| self.tags.iter().find(|(j, _)| *j == i).map(|(_, t)| &**t);
        !(entries.iter().enumerate()).any(|(i, (k, _))| same_key(k, key) && tag_of(i) == tag)
    }
}

/// A float scalar's value: from its source text, or from the text a value falls back to.
fn float(text: &str) -> Option<f64> {
    parse_core_schema_fp(text).or_else(|| text.parse().ok())
}

/// Whether two keys are equal as saphyr compares them: by resolved value (`1` and `0x1` are
/// the same key, `1` and `"1"` are not), regardless of position.
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar { text: x, kind: k }, Value::Scalar { text: y, kind: l }) => match (k, l) {
            (ScalarKind::Float, ScalarKind::Float) => match (float(x), float(y)) {
                (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
                _ => x == y,
            },
            (ScalarKind::Str, ScalarKind::Str) => x == y,
            _ => k == l,
        },
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_key(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && (x.iter().zip(y))
                    .all(|((ka, va), (kb, vb))| same_key(ka, kb) && same_key(va, vb))
        }
        _ => false,
    }
}

/// A hash agreeing with [`same_key`]: equal keys hash alike.
fn key_hash(k: &Node) -> u64 {
    let mut h = DefaultHasher::new();
    match &k.value {
        Value::Scalar { text, kind } => match kind {
            ScalarKind::Str => (0u8, text).hash(&mut h),
            ScalarKind::Int(i) => (1u8, i).hash(&mut h),
            ScalarKind::Bool(b) => (2u8, b).hash(&mut h),
            ScalarKind::Null => 3u8.hash(&mut h),
            // Adding 0.0 turns -0.0 (equal to 0.0) into 0.0; all NaNs are one key.
            ScalarKind::Float => match float(text) {
                Some(f) if f.is_nan() => 4u8.hash(&mut h),
                Some(f) => (5u8, (f + 0.0).to_bits()).hash(&mut h),
                None => (6u8, text).hash(&mut h),
            },
        },
        Value::Seq(_) | Value::Map(_) => 7u8.hash(&mut h),
    }
    h.finish()
}
