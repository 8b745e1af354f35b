//! Configuration as an operator writes it: a TOML file, the environment, flags and `*_FILE`
//! secrets, checked by `clusterbridge config check` (the real binary), and the README's table of
//! settings kept equal to what the command line knows.

use std::{collections::BTreeSet, path::PathBuf, process::Command};

use clap::Args;
use clusterbridge::{auth::TokenService, config::Settings};

const SECRET: &str = "a-production-secret-of-at-least-32-bytes";

/// Variables read by libraries rather than by the command line, that the table lists too.
pub(crate) const READ_BY_LIBRARIES: [&str; 1] = ["RUST_LOG"];

/// A folder of its own for one test's files.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("clusterbridge-config-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).unwrap();
        Folder(path)
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with exactly `env` as its environment; (success, stdout, stderr).
fn run(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run clusterbridge");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn good_file(folder: &Folder) -> String {
    folder.file(
        "good.toml",
        &format!(
            "database_url = \"sqlite::memory:\"\n\
             public_base_url = \"https://clusters.example.org\"\n\
             clusterbridge_env = \"production\"\n\
             jwt_secret = \"{SECRET}\"\n\
             cors_allowed_origins = [\"https://portal.example.org\", \"https://admin.example.org\"]\n\
             rate_limit_user = 7\n\
             live_max_sockets = 50\n"
        ),
    )
}

#[test]
fn a_good_file_passes_and_the_summary_masks_secrets() {
    let folder = Folder::new();
    let file = good_file(&folder);
    let (ok, out, err) = run(&["config", "check", "--config", &file], &[]);
    assert!(ok, "{err}");
    assert!(err.is_empty(), "no problem is printed: {err}");
    for line in [
        "PUBLIC_BASE_URL = https://clusters.example.org (config file)",
        "CLUSTERBRIDGE_ENV = production (config file)",
        "CORS_ALLOWED_ORIGINS = https://portal.example.org,https://admin.example.org (config file)",
        "LIVE_MAX_SOCKETS = 50 (config file)",
        "JWT_SECRET = ******** (config file)",
        "REQUEST_TIMEOUT = 10 (default)",
        "SMTP_URL (unset)",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} in\n{out}");
    }
    assert!(!out.contains(SECRET), "the secret is masked:\n{out}");
}

#[test]
fn a_bad_file_reports_every_problem_at_once() {
    let folder = Folder::new();
    let missing = folder.0.join("no-such-token").display().to_string();
    let file = folder.file(
        "bad.toml",
        &format!(
            "databse_url = \"sqlite::memory:\"\n\
             public_base_url = \"ftp://clusters.example.org\"\n\
             jwt_secret = \"too-short\"\n\
             rate_limit_user = 0\n\
             mail_batch_size = 0\n\
             listen_addr = \"port eighty\"\n\
             metrics_token_file = \"{missing}\"\n"
        ),
    );
    let (ok, out, err) = run(&["config", "check"], &[("CLUSTERBRIDGE_CONFIG", &file)]);
    assert!(!ok, "exit 1 on problems");
    assert!(out.is_empty(), "no summary when something is wrong: {out}");
    let lines: Vec<&str> = err.lines().collect();
    let expected = [
        "the config file has no setting \"databse_url\" (did you mean \"database_url\"?)",
        "PUBLIC_BASE_URL must be an http or https URL",
        "JWT_SECRET must be at least 32 bytes",
        "RATE_LIMIT_USER must be at least 1",
        "MAIL_BATCH_SIZE must be at least 1",
        "LISTEN_ADDR in the config file: invalid value 'port eighty'",
        "METRICS_TOKEN_FILE ",
    ];
    for start in expected {
        assert!(lines.iter().any(|l| l.starts_with(start)), "{start:?} in\n{err}");
    }
    assert!(err.contains(&missing), "the unreadable file is named:\n{err}");
    assert_eq!(lines.len(), expected.len(), "one line a problem:\n{err}");
}

#[test]
fn a_flag_wins_over_the_environment_and_the_environment_over_the_file() {
    let folder = Folder::new();
    let file = good_file(&folder);
    let (ok, out, err) = run(
        &["--live-max-sockets", "60", "config", "check", "--config", &file],
        &[("RATE_LIMIT_USER", "9"), ("LIVE_MAX_SOCKETS", "70")],
    );
    assert!(ok, "{err}");
    assert!(out.lines().any(|l| l == "RATE_LIMIT_USER = 9 (environment)"), "{out}");
    assert!(out.lines().any(|l| l == "LIVE_MAX_SOCKETS = 60 (flag)"), "{out}");
    assert!(
        out.lines().any(|l| l == "CLUSTERBRIDGE_ENV = production (config file)"),
        "{out}"
    );
    // The environment's good value does not hide the file's bad one from the check, though: the
    // file is checked as written.
    let bad = folder.file("typo.toml", "rate_limit_user = \"many\"\n");
    let (ok, _, err) = run(&["config", "check", "--config", &bad], &[("RATE_LIMIT_USER", "9")]);
    assert!(!ok);
    assert!(
        err.contains("RATE_LIMIT_USER in the config file: invalid value 'many'"),
        "{err}"
    );
}

#[test]
fn a_secret_file_is_used_without_its_trailing_newline() {
    let folder = Folder::new();
    let secret = folder.file("jwt_secret", &format!("{SECRET}\n"));
    let (ok, out, err) = run(
        &["issue-token", "--role", "ADMIN", "--subject", "ops@example.org"],
        &[("JWT_SECRET_FILE", &secret)],
    );
    assert!(ok, "{err}");
    TokenService::new(SECRET)
        .verify(out.trim())
        .expect("signed with the file's secret");
    // Named in the TOML file, too, and masked in the summary.
    let file = folder.file("secret.toml", &format!("jwt_secret_file = \"{secret}\"\n"));
    let (ok, out, err) = run(&["config", "check", "--config", &file], &[]);
    assert!(ok, "{err}");
    assert!(out.lines().any(|l| l == "JWT_SECRET = ******** (secret file)"), "{out}");
    // A secret set twice is a mistake, not a precedence.
    let (ok, _, err) = run(
        &["config", "check"],
        &[("JWT_SECRET_FILE", &secret), ("JWT_SECRET", SECRET)],
    );
    assert!(!ok);
    assert!(err.contains("set JWT_SECRET or JWT_SECRET_FILE, not both"), "{err}");
}

#[test]
fn the_database_password_is_masked() {
    let (ok, out, err) = run(
        &["config", "check"],
        &[(
            "DATABASE_URL",
            "postgres://clusterbridge:hunter2-hunter2@db.internal:5432/clusterbridge",
        )],
    );
    assert!(ok, "{err}");
    assert!(!out.contains("hunter2"), "{out}");
    assert!(
        out.contains("DATABASE_URL = postgres://clusterbridge:********@db.internal:5432/clusterbridge (environment)"),
        "{out}"
    );
}

#[test]
fn serve_reports_every_problem_before_starting() {
    let (ok, _, err) = run(
        &["serve"],
        &[
            ("CLUSTERBRIDGE_ENV", "production"),
            ("DATABASE_URL", "sqlite::memory:"),
            ("REQUEST_TIMEOUT", "0"),
            ("SMTP_URL", "http://mail.example.org"),
        ],
    );
    assert!(!ok);
    for start in ["JWT_SECRET must be set in production", "REQUEST_TIMEOUT", "SMTP_URL"] {
        assert!(err.lines().any(|l| l.starts_with(start)), "{start:?} in\n{err}");
    }
}

#[test]
fn the_readme_table_lists_exactly_the_settings_the_command_line_knows() {
    let known: BTreeSet<String> = Settings::augment_args(clap::Command::new("clusterbridge"))
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .chain(READ_BY_LIBRARIES.map(str::to_owned))
        .collect();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| variable | default | meaning |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let listed: Vec<String> = table
        .iter()
        .map(|row| {
            let first = row.split('|').nth(1).unwrap_or_default().trim();
            first
                .strip_prefix('`')
                .and_then(|f| f.strip_suffix('`'))
                .unwrap_or(first)
                .to_owned()
        })
        .collect();
    let listed_set: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), listed_set.len(), "each setting has one row");
    let missing: Vec<_> = known.difference(&listed_set).collect();
    let unknown: Vec<_> = listed_set.difference(&known).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "not in the README's table: {missing:?}; in the table but unknown: {unknown:?}"
    );
}
