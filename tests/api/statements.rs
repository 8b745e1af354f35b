//! SQL statements per request for the benchmark's shapes (issue 14): the documents are read from
//! bench/shapes/, so the tests and the benchmark cannot drift, and sent anonymously to a
//! generated directory whose pages are full. Counts are stable where times are not: one
//! statement for a cluster by id (q1) and for a page of clusters (q2), one per level of nesting
//! for clusters × members and partnerships × the partnerships' clusters (q3), whatever the pages
//! hold and however many requests run at once.

use clusterbridge::http::{limits::Budgets, rate_limit::RateLimits, EndpointSettings};
use serde_json::{json, Value};

use crate::support::TestApp;

/// q1: the cluster, by id.
const Q1: usize = 1;
/// q2: the page of clusters.
const Q2: usize = 1;
/// q3: the page of clusters; every cluster's members and partnerships; the partnerships' member
/// clusters with their seats.
const Q3: usize = 3;
/// What the rate limiter adds to an anonymous request: the check of its one bucket
/// (src/http/rate_limit.rs), one upsert.
const LIMITER_STATEMENTS: usize = 1;

/// Clusters generated: enough that 50 of them are published (5% are drafts, which an anonymous
/// caller must not see).
const CLUSTERS: usize = 70;

fn shape(name: &str) -> String {
    let path = format!("{}/bench/shapes/{name}.project.graphql", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn directory(rate_limits: Option<RateLimits>) -> TestApp {
    TestApp::generated(
        CLUSTERS,
        EndpointSettings {
            budgets: Budgets {
                rate_limits,
                ..Budgets::default()
            },
            ..EndpointSettings::default()
        },
    )
}

/// Budgets far above what a test spends, so every request pays for its bucket check and none is
/// refused: the benchmark's limiter-on settings.
fn generous() -> RateLimits {
    RateLimits {
        anonymous: 1_000_000_000,
        user: 1_000_000_000,
        api_key: 1_000_000_000,
        per_address: 1_000_000_000,
    }
}

/// The three shapes as the benchmark sends them, q1 with the first published cluster's id.
struct Shapes {
    q1: String,
    q2: String,
    q3: String,
    id: Value,
}

impl Shapes {
    fn read(app: &TestApp) -> Self {
        let q2 = shape("q2");
        let reply = app.query(&q2, json!({}));
        let id = reply.data()["clusters"]["nodes"][0]["id"].clone();
        assert!(id.is_string(), "{}", reply.body);
        Shapes {
            q1: shape("q1"),
            q2,
            q3: shape("q3"),
            id,
        }
    }

    /// q3 with a page of `n` clusters instead of 50; nothing else changes.
    fn q3_of(&self, n: usize) -> String {
        let page = "clusters(first: 50";
        assert!(self.q3.contains(page), "q3 asks for a page of 50 clusters");
        self.q3.replacen(page, &format!("clusters(first: {n}"), 1)
    }
}

/// The statements of one anonymous request, after checking that its answer is whole.
fn statements(app: &TestApp, document: &str, variables: Value, check: impl Fn(&Value)) -> usize {
    app.take_statement_count();
    let reply = app.query(document, variables);
    assert_eq!(reply.status, 200, "{}", reply.body);
    check(reply.data());
    app.take_statement_count()
}

fn one_cluster(data: &Value) {
    assert!(data["node"]["name"].is_string(), "q1 finds its cluster: {data}");
}

fn full_page(n: usize) -> impl Fn(&Value) {
    move |data| {
        let nodes = data["clusters"]["nodes"].as_array().expect("a page");
        assert_eq!(nodes.len(), n, "the page of clusters is full");
    }
}

/// Every cluster shows a full page of members (the generator gives each 20), and the page
/// reaches down to partnerships' member clusters.
fn full_nested_page(n: usize) -> impl Fn(&Value) {
    move |data| {
        full_page(n)(data);
        let clusters = data["clusters"]["nodes"].as_array().expect("a page");
        for cluster in clusters {
            let members = cluster["members"]["nodes"].as_array().expect("members");
            assert_eq!(members.len(), 20, "a full page of members: {cluster}");
        }
        let seats: usize = clusters
            .iter()
            .flat_map(|c| c["partnerships"]["nodes"].as_array().cloned().unwrap_or_default())
            .map(|p| p["members"]["nodes"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(seats > 0, "some partnerships on the page show their clusters");
    }
}

/// Counts of q1, q2 and q3, each the same on three runs after a warm-up (which may open
/// connections and fill caches).
fn counts(app: &TestApp, shapes: &Shapes) -> (usize, usize, usize) {
    let id = json!({ "id": shapes.id });
    let runs = |document: &str, variables: &Value, check: &dyn Fn(&Value)| {
        statements(app, document, variables.clone(), check);
        let counts: Vec<usize> = (0..3)
            .map(|_| statements(app, document, variables.clone(), check))
            .collect();
        assert!(counts.windows(2).all(|w| w[0] == w[1]), "stable counts: {counts:?}");
        counts[0]
    };
    (
        runs(&shapes.q1, &id, &one_cluster),
        runs(&shapes.q2, &json!({}), &full_page(50)),
        runs(&shapes.q3, &json!({}), &full_nested_page(50)),
    )
}

#[test]
fn the_benchmark_shapes_cost_one_statement_per_level() {
    let app = directory(None);
    let shapes = Shapes::read(&app);
    let (q1, q2, q3) = counts(&app, &shapes);
    println!("statements per request, rate limiter off: q1 {q1}, q2 {q2}, q3 {q3}");
    assert_eq!((q1, q2, q3), (Q1, Q2, Q3));

    // The page's size does not change the count: the levels are read whole.
    let five = statements(&app, &shapes.q3_of(5), json!({}), full_nested_page(5));
    assert_eq!(five, Q3, "q3 with a page of 5 clusters");
}

#[test]
fn concurrent_requests_do_not_split_a_level() {
    // Before, the DataLoader fetched 1 ms after the first key and, with other requests in
    // between, a level came in two or three batches (5.75 statements for q3 under the benchmark).
    let app = directory(None);
    let shapes = Shapes::read(&app);
    const THREADS: usize = 8;
    const EACH: usize = 4;
    app.take_statement_count();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..EACH {
                    full_nested_page(50)(app.query(&shapes.q3, json!({})).data());
                }
            });
        }
    });
    assert_eq!(app.take_statement_count(), THREADS * EACH * Q3);
}

#[test]
fn the_rate_limiter_adds_its_bucket_check_and_nothing_else() {
    let app = directory(Some(generous()));
    let shapes = Shapes::read(&app);
    let (q1, q2, q3) = counts(&app, &shapes);
    println!("statements per request, rate limiter on: q1 {q1}, q2 {q2}, q3 {q3}");
    assert_eq!(
        (q1, q2, q3),
        (
            Q1 + LIMITER_STATEMENTS,
            Q2 + LIMITER_STATEMENTS,
            Q3 + LIMITER_STATEMENTS
        )
    );
}
