//! `clusterbridge health`: one HTTP GET of the local server's `/readyz`, so a container's
//! HEALTHCHECK can probe a final image that has no curl or wget.
//!
//! Written here rather than taken from a crate: it is one request to a plain-HTTP listener on
//! loopback, whose status line is all it reads, and an HTTP client in the server binary for
//! that alone would weigh more than these lines.

use std::{
    io::{Read, Write},
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream},
    time::Duration,
};

/// The most of the answer read: the status line is in the first bytes.
const HEAD_BYTES: u64 = 1024;

/// Why the server is not healthy, as the one line the probe prints.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("the path to probe must start with '/', not {0:?}")]
    BadPath(String),
    #[error("no answer from {address}: {source}")]
    Unreachable {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("{address} answered {path} with {status}")]
    Unhealthy {
        address: SocketAddr,
        path: String,
        status: u16,
    },
    #[error("{address} answered {path} with something that is not HTTP")]
    NotHttp { address: SocketAddr, path: String },
}

/// Where to probe a server listening on `listen`: a wildcard address is reached on loopback.
pub fn target(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// GETs `path` on `address` within `timeout` (per step) and succeeds on a 200.
pub fn probe(address: SocketAddr, path: &str, timeout: Duration) -> Result<(), ProbeError> {
    // Nothing but a path reaches the request line: no spaces, no line breaks.
    if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ProbeError::BadPath(path.to_owned()));
    }
    let unreachable = |source| ProbeError::Unreachable { address, source };
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(unreachable)?;
    stream.set_read_timeout(Some(timeout)).map_err(unreachable)?;
    stream.set_write_timeout(Some(timeout)).map_err(unreachable)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: clusterbridge-health\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(unreachable)?;
    let mut head = Vec::new();
    let mut limited = (&mut stream).take(HEAD_BYTES);
    // The status line may come in pieces; read until its end or the limit.
    while !head.contains(&b'\n') {
        let mut chunk = [0u8; 256];
        let n = limited.read(&mut chunk).map_err(unreachable)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let status = status_code(&head).ok_or_else(|| ProbeError::NotHttp {
        address,
        path: path.to_owned(),
    })?;
    if status == 200 {
        Ok(())
    } else {
        Err(ProbeError::Unhealthy {
            address,
            path: path.to_owned(),
            status,
        })
    }
}

/// The code of an `HTTP/1.x NNN reason` status line.
fn status_code(head: &[u8]) -> Option<u16> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    (code.len() == 3).then(|| code.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_status_line() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            status_code(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1"),
            Some(503)
        );
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_code(b"HTTP/1.1 20"), None);
    }

    #[test]
    fn a_wildcard_listener_is_probed_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(target(any), "127.0.0.1:8080".parse().unwrap());
        let any6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(target(any6), "[::1]:8080".parse().unwrap());
        let one: SocketAddr = "10.0.0.5:9000".parse().unwrap();
        assert_eq!(target(one), one);
    }

    #[test]
    fn a_path_cannot_smuggle_a_header() {
        let to: SocketAddr = "127.0.0.1:9".parse().unwrap();
        for bad in ["readyz", "/readyz HTTP/1.1\r\nX: y", "/a b"] {
            assert!(matches!(
                probe(to, bad, Duration::from_millis(10)),
                Err(ProbeError::BadPath(_))
            ));
        }
    }
}
