//! Relay cursors forward and back, and the bounds of a page.

use serde_json::{json, Value};

use crate::support::TestApp;

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: ClusterOrder) {
    clusters(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;

fn names(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn cursors_walk_forward_and_back_over_every_cluster() {
    let app = TestApp::spawn();
    for order in [
        json!({ "field": "NAME" }),
        json!({ "field": "CREATED_AT", "direction": "DESC" }),
    ] {
        let everything = app.query(PAGE, json!({ "first": 100, "order": order }));
        let all = names(&everything.data()["clusters"]);
        let total = everything.data()["clusters"]["totalCount"].as_u64().unwrap() as usize;
        assert_eq!(all.len(), total);
        assert!(total > 20, "the demo data spans several pages");

        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let reply = app.query(PAGE, json!({ "first": 7, "after": after, "order": order }));
            let page = &reply.data()["clusters"];
            forward.extend(names(page));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(forward, all, "forward pages cover the list once, in order ({order})");

        let mut backward = Vec::new();
        let mut before = Value::Null;
        loop {
            let reply = app.query(PAGE, json!({ "last": 7, "before": before, "order": order }));
            let page = &reply.data()["clusters"];
            let mut chunk = names(page);
            chunk.extend(backward);
            backward = chunk;
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(backward, all, "backward pages cover the list once, in order ({order})");
    }
}

#[test]
fn default_page_is_twenty() {
    let app = TestApp::spawn();
    let reply = app.query("{ clusters { edges { cursor } pageInfo { hasNextPage } } }", json!({}));
    assert_eq!(reply.data()["clusters"]["edges"].as_array().unwrap().len(), 20);
    assert_eq!(reply.data()["clusters"]["pageInfo"]["hasNextPage"], true);
}

#[test]
fn page_bounds_and_bad_cursors_are_refused() {
    let app = TestApp::spawn();
    for (vars, field) in [
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "first": -1 }), "first"),
        (json!({ "last": 101 }), "last"),
        (json!({ "first": 5, "last": 5 }), "last"),
        (json!({ "first": 5, "after": "garbage" }), "after"),
        (json!({ "last": 5, "before": "garbage" }), "before"),
    ] {
        let reply = app.query(PAGE, vars.clone());
        assert_eq!(reply.bad_fields(), [field], "{vars}");
    }
    // A cursor of one ordering is no good in another.
    let by_name = app.query(PAGE, json!({ "first": 2 }));
    let cursor = by_name.data()["clusters"]["pageInfo"]["endCursor"].clone();
    let mixed = app.query(
        PAGE,
        json!({ "first": 2, "after": cursor, "order": { "field": "CREATED_AT" } }),
    );
    assert_eq!(mixed.bad_fields(), ["after"]);
    // Nested lists are bounded the same way.
    let nested = app.query(
        "{ clusters(first: 1) { nodes { members(first: 500) { totalCount } } } }",
        json!({}),
    );
    assert_eq!(nested.bad_fields(), ["first"]);
}

#[test]
fn nested_members_page_by_cursor() {
    let app = TestApp::spawn();
    let query = r#"query($after: String) { clusterBySlug(slug: "tpca") {
        members(first: 2, after: $after) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } } }"#;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let reply = app.query(query, json!({ "after": after }));
        let members = &reply.data()["clusterBySlug"]["members"];
        seen.extend(members["nodes"].as_array().unwrap().iter().map(|n| n["name"].clone()));
        if members["pageInfo"]["hasNextPage"] == false {
            assert_eq!(seen.len() as u64, members["totalCount"].as_u64().unwrap());
            break;
        }
        after = members["pageInfo"]["endCursor"].clone();
    }
    assert!(seen.len() > 2);
}

const MEMBERS: &str = r#"query($first: Int, $after: String, $last: Int, $before: String) {
    clusters(first: 3, orderBy: {field: NAME}) { nodes {
        members(first: $first, after: $after, last: $last, before: $before) {
            totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
        whole: members(first: 100) { edges { node { name } } } } } }"#;

/// The database cuts each cluster's page of members (ROW_NUMBER() per cluster): every way of
/// asking gives the slice of the whole list it names, with the list's length and the right
/// neighbours, for each cluster of the page, beside another page of the same list.
#[test]
fn nested_pages_cut_by_the_database_are_slices_of_the_whole_list() {
    let app = TestApp::generated(6, Default::default());
    let pages = |variables: Value| -> Vec<(Value, Vec<String>)> {
        let reply = app.query(MEMBERS, variables);
        reply.data()["clusters"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["members"].clone(), names(&c["whole"])))
            .collect()
    };
    let check = |variables: Value, range: fn(usize) -> std::ops::Range<usize>, before: bool, after: bool| {
        let found = pages(variables.clone());
        assert_eq!(found.len(), 3);
        for (page, whole) in found {
            assert_eq!(whole.len(), 20, "the generator gives each cluster 20 members");
            assert_eq!(names(&page), whole[range(whole.len())], "{variables}");
            assert_eq!(page["totalCount"], 20, "{variables}");
            assert_eq!(page["pageInfo"]["hasPreviousPage"], before, "{variables}");
            assert_eq!(page["pageInfo"]["hasNextPage"], after, "{variables}");
        }
    };
    let cursor = |variables: Value, which: &str| pages(variables)[0].0["pageInfo"][which].clone();
    check(json!({ "first": 3 }), |_| 0..3, false, true);
    let third = cursor(json!({ "first": 3 }), "endCursor");
    check(json!({ "first": 4, "after": third }), |_| 3..7, true, true);
    check(json!({ "last": 2 }), |n| n - 2..n, true, false);
    let last = cursor(json!({ "last": 2 }), "startCursor");
    check(json!({ "last": 5, "before": last }), |n| n - 7..n - 2, true, true);
    // Past the end the page is empty, and the list still has its length.
    let end = cursor(json!({ "first": 20 }), "endCursor");
    check(json!({ "first": 5, "after": end }), |n| n..n, true, false);
}
