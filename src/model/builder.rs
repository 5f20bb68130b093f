//! The tree under construction: inserts nodes, refusing two different wishes for one path.
//! [`Entries`] adds one service's nodes, owned by the service's owner unless said otherwise.

use super::error::BuildError;
use super::types::{FileClass, Node, NodeKind, Owner, ServiceId, Tree};
use std::path::Path;

/// Accumulates the desired tree.
#[derive(Default)]
pub struct TreeBuilder {
    pub tree: Tree,
}

/// Who asked for a node, for conflict messages.
fn describe(node: &Node) -> String {
    match &node.service {
        Some(id) => format!("service {id}"),
        None => "a managed directory".to_string(),
    }
}

impl TreeBuilder {
    /// Adds `node` at `path`. The same node twice is fine (shared containers); anything else
    /// at an existing path is a conflict.
    pub fn insert(&mut self, path: &Path, node: Node) -> Result<(), BuildError> {
        if let Some(old) = self.tree.get(path) {
            if *old == node {
                return Ok(());
            }
            return Err(BuildError::Conflict {
                path: path.to_path_buf(),
                first: describe(old),
                second: describe(&node),
            });
        }
        self.tree.insert(path.to_path_buf(), node);
        Ok(())
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
