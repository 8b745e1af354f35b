//! Schema-driven fuzzing of the GraphQL endpoint. Each test reads the live schema by
//! introspection and sends over a thousand generated requests: valid queries and broken ones,
//! deep and wide, odd Unicode, huge numbers, random variables, mutations with random inputs,
//! batches, GET requests and garbage bodies. Every answer must hold: no 5xx except a 503 for
//! TIMEOUT or UNAVAILABLE, a JSON body, a string `extensions.code` on every error, no INTERNAL
//! error, no SQL in a message, no panic in the server, and a server that still answers at the end.
//!
//! Deep nesting goes to the real binary in a process of its own, since a stack overflow there
//! aborts the process (see `fuzz_deep_nesting_in_a_server_process`).
//!
//! The generator is a seeded splitmix64, so every run sends the same cases. To reproduce or
//! explore: `FUZZ_SEED=0x… FUZZ_CASES=… cargo test --test api fuzz -- --nocapture`, with
//! `FUZZ_VERBOSE=1` to print every case as it is sent and `FUZZ_REPORT=<directory>` to write
//! every finding to a file there.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    rc::Rc,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex, Once,
    },
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use clusterbridge::{
    auth::Role,
    domain::persisted_document,
    http::{graphql::EndpointSettings, limits::Budgets},
    seed::DEMO_ACCOUNTS,
};
use serde_json::{json, Value};

use crate::support::TestApp;

#[test]
fn fuzz_queries_from_the_schema() {
    Fuzzer::start("queries", 0x5EED_C1B5_0000_0001).run(1_300, Fuzzer::query_case);
}

#[test]
fn fuzz_mutations_from_the_schema() {
    Fuzzer::start("mutations", 0x5EED_C1B5_0000_0002).run(800, Fuzzer::mutation_case);
}

#[test]
fn fuzz_requests_over_http() {
    Fuzzer::start("http", 0x5EED_C1B5_0000_0003).run(1_100, Fuzzer::http_case);
}

/// Deep nesting in a document can overflow the stack of a server thread, and a stack overflow
/// aborts the whole process: in this test binary it would take every other test down with it.
/// So these cases go to the real binary, in a process of its own that is restarted when it dies.
/// (On SQLite even under `TEST_DATABASE_URL`: the parser does not care.)
#[test]
fn fuzz_deep_nesting_in_a_server_process() {
    let seed = fuzz_seed(0x5EED_C1B5_0000_0004);
    println!("fuzz nesting: seed {seed:#x}");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut server = ServerProcess::start();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut cases = 0;
    let mut restarts = 0;
    let mut failures: Vec<String> = Vec::new();
    for (shape, document) in NESTINGS {
        let mut sizes = vec![64, 200, 300, 400, 500, 700, 1_000, 3_000, 30_000];
        sizes.extend((0..3).map(|_| rng.between(100, 5_000) as usize));
        for n in sizes {
            let body = document(n);
            cases += 1;
            let sent = agent
                .post(format!("{}/graphql", server.base))
                .header("Content-Type", "application/json")
                .send(body.as_str())
                .and_then(|mut r| {
                    let status = r.status().as_u16();
                    Ok((status, r.body_mut().with_config().limit(64 << 20).read_to_string()?))
                });
            let case = Case {
                kind: shape,
                get: None,
                headers: vec![("Content-Type".into(), "application/json".into())],
                plain: body.clone(),
                body: body.into_bytes(),
                batch: None,
            };
            match sent {
                Ok((status, text)) => {
                    for problem in check(&case, status, &text) {
                        failures.push(format!(
                            "{shape}, {n} levels: {problem}\n  POST /graphql {}\n  => status {status}: {}",
                            excerpt(&case.plain, 200),
                            excerpt(&text, 600)
                        ));
                    }
                }
                Err(err) => {
                    let death = server.death();
                    failures.push(format!(
                        "{shape}, {n} levels ({} bytes): no answer ({err}); the server process {}\n  POST /graphql {}",
                        case.body.len(),
                        match &death {
                            Some((status, log)) => format!("died ({status}), its last words: {log}"),
                            None => "is still running".to_owned(),
                        },
                        excerpt(&case.plain, 200)
                    ));
                    if death.is_some() {
                        restarts += 1;
                        server = ServerProcess::start_on(server.take_database());
                    }
                    // One crash is enough to show a shape is fatal.
                    break;
                }
            }
        }
    }
    let health = agent
        .post(format!("{}/graphql", server.base))
        .header("Content-Type", "application/json")
        .send("{\"query\":\"{ __typename }\"}")
        .map(|r| r.status().as_u16());
    assert_eq!(health.ok(), Some(200), "the server answers after the fuzz");
    println!(
        "fuzz nesting: {cases} cases, {restarts} server restarts in {:.1} s, seed {seed:#x}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "fuzz nesting (seed {seed:#x}) found server bugs:\n\n{}",
        failures.join("\n\n")
    );
}

type Nesting = (&'static str, fn(usize) -> String);

/// Documents nested `n` levels deep, each a JSON request body.
const NESTINGS: [Nesting; 9] = [
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
struct ServerProcess {
    child: std::process::Child,
    base: String,
    database: Option<std::path::PathBuf>,
    log: std::path::PathBuf,
}

impl ServerProcess {
    fn start() -> ServerProcess {
        let id = uuid::Uuid::now_v7().simple();
        ServerProcess::start_on(std::env::temp_dir().join(format!("clusterbridge-fuzz-{id}.db")))
    }

    fn start_on(database: std::path::PathBuf) -> ServerProcess {
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
    fn death(&mut self) -> Option<(std::process::ExitStatus, String)> {
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
    fn take_database(&mut self) -> std::path::PathBuf {
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

fn fuzz_seed(default_seed: u64) -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        })
        .unwrap_or(default_seed)
}

// ---------------------------------------------------------------------------------------------
// A small deterministic PRNG (splitmix64): no dependency, same cases on every run.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// lo..=hi
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The schema, as introspection tells it.

const INTROSPECTION: &str = r#"query FuzzIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      name
      kind
      fields(includeDeprecated: true) { name args { name defaultValue type { ...TypeRef } } type { ...TypeRef } }
      inputFields { name defaultValue type { ...TypeRef } }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
    }
  }
}
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

#[derive(Clone, Debug)]
enum Ty {
    Named(String),
    List(Box<Ty>),
    NonNull(Box<Ty>),
}

impl Ty {
    fn parse(v: &Value) -> Ty {
        match v["kind"].as_str() {
            Some("NON_NULL") => Ty::NonNull(Box::new(Ty::parse(&v["ofType"]))),
            Some("LIST") => Ty::List(Box::new(Ty::parse(&v["ofType"]))),
            _ => Ty::Named(v["name"].as_str().unwrap_or("String").to_owned()),
        }
    }

    fn base(&self) -> &str {
        match self {
            Ty::Named(name) => name,
            Ty::List(inner) | Ty::NonNull(inner) => inner.base(),
        }
    }

    fn render(&self) -> String {
        match self {
            Ty::Named(name) => name.clone(),
            Ty::List(inner) => format!("[{}]", inner.render()),
            Ty::NonNull(inner) => format!("{}!", inner.render()),
        }
    }
}

#[derive(Clone, Debug)]
struct InputValue {
    name: String,
    ty: Ty,
    has_default: bool,
}

impl InputValue {
    fn required(&self) -> bool {
        matches!(self.ty, Ty::NonNull(_)) && !self.has_default
    }
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    args: Vec<InputValue>,
    ty: Ty,
}

#[derive(Debug, Default)]
struct TypeDef {
    kind: String,
    fields: Vec<Field>,
    inputs: Vec<InputValue>,
    enums: Vec<String>,
    possible: Vec<String>,
}

#[derive(Debug)]
struct Schema {
    types: BTreeMap<String, TypeDef>,
    query: String,
    mutation: String,
}

impl Schema {
    fn from_introspection(data: &Value) -> Schema {
        let inputs = |v: &Value| -> Vec<InputValue> {
            v.as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|i| InputValue {
                            name: i["name"].as_str().unwrap_or_default().to_owned(),
                            ty: Ty::parse(&i["type"]),
                            has_default: !i["defaultValue"].is_null(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let schema = &data["__schema"];
        let mut types = BTreeMap::new();
        for t in schema["types"].as_array().expect("introspection lists types") {
            let fields = t["fields"]
                .as_array()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap_or_default().to_owned(),
                            args: inputs(&f["args"]),
                            ty: Ty::parse(&f["type"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let def = TypeDef {
                kind: t["kind"].as_str().unwrap_or_default().to_owned(),
                fields,
                inputs: inputs(&t["inputFields"]),
                enums: names(&t["enumValues"]),
                possible: names(&t["possibleTypes"]),
            };
            types.insert(t["name"].as_str().unwrap_or_default().to_owned(), def);
        }
        let query = schema["queryType"]["name"].as_str().expect("a query type").to_owned();
        let mutation = schema["mutationType"]["name"]
            .as_str()
            .expect("a mutation type")
            .to_owned();
        assert!(types[&query].fields.len() >= 5, "the query type has fields");
        assert!(types[&mutation].fields.len() >= 5, "the mutation type has fields");
        Schema { types, query, mutation }
    }

    fn kind(&self, name: &str) -> &str {
        self.types.get(name).map_or("SCALAR", |t| t.kind.as_str())
    }

    fn is_leaf(&self, name: &str) -> bool {
        matches!(self.kind(name), "SCALAR" | "ENUM")
    }

    fn object_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|(name, t)| t.kind == "OBJECT" && !name.starts_with("__"))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Values, written either as a GraphQL literal or as JSON for variables.

#[derive(Clone, Debug)]
enum Lit {
    Null,
    /// Number text, the same in GraphQL and JSON (and not always valid in either).
    Raw(String),
    Str(String),
    /// The inside of a string literal, escapes already written (`\ud800`), the same in both.
    Escaped(&'static str),
    /// A GraphQL block string (a plain string in JSON).
    Block(String),
    Bool(bool),
    Enum(String),
    List(Vec<Lit>),
    Obj(Vec<(String, Lit)>),
    Var(String),
}

impl Lit {
    fn gql(&self) -> String {
        let mut out = String::new();
        self.write_gql(&mut out);
        out
    }

    fn write_gql(&self, out: &mut String) {
        match self {
            Lit::Null => out.push_str("null"),
            Lit::Raw(raw) => out.push_str(raw),
            Lit::Str(s) => gql_string(s, out),
            Lit::Escaped(inner) => {
                let _ = write!(out, "\"{inner}\"");
            }
            Lit::Block(s) => {
                let _ = write!(out, "\"\"\"{}\"\"\"", s.replace("\"\"\"", "\\\"\"\""));
            }
            Lit::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Lit::Enum(e) => out.push_str(e),
            Lit::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_gql(out);
                }
                out.push(']');
            }
            Lit::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{name}: ");
                    value.write_gql(out);
                }
                out.push('}');
            }
            Lit::Var(name) => {
                let _ = write!(out, "${name}");
            }
        }
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Lit::Null => out.push_str("null"),
            Lit::Raw(raw) => out.push_str(raw),
            Lit::Str(s) | Lit::Block(s) | Lit::Enum(s) => out.push_str(&json_string(s)),
            Lit::Escaped(inner) => {
                let _ = write!(out, "\"{inner}\"");
            }
            Lit::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Lit::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Lit::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{}:", json_string(name));
                    value.write_json(out);
                }
                out.push('}');
            }
            Lit::Var(name) => out.push_str(&json_string(&format!("${name}"))),
        }
    }
}

fn gql_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{200F}\u{202E}override\u{202C}",
    "\u{200D}\u{200D}\u{200B}\u{2060}",
    "👩\u{200D}👩\u{200D}👧\u{200D}👦",
    "🇹🇼🇪🇺🏳\u{FE0F}\u{200D}🌈",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}",
    "\u{FEFF}bom",
    "\u{0}",
    "nul\u{0}inside",
    "\u{1}\u{7}\u{1b}[31mred",
    "\u{FFFD}\u{FFFF}\u{10FFFF}",
    "\u{2028}\u{2029}\u{85}",
    "中華民國全國工業總會",
    "航太",
    "Ωμέγα ΣΊΣΥΦΟΣ",
    "עברית العربية",
    "İıŞş ǅ ß ﬁ",
    "ＡＢＣ 𝕳𝖊𝖑𝖑𝖔",
    "' OR '1'='1",
    "'; drop table cluster; --",
    "Robert'); --",
    "\" OR \"\"=\"",
    "%_%",
    "*",
    "\"near\" NEAR(a b) AND OR NOT ^ -",
    "\\",
    "\"",
    "\n\r\t",
    "$v0",
    "{ me { role } }",
    "null",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "  padded  ",
    "a@b",
];

/// Escapes JSON and GraphQL share; a lone surrogate is valid in neither.
const ESCAPES: &[&str] = &[
    "\\ud800",
    "\\udfff",
    "x\\ud800y",
    "\\ud83d\\ude00",
    "\\u0000",
    "\\ud800\\u0041",
    "\\uDBFF\\uDFFF",
    "\\u00",
    "\\x41",
];

const HUGE_NUMBERS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "2147483647",
    "2147483648",
    "-2147483649",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "1e308",
    "-1e308",
    "1e400",
    "-1",
    "0",
    "-0",
    "1.5",
    "5e-324",
    "1E3",
];

const COUNTRIES: &[&str] = &[
    "DE", "TW", "FR", "IT", "PL", "XX", "", "de", "DEU", "🇩🇪", "D\u{0}E", "EU", "UK",
];

// ---------------------------------------------------------------------------------------------
// Documents.

/// How broken the generated parts should be, each a percentage.
#[derive(Clone, Copy, Default)]
struct Mode {
    /// Values of a wrong type.
    chaos: u64,
    /// Odd Unicode and very long strings.
    odd: u64,
    /// Numbers out of every range.
    huge: u64,
    /// Arguments passed as variables.
    vars: u64,
    /// Unknown fields and arguments, selections where there are none.
    bad_fields: u64,
}

impl Mode {
    const SANE: Mode = Mode {
        chaos: 0,
        odd: 3,
        huge: 0,
        vars: 10,
        bad_fields: 0,
    };

    const BROKEN: Mode = Mode {
        chaos: 30,
        odd: 30,
        huge: 20,
        vars: 30,
        bad_fields: 10,
    };
}

#[derive(Default)]
struct Vars {
    decls: Vec<String>,
    values: Vec<(String, Lit)>,
}

struct Doc {
    text: String,
    vars: Vec<(String, Lit)>,
    op_name: Option<String>,
}

impl Doc {
    fn plain(text: impl Into<String>) -> Doc {
        Doc {
            text: text.into(),
            vars: Vec::new(),
            op_name: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests and what their answers must be.

struct Case {
    kind: &'static str,
    /// The query string of a GET request; a POST otherwise.
    get: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The number of operations of a JSON array body.
    batch: Option<usize>,
    /// What the request says, decoded, to tell an echo of it from leaked SQL.
    plain: String,
}

impl Case {
    fn describe(&self) -> String {
        let mut out = String::new();
        match &self.get {
            Some(qs) => {
                let _ = write!(out, "GET /graphql?{}", excerpt(qs, 1500));
            }
            None => out.push_str("POST /graphql"),
        }
        for (name, value) in &self.headers {
            let _ = write!(out, "\n  {name}: {}", excerpt(value, 200));
        }
        if self.get.is_none() {
            let body = String::from_utf8_lossy(&self.body);
            let _ = write!(out, "\n  body ({} bytes): {:?}", self.body.len(), excerpt(&body, 2000));
        }
        out
    }
}

/// A problem with the details that vary taken out (quoted text, numbers, what was found
/// instead), to group findings.
fn problem_class(problem: &str) -> String {
    let problem = problem.split(", found ").next().unwrap_or_default();
    let mut class = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in problem.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                quoted = !quoted;
                if quoted {
                    class.push('…');
                }
            }
            _ if quoted => {}
            '0'..='9' => {
                if !class.ends_with('#') {
                    class.push('#');
                }
            }
            c => class.push(c),
        }
    }
    class.chars().take(140).collect()
}

fn excerpt(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        s.to_owned()
    } else {
        format!(
            "{}… ({} more characters)",
            s.chars().take(max).collect::<String>(),
            count - max
        )
    }
}

struct Finding {
    case: usize,
    kind: &'static str,
    problem: String,
    request: String,
    status: u16,
    response: String,
}

#[derive(Default)]
struct Report {
    cases: usize,
    skipped: usize,
    retried: usize,
    /// Cases and time spent, by kind.
    kinds: BTreeMap<&'static str, (usize, Duration)>,
    statuses: BTreeMap<u16, usize>,
    codes: BTreeMap<String, usize>,
    findings: Vec<Finding>,
}

/// Words that appear in SQL or in database driver errors, never in our own messages.
const SQL_MARKERS: &[&str] = &[
    "select ",
    "insert into",
    "update \"",
    "delete from",
    " where ",
    "sqlx",
    "syntax error at or near",
    "sqlite",
    "postgres",
    "fts5",
    "tsquery",
    "violates",
    "duplicate key",
    "constraint failed",
    "no such table",
    "no such column",
    "relation \"",
    "error returned from database",
    "pg_",
];

/// Everything wrong with one answer.
fn check(case: &Case, status: u16, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let body: Value = match serde_json::from_str(text) {
        Ok(body) => body,
        Err(err) => {
            if status >= 500 {
                problems.push(format!("status {status}"));
            }
            problems.push(format!("the body is not JSON ({err})"));
            return problems;
        }
    };
    let replies: Vec<&Value> = match &body {
        Value::Array(items) => {
            match case.batch {
                None => problems.push("an array answers a single operation".into()),
                Some(n) if n != items.len() => problems.push(format!("{} answers for a batch of {n}", items.len())),
                Some(_) => {}
            }
            items.iter().collect()
        }
        Value::Object(_) => {
            if case.batch.is_some() && status == 200 {
                problems.push("a batch answered 200 without an array".into());
            }
            vec![&body]
        }
        _ => {
            problems.push("the body is neither an object nor an array".into());
            Vec::new()
        }
    };
    let plain = case.plain.to_lowercase();
    let mut codes: Vec<String> = Vec::new();
    let mut internal: Vec<String> = Vec::new();
    for reply in replies {
        let Some(object) = reply.as_object() else {
            problems.push(format!("an answer is not an object: {reply}"));
            continue;
        };
        if !object.contains_key("data") && !object.contains_key("errors") {
            problems.push("an answer has neither data nor errors".into());
        }
        let Some(errors) = object.get("errors") else { continue };
        let Some(errors) = errors.as_array().filter(|e| !e.is_empty()) else {
            problems.push(format!("errors is not a non-empty list: {errors}"));
            continue;
        };
        for error in errors {
            match error["extensions"]["code"].as_str() {
                Some("INTERNAL") => {
                    codes.push("INTERNAL".into());
                    internal.push(error["message"].as_str().unwrap_or_default().to_owned());
                }
                Some(code) => codes.push(code.to_owned()),
                None => problems.push(format!("an error without a string extensions.code: {error}")),
            }
            if !error["message"].is_string() {
                problems.push(format!("an error without a message: {error}"));
            }
            let said = error.to_string().to_lowercase();
            for marker in SQL_MARKERS {
                if said.contains(marker) && !plain.contains(marker) {
                    problems.push(format!("an error shows SQL or a driver message ({marker:?}): {error}"));
                }
            }
        }
    }
    if status >= 500 {
        let by_design = status == 503 && codes.iter().any(|c| c == "TIMEOUT" || c == "UNAVAILABLE");
        if !by_design {
            problems.push(format!("status {status} (codes {codes:?})"));
        }
    }
    if status >= 400 && codes.is_empty() {
        problems.push(format!("status {status} without an error code"));
    }
    for message in internal {
        problems.push(format!("INTERNAL, the fallback for an error without a code: {message}"));
    }
    problems
}

// Panics on the server's threads, which may not show in an answer (a DataLoader task, say).
static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);
static PANIC_MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn count_server_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("");
            if name.starts_with("actix") {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut messages) = PANIC_MESSAGES.lock() {
                    messages.push(format!("{name}: {info}"));
                }
            }
            previous(info);
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// The fuzzer.

struct Pools {
    ids: BTreeMap<String, Vec<String>>,
    slugs: Vec<String>,
    cursors: Vec<String>,
}

const POOL_QUERY: &str = r#"{
  clusters(first: 100, filter: {statuses: [DRAFT, NEEDS_REVIEW, PUBLISHED, ARCHIVED]}) {
    edges { cursor }
    nodes { id slug members(first: 20) { nodes { id } } }
  }
  partnerships(first: 100) { edges { cursor } nodes { id } }
  successStories(first: 100) { nodes { id } }
  partnerOrganisations(first: 100) { nodes { id countries } }
}"#;

fn add_id(ids: &mut BTreeMap<String, Vec<String>>, ty: &str, id: &Value) {
    if let Some(id) = id.as_str() {
        ids.entry(ty.to_owned()).or_default().push(id.to_owned());
    }
}

struct Fuzzer {
    name: &'static str,
    seed: u64,
    app: TestApp,
    agent: ureq::Agent,
    rng: Rng,
    schema: Rc<Schema>,
    pools: Pools,
    admin: String,
    /// Other credentials: a user, a partner, a cluster manager, an API key, broken ones.
    others: Vec<String>,
    idempotency_keys: Vec<String>,
    verbose: bool,
    report: Report,
}

impl Fuzzer {
    fn start(name: &'static str, default_seed: u64) -> Fuzzer {
        let seed = fuzz_seed(default_seed);
        println!("fuzz {name}: seed {seed:#x}");
        count_server_panics();
        let app = TestApp::with_settings(EndpointSettings {
            budgets: Budgets {
                rate_limits: None,
                ..Budgets::default()
            },
            ..EndpointSettings::default()
        });
        let admin = TestApp::token(Role::Admin);
        let introspection = app.post(Some(&admin), INTROSPECTION, json!({}));
        let schema = Schema::from_introspection(introspection.data());

        let reply = app.post(Some(&admin), POOL_QUERY, json!({}));
        let data = reply.data();
        let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
        let mut slugs = Vec::new();
        let mut cursors = Vec::new();
        for cluster in list(&data["clusters"]["nodes"]) {
            add_id(&mut ids, "Cluster", &cluster["id"]);
            slugs.extend(cluster["slug"].as_str().map(str::to_owned));
            for member in list(&cluster["members"]["nodes"]) {
                add_id(&mut ids, "Member", &member["id"]);
            }
        }
        for connection in ["clusters", "partnerships"] {
            for edge in list(&data[connection]["edges"]) {
                cursors.extend(edge["cursor"].as_str().map(str::to_owned));
            }
        }
        for partnership in list(&data["partnerships"]["nodes"]) {
            add_id(&mut ids, "Partnership", &partnership["id"]);
        }
        for story in list(&data["successStories"]["nodes"]) {
            add_id(&mut ids, "SuccessStory", &story["id"]);
        }
        for organisation in list(&data["partnerOrganisations"]["nodes"]) {
            add_id(&mut ids, "PartnerOrganisation", &organisation["id"]);
        }
        for (email, _, _) in DEMO_ACCOUNTS {
            let user = app.post(
                Some(&admin),
                "query($e: String!) { userByEmail(email: $e) { id } }",
                json!({ "e": email }),
            );
            add_id(&mut ids, "User", &user.data()["userByEmail"]["id"]);
        }
        let organisation = ids["PartnerOrganisation"][0].clone();
        let created = app.post(
            Some(&admin),
            "mutation($o: ID!) { createApiKey(input: {name: \"fuzz\", partnerOrganisationId: $o}) { key apiKey { id } } }",
            json!({ "o": organisation }),
        );
        let key = created.data()["createApiKey"]["key"]
            .as_str()
            .expect("an API key")
            .to_owned();
        add_id(&mut ids, "ApiKey", &created.data()["createApiKey"]["apiKey"]["id"]);
        for (ty, found) in &ids {
            assert!(!found.is_empty(), "no {ty} in the demo data");
        }
        let cluster = ids["Cluster"][0].clone();
        let others = vec![
            TestApp::token(Role::User),
            TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&organisation]),
            TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster], &[]),
            key,
            "cbk_0000_not-a-key".into(),
            "not.a.jwt".into(),
            format!("{}x", TestApp::token(Role::Admin)),
        ];

        Fuzzer {
            name,
            seed,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .into(),
            app,
            rng: Rng(seed),
            schema: Rc::new(schema),
            pools: Pools { ids, slugs, cursors },
            admin,
            others,
            idempotency_keys: Vec::new(),
            verbose: std::env::var_os("FUZZ_VERBOSE").is_some(),
            report: Report::default(),
        }
    }

    fn run(mut self, default_cases: usize, generate: fn(&mut Fuzzer) -> Case) {
        let cases = std::env::var("FUZZ_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default_cases);
        let panics_before = SERVER_PANICS.load(Ordering::SeqCst);
        let started = Instant::now();
        for _ in 0..cases {
            let case = generate(&mut self);
            self.send(case);
        }
        let elapsed = started.elapsed();

        // Still alive and well.
        let health = self.app.query("{ __typename }", json!({}));
        assert_eq!(health.status, 200, "the server answers after the fuzz: {}", health.body);
        assert_eq!(health.data()["__typename"], "Query");
        let (status, _, _) = self.app.get("/healthz");
        assert_eq!(status, 200, "/healthz after the fuzz");

        let report = &self.report;
        println!(
            "fuzz {}: {} cases ({} refused by the client, {} retried) in {:.1} s, seed {:#x}",
            self.name,
            report.cases,
            report.skipped,
            report.retried,
            elapsed.as_secs_f64(),
            self.seed
        );
        let kinds: Vec<String> = report
            .kinds
            .iter()
            .map(|(kind, (n, time))| format!("{kind} {n} ({:.1} s)", time.as_secs_f64()))
            .collect();
        println!("  kinds:    {}", kinds.join(", "));
        println!("  statuses: {:?}", report.statuses);
        println!("  codes:    {:?}", report.codes);

        let mut failures = Vec::new();
        let panics = SERVER_PANICS.load(Ordering::SeqCst) - panics_before;
        if panics > 0 {
            let messages = PANIC_MESSAGES.lock().map(|m| m.join("\n")).unwrap_or_default();
            failures.push(format!("{panics} panic(s) on server threads:\n{messages}"));
        }
        if let Some(path) = std::env::var_os("FUZZ_REPORT").filter(|_| !report.findings.is_empty()) {
            let mut all = String::new();
            for f in &report.findings {
                let _ = writeln!(
                    all,
                    "#{} [{}] {}\n{}\n  => status {}: {}\n",
                    f.case, f.kind, f.problem, f.request, f.status, f.response
                );
            }
            let path = std::path::PathBuf::from(path).join(format!("fuzz-{}-{:x}.txt", self.name, self.seed));
            std::fs::write(&path, all).expect("write the fuzz report");
            println!("  every finding: {}", path.display());
        }
        if !report.findings.is_empty() {
            let mut shown: BTreeMap<String, usize> = BTreeMap::new();
            let mut text = format!("{} of {} cases broke a rule:", report.findings.len(), report.cases);
            for finding in &report.findings {
                let class = format!("{}: {}", finding.kind, problem_class(&finding.problem));
                let seen = shown.entry(class).or_default();
                *seen += 1;
                if *seen > 2 {
                    continue;
                }
                let _ = write!(
                    text,
                    "\n\n#{} [{}] {}\n{}\n  => status {}: {}",
                    finding.case,
                    finding.kind,
                    finding.problem,
                    finding.request,
                    finding.status,
                    excerpt(&finding.response, 1500)
                );
            }
            let _ = write!(text, "\n\nfindings by class of problem:");
            for (class, count) in &shown {
                let _ = write!(text, "\n  {count:>5} × {class}");
            }
            failures.push(text);
        }
        assert!(
            failures.is_empty(),
            "fuzz {} (seed {:#x}) found server bugs:\n{}",
            self.name,
            self.seed,
            failures.join("\n\n")
        );
    }

    fn send(&mut self, case: Case) {
        self.report.cases += 1;
        let started = Instant::now();
        self.exchange(&case);
        let spent = self.report.kinds.entry(case.kind).or_default();
        spent.0 += 1;
        spent.1 += started.elapsed();
    }

    fn exchange(&mut self, case: &Case) {
        if self.verbose {
            eprintln!(
                "fuzz {} #{} [{}] {}",
                self.name,
                self.report.cases,
                case.kind,
                case.describe()
            );
        }
        let mut result = self.attempt(case);
        if let Err(ureq::Error::Io(_) | ureq::Error::Protocol(_) | ureq::Error::ConnectionFailed) = &result {
            // A connection the server closed (after a refused body, say): once more on a new one.
            self.report.retried += 1;
            result = self.attempt(case);
        }
        let (status, text) = match result {
            Ok(answer) => answer,
            Err(ureq::Error::Http(_) | ureq::Error::BadUri(_)) => {
                self.report.skipped += 1;
                return;
            }
            Err(err) => {
                let problem = format!("no HTTP answer ({err}): the server panicked, hung or dropped the connection");
                self.finding(case, problem, 0, String::new());
                return;
            }
        };
        *self.report.statuses.entry(status).or_default() += 1;
        if let Ok(body) = serde_json::from_str::<Value>(&text) {
            let replies = match &body {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for reply in replies {
                for error in reply["errors"].as_array().into_iter().flatten() {
                    let code = error["extensions"]["code"].as_str().unwrap_or("(none)").to_owned();
                    *self.report.codes.entry(code).or_default() += 1;
                }
            }
        }
        for problem in check(case, status, &text) {
            self.finding(case, problem, status, text.clone());
        }
    }

    fn attempt(&self, case: &Case) -> Result<(u16, String), ureq::Error> {
        let mut response = match &case.get {
            Some(qs) => {
                let mut request = self.agent.get(format!("{}/graphql?{qs}", self.app.base));
                for (name, value) in &case.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                request.call()?
            }
            None => {
                let mut request = self.agent.post(format!("{}/graphql", self.app.base));
                for (name, value) in &case.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                request.send(case.body.as_slice())?
            }
        };
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(64 << 20).read_to_string()?;
        Ok((status, text))
    }

    fn finding(&mut self, case: &Case, problem: String, status: u16, response: String) {
        self.report.findings.push(Finding {
            case: self.report.cases,
            kind: case.kind,
            problem,
            request: case.describe(),
            status,
            response,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Values

    fn odd_string(&mut self) -> Lit {
        match self.rng.below(10) {
            0 => Lit::Escaped(self.rng.pick_str(ESCAPES)),
            1 => {
                let unit = self.rng.pick_str(&["x", "€", "😀", "\u{200D}", "a\u{301}", "中"]);
                Lit::Str(unit.repeat(10_240 / unit.len()))
            }
            2 => {
                let mut s = String::new();
                for _ in 0..self.rng.between(1, 12) {
                    s.push(char::from_u32(self.rng.between(0, 0x10FFFF) as u32).unwrap_or('\u{FFFD}'));
                }
                Lit::Str(s)
            }
            _ => Lit::Str(self.rng.pick_str(ODD_STRINGS).to_owned()),
        }
    }

    fn huge_number(&mut self) -> Lit {
        Lit::Raw(self.rng.pick_str(HUGE_NUMBERS).to_owned())
    }

    /// Anything at all, of a type nobody asked for.
    fn chaos_value(&mut self, depth: usize) -> Lit {
        match self.rng.below(11) {
            0 | 1 => self.huge_number(),
            2 => self.odd_string(),
            3 => Lit::Bool(self.rng.percent(50)),
            4 => Lit::Enum(
                self.rng
                    .pick_str(&["FOO", "NONE", "ADMIN", "null_", "TRUE", "DE"])
                    .to_owned(),
            ),
            5 if depth < 4 => Lit::List((0..self.rng.below(4)).map(|_| self.chaos_value(depth + 1)).collect()),
            6 if depth < 4 => Lit::Obj(vec![("zzz".into(), self.chaos_value(depth + 1))]),
            7 => Lit::Null,
            8 => Lit::Var("undeclared".into()),
            9 => Lit::Str(format!("fuzz {}", self.rng.below(1000))),
            _ => Lit::Raw(self.rng.between(-5, 200).to_string()),
        }
    }

    fn value(&mut self, ty: &Ty, name: &str, parent: &str, depth: usize, m: Mode) -> Lit {
        if self.rng.percent(m.chaos) {
            return self.chaos_value(depth);
        }
        match ty {
            Ty::NonNull(inner) => self.value(inner, name, parent, depth, m),
            Ty::List(inner) => {
                if m.chaos > 0 && self.rng.percent(10) {
                    // Lists far longer than anyone expects.
                    let n = self.rng.between(20, 60) as usize;
                    return Lit::List((0..n).map(|_| self.value(inner, name, parent, depth + 1, m)).collect());
                }
                if self.rng.percent(5) {
                    // A single value where a list is expected is coerced to a list of one.
                    return self.value(inner, name, parent, depth + 1, m);
                }
                let n = self.rng.below(4);
                Lit::List((0..n).map(|_| self.value(inner, name, parent, depth + 1, m)).collect())
            }
            Ty::Named(t) => self.named_value(t, name, parent, depth, m),
        }
    }

    fn named_value(&mut self, t: &str, name: &str, parent: &str, depth: usize, m: Mode) -> Lit {
        match t {
            "Int" => self.int_value(name, m),
            "Float" => {
                if self.rng.percent(m.huge.max(5)) {
                    let raw = [
                        "1e308",
                        "-1e308",
                        "5e-324",
                        "1e400",
                        "91",
                        "-181",
                        "-0.0",
                        "NaN",
                        "2147483648",
                    ];
                    Lit::Raw(self.rng.pick_str(&raw).to_owned())
                } else {
                    Lit::Raw(format!("{}.{}", self.rng.between(-90, 89), self.rng.below(1000)))
                }
            }
            "Boolean" => Lit::Bool(self.rng.percent(50)),
            "ID" => self.id_value(name, parent, m),
            "Date" => self.date_value(m, false),
            "DateTime" => self.date_value(m, true),
            "String" => self.string_value(name, m),
            _ => {
                let schema = Rc::clone(&self.schema);
                let Some(def) = schema.types.get(t) else {
                    return self.string_value(name, m);
                };
                match def.kind.as_str() {
                    "ENUM" if !def.enums.is_empty() => {
                        if self.rng.percent(m.chaos) {
                            // An enum value in quotes, or one that does not exist.
                            return if self.rng.percent(50) {
                                Lit::Str(self.rng.pick(&def.enums).clone())
                            } else {
                                Lit::Enum("NOT_A_VALUE".into())
                            };
                        }
                        Lit::Enum(self.rng.pick(&def.enums).clone())
                    }
                    "INPUT_OBJECT" => {
                        if depth > 6 {
                            return Lit::Null;
                        }
                        let mut fields = Vec::new();
                        for input in &def.inputs {
                            let include = if input.required() {
                                !self.rng.percent(m.bad_fields.max(m.chaos) / 3)
                            } else {
                                self.rng.percent(40)
                            };
                            if include {
                                let value = self.value(&input.ty, &input.name, t, depth + 1, m);
                                fields.push((input.name.clone(), value));
                            }
                        }
                        if self.rng.percent(m.bad_fields.max(m.chaos) / 2) {
                            fields.push(("notAField".into(), Lit::Raw("1".into())));
                        }
                        if self.rng.percent(m.chaos / 2) && !fields.is_empty() {
                            let again = fields[self.rng.below(fields.len())].clone();
                            fields.push(again);
                        }
                        Lit::Obj(fields)
                    }
                    _ => self.string_value(name, m),
                }
            }
        }
    }

    fn int_value(&mut self, name: &str, m: Mode) -> Lit {
        if self.rng.percent(m.huge) {
            return self.huge_number();
        }
        let n = match name {
            "first" | "last" => match self.rng.below(20) {
                0 => *self.rng.pick(&[0, -1, 101, 100, 1, 1000]),
                1..=4 => self.rng.between(1, 100),
                _ => self.rng.between(1, 3),
            },
            "version" => self.rng.between(0, 4),
            "foundedYear" | "beganIn" => *self.rng.pick(&[1850, 1990, 2005, 2024, 2100, 0, -44, 99_999]),
            "fundingEur" => *self.rng.pick(&[0, 1, 250_000, 2_147_483_647, -1]),
            _ => self.rng.between(0, 60),
        };
        Lit::Raw(n.to_string())
    }

    fn id_value(&mut self, name: &str, parent: &str, m: Mode) -> Lit {
        if self.rng.percent(m.odd) {
            return self.odd_string();
        }
        let hint = match name {
            "clusterId" | "clusterIds" => Some("Cluster"),
            "partnershipId" => Some("Partnership"),
            "partnerOrganisationId" | "representedById" => Some("PartnerOrganisation"),
            "userId" | "actorId" => Some("User"),
            _ => [
                "PartnerOrganisation",
                "Partnership",
                "SuccessStory",
                "ApiKey",
                "Member",
                "Cluster",
                "User",
            ]
            .into_iter()
            .find(|ty| parent.contains(ty)),
        };
        let roll = self.rng.below(10);
        let ty = match hint {
            Some(ty) if roll < 7 => ty.to_owned(),
            _ if roll < 9 => {
                let types: Vec<String> = self.pools.ids.keys().cloned().collect();
                self.rng.pick(&types).clone()
            }
            _ => {
                let uuid = uuid::Uuid::from_u64_pair(self.rng.next(), self.rng.next());
                let fabricated = match self.rng.below(6) {
                    0 => URL_SAFE_NO_PAD.encode(format!("Cluster:{uuid}")),
                    1 => uuid.to_string(),
                    2 => URL_SAFE_NO_PAD.encode(format!("Nope:{uuid}")),
                    3 => URL_SAFE_NO_PAD.encode("Cluster:"),
                    4 => "not-an-id".into(),
                    _ => URL_SAFE_NO_PAD.encode(self.rng.next().to_be_bytes()),
                };
                return Lit::Str(fabricated);
            }
        };
        match self.pools.ids.get(&ty).filter(|ids| !ids.is_empty()) {
            Some(ids) => Lit::Str(ids[self.rng.below(ids.len())].clone()),
            None => Lit::Str("not-an-id".into()),
        }
    }

    fn date_value(&mut self, m: Mode, time: bool) -> Lit {
        if self.rng.percent(m.odd.max(10)) {
            let odd = [
                "2024-02-30",
                "0000-01-01",
                "+275760-09-13",
                "2024-13-01",
                "",
                "yesterday",
                "2024-02-29T23:59:60Z",
                "9999-12-31T23:59:59.999999999Z",
                "-000001-01-01T00:00:00Z",
                "1970-01-01T00:00:00+14:00",
                "2262-04-12T00:00:00Z",
            ];
            return Lit::Str(self.rng.pick_str(&odd).to_owned());
        }
        let (y, mo, d) = (
            self.rng.between(1990, 2035),
            self.rng.between(1, 12),
            self.rng.between(1, 28),
        );
        if time {
            Lit::Str(format!("{y}-{mo:02}-{d:02}T12:00:00Z"))
        } else {
            Lit::Str(format!("{y}-{mo:02}-{d:02}"))
        }
    }

    fn string_value(&mut self, name: &str, m: Mode) -> Lit {
        if self.rng.percent(m.odd) {
            return self.odd_string();
        }
        let n = self.rng.below(100_000);
        let s = match name {
            "email" => match self.rng.below(4) {
                0 => DEMO_ACCOUNTS[self.rng.below(DEMO_ACCOUNTS.len())].0.to_owned(),
                1 => "not-an-email".to_owned(),
                _ => format!("fuzz{n}@example.org"),
            },
            "password" | "currentPassword" | "newPassword" => match self.rng.below(4) {
                0 => DEMO_ACCOUNTS[self.rng.below(DEMO_ACCOUNTS.len())].2.to_owned(),
                1 => "short".to_owned(),
                _ => format!("fuzz-password-{n}-long-enough"),
            },
            "country" | "countries" | "targetMarkets" => self.rng.pick_str(COUNTRIES).to_owned(),
            "slug" => {
                if self.pools.slugs.is_empty() || self.rng.percent(40) {
                    format!("fuzz-slug-{n}")
                } else {
                    self.rng.pick(&self.pools.slugs).clone()
                }
            }
            "website" => (*self.rng.pick(&[
                "https://example.org",
                "http://cluster.example.tw/about?x=1",
                "javascript:alert(1)",
                "not a url",
                "http://",
                "ftp://example.org",
            ]))
            .to_owned(),
            "after" | "before" => {
                if self.pools.cursors.is_empty() || self.rng.percent(40) {
                    URL_SAFE_NO_PAD.encode(format!("{{\"k\":{n}}}"))
                } else {
                    self.rng.pick(&self.pools.cursors).clone()
                }
            }
            "token" | "refreshToken" | "key" => match self.rng.below(3) {
                0 => format!("cbk_{n}_secret"),
                1 => self.admin.clone(),
                _ => format!("{n:x}.{n:x}.{n:x}"),
            },
            "document" => (*self.rng.pick(&[
                "{ me { role } }",
                "{ clusters { totalCount } }",
                "{",
                "query Q { __typename }",
            ]))
            .to_owned(),
            "entityType" => self
                .rng
                .pick_str(&["Cluster", "Member", "User", "cluster", ""])
                .to_owned(),
            "action" => self
                .rng
                .pick_str(&["CREATE", "UPDATE", "DELETE", "PUBLISH", "drop"])
                .to_owned(),
            "query" => (*self.rng.pick(&[
                "aero",
                "TPCA",
                "航太",
                "aerospce",
                "semi conductor",
                "a",
                "-",
                "\"",
                "*",
            ]))
            .to_owned(),
            _ => format!("Fuzz {name} {n}"),
        };
        if self.rng.percent(3) {
            Lit::Block(s)
        } else {
            Lit::Str(s)
        }
    }

    // -----------------------------------------------------------------------------------------
    // Selections and operations

    fn variable(&mut self, arg: &InputValue, parent: &str, m: Mode, vars: &mut Vars) -> Lit {
        let name = format!("v{}", vars.decls.len());
        let declared = if self.rng.percent(m.chaos) {
            (*self
                .rng
                .pick(&["Int", "String!", "[ID!]!", "Boolean", "Foo", "ClusterFilter", "Float!"]))
            .to_owned()
        } else {
            arg.ty.render()
        };
        vars.decls.push(format!("${name}: {declared}"));
        if !self.rng.percent(m.chaos / 2) {
            let value = self.value(&arg.ty, &arg.name, parent, 0, m);
            vars.values.push((name.clone(), value));
        }
        Lit::Var(name)
    }

    fn write_args(&mut self, args: &[InputValue], parent: &str, m: Mode, vars: &mut Vars, out: &mut String) {
        let mut parts: Vec<String> = Vec::new();
        let mut paging = false;
        for arg in args {
            let is_page = matches!(arg.name.as_str(), "first" | "last");
            let include = if arg.required() {
                !self.rng.percent(m.bad_fields / 3)
            } else if is_page {
                // Page sizes keep nested queries within their cost budget.
                self.rng.percent(if m.chaos > 0 { 60 } else { 80 })
            } else {
                self.rng.percent(30)
            };
            if !include || (is_page && paging && m.chaos == 0) {
                continue;
            }
            paging |= is_page;
            let value = if self.rng.percent(m.vars) {
                self.variable(arg, parent, m, vars)
            } else {
                self.value(&arg.ty, &arg.name, parent, 0, m)
            };
            parts.push(format!("{}: {}", arg.name, value.gql()));
        }
        if self.rng.percent(m.bad_fields) {
            parts.push(format!("bogus: {}", self.chaos_value(0).gql()));
        }
        if self.rng.percent(m.chaos / 4) && !parts.is_empty() {
            parts.push(parts[0].clone());
        }
        if !parts.is_empty() {
            let _ = write!(out, "({})", parts.join(", "));
        }
    }

    /// A field with its arguments and, for an object, a selection `levels - 1` deep.
    fn write_field(
        &mut self,
        field: &Field,
        levels: usize,
        alias: Option<String>,
        m: Mode,
        vars: &mut Vars,
        out: &mut String,
    ) {
        out.push(' ');
        match alias {
            Some(alias) => {
                let _ = write!(out, "{alias}: ");
            }
            None if self.rng.percent(6) => {
                let _ = write!(out, "x{}: ", self.rng.below(1000));
            }
            None => {}
        }
        out.push_str(&field.name);
        self.write_args(&field.args, &field.name, m, vars, out);
        if self.rng.percent(m.bad_fields / 4) {
            out.push_str(" @fuzz");
        }
        if self.schema.is_leaf(field.ty.base()) {
            if self.rng.percent(m.bad_fields / 3) {
                out.push_str(" { id }");
            }
        } else if self.rng.percent(m.bad_fields / 4) {
            // An object without a selection.
        } else {
            self.selection(field.ty.base(), levels.saturating_sub(1), m, vars, out);
        }
    }

    /// A selection set on `type_name`, nesting at most `levels` fields (more when a type has no
    /// leaf field to stop at).
    fn selection(&mut self, type_name: &str, levels: usize, m: Mode, vars: &mut Vars, out: &mut String) {
        let schema = Rc::clone(&self.schema);
        out.push_str(" {");
        let Some(def) = schema.types.get(type_name) else {
            out.push_str(" __typename }");
            return;
        };
        let leaves: Vec<&Field> = def.fields.iter().filter(|f| schema.is_leaf(f.ty.base())).collect();
        let branches: Vec<&Field> = def.fields.iter().filter(|f| !schema.is_leaf(f.ty.base())).collect();
        let mut written = 0;
        if !leaves.is_empty() {
            for _ in 0..1 + self.rng.below(3) {
                let field = *self.rng.pick(&leaves);
                self.write_field(field, 1, None, m, vars, out);
                written += 1;
            }
        }
        if !branches.is_empty() && (levels > 1 || leaves.is_empty()) {
            let count = if levels > 2 && self.rng.percent(20) { 2 } else { 1 };
            for _ in 0..count {
                let field = *self.rng.pick(&branches);
                self.write_field(field, levels.max(1), None, m, vars, out);
                written += 1;
            }
        }
        if !def.possible.is_empty() && self.rng.percent(60) {
            let possible = self.rng.pick(&def.possible).clone();
            let _ = write!(out, " ... on {possible}");
            self.selection(&possible, levels, m, vars, out);
            written += 1;
        }
        if self.rng.percent(m.bad_fields) {
            let bogus = match self.rng.below(4) {
                0 => " notAField".to_owned(),
                1 => " __schema { queryType { name } }".to_owned(),
                2 => " ... on NotAType { id }".to_owned(),
                _ => {
                    // A field of another type.
                    let objects = schema.object_types();
                    let other = &schema.types[*self.rng.pick(&objects)];
                    match other.fields.first() {
                        Some(f) => format!(" {}", f.name),
                        None => " nope".to_owned(),
                    }
                }
            };
            out.push_str(&bogus);
        }
        if written == 0 || self.rng.percent(8) {
            out.push_str(" __typename");
        }
        out.push_str(" }");
    }

    fn root_fields(&self, mutation: bool) -> Vec<Field> {
        let root = if mutation {
            &self.schema.mutation
        } else {
            &self.schema.query
        };
        self.schema.types[root].fields.clone()
    }

    /// An operation of `roots` root fields (0: one or two), `levels` deep.
    fn operation(&mut self, mutation: bool, roots: usize, levels: usize, m: Mode) -> Doc {
        let roots = if roots == 0 { 1 + self.rng.below(2) } else { roots };
        let fields = self.root_fields(mutation);
        let mut vars = Vars::default();
        let mut body = String::from("{");
        for _ in 0..roots {
            let field = self.rng.pick(&fields).clone();
            self.write_field(&field, levels, None, m, &mut vars, &mut body);
        }
        body.push_str(" }");
        self.finish(mutation, body, vars)
    }

    fn finish(&mut self, mutation: bool, body: String, vars: Vars) -> Doc {
        let op_name = self.rng.percent(30).then(|| format!("Fuzz{}", self.rng.below(1000)));
        let keyword = if mutation { "mutation" } else { "query" };
        let mut text = String::new();
        if mutation || op_name.is_some() || !vars.decls.is_empty() || self.rng.percent(30) {
            text.push_str(keyword);
            if let Some(name) = &op_name {
                let _ = write!(text, " {name}");
            }
            if !vars.decls.is_empty() {
                let _ = write!(text, "({})", vars.decls.join(", "));
            }
            text.push(' ');
        }
        text.push_str(&body);
        Doc {
            text,
            vars: vars.values,
            op_name,
        }
    }

    fn variables_json(&mut self, values: &[(String, Lit)], m: Mode) -> String {
        if self.rng.percent(m.chaos / 3) {
            let wrong = [
                "\"oops\"",
                "[1,2]",
                "42",
                "null",
                "true",
                "{\"v0\":{\"a\":[[[{}]]]}}",
                "{\"\":null}",
            ];
            return if self.rng.percent(20) {
                format!("{{\"v0\":{}1{}}}", "[".repeat(300), "]".repeat(300))
            } else {
                self.rng.pick_str(&wrong).to_owned()
            };
        }
        let mut out = String::from("{");
        for (i, (name, value)) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{}:", json_string(name));
            if self.rng.percent(m.chaos / 2) {
                self.chaos_value(0).write_json(&mut out);
            } else {
                value.write_json(&mut out);
            }
        }
        if self.rng.percent(m.chaos / 3) {
            if !values.is_empty() {
                out.push(',');
            }
            out.push_str("\"unused\":{\"nested\":[1,\"two\",null,{\"x\":1e308}]}");
        }
        out.push('}');
        out
    }

    fn token(&mut self) -> Option<String> {
        match self.rng.below(20) {
            0..=8 => None,
            9..=15 => Some(self.admin.clone()),
            _ => Some(self.rng.pick(&self.others).clone()),
        }
    }

    /// The JSON body of one operation.
    fn operation_json(&mut self, doc: &Doc, m: Mode) -> String {
        let mut body = format!("{{\"query\":{}", json_string(&doc.text));
        if !doc.vars.is_empty() || self.rng.percent(20) {
            let vars = self.variables_json(&doc.vars, m);
            let _ = write!(body, ",\"variables\":{vars}");
        }
        match &doc.op_name {
            Some(name) if self.rng.percent(70) => {
                let _ = write!(body, ",\"operationName\":{}", json_string(name));
            }
            _ if self.rng.percent(m.chaos / 3) => body.push_str(",\"operationName\":\"NoSuchOperation\""),
            _ => {}
        }
        body.push('}');
        body
    }

    fn post_case(&mut self, kind: &'static str, body: String, token: Option<String>) -> Case {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        if self.rng.percent(20) {
            headers.push(("Accept".to_owned(), "application/graphql-response+json".to_owned()));
        }
        Case {
            kind,
            get: None,
            headers,
            plain: body.clone(),
            body: body.into_bytes(),
            batch: None,
        }
    }

    fn doc_case(&mut self, kind: &'static str, doc: Doc, m: Mode) -> Case {
        let body = self.operation_json(&doc, m);
        let token = self.token();
        self.post_case(kind, body, token)
    }

    fn depth(&mut self) -> usize {
        match self.rng.below(10) {
            0..=5 => self.rng.between(1, 4) as usize,
            6..=8 => self.rng.between(5, 10) as usize,
            _ => self.rng.between(11, 14) as usize,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Queries

    fn query_case(&mut self) -> Case {
        let roll = self.rng.below(100);
        let shallow = self.rng.between(1, 4) as usize;
        let levels = self.depth();
        let (kind, m, doc) = match roll {
            0..=29 => ("valid query", Mode::SANE, None),
            30..=39 => (
                "wrong-typed arguments",
                Mode {
                    chaos: 40,
                    ..Mode::SANE
                },
                None,
            ),
            40..=49 => (
                "variables",
                Mode {
                    vars: 80,
                    chaos: if self.rng.percent(50) { 0 } else { 25 },
                    ..Mode::SANE
                },
                None,
            ),
            50..=54 => (
                "unknown fields",
                Mode {
                    bad_fields: 30,
                    ..Mode::SANE
                },
                None,
            ),
            55..=59 => {
                let m = Mode {
                    huge: 60,
                    vars: 30,
                    ..Mode::SANE
                };
                ("huge numbers", m, Some(self.operation(false, 0, shallow, m)))
            }
            60..=67 => {
                let m = Mode {
                    odd: 70,
                    vars: 30,
                    ..Mode::SANE
                };
                ("odd unicode", m, Some(self.operation(false, 0, shallow, m)))
            }
            68..=72 => ("many aliases", Mode::SANE, Some(self.aliases_doc())),
            73..=76 => ("repeated fields", Mode::SANE, Some(self.repeated_doc())),
            77..=82 => ("deep nesting", Mode::SANE, Some(self.deep_doc())),
            83..=87 => ("fragments and directives", Mode::SANE, Some(self.fragments_doc())),
            88..=95 => ("broken syntax", Mode::SANE, Some(self.broken_doc())),
            _ => ("introspection", Mode::SANE, Some(self.introspection_doc())),
        };
        let doc = match doc {
            Some(doc) => doc,
            None => self.operation(false, 0, levels, m),
        };
        self.doc_case(kind, doc, m)
    }

    fn aliases_doc(&mut self) -> Doc {
        let fields = self.root_fields(false);
        let count = self.rng.between(1, 40) as usize;
        let mut vars = Vars::default();
        let mut body = String::from("{");
        for i in 0..count {
            let field = self.rng.pick(&fields).clone();
            self.write_field(&field, 2, Some(format!("a{i}")), Mode::SANE, &mut vars, &mut body);
        }
        body.push_str(" }");
        self.finish(false, body, vars)
    }

    fn repeated_doc(&mut self) -> Doc {
        let fields = self.root_fields(false);
        let field = self.rng.pick(&fields).clone();
        let times = self.rng.between(1, 8) as usize;
        let mut vars = Vars::default();
        let mut body = String::from("{");
        if self.rng.percent(30) {
            // The same root field again and again.
            let mut one = String::new();
            self.write_field(&field, 2, None, Mode::SANE, &mut vars, &mut one);
            body.push_str(&one.repeat(times));
        } else {
            body.push(' ');
            body.push_str(&field.name);
            self.write_args(&field.args, &field.name, Mode::SANE, &mut vars, &mut body);
            let schema = Rc::clone(&self.schema);
            if !schema.is_leaf(field.ty.base()) {
                let leaves: Vec<String> = schema
                    .types
                    .get(field.ty.base())
                    .map(|t| {
                        t.fields
                            .iter()
                            .filter(|f| schema.is_leaf(f.ty.base()))
                            .map(|f| f.name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                let leaf = if leaves.is_empty() {
                    "__typename".to_owned()
                } else {
                    self.rng.pick(&leaves).clone()
                };
                let _ = write!(body, " {{{} }}", format!(" {leaf}").repeat(times));
            }
        }
        body.push_str(" }");
        self.finish(false, body, vars)
    }

    fn deep_doc(&mut self) -> Doc {
        let sizes = [13, 30, 64, 65, 100, 500, 2_000, 20_000];
        // Deeper lists and objects can overflow the server's stack, which aborts the process:
        // those go to a server process of its own (`fuzz_deep_nesting_in_a_server_process`).
        let value_sizes = [13, 30, 64, 65, 100, 150];
        match self.rng.below(10) {
            0..=4 => {
                let levels = self.rng.between(10, 14) as usize;
                self.operation(false, 1, levels, Mode::SANE)
            }
            5 | 6 => {
                // Nesting far beyond the schema: the parser and the depth limit must refuse it.
                let n = *self.rng.pick(&sizes);
                Doc::plain(format!("{{{} me {}}}", "me {".repeat(n), "}".repeat(n)))
            }
            7 => {
                let n = *self.rng.pick(&value_sizes);
                Doc::plain(format!(
                    "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
                    "[".repeat(n),
                    "]".repeat(n)
                ))
            }
            8 => {
                let n = *self.rng.pick(&value_sizes);
                Doc::plain(format!(
                    "{{ clusters(filter: {}\"x\"{}) {{ totalCount }} }}",
                    "{query: ".repeat(n),
                    "}".repeat(n)
                ))
            }
            _ => {
                // Deep through real fields, with one item per page.
                let n = self.rng.between(6, 16);
                let mut text = String::from("{ clusters(first: 1) { nodes {");
                let mut closing = String::from("} } }");
                for i in 0..n {
                    if i % 2 == 0 {
                        text.push_str(" partnerships(first: 1) { nodes {");
                    } else {
                        text.push_str(" members(first: 1) { nodes {");
                    }
                    closing.push_str(" } }");
                }
                text.push_str(" id ");
                text.push_str(&closing);
                Doc::plain(text)
            }
        }
    }

    fn fragments_doc(&mut self) -> Doc {
        match self.rng.below(12) {
            0 => {
                let levels = self.rng.between(1, 4) as usize;
                let mut vars = Vars::default();
                let mut set = String::new();
                let query = self.schema.query.clone();
                self.selection(&query, levels, Mode::SANE, &mut vars, &mut set);
                let body = format!("{{ ...F }} fragment F on {query}{set}");
                self.finish(false, body, vars)
            }
            1 => Doc::plain("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            2 => Doc::plain("{ ...Missing }"),
            3 => Doc::plain("{ me { ...F } } fragment F on Cluster { id }"),
            4 => Doc::plain("{ node(id: \"x\") { ... on NotAType { id } } }"),
            5 => Doc::plain("{ me @include(if: true) @skip(if: false) { role } }"),
            6 => Doc::plain(format!("{{ me{} {{ role }} }}", " @include(if: true)".repeat(6))),
            7 => Doc::plain("query @include(if: true) { me { role } }"),
            8 => Doc::plain("{ me @fuzz(level: 9) { role } }"),
            9 => {
                let n = self.rng.between(18, 30) as usize;
                Doc::plain(format!("{{ me {{ role{} }} }}", " @skip(if: false)".repeat(n)))
            }
            10 => {
                let value = if self.rng.percent(50) {
                    Lit::Bool(self.rng.percent(50))
                } else {
                    self.chaos_value(0)
                };
                Doc {
                    text: "query($s: Boolean!) { me @skip(if: $s) { role } clusters(first: 1) @include(if: $s) { totalCount } }".into(),
                    vars: vec![("s".into(), value)],
                    op_name: None,
                }
            }
            _ => Doc::plain(
                "{ clusters(first: 2) { nodes { ...C } } } fragment C on Cluster { id name ...D } \
                 fragment D on Cluster { slug members(first: 1) { nodes { name } } }",
            ),
        }
    }

    fn broken_doc(&mut self) -> Doc {
        let levels = self.rng.between(1, 5) as usize;
        let valid = self.operation(false, 0, levels, Mode::SANE);
        let chars: Vec<char> = valid.text.chars().collect();
        let at = self.rng.below(chars.len().max(1)).min(chars.len());
        let insert = |junk: &str| {
            let mut s: String = chars[..at].iter().collect();
            s.push_str(junk);
            s.extend(&chars[at..]);
            s
        };
        let text: String = match self.rng.below(12) {
            0 | 1 => chars[..at].iter().collect(),
            2 => chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c)
                .collect(),
            3 | 4 => insert(self.rng.pick_str(&[
                "{", "}", "(", ")", "[", "]", ":", "$", "@", "!", "...", "\"", "#", "=", "|", "&", ",",
            ])),
            5 => insert(self.rng.pick_str(&[
                "\u{0}", "\u{FEFF}", "\u{2028}", "\u{1}", "\u{7f}", "\u{D7FF}", "😀", "\r",
            ])),
            6 => (0..self.rng.below(300))
                .map(|_| char::from(self.rng.below(256) as u8))
                .collect(),
            7 => "{".repeat(self.rng.between(1, 300) as usize),
            8 => format!("{} }}", valid.text),
            9 => (*self.rng.pick(&[
                "",
                "   ",
                "# only a comment",
                "subscription { me { role } }",
                "mutation",
                "{ me { role } } { me { role } }",
                "query A { me { role } } query A { me { role } }",
                "fragment F on Query { me { role } }",
                "{ me { role } } garbage",
                "query ($: Int) { me { role } }",
                "{ clusters(first: ) { totalCount } }",
                "{ clusters(first: 1 first: 2) { totalCount } }",
                "{ \"me\" }",
                "{ me { role } ",
                "query Q($a: Int = \"x\") { me { role } }",
                "{ clusters(first: 0x10) { totalCount } }",
                "{ clusters(first: 1.) { totalCount } }",
                "{ clusterBySlug(slug: \"unterminated) { id } }",
                "{ clusterBySlug(slug: \"\"\"block) { id } }",
            ]))
            .to_owned(),
            10 => valid.text.replace('{', "(").replace('}', ")"),
            _ => valid.text.chars().rev().collect(),
        };
        Doc {
            text,
            vars: valid.vars,
            op_name: valid.op_name,
        }
    }

    fn introspection_doc(&mut self) -> Doc {
        let types: Vec<String> = self.schema.types.keys().cloned().collect();
        let name = if self.rng.percent(70) {
            json_string(self.rng.pick(&types).as_str())
        } else {
            self.odd_string().gql()
        };
        Doc::plain(match self.rng.below(5) {
            0 => format!(
                "{{ __type(name: {name}) {{ name kind fields {{ name args {{ name }} }} inputFields {{ name }} enumValues {{ name }} }} }}"
            ),
            1 => "{ __schema { types { name } directives { name locations args { name } } } }".to_owned(),
            2 => "{ __typename me { __typename } }".to_owned(),
            3 => "{ me { __schema { queryType { name } } } }".to_owned(),
            _ => format!(
                "{{ __type(name: {name}) {{ name ofType {{ name ofType {{ name ofType {{ name ofType {{ name }} }} }} }} }} }}"
            ),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Mutations

    fn mutation_case(&mut self) -> Case {
        if self.rng.percent(12) {
            // Read what the mutations left behind.
            let levels = self.depth();
            let doc = self.operation(false, 0, levels, Mode::SANE);
            let body = self.operation_json(&doc, Mode::SANE);
            let admin = Some(self.admin.clone());
            return self.post_case("query after mutations", body, admin);
        }
        let fields = self.root_fields(true);
        let mut field = self.rng.pick(&fields).clone();
        // Password hashing is slow by design: fewer of those.
        if matches!(field.name.as_str(), "register" | "login" | "changePassword") && self.rng.percent(60) {
            field = self.rng.pick(&fields).clone();
        }
        let sane = self.rng.percent(55);
        let m = if sane {
            Mode { vars: 0, ..Mode::SANE }
        } else {
            Mode {
                vars: 0,
                chaos: 15,
                ..Mode::BROKEN
            }
        };
        let kind = if sane { "mutation" } else { "mutation with broken input" };
        let mut vars = Vars::default();
        let as_variables = self.rng.percent(40);
        let mut body = format!("{{ {}", field.name);
        let mut parts = Vec::new();
        for arg in &field.args {
            let parent = arg.ty.base().to_owned();
            let value = if as_variables {
                let name = format!("v{}", vars.decls.len());
                vars.decls.push(format!("${name}: {}", arg.ty.render()));
                let value = self.value(&arg.ty, &arg.name, &parent, 0, m);
                vars.values.push((name.clone(), value));
                Lit::Var(name)
            } else {
                self.value(&arg.ty, &arg.name, &parent, 0, m)
            };
            parts.push(format!("{}: {}", arg.name, value.gql()));
        }
        if !parts.is_empty() {
            let _ = write!(body, "({})", parts.join(", "));
        }
        if !self.schema.is_leaf(field.ty.base()) {
            let levels = self.rng.between(1, 4) as usize;
            self.selection(field.ty.base(), levels, m, &mut vars, &mut body);
        }
        body.push_str(" }");
        let doc = self.finish(true, body, vars);
        let json = self.operation_json(&doc, m);
        let token = match self.rng.below(20) {
            0..=10 => Some(self.admin.clone()),
            11..=15 => None,
            _ => Some(self.rng.pick(&self.others).clone()),
        };
        let mut case = self.post_case(kind, json, token);
        if self.rng.percent(10) {
            // Idempotency keys: new ones, reused ones (with another body), odd ones.
            let key = match self.rng.below(4) {
                0 if !self.idempotency_keys.is_empty() => self.rng.pick(&self.idempotency_keys).clone(),
                1 => "key with spaces, \\\"quotes\\\" and %00".to_owned(),
                2 => "x".repeat(200),
                _ => format!("fuzz-{}", self.rng.next()),
            };
            self.idempotency_keys.push(key.clone());
            case.headers.push(("Idempotency-Key".into(), key));
            case.kind = "mutation with an idempotency key";
        }
        if self.rng.percent(5) {
            // Mutations may not travel by GET.
            case.get = Some(format!("query={}", url_encode(&doc.text)));
            case.kind = "mutation over GET";
        }
        case
    }

    // -----------------------------------------------------------------------------------------
    // HTTP: batches, GET, bodies, media types, credentials

    /// One operation of any kind, as JSON.
    fn any_operation_json(&mut self) -> String {
        let m = if self.rng.percent(60) { Mode::SANE } else { Mode::BROKEN };
        let doc = match self.rng.below(10) {
            0 => self.broken_doc(),
            1 => {
                let levels = self.rng.between(1, 3) as usize;
                self.operation(true, 1, levels, m)
            }
            _ => {
                let levels = self.rng.between(1, 6) as usize;
                self.operation(false, 0, levels, m)
            }
        };
        self.operation_json(&doc, m)
    }

    fn http_case(&mut self) -> Case {
        match self.rng.below(100) {
            0..=21 => self.batch_case(),
            22..=41 => self.get_case(),
            42..=56 => self.garbage_body_case(),
            57..=66 => self.content_type_case(),
            67..=71 => self.accept_case(),
            72..=81 => self.credentials_case(),
            82..=86 => self.persisted_case(),
            87..=97 => self.json_escapes_case(),
            _ => self.big_body_case(),
        }
    }

    fn batch_case(&mut self) -> Case {
        let n = self.rng.between(1, 12) as usize;
        let mut items = Vec::with_capacity(n);
        let mut garbage = false;
        for _ in 0..n {
            if self.rng.percent(3) {
                garbage = true;
                items.push(
                    (*self
                        .rng
                        .pick(&["42", "null", "\"{ me { role } }\"", "[]", "{}", "{\"query\":7}"]))
                    .to_owned(),
                );
            } else {
                items.push(self.any_operation_json());
            }
        }
        let body = format!("[{}]", items.join(","));
        let token = self.token();
        let mut case = self.post_case("batch", body, token);
        case.batch = Some(n);
        if garbage {
            case.kind = "batch with a garbage element";
        }
        case
    }

    fn get_case(&mut self) -> Case {
        let token = self.token();
        let mut case = self.post_case("GET", String::new(), token);
        case.headers.retain(|(name, _)| name != "Content-Type");
        let qs = match self.rng.below(10) {
            0..=5 => {
                let m = if self.rng.percent(50) {
                    Mode { vars: 60, ..Mode::SANE }
                } else {
                    Mode::BROKEN
                };
                let levels = self.rng.between(1, 6) as usize;
                let doc = self.operation(false, 0, levels, m);
                let mut qs = format!("query={}", url_encode(&doc.text));
                case.plain = doc.text.clone();
                if !doc.vars.is_empty() || self.rng.percent(20) {
                    let vars = self.variables_json(&doc.vars, m);
                    let _ = write!(qs, "&variables={}", url_encode(&vars));
                    case.plain.push_str(&vars);
                }
                if let Some(name) = &doc.op_name {
                    let _ = write!(qs, "&operationName={}", url_encode(name));
                }
                qs
            }
            6 => {
                let doc = self.broken_doc();
                case.plain = doc.text.clone();
                format!("query={}", url_encode(&doc.text))
            }
            7 => (*self.rng.pick(&[
                "",
                "query=",
                "query",
                "variables={}",
                "query=%7B%20me%20%7B%20role%20%7D%20%7D&query=%7B%7D",
                "query=%ZZ",
                "query=%",
                "query=%E0%80%80",
                "query=%C0%AF",
                "query=%00",
                "query=%7B__typename%7D&variables=oops",
                "query=%7B__typename%7D&variables=%5B%5D",
                "query=%7B__typename%7D&extensions=%7B%22persistedQuery%22%3A7%7D",
                "query=%7B__typename%7D&operationName=",
                "query={__typename}",
                "query=%7B__typename%7D;query=x",
                "a=b&&&&==&query=%7B__typename%7D",
                "query=%F0%9F%98%80",
                "query=+%7B+__typename+%7D+",
            ]))
            .to_owned(),
            8 => {
                // Random bytes, percent-encoded.
                let mut qs = String::from("query=");
                for _ in 0..self.rng.below(200) {
                    let _ = write!(qs, "%{:02X}", self.rng.below(256));
                }
                qs
            }
            _ => {
                // Printable junk, as it is.
                let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789=&%+;:,/?@!$'()*-._~[]";
                (0..self.rng.below(120))
                    .map(|_| alphabet[self.rng.below(alphabet.len())] as char)
                    .collect()
            }
        };
        case.get = Some(qs);
        case
    }

    fn garbage_body_case(&mut self) -> Case {
        let body: Vec<u8> = match self.rng.below(8) {
            0 => (0..self.rng.below(2_000)).map(|_| self.rng.below(256) as u8).collect(),
            1 => {
                let valid = self.any_operation_json();
                let cut = self.rng.below(valid.len().max(1));
                valid.as_bytes()[..cut].to_vec()
            }
            2 => (*self.rng.pick(&[
                "",
                " ",
                "null",
                "true",
                "42",
                "\"{ me { role } }\"",
                "[]",
                "{}",
                "{\"query\":5}",
                "{\"query\":null}",
                "{\"query\":[\"{ me { role } }\"]}",
                "{\"query\":\"{ me { role } }\",\"variables\":\"x\"}",
                "{\"query\":\"{ me { role } }\",\"variables\":[1]}",
                "{\"query\":\"{ me { role } }\",\"operationName\":7}",
                "{\"query\":\"{ me { role } }\",\"extensions\":[]}",
                "{\"query\":\"{ me { role } }\",\"extensions\":{\"persistedQuery\":{\"sha256Hash\":7}}}",
                "{\"query\":\"a\",\"query\":\"{ me { role } }\"}",
                "{\"query\":\"{ me { role } }\"} trailing",
                "{\"query\":\"{ me { role } }\",}",
                "{'query':'{ me { role } }'}",
                "{\"QUERY\":\"{ me { role } }\"}",
                "[[{\"query\":\"{ me { role } }\"}]]",
                "[null]",
                "{\"query\":\"{ clusters(first: 1) { totalCount } }\",\"variables\":{\"x\":1e400}}",
                "{\"query\":\"{ me { role } }\",\"variables\":{\"x\":123456789012345678901234567890}}",
            ]))
            .as_bytes()
            .to_vec(),
            3 => {
                let mut bytes = self.any_operation_json().into_bytes();
                for _ in 0..1 + self.rng.below(4) {
                    let at = self.rng.below(bytes.len());
                    if at < bytes.len() {
                        bytes[at] = self.rng.below(256) as u8;
                    }
                }
                bytes
            }
            4 => {
                let n = *self.rng.pick(&[100, 127, 128, 129, 1_000, 100_000]);
                format!(
                    "{{\"query\":\"{{ me {{ role }} }}\",\"variables\":{{\"v\":{}{}}}}}",
                    "[".repeat(n),
                    "]".repeat(n)
                )
                .into_bytes()
            }
            5 => {
                let n = *self.rng.pick(&[100, 200, 1_000]);
                format!(
                    "{{\"query\":\"{{ me {{ role }} }}\",\"variables\":{{\"v\":{}1{}}}}}",
                    "{\"a\":".repeat(n),
                    "}".repeat(n)
                )
                .into_bytes()
            }
            6 => {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend(self.any_operation_json().into_bytes());
                bytes
            }
            _ => {
                let mut bytes = self.any_operation_json().into_bytes();
                bytes.extend(b"\xff\xfe\x00");
                bytes
            }
        };
        let token = self.token();
        let mut case = self.post_case("garbage body", String::new(), token);
        case.plain = String::from_utf8_lossy(&body).into_owned();
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            let parsed = serde_json::from_slice::<Value>(&body).ok();
            case.batch = Some(parsed.and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0));
        }
        case.body = body;
        case
    }

    fn content_type_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let token = self.token();
        let mut case = self.post_case("content type", body, token);
        case.headers.retain(|(name, _)| name != "Content-Type");
        let content_type = self.rng.pick_str(&[
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/graphql",
            "application/xml",
            "APPLICATION/JSON",
            "application/json; charset=utf-16",
            "application/json;;;",
            "application/json, text/plain",
            "",
            "*/*",
            "application/octet-stream",
            "application/graphql-response+json",
            "application/jsonx",
        ]);
        case.headers.push(("Content-Type".into(), content_type.into()));
        if self.rng.percent(50) {
            let header = self.rng.pick_str(&[
                "GraphQL-Require-Preflight",
                "X-Apollo-Operation-Name",
                "Apollo-Require-Preflight",
            ]);
            case.headers.push((header.into(), "1".into()));
        }
        case
    }

    fn accept_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let token = self.token();
        let mut case = self.post_case("accept", body, token);
        case.headers.retain(|(name, _)| name != "Accept");
        let accept = self.rng.pick_str(&[
            "text/html",
            "application/graphql-response+json;q=0.9, application/json;q=0.8",
            "*/*",
            "application/*",
            "",
            "application/xml",
            "application/json;charset=utf-8",
            ",,,",
            "text/event-stream",
            "image/png, */*;q=0.1",
        ]);
        case.headers.push(("Accept".into(), accept.into()));
        case
    }

    fn credentials_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let mut case = self.post_case("credentials", body, None);
        let long = "a".repeat(4_000);
        let value = match self.rng.below(12) {
            0 => "Bearer".to_owned(),
            1 => "Bearer ".to_owned(),
            2 => format!("Basic {}", URL_SAFE_NO_PAD.encode("admin:admin")),
            3 => format!("bearer {}", self.admin),
            4 => format!("Bearer  {}  ", self.admin),
            5 => "Bearer cbk_".to_owned(),
            6 => format!("Bearer cbk_{}_{long}", self.rng.next()),
            7 => "Bearer %D0%BA%D0%BB\\u044e\\x00".to_owned(),
            8 => format!("Bearer {long}"),
            9 => "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6IkFETUlOIn0.".to_owned(),
            10 => format!("Bearer {}, Bearer {}", self.admin, self.admin),
            _ => format!("Bearer {}", self.rng.pick(&self.others)),
        };
        case.headers.push(("Authorization".into(), value));
        case
    }

    fn persisted_case(&mut self) -> Case {
        let query = match self.rng.below(4) {
            0 => format!("{{ me {{ role }} }} # {}", self.rng.next()),
            1 => format!(
                "{{ clusterBySlug(slug: \"nul\\u0000{}\") {{ id }} }}",
                self.rng.below(100)
            ),
            2 => format!("{{ __typename }} # \u{0} {}", self.rng.below(100)),
            _ => self.broken_doc().text,
        };
        let hash = persisted_document::hash(&query);
        let persisted =
            |hash: &str, version: u8| json!({ "persistedQuery": { "version": version, "sha256Hash": hash } });
        let body = match self.rng.below(6) {
            0 => json!({ "extensions": persisted(&hash, 1) }),
            1 | 2 => json!({ "query": query, "extensions": persisted(&hash, 1) }),
            3 => json!({ "query": query, "extensions": persisted(&"00".repeat(32), 1) }),
            4 => json!({ "extensions": persisted("\u{0}' OR 1=1 --", 1) }),
            _ => json!({ "query": "", "extensions": persisted(&hash.to_uppercase(), 2) }),
        };
        let token = self.token();
        self.post_case("persisted document", body.to_string(), token)
    }

    fn json_escapes_case(&mut self) -> Case {
        let escape = self.rng.pick_str(ESCAPES);
        let body = match self.rng.below(5) {
            0 => format!("{{\"query\":\"{{ clusterBySlug(slug: \\\"a{escape}b\\\") {{ id }} }}\"}}"),
            1 => format!("{{\"query\":\"{{ me {{ role }} }}{escape}\"}}"),
            2 => format!(
                "{{\"query\":\"query($s: String!) {{ clusterBySlug(slug: $s) {{ id }} }}\",\"variables\":{{\"s\":\"{escape}\"}}}}"
            ),
            3 => format!(
                "{{\"query\":\"query($e: String!) {{ userByEmail(email: $e) {{ id }} }}\",\"variables\":{{\"e\":\"a{escape}@example.org\"}}}}"
            ),
            _ => format!(
                "{{\"query\":\"{{ clusters(first: 3, filter: {{query: \\\"{escape}\\\"}}) {{ totalCount }} }}\",\"operationName\":\"{escape}\"}}"
            ),
        };
        let token = self.token();
        self.post_case("JSON escapes", body, token)
    }

    fn big_body_case(&mut self) -> Case {
        let size = *self.rng.pick(&[10_240, 100_000, 900_000, 1_048_000, 1_100_000]);
        let body = match self.rng.below(3) {
            0 => format!("{{\"query\":\"{{ me {{ role }} }}{}\"}}", " ".repeat(size)),
            1 => format!(
                "{{\"query\":\"query($s: String!) {{ clusterBySlug(slug: $s) {{ id }} }}\",\"variables\":{{\"s\":\"{}\"}}}}",
                "é".repeat(size / 2)
            ),
            _ => format!("{{\"query\":\"{{ {} }}\"}}", "__typename ".repeat(size / 11)),
        };
        let token = self.token();
        self.post_case("big body", body, token)
    }
}
