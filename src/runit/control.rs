//! Control bytes runsv accepts on `supervise/control`, and the signal each one sends.

use nix::sys::signal::Signal;

/// One runsv command byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    Once,
    Exit,
    Term,
    Kill,
    Pause,
    Cont,
    Hup,
    Alarm,
    Interrupt,
    Quit,
    Usr1,
    Usr2,
}

impl Command {
    /// Decodes a byte; unknown bytes are None (runsv ignores them).
    pub fn from_byte(b: u8) -> Option<Command> {
        Some(match b {
            b'u' => Command::Up,
            b'd' => Command::Down,
            b'o' => Command::Once,
            b'x' => Command::Exit,
            b't' => Command::Term,
            b'k' => Command::Kill,
            b'p' => Command::Pause,
            b'c' => Command::Cont,
            b'h' => Command::Hup,
            b'a' => Command::Alarm,
            b'i' => Command::Interrupt,
            b'q' => Command::Quit,
            b'1' => Command::Usr1,
            b'2' => Command::Usr2,
            _ => return None,
        })
    }

    pub fn byte(self) -> u8 {
        match self {
            Command::Up => b'u',
            Command::Down => b'd',
            Command::Once => b'o',
            Command::Exit => b'x',
            Command::Term => b't',
            Command::Kill => b'k',
            Command::Pause => b'p',
            Command::Cont => b'c',
            Command::Hup => b'h',
            Command::Alarm => b'a',
            Command::Interrupt => b'i',
            Command::Quit => b'q',
            Command::Usr1 => b'1',
            Command::Usr2 => b'2',
        }
    }

    /// The signal sent to the service when no `control/<c>` script handles it.
    pub fn signal(self) -> Option<Signal> {
        Some(match self {
            Command::Term => Signal::SIGTERM,
            Command::Kill => Signal::SIGKILL,
            Command::Pause => Signal::SIGSTOP,
            Command::Cont => Signal::SIGCONT,
            Command::Hup => Signal::SIGHUP,
            Command::Alarm => Signal::SIGALRM,
            Command::Interrupt => Signal::SIGINT,
            Command::Quit => Signal::SIGQUIT,
            Command::Usr1 => Signal::SIGUSR1,
            Command::Usr2 => Signal::SIGUSR2,
            Command::Up | Command::Down | Command::Once | Command::Exit => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for b in b"udoxtkpchaiq12" {
            assert_eq!(Command::from_byte(*b).unwrap().byte(), *b);
        }
        for b in b"zZe?" {
            assert!(Command::from_byte(*b).is_none());
        }
    }
}
