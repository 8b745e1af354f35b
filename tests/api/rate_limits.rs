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
    TestApp::with_settings(limited(Some(rate_limits), clock))
}

/// Endpoint settings with these rate limits (none: off), counted by `clock`.
fn limited(rate_limits: Option<RateLimits>, clock: Clock) -> EndpointSettings {
    EndpointSettings {
        budgets: Budgets {
            rate_limits,
            clock,
            ..Budgets::default()
        },
        ..EndpointSettings::default()
    }
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

/// A request's rate-limit charge is one SQL statement, whether it charges one bucket (an
/// anonymous caller's) or two (a signed-in caller's and its address's).
#[test]
fn a_charge_is_one_sql_statement() {
    let on = stopped_clock(RateLimits::default());
    let off = TestApp::with_settings(limited(None, Clock::fixed(NOW_NS)));
    let user = TestApp::token(Role::User);
    for token in [None, Some(user.as_str())] {
        let statements = |app: &TestApp| {
            // The first request of a caller may find its buckets missing; count a later one.
            assert_eq!(app.post(token, CHEAP, json!({})).status, 200);
            app.take_statement_count();
            let reply = app.post(token, CHEAP, json!({}));
            assert_eq!(reply.status, 200, "{}", reply.body);
            app.take_statement_count()
        };
        let (with, without) = (statements(&on), statements(&off));
        assert_eq!(with, without + 1, "signed in: {}", token.is_some());
    }
}

/// Fires `requests` copies of CHEAP at once, spread over `replicas`, as the holder of `token`:
/// how many were granted. Every other one must be refused with RATE_LIMITED.
fn granted_at_once(replicas: &[&TestApp], token: Option<&str>, requests: usize) -> usize {
    let start = std::sync::Barrier::new(requests);
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..requests)
            .map(|i| {
                let (app, start) = (replicas[i % replicas.len()], &start);
                scope.spawn(move || {
                    start.wait();
                    app.post(token, CHEAP, json!({}))
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a request thread"))
            .collect()
    });
    let granted = replies.iter().filter(|r| r.status == 200).count();
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert_eq!((reply.status, reply.code()), (429, "RATE_LIMITED"), "{}", reply.body);
    }
    granted
}

/// Two replicas on one database charge the same buckets at once. Each charge refills and charges
/// the row it has locked, so no read-modify-write race between them grants more than the budget,
/// and no charge is lost or counted twice: with room for 10 requests and 30 sent at once, exactly
/// 10 are granted and the bucket is exactly full. (More at once would wait out the test servers'
/// pools of four connections on a loaded machine.)
#[test]
fn concurrent_requests_on_two_replicas_are_granted_the_budget_and_no_more() {
    const ROOM: u64 = 10;
    let defaults = RateLimits::default();
    let clock = Clock::fixed(NOW_NS);
    let app = stopped(defaults, clock.clone());
    let replica = app.replica(limited(Some(defaults), clock));
    let user = TestApp::token(Role::User);
    // The anonymous caller's one bucket, then a signed-in caller's own beside its address's.
    for (token, pattern, per_minute) in [
        (None, "anonymous:%", defaults.anonymous),
        (Some(user.as_str()), "principal:%", defaults.user),
    ] {
        let probe = replica.post(token, CHEAP, json!({}));
        assert_eq!(probe.status, 200, "{}", probe.body);
        let cost = probe.body["extensions"]["cost"].as_u64().expect("a cost");
        let step = cost * WINDOW_NS / per_minute;
        let full = NOW_NS as u64 + WINDOW_NS;
        app.sql(&format!(
            "UPDATE rate_limit_bucket SET theoretical_arrival_ns = {} WHERE key LIKE '{pattern}'",
            full - ROOM * step
        ));
        let granted = granted_at_once(&[&app, &replica], token, 3 * ROOM as usize);
        assert_eq!(granted as u64, ROOM, "signed in: {}", token.is_some());
        let arrival = app.count(&format!(
            "SELECT theoretical_arrival_ns FROM rate_limit_bucket WHERE key LIKE '{pattern}'"
        ));
        assert_eq!(arrival as u64, full, "every grant charged once, no refusal charged");
    }
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
