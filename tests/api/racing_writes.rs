//! Writers racing each other: a transaction the database gives up on because another one wrote
//! first is answered TRANSACTION_CONFLICT (retry) and changes nothing, never INTERNAL.

use std::collections::HashMap;

use serde_json::json;

use crate::support::TestApp;

const WRITERS: usize = 8;
const UPDATES_EACH: usize = 6;

const CLUSTERS: &str = r#"{ clusters(first: 8, filter: {countries: ["TW"]}) { nodes { id version } } }"#;
const UPDATE: &str = r#"mutation($id: ID!, $v: Int!, $city: String!) {
  updateCluster(input: {id: $id, version: $v, city: $city}) { cluster { version } } }"#;

/// Eight writers, each updating a cluster of its own in turn. Each update reads (the version)
/// before it writes. On SQLite writers queue at BEGIN (IMMEDIATE); a deferred transaction that
/// read before another writer committed could not write at all (BUSY_SNAPSHOT) — with deferred
/// transactions this test saw about 160 such refusals for its 48 updates. On PostgreSQL row
/// locks order them. Either way each update lands once or is refused as retryable, having
/// changed nothing, and the retry lands.
#[test]
fn racing_writers_get_a_retryable_answer_and_nothing_is_half_written() {
    let app = TestApp::spawn();
    let clusters = app.as_admin(CLUSTERS, json!({})).data()["clusters"]["nodes"]
        .as_array()
        .expect("clusters")
        .clone();
    assert_eq!(clusters.len(), WRITERS, "the demo data has enough Taiwanese clusters");

    let updates_before = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'UPDATE'");
    let outcomes: Vec<HashMap<String, usize>> = std::thread::scope(|scope| {
        let writers: Vec<_> = clusters
            .iter()
            .enumerate()
            .map(|(n, cluster)| {
                let app = &app;
                scope.spawn(move || {
                    let id = cluster["id"].as_str().expect("id").to_owned();
                    let mut version = cluster["version"].as_i64().expect("version");
                    let mut seen = HashMap::new();
                    let mut landed = 0;
                    while landed < UPDATES_EACH {
                        let city = format!("City {n}-{landed}");
                        let reply = app.as_admin(UPDATE, json!({ "id": id, "v": version, "city": city }));
                        if reply.body.get("errors").is_none() {
                            let new = reply.body["data"]["updateCluster"]["cluster"]["version"]
                                .as_i64()
                                .expect("version");
                            assert_eq!(new, version + 1, "one update, one version");
                            version = new;
                            landed += 1;
                            *seen.entry("OK".to_owned()).or_insert(0) += 1;
                        } else {
                            let code = reply.code().to_owned();
                            assert_eq!(code, "TRANSACTION_CONFLICT", "{}", reply.body);
                            *seen.entry(code).or_insert(0) += 1;
                        }
                    }
                    seen
                })
            })
            .collect();
        writers.into_iter().map(|w| w.join().expect("writer")).collect()
    });

    eprintln!("racing writers, what each saw: {outcomes:?}");
    for (n, seen) in outcomes.iter().enumerate() {
        assert_eq!(seen.get("OK"), Some(&UPDATES_EACH), "writer {n}: {seen:?}");
    }
    // Nothing half written: each cluster moved by exactly its landed updates, with one audit
    // entry each, and shows the last city written.
    let after = app.as_admin(
        r#"{ clusters(first: 8, filter: {countries: ["TW"]}) { nodes { id version city } } }"#,
        json!({}),
    );
    for (before, now) in clusters
        .iter()
        .zip(after.data()["clusters"]["nodes"].as_array().expect("nodes"))
    {
        assert_eq!(before["id"], now["id"]);
        assert_eq!(
            now["version"].as_i64(),
            before["version"].as_i64().map(|v| v + UPDATES_EACH as i64),
            "{now}"
        );
        assert!(
            now["city"]
                .as_str()
                .is_some_and(|c| c.ends_with(&format!("-{}", UPDATES_EACH - 1))),
            "{now}"
        );
    }
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'UPDATE'") - updates_before;
    assert_eq!(audited, (WRITERS * UPDATES_EACH) as i64);
}
