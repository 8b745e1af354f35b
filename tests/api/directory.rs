//! The demo data answers the questions a visitor asks first.

use serde_json::json;

use crate::support::TestApp;

#[test]
fn fourteen_taiwanese_profiles_including_cnfi() {
    let app = TestApp::spawn();
    let reply = app.query(
        r#"query($first: Int) { clusters(filter: {countries: ["TW"]}, first: $first) {
            totalCount nodes { name localName acronym country status representedBy { acronym countries } } } }"#,
        json!({ "first": 100 }),
    );
    let clusters = &reply.data()["clusters"];
    assert_eq!(clusters["totalCount"], 14);
    let nodes = clusters["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 14);
    assert!(nodes.iter().all(|n| n["country"] == "TW" && n["status"] == "PUBLISHED"));
    let cnfi = nodes.iter().find(|n| n["acronym"] == "CNFI").expect("CNFI is listed");
    assert_eq!(cnfi["localName"], "中華民國全國工業總會");
    for local_name in ["台灣電路板協會", "台灣區航太工業同業公會", "台灣區冷凍水產工業同業公會"]
    {
        assert!(
            nodes.iter().any(|n| n["localName"] == local_name),
            "{local_name} is missing"
        );
    }
    assert!(
        nodes.iter().all(|n| n["representedBy"]["acronym"] == "CNFI"),
        "CNFI represents every TW profile"
    );
}

#[test]
fn cnfi_is_the_partner_for_taiwan() {
    let app = TestApp::spawn();
    let reply = app.query(
        r#"{ partnerOrganisations(country: "tw") { totalCount nodes { acronym localName countries cluster { acronym } } } }"#,
        json!({}),
    );
    let partners = &reply.data()["partnerOrganisations"];
    assert_eq!(partners["totalCount"], 1);
    assert_eq!(partners["nodes"][0]["acronym"], "CNFI");
    assert_eq!(partners["nodes"][0]["countries"], json!(["TW"]));
    assert_eq!(partners["nodes"][0]["cluster"]["acronym"], "CNFI");
}

#[test]
fn search_by_country_ecosystem_and_text() {
    let app = TestApp::spawn();
    let count = |filter: serde_json::Value| {
        app.query(
            "query($f: ClusterFilter) { clusters(filter: $f) { totalCount nodes { country ecosystems } } }",
            json!({ "f": filter }),
        )
        .data()["clusters"]
            .clone()
    };
    let german = count(json!({ "countries": ["DE"] }));
    assert!(german["totalCount"].as_u64().unwrap() >= 1);
    assert!(german["nodes"].as_array().unwrap().iter().all(|n| n["country"] == "DE"));

    let aerospace = count(json!({ "ecosystems": ["AEROSPACE_DEFENCE"] }));
    let nodes = aerospace["nodes"].as_array().unwrap();
    assert!(
        nodes.iter().any(|n| n["country"] == "TW"),
        "TAIA is an aerospace cluster"
    );
    assert!(nodes.iter().all(|n| n["ecosystems"]
        .as_array()
        .unwrap()
        .contains(&json!("AEROSPACE_DEFENCE"))));

    // Fields combine with AND: aerospace clusters in Taiwan only.
    let taiwanese_aerospace = count(json!({ "ecosystems": ["AEROSPACE_DEFENCE"], "countries": ["TW"] }));
    assert!(taiwanese_aerospace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["country"] == "TW"));
    assert!(taiwanese_aerospace["totalCount"].as_u64() < aerospace["totalCount"].as_u64());

    // Values within a field combine with OR.
    let tw = count(json!({ "countries": ["TW"] }))["totalCount"].as_u64().unwrap();
    let de = german["totalCount"].as_u64().unwrap();
    assert_eq!(
        count(json!({ "countries": ["TW", "DE"] }))["totalCount"]
            .as_u64()
            .unwrap(),
        tw + de
    );

    let by_name = app.query(
        r#"{ clusters(filter: {query: "castra"}) { nodes { name acronym } } }"#,
        json!({}),
    );
    assert_eq!(by_name.data()["clusters"]["nodes"][0]["acronym"], "CASTRA");
    let by_local_name = app.query(
        r#"{ clusters(filter: {query: "航太"}) { nodes { acronym } } }"#,
        json!({}),
    );
    // TAIA by its Chinese name, and the System Integration Promotion Office, whose zh-Hant
    // description tells of its aerospace partner CASTRA (航太). Their order is not asserted: the
    // search document weighs a name and a description alike.
    let mut found: Vec<String> = by_local_name.data()["clusters"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["acronym"].as_str().unwrap_or("").to_owned())
        .collect();
    found.sort();
    assert_eq!(found, ["", "TAIA"]);
}

#[test]
fn partnerships_list_their_member_clusters() {
    let app = TestApp::spawn();
    let reply = app.query(
        r#"{ partnerships(filter: {kinds: [COOPERATION_AGREEMENT]}) { totalCount nodes {
              name kind startsOn targetMarkets
              members(first: 50) { totalCount edges { role invitationState node { acronym country } } } } } }"#,
        json!({}),
    );
    let agreement = &reply.data()["partnerships"]["nodes"][0];
    assert!(agreement["name"].as_str().unwrap().contains("Taiwan"));
    assert_eq!(agreement["startsOn"].as_str().unwrap()[..4], *"2018");
    let edges = agreement["members"]["edges"].as_array().unwrap();
    assert_eq!(edges[0]["role"], "COORDINATOR", "the coordinator comes first");
    assert_eq!(edges[0]["node"]["acronym"], "CNFI");
    assert!(
        edges.iter().any(|e| e["node"]["country"] != "TW"),
        "EU clusters take part"
    );

    let escp = app.query(
        r#"{ partnerships(filter: {kinds: [ESCP_4I]}) { totalCount } }"#,
        json!({}),
    );
    assert!(escp.data()["partnerships"]["totalCount"].as_u64().unwrap() >= 1);
}

#[test]
fn the_two_success_stories_of_the_article() {
    let app = TestApp::spawn();
    let reply = app.query(
        r#"{ successStories { totalCount nodes { title beganIn outcome clusters { nodes { acronym country } } } } }"#,
        json!({}),
    );
    let stories = &reply.data()["successStories"];
    assert_eq!(stories["totalCount"], 2);
    let nodes = stories["nodes"].as_array().unwrap();
    let castra = nodes
        .iter()
        .find(|s| {
            s["clusters"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["acronym"] == "CASTRA")
        })
        .expect("the CASTRA story");
    assert_eq!(castra["beganIn"], 2016);
    let tami = nodes
        .iter()
        .find(|s| {
            s["clusters"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["acronym"] == "TAMI")
        })
        .expect("the TAMI story");
    assert_eq!(tami["beganIn"], 2017);
    assert!(tami["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["country"] == "DE"));
}

#[test]
fn profiles_under_review_are_hidden_from_the_public() {
    let app = TestApp::spawn();
    let query = r#"{ clusters(filter: {statuses: [NEEDS_REVIEW]}) { totalCount nodes { id status } } }"#;
    let public = app.query(query, json!({}));
    assert_eq!(public.data()["clusters"]["totalCount"], 0);
    let admin = app.as_admin(query, json!({}));
    let hidden = &admin.data()["clusters"]["nodes"][0];
    assert_eq!(hidden["status"], "NEEDS_REVIEW");
    let id = hidden["id"].as_str().unwrap();
    let by_id = app.query(
        "query($id: ID!) { cluster(id: $id) { name } node(id: $id) { id } }",
        json!({ "id": id }),
    );
    assert_eq!(by_id.data()["cluster"], json!(null));
    assert_eq!(by_id.data()["node"], json!(null));
    let total_public = app.query("{ clusters { totalCount } }", json!({})).data()["clusters"]["totalCount"].as_u64();
    let total_admin = app.as_admin("{ clusters { totalCount } }", json!({})).data()["clusters"]["totalCount"].as_u64();
    assert_eq!(total_public.unwrap() + 1, total_admin.unwrap());
}

#[test]
fn contact_details_only_for_signed_in_callers() {
    let app = TestApp::spawn();
    let query = r#"{ clusters(first: 100) { nodes { acronym contact { email } } } }"#;
    let public = app.query(query, json!({}));
    assert!(public.data()["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["contact"].is_null()));
    let user = app.post(Some(&TestApp::token(clusterbridge::auth::Role::User)), query, json!({}));
    assert!(user.data()["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["contact"]["email"].is_string()));
}

#[test]
fn nodes_resolve_global_ids_of_every_type() {
    let app = TestApp::spawn();
    let ids = app.query(
        r#"{ clusters(first: 1, filter: {query: "TPCA"}) { nodes { id members(first: 1) { nodes { id } } } }
             partnerships(first: 1) { nodes { id } } successStories(first: 1) { nodes { id } }
             partnerOrganisations { nodes { id } } }"#,
        json!({}),
    );
    let d = ids.data();
    let wanted = vec![
        d["clusters"]["nodes"][0]["id"].clone(),
        d["clusters"]["nodes"][0]["members"]["nodes"][0]["id"].clone(),
        d["partnerships"]["nodes"][0]["id"].clone(),
        d["successStories"]["nodes"][0]["id"].clone(),
        d["partnerOrganisations"]["nodes"][0]["id"].clone(),
    ];
    assert!(wanted.iter().all(|id| id.is_string()), "{wanted:?}");
    let reply = app.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        json!({ "ids": wanted }),
    );
    let types: Vec<_> = reply.data()["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].clone())
        .collect();
    assert_eq!(
        types,
        [
            json!("Cluster"),
            json!("Member"),
            json!("Partnership"),
            json!("SuccessStory"),
            json!("PartnerOrganisation")
        ]
    );
    for (node, id) in reply.data()["nodes"].as_array().unwrap().iter().zip(&wanted) {
        assert_eq!(&node["id"], id);
    }
}
