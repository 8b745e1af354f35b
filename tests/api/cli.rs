//! The operator's command line, run as the real binary.

use std::process::Command;

use clusterbridge::auth::{Role, TokenService};
use sea_orm::{EntityTrait, PaginatorTrait};

const SECRET: &str = "a-production-secret-of-at-least-32-bytes";

/// Runs the built binary with `args`, without the caller's database, secret or environment.
pub(crate) fn clusterbridge(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clusterbridge"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("JWT_SECRET")
        .env_remove("CLUSTERBRIDGE_ENV");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run clusterbridge")
}

#[test]
fn production_seed_creates_no_demo_accounts() {
    let path = std::env::temp_dir().join(format!("clusterbridge-cli-{}.db", uuid::Uuid::now_v7().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("JWT_SECRET", SECRET),
        ("CLUSTERBRIDGE_ENV", "production"),
    ];
    let out = clusterbridge(&["seed"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (clusters, users) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = clusterbridge::db::connect(&url, 1).await.unwrap();
        let clusters = entity::cluster::Entity::find().count(&db).await.unwrap();
        let users = entity::user::Entity::find().count(&db).await.unwrap();
        (clusters, users)
    });
    assert_eq!((clusters, users), (32, 0));
    let again = clusterbridge(&["seed"], &env);
    assert!(!again.status.success(), "seeding twice is refused");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn production_refuses_the_development_secret() {
    let out = clusterbridge(
        &["serve"],
        &[("CLUSTERBRIDGE_ENV", "production"), ("DATABASE_URL", "sqlite::memory:")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JWT_SECRET"));
}

#[test]
fn issue_token_mints_a_scoped_token_that_verifies() {
    let cluster = uuid::Uuid::now_v7().to_string();
    let out = clusterbridge(
        &[
            "issue-token",
            "--role",
            "PARTNER",
            "--subject",
            "cnfi-ops",
            "--country",
            "tw",
            "--cluster",
            &cluster,
            "--ttl",
            "15m",
        ],
        &[("JWT_SECRET", SECRET)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap();
    let principal = TokenService::new(SECRET).verify(token.trim()).expect("verifies");
    assert_eq!(principal.role, Role::Partner);
    assert_eq!(principal.countries, ["TW"]);
    assert_eq!(principal.clusters[0].to_string(), cluster);
    let bad = clusterbridge(
        &["issue-token", "--role", "ADMIN", "--subject", "x", "--ttl", "90d"],
        &[("JWT_SECRET", SECRET)],
    );
    assert!(!bad.status.success(), "lifetimes are bounded");
}

#[test]
fn export_schema_prints_the_committed_schema() {
    let out = clusterbridge(&["export-schema"], &[]);
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == committed,
        "export-schema differs from schema.graphql"
    );
}

#[test]
fn generate_is_deterministic_and_benchmark_prints_percentiles() {
    let dir = std::env::temp_dir();
    let mut fingerprints = Vec::new();
    for run in 0..2 {
        let path = dir.join(format!("clusterbridge-gen-{run}-{}.db", uuid::Uuid::now_v7().simple()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let out = clusterbridge(
            &["generate", "--clusters", "300", "--seed", "42"],
            &[("DATABASE_URL", &url)],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout)
            .contains("generated 300 clusters, 6000 members, 60 partnerships, 150 success stories"));
        let names = tokio::runtime::Runtime::new().unwrap().block_on(async {
            use sea_orm::{QueryOrder, QuerySelect};
            let db = clusterbridge::db::connect(&url, 1).await.unwrap();
            entity::cluster::Entity::find()
                .select_only()
                .column(entity::cluster::Column::Name)
                .order_by_asc(entity::cluster::Column::Id)
                .into_tuple::<String>()
                .all(&db)
                .await
                .unwrap()
        });
        fingerprints.push(names);
        if run == 1 {
            let bench = clusterbridge(&["benchmark", "--runs", "3"], &[("DATABASE_URL", &url)]);
            let table = String::from_utf8_lossy(&bench.stdout);
            assert!(bench.status.success());
            for kind in ["text search", "filtered text search", "facets", "recommendations"] {
                let line = table
                    .lines()
                    .find(|l| l.starts_with(kind))
                    .unwrap_or_else(|| panic!("{kind} in {table}"));
                assert!(line.trim_end().ends_with(" 0"), "no errors: {line}");
            }
            assert!(table.contains("partner index: "), "{table}");
        }
        let _ = std::fs::remove_file(&path);
    }
    assert_eq!(
        fingerprints[0], fingerprints[1],
        "the same seed gives the same directory"
    );
}
