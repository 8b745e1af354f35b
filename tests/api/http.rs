//! The HTTP surface: GraphiQL, health, GET for reads only.

use serde_json::json;

use crate::support::TestApp;

#[test]
fn graphiql_opens_with_an_example_query() {
    let app = TestApp::spawn();
    let (status, page, headers) = app.get("/");
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.contains("graphiql"), "GraphiQL is served");
    assert!(page.contains("defaultQuery"), "an example query is preloaded");
    assert!(page.contains("TaiwaneseClusters"));
    // The preloaded example itself runs.
    let reply = app.query(clusterbridge::app::EXAMPLE_QUERY, json!({}));
    assert_eq!(reply.data()["clusters"]["totalCount"], 14);
}

#[test]
fn health_check_answers() {
    let app = TestApp::empty();
    let (status, body, _) = app.get("/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));
}

#[test]
fn queries_over_get_and_no_mutations_over_get() {
    let app = TestApp::spawn();
    let (status, body, _) = app.get("/graphql?query=%7Bclusters(first%3A1)%7BtotalCount%7D%7D");
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(body["data"]["clusters"]["totalCount"].as_u64().unwrap() > 0);

    let mutation = "mutation%7BdeleteCluster(input%3A%7Bid%3A%22x%22%7D)%7BdeletedClusterId%7D%7D";
    let (status, body, headers) = app.get(&format!("/graphql?query={mutation}"));
    assert_eq!(status, 405);
    assert_eq!(headers.get("allow").unwrap(), "POST");
    assert!(body.contains("POST"));
}

#[test]
fn unreadable_requests_get_a_coded_error() {
    let app = TestApp::empty();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", "application/json")
        .send("{not json")
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.body_mut().read_json().unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// One table decides the status of every code, per media type: classic JSON clients get 200 for
/// GraphQL errors, graphql-response+json clients a 4xx when nothing ran.
#[test]
fn statuses_come_from_the_error_table() {
    let app = TestApp::empty();
    let post = |accept: &str, body: serde_json::Value| {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .send(body.to_string())
            .expect("request");
        let body: serde_json::Value = response.body_mut().read_json().expect("JSON");
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        (response.status().as_u16(), code)
    };
    let deep = format!("{{ me {}", "{ role ".repeat(70));
    let unknown_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "ab".repeat(32) } } });
    let nul = json!({ "query": "{ me { role } }", "variables": { "x": "\u{0}" } });
    for (body, code, modern, classic) in [
        (json!({ "query": deep }), "QUERY_TOO_LARGE", 422, 200),
        (unknown_hash, "PERSISTED_QUERY_NOT_FOUND", 200, 200),
        (nul, "BAD_USER_INPUT", 400, 200),
        (
            json!({ "query": "{ clusterz }" }),
            "GRAPHQL_VALIDATION_FAILED",
            400,
            200,
        ),
    ] {
        let expected = |status| (status, code.to_owned());
        assert_eq!(
            post("application/graphql-response+json", body.clone()),
            expected(modern)
        );
        assert_eq!(post("application/json", body), expected(classic));
    }
}
