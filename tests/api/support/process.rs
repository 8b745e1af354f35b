//! The real `serve` binary as a process of its own, for what only a whole process shows: its
//! logs, its metrics registry, its answer to signals.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use super::TestApp;

/// A `serve` process of its own over a test database, in production mode (no demo data, JSON
/// logs), its log lines collected; stopped however the test ends.
pub struct Process {
    child: std::process::Child,
    pub base: String,
    pub agent: ureq::Agent,
    /// Its standard error, line by line.
    pub log: Arc<Mutex<Vec<String>>>,
    mail_out: std::path::PathBuf,
}

impl Process {
    pub fn serve(app: &TestApp, env: &[(&str, &str)]) -> Self {
        Self::serve_on(app.database_url(), env)
    }

    /// The same over a database the test manages itself (it may be empty: production mode
    /// migrates it only with MIGRATE_ON_START=on).
    pub fn serve_on(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mail_out = std::env::temp_dir().join(format!("observed-mail-{}", uuid::Uuid::now_v7()));
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"));
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("CLUSTERBRIDGE_ENV", "production")
            .env("JWT_SECRET", "a-production-secret-of-at-least-32-bytes")
            .env("MAIL_OUT_DIR", &mail_out)
            .env_remove("SMTP_URL")
            .env_remove("LOG_FORMAT")
            .env_remove("RUST_LOG")
            .stderr(std::process::Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start the server");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().expect("log").push(line);
            }
        });
        let process = Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent: ureq::Agent::config_builder().http_status_as_error(false).build().into(),
            log,
            mail_out,
        };
        // Generous: on a loaded 2-core machine a debug server has taken over 30 s to come up.
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut process = process;
        while process.agent.get(format!("{}/healthz", process.base)).call().is_err() {
            let exited = process.child.try_wait().ok().flatten();
            let log = || process.log.lock().map(|l| l.join("\n")).unwrap_or_default();
            assert!(
                exited.is_none(),
                "the server exited ({exited:?}) before serving:\n{}",
                log()
            );
            assert!(Instant::now() < deadline, "the server starts within 90 s:\n{}", log());
            std::thread::sleep(Duration::from_millis(100));
        }
        process
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, String, ureq::http::HeaderMap) {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.call().expect("request");
        let headers = response.headers().clone();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
            headers,
        )
    }

    pub fn query(&self, query: &str) -> Value {
        self.agent
            .post(format!("{}/graphql", self.base))
            .send_json(json!({ "query": query }))
            .expect("request")
            .body_mut()
            .read_json()
            .expect("a JSON answer")
    }

    /// Its process id, to read its memory from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as an orchestrator stopping the process does.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM");
    }

    /// How the process exited, if it did within `limit`.
    pub fn exit_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("the process's state") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.mail_out);
    }
}
