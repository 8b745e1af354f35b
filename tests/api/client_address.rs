//! The client address behind a proxy: forwarding headers count only from `TRUSTED_PROXIES`, so
//! a client cannot pick its own bucket, and clients behind the proxy do not share one.

use clusterbridge::http::{client_address::TrustedProxies, limits::Budgets, rate_limit::RateLimits, EndpointSettings};
use serde_json::json;

use crate::{
    rate_limits::{send, NOW_NS},
    support::TestApp,
};

const CHEAP: &str = "{ clusters(first: 1) { nodes { name } } }";

/// Room for one cheap request a minute per anonymous address, behind `proxies`.
fn one_request_each(proxies: &str) -> TestApp {
    TestApp::with_settings(EndpointSettings {
        budgets: Budgets {
            rate_limits: Some(RateLimits {
                anonymous: 3,
                ..RateLimits::default()
            }),
            clock: clusterbridge::http::rate_limit::Clock::fixed(NOW_NS),
            ..Budgets::default()
        },
        trusted_proxies: proxies.parse::<TrustedProxies>().expect("proxies"),
        ..EndpointSettings::default()
    })
}

fn status(app: &TestApp, headers: &[(&str, &str)]) -> u16 {
    send(app, headers, json!({ "query": CHEAP })).status
}

#[test]
fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    // The test client connects from 127.0.0.1, which is not a trusted proxy here.
    let app = one_request_each("10.0.0.0/8");
    assert_eq!(status(&app, &[("X-Forwarded-For", "203.0.113.1")]), 200);
    for spoofed in [
        ("X-Forwarded-For", "203.0.113.2"),
        ("X-Forwarded-For", "198.51.100.9, 10.0.0.1"),
        ("Forwarded", "for=203.0.113.3"),
    ] {
        assert_eq!(status(&app, &[spoofed]), 429, "{spoofed:?} picks no bucket of its own");
    }
}

#[test]
fn clients_behind_a_trusted_proxy_get_buckets_of_their_own() {
    let app = one_request_each("127.0.0.1, 10.0.0.0/8");
    assert_eq!(status(&app, &[("X-Forwarded-For", "203.0.113.1")]), 200);
    assert_eq!(
        status(&app, &[("X-Forwarded-For", "203.0.113.2")]),
        200,
        "another client"
    );
    assert_eq!(
        status(&app, &[("X-Forwarded-For", "203.0.113.1")]),
        429,
        "the first again"
    );
    // The rightmost hop no trusted proxy is: what the client wrote to the left is not believed.
    let spoof = ("X-Forwarded-For", "198.51.100.7, 203.0.113.2, 10.1.1.1");
    assert_eq!(status(&app, &[spoof]), 429, "203.0.113.2 through a second proxy");
    let forwarded = ("Forwarded", "for=198.51.100.8, for=\"[2001:db8::1]:4711\";proto=https");
    assert_eq!(status(&app, &[forwarded]), 200, "RFC 7239, an IPv6 client");
    assert_eq!(status(&app, &[forwarded]), 429);
    // Without a header the proxy itself is the client.
    assert_eq!(status(&app, &[]), 200);
    assert_eq!(
        status(&app, &[("X-Forwarded-For", "not-an-address")]),
        429,
        "garbage is the proxy"
    );
}

#[test]
fn a_bad_trusted_proxies_setting_stops_the_server() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .arg("serve")
        .env("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("run clusterbridge");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("TRUSTED_PROXIES") && said.contains("proxy.internal"),
        "{said}"
    );
}
