//! What anonymous clients can make the service store is bounded: automatic persisted queries
//! are stored once they validate, are charged for, and are evicted least recently used first
//! past their limit (trusted documents never); idempotency keys and drained rate-limit buckets
//! expire and are swept.

use clusterbridge::{
    domain::persisted_document::{hash, storage_fee},
    http::{limits::Budgets, rate_limit::RateLimits, sweep, EndpointSettings},
};
use serde_json::{json, Value};

use crate::{
    rate_limits::{send, stopped_clock, NOW_NS},
    support::TestApp,
};

fn with_hash(query: &str) -> Value {
    json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash(query) } } })
}

fn by_hash(query: &str) -> Value {
    json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash(query) } } })
}

/// Whether the server knows `query` by its hash.
fn known(app: &TestApp, query: &str) -> bool {
    let reply = send(app, &[], by_hash(query));
    reply.body["errors"][0]["extensions"]["code"] != "PERSISTED_QUERY_NOT_FOUND"
}

/// Rows of `table` matching `condition`, read beside the server.
fn count(app: &TestApp, table: &str, condition: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let url = app.database_url().to_owned();
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}");
    run(async move {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let statement = Statement::from_string(db.get_database_backend(), sql);
        let row = db.query_one_raw(statement).await.expect("count").expect("a row");
        row.try_get::<i64>("", "n").expect("a number")
    })
}

fn run<T: Send + 'static>(work: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(work)
    })
    .join()
    .expect("a thread of its own")
}

#[test]
fn only_documents_that_validate_are_persisted() {
    let app = TestApp::empty();
    for invalid in ["{ clusterz }", "{ clusters(first: \"x\") { totalCount } }", "{"] {
        let reply = send(&app, &[], with_hash(invalid));
        assert!(
            reply.body["errors"][0]["extensions"]["code"].is_string(),
            "{}",
            reply.body
        );
        assert!(!known(&app, invalid), "{invalid} was not stored");
    }
    let valid = "{ clusters { totalCount } }";
    assert_eq!(send(&app, &[], with_hash(valid)).status, 200);
    assert!(known(&app, valid));
}

#[test]
fn storing_a_document_is_charged_to_the_rate_limit() {
    let query = "{ clusters(first: 1) { totalCount } }";
    // Room for the query many times over, but not for storing it.
    let app = stopped_clock(RateLimits {
        anonymous: storage_fee(query.len()) - 1,
        ..RateLimits::default()
    });
    let stored = send(&app, &[], with_hash(query));
    assert_eq!((stored.status, stored.code()), (429, "RATE_LIMITED"));
    assert!(!known(&app, query));
    assert_eq!(
        send(&app, &[], json!({ "query": query })).status,
        200,
        "running it is cheap"
    );
}

#[test]
fn automatic_persisted_queries_stay_within_their_limit() {
    let app = TestApp::with_settings(EndpointSettings {
        persisted_query_limit: 3,
        budgets: Budgets {
            rate_limits: None,
            ..Budgets::default()
        },
        ..EndpointSettings::default()
    });
    let trusted = "{ me { role } }";
    let admin = TestApp::admin();
    let trust = app.post(
        admin.as_deref(),
        "mutation($d: String!) { trustDocument(input: {name: \"me\", document: $d}) { sha256Hash } }",
        json!({ "d": trusted }),
    );
    assert!(trust.body["errors"].is_null(), "{}", trust.body);
    let queries: Vec<String> = (1..=5)
        .map(|n| format!("{{ clusters(first: {n}) {{ totalCount }} }}"))
        .collect();
    for query in &queries[..3] {
        assert_eq!(send(&app, &[], with_hash(query)).status, 200);
    }
    // Stored long ago, the first is used now: the second becomes the least recently used.
    app.sql("UPDATE persisted_document SET last_used_at = '2000-01-01 00:00:00+00:00'");
    assert!(known(&app, &queries[0]));
    for query in &queries[3..] {
        assert_eq!(send(&app, &[], with_hash(query)).status, 200);
    }
    let kept: Vec<bool> = queries.iter().map(|q| known(&app, q)).collect();
    assert_eq!(kept, [true, false, false, true, true]);
    assert!(known(&app, trusted), "trusted documents are never evicted");
    assert_eq!(count(&app, "persisted_document", "trusted = false"), 3);
}

#[test]
fn idempotency_keys_and_drained_buckets_are_swept() {
    let app = stopped_clock(RateLimits::default());
    assert_eq!(
        send(&app, &[], json!({ "query": "{ clusters { totalCount } }" })).status,
        200
    );
    let day_ago = (chrono::Utc::now() - chrono::Duration::hours(25)).format("%Y-%m-%d %H:%M:%S+00:00");
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S+00:00");
    app.sql(&format!(
        "INSERT INTO idempotency_key (principal, key, fingerprint, response, created_at) VALUES \
         ('p', 'old', 'f', '{{}}', '{day_ago}'), ('p', 'new', 'f', '{{}}', '{now}')"
    ));
    app.sql(&format!(
        "INSERT INTO rate_limit_bucket (key, theoretical_arrival_ns) VALUES ('anonymous:drained', {})",
        NOW_NS - 1
    ));
    let url = app.database_url().to_owned();
    let swept = run(async move {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let clock = clusterbridge::http::rate_limit::Clock::fixed(NOW_NS);
        sweep::sweep(&db, &clock, 10_000).await.expect("sweep")
    });
    assert_eq!((swept.idempotency_keys, swept.rate_limit_buckets), (1, 1));
    assert_eq!(count(&app, "idempotency_key", "key = 'new'"), 1);
    assert_eq!(
        count(&app, "rate_limit_bucket", "key = 'anonymous:127.0.0.1'"),
        1,
        "a bucket in use stays"
    );
}
