//! The topology test's parts: a PostgreSQL database of its own, and Debian's nginx running the
//! repository's proxy template in a folder of its own; each cleaned up however the test ends.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::Process;

/// The proxy's configuration; a placeholder added to it must be filled in `Nginx::start` too
/// (`render` checks).
const TEMPLATE: &str = "deploy/nginx/clusterbridge.conf.template";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Runs `work` on a runtime of its own (the test itself is synchronous).
fn on_runtime<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(work)
}

/// A database of its own on the PostgreSQL server of `TEST_DATABASE_URL` (else the local one),
/// dropped however the test ends.
pub struct Database {
    admin: String,
    name: String,
    pub url: String,
}

impl Database {
    pub fn create() -> Option<Self> {
        let admin = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("topology_{}", uuid::Uuid::now_v7().simple());
        let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        let created = on_runtime(async {
            let db = sea_orm::Database::connect(admin.as_str()).await?;
            sea_orm::ConnectionTrait::execute_unprepared(&db, &format!("CREATE DATABASE {name}")).await?;
            db.close().await
        });
        match created {
            Ok(()) => Some(Database {
                admin,
                name,
                url: url.to_string(),
            }),
            Err(err) if std::env::var_os("TEST_DATABASE_URL").is_none() => {
                eprintln!("SKIPPED: the topology test needs PostgreSQL (set TEST_DATABASE_URL): {err}");
                None
            }
            Err(err) => panic!("create a database for the topology: {err}"),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = on_runtime(async {
            let db = sea_orm::Database::connect(self.admin.as_str()).await?;
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            sea_orm::ConnectionTrait::execute_unprepared(&db, &drop).await?;
            db.close().await
        });
    }
}

/// Debian's nginx on the repository's template, as a foreground process in a folder of its own
/// (configuration, pid, logs, temporary files); stopped and removed however the test ends.
pub struct Nginx {
    child: Child,
    folder: PathBuf,
    pub base: String,
}

impl Nginx {
    pub fn start(replicas: [&Process; 2]) -> Self {
        let port = free_port();
        let address = |p: &Process| p.base.trim_start_matches("http://").to_owned();
        let rendered = render(
            &std::fs::read_to_string(root().join(TEMPLATE)).expect("the proxy template"),
            &[
                ("CLUSTERBRIDGE_API_1", address(replicas[0])),
                ("CLUSTERBRIDGE_API_2", address(replicas[1])),
                ("PROXY_LISTEN", format!("127.0.0.1:{port}")),
            ],
        );
        // Rendered (and checked) before the folder exists, so that a failure leaves nothing.
        let folder = std::env::temp_dir().join(format!("topology-nginx-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&folder).expect("nginx's folder");
        std::fs::write(folder.join("clusterbridge.conf"), rendered).expect("the rendered template");
        // What the image's own nginx.conf does around conf.d/, with every path in the folder.
        let dir = folder.display();
        let main = format!(
            "daemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log info;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n  \
             fastcgi_temp_path {dir}/fastcgi;\n  uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n  \
             include {dir}/clusterbridge.conf;\n}}\n"
        );
        std::fs::write(folder.join("nginx.conf"), main).expect("nginx.conf");
        let access_log = std::fs::File::create(folder.join("access.log")).expect("access log");
        let child = Command::new(nginx_binary().expect("nginx"))
            .arg("-p")
            .arg(&folder)
            .arg("-c")
            .arg(folder.join("nginx.conf"))
            .stdout(access_log)
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Nginx {
            child,
            folder,
            base: format!("http://127.0.0.1:{port}"),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if agent.get(format!("{}/proxy-health", nginx.base)).call().is_ok() {
                break nginx;
            }
            let log = std::fs::read_to_string(nginx.folder.join("error.log")).unwrap_or_default();
            assert!(Instant::now() < deadline, "nginx starts; its error log:\n{log}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.folder.join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so that the master stops its worker too; SIGKILL would leave the worker.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

pub fn nginx_binary() -> Option<PathBuf> {
    let found = || {
        ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .map(PathBuf::from)
            .into_iter()
            .find(|p| p.exists())
    };
    if found().is_none() {
        let installed = Command::new(root().join("scripts/install-test-tools")).status();
        eprintln!("scripts/install-test-tools: {installed:?}");
    }
    found()
}

/// What the image's envsubst does with the defined names: `${NAME}` replaced, nginx's own
/// `$variables` left alone.
fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        let placeholder = format!("${{{name}}}");
        assert!(out.contains(&placeholder), "the template uses {placeholder}");
        out = out.replace(&placeholder, value);
    }
    assert!(!out.contains("${"), "a placeholder the test does not fill:\n{out}");
    out
}
