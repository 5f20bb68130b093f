//! The tree under construction: inserts nodes, refusing two different wishes for one path.
//! [`Entries`] adds one service's nodes, owned by the service's owner unless said otherwise.

use super::error::BuildError;
use super::types::{FileClass, Node, NodeKind, Owner, ServiceId, Tree};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Accumulates the desired tree. Nodes are kept in a hash map while building and sorted once
/// at the end: a `BTreeMap<PathBuf, _>` insert compares paths component by component at every
/// level, which made building a 10,000-path tree most of a no-op plan's CPU time.
#[derive(Default)]
pub struct TreeBuilder {
    /// Keyed by the path as an `OsString`, which hashes its bytes in one go (a `Path` hashes
    /// component by component).
    nodes: HashMap<OsString, Node>,
}

/// The order of [`Path`]'s `Ord` for normalised absolute paths (no `.`, `..`, `//` or trailing
/// `/`), computed on bytes: a `/` sorts before every other byte, so a component that is a prefix
/// of another sorts first, exactly as a component-wise comparison has it.
fn path_order(a: &Path, b: &Path) -> Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { c as u16 + 1 };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    // The first differing byte decides; a path that is a prefix of the other sorts first. The
    // common prefix (`/etc/sv/svc-0`…) is skipped eight bytes at a time.
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    match i < n {
        true => key(a[i]).cmp(&key(b[i])),
        false => a.len().cmp(&b.len()),
    }
}

/// Who asked for a node, for conflict messages.
fn describe(node: &Node) -> String {
    match &node.service {
        Some(id) => format!("service {id}"),
        None => "a managed directory".to_string(),
    }
}

/// Two different wishes for `path`, `first` asked first.
fn conflict(path: &Path, first: &Node, second: &Node) -> BuildError {
    BuildError::Conflict {
        path: path.to_path_buf(),
        first: describe(first),
        second: describe(second),
    }
}

impl TreeBuilder {
    /// Adds `node` at `path`. The same node twice is fine (shared containers); anything else
    /// at an existing path is a conflict.
    pub fn insert(&mut self, path: &Path, node: Node) -> Result<(), BuildError> {
        self.insert_owned(path.as_os_str().to_owned(), node)
    }

    fn insert_owned(&mut self, path: OsString, node: Node) -> Result<(), BuildError> {
        match self.nodes.get(&path) {
            Some(old) if *old == node => Ok(()),
            Some(old) => Err(conflict(Path::new(&path), old, &node)),
            None => {
                self.nodes.insert(path, node);
                Ok(())
            }
        }
    }

    /// Adds `entries` (one service's, in path order: [`TreeBuilder::into_sorted`]) as
    /// [`TreeBuilder::insert`] would one by one, so the conflict reported, if several, is
    /// always the same one.
    pub fn absorb_sorted(&mut self, entries: Vec<(PathBuf, Node)>) -> Result<(), BuildError> {
        entries
            .into_iter()
            .try_for_each(|(path, node)| self.insert_owned(path.into_os_string(), node))
    }

    /// Makes room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.nodes.reserve(n);
    }

    /// The node wished for at `path` so far.
    pub fn get(&self, path: &Path) -> Option<&Node> {
        self.nodes.get(path.as_os_str())
    }

    /// The entries in path order.
    pub fn into_sorted(self) -> Vec<(PathBuf, Node)> {
        let mut v: Vec<(PathBuf, Node)> = self
            .nodes
            .into_iter()
            .map(|(p, n)| (PathBuf::from(p), n))
            .collect();
        v.sort_unstable_by(|a, b| path_order(&a.0, &b.0));
        v
    }

    /// Two [`TreeBuilder::into_sorted`] lists with no path in common, merged into one tree
    /// (already sorted: collecting checks that with one comparison per entry).
    /// A path in both is a conflict, as [`TreeBuilder::insert`] has it (`a` asked first).
    pub fn merge(a: Vec<(PathBuf, Node)>, b: Vec<(PathBuf, Node)>) -> Result<Tree, BuildError> {
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => match path_order(&x.0, &y.0) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal if x.1 == y.1 => {
                        b.next();
                        true
                    }
                    Ordering::Equal => return Err(conflict(&x.0, &x.1, &y.1)),
                },
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            merged.extend(if take_a { a.next() } else { b.next() });
        }
        Ok(merged.into_iter().collect())
    }

    /// A container that must exist (`sv_dir`, `service_dir`), 0755.
    pub fn root_dir(&mut self, path: &Path, owner: &Owner) -> Result<(), BuildError> {
        let node = Node {
            kind: NodeKind::Dir,
            mode: 0o755,
            owner: owner.clone(),
            class: FileClass::Root,
            service: None,
        };
        self.insert(path, node)
    }

    /// Adds the entries of service `id`, owned by `owner` unless said otherwise.
    pub fn service<'a>(&'a mut self, id: &'a ServiceId, owner: &'a Owner) -> Entries<'a> {
        Entries { b: self, id, owner }
    }
}

/// One service's entries.
pub struct Entries<'a> {
    b: &'a mut TreeBuilder,
    pub id: &'a ServiceId,
    pub owner: &'a Owner,
}

impl Entries<'_> {
    fn put(
        &mut self,
        path: &Path,
        kind: NodeKind,
        mode: u32,
        owner: &Owner,
        class: FileClass,
    ) -> Result<(), BuildError> {
        let node = Node {
            kind,
            mode,
            owner: owner.clone(),
            class,
            service: Some(self.id.clone()),
        };
        self.b.insert(path, node)
    }

    /// A directory owned by the service's owner.
    pub fn dir(&mut self, path: &Path, mode: u32, class: FileClass) -> Result<(), BuildError> {
        self.dir_as(path, mode, self.owner, class)
    }

    pub fn dir_as(
        &mut self,
        path: &Path,
        mode: u32,
        owner: &Owner,
        class: FileClass,
    ) -> Result<(), BuildError> {
        self.put(path, NodeKind::Dir, mode, owner, class)
    }

    /// A file owned by the service's owner.
    pub fn file(
        &mut self,
        path: &Path,
        content: impl Into<Vec<u8>>,
        mode: u32,
        class: FileClass,
    ) -> Result<(), BuildError> {
        self.file_as(path, content, mode, self.owner, class)
    }

    pub fn file_as(
        &mut self,
        path: &Path,
        content: impl Into<Vec<u8>>,
        mode: u32,
        owner: &Owner,
        class: FileClass,
    ) -> Result<(), BuildError> {
        let kind = NodeKind::File {
            content: content.into(),
        };
        self.put(path, kind, mode, owner, class)
    }

    /// The enable link `path` → `target` (mode is meaningless for symlinks; 0777 is shown).
    pub fn link(&mut self, path: &Path, target: &Path) -> Result<(), BuildError> {
        let kind = NodeKind::Symlink {
            target: target.to_path_buf(),
        };
        self.put(path, kind, 0o777, self.owner, FileClass::EnableLink)
    }
}

impl Owner {
    /// `root:root`.
    pub fn root() -> Owner {
        Owner {
            user: "root".into(),
            group: "root".into(),
        }
    }
}

#[cfg(test)]
mod order_tests {
    use super::path_order;
    use std::path::Path;

    #[test]
    fn byte_order_matches_paths_component_order() {
        let paths = [
            "/",
            "/a",
            "/a/b",
            "/a.b",
            "/a-b",
            "/a/b/c",
            "/a/bc",
            "/ab",
            "/a/b.c",
            "/a/b-c",
            "/etc/sv/web",
            "/etc/sv/web-1",
            "/etc/sv/web/env",
            "/etc/sv/web.d",
            "/etc/svc",
            "/home/u/sv/app10",
            "/home/u/sv/app1/run",
            "/home/u/sv/app1",
            "/etc/sv/w",
            "/etc/sv/web0",
            "/etc/sv/web/log/run",
            "/etc/sv/web/.runitctl",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(path_order(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }
}
