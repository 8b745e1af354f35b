//! Reads from a streaming replica (issue 17 point 4), on a primary and a replica built for the
//! test: with the replica's replay paused, a reader sees the old state (so its read was served
//! by the replica) while the writer reads its own write (from the primary), through another
//! process of the service too; once the replica is
//! further behind than the bound it is skipped; stopped, it is skipped too.

use std::time::Duration;

use clusterbridge::auth::Role;
use serde_json::json;

use super::{cluster::Pair, cluster_id, eventually, run, seed};
use crate::{
    posts::{news, CREATE_POST},
    support::{Process, TestApp, SECRET},
};

const METRICS_TOKEN: &str = "replica-metrics-token-0123456789";
const READ_POST: &str = "query($id: ID!) { post(id: $id) { id title } }";

/// Reads the process has sent to `target` (primary, replica1).
fn reads(server: &Process, target: &str) -> u64 {
    let (status, body, _) = server.get("/metrics", Some(METRICS_TOKEN));
    assert_eq!(status, 200, "{body}");
    let prefix = format!("database_reads_total{{target=\"{target}\"}} ");
    body.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse().expect("a count"))
}

#[test]
fn queries_read_from_the_replica_writers_read_their_writes_and_a_lagging_or_stopped_replica_is_skipped() {
    if !super::cluster::available() {
        eprintln!("SKIPPED: no PostgreSQL 15 server binaries in /usr/lib/postgresql/15/bin");
        return;
    }
    let started = std::time::Instant::now();
    let mut pair = Pair::start();
    let primary = Pair::url(pair.primary_port);
    pair.psql(pair.primary_port, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
    let replica_url = Pair::url(pair.replica_port);
    let env = [
        ("MIGRATE_ON_START", "on"),
        ("JWT_SECRET", SECRET),
        ("DATABASE_REPLICA_URLS", replica_url.as_str()),
        ("DATABASE_REPLICA_MAX_LAG", "3"),
        ("READ_YOUR_WRITES_WINDOW", "3"),
        ("METRICS_TOKEN", METRICS_TOKEN),
    ];
    let server = Process::serve_on(&primary, &env);
    // Another process of the service, to which the writer's next read may go.
    let other = Process::serve_on(&primary, &env);
    seed(&primary);
    let writer = TestApp::admin().expect("a token");
    let reader = TestApp::scoped_token(Role::Admin, &[], &[], &[]);
    // The seeded directory reaches the replica, and reads go there.
    let tpca = {
        let mut id = None;
        let found = eventually(Duration::from_secs(15), || {
            let before = reads(&server, "replica1");
            let answer = run(
                &server,
                Some(&reader),
                "{ clusterBySlug(slug: \"tpca\") { id } }",
                json!({}),
            );
            id = answer.body["data"]["clusterBySlug"]["id"].as_str().map(str::to_owned);
            id.is_some() && reads(&server, "replica1") > before
        });
        assert!(found, "the demo data is read from the replica");
        id.expect("TPCA")
    };
    assert_eq!(tpca, cluster_id(&server, "tpca"));

    // Caught up with everything so far, the replica stops replaying: it keeps what it has and
    // falls behind.
    let now = pair.psql(pair.primary_port, "SELECT pg_current_wal_insert_lsn()");
    assert!(eventually(Duration::from_secs(10), || {
        pair.psql(
            pair.replica_port,
            &format!("SELECT pg_last_wal_replay_lsn() >= '{now}'::pg_lsn"),
        ) == "t"
    }));
    pair.psql(pair.replica_port, "SELECT pg_wal_replay_pause()");
    assert!(eventually(Duration::from_secs(10), || {
        pair.psql(pair.replica_port, "SELECT pg_get_wal_replay_pause_state()") == "paused"
    }));
    let created = run(
        &server,
        Some(&writer),
        CREATE_POST,
        json!({ "input": news(&tpca, "Read from the replica") }),
    );
    let post_id = created.body["data"]["createPost"]["post"]["id"].clone();
    assert!(post_id.is_string(), "written: {}", created.body);
    let on = |port: u16| pair.psql(port, "SELECT count(*) FROM post WHERE title = 'Read from the replica'");
    assert_eq!(
        (on(pair.primary_port).as_str(), on(pair.replica_port).as_str()),
        ("1", "0"),
        "the write is on the primary only"
    );
    let (replica_before, primary_before) = (reads(&server, "replica1"), reads(&server, "primary"));
    let stale = run(&server, Some(&reader), READ_POST, json!({ "id": post_id }));
    assert_eq!(
        stale.body["data"]["post"],
        json!(null),
        "another client reads the replica: {}",
        stale.body
    );
    assert_eq!(reads(&server, "replica1"), replica_before + 1);
    let own = run(&server, Some(&writer), READ_POST, json!({ "id": post_id }));
    assert_eq!(
        own.body["data"]["post"]["title"], "Read from the replica",
        "the writer reads its write: {}",
        own.body
    );
    assert_eq!(reads(&server, "primary"), primary_before + 1, "from the primary");
    // Through the other process: the reader still reads the replica, and the writer, once
    // that process has heard of the write (LISTEN/NOTIFY), the primary.
    let elsewhere = run(&other, Some(&reader), READ_POST, json!({ "id": post_id }));
    assert_eq!(elsewhere.body["data"]["post"], json!(null), "{}", elsewhere.body);
    let heard = eventually(Duration::from_secs(2), || {
        run(&other, Some(&writer), READ_POST, json!({ "id": post_id })).body["data"]["post"]["id"] == post_id
    });
    assert!(heard, "the writer reads its write through another process too");

    // Further behind than DATABASE_REPLICA_MAX_LAG: skipped, so the reader finds the post (on
    // the primary) while the replica still has not replayed it.
    let caught_up = eventually(Duration::from_secs(10), || {
        run(&server, Some(&reader), READ_POST, json!({ "id": post_id })).body["data"]["post"]["id"] == post_id
    });
    assert!(caught_up, "the lagging replica is skipped");
    assert_eq!(on(pair.replica_port), "0", "the replica is still behind");
    assert!(server
        .log
        .lock()
        .expect("log")
        .iter()
        .any(|l| l.contains("replica skipped") && l.contains("behind")));

    // Replaying again: back in use.
    pair.psql(pair.replica_port, "SELECT pg_wal_replay_resume()");
    assert!(eventually(Duration::from_secs(10), || on(pair.replica_port) == "1"));
    let back = eventually(Duration::from_secs(10), || {
        let before = reads(&server, "replica1");
        let answer = run(&server, Some(&reader), READ_POST, json!({ "id": post_id }));
        answer.body["data"]["post"]["id"] == post_id && reads(&server, "replica1") > before
    });
    assert!(back, "the replica serves reads again once it has caught up");

    // Stopped: skipped after its next check; every read succeeds from the primary.
    pair.stop_replica();
    let query = "{ clusters(first: 3) { totalCount } }";
    assert!(
        eventually(Duration::from_secs(10), || {
            (0..5)
                .all(|_| run(&server, Some(&reader), query, json!({})).body["data"]["clusters"]["totalCount"].is_u64())
        }),
        "reads go on without the replica"
    );
    let replica_before = reads(&server, "replica1");
    for _ in 0..5 {
        let answer = run(&server, Some(&reader), query, json!({}));
        assert!(answer.body["errors"].is_null(), "{}", answer.body);
    }
    assert_eq!(
        reads(&server, "replica1"),
        replica_before,
        "none went to the stopped replica"
    );
    drop((server, other));
    drop(pair);
    eprintln!("read replicas test took {:.1} s", started.elapsed().as_secs_f64());
}
