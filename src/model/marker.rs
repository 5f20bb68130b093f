//! The owner marker `<sv_dir>/<name>/.runitctl`: which project and spec made this service, and
//! a hash of everything else generated for it (so drift is visible at a glance).

use super::types::{FileClass, Node, NodeKind, ServiceId};
use std::path::PathBuf;

/// The marker's file name in a service dir.
pub const MARKER_FILE: &str = ".runitctl";

/// FNV-1a, 64 bit: tiny, stable across platforms and releases.
#[derive(Clone, Copy, Debug)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Length-prefixed, so `("ab","c")` and `("a","bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

fn hash_node(h: &mut Fnv64, path: &std::path::Path, node: &Node) {
    h.field(path.as_os_str().as_encoded_bytes());
    match &node.kind {
        NodeKind::Dir => h.field(b"dir"),
        NodeKind::File { content } => {
            h.field(b"file");
            h.field(content);
        }
        NodeKind::Symlink { target } => {
            h.field(b"symlink");
            h.field(target.as_os_str().as_encoded_bytes());
        }
    }
    h.write(&node.mode.to_le_bytes());
    h.field(node.owner.user.as_bytes());
    h.field(node.owner.group.as_bytes());
    h.field(class_name(node.class).as_bytes());
}

/// The class's name as the hash has always spelled it (its `Debug` form), without formatting.
fn class_name(c: FileClass) -> &'static str {
    match c {
        FileClass::Root => "Root",
        FileClass::ServiceDir => "ServiceDir",
        FileClass::Run => "Run",
        FileClass::Env => "Env",
        FileClass::EnvDir => "EnvDir",
        FileClass::Finish => "Finish",
        FileClass::Check => "Check",
        FileClass::Control => "Control",
        FileClass::ControlDir => "ControlDir",
        FileClass::Down => "Down",
        FileClass::Marker => "Marker",
        FileClass::LogServiceDir => "LogServiceDir",
        FileClass::LogRun => "LogRun",
        FileClass::LogDir => "LogDir",
        FileClass::LogConfig => "LogConfig",
        FileClass::EnableLink => "EnableLink",
    }
}

/// Hash of every entry of `id` among `entries` (in path order) except its marker: the whole
/// tree, or the service's own entries as it was rendered.
pub fn service_hash<'a>(
    entries: impl IntoIterator<Item = (&'a PathBuf, &'a Node)>,
    id: &ServiceId,
) -> u64 {
    let mut h = Fnv64::default();
    for (path, node) in entries {
        if node.service.as_ref() == Some(id) && node.class != FileClass::Marker {
            hash_node(&mut h, path, node);
        }
    }
    h.finish()
}

/// The marker's text. A `runsvdir-<user>` service also names the user tree it serves
/// (`user_sv_dir`, `user_service_dir`, logical paths), so that once the user is removed from
/// the spec, prune still finds that tree's services.
pub fn marker_text(
    project: &str,
    spec: &std::path::Path,
    hash: u64,
    user_tree: Option<(&std::path::Path, &std::path::Path)>,
) -> String {
    let mut text = format!(
        "project={project}\nspec={}\nhash={hash:016x}\n",
        spec.display()
    );
    if let Some((sv_dir, service_dir)) = user_tree {
        text.push_str(&format!(
            "user_sv_dir={}\nuser_service_dir={}\n",
            sv_dir.display(),
            service_dir.display()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::{Owner, Tree};

    #[test]
    fn class_names_are_the_debug_names_markers_were_hashed_with() {
        use FileClass::*;
        let all = [
            Root,
            ServiceDir,
            Run,
            Env,
            EnvDir,
            Finish,
            Check,
            Control,
            ControlDir,
            Down,
            Marker,
            LogServiceDir,
            LogRun,
            LogDir,
            LogConfig,
            EnableLink,
        ];
        for c in all {
            assert_eq!(class_name(c), format!("{c:?}"));
        }
    }

    fn node(content: &str, service: &ServiceId) -> Node {
        Node {
            kind: NodeKind::File {
                content: content.as_bytes().to_vec(),
            },
            mode: 0o755,
            owner: Owner {
                user: "root".into(),
                group: "root".into(),
            },
            class: FileClass::Run,
            service: Some(service.clone()),
        }
    }

    #[test]
    fn fnv1a_known_vectors() {
        let mut h = Fnv64::default();
        h.write(b"");
        assert_eq!(h.finish(), 0xcbf29ce484222325);
        let mut h = Fnv64::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63dc4c8601ec8c);
        let mut h = Fnv64::default();
        h.write(b"foobar");
        assert_eq!(h.finish(), 0x85944171f73967e8);
    }

    #[test]
    fn hash_is_stable_and_sensitive() {
        let web = ServiceId {
            user: None,
            name: "web".into(),
        };
        let other = ServiceId {
            user: None,
            name: "db".into(),
        };
        let mut tree = Tree::new();
        tree.insert("/etc/sv/web/run".into(), node("#!/bin/sh\nexec a\n", &web));
        tree.insert("/etc/sv/db/run".into(), node("#!/bin/sh\nexec b\n", &other));
        let h = service_hash(&tree, &web);
        // Pinned: a change here changes every marker on every machine.
        assert_eq!(format!("{h:016x}"), "46c04dc1fb17ba95");
        // Other services' entries and the marker itself do not count.
        tree.insert("/etc/sv/db/run".into(), node("changed", &other));
        let mut marker = node("project=x\n", &web);
        marker.class = FileClass::Marker;
        tree.insert("/etc/sv/web/.runitctl".into(), marker);
        assert_eq!(service_hash(&tree, &web), h);
        let own: Vec<(PathBuf, Node)> = tree.clone().into_iter().collect();
        assert_eq!(service_hash(own.iter().map(|(p, n)| (p, n)), &web), h);
        // Content, mode and owner do.
        tree.insert("/etc/sv/web/run".into(), node("#!/bin/sh\nexec c\n", &web));
        assert_ne!(service_hash(&tree, &web), h);
        let mut n = node("#!/bin/sh\nexec a\n", &web);
        n.mode = 0o700;
        tree.insert("/etc/sv/web/run".into(), n);
        assert_ne!(service_hash(&tree, &web), h);
    }

    #[test]
    fn marker_text_shape() {
        assert_eq!(
            marker_text("shop", "/srv/services.yaml".as_ref(), 0xab, None),
            "project=shop\nspec=/srv/services.yaml\nhash=00000000000000ab\n"
        );
        let tree = Some(("/home/d/sv".as_ref(), "/home/d/service".as_ref()));
        assert_eq!(
            marker_text("shop", "/s.yaml".as_ref(), 1, tree),
            "project=shop\nspec=/s.yaml\nhash=0000000000000001\n\
             user_sv_dir=/home/d/sv\nuser_service_dir=/home/d/service\n"
        );
    }
}
