//! Helpers for the Ansible tests: find `ansible-playbook` (required: its absence fails the
//! test), run it against localhost with every ANSIBLE_* setting kept inside a temp dir, read
//! the PLAY RECAP, and snapshot a sandbox tree to prove a run wrote nothing.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The example role and playbook in the repository.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ansible")
}

/// Panics unless `ansible-playbook` is on PATH and Debian's `sv` is installed. (Not run here:
/// even `--version` writes to ~/.ansible outside [`Ansible`]'s isolated settings.)
pub fn require_ansible(test: &str) {
    assert!(
        !runitctl::cli::common::on_path("ansible-playbook").is_empty(),
        "{test}: ansible-playbook is required (apt-get install ansible)"
    );
    assert!(
        Path::new("/usr/bin/sv").exists(),
        "{test}: Debian's runit (/usr/bin/sv) is required (apt-get install runit)"
    );
}

/// An isolated Ansible setup: config, home and temp dirs inside `dir`.
pub struct Ansible {
    dir: PathBuf,
}

impl Ansible {
    /// Prepares `dir/ansible/{home,tmp}` and an empty `ansible.cfg` (no user or cwd config).
    pub fn new(dir: &Path) -> Ansible {
        let dir = dir.join("ansible");
        for sub in ["home", "tmp"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        std::fs::write(dir.join("ansible.cfg"), "[defaults]\n").unwrap();
        Ansible { dir }
    }

    /// `ansible-playbook -i localhost, -c local PLAYBOOK ARGS…`, cwd = the temp dir. PATH puts
    /// /usr/bin first so modules find Debian's `sv`.
    pub fn playbook(&self, playbook: &Path, args: &[&str]) -> Output {
        let path = std::env::var("PATH").unwrap_or_default();
        Command::new("ansible-playbook")
            .args(["-i", "localhost,", "-c", "local"])
            .arg(playbook)
            .args(args)
            .current_dir(&self.dir)
            .env("PATH", format!("/usr/bin:/bin:{path}"))
            .env("ANSIBLE_CONFIG", self.dir.join("ansible.cfg"))
            .env("ANSIBLE_HOME", self.dir.join("home"))
            .env("ANSIBLE_LOCAL_TEMP", self.dir.join("tmp"))
            .env("ANSIBLE_REMOTE_TEMP", self.dir.join("tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
            .env("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3")
            .env("ANSIBLE_LOCALHOST_WARNING", "0")
            .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "0")
            .env_remove("ANSIBLE_FORCE_COLOR")
            .env_remove("ANSIBLE_STDOUT_CALLBACK")
            .stdin(Stdio::null())
            .output()
            .expect("ansible-playbook runs")
    }

    /// Writes `name` (an extra-vars file or a playbook) into the temp dir; returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

/// The counters of localhost's PLAY RECAP line (`ok=3 changed=0 … failed=0 …`).
pub fn recap(stdout: &str) -> BTreeMap<String, u32> {
    let line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("PLAY RECAP"))
        .find(|l| l.starts_with("localhost"))
        .unwrap_or_else(|| panic!("no PLAY RECAP for localhost in:\n{stdout}"));
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().expect("recap counter")))
        .collect()
}

/// Every entry under `root`: its kind, mode and content (a file's bytes, a link's target).
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let meta = e.path().symlink_metadata().unwrap();
            let content = if meta.file_type().is_symlink() {
                std::fs::read_link(e.path())
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else if meta.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_path_buf(), (meta.permissions().mode(), content))
        })
        .collect()
}

/// Asserts two snapshots are equal, naming the entries that differ.
pub fn assert_same_tree(
    before: &BTreeMap<PathBuf, (u32, Vec<u8>)>,
    after: &BTreeMap<PathBuf, (u32, Vec<u8>)>,
    what: &str,
) {
    let differ: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what} changed the sandbox: {differ:?}");
}
