//! The client's address: the TCP peer, unless the peer is a reverse proxy
//! the operator trusts (`TRUSTED_PROXIES`), in which case the address the
//! proxies recorded in `Forwarded` (RFC 7239) or `X-Forwarded-For`. Hops
//! are read from the right: each trusted proxy vouches for the hop before
//! it, and the first untrusted hop is the client, so a caller cannot forge
//! an address by sending the header themselves.
use std::net::IpAddr;

use ipnet::IpNet;

/// The client's address, as `TrustedProxies::client` decided it for the
/// request (kept in its extensions; rate limits and logs read it).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// Addresses and networks of trusted reverse proxies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// `10.0.0.0/8, 192.0.2.7, ::1`: networks or single addresses.
    pub fn parse(list: &str) -> Result<Self, ipnet::AddrParseError> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.parse::<IpAddr>() {
                Ok(ip) => Ok(IpNet::from(ip)),
                Err(_) => s.parse::<IpNet>(),
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, given the request's `Forwarded` and
    /// `X-Forwarded-For` header values (`Forwarded` wins when both are
    /// present). Unparseable hops end the walk at the last good one.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str], x_forwarded_for: &[&str]) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = if forwarded.is_empty() {
            x_forwarded_for
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .collect()
        } else {
            forwarded
                .iter()
                .flat_map(|v| v.split(','))
                .filter_map(forwarded_for)
                .collect()
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            match parse_hop(hop) {
                Some(ip) => {
                    client = ip;
                    if !self.contains(ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// The `for=` value of one `Forwarded` element.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(s: &str) -> TrustedProxies {
        TrustedProxies::parse(s).unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let p = proxies("10.0.0.0/8");
        assert_eq!(
            p.client(ip("203.0.113.9"), &[], &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &[], &["198.51.100.1"]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_forged_hop_is_ignored() {
        let p = proxies("10.0.0.0/8");
        // The caller forged 1.1.1.1; the proxy appended the real address.
        let client = p.client(ip("10.0.0.2"), &[], &["1.1.1.1, 198.51.100.7"]);
        assert_eq!(client, ip("198.51.100.7"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_from_the_right() {
        let p = proxies("10.0.0.0/8");
        let client = p.client(ip("10.0.0.2"), &[], &["198.51.100.7", "10.9.9.9"]);
        assert_eq!(client, ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_is_read_with_ports_and_ipv6() {
        let p = proxies("10.0.0.0/8");
        let fwd = ["for=192.0.2.60;proto=https, for=\"[2001:db8::17]:4711\""];
        assert_eq!(p.client(ip("10.0.0.2"), &fwd, &[]), ip("2001:db8::17"));
        assert_eq!(parse_hop("192.0.2.1:80"), Some(ip("192.0.2.1")));
        assert_eq!(parse_hop("unknown"), None);
    }

    #[test]
    fn a_garbled_header_stops_at_the_proxy() {
        let p = proxies("10.0.0.0/8");
        assert_eq!(p.client(ip("10.0.0.2"), &[], &["garbage"]), ip("10.0.0.2"));
    }
}
