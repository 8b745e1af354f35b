//! Where a webhook may go (server-side request forgery): an absolute HTTPS URL (HTTP when a
//! setting allows) without credentials, whose host resolves only to public addresses. The
//! address check runs after DNS resolution, inside the HTTP client's resolver, so a name that
//! resolves to a public address at registration and to 127.0.0.1 at delivery (rebinding) is
//! refused at delivery.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
};

use url::{Host, Url};

use super::settings::AddressRules;

/// Longest endpoint URL.
pub const URL_MAX: usize = 2000;

/// Why a URL or an address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not an absolute URL")]
    NotAUrl,
    #[error("longer than {URL_MAX} characters")]
    TooLong,
    #[error("must use https")]
    NotHttps,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("must not carry a fragment")]
    Fragment,
    #[error("has no host")]
    NoHost,
    #[error("{0} is not a public address")]
    NotPublic(IpAddr),
    #[error("{0} resolves to no public address")]
    NoPublicAddress(String),
}

/// Whether `ip` is an address on the public internet: not private, loopback, link-local,
/// unique-local, multicast, unspecified, documentation, shared (CGNAT) or broadcast, and not an
/// IPv4 address hidden in an IPv6 one that is any of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b // NAT64 hides an IPv4 address
                || first == 0x2002 // 6to4 hides one too
                || v6.segments()[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, deprecated
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    !(v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && v4.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// Checks an endpoint URL as registered: shape, scheme, credentials, length, and a host that is
/// a literal address must be public. Names are resolved at delivery, where the check counts.
pub fn check_url(url: &str, rules: AddressRules) -> Result<Url, Refused> {
    if url.chars().count() > URL_MAX {
        return Err(Refused::TooLong);
    }
    let parsed = Url::parse(url).map_err(|_| Refused::NotAUrl)?;
    match parsed.scheme() {
        "https" => {}
        "http" if rules.allow_http => {}
        _ => return Err(Refused::NotHttps),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Refused::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(Refused::Fragment);
    }
    match parsed.host() {
        None => return Err(Refused::NoHost),
        Some(Host::Ipv4(v4)) => check_ip(IpAddr::V4(v4), rules)?,
        Some(Host::Ipv6(v6)) => check_ip(IpAddr::V6(v6), rules)?,
        Some(Host::Domain(name)) => check_name(name, rules)?,
    }
    Ok(parsed)
}

fn check_ip(ip: IpAddr, rules: AddressRules) -> Result<(), Refused> {
    if rules.allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(Refused::NotPublic(ip))
    }
}

/// Names that never leave the machine or the site, refused before any lookup.
fn check_name(name: &str, rules: AddressRules) -> Result<(), Refused> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let local = name == "localhost"
        || name.ends_with(".localhost")
        || name.ends_with(".local")
        || name.ends_with(".internal")
        || !name.contains('.');
    if local && !rules.allow_private {
        Err(Refused::NoPublicAddress(name))
    } else {
        Ok(())
    }
}

/// The HTTP client's resolver: the system's lookup, then only the addresses the rules allow.
/// A name with none left fails to resolve, so the request is never sent.
#[derive(Debug, Clone)]
pub struct FilteringResolver {
    pub rules: AddressRules,
}

impl reqwest::dns::Resolve for FilteringResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let rules = self.rules;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| rules.allow_private || is_public(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused::NoPublicAddress(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl FilteringResolver {
    pub fn shared(rules: AddressRules) -> Arc<Self> {
        Arc::new(Self { rules })
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    const STRICT: AddressRules = AddressRules {
        allow_http: false,
        allow_private: false,
    };

    #[test]
    fn non_public_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            let ip: IpAddr = ip.parse().expect("an address");
            assert!(!is_public(ip), "{ip} counted as public");
        }
        for ip in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"] {
            assert!(is_public(ip.parse().expect("an address")), "{ip}");
        }
        assert!(!is_public(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn urls_are_checked_for_scheme_credentials_and_literal_addresses() {
        assert!(check_url("https://hooks.example.com/in", STRICT).is_ok());
        assert_eq!(check_url("http://hooks.example.com/in", STRICT), Err(Refused::NotHttps));
        assert_eq!(check_url("ftp://hooks.example.com/in", STRICT), Err(Refused::NotHttps));
        assert_eq!(
            check_url("https://user:pw@hooks.example.com/in", STRICT),
            Err(Refused::Credentials)
        );
        assert!(matches!(
            check_url("https://127.0.0.1/in", STRICT),
            Err(Refused::NotPublic(_))
        ));
        assert!(matches!(
            check_url("https://[::1]/in", STRICT),
            Err(Refused::NotPublic(_))
        ));
        assert!(matches!(
            check_url("https://localhost/in", STRICT),
            Err(Refused::NoPublicAddress(_))
        ));
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert_eq!(check_url(&long, STRICT), Err(Refused::TooLong));
        let open = AddressRules {
            allow_http: true,
            allow_private: true,
        };
        assert!(check_url("http://127.0.0.1:8080/in", open).is_ok());
    }

    #[test]
    fn the_resolver_drops_loopback_addresses_after_resolution() {
        use reqwest::dns::Resolve;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let name = || "localhost".parse::<reqwest::dns::Name>().expect("a name");
        let strict = FilteringResolver { rules: STRICT };
        assert!(runtime.block_on(strict.resolve(name())).is_err(), "localhost resolved");
        let open = FilteringResolver {
            rules: AddressRules {
                allow_http: true,
                allow_private: true,
            },
        };
        let found: Vec<SocketAddr> = runtime.block_on(open.resolve(name())).expect("resolves").collect();
        assert!(
            !found.is_empty() && found.iter().all(|a| a.ip().is_loopback()),
            "{found:?}"
        );
    }
}
