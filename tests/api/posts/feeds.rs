//! The feeds of posts: the published feed with its filters and text query and the demo posts,
//! upcoming events by start and open calls by deadline, and `Cluster.posts` through the
//! nested-page loader.

use serde_json::{json, Value};

use super::{at_days, change, cluster_id, create, id_version, news, titles, PUBLISH_POST};
use crate::support::TestApp;

#[test]
fn the_feed_filters_and_searches_and_the_demo_posts_are_there() {
    let app = TestApp::spawn();
    let feed = |filter: Value| {
        let reply = app.query(
            r#"query($f: PostFilterInput) { posts(filter: $f, first: 20) { totalCount nodes { title kind } } }"#,
            json!({ "f": filter }),
        );
        reply.data()["posts"].clone()
    };
    // The demo posts, newest published first.
    let all = feed(json!({}));
    assert_eq!(
        titles(&all),
        [
            "Demo call: Taiwan–EU cluster cooperation projects 2027",
            "Taiwan–EU cluster cooperation agreement signed",
            "Taiwan-EU Cluster Cooperation Seminar",
            "2018 EU Innovation Week in Taipei",
        ]
    );
    assert_eq!(all["totalCount"], 4);
    assert_eq!(
        titles(&feed(json!({ "kinds": ["EVENT"] }))),
        [
            "Taiwan-EU Cluster Cooperation Seminar",
            "2018 EU Innovation Week in Taipei"
        ]
    );
    assert_eq!(
        titles(&feed(json!({ "ecosystems": ["HEALTH"] }))),
        ["Demo call: Taiwan–EU cluster cooperation projects 2027"]
    );
    assert_eq!(feed(json!({ "countries": ["DE"] }))["totalCount"], 0);
    assert_eq!(
        feed(json!({ "countries": ["tw"] }))["totalCount"],
        4,
        "codes are normalised"
    );
    assert_eq!(
        titles(&feed(
            json!({ "from": "2018-06-01T00:00:00Z", "to": "2018-12-31T00:00:00Z" })
        )),
        ["Taiwan–EU cluster cooperation agreement signed"]
    );
    let bad = app.query(
        r#"{ posts(filter: {from: "2018-06-01T00:00:00Z", to: "2018-01-01T00:00:00Z"}) { totalCount } }"#,
        json!({}),
    );
    assert_eq!(bad.bad_fields(), ["filter.to"]);

    // Words of the title, summary or body, as parts of words, in any script; every word counts.
    assert_eq!(
        titles(&feed(json!({ "query": "SEMINAR" }))),
        ["Taiwan-EU Cluster Cooperation Seminar"]
    );
    assert_eq!(
        titles(&feed(json!({ "query": "創新" }))),
        ["2018 EU Innovation Week in Taipei"]
    );
    assert_eq!(
        titles(&feed(json!({ "query": "peltom" }))),
        ["2018 EU Innovation Week in Taipei"]
    );
    assert_eq!(feed(json!({ "query": "agreement" }))["totalCount"], 2);
    assert_eq!(
        titles(&feed(json!({ "query": "60,000" }))),
        ["Demo call: Taiwan–EU cluster cooperation projects 2027"],
        "a call is found by its funding"
    );
    assert_eq!(
        titles(&feed(json!({ "query": "agreement visits", "kinds": ["NEWS"] }))),
        ["Taiwan–EU cluster cooperation agreement signed"]
    );
    assert_eq!(
        feed(json!({ "query": "100%_" }))["totalCount"],
        0,
        "wildcards are taken literally"
    );
    assert_eq!(
        feed(json!({ "query": "<strong>" }))["totalCount"],
        0,
        "markup is not text"
    );

    // A cluster's own posts, by filter and on the cluster.
    let cnfi = cluster_id(&app, "cnfi");
    assert_eq!(feed(json!({ "clusterId": cnfi }))["totalCount"], 4);
    let tpca = cluster_id(&app, "tpca");
    assert_eq!(feed(json!({ "clusterId": tpca }))["totalCount"], 0);
    let on_cluster = app.query(
        r#"query($id: ID!) { cluster(id: $id) { posts(first: 2) { totalCount pageInfo { hasNextPage } nodes { title cluster { slug } } } } }"#,
        json!({ "id": cnfi }),
    );
    let posts = &on_cluster.data()["cluster"]["posts"];
    assert_eq!(
        (posts["totalCount"].as_i64(), posts["pageInfo"]["hasNextPage"].as_bool()),
        (Some(4), Some(true))
    );
    assert_eq!(posts["nodes"][0]["cluster"]["slug"], "cnfi");
}

#[test]
fn upcoming_events_by_start_and_open_calls_by_deadline() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let admin = TestApp::admin();
    let published = |input: Value| {
        let post = create(&app, admin.as_deref(), input);
        change(&app, admin.as_deref(), PUBLISH_POST, id_version(&post)).data();
    };
    let event = |title: &str, start: i64, end: i64| {
        json!({ "clusterId": tpca, "kind": "EVENT", "title": title, "bodyMarkdown": "Meet us.",
                "startsAt": at_days(start), "endsAt": at_days(end), "onlineUrl": "https://meet.example.tw/room" })
    };
    let call = |title: &str, deadline: i64| {
        json!({ "clusterId": tpca, "kind": "CALL", "title": title, "bodyMarkdown": "Apply.", "deadline": at_days(deadline),
                "funding": "EUR 10,000", "eligibility": "Members of TPCA", "link": "https://tpca.example.tw/call" })
    };
    published(event("In twenty days", 20, 21));
    published(event("Under way", -1, 1));
    published(event("In ten days", 10, 10));
    published(event("Over", -5, -4));
    create(&app, admin.as_deref(), event("Draft in five days", 5, 5));
    published(call("Closes in thirty days", 30));
    published(call("Closed yesterday", -1));
    published(call("Closes tomorrow", 1));
    create(&app, admin.as_deref(), call("Draft call", 2));

    let upcoming = app.query(
        "{ upcomingEvents(first: 10) { totalCount nodes { title startsAt } } }",
        json!({}),
    );
    let upcoming = &upcoming.data()["upcomingEvents"];
    assert_eq!(titles(upcoming), ["Under way", "In ten days", "In twenty days"]);
    assert_eq!(upcoming["totalCount"], 3);
    let paged = app.query(
        "{ upcomingEvents(first: 1) { pageInfo { endCursor hasNextPage } } }",
        json!({}),
    );
    let cursor = paged.data()["upcomingEvents"]["pageInfo"]["endCursor"].clone();
    let next = app.query(
        "query($after: String) { upcomingEvents(first: 1, after: $after) { nodes { title } } }",
        json!({ "after": cursor }),
    );
    assert_eq!(titles(&next.data()["upcomingEvents"]), ["In ten days"]);

    let open = app.query(
        "{ openCalls(first: 10) { totalCount nodes { title deadline } } }",
        json!({}),
    );
    let open = &open.data()["openCalls"];
    // The demo call is open until 31 March 2027: by its deadline among the others while it is.
    let now = chrono::Utc::now();
    let demo: chrono::DateTime<chrono::Utc> = "2027-03-31T15:00:00Z".parse().expect("a moment");
    let mut open_ones = vec![
        (now + chrono::Duration::days(1), "Closes tomorrow"),
        (now + chrono::Duration::days(30), "Closes in thirty days"),
    ];
    if now < demo {
        open_ones.push((demo, "Demo call: Taiwan–EU cluster cooperation projects 2027"));
    }
    open_ones.sort();
    let expected: Vec<&str> = open_ones.into_iter().map(|(_, title)| title).collect();
    assert_eq!(titles(open), expected);
    assert_eq!(open["totalCount"], expected.len());
}

#[test]
fn cluster_posts_load_in_statements_that_do_not_grow_with_the_page() {
    let app = TestApp::spawn();
    let admin = TestApp::admin();
    for slug in ["tpca", "taia", "teema"] {
        let id = cluster_id(&app, slug);
        let post = create(&app, admin.as_deref(), news(&id, &format!("News of {slug}")));
        change(&app, admin.as_deref(), PUBLISH_POST, id_version(&post)).data();
    }
    let nested = r#"query($first: Int!) { clusters(first: $first, orderBy: {field: CREATED_AT}) { nodes { slug
        posts(first: 3) { totalCount nodes { title kind ecosystems countries cluster { slug } } } } } }"#;
    let statements = |first: usize| {
        app.take_statement_count();
        let reply = app.query(nested, json!({ "first": first }));
        let nodes = reply.data()["clusters"]["nodes"].as_array().expect("nodes").clone();
        let with_posts = nodes
            .iter()
            .filter(|n| n["posts"]["totalCount"].as_i64() > Some(0))
            .count();
        (app.take_statement_count(), nodes.len(), with_posts)
    };
    statements(1);
    let (few, _, _) = statements(3);
    let (many, shown, with_posts) = statements(40);
    assert!(
        shown > 20 && with_posts == 4,
        "{shown} clusters, {with_posts} with posts"
    );
    assert_eq!(few, many, "the statements do not grow with the page");
}
