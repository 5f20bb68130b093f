//! The tree under construction: inserts nodes, refusing two different wishes for one path.

use super::error::BuildError;
use super::types::{FileClass, Node, NodeKind, Owner, ServiceId, Tree};
use std::path::{Path, PathBuf};

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
    pub fn insert(&mut self, path: PathBuf, node: Node) -> Result<(), BuildError> {
        if let Some(old) = self.tree.get(&path) {
            if *old == node {
                return Ok(());
            }
            return Err(BuildError::Conflict {
                path,
                first: describe(old),
                second: describe(&node),
            });
        }
        self.tree.insert(path, node);
        Ok(())
    }

    pub fn dir(
        &mut self,
        path: &Path,
        mode: u32,
        owner: &Owner,
        class: FileClass,
        service: Option<&ServiceId>,
    ) -> Result<(), BuildError> {
        self.insert(
            path.to_path_buf(),
            Node {
                kind: NodeKind::Dir,
                mode,
                owner: owner.clone(),
                class,
                service: service.cloned(),
            },
        )
    }

    pub fn file(
        &mut self,
        path: &Path,
        content: impl Into<Vec<u8>>,
        mode: u32,
        owner: &Owner,
        class: FileClass,
        service: &ServiceId,
    ) -> Result<(), BuildError> {
        self.insert(
            path.to_path_buf(),
            Node {
                kind: NodeKind::File {
                    content: content.into(),
                },
                mode,
                owner: owner.clone(),
                class,
                service: Some(service.clone()),
            },
        )
    }

    pub fn symlink(
        &mut self,
        path: &Path,
        target: &Path,
        owner: &Owner,
        class: FileClass,
        service: &ServiceId,
    ) -> Result<(), BuildError> {
        self.insert(
            path.to_path_buf(),
            Node {
                kind: NodeKind::Symlink {
                    target: target.to_path_buf(),
                },
                mode: 0o777,
                owner: owner.clone(),
                class,
                service: Some(service.clone()),
            },
        )
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
