//! The `u`/`U` directives' destination, scanned runit's way (`ip4_scan`, then `:port` with
//! `scan_ulong`, port 514 by default), and sending a line as one datagram from an unbound IPv4
//! socket. Send failures never stop logging.

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};

/// runit's `scan_ulong` with its wrap-around: (value, digits used).
fn scan_ulong(s: &[u8]) -> (u64, usize) {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = s[..digits].iter().fold(0u64, |n, c| {
        n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
    });
    (n, digits)
}

/// runit's `ip4_scan`: four `.`-separated decimal numbers, each kept modulo 256 (runit stores
/// them in a char), whatever follows. (address, bytes used), or None when it does not scan.
pub fn scan_ip(s: &[u8]) -> Option<(Ipv4Addr, usize)> {
    let mut octets = [0u8; 4];
    let mut used = 0;
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if s.get(used) != Some(&b'.') {
                return None;
            }
            used += 1;
        }
        let (n, digits) = scan_ulong(&s[used..]);
        if digits == 0 {
            return None;
        }
        *octet = n as u8;
        used += digits;
    }
    Some((Ipv4Addr::from(octets), used))
}

/// The port after the address (`rest` = what follows `ip4_scan`'s bytes): `:N` gives N cut to
/// 16 bits as runit's `htons` does (so 65536 is 0: no UDP), anything else 514. None when the
/// number after `:` is 0 or missing (runit warns and keeps the previous port).
pub fn scan_port(rest: &[u8]) -> Option<u16> {
    match rest.split_first() {
        Some((b':', num)) => match scan_ulong(num).0 {
            0 => None,
            n => Some(n as u16),
        },
        _ => Some(514),
    }
}

/// A socket aimed at one destination.
pub struct Udp {
    sock: UdpSocket,
    to: SocketAddrV4,
}

impl Udp {
    pub fn open(to: SocketAddrV4) -> std::io::Result<Udp> {
        let sock = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        sock.set_nonblocking(true)?;
        Ok(Udp { sock, to })
    }

    /// Sends one datagram; errors (no listener, full buffer) are ignored, as runit does.
    pub fn send(&self, msg: &[u8]) {
        let _ = self.sock.send_to(msg, self.to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip4_scan_like_runit() {
        let ip = |s: &[u8]| scan_ip(s).map(|(a, n)| (a.to_string(), n));
        assert_eq!(ip(b"127.0.0.1:5514 "), Some(("127.0.0.1".into(), 9)));
        assert_eq!(ip(b"127.0.0.1x"), Some(("127.0.0.1".into(), 9)));
        assert_eq!(ip(b"127.0.0.257"), Some(("127.0.0.1".into(), 11)));
        assert_eq!(ip(b"bad"), None);
        assert_eq!(ip(b"-1.0.0.1"), None);
        assert_eq!(ip(b"1.2.3"), None);
        assert_eq!(ip(b"1.2.3."), None);
    }

    #[test]
    fn port_like_runit() {
        assert_eq!(scan_port(b":5514 "), Some(5514));
        assert_eq!(scan_port(b":5514\r"), Some(5514));
        assert_eq!(scan_port(b"x"), Some(514));
        assert_eq!(scan_port(b""), Some(514));
        assert_eq!(scan_port(b":0"), None);
        assert_eq!(scan_port(b":x"), None);
        assert_eq!(scan_port(b":65536"), Some(0));
        assert_eq!(scan_port(b":65537"), Some(1));
    }
}
