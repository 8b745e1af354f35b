//! `updatedSince` on the four lists the feeds follow: only the records changed at or after the
//! moment, through the same filter as every other.

use serde_json::json;

use super::{create, update};
use crate::{
    matchmaking::{event_input, partner_tw, CREATE_EVENT},
    support::TestApp,
};

fn names(reply: &crate::support::Reply, field: &str, key: &str) -> Vec<String> {
    reply.data()[field]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n[key].as_str().expect("name").to_owned())
        .collect()
}

#[test]
fn lists_take_updated_since() {
    let app = TestApp::empty();
    let old = create(&app, "Feed Unchanged", "PUBLISHED");
    let changed = create(&app, "Feed Changed", "PUBLISHED");
    let partnership = |name: &str| {
        let input = json!({ "name": name, "kind": "MOU", "members": [{ "clusterId": old, "role": "COORDINATOR" }] });
        app.as_admin(
            "mutation($input: CreatePartnershipInput!) { createPartnership(input: $input) { partnership { id } } }",
            json!({ "input": input }),
        )
        .data()["createPartnership"]["partnership"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    partnership("Feed Partnership Unchanged");
    let changed_partnership = partnership("Feed Partnership Changed");
    let story = |title: &str| {
        let input = json!({ "title": title, "summary": "Two clusters met.", "outcome": "MOU", "clusterIds": [old] });
        app.as_admin(
            "mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) { successStory { id } } }",
            json!({ "input": input }),
        )
        .data()["createSuccessStory"]["successStory"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    story("Feed Story Unchanged");
    let changed_story = story("Feed Story Changed");
    let partner = partner_tw();
    let event = |name: &str| {
        let mut input = event_input();
        input["name"] = json!(name);
        app.post(Some(&partner), CREATE_EVENT, json!({ "input": input })).data()["createMatchmakingEvent"]
            ["matchmakingEvent"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    event("Feed Event Unchanged");
    let changed_event = event("Feed Event Changed");

    // Timestamps are the server's clock; a pause puts the moment cleanly between the writes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let since = chrono::Utc::now().to_rfc3339();
    std::thread::sleep(std::time::Duration::from_millis(20));
    update(&app, &changed, 1, json!({ "city": "Changed" }));
    app.as_admin(
        "mutation($input: UpdatePartnershipInput!) { updatePartnership(input: $input) { partnership { id } } }",
        json!({ "input": { "id": changed_partnership, "version": 1, "acronym": "FPC" } }),
    )
    .data();
    app.as_admin(
        "mutation($input: UpdateSuccessStoryInput!) { updateSuccessStory(input: $input) { successStory { id } } }",
        json!({ "input": { "id": changed_story, "version": 1, "summary": "Changed." } }),
    )
    .data();
    app.post(
        Some(&partner),
        "mutation($input: UpdateMatchmakingEventInput!) { updateMatchmakingEvent(input: $input) { matchmakingEvent { id } } }",
        json!({ "input": { "id": changed_event, "version": 1, "tableCount": 41 } }),
    )
    .data();

    let lists = [
        ("clusters", "name", "filter: {updatedSince: $since}", "Feed Changed", 2),
        (
            "partnerships",
            "name",
            "filter: {updatedSince: $since}",
            "Feed Partnership Changed",
            2,
        ),
        (
            "successStories",
            "title",
            "filter: {updatedSince: $since, status: DRAFT}",
            "Feed Story Changed",
            2,
        ),
        (
            "matchmakingEvents",
            "name",
            "filter: {updatedSince: $since}",
            "Feed Event Changed",
            2,
        ),
    ];
    let admin = TestApp::admin();
    for (field, key, filter, expected, all) in lists {
        let query = format!("query($since: DateTime) {{ {field}({filter}, first: 10) {{ nodes {{ {key} }} }} }}");
        let token = if field == "matchmakingEvents" {
            Some(partner.as_str())
        } else {
            admin.as_deref()
        };
        let recent = app.post(token, &query, json!({ "since": since }));
        assert_eq!(names(&recent, field, key), [expected], "{field}");
        let everything = app.post(token, &query, json!({ "since": "2000-01-01T00:00:00Z" }));
        assert_eq!(names(&everything, field, key).len(), all, "{field}");
        let later = app.post(token, &query, json!({ "since": "2999-01-01T00:00:00Z" }));
        assert!(names(&later, field, key).is_empty(), "{field}");
    }
    let bad = app.post(
        admin.as_deref(),
        "{ clusters(filter: {updatedSince: \"yesterday\"}) { totalCount } }",
        json!({}),
    );
    assert!(bad.body["errors"].is_array(), "{}", bad.body);
}
