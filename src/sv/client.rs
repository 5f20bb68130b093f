//! The state one sv run carries from service to service: the output, the last status record
//! read (runit keeps one buffer, so a failed read leaves the previous record in place and a
//! following print shows it — matched here), the verb's first byte, the start time and "now".

use super::report::Report;
use crate::runit::status::LEN;
use crate::runit::tai64n::Tai64n;

/// One sv invocation.
pub struct Client {
    pub out: Report,
    /// The status buffer, overwritten by each read (even a short one).
    pub buf: [u8; LEN],
    /// The verb's first condition byte: `x` turns "runsv not running" into an `ok:` line.
    pub first: u8,
    /// When sv started (the `t`/`k`/`o` conditions compare the status stamp against it).
    pub tstart: Tai64n,
    /// The time status lines are printed against (updated each wait round).
    pub tnow: Tai64n,
    /// LSB init-script mode.
    pub lsb: bool,
}

impl Client {
    pub fn new(first: u8, lsb: bool) -> Client {
        let now = Tai64n::now();
        Client {
            out: Report::default(),
            buf: [0; LEN],
            first,
            tstart: now,
            tnow: now,
            lsb,
        }
    }

    /// Little-endian pid, bytes 12..16.
    pub fn pid(&self) -> u32 {
        u32::from_le_bytes([self.buf[12], self.buf[13], self.buf[14], self.buf[15]])
    }

    pub fn paused(&self) -> bool {
        self.buf[16] != 0
    }

    pub fn want(&self) -> u8 {
        self.buf[17]
    }

    pub fn term(&self) -> bool {
        self.buf[18] != 0
    }

    /// Raw state byte (0 down, 1 run, 2 finish).
    pub fn state(&self) -> u8 {
        self.buf[19]
    }

    /// The full TAI64N stamp of the last state change.
    pub fn stamp(&self) -> Tai64n {
        let mut b = [0u8; 12];
        b.copy_from_slice(&self.buf[..12]);
        Tai64n::unpack(&b)
    }
}
