//! The deployment files' shape: docker-compose.yml (PostgreSQL, a one-shot migration, two API
//! replicas behind nginx, secrets from files, a demo profile) and the Dockerfile (multi-stage,
//! non-root, a working directory, 0.0.0.0, a HEALTHCHECK the final image can run). There is no
//! Docker engine here; tests/api/topology/ runs the same topology as processes.

use std::collections::BTreeSet;

use clap::Args;
use clusterbridge::config::Settings;
use yaml_rust2::{yaml::Hash, Yaml, YamlLoader};

fn root(file: &str) -> String {
    std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// docker-compose.yml with its merge keys (`<<: *anchor`) applied, as compose applies them.
fn compose() -> Yaml {
    let docs = YamlLoader::load_from_str(&root("docker-compose.yml")).expect("docker-compose.yml is YAML");
    merged(&docs[0])
}

fn merged(node: &Yaml) -> Yaml {
    match node {
        Yaml::Hash(map) => {
            let mut out = Hash::new();
            // Merged keys first, so that the mapping's own keys win.
            if let Some(base) = map.get(&Yaml::String("<<".into())) {
                let bases = match base {
                    Yaml::Array(list) => list.clone(),
                    one => vec![one.clone()],
                };
                for base in bases {
                    if let Yaml::Hash(base) = merged(&base) {
                        out.extend(base);
                    }
                }
            }
            for (key, value) in map {
                if key.as_str() != Some("<<") {
                    out.insert(key.clone(), merged(value));
                }
            }
            Yaml::Hash(out)
        }
        Yaml::Array(list) => Yaml::Array(list.iter().map(merged).collect()),
        other => other.clone(),
    }
}

fn strings(node: &Yaml) -> Vec<String> {
    node.as_vec()
        .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn keys(node: &Yaml) -> BTreeSet<String> {
    node.as_hash()
        .map(|map| map.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A service's environment as (name, value), values as compose would render them (`${X:-d}`
/// with X unset gives d).
fn environment(service: &Yaml) -> Vec<(String, String)> {
    let map = service["environment"].as_hash().expect("environment is a mapping");
    map.iter()
        .map(|(k, v)| {
            let value = match v {
                Yaml::String(s) => s.clone(),
                Yaml::Integer(n) => n.to_string(),
                other => panic!("{k:?}: {other:?} is not a string"),
            };
            let value = match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
                Some(inner) => inner.split_once(":-").map(|(_, d)| d.to_owned()).unwrap_or_default(),
                None => value,
            };
            (k.as_str().expect("a name").to_owned(), value)
        })
        .collect()
}

fn setting_names() -> BTreeSet<String> {
    Settings::augment_args(clap::Command::new("clusterbridge"))
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .chain(crate::config::READ_BY_LIBRARIES.map(str::to_owned))
        .collect()
}

#[test]
fn compose_runs_postgres_a_migration_two_replicas_and_a_proxy() {
    let compose = compose();
    let services = &compose["services"];
    let names = keys(services);
    for name in ["db", "migrate", "seed", "api-1", "api-2", "proxy"] {
        assert!(names.contains(name), "service {name} in {names:?}");
    }
    let db = &services["db"];
    assert!(db["image"].as_str().unwrap_or_default().starts_with("postgres:"));
    assert!(
        !db["healthcheck"]["test"].is_badvalue(),
        "the database has a healthcheck"
    );

    // Exactly one service migrates, and every replica waits until it has.
    let commands: Vec<(String, Vec<String>)> = names
        .iter()
        .map(|n| (n.clone(), strings(&services[n.as_str()]["command"])))
        .collect();
    let migrating: Vec<&String> = commands
        .iter()
        .filter(|(_, c)| c.first().map(String::as_str) == Some("migrate"))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(migrating, ["migrate"], "one one-shot service runs the migrations");
    assert_eq!(services["migrate"]["restart"].as_str(), Some("no"));
    for one_shot in ["migrate", "seed"] {
        let disabled = services[one_shot]["healthcheck"]["disable"].as_bool();
        assert_eq!(disabled, Some(true), "{one_shot} runs no server to probe");
    }
    assert_eq!(
        services["migrate"]["depends_on"]["db"]["condition"].as_str(),
        Some("service_healthy")
    );

    let replicas = ["api-1", "api-2"];
    for name in replicas {
        let api = &services[name];
        assert_eq!(strings(&api["command"]), ["serve"], "{name} serves");
        assert_eq!(api["build"]["dockerfile"].as_str(), Some("Dockerfile"), "{name}");
        assert_eq!(
            api["depends_on"]["migrate"]["condition"].as_str(),
            Some("service_completed_successfully"),
            "{name} starts on a migrated database"
        );
        assert_eq!(
            strings(&api["healthcheck"]["test"]),
            ["CMD", "clusterbridge", "health"],
            "{name}'s healthcheck needs no shell"
        );
        assert!(api["ports"].is_badvalue(), "{name} is reached through the proxy only");
    }
    assert_eq!(
        environment(&services["api-1"]),
        environment(&services["api-2"]),
        "the replicas are configured alike"
    );

    let proxy = &services["proxy"];
    assert!(proxy["image"].as_str().unwrap_or_default().starts_with("nginx:"));
    let mounts = strings(&proxy["volumes"]);
    assert!(
        mounts
            .iter()
            .any(|m| m.starts_with("./deploy/nginx/clusterbridge.conf.template:/etc/nginx/templates/")),
        "the repository's template is the proxy's configuration: {mounts:?}"
    );
    let proxy_env: Vec<(String, String)> = environment(proxy);
    for (name, replica) in [
        ("CLUSTERBRIDGE_API_1", "api-1:8080"),
        ("CLUSTERBRIDGE_API_2", "api-2:8080"),
    ] {
        assert!(
            proxy_env.contains(&(name.into(), replica.into())),
            "{name} names {replica}"
        );
    }
    for name in replicas {
        assert_eq!(
            proxy["depends_on"][name]["condition"].as_str(),
            Some("service_healthy"),
            "the proxy waits for {name}"
        );
    }
    assert!(
        !proxy["healthcheck"]["test"].is_badvalue(),
        "the proxy has a healthcheck"
    );
    assert_eq!(strings(&proxy["ports"]).len(), 1, "the one published port");

    // The replicas trust the proxy's fixed address, and nothing wider.
    let proxy_address = proxy["networks"]["backend"]["ipv4_address"]
        .as_str()
        .expect("the proxy has a fixed address");
    let api_env = environment(&services["api-1"]);
    let trusted = api_env
        .iter()
        .find(|(k, _)| k == "TRUSTED_PROXIES")
        .map(|(_, v)| v.as_str());
    assert_eq!(trusted, Some(proxy_address), "TRUSTED_PROXIES is the proxy");

    // The demo data comes from a profile of its own, with the accounts development mode makes.
    let seed = &services["seed"];
    assert_eq!(strings(&seed["profiles"]), ["demo"]);
    assert_eq!(strings(&seed["command"]), ["seed", "--if-empty"]);
    assert!(environment(seed).contains(&("CLUSTERBRIDGE_ENV".into(), "development".into())));
}

#[test]
fn compose_secrets_come_from_files_and_every_setting_is_one_the_server_knows() {
    let compose = compose();
    let services = &compose["services"];
    let declared = keys(&compose["secrets"]);
    for name in &declared {
        let file = compose["secrets"][name.as_str()]["file"]
            .as_str()
            .expect("a file secret");
        assert!(file.starts_with("./deploy/secrets/"), "{name}: {file}");
    }
    let ignored = root(".gitignore");
    assert!(
        ignored.lines().any(|l| l == "deploy/secrets/"),
        "secrets are not committed"
    );
    assert!(
        root(".dockerignore").lines().any(|l| l == "deploy/secrets/"),
        "nor put in the image"
    );
    let make_secrets = root("deploy/make-secrets");

    let known = setting_names();
    for name in ["migrate", "seed", "api-1", "api-2"] {
        let service = &services[name];
        let mounted: BTreeSet<String> = strings(&service["secrets"]).into_iter().collect();
        for (key, value) in environment(service) {
            assert!(known.contains(&key), "{name}: {key} is not a setting of the server");
            for secret in [
                "DATABASE_URL",
                "JWT_SECRET",
                "METRICS_TOKEN",
                "SMTP_PASSWORD",
                "JWT_RETIRED_KEYS",
            ] {
                assert_ne!(key, secret, "{name}: {secret} only as {secret}_FILE");
            }
            if let Some(secret) = key.strip_suffix("_FILE").map(|_| value.as_str()) {
                let secret = secret.strip_prefix("/run/secrets/").expect("a mounted secret");
                assert!(mounted.contains(secret), "{name} mounts {secret}");
                assert!(declared.contains(secret), "{secret} is declared");
                assert!(
                    make_secrets.contains(&format!("write {secret} ")),
                    "deploy/make-secrets writes {secret}"
                );
            }
        }
    }
    let db_env = environment(&services["db"]);
    assert!(
        db_env.iter().all(|(k, _)| k != "POSTGRES_PASSWORD"),
        "the password from a file"
    );
    assert!(db_env.contains(&("POSTGRES_PASSWORD_FILE".into(), "/run/secrets/postgres_password".into())));
}

/// The replicas' environment passes `config check` as it stands, with the secrets as files.
#[test]
fn the_replicas_configuration_passes_config_check() {
    let folder = std::env::temp_dir().join(format!("compose-secrets-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let secret = |name: &str, value: &str| {
        let path = folder.join(name);
        std::fs::write(&path, value).expect("a secret file");
        path.to_string_lossy().into_owned()
    };
    let files = [
        (
            "database_url",
            secret("database_url", "postgres://clusterbridge:pw@db:5432/clusterbridge"),
        ),
        (
            "jwt_secret",
            secret("jwt_secret", "a-compose-secret-of-at-least-32-bytes-long"),
        ),
        (
            "metrics_token",
            secret("metrics_token", "a-metrics-token-of-some-length"),
        ),
    ];
    let env: Vec<(String, String)> = environment(&compose()["services"]["api-1"])
        .into_iter()
        .map(|(k, v)| match v.strip_prefix("/run/secrets/") {
            Some(name) => {
                let (_, path) = files.iter().find(|(n, _)| *n == name).expect("a known secret");
                (k, path.clone())
            }
            None => (k, v),
        })
        .collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .args(["config", "check"])
        .env_clear()
        .envs(env)
        .output()
        .expect("run config check");
    let _ = std::fs::remove_dir_all(&folder);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "config check: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0.0.0.0:8080"), "{stdout}");
}

/// The Dockerfile's instructions, continuation lines joined: (stage index, instruction, rest).
fn dockerfile() -> Vec<(usize, String, String)> {
    let text = root("Dockerfile");
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') && current.is_empty() || line.is_empty() {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                joined.push(std::mem::take(&mut current));
            }
        }
    }
    let mut stage = 0;
    joined
        .into_iter()
        .map(|line| {
            let (instruction, rest) = line.split_once(' ').unwrap_or((&line, ""));
            let instruction = instruction.to_uppercase();
            if instruction == "FROM" {
                stage += 1;
            }
            (stage, instruction, rest.trim().to_owned())
        })
        .collect()
}

#[test]
fn the_image_builds_in_stages_and_runs_small_unprivileged_and_probed() {
    let lines = dockerfile();
    let froms: Vec<&String> = lines
        .iter()
        .filter(|(_, i, _)| i == "FROM")
        .map(|(_, _, r)| r)
        .collect();
    assert!(froms.len() >= 2, "multi-stage: {froms:?}");
    let last = froms.len();
    let build_stage = froms[0].rsplit(' ').next().expect("the stage's name");
    let final_image = froms[last - 1].as_str();
    assert!(
        final_image.contains("distroless") || final_image.contains("-slim"),
        "a small final image: {final_image}"
    );
    let in_build = |instruction: &str, needle: &str| {
        lines
            .iter()
            .any(|(s, i, r)| *s < last && i == instruction && r.contains(needle))
    };
    assert!(in_build("RUN", "npm"), "the builder has npm for build.rs's `npm ci`");
    assert!(in_build("RUN", "cargo build --release --locked"));
    let last_stage: Vec<(&str, &str)> = lines
        .iter()
        .filter(|(s, _, _)| *s == last)
        .map(|(_, i, r)| (i.as_str(), r.as_str()))
        .collect();
    let one = |instruction: &str| {
        let found: Vec<&str> = last_stage
            .iter()
            .filter(|(i, _)| *i == instruction)
            .map(|(_, r)| *r)
            .collect();
        assert_eq!(found.len(), 1, "one {instruction} in the final stage: {found:?}");
        found[0]
    };
    let user = one("USER");
    let uid = user.split(':').next().unwrap_or_default();
    assert!(!["root", "0", ""].contains(&uid), "not root: {user}");
    let workdir = one("WORKDIR");
    assert!(workdir.starts_with('/'), "{workdir}");
    // The working directory's folders are the user's (the default SQLite file is data/eccp.db).
    assert!(
        last_stage.iter().any(|(i, r)| *i == "COPY"
            && r.contains(&format!("--from={build_stage}"))
            && r.contains(&format!("--chown={user}"))
            && r.ends_with(workdir)),
        "the working directory is copied in owned by {user}"
    );
    assert!(
        in_build("RUN", "install -d -o 65532 -g 65532 /out/app /out/app/data"),
        "with a data/ folder of the user's"
    );
    assert_eq!(one("ENV"), "LISTEN_ADDR=0.0.0.0:8080");
    let healthcheck = one("HEALTHCHECK");
    // Exec form: the final image has no shell to run a string, nor curl.
    assert!(
        healthcheck.ends_with(r#"CMD ["clusterbridge", "health"]"#),
        "{healthcheck}"
    );
    assert_eq!(one("ENTRYPOINT"), r#"["clusterbridge"]"#);
    assert_eq!(one("CMD"), r#"["serve"]"#);
}
