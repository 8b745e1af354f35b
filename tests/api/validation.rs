//! Every input is checked, every mistake is named, and a refused write changes nothing.

use serde_json::json;

use crate::{
    clusters::{new_cluster, CREATE},
    support::TestApp,
};

fn draft_count(app: &TestApp) -> u64 {
    let reply = app.as_admin("{ clusters(filter: {statuses: [DRAFT]}) { totalCount } }", json!({}));
    reply.data()["clusters"]["totalCount"].as_u64().unwrap()
}

#[test]
fn each_bad_field_is_named_and_nothing_is_written() {
    let app = TestApp::empty();
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("name", json!("   "), "name"),
        ("name", json!("x".repeat(201)), "name"),
        ("name", json!("Bad\u{0007}Name"), "name"),
        ("country", json!("XX"), "country"),
        ("country", json!("TWN"), "country"),
        ("country", json!(""), "country"),
        ("website", json!("ftp://cluster.example.tw"), "website"),
        ("website", json!("not a url"), "website"),
        ("website", json!("javascript:alert(1)"), "website"),
        ("foundedYear", json!(1492), "foundedYear"),
        ("foundedYear", json!(2999), "foundedYear"),
        ("memberCounts", json!({ "total": -1 }), "memberCounts.total"),
        ("memberCounts", json!({ "total": 10, "sme": -5 }), "memberCounts.sme"),
        (
            "memberCounts",
            json!({ "total": 10, "sme": 8, "startUp": 5 }),
            "memberCounts.total",
        ),
        ("slug", json!("Not A Slug"), "slug"),
        ("technologies", json!(["ok", ""]), "technologies"),
        ("contact", json!({ "email": "not-an-email" }), "contact.email"),
        (
            "location",
            json!({ "latitude": 95.0, "longitude": 0.0 }),
            "location.latitude",
        ),
        ("label", json!("NONE"), "labelExpiresOn"),
    ];
    for (key, value, field) in cases {
        let mut input = new_cluster("Validation Cluster");
        input[key] = value.clone();
        let reply = app.as_admin(CREATE, json!({ "input": input }));
        assert_eq!(reply.bad_fields(), [field], "{key} = {value}");
        assert!(
            !reply.body.to_string().to_lowercase().contains("sql"),
            "no SQL in errors: {}",
            reply.body
        );
    }
    assert_eq!(draft_count(&app), 0, "no refused input was written");
}

#[test]
fn country_codes_of_the_european_commission_are_taken() {
    let app = TestApp::empty();
    // The Commission writes EL and UK where ISO has GR and GB: stored and returned as ISO, so a
    // filter on either spelling finds them. XK (Kosovo) has no ISO code and stays as it is.
    let cases = [("EL", "GR"), ("uk", "GB"), (" el ", "GR"), ("XK", "XK"), ("xk", "XK")];
    for (n, (given, stored)) in cases.into_iter().enumerate() {
        let mut input = new_cluster(&format!("Commission Code Cluster {n}"));
        input["country"] = json!(given);
        let reply = app.as_admin(CREATE, json!({ "input": input }));
        assert_eq!(reply.data()["createCluster"]["cluster"]["country"], stored, "{given}");
    }
    let by_eu_code = app.as_admin(
        r#"{ clusters(filter: {countries: ["EL", "UK", "XK"]}) { nodes { country } } }"#,
        json!({}),
    );
    let mut found: Vec<String> = by_eu_code.data()["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["country"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    assert_eq!(found, ["GB", "GR", "GR", "XK", "XK"]);
    for unknown in ["QQ", "ZZ", "EU", "GRC"] {
        let mut input = new_cluster("Nowhere Cluster");
        input["country"] = json!(unknown);
        let reply = app.as_admin(CREATE, json!({ "input": input }));
        assert_eq!(reply.code(), "BAD_USER_INPUT", "{unknown}");
        assert_eq!(reply.bad_fields(), ["country"], "{unknown}");
        let filter = app.query(
            "query($c: [String!]!) { clusters(filter: {countries: $c}) { totalCount } }",
            json!({ "c": [unknown] }),
        );
        assert_eq!(filter.bad_fields(), ["filter.countries"], "{unknown}");
    }
}

#[test]
fn all_mistakes_come_back_at_once() {
    let app = TestApp::empty();
    let mut input = new_cluster(" ");
    input["country"] = json!("EU");
    input["website"] = json!("www.no-scheme.example");
    let reply = app.as_admin(CREATE, json!({ "input": input }));
    assert_eq!(reply.bad_fields(), ["name", "country", "website"]);
}

#[test]
fn malformed_ids_enums_and_types_are_refused() {
    let app = TestApp::spawn();
    let reply = app.query(r#"{ cluster(id: "not-an-id") { name } }"#, json!({}));
    assert_eq!(reply.bad_fields(), ["id"]);
    let partnership_id = app
        .query("{ partnerships(first: 1) { nodes { id } } }", json!({}))
        .data()["partnerships"]["nodes"][0]["id"]
        .clone();
    let wrong_type = app.query(
        "query($id: ID!) { cluster(id: $id) { name } }",
        json!({ "id": partnership_id }),
    );
    assert_eq!(wrong_type.bad_fields(), ["id"]);
    let unknown_country = app.query(
        r#"{ clusters(filter: {countries: ["Taiwan"]}) { totalCount } }"#,
        json!({}),
    );
    assert_eq!(unknown_country.bad_fields(), ["filter.countries"]);
    // Enum values and types are checked by GraphQL validation before any resolver runs.
    let bad_enum = app.as_admin(
        CREATE,
        json!({ "input": { "name": "X", "kind": "SPACESHIP", "country": "TW" } }),
    );
    assert!(bad_enum.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("SPACESHIP"));
    assert!(app
        .as_admin(r#"{ clusters(first: "ten") { totalCount } }"#, json!({}))
        .body["errors"]
        .is_array());
}

#[test]
fn unknown_records_are_not_found() {
    let app = TestApp::empty();
    let missing = "Q2x1c3RlcjowMTlhMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    let update = app.as_admin(
        "mutation($id: ID!) { updateCluster(input: {id: $id, version: 1, name: \"x\"}) { cluster { id } } }",
        json!({ "id": missing }),
    );
    assert_eq!(update.code(), "NOT_FOUND");
    let member = app.as_admin(
        r#"mutation($id: ID!) { createMember(input: {clusterId: $id, name: "M", kind: SME, country: "DE"}) { member { id } } }"#,
        json!({ "id": missing }),
    );
    assert_eq!(member.code(), "NOT_FOUND");
}
