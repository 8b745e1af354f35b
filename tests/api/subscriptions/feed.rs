//! The live feed (issue 16 point 8): `postPublished` with the `posts` filter, heard by an
//! anonymous socket; drafts, posts the filter leaves out and posts of clusters the subscriber
//! does not see never arrive; a moderator's re-publishing is heard again; on PostgreSQL a post
//! published through one process reaches a subscriber of another.

use clusterbridge::http::EndpointSettings;
use serde_json::{json, Value};

use super::{client::Client, let_subscriptions_start};
use crate::{
    posts::{change, cluster_id, create, id_version, news, PUBLISH_POST, UNPUBLISH_POST},
    support::TestApp,
};

const PUBLISHED: &str = r#"subscription($f: PostFilterInput) { postPublished(filter: $f) {
    id title kind status } }"#;

fn event(cluster: &str, title: &str) -> Value {
    json!({ "clusterId": cluster, "kind": "EVENT", "title": title, "bodyMarkdown": "Meet us in Taipei.",
            "startsAt": "2026-06-04T01:00:00Z", "endsAt": "2026-06-05T09:00:00Z", "place": "Taipei" })
}

/// Publishes `post` (as returned by createPost) as `token`: its new version.
fn publish(app: &TestApp, token: &str, post: &Value) -> Value {
    let reply = change(app, Some(token), PUBLISH_POST, id_version(post));
    let published = reply.data()["publishPost"]["post"].clone();
    assert_eq!(published["status"], "PUBLISHED", "{published}");
    published
}

/// The delivered post of the next message for `id`.
fn delivered(live: &mut Client, id: &str) -> Value {
    let payload = live.next_for(id);
    assert!(payload.get("errors").is_none(), "{payload}");
    payload["data"]["postPublished"].clone()
}

#[test]
fn an_anonymous_socket_hears_the_posts_its_filter_matches_and_never_a_draft() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin().expect("admin");
    let mut events = Client::signed_in(&app, json!({}));
    events.subscribe("events", PUBLISHED, json!({ "f": { "kinds": ["EVENT"] } }));
    let mut everything = Client::signed_in(&app, json!({}));
    everything.subscribe("all", PUBLISHED, json!({}));
    let_subscriptions_start();

    create(&app, Some(&admin), event(&tpca, "A draft seminar"));
    let news = create(&app, Some(&admin), news(&tpca, "TPCA signs a cooperation agreement"));
    let week = create(&app, Some(&admin), event(&tpca, "European Innovation Week in Taipei"));
    publish(&app, &admin, &news);
    let week_published = publish(&app, &admin, &week);

    // The NEWS post went first, yet the EVENT socket's first message is the EVENT.
    let heard = delivered(&mut events, "events");
    assert_eq!(
        heard,
        json!({ "id": week["id"], "title": "European Innovation Week in Taipei", "kind": "EVENT",
                "status": "PUBLISHED" })
    );
    // Without a filter both arrive, in the order published, and the draft does not.
    assert_eq!(delivered(&mut everything, "all")["id"], news["id"]);
    assert_eq!(delivered(&mut everything, "all")["id"], week["id"]);

    // Taken down, then put back by a moderator: heard again.
    let reply = change(
        &app,
        Some(&admin),
        UNPUBLISH_POST,
        json!({ "id": week["id"], "version": week_published["version"], "reason": "Wrong dates." }),
    );
    let down = reply.data()["unpublishPost"]["post"].clone();
    assert_eq!(down["status"], "UNPUBLISHED");
    publish(&app, &admin, &down);
    assert_eq!(delivered(&mut events, "events")["id"], week["id"]);
    assert_eq!(delivered(&mut everything, "all")["id"], week["id"]);

    // Nothing else was queued before the completion (no draft, no NEWS on the EVENT feed).
    events.complete("events");
    everything.complete("all");
    events.close();
    everything.close();
}

#[test]
fn each_subscriber_hears_only_posts_of_clusters_it_sees() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin().expect("admin");
    // A DRAFT cluster: its posts are for those who look after it, not for the public.
    let hidden = crate::clusters::create(&app, "Smart Machinery Cluster Taichung");
    let hidden = hidden["id"].as_str().expect("cluster ID");
    let mut anonymous = Client::signed_in(&app, json!({}));
    anonymous.subscribe("all", PUBLISHED, json!({}));
    let mut administrator = Client::bearer(&app, &admin);
    administrator.subscribe("all", PUBLISHED, json!({}));
    let_subscriptions_start();

    let unseen = create(&app, Some(&admin), news(hidden, "Taichung opens a machinery lab"));
    let seen = create(&app, Some(&admin), news(&tpca, "TPCA opens a PCB lab"));
    publish(&app, &admin, &unseen);
    publish(&app, &admin, &seen);

    assert_eq!(delivered(&mut anonymous, "all")["id"], seen["id"]);
    assert_eq!(delivered(&mut administrator, "all")["id"], unseen["id"]);
    assert_eq!(delivered(&mut administrator, "all")["id"], seen["id"]);
}

#[test]
fn a_bad_filter_is_refused_at_subscribe() {
    let app = TestApp::spawn();
    let mut live = Client::signed_in(&app, json!({}));
    live.subscribe("1", PUBLISHED, json!({ "f": { "countries": ["ZZ"] } }));
    let error = live.refused("1");
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| m.contains("countries")),
        "{error}"
    );
}

#[test]
fn on_postgresql_a_post_published_through_one_process_reaches_a_subscriber_of_another() {
    let app = TestApp::spawn();
    if !app.on_postgres() {
        return;
    }
    let other = app.replica(EndpointSettings::default());
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin().expect("admin");
    let mut there = Client::signed_in(&other, json!({}));
    there.subscribe("1", PUBLISHED, json!({ "f": { "kinds": ["EVENT"] } }));
    let_subscriptions_start();

    let week = create(&app, Some(&admin), event(&tpca, "Seminar on smart machinery"));
    publish(&app, &admin, &week);
    let heard = delivered(&mut there, "1");
    assert_eq!(
        (heard["id"].clone(), heard["title"].clone()),
        (week["id"].clone(), json!("Seminar on smart machinery"))
    );
}
