//! The change feed (issue 18.4): creates, updates and deletes listed in commit order, paging
//! with `after` that never repeats or skips, records the caller may not see read as deletions,
//! expired and foreign cursors refused; `concurrency` has writers racing a reader, `lists` the
//! lists' `updatedSince`.

mod concurrency;
mod lists;

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use crate::support::TestApp;

pub const HEAD: &str = "{ changeFeedCursor }";

pub const CLUSTER_CHANGES: &str = r#"query($after: String, $first: Int) {
  clusterChanges(after: $after, first: $first) {
    edges { cursor node { cursor kind recordId changedAt cluster { id city status } } }
    nodes { recordId }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;

const CREATE: &str = r#"mutation($input: CreateClusterInput!) { createCluster(input: $input) {
    cluster { id version } } }"#;
const UPDATE: &str = r#"mutation($input: UpdateClusterInput!) {
    updateCluster(input: $input) { cluster { id version status } } }"#;
const DELETE: &str = "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }";

/// The feed's current position, as `token` reads it.
pub fn head(app: &TestApp, token: Option<&str>) -> String {
    app.post(token, HEAD, json!({})).data()["changeFeedCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned()
}

/// Every cluster change after `after`, paged `first` at a time: the changes and the cursor to
/// continue from (the one given when nothing came).
pub fn drain(app: &TestApp, token: Option<&str>, after: &str, first: i64) -> (Vec<Value>, String) {
    drain_feed(app, token, (CLUSTER_CHANGES, "clusterChanges"), after, first)
}

/// [`drain`] for any feed: its query (taking `$after` and `$first`) and its field.
pub fn drain_feed(
    app: &TestApp,
    token: Option<&str>,
    (query, field): (&str, &str),
    after: &str,
    first: i64,
) -> (Vec<Value>, String) {
    let mut cursor = after.to_owned();
    let mut changes = Vec::new();
    loop {
        let reply = app.post(token, query, json!({ "after": cursor, "first": first }));
        let feed = reply.data()[field].clone();
        let edges = feed["edges"].as_array().expect("edges").clone();
        assert!(edges.len() as i64 <= first, "a page holds at most `first` changes");
        assert_eq!(feed["pageInfo"]["hasPreviousPage"], false);
        for edge in &edges {
            assert_eq!(
                edge["cursor"], edge["node"]["cursor"],
                "the edge's cursor is the change's"
            );
            changes.push(edge["node"].clone());
        }
        if let Some(end) = feed["pageInfo"]["endCursor"].as_str() {
            assert_eq!(Some(end), edges.last().and_then(|e| e["cursor"].as_str()));
            cursor = end.to_owned();
        } else {
            assert!(edges.is_empty());
        }
        if feed["pageInfo"]["hasNextPage"] != true {
            return (changes, cursor);
        }
    }
}

/// A cluster in TW, created by an administrator: its global ID.
pub fn create(app: &TestApp, name: &str, status: &str) -> String {
    let input = json!({ "name": name, "kind": "CLUSTER_ORGANISATION", "country": "TW", "status": status,
                        "website": "https://feed.example.tw" });
    app.as_admin(CREATE, json!({ "input": input })).data()["createCluster"]["cluster"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Changes a cluster at `version` as an administrator: the new version.
pub fn update(app: &TestApp, id: &str, version: i64, change: Value) -> i64 {
    let mut input = json!({ "id": id, "version": version });
    input
        .as_object_mut()
        .expect("object")
        .extend(change.as_object().expect("object").clone());
    app.as_admin(UPDATE, json!({ "input": input })).data()["updateCluster"]["cluster"]["version"]
        .as_i64()
        .expect("version")
}

fn ids(changes: &[Value]) -> Vec<&str> {
    changes
        .iter()
        .map(|c| c["recordId"].as_str().expect("recordId"))
        .collect()
}

fn kinds(changes: &[Value]) -> Vec<&str> {
    changes.iter().map(|c| c["kind"].as_str().expect("kind")).collect()
}

#[test]
fn writes_are_listed_in_commit_order_and_paging_never_repeats_or_skips() {
    let app = TestApp::empty();
    let start = head(&app, None);
    let a = create(&app, "Feed Cluster A", "PUBLISHED");
    let b = create(&app, "Feed Cluster B", "PUBLISHED");
    update(&app, &a, 1, json!({ "city": "Hsinchu" }));
    update(&app, &b, 1, json!({ "city": "Taichung" }));
    app.as_admin(DELETE, json!({ "id": a })).data();
    update(&app, &b, 2, json!({ "city": "Tainan" }));

    // One page of everything, and pages of one and two: the same changes in the same order.
    let (all, end) = drain(&app, None, &start, 100);
    assert_eq!(
        ids(&all),
        [a.as_str(), b.as_str(), a.as_str(), b.as_str(), a.as_str(), b.as_str()]
    );
    // The record as it is now: A is gone, so each of its changes reads as DELETED.
    assert_eq!(
        kinds(&all),
        ["DELETED", "UPSERTED", "DELETED", "UPSERTED", "DELETED", "UPSERTED"]
    );
    assert_eq!(all[5]["cluster"]["city"], "Tainan");
    assert_eq!(all[5]["cluster"]["id"], b.as_str());
    assert!(all
        .iter()
        .filter(|c| c["kind"] == "DELETED")
        .all(|c| c["cluster"].is_null()));
    for first in [1, 2] {
        let (paged, paged_end) = drain(&app, None, &start, first);
        assert_eq!(paged, all, "pages of {first} hold the same changes");
        assert_eq!(paged_end, end);
    }
    let times: Vec<&str> = all.iter().map(|c| c["changedAt"].as_str().expect("time")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // Up to date: an empty page, and the cursor held stays good; the next write follows it.
    let (none, same) = drain(&app, None, &end, 10);
    assert!(none.is_empty());
    assert_eq!(same, end);
    assert_eq!(head(&app, None), end, "the head is the last change");
    update(&app, &b, 3, json!({ "city": "Kaohsiung" }));
    let (next, _) = drain(&app, None, &end, 10);
    assert_eq!(ids(&next), [b.as_str()]);
    assert_eq!(next[0]["cluster"]["city"], "Kaohsiung");

    // Without a cursor the feed starts at the oldest change kept.
    let reply = app.query(CLUSTER_CHANGES, json!({ "first": 100 }));
    assert_eq!(
        reply.data()["clusterChanges"]["nodes"].as_array().map(Vec::len),
        Some(7)
    );
    // The other feeds are their own: no cluster there.
    for feed in ["partnershipChanges", "successStoryChanges", "matchmakingEventChanges"] {
        let reply = app.query(
            &format!("{{ {feed}(first: 100) {{ nodes {{ recordId }} }} }}"),
            json!({}),
        );
        assert_eq!(reply.data()[feed]["nodes"], json!([]), "{feed}");
    }
}

#[test]
fn a_record_the_caller_may_not_see_reads_as_a_deletion() {
    let app = TestApp::empty();
    let start = head(&app, None);
    let draft = create(&app, "Feed Draft", "DRAFT");
    let public = create(&app, "Feed Public", "PUBLISHED");
    // Unpublished again: from now on its changes read as deletions to the public.
    let v = update(&app, &public, 1, json!({ "city": "Taipei" }));
    update(&app, &public, v, json!({ "status": "DRAFT" }));

    let (anonymous, _) = drain(&app, None, &start, 100);
    assert_eq!(
        ids(&anonymous),
        [draft.as_str(), public.as_str(), public.as_str(), public.as_str()]
    );
    assert_eq!(kinds(&anonymous), ["DELETED"; 4], "{anonymous:?}");
    assert!(
        anonymous.iter().all(|c| c["cluster"].is_null()),
        "nothing of a draft leaks"
    );

    // The partner of its country sees drafts, as in `clusters`; a partner elsewhere does not.
    let partner_tw = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[]);
    let (tw, _) = drain(&app, Some(&partner_tw), &start, 100);
    assert_eq!(kinds(&tw), ["UPSERTED"; 4]);
    assert_eq!(tw[3]["cluster"]["status"], "DRAFT");
    assert_eq!(tw[3]["cluster"]["city"], "Taipei");
    let partner_de = TestApp::scoped_token(Role::Partner, &["DE"], &[], &[]);
    let (de, _) = drain(&app, Some(&partner_de), &start, 100);
    assert_eq!(kinds(&de), ["DELETED"; 4]);

    // Published again: the public sees it once more, from every one of its changes.
    update(&app, &public, v + 1, json!({ "status": "PUBLISHED" }));
    let (again, _) = drain(&app, None, &start, 100);
    assert_eq!(
        kinds(&again),
        ["DELETED", "UPSERTED", "UPSERTED", "UPSERTED", "UPSERTED"]
    );
}

#[test]
fn an_expired_or_foreign_cursor_is_refused_with_its_code() {
    let app = TestApp::empty();
    let start = head(&app, None);
    let a = create(&app, "Feed Expiring", "PUBLISHED");
    let (first, after_create) = drain(&app, None, &start, 100);
    assert_eq!(first.len(), 1);
    update(&app, &a, 1, json!({ "city": "Keelung" }));
    update(&app, &a, 2, json!({ "city": "Yilan" }));
    let (_, latest) = drain(&app, None, &after_create, 100);

    // What the sweep does every few minutes, with a retention of nothing: only the newest
    // change stays, so that numbering goes on from it.
    let url = app.database_url().to_owned();
    let pruned = std::thread::spawn(move || {
        tokio::runtime::Runtime::new().expect("runtime").block_on(async move {
            let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
            let later = chrono::Utc::now() + chrono::Duration::seconds(1);
            clusterbridge::domain::change_feed::prune(&db, chrono::Duration::zero(), later)
                .await
                .expect("prune")
        })
    })
    .join()
    .expect("prune thread");
    assert_eq!(pruned, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM record_change"), 1);

    for cursor in [&start, &after_create] {
        let reply = app.query(CLUSTER_CHANGES, json!({ "after": cursor }));
        assert_eq!(reply.code(), "CURSOR_EXPIRED", "{}", reply.body);
        assert!(reply.body["data"].is_null() || reply.body["data"]["clusterChanges"].is_null());
    }
    // A cursor at the last change kept, or the head, goes on.
    let (none, _) = drain(&app, None, &latest, 10);
    assert!(none.is_empty());
    update(&app, &a, 3, json!({ "city": "Hualien" }));
    let (next, _) = drain(&app, None, &latest, 10);
    assert_eq!(ids(&next), [a.as_str()]);

    // Not a cursor of this feed: made up, from the future, or out of range.
    for (cursor, why) in [
        ("bm9wZQ", "garbage"),
        ("eyJzIjo5OTk5fQ", "{\"s\":9999}"),
        ("eyJzIjotMX0", "{\"s\":-1}"),
    ] {
        let reply = app.query(CLUSTER_CHANGES, json!({ "after": cursor }));
        assert_eq!(reply.bad_fields(), ["after"], "{why}: {}", reply.body);
    }
    for first in [0, 101] {
        let reply = app.query(CLUSTER_CHANGES, json!({ "first": first }));
        assert_eq!(reply.bad_fields(), ["first"]);
    }
}

#[test]
fn stories_and_events_the_caller_may_not_see_read_as_deletions_too() {
    let app = TestApp::empty();
    let start = head(&app, None);
    let cluster = create(&app, "Feed Story Cluster", "PUBLISHED");
    let input = json!({ "title": "Feed Draft Story", "summary": "Two clusters met.", "outcome": "MOU",
                        "clusterIds": [cluster] });
    let story = app.as_admin(
        "mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) { successStory { id } } }",
        json!({ "input": input }),
    );
    let story = story.data()["createSuccessStory"]["successStory"]["id"].clone();
    let partner = crate::matchmaking::partner_tw();
    let event = app.post(
        Some(&partner),
        crate::matchmaking::CREATE_EVENT,
        json!({ "input": crate::matchmaking::event_input() }),
    );
    let event = event.data()["createMatchmakingEvent"]["matchmakingEvent"]["id"].clone();

    let feed = |token: Option<&str>, field: &str, record: &str| {
        let query = format!(
            "query($after: String) {{ {field}(after: $after) {{ nodes {{ kind recordId {record} {{ id }} }} }} }}"
        );
        let reply = app.post(token, &query, json!({ "after": start }));
        let nodes = reply.data()[field]["nodes"].as_array().expect("nodes").clone();
        assert_eq!(nodes.len(), 1, "{field}: {nodes:?}");
        nodes[0].clone()
    };
    // A DRAFT story is its editors'; a DRAFT event its organisers'.
    let hidden = feed(None, "successStoryChanges", "successStory");
    assert_eq!(
        (hidden["kind"].as_str(), &hidden["recordId"]),
        (Some("DELETED"), &story)
    );
    assert!(hidden["successStory"].is_null());
    let shown = feed(TestApp::admin().as_deref(), "successStoryChanges", "successStory");
    assert_eq!(shown["kind"], "UPSERTED");
    assert_eq!(shown["successStory"]["id"], story);

    let hidden = feed(None, "matchmakingEventChanges", "matchmakingEvent");
    assert_eq!(
        (hidden["kind"].as_str(), &hidden["recordId"]),
        (Some("DELETED"), &event)
    );
    assert!(hidden["matchmakingEvent"].is_null());
    let shown = feed(Some(&partner), "matchmakingEventChanges", "matchmakingEvent");
    assert_eq!(shown["kind"], "UPSERTED");
    assert_eq!(shown["matchmakingEvent"]["id"], event);
}
