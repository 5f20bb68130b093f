//! The `u`/`U` directives' destination: `a.b.c.d[:port]` (port 514 by default), and sending a
//! line as one datagram from an unbound IPv4 socket. Send failures never stop logging.

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};

/// Parses `a.b.c.d[:port]`.
pub fn parse(val: &[u8]) -> Option<SocketAddrV4> {
    let s = std::str::from_utf8(val).ok()?;
    let (ip, port) = match s.split_once(':') {
        Some((ip, port)) => (ip, port.parse().ok()?),
        None => (s, 514),
    };
    Some(SocketAddrV4::new(ip.parse::<Ipv4Addr>().ok()?, port))
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
