//! Rate-limit status: the `rateLimit` query and the `RateLimit-Policy` / `RateLimit` header
//! fields (draft-ietf-httpapi-ratelimit-headers-11), parsed with an independent Structured
//! Fields parser (the `sfv` crate), with the buckets' clock stopped so no point leaks out
//! between two requests.

use clusterbridge::{
    auth::Role,
    http::{
        limits::Budgets,
        rate_limit::{Clock, RateLimits},
        EndpointSettings,
    },
};
use serde_json::{json, Value};

use crate::{
    rate_limits::{stopped_clock, NOW_NS},
    support::TestApp,
};

const STATUS: &str =
    "{ rateLimit { cost limit remaining used resetAt buckets { policy limit remaining used resetAt } } }";
const WITH_WORK: &str = "{ rateLimit { cost limit remaining used resetAt buckets { policy limit remaining } } \
                         clusters(first: 5) { nodes { name members(first: 3) { nodes { name } } } } }";

/// One policy or service-limit item: its name and integer parameters.
#[derive(Debug, PartialEq)]
struct Entry {
    name: String,
    params: Vec<(String, i64)>,
}

impl Entry {
    fn get(&self, key: &str) -> i64 {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("{} has no {key}: {self:?}", self.name))
    }
}

/// A header field as a Structured Field List of string items with integer parameters.
fn list(headers: &ureq::http::HeaderMap, name: &str) -> Vec<Entry> {
    let value = headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ASCII");
    let parsed: sfv::List = sfv::Parser::new(value).parse().expect("a Structured Field List");
    parsed
        .into_iter()
        .map(|entry| {
            let sfv::ListEntry::Item(item) = entry else {
                panic!("an inner list in {value}")
            };
            Entry {
                name: item.bare_item.as_string().expect("a String item").as_str().to_owned(),
                params: item
                    .params
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), i64::from(v.as_integer().expect("an Integer"))))
                    .collect(),
            }
        })
        .collect()
}

/// Sends `query` and returns the status, the body and the headers.
fn send(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Value, ureq::http::HeaderMap) {
    let mut request = app.agent().post(format!("{}/graphql", app.base));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.send_json(json!({ "query": query })).expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.body_mut().read_json::<Value>().unwrap_or(Value::Null);
    (status, body, headers)
}

fn seconds_after_now(at: &Value) -> f64 {
    let at = chrono::DateTime::parse_from_rfc3339(at.as_str().expect("a DateTime")).expect("RFC 3339");
    let ns = at.timestamp_nanos_opt().expect("in range") - NOW_NS;
    ns as f64 / 1e9
}

#[test]
fn the_query_and_the_headers_agree_and_fall_by_each_cost() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let (status, first, headers) = send(&app, None, WITH_WORK);
    assert_eq!(status, 200, "{first}");
    let status_1 = &first["data"]["rateLimit"];
    let cost_1 = status_1["cost"].as_u64().unwrap();
    assert_eq!(
        first["extensions"]["cost"].as_u64(),
        Some(cost_1),
        "the cost the answer reports"
    );
    assert!(cost_1 > 1, "a page of clusters with members costs more than a point");
    assert_eq!(status_1["limit"], defaults.anonymous);
    assert_eq!(
        status_1["remaining"],
        defaults.anonymous - cost_1,
        "an empty bucket less this request"
    );
    assert_eq!(status_1["used"], cost_1);
    assert_eq!(status_1["buckets"][0]["policy"], "anonymous");
    assert_eq!(status_1["buckets"].as_array().unwrap().len(), 1);

    let policy = list(&headers, "RateLimit-Policy");
    assert_eq!(policy.len(), 1);
    assert_eq!(policy[0].name, "anonymous");
    assert_eq!(policy[0].get("q"), defaults.anonymous as i64);
    assert_eq!(policy[0].get("w"), 60);
    let limit = list(&headers, "RateLimit");
    assert_eq!(limit[0].name, "anonymous");
    assert_eq!(limit[0].get("r"), status_1["remaining"].as_i64().unwrap());
    // The bucket is whole again when the used points have leaked out at 50,000 a minute.
    let reset = seconds_after_now(&status_1["resetAt"]);
    let expected = cost_1 as f64 * 60.0 / defaults.anonymous as f64;
    assert!(
        (reset - expected).abs() < 1e-3,
        "resetAt {reset} s after now, expected {expected}"
    );
    assert_eq!(limit[0].get("t"), reset.ceil() as i64);

    let (_, second, headers) = send(&app, None, STATUS);
    let status_2 = &second["data"]["rateLimit"];
    assert_eq!(status_2["cost"], 1, "rateLimit alone costs one point");
    assert_eq!(second["extensions"]["cost"], 1);
    assert_eq!(
        status_2["remaining"].as_u64().unwrap(),
        status_1["remaining"].as_u64().unwrap() - 1,
        "down by the second request's cost, the clock standing still"
    );
    assert_eq!(
        list(&headers, "RateLimit")[0].get("r"),
        status_2["remaining"].as_i64().unwrap()
    );
}

#[test]
fn a_signed_in_caller_sees_its_own_bucket_and_its_address() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let user = TestApp::token(Role::User);
    let (_, body, headers) = send(&app, Some(&user), STATUS);
    let status = &body["data"]["rateLimit"];
    assert_eq!(status["limit"], defaults.user);
    let buckets = status["buckets"].as_array().unwrap();
    let names: Vec<&str> = buckets.iter().map(|b| b["policy"].as_str().unwrap()).collect();
    assert_eq!(names, ["user", "address"]);
    let policy = list(&headers, "RateLimit-Policy");
    assert_eq!(
        policy.iter().map(|p| (p.name.as_str(), p.get("q"))).collect::<Vec<_>>(),
        [("user", defaults.user as i64), ("address", defaults.per_address as i64)]
    );
    let limits = list(&headers, "RateLimit");
    for (header, bucket) in limits.iter().zip(buckets) {
        assert_eq!(header.name, bucket["policy"].as_str().unwrap());
        assert_eq!(header.get("r"), bucket["remaining"].as_i64().unwrap());
    }
}

#[test]
fn a_refused_request_keeps_retry_after_and_says_what_remains() {
    let defaults = RateLimits::default();
    let app = stopped_clock(defaults);
    let (_, _, headers) = send(&app, None, STATUS);
    assert!(list(&headers, "RateLimit")[0].get("r") > 0);
    // Full to the brim: a minute's worth ahead of the stopped clock.
    let full = NOW_NS + 60_000_000_000;
    app.sql(&format!(
        "UPDATE rate_limit_bucket SET theoretical_arrival_ns = {full} WHERE key LIKE 'anonymous:%'"
    ));
    let (status, body, headers) = send(&app, None, STATUS);
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    let retry_after: u64 = headers
        .get("Retry-After")
        .expect("a 429 says when to retry")
        .to_str()
        .unwrap()
        .parse()
        .expect("delay-seconds");
    assert!(retry_after >= 1);
    assert_eq!(
        list(&headers, "RateLimit-Policy")[0].get("q"),
        defaults.anonymous as i64
    );
    let limit = list(&headers, "RateLimit");
    assert_eq!(limit[0].get("r"), 0, "nothing remains");
    assert_eq!(limit[0].get("t"), 60, "whole again in a minute");
}

#[test]
fn a_request_that_never_ran_runs_no_sql_and_says_only_the_policy() {
    let app = stopped_clock(RateLimits::default());
    let (_, _, headers) = send(&app, None, STATUS);
    let before = list(&headers, "RateLimit")[0].get("r");
    app.take_statement_count();
    // Over the alias limit: refused while the document is prepared, before its charge.
    let aliases = format!(
        "{{ {} }}",
        (0..31)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (status, body, headers) = send(&app, None, &aliases);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "QUERY_TOO_LARGE",
        "{status} {body}"
    );
    assert_eq!(app.take_statement_count(), 0, "a refused document reads no bucket");
    assert!(headers.get("RateLimit").is_none(), "nothing was charged");
    assert!(
        !list(&headers, "RateLimit-Policy").is_empty(),
        "the policy is known without SQL"
    );
    let (_, _, headers) = send(&app, None, STATUS);
    assert_eq!(
        list(&headers, "RateLimit")[0].get("r"),
        before - 1,
        "the refused document was free: the next status query costs its 1 point from where the first left it"
    );
}

#[test]
fn a_document_that_does_not_validate_has_paid_its_price() {
    let app = stopped_clock(RateLimits::default());
    let (_, _, headers) = send(&app, None, STATUS);
    let before = list(&headers, "RateLimit")[0].get("r");
    app.take_statement_count();
    // Priced from the document and charged before async-graphql validates it, as each
    // operation of a batch is.
    let (status, body, headers) = send(&app, None, "{ noSuchField }");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{status} {body}"
    );
    assert!(body.get("data").is_none(), "a request error has no data: {body}");
    assert_eq!(
        app.take_statement_count(),
        1,
        "the charge to its bucket, and nothing else"
    );
    assert_eq!(
        list(&headers, "RateLimit")[0].get("r"),
        before - 1,
        "the least a document costs, 1 point"
    );
}

#[test]
fn without_rate_limits_the_status_is_null_and_no_header_is_sent() {
    let app = TestApp::with_settings(EndpointSettings {
        budgets: Budgets {
            rate_limits: None,
            clock: Clock::fixed(NOW_NS),
            ..Budgets::default()
        },
        ..EndpointSettings::default()
    });
    let (status, body, headers) = send(&app, None, STATUS);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["rateLimit"], Value::Null);
    assert!(headers.get("RateLimit").is_none());
    assert!(headers.get("RateLimit-Policy").is_none());
}
