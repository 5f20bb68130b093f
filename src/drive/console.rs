//! The driver's output: result lines on stdout, and, only when stderr is a terminal, a single
//! progress line on stderr that is rewritten in place during long waits and erased before any
//! other output. While held ([`Console::hold`]), result lines and warnings are kept back and
//! come out in order on [`Console::release`].

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Waits shorter than this show no progress line.
const QUIET: Duration = Duration::from_millis(700);

pub struct Console {
    tty: bool,
    shown: bool,
    last: Option<Instant>,
    /// Held output: (is a warning, text).
    held: Option<Vec<(bool, String)>>,
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}

impl Console {
    pub fn new() -> Console {
        Console {
            tty: std::io::stderr().is_terminal(),
            shown: false,
            last: None,
            held: None,
        }
    }

    /// Keeps result lines and warnings back until [`Console::release`].
    pub fn hold(&mut self) {
        self.held.get_or_insert_with(Vec::new);
    }

    /// Prints what was held, in order: everything, or (`lines` false) only the warnings.
    pub fn release(&mut self, lines: bool) {
        for (warning, text) in self.held.take().unwrap_or_default() {
            match warning {
                true => self.warn(&text),
                false if lines => self.line(&text),
                false => {}
            }
        }
    }

    /// One result line on stdout (a closed pipe is not an error).
    pub fn line(&mut self, text: &str) {
        if let Some(held) = &mut self.held {
            held.push((false, text.to_string()));
            return;
        }
        self.clear();
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{text}").and_then(|_| o.flush());
    }

    /// A warning on stderr.
    pub fn warn(&mut self, text: &str) {
        if let Some(held) = &mut self.held {
            held.push((true, text.to_string()));
            return;
        }
        self.clear();
        eprintln!("warning: {text}");
    }

    /// Updates the progress line of a wait that began at `since` (shown after a moment, at
    /// most ten times a second, on a terminal only).
    pub fn progress(&mut self, since: Instant, text: impl FnOnce() -> String) {
        if !self.tty || since.elapsed() < QUIET {
            return;
        }
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let secs = since.elapsed().as_secs_f64();
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[K{} ({secs:.0}s)", text());
        let _ = e.flush();
        self.shown = true;
    }

    /// Erases the progress line.
    pub fn clear(&mut self) {
        if self.shown {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[K");
            let _ = e.flush();
            self.shown = false;
        }
    }
}
