//! GraphQL over HTTP's SHOULDs, as graphql-http's audit checks them: under
//! `application/graphql-response+json` a request error (a document that does not parse or
//! validate, variables that do not coerce) answers 400 with no `data` entry at all.

use serde_json::{json, Value};

use crate::{rate_limits::send, support::TestApp};

const MODERN: [(&str, &str); 1] = [("Accept", "application/graphql-response+json")];

fn no_data_and_400(app: &TestApp, body: Value, code: &str) {
    for accept in ["application/graphql-response+json", "application/json"] {
        let reply = send(app, &[("Accept", accept)], body.clone());
        let status = if accept == "application/json" { 200 } else { 400 };
        assert_eq!((reply.status, reply.code()), (status, code), "{accept}: {body}");
        let answer = reply.body.as_object().expect("an object");
        assert!(
            !answer.contains_key("data"),
            "{accept}: a request error has no data: {answer:?}"
        );
    }
}

#[test]
fn a_document_that_does_not_parse_has_no_data_entry() {
    let app = TestApp::empty();
    no_data_and_400(&app, json!({ "query": "{" }), "GRAPHQL_PARSE_FAILED");
}

#[test]
fn a_document_that_does_not_validate_has_no_data_entry() {
    let app = TestApp::empty();
    no_data_and_400(&app, json!({ "query": "{ clusterz }" }), "GRAPHQL_VALIDATION_FAILED");
    // GetOperation() fails: a name the document lacks, or no name among several.
    no_data_and_400(
        &app,
        json!({ "query": "query A { __typename }", "operationName": "B" }),
        "GRAPHQL_VALIDATION_FAILED",
    );
    no_data_and_400(
        &app,
        json!({ "query": "query A { __typename } query B { __typename }" }),
        "GRAPHQL_VALIDATION_FAILED",
    );
}

#[test]
fn variables_that_do_not_coerce_answer_400() {
    let app = TestApp::empty();
    let query = "query Page($n: Int) { clusters(first: $n) { totalCount } }";
    no_data_and_400(
        &app,
        json!({ "query": query, "variables": { "n": "ten" } }),
        "GRAPHQL_VALIDATION_FAILED",
    );
    // The audit's own case: a required variable sent as null.
    let audit = json!({ "query": "query CoerceFailure($id: ID!){ __typename }", "variables": { "id": null } });
    no_data_and_400(&app, audit, "GRAPHQL_VALIDATION_FAILED");
    // What executed keeps its data entry, and 200.
    let ran = send(&app, &MODERN, json!({ "query": query, "variables": { "n": 1 } }));
    assert_eq!(
        (ran.status, &ran.body["data"]["clusters"]["totalCount"]),
        (200, &json!(0))
    );
}

#[test]
fn a_body_without_a_query_is_no_graphql_request() {
    let app = TestApp::empty();
    for accept in ["application/graphql-response+json", "application/json"] {
        let typo = send(&app, &[("Accept", accept)], json!({ "qeury": "{ __typename }" }));
        assert_eq!((typo.status, typo.code()), (400, "BAD_USER_INPUT"), "{accept}");
    }
}
