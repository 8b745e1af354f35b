//! Files at the root that must agree with the code (the exported schema; docker-compose.yml and
//! the Dockerfile in deployment.rs), and one rule of the code itself: every write transaction begins through `db::begin_write`.

fn root(file: &str) -> String {
    std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn schema_graphql_matches_the_code() {
    let committed = root("schema.graphql");
    let current = clusterbridge::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -- export-schema > schema.graphql` and review the diff"
    );
}

/// A plain `.begin()` is a deferred transaction on SQLite, which fails under a concurrent writer
/// instead of waiting (see `db::begin_write` and tests/api/racing_writes.rs).
#[test]
fn every_transaction_begins_through_begin_write() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("src/ readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("src/db.rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                for (n, line) in text.lines().enumerate() {
                    if line.contains(".begin().await") {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    for dir in ["src", "entity/src", "migration/src"] {
        visit(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut found);
    }
    assert!(
        found.is_empty(),
        "use crate::db::begin_write instead of .begin() at {found:?}"
    );
}
