//! Which client a request came from, when reverse proxies stand in front.
//!
//! Only one header form is believed: `X-Forwarded-For`, and only when the TCP
//! peer is one of the configured trusted proxies. Its addresses are read from
//! the right (the hop nearest to us) and the first one that is not itself a
//! trusted proxy is the client; anything to the left of it was written by the
//! client and may be forged. `Forwarded` (RFC 7239), `X-Real-IP` and the
//! like are ignored: a proxy that writes only those must be configured to
//! write `X-Forwarded-For` (nginx `$proxy_add_x_forwarded_for`, HAProxy
//! `option forwardfor`, Caddy and Traefik by default).

use std::net::IpAddr;
use std::str::FromStr;

/// An address range in CIDR notation (`10.0.0.0/8`, `fd00::/8`) or a single
/// address (`192.0.2.1`, a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Whether `address` lies in this range. An IPv4 address written as
    /// IPv6 (`::ffff:192.0.2.1`, as a dual-stack socket reports it) is
    /// compared as the IPv4 address it is.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                same_prefix(net.to_bits().into(), a.to_bits().into(), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                same_prefix(net.to_bits(), a.to_bits(), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` of `width` bits of `a` and `b` are equal.
fn same_prefix(a: u128, b: u128, width: u8, prefix: u8) -> bool {
    let ignored = width - prefix;
    // A shift by the full width of u128 overflows: /0 matches everything.
    ignored >= 128 || (a >> ignored) == (b >> ignored)
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<IpRange, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = IpAddr::from_str(address)
            .map_err(|_| format!("“{text}” is not an IP address or CIDR range"))?
            .to_canonical();
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(bits) => bits
                .parse::<u8>()
                .ok()
                .filter(|bits| *bits <= width)
                .ok_or_else(|| format!("“{text}”: the prefix length must be 0 to {width}"))?,
        };
        Ok(IpRange { network, prefix })
    }
}

/// The configured trusted proxies (empty: none, and no header is believed).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// The proxies given by `--trusted-proxy`.
    pub fn new(ranges: Vec<IpRange>) -> TrustedProxies {
        TrustedProxies(ranges)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For`
    /// header lines in order. From an untrusted peer the header is ignored.
    /// From a trusted one, the right-most address that is not a trusted
    /// proxy; an entry that is not a bare IP address ("unknown", a port, a
    /// forged token) stops the walk at the hop that passed it on, since
    /// nothing left of it can be checked.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for.iter().flat_map(|line| line.split(','));
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Ok(address) = IpAddr::from_str(hop.trim()) else {
                break;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The address a per-client limit counts by: an IPv4 address itself, an
/// IPv6 address's /64 network, since one household or phone is handed a
/// whole /64 and can pick a fresh address in it for every request.
pub fn client_bucket(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((v6.to_bits() & !u128::from(u64::MAX)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|r| r.parse().unwrap()).collect())
    }

    #[test]
    fn ranges_match_by_prefix() {
        let range: IpRange = "10.1.0.0/16".parse().unwrap();
        assert!(range.contains(ip("10.1.255.3")));
        assert!(!range.contains(ip("10.2.0.1")));
        assert!(range.contains(ip("::ffff:10.1.0.9")));
        let single: IpRange = "2001:db8::1".parse().unwrap();
        assert!(single.contains(ip("2001:db8::1")));
        assert!(!single.contains(ip("2001:db8::2")));
        let everything: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains(ip("203.0.113.1")));
        assert!(!everything.contains(ip("2001:db8::1")));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for text in [
            "10.0.0.0/33",
            "::/129",
            "proxy.local",
            "10.0.0.0/",
            "10.0.0/8",
        ] {
            assert!(text.parse::<IpRange>().is_err(), "{text}");
        }
    }

    #[test]
    fn the_header_is_ignored_from_an_untrusted_peer() {
        let trusted = proxies(&["10.0.0.1"]);
        assert_eq!(
            trusted.client(ip("192.0.2.9"), &["203.0.113.5"]),
            ip("192.0.2.9")
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/24", "127.0.0.1"]);
        // The client forged the first entry; the proxies appended the rest.
        let header = ["198.51.100.66, 203.0.113.5", "10.0.0.7"];
        assert_eq!(trusted.client(ip("127.0.0.1"), &header), ip("203.0.113.5"));
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &["garbage, 10.0.0.3"]),
            ip("10.0.0.3")
        );
        assert_eq!(trusted.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            client_bucket(ip("2001:db8:1:2:aaaa::1")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(client_bucket(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
