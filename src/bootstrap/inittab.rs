//! The sysvinit way: an `/etc/inittab` entry that respawns the embedded runsvdir in runlevels
//! 1–6 (`SV:123456:respawn:…`, the entry runit's own docs use). After adding it, `telinit q`
//! makes init re-read the file and start it.

use super::Boot;
use std::path::Path;

/// The inittab line (no trailing newline).
pub fn inittab_line(boot: &Boot) -> String {
    format!(
        "SV:123456:respawn:{} runsvdir -P {}",
        shell_word(&boot.exe),
        shell_word(&boot.service_dir)
    )
}

/// init hands the process field to `sh -c` when it holds shell characters: quote when needed.
fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | '@'))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_quoting() {
        let b = Boot {
            exe: "/usr/local/bin/runitctl".into(),
            service_dir: "/etc/service".into(),
        };
        assert_eq!(
            inittab_line(&b),
            "SV:123456:respawn:/usr/local/bin/runitctl runsvdir -P /etc/service"
        );
        assert_eq!(shell_word(Path::new("/a b/it's")), "'/a b/it'\\''s'");
    }
}
