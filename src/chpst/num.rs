//! Numbers as runit's option parsers read them: the whole argument must be decimal digits
//! (an empty argument reads as 0, as `scan_ulong` consuming nothing leaves the terminator).

/// The value of `s` if it is all digits (saturating), else None.
pub fn scan_whole(s: &[u8]) -> Option<u64> {
    s.iter()
        .all(u8::is_ascii_digit)
        .then(|| crate::runit::getopt::scan_ulong(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_only() {
        assert_eq!(scan_whole(b"4096"), Some(4096));
        assert_eq!(scan_whole(b""), Some(0));
        assert_eq!(scan_whole(b"12k"), None);
        assert_eq!(scan_whole(b"-1"), None);
    }
}
