//! Bounded work whatever the document, and a cost model that prices what the server runs: fragment
//! bombs refused in milliseconds, the limits applied to the document as executed, a directory
//! page within the anonymous budget, text searches and credential checks priced for their work.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::TestApp;

/// Under 1 KB: each fragment spreads the previous one ten times, 10^levels fields in the end.
fn fragment_bomb(levels: usize) -> String {
    let mut document = format!("{{ ...F{levels} }} fragment F0 on Query {{ __typename }}");
    for level in 1..=levels {
        let spreads = vec![format!("...F{}", level - 1); 10].join(" ");
        document.push_str(&format!(" fragment F{level} on Query {{ {spreads} }}"));
    }
    document
}

fn code(reply: &Value) -> &str {
    reply["errors"][0]["extensions"]["code"].as_str().unwrap_or("none")
}

#[test]
fn a_fragment_bomb_is_refused_in_milliseconds_while_plain_queries_are_served() {
    let app = TestApp::spawn();
    let bomb = fragment_bomb(7);
    assert!(bomb.len() < 1024, "{} bytes", bomb.len());
    let started = Instant::now();
    let reply = app.query(&bomb, json!({}));
    let took = started.elapsed();
    assert_eq!(reply.code(), "QUERY_TOO_LARGE", "{}", reply.body);
    assert!(took < Duration::from_secs(1), "refused in {took:?}");

    // Four clients keep sending bombs; a plain query still gets through at once.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(app.query(&bomb, json!({})).code(), "QUERY_TOO_LARGE");
                }
            });
        }
        let started = Instant::now();
        let plain = app.query("{ clusters(first: 1) { nodes { name } } }", json!({}));
        assert_eq!(plain.data()["clusters"]["nodes"].as_array().map(Vec::len), Some(1));
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    });
}

#[test]
fn limits_apply_to_the_document_as_executed() {
    let app = TestApp::spawn();
    // Each fragment alone keeps to the limits; spread, they do not.
    let repeats = "{ me { ...A ...B } } fragment A on Me { a: role b: role c: role } \
                   fragment B on Me { d: role e: role f: role }";
    let aliases = format!(
        "{{ {} }} fragment M on Me {{ {} }}",
        (0..4)
            .map(|i| format!("m{i}: me {{ ...M }}"))
            .collect::<Vec<_>>()
            .join(" "),
        (0..8).map(|i| format!("r{i}: role")).collect::<Vec<_>>().join(" ")
    );
    let inline = format!(
        "{{ clusters(first: 1) {{ nodes {{ {} }} }} }}",
        (0..6)
            .map(|i| format!("... on Cluster {{ n{i}: name }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let wide = format!(
        "{{ ...W }} fragment W on Query {{ {} }} fragment C on Query {{ clusters(first: 1) {{ totalCount }} }}",
        vec!["...C"; 1_001].join(" ")
    );
    for (name, document) in [
        ("repeats", repeats.to_owned()),
        ("aliases", aliases),
        ("inline", inline),
        ("size", wide),
    ] {
        let reply = app.query(&document, json!({}));
        assert_eq!(reply.code(), "QUERY_TOO_LARGE", "{name}: {}", reply.body);
    }
    // The same field under one response key merges: a card spread twice and its field again is
    // one field of the answer.
    let merged = "{ clusters(first: 2) { nodes { ...Card ...Card name ...Card } } } \
                  fragment Card on Cluster { name country }";
    assert!(app.query(merged, json!({})).data()["clusters"]["nodes"][1]["country"].is_string());
    // A cycle ends at once, refused as the specification says.
    let started = Instant::now();
    let cycle = app.query(
        "{ ...A } fragment A on Query { __typename ...B ...B } fragment B on Query { ...A ...A }",
        json!({}),
    );
    assert_eq!(cycle.code(), "GRAPHQL_VALIDATION_FAILED", "{}", cycle.body);
    assert!(started.elapsed() < Duration::from_secs(1));
}

const DIRECTORY_PAGE: &str = "{ clusters(first: 50) { totalCount nodes { id name country \
    members(first: 20) { nodes { id name kind } } \
    partnerships { nodes { id name members { nodes { id name country } } } } } } }";

#[test]
fn a_directory_page_fits_the_anonymous_budget() {
    let app = TestApp::spawn();
    let reply = app.query(DIRECTORY_PAGE, json!({}));
    assert!(reply.data()["clusters"]["nodes"].is_array());
    // 1 page + 1 count + 50 × (0.1 + members 1 + 20 × 0.1 + partnerships 1 + 20 × (0.1 + 1 + 20 × 0.1)).
    assert_eq!(reply.body["extensions"]["cost"], 3_307);
}

#[test]
fn text_searches_and_their_counts_are_priced_by_their_work() {
    let app = TestApp::spawn();
    let count = r#"clusters(first: 1, filter: {query: "aero"}) { totalCount }"#;
    let one = app.query(&format!("{{ {count} }}"), json!({}));
    // The search 40, its page 1, its full-text count 40.
    assert_eq!(one.body["extensions"]["cost"], 81, "{}", one.body);
    // Under one response key, 200 of them merge in the answer but each runs: 16,200 points.
    let many = app.query(&format!("{{ {} }}", vec![count; 200].join(" ")), json!({}));
    assert_eq!(many.code(), "COST_LIMIT_EXCEEDED", "{}", many.body);
    assert_eq!(many.body["errors"][0]["extensions"]["cost"], 16_200);
    // 3,000 of them through spreads of five aliases: refused by size, unpriced.
    let five = (0..5).map(|i| format!("c{i}: {count}")).collect::<Vec<_>>().join(" ");
    let spread = format!(
        "{{ ...H }} fragment H on Query {{ {} }} fragment C on Query {{ {five} }}",
        vec!["...C"; 600].join(" ")
    );
    assert_eq!(app.query(&spread, json!({})).code(), "QUERY_TOO_LARGE");
    // Facets and recommendations are not free either.
    let facets = app.query(
        r#"{ clusterFacets(filter: {query: "aero"}) { countries { value count } } }"#,
        json!({}),
    );
    assert!(
        facets.body["extensions"]["cost"].as_u64() >= Some(200),
        "{}",
        facets.body
    );
}

const LOGIN: &str = r#"login(input: {email: "nobody@example.org", password: "not the password"}) { accessToken }"#;

fn batch(app: &TestApp, operations: Value) -> Value {
    let response = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", "application/json")
        .send(operations.to_string())
        .expect("request");
    let mut response = response;
    response.body_mut().read_json::<Value>().expect("JSON")
}

#[test]
fn one_credential_check_per_request_whatever_the_aliases_spreads_or_batch() {
    let app = TestApp::spawn();
    let single = app.query(&format!("mutation {{ {LOGIN} }}"), json!({}));
    assert_eq!(single.code(), "UNAUTHENTICATED", "one login runs: {}", single.body);
    assert_eq!(
        single.body["extensions"]["cost"], 1_001,
        "an argon2 check, and its payload a tenth"
    );
    let aliased = format!("mutation {{ a: {LOGIN} b: {LOGIN} }}");
    let spread = format!("mutation {{ ...L ...L }} fragment L on Mutation {{ {LOGIN} }}");
    let two_hundred = format!(
        "mutation {{ ...L }} fragment L on Mutation {{ {} }} fragment F on Mutation {{ {} }}",
        vec!["...F"; 40].join(" "),
        (0..5).map(|i| format!("l{i}: {LOGIN}")).collect::<Vec<_>>().join(" ")
    );
    let mixed = format!(
        r#"mutation {{ {LOGIN} register(input: {{email: "new@example.org", displayName: "New", password: "a long new password"}}) {{ user {{ id }} }} }}"#
    );
    for (name, document) in [
        ("aliases", aliased),
        ("spreads", spread),
        ("200", two_hundred),
        ("mixed", mixed),
    ] {
        let started = Instant::now();
        let reply = app.query(&document, json!({}));
        assert_eq!(reply.code(), "QUERY_TOO_LARGE", "{name}: {}", reply.body);
        assert!(reply.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most one login")));
        assert!(started.elapsed() < Duration::from_secs(1), "{name}: nothing was hashed");
    }
    // In a batch, the first runs and the second is refused.
    let op = json!({ "query": format!("mutation {{ {LOGIN} }}") });
    let answers = batch(&app, json!([op, op]));
    assert_eq!(code(&answers[0]), "UNAUTHENTICATED", "{answers}");
    assert_eq!(code(&answers[1]), "QUERY_TOO_LARGE", "{answers}");
}
