//! `runitctl bootstrap`: the printed systemd unit and inittab line (golden), `--install` into a
//! temp `--root` (atomic, 0644, idempotent), and the unit checked by `systemd-analyze verify`
//! where systemd's tools are installed.

use crate::support::bin;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn bootstrap(args: &[&str]) -> Output {
    Command::new(bin())
        .arg("bootstrap")
        .args(args)
        .output()
        .expect("runitctl runs")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn prints_unit_and_inittab_line() {
    let out = bootstrap(&["--exe", "/usr/local/bin/runitctl"]);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn only_prints_one_piece() {
    let unit = stdout(&bootstrap(&[
        "--exe",
        "/usr/bin/runitctl",
        "--only",
        "systemd",
    ]));
    assert!(unit.starts_with("# runitctl-runsvdir.service"), "{unit}");
    for line in [
        "ExecStart=/usr/bin/runitctl runsvdir -P /etc/service\n",
        "KillMode=process\n",
        "Restart=always\n",
    ] {
        assert!(unit.contains(line), "{line} missing from\n{unit}");
    }
    let inittab = stdout(&bootstrap(&[
        "--exe",
        "/opt/run it/runitctl",
        "--service-dir",
        "/var/service",
        "--only",
        "inittab",
    ]));
    assert_eq!(
        inittab,
        "SV:123456:respawn:'/opt/run it/runitctl' runsvdir -P /var/service\n"
    );
}

#[test]
fn default_exe_is_this_binary() {
    let unit = stdout(&bootstrap(&["--only", "systemd"]));
    let exe = bin().canonicalize().unwrap();
    assert!(
        unit.contains(&format!(
            "ExecStart={} runsvdir -P /etc/service\n",
            exe.display()
        )),
        "{unit}"
    );
}

#[test]
fn install_writes_the_unit_atomically_under_root() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path().to_str().unwrap();
    let args = [
        "--root",
        r,
        "bootstrap",
        "--install",
        "--exe",
        "/usr/bin/runitctl",
    ];
    let first = Command::new(bin()).args(args).output().unwrap();
    let path = root
        .path()
        .join("etc/systemd/system/runitctl-runsvdir.service");
    assert_eq!(
        stdout(&first),
        format!(
            "wrote {}\nnext: systemctl --root={r} enable runitctl-runsvdir.service   (it starts at the image's next boot)\n",
            path.display()
        )
    );
    let expected = stdout(&bootstrap(&[
        "--exe",
        "/usr/bin/runitctl",
        "--only",
        "systemd",
    ]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o644);
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["runitctl-runsvdir.service".to_string()]);

    let second = Command::new(bin()).args(args).output().unwrap();
    assert!(stdout(&second).starts_with(&format!("unchanged: {}\n", path.display())));

    // A changed exe rewrites the unit in place.
    let third = Command::new(bin())
        .args([
            "--root",
            r,
            "bootstrap",
            "--install",
            "--exe",
            "/opt/bin/runitctl",
        ])
        .output()
        .unwrap();
    assert!(stdout(&third).starts_with("wrote "));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("ExecStart=/opt/bin/runitctl runsvdir"));
}

#[test]
fn install_refuses_inittab_and_bad_paths() {
    let out = bootstrap(&[
        "--install",
        "--only",
        "inittab",
        "--exe",
        "/usr/bin/runitctl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --install writes the systemd unit; for sysvinit add this line to /etc/inittab and run `telinit q`:\nSV:123456:respawn:/usr/bin/runitctl runsvdir -P /etc/service\n"
    );
    let out = bootstrap(&["--exe", "runitctl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --exe: `runitctl` is not an absolute path\n"
    );
    // Unwritable root: a clear error naming the path, exit 1.
    let root = tempfile::tempdir().unwrap();
    let blocker = root.path().join("etc");
    std::fs::write(&blocker, "a file where a directory should be").unwrap();
    let out = Command::new(bin())
        .args([
            "--root",
            root.path().to_str().unwrap(),
            "bootstrap",
            "--install",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: cannot write {}/etc/systemd/system/runitctl-runsvdir.service: ",
            root.path().display()
        )),
        "{err}"
    );
}

#[test]
fn systemd_accepts_the_unit() {
    let analyze = Path::new("/usr/bin/systemd-analyze");
    if !analyze.exists() {
        eprintln!("skipping: systemd-analyze is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("runitctl-runsvdir.service");
    std::fs::write(&unit, stdout(&bootstrap(&["--only", "systemd"]))).unwrap();
    let out = Command::new(analyze)
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // verify also lints unrelated system units on some hosts; only lines about ours count.
    let ours: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("runitctl-runsvdir"))
        .collect();
    assert!(
        out.status.success() && ours.is_empty(),
        "systemd-analyze verify: {err}"
    );
}
