//! The text table of `runitctl status` (vsv-like columns), coloured only when asked (a terminal
//! without `NO_COLOR`): STATE run green, down red, anything else yellow; ENABLED yes green, no
//! red; PID magenta; UPTIME of a running service red under 5 s, yellow under 30 s (crash loops
//! stand out); RESTARTS yellow when non-zero; DRIFT yellow when not in sync.

use super::row::{Drift, Row};
use super::slot::{Slot, SlotState};
use super::summary::Summary;
use crate::supervise::extra::LastExit;

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const MAGENTA: &str = "35";

/// One cell: its text and an optional SGR colour.
struct Cell {
    text: String,
    colour: Option<&'static str>,
}

fn cell(text: impl Into<String>, colour: Option<&'static str>) -> Cell {
    Cell {
        text: text.into(),
        colour,
    }
}

/// Renders the table, a summary line, and notes (errors, drifted paths).
pub fn render_table(rows: &[Row], colour: bool) -> String {
    let with_drift = rows.iter().any(|r| r.drift.is_some());
    let mut header = vec![
        "SERVICE",
        "STATE",
        "ENABLED",
        "PID",
        "UPTIME",
        "RESTARTS",
        "LAST EXIT",
        "LOG",
    ];
    if with_drift {
        header.push("DRIFT");
    }
    let body: Vec<Vec<Cell>> = rows.iter().map(|r| cells(r, with_drift)).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &body {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.text.chars().count());
        }
    }
    let mut out = String::new();
    let head: Vec<Cell> = header.iter().map(|h| cell(*h, None)).collect();
    push_line(&mut out, &head, &widths, false);
    for row in &body {
        push_line(&mut out, row, &widths, colour);
    }
    out.push_str(&summary_line(&Summary::of(rows)));
    out.push_str(&notes(rows));
    out
}

fn push_line(out: &mut String, cells: &[Cell], widths: &[usize], colour: bool) {
    let mut line = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        let last = i + 1 == cells.len();
        let pad = if last {
            String::new()
        } else {
            " ".repeat(w - c.text.chars().count() + 2)
        };
        match (colour, c.colour) {
            (true, Some(code)) => line.push_str(&format!("\x1b[{code}m{}\x1b[0m", c.text)),
            _ => line.push_str(&c.text),
        }
        line.push_str(&pad);
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn cells(r: &Row, with_drift: bool) -> Vec<Cell> {
    let m = &r.main;
    let enabled = match (r.enabled, m.normally_down) {
        (true, false) => cell("yes", Some(GREEN)),
        (true, true) => cell("yes (down)", Some(YELLOW)),
        (false, _) => cell("no", Some(RED)),
    };
    let pid = m.pid().map_or(String::new(), |p| p.to_string());
    let uptime = m.seconds.map_or(String::new(), human_secs);
    let uptime_colour = match m.seconds {
        Some(s) if m.state == SlotState::Run && s < 5 => Some(RED),
        Some(s) if m.state == SlotState::Run && s < 30 => Some(YELLOW),
        _ => None,
    };
    let e = m.extra.as_ref();
    let restarts = e.map_or(String::new(), |e| e.restarts.to_string());
    let restarts_colour = e.filter(|e| e.restarts > 0).map(|_| YELLOW);
    let last = e.and_then(|e| e.last_exit).map_or(String::new(), last_exit);
    let log = match &r.log {
        None => cell("-", None),
        Some(l) => cell(l.state.as_str(), Some(state_colour(l.state))),
    };
    let mut out = vec![
        cell(r.service.clone(), None),
        cell(state_text(m), Some(state_colour(m.state))),
        enabled,
        cell(pid, Some(MAGENTA)),
        cell(uptime, uptime_colour),
        cell(restarts, restarts_colour),
        cell(last, None),
        log,
    ];
    if with_drift {
        out.push(match &r.drift {
            None => cell("-", None),
            Some(Drift::InSync) => cell("no", None),
            Some(Drift::Changed(p)) => cell(format!("yes ({})", p.len()), Some(YELLOW)),
            Some(d) => cell(d.as_str(), Some(YELLOW)),
        });
    }
    out
}

fn state_text(s: &Slot) -> String {
    let flags = s.flags();
    if flags.is_empty() {
        s.state.as_str().to_string()
    } else {
        format!("{} ({})", s.state.as_str(), flags.join(", "))
    }
}

fn state_colour(s: SlotState) -> &'static str {
    match s {
        SlotState::Run => GREEN,
        SlotState::Down | SlotState::NoRunsv | SlotState::Missing => RED,
        _ => YELLOW,
    }
}

/// `exit 1`, `signal 9 (SIGKILL)`.
pub fn last_exit(l: LastExit) -> String {
    match l {
        LastExit::Exit(c) => format!("exit {c}"),
        LastExit::Signal(n) => match nix::sys::signal::Signal::try_from(n) {
            Ok(sig) => format!("signal {n} ({})", sig.as_str()),
            Err(_) => format!("signal {n}"),
        },
    }
}

/// `42s`, `3m07s`, `5h02m`, `12d04h`.
pub fn human_secs(s: u64) -> String {
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86400, s % 86400 / 3600),
    }
}

fn summary_line(s: &Summary) -> String {
    let noun = if s.services == 1 {
        "service"
    } else {
        "services"
    };
    let mut line = format!(
        "\n{} {noun}: {} running, {} not running as they should",
        s.services, s.running, s.not_running
    );
    if s.unknown > 0 {
        line.push_str(&format!(", {} unreadable", s.unknown));
    }
    if s.drifted > 0 {
        line.push_str(&format!(", {} drifted from the spec", s.drifted));
    }
    line.push('\n');
    line
}

fn notes(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        for (what, slot) in std::iter::once(("", &r.main)).chain(r.log.iter().map(|l| ("/log", l)))
        {
            if let Some(e) = &slot.error {
                out.push_str(&format!("{}{what}: {e}\n", r.service));
            }
        }
        if let Some(Drift::Changed(paths)) = &r.drift {
            let shown: Vec<String> = paths
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect();
            let more = paths.len().saturating_sub(3);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            out.push_str(&format!(
                "{}: differs: {}{tail}\n",
                r.service,
                shown.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runit::status::{State, Status};
    use crate::runit::tai64n::Tai64n;
    use crate::supervise::extra::Extra;
    use std::path::PathBuf;

    fn running(name: &str, seconds: u64, restarts: Option<u64>) -> Row {
        let status = Status {
            stamp: Tai64n::now(),
            pid: 4242,
            paused: false,
            want: b'u',
            term: false,
            state: State::Run,
        };
        let extra = restarts.map(|r| Extra {
            starts: r + 1,
            restarts: r,
            last_exit: Some(LastExit::Exit(3)),
            last_start: None,
        });
        Row {
            service: name.into(),
            user: None,
            name: name.into(),
            dir: PathBuf::from("/etc/sv").join(name),
            link: None,
            enabled: true,
            expect_up: true,
            main: Slot {
                state: SlotState::Run,
                status: Some(status),
                seconds: Some(seconds),
                normally_down: false,
                extra,
                error: None,
            },
            log: None,
            drift: Some(Drift::InSync),
        }
    }

    #[test]
    fn aligned_columns_and_colour_only_when_asked() {
        let rows = [running("web", 2, Some(4)), running("db", 4000, None)];
        let plain = render_table(&rows, false);
        assert!(!plain.contains('\x1b'));
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(
            lines[0],
            "SERVICE  STATE  ENABLED  PID   UPTIME  RESTARTS  LAST EXIT  LOG  DRIFT"
        );
        assert_eq!(
            lines[1],
            "web      run    yes      4242  2s      4         exit 3     -    no"
        );
        assert_eq!(
            lines[2],
            "db       run    yes      4242  1h06m                        -    no"
        );
        assert_eq!(
            lines[4],
            "2 services: 2 running, 0 not running as they should"
        );
        let coloured = render_table(&rows, true);
        // Under 5 s: red uptime; restarts yellow; run green; pid magenta.
        assert!(coloured.contains("\x1b[31m2s\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\x1b[33m4\x1b[0m"));
        assert!(coloured.contains("\x1b[32mrun\x1b[0m"));
        assert!(coloured.contains("\x1b[35m4242\x1b[0m"));
        let r = running("mid", 12, None);
        assert!(render_table(&[r], true).contains("\x1b[33m12s\x1b[0m"));
    }

    #[test]
    fn durations_and_exits() {
        assert_eq!(human_secs(0), "0s");
        assert_eq!(human_secs(59), "59s");
        assert_eq!(human_secs(187), "3m07s");
        assert_eq!(human_secs(3600 * 5 + 120), "5h02m");
        assert_eq!(human_secs(86400 * 12 + 3600 * 4), "12d04h");
        assert_eq!(last_exit(LastExit::Exit(1)), "exit 1");
        assert_eq!(last_exit(LastExit::Signal(9)), "signal 9 (SIGKILL)");
    }
}
