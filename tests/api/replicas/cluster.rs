//! A PostgreSQL primary and a streaming replica of it on loopback, built with initdb and
//! pg_basebackup in a temporary directory, stopped and removed however the test ends.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Pair {
    dir: PathBuf,
    pub primary_port: u16,
    pub replica_port: u16,
    replica_running: bool,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Whether the PostgreSQL 15 server binaries are installed.
pub fn available() -> bool {
    Path::new(BIN).join("initdb").exists() && Path::new(BIN).join("pg_basebackup").exists()
}

/// A command of PostgreSQL's, as the `postgres` user when we are root (initdb refuses root).
fn pg(tool: &str) -> Command {
    let program = format!("{BIN}/{tool}");
    if as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", &program]);
        command
    } else {
        Command::new(program)
    }
}

/// Whether this process runs as root (`id -u`).
fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn ok(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        output.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Pair {
    /// A primary and a replica streaming from it, both accepting connections.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("clusterbridge-replicas-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut pair = Pair {
            dir: dir.clone(),
            primary_port: free_port(),
            replica_port: free_port(),
            replica_running: false,
        };
        if as_root() {
            ok(
                Command::new("chown").args(["postgres:postgres", &dir.to_string_lossy()]),
                "chown",
            );
        }
        let primary = dir.join("primary");
        ok(
            pg("initdb").args(["-D", &primary.to_string_lossy(), "-U", "postgres", "--auth=trust", "-N"]),
            "initdb",
        );
        // Small and fast: a test cluster need not survive a crash.
        std::fs::OpenOptions::new()
            .append(true)
            .open(primary.join("postgresql.conf"))
            .and_then(|mut f| {
                std::io::Write::write_all(
                    &mut f,
                    b"\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_wal_senders = 4\nwal_level = replica\n",
                )
            })
            .expect("configure the primary");
        pair.pg_ctl("primary", pair.primary_port, "start");
        ok(
            pg("pg_basebackup").args([
                "-h",
                "127.0.0.1",
                "-p",
                &pair.primary_port.to_string(),
                "-U",
                "postgres",
                "-D",
                &dir.join("replica").to_string_lossy(),
                "-R",
                "-X",
                "stream",
            ]),
            "pg_basebackup",
        );
        pair.pg_ctl("replica", pair.replica_port, "start");
        pair.replica_running = true;
        let streaming = super::eventually(Duration::from_secs(20), || {
            pair.psql(
                pair.primary_port,
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
            ) == "1"
        });
        assert!(streaming, "the replica streams");
        pair
    }

    fn pg_ctl(&self, name: &str, port: u16, action: &str) {
        let data = self.dir.join(name);
        let log = self.dir.join(format!("{name}.log"));
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1", self.dir.display());
        ok(
            pg("pg_ctl").args([
                "-D",
                &data.to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "30",
                "-o",
                &options,
                "-m",
                "fast",
                action,
            ]),
            &format!("pg_ctl {action} {name}"),
        );
    }

    /// Stops the replica, as a crash or maintenance would take it away.
    pub fn stop_replica(&mut self) {
        self.pg_ctl("replica", self.replica_port, "stop");
        self.replica_running = false;
    }

    pub fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }

    /// One value from psql on the server at `port`, as text.
    pub fn psql(&self, port: u16, sql: &str) -> String {
        let output = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-XAtqc", sql])
            .output()
            .expect("run psql");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for (name, running) in [("replica", self.replica_running), ("primary", true)] {
            if running && self.dir.join(name).join("postmaster.pid").exists() {
                let _ = pg("pg_ctl")
                    .args([
                        "-D",
                        &self.dir.join(name).to_string_lossy(),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ])
                    .output();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
