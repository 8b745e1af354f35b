//! Who sees which success stories: in `successStories` (PUBLISHED by default, drafts and
//! submitted ones through `filter.status` for their editors and moderators), on a cluster (once
//! published and confirmed by that cluster) and through `node`; and the digest's
//! `published_between`.

use chrono::{Duration, Utc};
use clusterbridge::auth::Role;
use serde_json::{json, Value};

use super::{create, read, step, story, PUBLISH_STORY, SUBMIT_STORY};
use crate::{
    posts::{cluster_id, demo_login},
    support::{uuid_of, TestApp},
};

const LIST: &str = r#"query($filter: SuccessStoryFilter) { successStories(first: 100, filter: $filter) {
    totalCount nodes { id status } } }"#;
const ON_CLUSTER: &str =
    r#"query($id: ID!) { cluster(id: $id) { successStories(first: 100) { totalCount nodes { id } } } }"#;

fn ids(connection: &Value) -> Vec<Value> {
    let nodes = connection["nodes"].as_array().expect("nodes");
    assert_eq!(
        connection["totalCount"].as_u64(),
        Some(nodes.len() as u64),
        "a count of what is listed"
    );
    nodes.iter().map(|n| n["id"].clone()).collect()
}

fn listed(app: &TestApp, token: Option<&str>, filter: Value) -> Vec<Value> {
    ids(&app.post(token, LIST, json!({ "filter": filter })).data()["successStories"])
}

fn on_cluster(app: &TestApp, token: Option<&str>, cluster: &str) -> Vec<Value> {
    ids(&app.post(token, ON_CLUSTER, json!({ "id": cluster })).data()["cluster"]["successStories"])
}

/// A story of `clusters` written by `author` and published by an administrator.
fn published(app: &TestApp, author: &str, title: &str, clusters: &[&str]) -> Value {
    let id = create(app, author, story(title, clusters))["id"].clone();
    step(app, Some(author), SUBMIT_STORY, &id, 1).data();
    step(app, TestApp::admin().as_deref(), PUBLISH_STORY, &id, 2).data();
    id
}

#[test]
fn drafts_are_seen_by_their_editors_and_moderators_only_in_lists_on_the_cluster_and_by_node() {
    let app = TestApp::spawn();
    let (tpca, tami, castra) = (
        cluster_id(&app, "tpca"),
        cluster_id(&app, "tami"),
        cluster_id(&app, "castra"),
    );
    let author = demo_login(&app, 2); // the TPCA manager
    let draft = create(&app, &author, story("A draft of TPCA", &[&tpca]))["id"].clone();
    let submitted = create(&app, &author, story("Submitted by TPCA", &[&tpca]))["id"].clone();
    step(&app, Some(&author), SUBMIT_STORY, &submitted, 1).data();
    let public = published(&app, &author, "Published by TPCA with TAMI", &[&tpca, &tami]);

    let callers: [(&str, Option<String>, bool); 7] = [
        ("anonymous", None, false),
        ("user", Some(TestApp::token(Role::User)), false),
        (
            "manager of another cluster",
            Some(TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[])),
            false,
        ),
        (
            "partner for DE",
            Some(TestApp::scoped_token(Role::Partner, &["DE"], &[], &[])),
            false,
        ),
        (
            "partner for TW",
            Some(TestApp::scoped_token(Role::Partner, &["TW"], &[], &[])),
            true,
        ),
        ("admin", TestApp::admin(), true),
        ("author", Some(author.clone()), true),
    ];
    for (who, token, sees_drafts) in &callers {
        let token = token.as_deref();
        let everything = listed(&app, token, json!(null));
        assert!(everything.contains(&public), "{who}: the published story is listed");
        assert!(
            !everything.contains(&draft) && !everything.contains(&submitted),
            "{who}: the list is of PUBLISHED"
        );
        let drafts = listed(&app, token, json!({ "status": "DRAFT" }));
        let queue = listed(&app, token, json!({ "status": "SUBMITTED" }));
        assert_eq!(drafts.contains(&draft), *sees_drafts, "{who}: drafts");
        assert_eq!(queue.contains(&submitted), *sees_drafts, "{who}: submitted stories");
        assert!(!drafts.contains(&submitted), "{who}: a list holds one status");
        for hidden in [&draft, &submitted] {
            assert_eq!(!read(&app, token, hidden).is_null(), *sees_drafts, "{who}: by node");
        }
        assert!(!read(&app, token, &public).is_null(), "{who}: published, by node");
        let on_tpca = on_cluster(&app, token, &tpca);
        assert!(on_tpca.contains(&public), "{who}: on the cluster that told it");
        assert_eq!(on_tpca.contains(&draft), *sees_drafts, "{who}: a draft on its cluster");
        // TAMI has not confirmed: the story is not on TAMI for anyone but TAMI's editors.
        let tami_editor = matches!(*who, "partner for TW" | "admin");
        assert_eq!(
            on_cluster(&app, token, &tami).contains(&public),
            tami_editor,
            "{who}: on TAMI"
        );
        let by_filter = listed(&app, token, json!({ "clusterId": tami }));
        assert_eq!(
            by_filter.contains(&public),
            tami_editor,
            "{who}: filter.clusterId as on the cluster"
        );
    }

    // TAMI confirms: now the story is on TAMI for everyone.
    let tami_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&tami], &[]);
    app.post(
        Some(&tami_manager),
        r#"mutation($input: RespondToSuccessStoryInput!) { respondToSuccessStory(input: $input) { successStory { id } } }"#,
        json!({ "input": { "successStoryId": public, "clusterId": tami, "confirm": true } }),
    )
    .data();
    assert!(on_cluster(&app, None, &tami).contains(&public));
    assert!(listed(&app, None, json!({ "clusterId": tami })).contains(&public));
    assert!(!listed(&app, None, json!({ "clusterId": tami, "outcome": "TRADE" })).contains(&public));
    assert!(listed(&app, None, json!({ "clusterId": tami, "outcome": "MOU" })).contains(&public));

    let bad = app.query(LIST, json!({ "filter": { "clusterId": "not-an-id" } }));
    assert_eq!(bad.code(), "BAD_USER_INPUT");
    assert_eq!(bad.bad_fields(), vec!["filter.clusterId"]);
}

#[test]
fn published_stories_page_newest_published_first() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let author = demo_login(&app, 2);
    let older = published(&app, &author, "Published first", &[&tpca]);
    let newer = published(&app, &author, "Published second", &[&tpca]);
    let page = |after: Value| {
        app.query(
            r#"query($after: String) { successStories(first: 1, after: $after) {
                nodes { id } pageInfo { endCursor hasNextPage } } }"#,
            json!({ "after": after }),
        )
        .data()["successStories"]
            .clone()
    };
    let first = page(json!(null));
    assert_eq!(first["nodes"][0]["id"], newer);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = page(first["pageInfo"]["endCursor"].clone());
    assert_eq!(second["nodes"][0]["id"], older);
}

#[test]
fn the_digest_reads_the_stories_published_in_a_span() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let author = demo_login(&app, 2);
    let from = Utc::now();
    let kept = published(&app, &author, "Published this week", &[&tpca]);
    let taken_down = published(&app, &author, "Published, then returned", &[&tpca]);
    app.as_admin(
        r#"mutation($id: ID!) { returnSuccessStory(input: {id: $id, version: 3, reason: "Check the facts."}) {
            successStory { id } } }"#,
        json!({ "id": taken_down }),
    )
    .data();
    let draft = create(&app, &author, story("Never published", &[&tpca]))["id"].clone();
    let to = Utc::now() + Duration::seconds(1);
    let url = app.database_url().to_owned();
    let between = move |from, to| {
        let url = url.clone();
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new().expect("runtime").block_on(async move {
                let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
                let stories = clusterbridge::domain::success_story::published_between(&db, from, to)
                    .await
                    .expect("stories");
                stories.into_iter().map(|s| s.id).collect::<Vec<_>>()
            })
        })
        .join()
        .expect("a thread of its own")
    };
    let week = between(from, to);
    let id = |v: &Value| uuid_of(v.as_str().expect("ID"));
    assert_eq!(
        week,
        vec![id(&kept)],
        "published in the span and PUBLISHED now; the seed's are older"
    );
    assert!(!week.contains(&id(&draft)));
    assert!(
        between(to, to + Duration::days(7)).is_empty(),
        "the span ends before `to`"
    );
    assert!(between(from - Duration::days(1), from).iter().all(|s| *s != id(&kept)));
}
