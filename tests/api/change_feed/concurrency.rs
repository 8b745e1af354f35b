//! Writers racing a reader that follows the feed with its cursor: every write's change reaches
//! the reader exactly once, however the commits interleave. On PostgreSQL a transaction held
//! open across another's commit is the case that breaks a sequence drawn at INSERT (the late
//! one draws the lower number and lands behind a cursor already handed out); the feed numbers
//! changes after commit, so it is seen.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{json, Value};

use super::{create, drain, drain_feed, head, update};
use crate::support::{uuid_of, TestApp};

const WRITERS: usize = 4;
const UPDATES_EACH: i64 = 5;

#[test]
fn concurrent_writers_reach_a_paging_reader_exactly_once() {
    let app = TestApp::empty();
    let start = head(&app, None);
    let done = AtomicBool::new(false);
    let began = std::time::Instant::now();
    let (written, seen) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut cursor = start.clone();
            let mut seen: Vec<Value> = Vec::new();
            let mut polls = 0;
            loop {
                // Read the flag first: a final pass after it is set sees every committed write.
                let last = done.load(Ordering::SeqCst);
                let (changes, next) = drain(&app, None, &cursor, 3);
                polls += 1;
                if changes.is_empty() {
                    std::thread::sleep(Duration::from_millis(2));
                }
                seen.extend(changes);
                cursor = next;
                if last {
                    eprintln!(
                        "change feed reader: {polls} polls, {} changes, {:.0} ms in all",
                        seen.len(),
                        began.elapsed().as_secs_f64() * 1e3
                    );
                    return seen;
                }
            }
        });
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let app = &app;
                scope.spawn(move || {
                    let id = create(app, &format!("Racing Feed Cluster {n}"), "PUBLISHED");
                    let mut version = 1;
                    for k in 0..UPDATES_EACH {
                        version = update(app, &id, version, json!({ "city": format!("City {n}-{k}") }));
                    }
                    (id, 1 + UPDATES_EACH)
                })
            })
            .collect();
        let written: HashMap<String, i64> = writers.into_iter().map(|w| w.join().expect("writer")).collect();
        done.store(true, Ordering::SeqCst);
        (written, reader.join().expect("reader"))
    });

    let cursors: Vec<&str> = seen.iter().map(|c| c["cursor"].as_str().expect("cursor")).collect();
    let mut unique = cursors.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), cursors.len(), "no change is delivered twice");
    let mut counts: HashMap<String, i64> = HashMap::new();
    for change in &seen {
        *counts
            .entry(change["recordId"].as_str().expect("id").to_owned())
            .or_default() += 1;
    }
    assert_eq!(counts, written, "each write's change exactly once");
    // Each record's changes arrive in the order its versions were written: the last is its city now.
    for (n, id) in written.keys().enumerate() {
        let last = seen
            .iter()
            .rev()
            .find(|c| c["recordId"] == id.as_str())
            .expect("a change");
        assert_eq!(last["kind"], "UPSERTED", "writer {n}");
        assert!(
            last["cluster"]["city"]
                .as_str()
                .is_some_and(|c| c.ends_with(&format!("-{}", UPDATES_EACH - 1))),
            "{last}"
        );
    }
}

const PARTNERSHIP_CHANGES: &str = r#"query($after: String, $first: Int) {
  partnershipChanges(after: $after, first: $first) {
    edges { cursor node { cursor kind recordId changedAt partnership { id name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"#;

/// A partnership of `cluster`, created by an administrator: its global ID.
fn partnership(app: &TestApp, name: &str, cluster: &str) -> String {
    let input = json!({ "name": name, "kind": "MOU", "members": [{ "clusterId": cluster, "role": "COORDINATOR" }] });
    app.as_admin(
        "mutation($input: CreatePartnershipInput!) { createPartnership(input: $input) { partnership { id } } }",
        json!({ "input": input }),
    )
    .data()["createPartnership"]["partnership"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Partnerships, since every cluster write also moves the directory's revision row, which
/// orders cluster writes on PostgreSQL by itself; partnership writes take no common lock.
#[test]
fn a_transaction_that_commits_late_is_not_skipped_by_a_reader_ahead_of_it() {
    let app = TestApp::empty();
    if !app.on_postgres() {
        // SQLite runs one writer at a time: no transaction can commit while another is open,
        // which the test above exercises on it.
        eprintln!("SKIPPED on SQLite: one writer at a time, nothing can commit around an open transaction");
        return;
    }
    let cluster = create(&app, "Feed Partner Cluster", "PUBLISHED");
    let held = partnership(&app, "Feed Held", &cluster);
    let other = partnership(&app, "Feed Other", &cluster);
    let feed = (PARTNERSHIP_CHANGES, "partnershipChanges");
    let start = head(&app, None);

    // A write of `held` in a transaction of its own, as a slow request would hold it: the row
    // changed and its change recorded, then kept open.
    let (to_writer, commands) = mpsc::channel::<()>();
    let (reports, from_writer) = mpsc::channel::<&'static str>();
    let url = app.database_url().to_owned();
    let held_uuid = uuid_of(&held);
    let writer = std::thread::spawn(move || {
        tokio::runtime::Runtime::new().expect("runtime").block_on(async move {
            let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
            let txn = db.begin().await.expect("begin");
            txn.execute_unprepared(&format!(
                "UPDATE partnership SET name = 'Feed Held Late', version = version + 1, updated_at = now() \
                 WHERE id = '{held_uuid}'"
            ))
            .await
            .expect("update");
            // Columns as the service writes them; `seq` is left to its default, so a sequence
            // drawn at INSERT would draw its number here, before the other write's.
            txn.execute_unprepared(&format!(
                "INSERT INTO record_change (record_type, record_id, kind, changed_at) \
                 VALUES ('Partnership', '{held_uuid}', 'UPSERTED', now())"
            ))
            .await
            .expect("insert");
            reports.send("held").expect("report");
            commands.recv().expect("commit order");
            txn.commit().await.expect("commit");
            reports.send("committed").expect("report");
        })
    });
    assert_eq!(from_writer.recv_timeout(Duration::from_secs(30)), Ok("held"));

    // Another write commits meanwhile, and the reader moves past it.
    app.as_admin(
        "mutation($input: UpdatePartnershipInput!) { updatePartnership(input: $input) { partnership { id } } }",
        json!({ "input": { "id": other, "version": 1, "acronym": "FO" } }),
    )
    .data();
    let (first, cursor) = drain_feed(&app, None, feed, &start, 10);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["recordId"], other.as_str());

    // The held write commits: the reader, from the cursor it holds, still gets it.
    to_writer.send(()).expect("commit");
    assert_eq!(from_writer.recv_timeout(Duration::from_secs(30)), Ok("committed"));
    writer.join().expect("writer");
    let (late, _) = drain_feed(&app, None, feed, &cursor, 10);
    assert_eq!(late.len(), 1, "the late commit is not skipped: {late:?}");
    assert_eq!(late[0]["recordId"], held.as_str());
    assert_eq!(late[0]["kind"], "UPSERTED");
    assert_eq!(late[0]["partnership"]["name"], "Feed Held Late");
}
