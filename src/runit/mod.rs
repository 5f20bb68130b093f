//! runit's on-disk formats, shared by both halves: the 20-byte `supervise/status` codec,
//! TAI64N with runit's epoch, control bytes and djb-style error strings. No I/O policy here.

pub mod control;
pub mod errstr;
pub mod getopt;
pub mod status;
pub mod tai64n;
