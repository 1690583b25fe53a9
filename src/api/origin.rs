//! The address a client reaches this API at, for the links it hands out
//! that a client follows later (a calendar app subscribing to a feed).
//!
//! `PUBLIC_API_URL` when the operator set it. Otherwise the scheme and
//! host the request came to: its `Host` header on a direct connection;
//! behind a proxy the operator trusts (`TRUSTED_PROXIES`), the host and
//! scheme the proxy passed on (`Forwarded`, `X-Forwarded-Host`,
//! `X-Forwarded-Proto`). Forwarding headers from anyone else are ignored,
//! as they are for the client's address (`client_addr`).
use actix_web::HttpRequest;
use actix_web::http::header;

use crate::config::TrustedProxies;

/// `https://mentorship.wla.org`: a scheme and host (and any path the
/// operator configured), no trailing slash.
pub fn api_base(req: &HttpRequest, configured: Option<&str>, proxies: &TrustedProxies) -> String {
    if let Some(base) = configured {
        return base.to_owned();
    }
    let config = req.app_config();
    let (scheme, host) = if req
        .peer_addr()
        .is_some_and(|peer| proxies.contains(peer.ip()))
    {
        let info = req.connection_info();
        (info.scheme().to_owned(), info.host().to_owned())
    } else {
        let scheme = if config.secure() { "https" } else { "http" };
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_else(|| config.host());
        (scheme.to_owned(), host.to_owned())
    };
    let scheme = if scheme == "https" { "https" } else { "http" };
    let host = if is_host(&host) {
        host
    } else {
        config.host().to_owned()
    };
    format!("{scheme}://{host}")
}

/// A host name or address with an optional port: nothing that would end
/// the URL's authority and start a path, query or other URL.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_~:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    fn from(peer: &str) -> TestRequest {
        TestRequest::default().peer_addr(peer.parse().unwrap())
    }

    #[test]
    fn a_direct_client_gets_the_host_it_asked_for_whatever_it_forwards() {
        let req = from("203.0.113.5:4000")
            .insert_header((header::HOST, "api.wla.org:8080"))
            .insert_header(("X-Forwarded-Host", "evil.example"))
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        assert_eq!(
            api_base(&req, None, &proxies("10.0.0.0/8")),
            "http://api.wla.org:8080"
        );
    }

    #[test]
    fn a_trusted_proxy_passes_on_the_host_and_scheme() {
        let req = from("10.0.0.2:4000")
            .insert_header((header::HOST, "backend:8080"))
            .insert_header(("X-Forwarded-Host", "mentorship.wla.org"))
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        assert_eq!(
            api_base(&req, None, &proxies("10.0.0.0/8")),
            "https://mentorship.wla.org"
        );
    }

    #[test]
    fn the_configured_address_wins() {
        let req = from("10.0.0.2:4000")
            .insert_header(("X-Forwarded-Host", "mentorship.wla.org"))
            .to_http_request();
        let base = api_base(
            &req,
            Some("https://wla.org/mentorship"),
            &proxies("10.0.0.0/8"),
        );
        assert_eq!(base, "https://wla.org/mentorship");
    }

    #[test]
    fn a_host_that_would_change_the_url_is_not_used() {
        for host in ["evil.example/phish?", "a@b", "x y", ""] {
            let req = from("10.0.0.2:4000")
                .insert_header(("X-Forwarded-Host", host))
                .to_http_request();
            let base = api_base(&req, None, &proxies("10.0.0.0/8"));
            assert_eq!(base, "http://localhost:8080", "{host:?}");
        }
    }
}
