//! The systemd unit that runs the embedded runsvdir.
//!
//! - `KillMode=process`: systemd signals only runsvdir, never the runsv processes or the
//!   services directly; they stop the runit way (runsv sends TERM and CONT, runs `finish`).
//! - `KillSignal=SIGHUP`: on `systemctl stop`, runsvdir sends TERM to every runsv and exits
//!   111 (`SuccessExitStatus=111`), so stopping the unit stops the services cleanly.
//! - `Restart=always`: if runsvdir dies it is back within a second; runsv processes that
//!   survived keep their services (their `supervise/lock` makes a duplicate runsv give up).

use super::Boot;
use std::path::Path;

/// The unit's file name.
pub const UNIT_NAME: &str = "runitctl-runsvdir.service";
/// Where `--install` writes the unit (under `--root` when given).
pub const UNIT_PATH: &str = "/etc/systemd/system/runitctl-runsvdir.service";

/// The unit file text for `boot`.
pub fn systemd_unit(boot: &Boot) -> String {
    let dir = boot.service_dir.display();
    format!(
        "# {UNIT_NAME}, written by `runitctl bootstrap`: keeps runitctl's embedded runsvdir\n\
         # running; it supervises every service linked into {dir}.\n\
         [Unit]\n\
         Description=runit service supervision (runitctl runsvdir on {dir})\n\
         Documentation=man:runsvdir(8)\n\
         After=local-fs.target\n\
         \n\
         [Service]\n\
         ExecStart={} runsvdir -P {}\n\
         KillMode=process\n\
         KillSignal=SIGHUP\n\
         SuccessExitStatus=111\n\
         Restart=always\n\
         RestartSec=1\n\
         \n\
         [Install]\n\
         WantedBy=multi-user.target\n",
        systemd_word(&boot.exe),
        systemd_word(&boot.service_dir),
    )
}

/// A path as one ExecStart word: `%` and `$` escaped (systemd expands both), and quoted when
/// it holds blanks, quotes or backslashes.
fn systemd_word(path: &Path) -> String {
    let s = path
        .display()
        .to_string()
        .replace('%', "%%")
        .replace('$', "$$");
    if s.chars()
        .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'))
    {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_start_words_are_escaped() {
        assert_eq!(
            systemd_word(Path::new("/usr/bin/runitctl")),
            "/usr/bin/runitctl"
        );
        assert_eq!(
            systemd_word(Path::new("/opt/my tools/runitctl")),
            "\"/opt/my tools/runitctl\""
        );
        assert_eq!(systemd_word(Path::new("/opt/100%/$x")), "/opt/100%%/$$x");
    }
}
