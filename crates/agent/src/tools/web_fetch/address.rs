//! Which addresses `web_fetch` may reach. A model that is told to fetch a page could otherwise be
//! steered at the user's router, a service on this machine, or a cloud's metadata endpoint, so
//! only public addresses are reached unless the user allowed the private network. Names are
//! checked after DNS resolution (by the client's resolver, so every redirect is checked too), and
//! address literals in a URL before each request.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

/// Where `web_fetch` may connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Any address at all, private ones included (the user allowed the private network).
    pub allow_private: bool,
    /// Private addresses allowed one by one (e.g. an intranet server the user trusts).
    pub allowed: Vec<IpAddr>,
}

impl NetworkPolicy {
    /// Public addresses only: the default.
    pub fn public_only() -> Self {
        NetworkPolicy::default()
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip) || self.allowed.contains(&canonical(ip))
    }

    /// Refuses `url` when its host is an address this policy does not permit (names are checked
    /// when they are resolved).
    pub fn check_url(&self, url: &Url) -> Result<(), AddressRefused> {
        let host = url.host_str().unwrap_or_default();
        let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() else {
            return Ok(());
        };
        match self.permits(ip) {
            true => Ok(()),
            false => Err(AddressRefused { host: ip.to_string(), address: ip }),
        }
    }
}

/// A fetch stopped because it would reach a private, loopback, link-local or metadata address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refused to fetch from {host}: it is {address}, {}; allow the private network in \
     Settings (or --allow-private-network) to fetch it",
    describe(*address)
)]
pub struct AddressRefused {
    pub host: String,
    pub address: IpAddr,
}

/// Whether `ip` is on the public internet: not loopback, private, shared (CGNAT), link-local
/// (where cloud metadata lives), unspecified, broadcast, multicast, documentation or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// IPv4-mapped and -compatible IPv6 addresses as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local (fd00:ec2::254 is AWS metadata)
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64 to v4 (could reach private v4)
        || ip.to_ipv4().is_some_and(|v4| !is_public_v4(v4)))
}

fn describe(ip: IpAddr) -> &'static str {
    match canonical(ip) {
        IpAddr::V4(v4) if v4.is_loopback() => "this computer",
        IpAddr::V6(v6) if v6.is_loopback() => "this computer",
        IpAddr::V4(v4) if v4.octets()[..2] == [169, 254] => {
            "a link-local address (where cloud metadata services live)"
        }
        IpAddr::V4(v4) if v4.is_private() => "an address on a private network",
        _ => "not a public internet address",
    }
}

/// Resolves names with the system's resolver and keeps only the addresses `policy` permits.
pub struct GuardedResolver {
    pub policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> =
                found.iter().copied().filter(|a| policy.permits(a.ip())).collect();
            match (permitted.is_empty(), found.first()) {
                (false, _) => Ok(Box::new(permitted.into_iter()) as Addrs),
                (true, Some(first)) => {
                    Err(Box::new(AddressRefused { host, address: first.ip() }) as _)
                }
                (true, None) => Err(format!("{host} has no address").into()),
            }
        })
    }
}
