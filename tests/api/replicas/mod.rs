//! Issue 17 points 3 and 4: several `serve` processes as one service over one database
//! (`several`), reads from PostgreSQL streaming replicas built on loopback (`read`), and their
//! settings (`settings`).

mod cluster;
mod read;
mod settings;
mod several;

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::Process;

/// What a `serve` process answered: status, JSON body and headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: ureq::http::HeaderMap,
}

impl Answer {
    /// The first error's code, or "".
    pub fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
    }
}

/// POSTs a GraphQL body to `server`, as the holder of `token`, with `headers`.
pub fn post(server: &Process, token: Option<&str>, headers: &[(&str, &str)], body: Value) -> Answer {
    let mut request = server.agent.post(format!("{}/graphql", server.base));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send_json(body).expect("request");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.body_mut().read_json().unwrap_or(Value::Null),
    }
}

/// A query or mutation with variables.
pub fn run(server: &Process, token: Option<&str>, query: &str, variables: Value) -> Answer {
    post(server, token, &[], json!({ "query": query, "variables": variables }))
}

/// Polls `check` every 100 ms until it holds or `limit` passes.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if check() {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The id of the demo cluster with `slug`, read through `server`.
pub fn cluster_id(server: &Process, slug: &str) -> String {
    let answer = run(
        server,
        None,
        "query($s: String!) { clusterBySlug(slug: $s) { id } }",
        json!({ "s": slug }),
    );
    answer.body["data"]["clusterBySlug"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("cluster {slug}: {}", answer.body))
        .to_owned()
}

/// Loads the demo data (no accounts, as in production) with the `seed` command.
pub fn seed(url: &str) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .arg("seed")
        .env("DATABASE_URL", url)
        .env("CLUSTERBRIDGE_ENV", "production")
        .env("JWT_SECRET", crate::support::SECRET)
        .env_remove("CLUSTERBRIDGE_CONFIG")
        .output()
        .expect("run seed");
    assert!(
        output.status.success(),
        "seed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
