//! Builds the [`Node`] tree straight from saphyr-parser's spanned events.
//!
//! It keeps the rules of saphyr's own loader, which `MarkedYaml` used: an alias copies its
//! anchor's node (the copy sits at the alias's position), aliases copy at most
//! [`ALIAS_BUDGET`] nodes in all, a key twice in one mapping is an error, and a value that
//! cannot be read (`!!int x`) in a key's place leaves the place to the next node. The parser's
//! errors win over the loader's, which win over a second document, which wins over our own
//! problems (a value that cannot be read, a tag of one's own, a bad merge key): each node carries
//! the first problem in it, in the order a walk of the finished tree would meet them.

use super::keys::Keys;
use super::{
    is_merge_key, merge_into, merge_sources, syntax_error, Node, Pos, ScalarKind, Source,
    SyntaxError, Value,
};
use saphyr::Scalar;
use saphyr_parser::{Event, Marker, Parser, ScanError, Span, SpannedEventReceiver, Tag};

/// How many nodes aliases may copy in all: saphyr's loader's limit against "billion laughs"
/// (nested anchors that expand exponentially).
const ALIAS_BUDGET: usize = 100_000;

/// The first document's root (`None`: the text holds no document), or the first error.
pub(super) fn build(src: &Source) -> Result<Option<Node>, SyntaxError> {
    let mut b = Builder {
        src,
        stack: Vec::new(),
        root: None,
        docs: 0,
        first: None,
        second: None,
        anchors: Vec::new(),
        budget: ALIAS_BUDGET,
        fatal: None,
    };
    let parsed = Parser::new_from_iter(src.text.chars()).load(&mut b, true);
    if let Some(e) = parsed.err().or(b.fatal) {
        return Err(syntax_error(src.text, &e));
    }
    if let Some(pos) = b.second {
        return Err(SyntaxError {
            pos,
            message: "a spec holds exactly one YAML document; found a second one".into(),
        });
    }
    let Some(root) = b.first else {
        return Ok(None);
    };
    match (root.problem, root.node) {
        (Some(p), _) => Err(p.error),
        (None, node) => node.map(Some).map_err(unreadable),
    }
}

/// A complete node, or where a value that cannot be read stands (saphyr's `BadValue`), with the
/// first problem in it.
#[derive(Clone)]
struct Item {
    node: Result<Node, Pos>,
    problem: Option<Box<Problem>>,
    /// A tag of its own (which is its problem), for comparing it as a key.
    tag: Option<Box<Tag>>,
}

#[derive(Clone)]
struct Problem {
    error: SyntaxError,
    /// Whether it is the node's own (its tag, or that it cannot be read), which a copy has at
    /// the alias's position; otherwise it is in a child, which a copy shares.
    own: bool,
}

impl Item {
    fn bad(pos: Pos) -> Item {
        Item {
            node: Err(pos),
            problem: Some(Box::new(Problem {
                error: unreadable(pos),
                own: true,
            })),
            tag: None,
        }
    }
}

struct Builder<'s, 'a> {
    src: &'s Source<'a>,
    /// The mappings and sequences still open, innermost last.
    stack: Vec<Frame>,
    /// The current document's root, once complete.
    root: Option<Item>,
    /// Documents completed so far.
    docs: usize,
    first: Option<Item>,
    /// Where the second document's root is.
    second: Option<Pos>,
    /// By anchor id (the parser numbers them from 1): the node and how many nodes copying it
    /// costs.
    anchors: Vec<Option<(Item, usize)>>,
    /// Nodes aliases may still copy.
    budget: usize,
    /// A duplicate key or an exhausted alias budget: the events after it are ignored.
    fatal: Option<ScanError>,
}

/// An open collection.
struct Frame {
    start: Marker,
    anchor: usize,
    /// Nodes a copy of this one costs, counted as saphyr's loader does (a mapping entry counts
    /// once, plus its value).
    count: usize,
    /// The first problem in it so far (its own tag's gets its position at the end).
    problem: Option<Box<Problem>>,
    tag: Option<Box<Tag>>,
    kind: Kind,
}

enum Kind {
    Seq(Vec<Node>),
    Map(Box<Map>),
}

/// An open mapping.
#[derive(Default)]
struct Map {
    entries: Vec<(Node, Node)>,
    /// What merge keys bring, added at the end where the mapping lacks it.
    merged: Vec<(Node, Node)>,
    /// A key waiting for its value, and where the loader marks it.
    key: Option<(Item, Marker)>,
    /// Whether a `<<` key was seen (merge keys are not in `entries`).
    merge_key: bool,
    keys: Keys,
}

/// Keeps a child's problem `p` as a collection's `first` if it has none yet.
fn note(first: &mut Option<Box<Problem>>, p: Option<Box<Problem>>) {
    if let (None, Some(mut p)) = (&first, p) {
        p.own = false;
        *first = Some(p);
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_, '_> {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        if self.fatal.is_some() {
            return;
        }
        match ev {
            Event::Scalar(v, style, anchor, mut tag) => {
                let pos = self.src.pos(span);
                let custom = tag.take_if(|t| !t.is_yaml_core_schema());
                let item = match Scalar::parse_from_cow_and_metadata(v, style, tag.as_ref()) {
                    Some(s) => Item {
                        node: Ok(Node {
                            pos,
                            value: self.src.scalar(span, s),
                        }),
                        problem: custom.as_deref().map(|t| unsupported(t, pos)),
                        tag: custom.map(|t| Box::new(t.into_owned())),
                    },
                    None => Item::bad(pos),
                };
                self.insert(item, 1, anchor, span.start);
            }
            Event::Alias(id) => {
                let pos = self.src.pos(span);
                let (item, count) = match self.anchors.get(id) {
                    Some(Some((item, count))) => {
                        if *count > self.budget {
                            self.fatal = Some(ScanError::new_str(
                                span.start,
                                "alias expansion exceeded the maximum node budget \
                                 (possible billion-laughs attack)",
                            ));
                            return;
                        }
                        self.budget -= count;
                        (copy(item, pos), *count)
                    }
                    // Not complete yet: an alias inside its own anchor.
                    _ => (Item::bad(pos), 1),
                };
                self.insert(item, count, 0, span.start);
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(Kind::Seq(Vec::new()), anchor, tag.as_deref(), span);
            }
            Event::MappingStart(anchor, tag) => {
                self.open(Kind::Map(Box::default()), anchor, tag.as_deref(), span);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(mut frame) = self.stack.pop() else {
                    return;
                };
                let pos = self.src.pos(Span::new(frame.start, span.start));
                if let Some(p) = frame.problem.as_mut().filter(|p| p.own) {
                    p.error.pos = pos;
                }
                let value = match frame.kind {
                    Kind::Seq(items) => Value::Seq(items),
                    Kind::Map(mut m) => {
                        merge_into(&mut m.entries, m.merged);
                        Value::Map(m.entries)
                    }
                };
                let item = Item {
                    node: Ok(Node { pos, value }),
                    problem: frame.problem,
                    tag: frame.tag,
                };
                self.insert(item, frame.count, frame.anchor, span.start);
            }
            Event::DocumentEnd => {
                // A document without a node is a value that cannot be read.
                let item = (self.root.take()).unwrap_or_else(|| Item::bad(self.src.pos(span)));
                match self.docs {
                    0 => self.first = Some(item),
                    1 => self.second = Some(item.node.map_or_else(|pos| pos, |n| n.pos)),
                    _ => {}
                }
                self.docs += 1;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
    }
}

impl Builder<'_, '_> {
    /// Opens a collection; a tag other than YAML's own (`!!map`) is its problem.
    fn open(&mut self, kind: Kind, anchor: usize, tag: Option<&Tag>, span: Span) {
        let custom = tag.filter(|t| !t.is_yaml_core_schema());
        self.stack.push(Frame {
            start: span.start,
            anchor,
            count: 1,
            problem: custom.map(|t| unsupported(t, Pos::default())),
            tag: custom.map(|t| Box::new(t.clone())),
            kind,
        });
    }

    /// Puts a complete node (costing `count` to copy) into the open collection or as the root;
    /// `mark` is where saphyr's loader marks it (the start of a scalar or alias, the end of a
    /// collection), used for a duplicate key.
    fn insert(&mut self, item: Item, count: usize, anchor: usize, mark: Marker) {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some((item.clone(), count));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(item);
            return;
        };
        let m = match &mut frame.kind {
            Kind::Seq(items) => {
                frame.count += count;
                note(&mut frame.problem, item.problem);
                items.push(item.node.unwrap_or_else(placeholder));
                return;
            }
            Kind::Map(m) => m,
        };
        // A key that cannot be read leaves its place to the next node (saphyr's loader takes
        // a `BadValue` key for a missing one).
        let (key, key_problem, key_tag, key_mark) = match m.key.take() {
            Some((
                Item {
                    node: Ok(key),
                    problem,
                    tag,
                },
                key_mark,
            )) => (key, problem, tag, key_mark),
            _ => {
                m.key = Some((item, mark));
                return;
            }
        };
        frame.count += 1 + count;
        let added = m.add(key, key_tag, item.node);
        note(&mut frame.problem, key_problem);
        note(&mut frame.problem, item.problem);
        match added {
            Ok(()) => {}
            Err(Added::Duplicate) => {
                self.fatal = Some(ScanError::new_str(key_mark, "duplicated key in mapping"));
            }
            Err(Added::BadMerge(error)) => note(
                &mut frame.problem,
                Some(Box::new(Problem { error, own: false })),
            ),
        }
    }
}

/// An alias's copy of an anchored item, at the alias's position.
fn copy(item: &Item, pos: Pos) -> Item {
    let mut copy = item.clone();
    copy.node = match copy.node {
        Ok(node) => Ok(Node { pos, ..node }),
        Err(_) => Err(pos),
    };
    if let Some(p) = copy.problem.as_mut().filter(|p| p.own) {
        p.error.pos = pos;
    }
    copy
}

/// A tag other than YAML's own (`!!str`, `!!int`, …): saphyr keeps it on the node, which we
/// refuse.
fn unsupported(tag: &Tag, pos: Pos) -> Box<Problem> {
    Box::new(Problem {
        error: SyntaxError {
            pos,
            message: format!("YAML tag `{tag}` is not supported here"),
        },
        own: true,
    })
}

fn unreadable(pos: Pos) -> SyntaxError {
    SyntaxError {
        pos,
        message: "this value cannot be read (bad alias or tagged value)".into(),
    }
}

/// Why an entry was not added as it stands.
enum Added {
    Duplicate,
    BadMerge(SyntaxError),
}

impl Map {
    fn add(
        &mut self,
        key: Node,
        tag: Option<Box<Tag>>,
        value: Result<Node, Pos>,
    ) -> Result<(), Added> {
        if tag.is_none() && is_merge_key(&key) {
            if std::mem::replace(&mut self.merge_key, true) {
                return Err(Added::Duplicate);
            }
            // A value that cannot be read is the problem already.
            if let Ok(value) = value {
                (self.merged).extend(merge_sources(value).map_err(Added::BadMerge)?);
            }
            return Ok(());
        }
        if !self.keys.insert(&self.entries, &key, tag) {
            return Err(Added::Duplicate);
        }
        self.entries.push((key, value.unwrap_or_else(placeholder)));
        Ok(())
    }
}

/// Stands where a value that cannot be read was (the load fails with that problem).
fn placeholder(pos: Pos) -> Node {
    Node {
        pos,
        value: Value::Scalar {
            text: String::new(),
            kind: ScalarKind::Null,
        },
    }
}
