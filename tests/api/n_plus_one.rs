//! Nested lists load through DataLoaders: the statement count does not grow with the page.

use serde_json::json;

use crate::support::TestApp;

const NESTED: &str = r#"query($first: Int!) { clusters(first: $first) { totalCount nodes {
    name ecosystems emergingIndustries technologies representedBy { name countries }
    members(first: 20) { totalCount nodes { name kind } }
    partnerships(first: 10) { nodes { name ecosystems targetMarkets
        members(first: 20) { edges { role node { name ecosystems } } } } }
    successStories(first: 5) { nodes { title partnership { name } clusters { nodes { name } } } } } } }"#;

fn statements_for(app: &TestApp, first: usize) -> usize {
    app.take_statement_count();
    let reply = app.query(NESTED, json!({ "first": first }));
    assert_eq!(
        reply.data()["clusters"]["nodes"].as_array().unwrap().len().min(first),
        first.min(31)
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
    assert!(
        fifty <= 20,
        "a nested page costs a small fixed number of statements, got {fifty}"
    );
}
