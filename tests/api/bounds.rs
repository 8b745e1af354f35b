//! Bounded inputs: every list has a maximum, duplicates collapse, cursors that decode but do not
//! fit their list and an empty batch are the client's mistake (BAD_USER_INPUT), never INTERNAL.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};

use crate::support::TestApp;

const COUNT: &str = "query($f: ClusterFilter) { clusters(filter: $f) { totalCount } }";

#[test]
fn forty_thousand_regions_are_bad_user_input_naming_the_field() {
    let app = TestApp::spawn();
    let regions: Vec<String> = (0..40_000).map(|i| format!("R{i}")).collect();
    let reply = app.query(COUNT, json!({ "f": { "regions": regions } }));
    assert_eq!(reply.bad_fields(), ["filter.regions"], "{}", reply.body);

    // The same bound holds for a value written into the document.
    let inline: Vec<String> = (0..150).map(|i| format!("\"R{i}\"")).collect();
    let document = format!(
        "{{ clusters(filter: {{countries: [\"TW\"], regions: [{}]}}) {{ totalCount }} }}",
        inline.join(",")
    );
    assert_eq!(app.query(&document, json!({})).bad_fields(), ["filter.regions"]);
}

#[test]
fn duplicate_values_collapse_before_the_bound() {
    let app = TestApp::spawn();
    let once = app.query(COUNT, json!({ "f": { "countries": ["TW"] } }));
    let many = app.query(COUNT, json!({ "f": { "countries": vec!["TW"; 500] } }));
    assert_eq!(many.data(), once.data());
}

#[test]
fn partnership_members_and_story_clusters_are_bounded() {
    let app = TestApp::spawn();
    let ids: Vec<String> = (0..60)
        .map(|i| {
            let uuid = format!("019a0000-0000-7000-8000-{i:012}");
            URL_SAFE_NO_PAD.encode(format!("Cluster:{uuid}"))
        })
        .collect();
    let seats: Vec<Value> = ids.iter().map(|id| json!({ "clusterId": id })).collect();
    let partnership = app.as_admin(
        "mutation($input: CreatePartnershipInput!) { createPartnership(input: $input) { partnership { id } } }",
        json!({ "input": { "name": "Too many seats", "kind": "MOU", "members": seats } }),
    );
    assert_eq!(partnership.bad_fields(), ["input.members"], "{}", partnership.body);
    let story = app.as_admin(
        "mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) { successStory { id } } }",
        json!({ "input": { "title": "Crowded", "summary": "Everyone.", "outcome": "MOU", "clusterIds": ids } }),
    );
    assert_eq!(story.bad_fields(), ["input.clusterIds"], "{}", story.body);
}

fn cursor(value: Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[test]
fn a_cursor_that_does_not_fit_its_ordering_is_bad_user_input() {
    let app = TestApp::spawn();
    let page =
        "query($after: String, $o: ClusterOrder) { clusters(first: 2, after: $after, orderBy: $o) { totalCount } }";
    let id = "019a0000-0000-7000-8000-000000000000";
    for (order, key) in [
        ("NAME", json!({ "Int": 5 })),
        ("NAME", json!({ "Time": "2026-01-01T00:00:00Z" })),
        ("MEMBER_COUNT", json!({ "Text": "many" })),
        ("CREATED_AT", json!({ "Int": 5 })),
        ("UPDATED_AT", json!({ "Text": "yesterday" })),
    ] {
        let after = cursor(json!({ "o": order, "k": key, "id": id }));
        let reply = app.query(page, json!({ "after": after, "o": { "field": order } }));
        assert_eq!(reply.bad_fields(), ["after"], "{order} with {key}: {}", reply.body);
    }
    let unknown = cursor(json!({ "o": "SHOE_SIZE", "k": { "Int": 5 }, "id": id }));
    let reply = app.query(page, json!({ "after": unknown, "o": { "field": "NAME" } }));
    assert_eq!(reply.bad_fields(), ["after"]);
    // A relevance page takes offsets: one beyond any database's integers is refused too.
    let ranked =
        "query($after: String) { clusters(first: 2, after: $after, filter: {query: \"textile\"}) { totalCount } }";
    let far = cursor(json!({ "o": u64::MAX }));
    let reply = app.query(ranked, json!({ "after": far }));
    assert!(
        reply.body["errors"].is_null() || reply.code() == "BAD_USER_INPUT",
        "{}",
        reply.body
    );
}

#[test]
fn an_empty_batch_is_a_clear_400() {
    let app = TestApp::spawn();
    let mut response = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", "application/json")
        .send("[]")
        .expect("request");
    let status = response.status().as_u16();
    let body: Value = response.body_mut().read_json().unwrap_or(Value::Null);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"].as_str().unwrap_or("").contains("empty"),
        "{body}"
    );
}
