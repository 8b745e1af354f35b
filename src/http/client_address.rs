//! The client's address, which anonymous rate limits are keyed by. Behind a reverse proxy every
//! connection comes from the proxy, so its `Forwarded` or `X-Forwarded-For` header must be read;
//! but any client can send those headers, so they are read only on connections from the proxies
//! `TRUSTED_PROXIES` names, and only as far back as the last hop those proxies vouch for.

use std::{net::IpAddr, str::FromStr};

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed: addresses or CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// `10.0.0.0/8, 192.168.1.7, ::1`: a bare address is a range of one.
    fn from_str(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The address of the client: the peer, or, when the peer is a trusted proxy, the rightmost
    /// hop of the forwarding header that no trusted proxy is; a hop that is not an address
    /// (`unknown`, an obfuscated name, garbage) stops the walk at the proxy that reported it.
    pub fn client_address(&self, http: &HttpRequest) -> String {
        let Some(peer) = http.peer_addr().map(|a| canonical(a.ip())) else {
            return "unknown".into();
        };
        if !self.trusts(peer) {
            return peer.to_string();
        }
        let mut client = peer;
        for hop in forwarded_hops(http).iter().rev() {
            match hop {
                Some(address) if self.trusts(*address) => client = *address,
                Some(address) => return address.to_string(),
                None => break,
            }
        }
        client.to_string()
    }
}

/// IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`; they share the IPv4 bucket.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The hops of `Forwarded` (RFC 7239) if the request has one, else of `X-Forwarded-For`, from
/// the client to the last proxy; `None` where a hop is not an address.
fn forwarded_hops(http: &HttpRequest) -> Vec<Option<IpAddr>> {
    let lines = |name: &str| -> Vec<String> {
        http.headers()
            .get_all(name)
            .map(|v| v.to_str().map(str::to_owned).unwrap_or_default())
            .collect()
    };
    let forwarded = lines("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .map(|element| {
                let node = element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| value.trim())
                });
                node.and_then(forwarded_node)
            })
            .collect();
    }
    lines("x-forwarded-for")
        .iter()
        .flat_map(|line| line.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>().ok().map(canonical))
        .collect()
}

/// A `Forwarded` node: `192.0.2.60`, `"192.0.2.60:4711"`, `"[2001:db8::17]:4711"`.
fn forwarded_node(node: &str) -> Option<IpAddr> {
    let node = node.trim_matches('"');
    let host = match node.strip_prefix('[') {
        Some(rest) => rest.split(']').next()?,
        None => node.split(':').next()?,
    };
    host.parse::<IpAddr>().ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_addresses_and_ranges_parse_and_garbage_is_named() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.7 ,::1".parse().unwrap();
        assert!(proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(proxies.trusts("::ffff:10.1.2.3".parse().unwrap()));
        assert!(proxies.trusts("192.168.1.7".parse().unwrap()));
        assert!(!proxies.trusts("192.168.1.8".parse().unwrap()));
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        assert_eq!("10.0.0.0/8,proxy".parse::<TrustedProxies>(), Err("proxy".to_owned()));
    }

    #[test]
    fn forwarded_nodes_carry_ports_and_brackets() {
        assert_eq!(forwarded_node("192.0.2.60"), "192.0.2.60".parse().ok());
        assert_eq!(forwarded_node("\"192.0.2.60:4711\""), "192.0.2.60".parse().ok());
        assert_eq!(forwarded_node("\"[2001:db8::17]:4711\""), "2001:db8::17".parse().ok());
        assert_eq!(forwarded_node("unknown"), None);
        assert_eq!(forwarded_node("_hidden"), None);
    }
}
