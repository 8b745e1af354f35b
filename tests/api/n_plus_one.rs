//! Nested lists load through DataLoaders: the statement count does not grow with the page.

use serde_json::json;

use crate::support::TestApp;

const NESTED: &str = r#"query($first: Int!) { clusters(first: $first, orderBy: {field: CREATED_AT}) { totalCount nodes {
    name ecosystems emergingIndustries technologies representedBy { name countries }
    members(first: 20) { totalCount nodes { name kind } }
    partnerships(first: 5) { nodes { name ecosystems targetMarkets
        members(first: 20) { edges { role node { name ecosystems } } } } }
    successStories(first: 2) { nodes { title partnership { name } clusters(first: 3) { nodes { name } } } } } } }"#;

fn statements_for(app: &TestApp, first: usize) -> usize {
    app.take_statement_count();
    let reply = app.as_admin(NESTED, json!({ "first": first }));
    assert_eq!(
        reply.data()["clusters"]["nodes"].as_array().unwrap().len().min(first),
        first.min(32)
    );
    println!(
        "cost of the nested page of {first}: {}",
        reply.body["extensions"]["cost"]
    );
    app.take_statement_count()
}

#[test]
fn a_page_of_fifty_costs_what_a_page_of_five_costs() {
    let app = TestApp::spawn();
    // Warm-up: the first request may open pool connections.
    statements_for(&app, 1);
    let five = statements_for(&app, 5);
    let fifty = statements_for(&app, 50);
    println!("SQL statements for a nested page: 5 clusters → {five}, 50 clusters → {fifty}");
    assert_eq!(five, fifty, "statement count must not depend on page size");
    // 13 reads (the page and its count; one per plain list; one per level of nested
    // connections) and 6 for the caller's two rate-limit buckets.
    assert!(
        fifty <= 19,
        "a nested page costs a small fixed number of statements, got {fifty}"
    );
}
