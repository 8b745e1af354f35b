//! The API outlives a PostgreSQL restart. The test runs a PostgreSQL instance of its own (never
//! the machine's shared one), stops it under a serving API, and starts it again.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::json;

use crate::support::TestApp;

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A throw-away PostgreSQL cluster on a free port.
struct OwnPostgres {
    dir: PathBuf,
    port: u16,
}

fn as_postgres(program: &str, args: &[&str]) -> std::process::Output {
    let path = format!("{BIN}/{program}");
    // PostgreSQL refuses to run as root; this machine's tests and CI do run as root.
    let running_as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut command = if running_as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", &path]);
        c
    } else {
        Command::new(&path)
    };
    command.args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"))
}

impl OwnPostgres {
    fn start_new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("clusterbridge-pg-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = Command::new("chown")
            .args(["postgres:postgres", dir.to_str().unwrap()])
            .status();
        let data = dir.join("data");
        let init = as_postgres(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            init.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let pg = Self { dir, port };
        pg.up();
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        let out = as_postgres(
            "pg_ctl",
            &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn down(&self) {
        let out = as_postgres("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = as_postgres("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn the_api_survives_a_postgresql_restart() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        println!("the PostgreSQL restart test runs in the PostgreSQL pass (TEST_DATABASE_URL)");
        return;
    }
    assert!(
        Path::new(BIN).join("initdb").exists(),
        "PostgreSQL 15 server binaries are needed in {BIN}"
    );
    let pg = OwnPostgres::start_new();
    let app = TestApp::on_database(&pg.url());
    let probe = "{ clusters(first: 1) { totalCount } }";
    assert_eq!(app.query(probe, json!({})).status, 200);
    assert_eq!(app.get("/readyz").0, 200);

    pg.down();
    let mut failed = 0;
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let started = Instant::now();
        let reply = app.query(probe, json!({}));
        slowest = slowest.max(started.elapsed());
        assert_eq!(reply.status, 503, "{}", reply.body);
        assert!(matches!(reply.code(), "UNAVAILABLE" | "INTERNAL"), "{}", reply.body);
        failed += 1;
    }
    assert_eq!(app.get("/readyz").0, 503, "readiness reflects the database");
    assert_eq!(app.get("/healthz").0, 200, "the process itself is alive");
    assert!(
        slowest < Duration::from_secs(4),
        "requests fail fast during the outage, slowest took {slowest:?}"
    );

    pg.up();
    let back = Instant::now();
    loop {
        let reply = app.query(probe, json!({}));
        if reply.status == 200 && reply.body["errors"].is_null() {
            break;
        }
        failed += 1;
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not recovered 5 s after the database returned: {}",
            reply.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let recovery = back.elapsed();
    assert_eq!(app.get("/readyz").0, 200);
    println!(
        "PostgreSQL restart: {failed} requests failed (slowest failure {slowest:?}); recovered {recovery:?} after the database returned"
    );
}
