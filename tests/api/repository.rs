//! Files at the root that must agree with the code (the exported schema and docker-compose.yml),
//! and one rule of the code itself: every write transaction begins through `db::begin_write`.

use yaml_rust2::{Yaml, YamlLoader};

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

#[test]
fn docker_compose_gives_the_api_what_the_server_reads() {
    let docs = YamlLoader::load_from_str(&root("docker-compose.yml")).expect("docker-compose.yml is YAML");
    let services = &docs[0]["services"];
    let db = &services["db"];
    assert!(
        db["image"].as_str().unwrap().starts_with("postgres:"),
        "PostgreSQL service"
    );
    assert!(!db["healthcheck"].is_badvalue(), "the API waits for a healthy database");

    let api = &services["api"];
    assert_eq!(api["build"]["dockerfile"].as_str(), Some("Dockerfile"));
    assert!(std::path::Path::new(&format!("{}/Dockerfile", env!("CARGO_MANIFEST_DIR"))).exists());
    let env = &api["environment"];
    let setting = |name: &str| match &env[name] {
        Yaml::String(s) => s.clone(),
        other => panic!("api.environment.{name} is missing or not a string: {other:?}"),
    };
    assert!(
        setting("DATABASE_URL").starts_with("postgres://"),
        "the API uses the PostgreSQL service"
    );
    assert!(setting("DATABASE_URL").contains("@db:5432/"), "by its service name");
    assert!(
        setting("LISTEN_ADDR").starts_with("0.0.0.0:"),
        "reachable from outside the container"
    );
    assert!(!setting("JWT_SECRET").is_empty());
    assert_eq!(setting("CLUSTERBRIDGE_ENV"), "production");
    let port = setting("LISTEN_ADDR").rsplit(':').next().unwrap().to_owned();
    let ports: Vec<String> = api["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    assert!(
        ports.iter().any(|p| p.ends_with(&format!(":{port}"))),
        "the listening port is published"
    );
    assert_eq!(api["depends_on"]["db"]["condition"].as_str(), Some("service_healthy"));
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
