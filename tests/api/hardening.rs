//! The limits and refusals of the GraphQL endpoint, each shown with what did not happen:
//! no SQL ran, nothing was written.
//!
//! Why this file is long: one test per limit of the README's "Limits and security", in its order,
//! so the table and its proofs are read side by side.

use std::time::Duration;

use clusterbridge::{
    auth::Role,
    http::{limits::Budgets, rate_limit::RateLimits, EndpointSettings},
};
use serde_json::{json, Value};

use crate::{clusters::new_cluster, support::TestApp};

struct Raw {
    status: u16,
    content_type: String,
    headers: ureq::http::HeaderMap,
    body: Value,
}

impl Raw {
    fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code in {}", self.body))
    }
}

fn post(app: &TestApp, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Raw {
    let mut request = app.agent().post(format!("{}/graphql", app.base));
    let mut has_type = false;
    for (name, value) in headers {
        has_type |= name.eq_ignore_ascii_case("content-type");
        request = request.header(*name, *value);
    }
    if !has_type {
        request = request.header("Content-Type", "application/json");
    }
    let mut response = request.send(body.into()).expect("request");
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Raw {
        status: response.status().as_u16(),
        content_type,
        headers,
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
    }
}

fn query_body(query: &str) -> String {
    json!({ "query": query }).to_string()
}

#[test]
fn limits_apply_before_any_sql_runs() {
    let app = TestApp::spawn();
    let costly_and_deep = "{ clusters { nodes { partnerships { nodes { members { nodes { partnerships { nodes { members { nodes { partnerships { nodes { name } } } } } } } } } } } } }";
    let aliases = format!(
        "{{ {} }}",
        (0..31)
            .map(|i| format!("a{i}: me {{ role }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let repeated = "{ me { a: role b: role c: role d: role e: role f: role } }";
    let costly = "{ clusters(first: 100) { nodes { partnerships(first: 50) { nodes { members(first: 50) { nodes { name } } } } } } }";
    let directives = r#"{ me @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) { role } }"#;
    for (name, query, code) in [
        ("deep and over budget", costly_and_deep, "COST_LIMIT_EXCEEDED"),
        ("aliases", aliases.as_str(), "QUERY_TOO_LARGE"),
        ("repeated fields", repeated, "QUERY_TOO_LARGE"),
        ("cost", costly, "COST_LIMIT_EXCEEDED"),
    ] {
        app.take_statement_count();
        let reply = app.query(query, json!({}));
        assert_eq!(reply.code(), code, "{name}: {}", reply.body);
        assert_eq!(reply.body["data"], Value::Null, "{name}");
        assert_eq!(app.take_statement_count(), 0, "{name}: no SQL ran");
    }
    // Depth and directives per field are async-graphql's checks, made as it validates: after
    // the charge, which is the only statement such a document runs.
    let deep = "{ clusters(first: 1) { nodes { partnerships(first: 1) { nodes { members(first: 1) { nodes { partnerships(first: 1) { nodes { members(first: 1) { nodes { partnerships(first: 1) { nodes { name } } } } } } } } } } } } }";
    for (name, query) in [("depth", deep), ("directives", directives)] {
        app.take_statement_count();
        let reply = app.query(query, json!({}));
        assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED", "{name}: {}", reply.body);
        assert_eq!(reply.body["data"], Value::Null, "{name}");
        assert_eq!(app.take_statement_count(), 1, "{name}: no SQL but the charge ran");
    }
    // The same costly query fits a signed-in caller's larger budget, and every answer says its cost.
    let admin = app.as_admin(costly, json!({}));
    // 1 + 100 × (0.1 + 1 + 50 × (0.1 + 1 + 50 × 0.1)): a page is 1, an object a tenth.
    assert_eq!(admin.body["extensions"]["cost"], 30_611);
    let small = app.query("{ clusters(first: 2) { nodes { name } } }", json!({}));
    assert_eq!(
        small.body["extensions"]["cost"], 2,
        "a page (1) and 2 clusters (0.2), rounded up"
    );
}

#[test]
fn batches_are_bounded_and_share_one_budget() {
    let app = TestApp::spawn();
    let one = json!({ "query": "{ clusters(first: 1) { totalCount } }" });
    let three = post(&app, &[], json!([one, one, one]).to_string());
    assert_eq!(three.status, 200);
    assert_eq!(three.body.as_array().map(Vec::len), Some(3));
    let eleven = post(&app, &[], Value::Array(vec![one.clone(); 11]).to_string());
    assert_eq!((eleven.status, eleven.code()), (400, "BAD_USER_INPUT"));

    // Each costs 6,211 of the anonymous 10,000: together they do not fit.
    let heavy = json!({ "query": "{ clusters(first: 100) { nodes { partnerships(first: 10) { nodes { members(first: 50) { nodes { name } } } } } } }" });
    let both = post(&app, &[], json!([heavy, heavy]).to_string());
    assert!(both.body[0]["errors"].is_null(), "{}", both.body[0]);
    assert_eq!(both.body[1]["errors"][0]["extensions"]["code"], "COST_LIMIT_EXCEEDED");
}

#[test]
fn bodies_over_a_mebibyte_are_refused() {
    let app = TestApp::empty();
    let padding = " ".repeat(1024 * 1024);
    let big = format!(r#"{{"query": "{{ me {{ role }} }}{padding}"}}"#);
    let reply = post(&app, &[], big);
    assert_eq!((reply.status, reply.code()), (413, "PAYLOAD_TOO_LARGE"));
}

#[test]
fn slow_requests_are_cancelled() {
    let settings = EndpointSettings {
        request_timeout: Duration::ZERO,
        ..EndpointSettings::default()
    };
    let app = TestApp::with_settings(settings);
    let reply = app.query(
        "{ clusters(first: 30) { nodes { name members(first: 5) { nodes { name } } } } }",
        json!({}),
    );
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "TIMEOUT");
}

#[test]
fn graphql_over_http_media_types_and_status_codes() {
    let app = TestApp::spawn();
    let modern = [("Accept", "application/graphql-response+json")];
    let ok = post(&app, &modern, query_body("{ clusters { totalCount } }"));
    assert_eq!(
        (ok.status, ok.content_type.as_str()),
        (200, "application/graphql-response+json")
    );
    let unparsable = post(&app, &modern, query_body("{ clusters { "));
    assert_eq!((unparsable.status, unparsable.code()), (400, "GRAPHQL_PARSE_FAILED"));
    let invalid = post(&app, &modern, query_body("{ clusterz }"));
    assert_eq!((invalid.status, invalid.code()), (400, "GRAPHQL_VALIDATION_FAILED"));
    // The classic media type keeps 200 for GraphQL errors, with the same codes.
    let classic = post(&app, &[], query_body("{ clusters { "));
    assert_eq!(
        (classic.status, classic.code(), classic.content_type.as_str()),
        (200, "GRAPHQL_PARSE_FAILED", "application/json")
    );

    let xml = post(&app, &[("Content-Type", "application/xml")], "<query/>");
    assert_eq!((xml.status, xml.code()), (415, "UNSUPPORTED_MEDIA_TYPE"));
    let html = post(&app, &[("Accept", "text/html")], query_body("{ me { role } }"));
    assert_eq!((html.status, html.code()), (406, "NOT_ACCEPTABLE"));
}

#[test]
fn simple_cross_site_posts_need_a_preflight_header() {
    let app = TestApp::spawn();
    let admin = format!("Bearer {}", TestApp::token(Role::Admin));
    let mutation =
        json!({ "query": "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }",
                           "variables": { "i": new_cluster("Cross-Site Cluster") } })
        .to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let reply = post(
            &app,
            &[("Content-Type", content_type), ("Authorization", &admin)],
            mutation.clone(),
        );
        assert_eq!(
            (reply.status, reply.code()),
            (400, "PREFLIGHT_REQUIRED"),
            "{content_type}"
        );
    }
    let drafts = "{ clusters(filter: {query: \"Cross-Site\", statuses: [DRAFT]}) { totalCount } }";
    assert_eq!(
        app.as_admin(drafts, json!({})).data()["clusters"]["totalCount"],
        0,
        "nothing was written"
    );
    let preflighted = post(
        &app,
        &[
            ("Content-Type", "text/plain"),
            ("GraphQL-Require-Preflight", "1"),
            ("Authorization", &admin),
        ],
        mutation,
    );
    assert_eq!(preflighted.status, 200, "{}", preflighted.body);
    assert_eq!(app.as_admin(drafts, json!({})).data()["clusters"]["totalCount"], 1);
}

#[test]
fn cors_answers_configured_origins_only() {
    let app = TestApp::empty();
    let preflight = |origin: &str| {
        let response = app
            .agent()
            .options(format!("{}/graphql", app.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type, authorization")
            .call()
            .expect("preflight");
        let allowed = response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        (response.status().as_u16(), allowed)
    };
    assert_eq!(
        preflight("https://portal.example.eu"),
        (200, Some("https://portal.example.eu".to_owned()))
    );
    let (_, foreign) = preflight("https://evil.example");
    assert_eq!(foreign, None);
}

#[test]
fn production_mode_hides_the_schema_and_masks_failures() {
    let settings = EndpointSettings {
        production: true,
        ..EndpointSettings::default()
    };
    let app = TestApp::with_settings(settings);
    let introspection = "{ __schema { queryType { name } } }";
    assert!(
        app.query(introspection, json!({})).body["errors"].is_array(),
        "no introspection for the public"
    );
    assert_eq!(
        app.as_admin(introspection, json!({})).data()["__schema"]["queryType"]["name"],
        "Query"
    );
    let typo = app.query("{ clusterz }", json!({}));
    assert!(
        !typo.body.to_string().contains("Did you mean"),
        "no suggestions: {}",
        typo.body
    );

    // GraphiQL's page is static and served to anyone (a browser cannot send a bearer header);
    // what it may explore is the schema rule above (tests/api/graphiql.rs signs in through it).
    let (status, _, _) = app.get("/");
    assert_eq!(status, 200);

    // Break the database under the server: the client learns a request id, never the cause.
    app.sql("DROP TABLE partner_organisation_country");
    let broken = app.query("{ partnerOrganisations { nodes { name countries } } }", json!({}));
    let error = &broken.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL");
    assert_eq!(error["message"], "internal error");
    assert!(error["extensions"]["requestId"].is_string());
    let text = broken.body.to_string().to_lowercase();
    assert!(
        !text.contains("sql") && !text.contains("table") && !text.contains("relation"),
        "{text}"
    );
}

fn tight_limits(rate_limits: RateLimits) -> TestApp {
    let budgets = Budgets {
        rate_limits: Some(rate_limits),
        ..Budgets::default()
    };
    TestApp::with_settings(EndpointSettings {
        budgets,
        ..EndpointSettings::default()
    })
}

#[test]
fn rate_limits_count_cost_points_per_caller() {
    let app = tight_limits(RateLimits {
        anonymous: 100,
        user: 1_000,
        api_key: 10_000,
        per_address: 100_000,
    });
    // 1 + 50 × (0.1 + 1 + 0.1) = 61 points.
    let sixty = "{ clusters(first: 50) { nodes { members(first: 1) { nodes { name } } } } }";
    assert_eq!(app.query(sixty, json!({})).status, 200);
    let limited = app.query(sixty, json!({}));
    assert_eq!((limited.status, limited.code()), (429, "RATE_LIMITED"));
    assert!(limited.body["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    // A signed-in user has a bucket of its own, and a larger one.
    let user = TestApp::token(Role::User);
    for _ in 0..10 {
        assert_eq!(app.post(Some(&user), sixty, json!({})).status, 200);
    }
    // Over a limit it can never meet, a query is refused at once.
    let huge = app.post(
        Some(&user),
        "{ clusters(first: 100) { nodes { partnerships(first: 10) { nodes { members(first: 10) { nodes { name } } } } } } }",
        json!({}),
    );
    assert_eq!(huge.code(), "RATE_LIMITED");
}

#[test]
fn retry_after_header_and_switching_limits_off() {
    let app = tight_limits(RateLimits {
        anonymous: 10,
        user: 10,
        api_key: 10,
        per_address: 10,
    });
    // 7 points each: 1 + 5 × (0.1 + 1 + 0.1).
    let seven = "{ clusters(first: 5) { nodes { members(first: 1) { nodes { name } } } } }";
    let limited = post(&app, &[], query_body(seven));
    let again = post(&app, &[], query_body(seven));
    assert_eq!(limited.status, 200);
    assert_eq!(again.status, 429);
    let retry: u64 = again
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");

    let off = TestApp::with_settings(EndpointSettings {
        budgets: Budgets {
            rate_limits: None,
            ..Budgets::default()
        },
        ..EndpointSettings::default()
    });
    for _ in 0..20 {
        assert_eq!(
            off.query("{ clusters(first: 100) { nodes { name } } }", json!({}))
                .status,
            200
        );
    }
}

#[test]
fn automatic_persisted_queries_and_the_allow_list() {
    let app = TestApp::spawn();
    let query = "{ clusters(filter: {countries: [\"TW\"]}) { totalCount } }";
    let hash = clusterbridge::domain::persisted_document::hash(query);
    let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }).to_string();
    let missing = post(&app, &[], by_hash.clone());
    assert_eq!(missing.code(), "PERSISTED_QUERY_NOT_FOUND");
    let both =
        json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }).to_string();
    assert_eq!(post(&app, &[], both).body["data"]["clusters"]["totalCount"], 14);
    assert_eq!(
        post(&app, &[], by_hash).body["data"]["clusters"]["totalCount"],
        14,
        "now known by its hash"
    );
    let wrong =
        json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "00".repeat(32) } } });
    assert_eq!(post(&app, &[], wrong.to_string()).code(), "BAD_USER_INPUT");

    // An allow-list key runs trusted documents only.
    let cnfi = app
        .query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}))
        .data()["partnerOrganisations"]["nodes"][0]["id"]
        .clone();
    let key = app.as_admin(
        "mutation($o: ID!) { createApiKey(input: {name: \"sync\", partnerOrganisationId: $o, trustedDocumentsOnly: true}) { key } }",
        json!({ "o": cnfi }),
    );
    let key = key.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {key}");
    let inline = post(&app, &[("Authorization", &bearer)], query_body("{ me { role } }"));
    assert_eq!((inline.status, inline.code()), (403, "FORBIDDEN"));
    let trusted = app.as_admin(
        "mutation($d: String!) { trustDocument(input: {name: \"whoAmI\", document: $d}) { sha256Hash } }",
        json!({ "d": "{ me { role countries } }" }),
    );
    let trusted_hash = trusted.data()["trustDocument"]["sha256Hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let forbidden_for_others = app.post(
        Some(&TestApp::token(Role::Partner)),
        "mutation { trustDocument(input: {name: \"x\", document: \"{ me { role } }\"}) { sha256Hash } }",
        json!({}),
    );
    assert_eq!(forbidden_for_others.code(), "FORBIDDEN");
    let run = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": trusted_hash } } }).to_string();
    let ran = post(&app, &[("Authorization", &bearer)], run);
    assert_eq!(
        ran.body["data"]["me"],
        json!({ "role": "PARTNER", "countries": ["TW"] }),
        "{}",
        ran.body
    );
    let untrusted_hash =
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }).to_string();
    assert_eq!(
        post(&app, &[("Authorization", &bearer)], untrusted_hash).status,
        403,
        "APQ documents are not trusted"
    );
    let exchange = app.query(
        "mutation($k: String!) { exchangeApiKey(input: {key: $k}) { accessToken } }",
        json!({ "k": key }),
    );
    assert_eq!(
        exchange.code(),
        "FORBIDDEN",
        "an allow-list key cannot become an unrestricted token"
    );
}

#[test]
fn idempotency_keys_make_retries_safe() {
    let app = TestApp::spawn();
    let admin = format!("Bearer {}", TestApp::token(Role::Admin));
    let create = |name: &str| {
        json!({ "query": "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id slug } } }",
                "variables": { "i": new_cluster(name) } })
        .to_string()
    };
    let count = || {
        app.as_admin(
            r#"{ clusters(filter: {query: "Retried", statuses: [DRAFT]}) { totalCount } }"#,
            json!({}),
        )
        .data()["clusters"]["totalCount"]
            .clone()
    };
    let headers = [
        ("Authorization", admin.as_str()),
        ("Idempotency-Key", "create-retried-1"),
    ];
    let first = post(&app, &headers, create("Retried Cluster"));
    let replay = post(&app, &headers, create("Retried Cluster"));
    assert_eq!(
        first.body["data"], replay.body["data"],
        "the replay answers what the first did"
    );
    assert_eq!(replay.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(count(), 1, "written once");
    let other = post(&app, &headers, create("Another Retried Cluster"));
    assert_eq!((other.status, other.code()), (422, "IDEMPOTENCY_KEY_REUSED"));
    assert_eq!(count(), 1);

    // A first request still running under the same key: the retry is told to wait.
    let body = create("Busy Retried Cluster");
    let request: async_graphql::Request = serde_json::from_str(&body).unwrap();
    let fingerprint = clusterbridge::http::idempotency::fingerprint(&request);
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S+00:00");
    app.sql(&format!(
        "INSERT INTO idempotency_key (principal, key, fingerprint, response, created_at) \
         VALUES ('test@example.org', 'busy', '{fingerprint}', NULL, '{now}')"
    ));
    let busy = post(
        &app,
        &[("Authorization", admin.as_str()), ("Idempotency-Key", "busy")],
        body,
    );
    assert_eq!((busy.status, busy.code()), (409, "CONFLICT"));
    assert_eq!(count(), 1, "the retry wrote nothing");
    // A key on a read changes nothing; on a batch of mutations it is refused.
    assert_eq!(
        post(
            &app,
            &[("Idempotency-Key", "read-1")],
            query_body("{ clusters { totalCount } }")
        )
        .status,
        200
    );
    let batch = format!("[{}, {}]", create("Batch A"), create("Batch B"));
    let refused = post(
        &app,
        &[("Authorization", admin.as_str()), ("Idempotency-Key", "batch-1")],
        batch,
    );
    assert_eq!((refused.status, refused.code()), (400, "BAD_USER_INPUT"));
}
