//! Exact rate limits at the real defaults: with the buckets' clock stopped and a bucket filled to
//! ten cheap requests short of a window, ten more fit and the eleventh meets 429, for each kind
//! of bucket. Under whole milliseconds a cheap request added nothing at 250,000 and 1,000,000
//! points a minute, and 2 ms instead of 2.4 at 50,000, so the eleventh went through.

use clusterbridge::{
    auth::Role,
    http::{
        limits::Budgets,
        rate_limit::{Clock, RateLimits},
        EndpointSettings,
    },
};
use serde_json::{json, Value};

use crate::support::{Reply, TestApp};

/// The instant the stopped clock shows.
pub const NOW_NS: i64 = 1_900_000_000_000_000_000;
const WINDOW_NS: u64 = 60_000_000_000;
const CHEAP: &str = "{ clusters(first: 1) { nodes { name } } }";

/// A server whose buckets count time by a clock stopped at [`NOW_NS`].
pub fn stopped_clock(rate_limits: RateLimits) -> TestApp {
    stopped(rate_limits, Clock::fixed(NOW_NS))
}

/// A server whose buckets count time by `clock`, which the test may move on.
pub fn stopped(rate_limits: RateLimits, clock: Clock) -> TestApp {
    TestApp::with_settings(EndpointSettings {
        budgets: Budgets {
            rate_limits: Some(rate_limits),
            clock,
            ..Budgets::default()
        },
        ..EndpointSettings::default()
    })
}

/// Fills the buckets whose key is `LIKE pattern` to ten of `send`'s requests short of a window
/// at `per_minute`, then shows that ten fit and the eleventh is refused.
fn ten_more_then_429(app: &TestApp, pattern: &str, per_minute: u64, send: impl Fn() -> Reply) {
    let probe = send();
    assert_eq!(probe.status, 200, "{}", probe.body);
    let cost = probe.body["extensions"]["cost"]
        .as_u64()
        .expect("every answer says its cost");
    assert!(cost >= 1, "the probe must cost something");
    assert_eq!(cost * WINDOW_NS % per_minute, 0, "the defaults divide a minute exactly");
    let step = cost * WINDOW_NS / per_minute;
    let full = NOW_NS as u64 + WINDOW_NS - 10 * step;
    app.sql(&format!(
        "UPDATE rate_limit_bucket SET theoretical_arrival_ns = {full} WHERE key LIKE '{pattern}'"
    ));
    for i in 0..10 {
        let reply = send();
        assert_eq!(reply.status, 200, "request {i} of the last ten fits: {}", reply.body);
    }
    let over = send();
    assert_eq!(
        (over.status, over.code()),
        (429, "RATE_LIMITED"),
        "at {per_minute} a minute"
    );
    assert_eq!(over.body["errors"][0]["extensions"]["retryAfter"], 1);
}

#[test]
fn anonymous_callers_meet_429_after_a_window_of_cheap_requests() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    ten_more_then_429(&app, "anonymous:%", defaults.anonymous, || app.query(CHEAP, json!({})));
}

#[test]
fn users_meet_429_after_a_window_of_cheap_requests() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let user = TestApp::token(Role::User);
    ten_more_then_429(&app, "principal:%", defaults.user, || {
        app.post(Some(&user), CHEAP, json!({}))
    });
}

#[test]
fn signed_in_callers_meet_the_per_address_limit() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let user = TestApp::token(Role::User);
    ten_more_then_429(&app, "address:%", defaults.per_address, || {
        app.post(Some(&user), CHEAP, json!({}))
    });
}

#[test]
fn api_keys_meet_429_after_a_window_of_cheap_requests() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let cnfi = app
        .query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}))
        .data()["partnerOrganisations"]["nodes"][0]["id"]
        .clone();
    let key = app.as_admin(
        "mutation($o: ID!) { createApiKey(input: {name: \"sync\", partnerOrganisationId: $o}) { key } }",
        json!({ "o": cnfi }),
    );
    let key = key.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    // The administrator's own bucket is a principal too; only the key's is filled.
    app.sql("DELETE FROM rate_limit_bucket WHERE key LIKE 'principal:%'");
    ten_more_then_429(&app, "principal:%", defaults.api_key, || {
        app.post(Some(&key), CHEAP, json!({}))
    });
}

#[test]
fn a_window_fits_one_more_does_not_and_the_bucket_refills_at_its_rate() {
    // 60 points a minute: one a second, a minute's worth at once.
    let clock = Clock::fixed(NOW_NS);
    let app = stopped(
        RateLimits {
            anonymous: 60,
            ..RateLimits::default()
        },
        clock.clone(),
    );
    let cost = app.query(CHEAP, json!({})).body["extensions"]["cost"].as_u64().unwrap();
    for _ in 1..60 / cost {
        assert_eq!(app.query(CHEAP, json!({})).status, 200);
    }
    assert_eq!(app.query(CHEAP, json!({})).status, 429, "a window's worth plus one");
    clock.advance(std::time::Duration::from_secs(cost) - std::time::Duration::from_nanos(1));
    assert_eq!(app.query(CHEAP, json!({})).status, 429, "a nanosecond short");
    clock.advance(std::time::Duration::from_nanos(1));
    assert_eq!(
        app.query(CHEAP, json!({})).status,
        200,
        "exactly one request's worth leaked out"
    );
    assert_eq!(app.query(CHEAP, json!({})).status, 429);
}

/// A batch is charged once, for the sum of its operations, before any runs: ten cheap
/// operations in one request need room for ten; with room for nine none runs.
#[test]
fn a_batch_is_charged_once_for_all_its_operations() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let cost = app.query(CHEAP, json!({})).body["extensions"]["cost"].as_u64().unwrap();
    let step = cost * WINDOW_NS / defaults.anonymous;
    let ten = Value::Array(vec![json!({ "query": CHEAP }); 10]);
    let codes = |reply: &Reply| -> Vec<Value> {
        (0..10)
            .map(|i| reply.body[i]["errors"][0]["extensions"]["code"].clone())
            .collect()
    };
    let room_for = |n: u64| {
        let full = NOW_NS as u64 + WINDOW_NS - n * step;
        app.sql(&format!("UPDATE rate_limit_bucket SET theoretical_arrival_ns = {full}"));
    };
    room_for(9);
    let refused = send(&app, &[], ten.clone());
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(
        codes(&refused).iter().all(|c| c == "RATE_LIMITED"),
        "{:?}",
        codes(&refused)
    );
    assert!(refused.body[0].get("data").is_none(), "nothing ran");
    room_for(10);
    let ran = send(&app, &[], ten);
    assert_eq!(ran.status, 200, "{}", ran.body);
    assert!(codes(&ran).iter().all(Value::is_null), "{:?}", codes(&ran));
    // Each answer still says what its operation cost.
    assert_eq!(ran.body[9]["extensions"]["cost"], cost);
}

/// `RATE_LIMIT` takes `on` or `off`; anything else stops the server before it starts.
#[test]
fn rate_limit_setting_takes_on_or_off_only() {
    for value in ["yes", "ON", "1", ""] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
            .arg("serve")
            .env("RATE_LIMIT", value)
            .env("DATABASE_URL", "sqlite::memory:")
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .output()
            .expect("run clusterbridge");
        assert!(!out.status.success(), "RATE_LIMIT={value:?} is refused");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("RATE_LIMIT") && said.contains("on, off"), "{said}");
    }
    let zero = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .arg("serve")
        .env("RATE_LIMIT_USER", "0")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("run clusterbridge");
    assert!(!zero.status.success());
    assert!(String::from_utf8_lossy(&zero.stderr).contains("RATE_LIMIT_USER"));
}

/// A raw POST with headers of the test's choosing: status and body.
pub fn send(app: &TestApp, headers: &[(&str, &str)], body: Value) -> Reply {
    let mut request = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body.to_string()).expect("request");
    let status = response.status().as_u16();
    let body = response.body_mut().read_json::<Value>().unwrap_or(Value::Null);
    Reply { status, body }
}
