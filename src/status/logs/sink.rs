//! Turns the byte stream of a log (files concatenated, so a line svlogd split across a
//! rotation is whole again) into output lines with human-readable timestamps.

use super::stamp::humanize;
use std::io::{self, Write};

/// Writes complete lines, humanized; keeps an unterminated tail until its newline arrives.
pub struct LineSink<'a> {
    out: &'a mut dyn Write,
    partial: Vec<u8>,
}

impl<'a> LineSink<'a> {
    pub fn new(out: &'a mut dyn Write) -> LineSink<'a> {
        LineSink {
            out,
            partial: Vec::new(),
        }
    }

    /// Appends bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut rest = bytes;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(i + 1);
            if self.partial.is_empty() {
                self.out.write_all(&humanize(line))?;
            } else {
                self.partial.extend_from_slice(line);
                let whole = std::mem::take(&mut self.partial);
                self.out.write_all(&humanize(&whole))?;
            }
            rest = tail;
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Writes what is complete so far.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the stream: an unterminated last line is written with a newline.
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let mut whole = std::mem::take(&mut self.partial);
            whole.push(b'\n');
            self.out.write_all(&humanize(&whole))?;
        }
        self.out.flush()
    }
}

/// The last `n` lines of `bytes` (an unterminated last line counts as one).
pub fn last_lines(bytes: &[u8], n: usize) -> &[u8] {
    if n == 0 {
        return &bytes[bytes.len()..];
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let mut seen = 0;
    for (i, b) in body.iter().enumerate().rev() {
        if *b == b'\n' {
            seen += 1;
            if seen == n {
                return &bytes[i + 1..];
            }
        }
    }
    bytes
}

/// Number of newline bytes.
pub fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_lines_and_humanizes_each() {
        let mut out = Vec::new();
        let mut s = LineSink::new(&mut out);
        s.feed(b"@400000000000000a00000000 a\n@4000000000").unwrap();
        s.feed(b"00000a00000000 split ").unwrap();
        s.feed(b"line\nlast").unwrap();
        s.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1970-01-01_00:00:00.00000 a\n1970-01-01_00:00:00.00000 split line\nlast\n"
        );
    }

    #[test]
    fn last_lines_counts_an_open_tail() {
        assert_eq!(last_lines(b"a\nb\nc\n", 2), b"b\nc\n");
        assert_eq!(last_lines(b"a\nb\nc", 2), b"b\nc");
        assert_eq!(last_lines(b"a\nb\n", 5), b"a\nb\n");
        assert_eq!(last_lines(b"a\nb\n", 0), b"");
        assert_eq!(count_lines(b"a\nb\nc"), 2);
    }
}
