//! The replica settings as `config check` sees them: URLs that are not PostgreSQL's, or beside
//! an SQLite primary, and a read-your-writes window shorter than the lag bound are refused;
//! the replica URLs (which carry passwords) are masked.

fn config_check(env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"));
    command
        .args(["config", "check"])
        .env("JWT_SECRET", crate::support::SECRET)
        .env_remove("CLUSTERBRIDGE_CONFIG")
        .env_remove("DATABASE_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run config check");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn replica_settings_are_checked_and_their_urls_masked() {
    let (code, _, stderr) = config_check(&[
        ("DATABASE_REPLICA_URLS", "postgres://reader:secret@10.0.0.2/db"),
        ("DATABASE_REPLICA_MAX_LAG", "20"),
        ("READ_YOUR_WRITES_WINDOW", "5"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("DATABASE_REPLICA_URLS must be postgres:// URLs"),
        "{stderr}"
    );
    assert!(stderr.contains("READ_YOUR_WRITES_WINDOW at least as long"), "{stderr}");

    let (code, stdout, stderr) = config_check(&[
        ("DATABASE_URL", "postgres://app@10.0.0.1/db"),
        (
            "DATABASE_REPLICA_URLS",
            "postgres://reader:secret@10.0.0.2/db, postgres://reader:secret@10.0.0.3/db",
        ),
        ("MIGRATE_ON_START", "on"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("DATABASE_REPLICA_URLS = ********"), "{stdout}");
    assert!(!stdout.contains("secret"), "{stdout}");
    assert!(stdout.contains("MIGRATE_ON_START = on"), "{stdout}");

    let (code, _, stderr) = config_check(&[("MIGRATE_ON_START", "sometimes")]);
    assert_eq!(code, 2, "clap refuses a value it does not know: {stderr}");
}
