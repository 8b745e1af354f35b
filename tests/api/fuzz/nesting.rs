//! Deep nesting, which can overflow a server thread's stack: the documents, and the real binary in
//! a process of its own that the nesting test sends them to.

use std::time::{Duration, Instant};

use serde_json::json;

pub(super) type Nesting = (&'static str, fn(usize) -> String);

/// Documents nested `n` levels deep, each a JSON request body.
pub(super) const NESTINGS: [Nesting; 9] = [
    ("list literal", |n| {
        let query = format!("{{ nodes(ids: {}\"x\"{}) {{ id }} }}", "[".repeat(n), "]".repeat(n));
        json!({ "query": query }).to_string()
    }),
    ("input object literal", |n| {
        let query = format!(
            "{{ clusters(filter: {}\"x\"{}) {{ totalCount }} }}",
            "{query: ".repeat(n),
            "}".repeat(n)
        );
        json!({ "query": query }).to_string()
    }),
    ("list in a directive argument", |n| {
        let query = format!("{{ __typename @include(if: {}true{}) }}", "[".repeat(n), "]".repeat(n));
        json!({ "query": query }).to_string()
    }),
    ("list in a variable's default value", |n| {
        let query = format!(
            "query($v: [ID!] = {}\"x\"{}) {{ nodes(ids: $v) {{ id }} }}",
            "[".repeat(n),
            "]".repeat(n)
        );
        json!({ "query": query }).to_string()
    }),
    ("variable type", |n| {
        let query = format!("query($v: {}ID{}) {{ __typename }}", "[".repeat(n), "]".repeat(n));
        json!({ "query": query }).to_string()
    }),
    ("selection set", |n| {
        let query = format!("{{{} me {}}}", "me {".repeat(n), "}".repeat(n));
        json!({ "query": query }).to_string()
    }),
    ("inline fragments", |n| {
        let query = format!("{{{} __typename {}}}", "... on Query {".repeat(n), "}".repeat(n));
        json!({ "query": query }).to_string()
    }),
    ("JSON list in variables", |n| {
        format!(
            "{{\"query\":\"query($v: [ID!]) {{ nodes(ids: $v) {{ id }} }}\",\"variables\":{{\"v\":{}\"x\"{}}}}}",
            "[".repeat(n),
            "]".repeat(n)
        )
    }),
    ("JSON object in variables", |n| {
        format!(
            "{{\"query\":\"query($f: ClusterFilter) {{ clusters(filter: $f) {{ totalCount }} }}\",\"variables\":{{\"f\":{}\"x\"{}}}}}",
            "{\"query\":".repeat(n),
            "}".repeat(n)
        )
    }),
];

/// The real binary, serving on a port of its own.
pub(super) struct ServerProcess {
    pub(super) child: std::process::Child,
    pub(super) base: String,
    pub(super) database: Option<std::path::PathBuf>,
    pub(super) log: std::path::PathBuf,
}

impl ServerProcess {
    pub(super) fn start() -> ServerProcess {
        let id = uuid::Uuid::now_v7().simple();
        ServerProcess::start_on(std::env::temp_dir().join(format!("clusterbridge-fuzz-{id}.db")))
    }

    pub(super) fn start_on(database: std::path::PathBuf) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = database.with_extension(format!("{port}.log"));
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
            .arg("serve")
            .env_remove("JWT_SECRET")
            .env_remove("CORS_ALLOWED_ORIGINS")
            .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", database.display()))
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("CLUSTERBRIDGE_ENV", "development")
            .env("RATE_LIMIT", "off")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("start clusterbridge serve");
        let mut server = ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            database: Some(database),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some((status, log)) = server.death() {
                panic!("clusterbridge serve exited ({status}) on start: {log}");
            }
            let ready = ureq::get(format!("{}/healthz", server.base)).call().is_ok();
            if ready {
                return server;
            }
            assert!(Instant::now() < deadline, "clusterbridge serve did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// How the process ended, with the end of its log, if it has ended.
    pub(super) fn death(&mut self) -> Option<(std::process::ExitStatus, String)> {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                    let last: Vec<&str> = log.lines().rev().take(3).collect();
                    let last: Vec<&str> = last.into_iter().rev().collect();
                    return Some((status, last.join(" | ")));
                }
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                _ => return None,
            }
        }
    }

    /// The database, for a new process to carry on with.
    pub(super) fn take_database(&mut self) -> std::path::PathBuf {
        self.database.take().expect("a database")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
        if let Some(database) = &self.database {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
            }
        }
    }
}
