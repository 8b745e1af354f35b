//! A real server on a real database for each test: SQLite by default, PostgreSQL when
//! `TEST_DATABASE_URL` names one (each test then works in a schema of its own).

mod process;

use std::{
    net::TcpListener,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc,
    },
    time::Duration,
};

use clusterbridge::{
    app,
    auth::{Actor, PartnerIdp, Principal, Role, TokenService},
    db,
    http::{AppState, EndpointSettings},
    seed,
    testing::TestDatabase,
};
use serde_json::{json, Value};

pub use self::process::Process;

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";
/// A key that no longer signs but still verifies, as after a key rotation.
pub const RETIRED_SECRET: &str = "retired-secret-that-is-long-enough-for-hs256";
pub const IDP_ISSUER: &str = "https://idp.cnfi.example.tw";
pub const IDP_PRIVATE_KEY: &[u8] = include_bytes!("fixtures/partner-idp-ed25519.pem");
pub const IDP_PUBLIC_KEY: &[u8] = include_bytes!("fixtures/partner-idp-ed25519.pub.pem");

/// The keys every test server trusts: ours (kid `primary`), a retired one (kid `old`), and a
/// partner's identity provider for Taiwan.
pub fn token_service() -> TokenService {
    let idp = PartnerIdp::from_pem(IDP_ISSUER, "EdDSA", IDP_PUBLIC_KEY, vec!["TW".into()]).expect("IdP key");
    TokenService::with_keys(
        "primary",
        SECRET,
        &[("old".into(), RETIRED_SECRET.into())],
        Some(idp),
        Duration::from_secs(900),
    )
}

/// What a test server's database holds when it starts.
#[derive(Clone, Copy)]
enum Contents {
    Empty,
    Demo,
    /// A synthetic directory of this many clusters (`clusterbridge generate`, seed 7).
    Generated(usize),
}

enum Store {
    /// A database the test manages itself.
    External,
    Own(TestDatabase),
}

pub struct TestApp {
    pub base: String,
    statements: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
    store: Store,
    agent: ureq::Agent,
    url: String,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// The `data` of a response that must have no errors.
    pub fn data(&self) -> &Value {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {}", self.body);
        &self.body["data"]
    }

    /// The code of the first error, which must exist.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code, got {}", self.body))
    }

    /// The field names of a BAD_USER_INPUT error.
    pub fn bad_fields(&self) -> Vec<String> {
        assert_eq!(self.code(), "BAD_USER_INPUT", "{}", self.body);
        self.body["errors"][0]["extensions"]["fields"]
            .as_array()
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(|f| f["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub fn on_postgres(&self) -> bool {
        matches!(&self.store, Store::Own(db) if db.on_postgres())
    }

    /// A server over a migrated database holding the demo data.
    pub fn spawn() -> Self {
        Self::start(Contents::Demo, EndpointSettings::default())
    }

    /// A server over a migrated, empty database.
    pub fn empty() -> Self {
        Self::start(Contents::Empty, EndpointSettings::default())
    }

    /// A server with the demo data and other limits, e.g. production mode or tight rate limits.
    pub fn with_settings(settings: EndpointSettings) -> Self {
        Self::start(Contents::Demo, settings)
    }

    /// A server over a synthetic directory of `clusters` clusters, as the benchmark fills one.
    pub fn generated(clusters: usize, settings: EndpointSettings) -> Self {
        Self::start(Contents::Generated(clusters), settings)
    }

    /// A server with the demo data on a database the test runs itself.
    pub fn on_database(url: &str) -> Self {
        Self::start_on(Contents::Demo, EndpointSettings::default(), Some(url.to_owned()))
    }

    /// Another replica of this server: a server with its own pool and caches on this server's
    /// database (migrated already, its data left as it is).
    pub fn replica(&self, settings: EndpointSettings) -> Self {
        Self::start_on(Contents::Empty, settings, Some(self.url.clone()))
    }

    fn start(contents: Contents, settings: EndpointSettings) -> Self {
        Self::start_on(contents, settings, None)
    }

    fn start_on(contents: Contents, settings: EndpointSettings, external: Option<String>) -> Self {
        let (url, store) = match external {
            Some(url) => (url, Store::External),
            None => {
                let db = blocking(TestDatabase::create).expect("a test database");
                (db.url.clone(), Store::Own(db))
            }
        };
        let url_for_sql = url.clone();
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let mut db = db::connect(&url, 4).await.expect("connect to the test database");
                db::migrate(&db).await.expect("migrate");
                match contents {
                    Contents::Empty => {}
                    Contents::Demo => {
                        seed::load_demo_data(&db, seed::DemoAccounts::Create)
                            .await
                            .expect("load demo data");
                    }
                    Contents::Generated(clusters) => {
                        clusterbridge::generate::generate(&db, clusters, 7)
                            .await
                            .expect("generate a directory");
                    }
                }
                let print_sql = std::env::var_os("TEST_PRINT_SQL").is_some();
                db.set_metric_callback(move |info| {
                    // The live-notification relay (src/domain/notification/postgres.rs) sends its
                    // NOTIFY on this pool from a task of its own, whenever it gets to it: counted,
                    // a write's notification could land in the next request's count.
                    if !info.statement.sql.starts_with("SELECT pg_notify") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    if print_sql {
                        eprintln!("SQL: {}", info.statement.sql.chars().take(150).collect::<String>());
                    }
                });
                let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
                let addr = listener.local_addr().expect("address");
                let state = AppState::with_settings(db, token_service(), settings);
                let cors = vec!["https://portal.example.eu".to_owned()];
                let server = app::server(listener, state, 1, cors, std::time::Duration::from_secs(1)).expect("server");
                tx.send((addr, server.handle())).expect("report address");
                server.await.expect("serve");
            });
        });
        let (addr, handle) = rx.recv_timeout(Duration::from_secs(60)).expect("server started");
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        TestApp {
            base: format!("http://{addr}"),
            statements,
            handle,
            store,
            agent,
            url: url_for_sql,
        }
    }

    pub fn token(role: Role) -> String {
        TokenService::new(SECRET)
            .issue_for("test@example.org", role, Duration::from_secs(600))
            .expect("token")
    }

    /// A token with scopes: the countries a PARTNER acts for, the clusters a CLUSTER_MANAGER
    /// manages, the partner organisations a PARTNER belongs to (global IDs or UUIDs).
    pub fn scoped_token(role: Role, countries: &[&str], clusters: &[&str], partners: &[&str]) -> String {
        let principal = Principal {
            subject: "scoped@example.org".into(),
            actor: Actor::Operator,
            role,
            countries: countries.iter().map(|c| c.to_string()).collect(),
            clusters: clusters.iter().map(|id| uuid_of(id)).collect(),
            partner_organisations: partners.iter().map(|id| uuid_of(id)).collect(),
            email_verified: true,
        };
        TokenService::new(SECRET)
            .issue(&principal, Duration::from_secs(600))
            .expect("token")
    }

    pub fn admin() -> Option<String> {
        Some(Self::token(Role::Admin))
    }

    /// Sends a GraphQL operation with POST, as the holder of `token`.
    pub fn post(&self, token: Option<&str>, query: &str, variables: Value) -> Reply {
        let mut request = self.agent.post(format!("{}/graphql", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let response = request
            .send_json(json!({ "query": query, "variables": variables }))
            .expect("request");
        read(response)
    }

    /// Anonymous query.
    pub fn query(&self, query: &str, variables: Value) -> Reply {
        self.post(None, query, variables)
    }

    /// Query or mutation as an administrator.
    pub fn as_admin(&self, query: &str, variables: Value) -> Reply {
        self.post(Self::admin().as_deref(), query, variables)
    }

    pub fn get(&self, path: &str) -> (u16, String, ureq::http::HeaderMap) {
        let mut response = self.agent.get(format!("{}{path}", self.base)).call().expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
            headers,
        )
    }

    /// Runs SQL on the test database behind the server's back, to stage what a client cannot.
    pub fn sql(&self, sql: &str) {
        run_sql(&self.url, sql);
    }

    /// The first column of the first row of a query on the test database, as a number: to see
    /// what the server stored (and swept) without an API for it.
    pub fn count(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let url = self.url.clone();
        blocking(|| async move {
            let db = db::connect(&url, 1).await.expect("connect as administrator");
            let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
            let row = db.query_one_raw(statement).await.expect("query").expect("a row");
            let n: i64 = row.try_get_by_index(0).expect("a number");
            db.close().await.ok();
            n
        })
    }

    /// The URL of the test database, to connect to it beside the server.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// The HTTP agent, for requests the helpers above do not make.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// SQL statements the server has run since the last call.
    pub fn take_statement_count(&self) -> usize {
        self.statements.swap(0, Ordering::SeqCst)
    }
}

/// The UUID inside a global ID (or a bare UUID).
pub fn uuid_of(id: &str) -> uuid::Uuid {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    if let Ok(uuid) = uuid::Uuid::parse_str(id) {
        return uuid;
    }
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(id).expect("global ID")).expect("UTF-8");
    uuid::Uuid::parse_str(decoded.split_once(':').expect("Type:uuid").1).expect("UUID")
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let body = response.body_mut().read_json::<Value>().unwrap_or(Value::Null);
    Reply { status, body }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        if let Store::Own(db) = &self.store {
            blocking(|| db.remove());
        }
    }
}

fn run_sql(url: &str, sql: &str) {
    use sea_orm::ConnectionTrait;
    blocking(|| async {
        let db = db::connect(url, 1).await.expect("connect as administrator");
        db.execute_unprepared(sql).await.expect("administrative SQL");
        db.close().await.ok();
    })
}

/// Runs `work` on a runtime and a thread of its own, so this works inside and outside an async
/// context.
fn blocking<F: std::future::Future>(work: impl FnOnce() -> F + Send) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime")
                    .block_on(work())
            })
            .join()
            .expect("a thread of its own")
    })
}

/// Chromium and playwright-core, installed by `scripts/install-browser` when missing; false only
/// when they cannot be installed.
pub fn browser_ready(root: &std::path::Path) -> bool {
    let ready = || {
        std::path::Path::new("/usr/bin/chromium").exists()
            && root.join("tests/browser/node_modules/playwright-core").exists()
    };
    if !ready() {
        let installed = std::process::Command::new(root.join("scripts/install-browser")).status();
        eprintln!("scripts/install-browser: {installed:?}");
    }
    ready()
}
