//! Partner searches: posting, filtering, expiry and expressions of interest.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use crate::support::TestApp;

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

fn id_of(app: &TestApp, slug: &str) -> String {
    app.query(
        "query($s: String!) { clusterBySlug(slug: $s) { id } }",
        json!({ "s": slug }),
    )
    .data()["clusterBySlug"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const POST: &str = r#"mutation($i: CreatePartnerSearchInput!) { createPartnerSearch(input: $i) { partnerSearch {
    id kind title expiresOn ecosystems targetCountries cluster { slug } } } }"#;
const LIST: &str =
    r#"query($f: PartnerSearchFilter) { partnerSearches(filter: $f) { totalCount nodes { title kind } } }"#;
const INTEREST: &str = r#"mutation($s: ID!, $c: ID!, $m: String!) { expressInterest(input: {partnerSearchId: $s, clusterId: $c, message: $m}) {
    expressionOfInterest { message cluster { slug } } } }"#;

#[test]
fn offers_requests_expiry_and_interests() {
    let app = TestApp::spawn();
    let tpca = id_of(&app, "tpca");
    let castra = id_of(&app, "castra");
    let taia = id_of(&app, "taia");
    let tpca_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&tpca], &[]);
    let castra_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra], &[]);
    let post = |token: &str, cluster: &str, title: &str, kind: &str, expires: String| {
        app.post(
            Some(token),
            POST,
            json!({ "i": { "clusterId": cluster, "kind": kind, "title": title, "description": "Looking for a partner in Europe.",
                           "expiresOn": expires, "ecosystems": ["ELECTRONICS"], "targetCountries": ["de", "FR"] } }),
        )
    };
    assert_eq!(
        post(&castra_manager, &tpca, "Not yours", "OFFER", in_days(30)).code(),
        "FORBIDDEN"
    );
    assert_eq!(
        post(&tpca_manager, &tpca, "Past", "OFFER", in_days(-1)).bad_fields(),
        ["expiresOn"]
    );
    let posted = post(
        &tpca_manager,
        &tpca,
        "PCB makers seek EU assemblers",
        "REQUEST",
        in_days(30),
    );
    let search = posted.data()["createPartnerSearch"]["partnerSearch"].clone();
    assert_eq!(search["targetCountries"], json!(["DE", "FR"]));
    assert_eq!(search["cluster"]["slug"], "tpca");
    let search_id = search["id"].as_str().unwrap().to_owned();
    post(
        &tpca_manager,
        &tpca,
        "PCB testing capacity on offer",
        "OFFER",
        in_days(60),
    )
    .data();

    let titles = |filter: Value| -> Vec<String> {
        app.query(LIST, json!({ "f": filter })).data()["partnerSearches"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles(json!({ "kinds": ["REQUEST"] })),
        ["PCB makers seek EU assemblers"]
    );
    assert_eq!(titles(json!({ "targetCountries": ["FR"] })).len(), 2);
    assert!(titles(json!({ "targetCountries": ["JP"] })).is_empty());
    assert!(titles(json!({ "ecosystems": ["HEALTH"] })).is_empty());

    // Interest: from a cluster the caller edits, once, never from the poster itself.
    let message = "CASTRA assembles avionics boards and would like to talk.";
    let answered = app.post(
        Some(&castra_manager),
        INTEREST,
        json!({ "s": search_id, "c": castra, "m": message }),
    );
    assert_eq!(
        answered.data()["expressInterest"]["expressionOfInterest"]["cluster"]["slug"],
        "castra"
    );
    assert_eq!(
        app.post(
            Some(&castra_manager),
            INTEREST,
            json!({ "s": search_id, "c": castra, "m": message })
        )
        .code(),
        "CONFLICT"
    );
    assert_eq!(
        app.post(
            Some(&castra_manager),
            INTEREST,
            json!({ "s": search_id, "c": taia, "m": message })
        )
        .code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(
            Some(&tpca_manager),
            INTEREST,
            json!({ "s": search_id, "c": tpca, "m": message })
        )
        .bad_fields(),
        ["clusterId"]
    );

    // Only the poster's editors see who answered.
    let interests = "query($f: PartnerSearchFilter) { partnerSearches(filter: $f) { nodes { interests { totalCount nodes { message } } } } }";
    let request_only = json!({ "f": { "kinds": ["REQUEST"] } });
    let seen = app.post(Some(&tpca_manager), interests, request_only.clone());
    assert_eq!(
        seen.data()["partnerSearches"]["nodes"][0]["interests"]["nodes"][0]["message"],
        message
    );
    assert_eq!(
        app.post(Some(&castra_manager), interests, request_only.clone()).code(),
        "FORBIDDEN"
    );
    assert_eq!(app.query(interests, request_only).code(), "UNAUTHENTICATED");

    // Once expired, a search drops out of every list and takes no more interest.
    app.sql("UPDATE partner_search SET expires_on = '2020-01-01' WHERE title = 'PCB makers seek EU assemblers'");
    assert_eq!(titles(json!({})), ["PCB testing capacity on offer"]);
    let late = app.post(
        Some(&TestApp::token(Role::Admin)),
        INTEREST,
        json!({ "s": search_id, "c": taia, "m": message }),
    );
    assert_eq!(late.code(), "CONFLICT");
}
