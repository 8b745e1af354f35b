//! Files at the root that must agree with the code: the exported schema and docker-compose.yml.

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
