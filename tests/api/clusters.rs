//! Cluster profiles and their members: create → read → update → delete, and lost updates refused.

use serde_json::{json, Value};

use crate::support::TestApp;

pub const CREATE: &str = r#"mutation($input: CreateClusterInput!) { createCluster(input: $input) {
    cluster { id slug name localName country kind status version website foundedYear
              memberCounts { total sme } ecosystems emergingIndustries technologies label labelExpiresOn
              location { latitude longitude } contact { email } } } }"#;

pub fn new_cluster(name: &str) -> Value {
    json!({
        "name": name,
        "localName": "測試聚落",
        "kind": "CLUSTER_ORGANISATION",
        "country": "tw",
        "website": "https://cluster.example.tw",
        "foundedYear": 2015,
        "memberCounts": { "total": 40, "sme": 30 },
        "ecosystems": ["DIGITAL", "ELECTRONICS", "DIGITAL"],
        "emergingIndustries": ["DIGITAL_INDUSTRIES"],
        "technologies": [" 5G ", "IoT", "5g"],
        "label": "SILVER",
        "labelExpiresOn": "2027-12-31",
        "location": { "latitude": 25.03, "longitude": 121.56 },
        "contact": { "email": "info@cluster.example.tw" }
    })
}

pub fn create(app: &TestApp, name: &str) -> Value {
    let reply = app.as_admin(CREATE, json!({ "input": new_cluster(name) }));
    reply.data()["createCluster"]["cluster"].clone()
}

#[test]
fn create_read_update_delete_a_cluster() {
    let app = TestApp::spawn();
    let cluster = create(&app, "  Smart Machinery Cluster Taichung ");
    assert_eq!(cluster["name"], "Smart Machinery Cluster Taichung", "names are trimmed");
    assert_eq!(cluster["slug"], "smart-machinery-cluster-taichung");
    assert_eq!(cluster["country"], "TW", "country codes are normalised");
    assert_eq!(cluster["status"], "DRAFT");
    assert_eq!(cluster["version"], 1);
    assert_eq!(cluster["ecosystems"], json!(["DIGITAL", "ELECTRONICS"]));
    assert_eq!(cluster["technologies"], json!(["5G", "IoT"]));
    assert_eq!(cluster["memberCounts"], json!({ "total": 40, "sme": 30 }));
    let id = cluster["id"].as_str().unwrap();

    let read = app.as_admin(
        "query($id: ID!) { cluster(id: $id) { name version } }",
        json!({ "id": id }),
    );
    assert_eq!(read.data()["cluster"]["name"], "Smart Machinery Cluster Taichung");
    // A draft is not public.
    let public = app.query("query($id: ID!) { cluster(id: $id) { name } }", json!({ "id": id }));
    assert_eq!(public.data()["cluster"], json!(null));

    let update = r#"mutation($input: UpdateClusterInput!) { updateCluster(input: $input) {
        cluster { name localName website status version ecosystems technologies location { latitude } } } }"#;
    let updated = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 1, "name": "Smart Machinery Cluster", "localName": null,
                           "status": "PUBLISHED", "ecosystems": ["MOBILITY_TRANSPORT_AUTOMOTIVE"], "location": null } }),
    );
    let cluster = &updated.data()["updateCluster"]["cluster"];
    assert_eq!(cluster["name"], "Smart Machinery Cluster");
    assert_eq!(cluster["localName"], json!(null), "null clears a field");
    assert_eq!(cluster["website"], "https://cluster.example.tw", "left-out fields stay");
    assert_eq!(cluster["technologies"], json!(["5G", "IoT"]));
    assert_eq!(cluster["ecosystems"], json!(["MOBILITY_TRANSPORT_AUTOMOTIVE"]));
    assert_eq!(cluster["location"], json!(null));
    assert_eq!(cluster["version"], 2);
    let by_slug = app.query(
        r#"{ clusterBySlug(slug: "smart-machinery-cluster-taichung") { name status } }"#,
        json!({}),
    );
    assert_eq!(by_slug.data()["clusterBySlug"]["status"], "PUBLISHED", "now public");

    // The same version again is stale: someone (we) changed the profile meanwhile.
    let stale = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 1, "name": "Lost update" } }),
    );
    assert_eq!(stale.code(), "CONFLICT");
    let after = app.query(
        "query($id: ID!) { cluster(id: $id) { name version } }",
        json!({ "id": id }),
    );
    assert_eq!(
        after.data()["cluster"],
        json!({ "name": "Smart Machinery Cluster", "version": 2 })
    );

    let delete = "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }";
    let deleted = app.as_admin(delete, json!({ "id": id }));
    assert_eq!(deleted.data()["deleteCluster"]["deletedClusterId"], id);
    let gone = app.as_admin("query($id: ID!) { cluster(id: $id) { name } }", json!({ "id": id }));
    assert_eq!(gone.data()["cluster"], json!(null));
    assert_eq!(app.as_admin(delete, json!({ "id": id })).code(), "NOT_FOUND");
}

#[test]
fn slugs_are_unique() {
    let app = TestApp::spawn();
    let first = create(&app, "Twin Cluster");
    let second = create(&app, "Twin Cluster");
    assert_eq!(first["slug"], "twin-cluster");
    assert_eq!(second["slug"], "twin-cluster-2", "a generated slug steps aside");
    let mut input = new_cluster("Another Name");
    input["slug"] = json!("twin-cluster");
    let taken = app.as_admin(CREATE, json!({ "input": input }));
    assert_eq!(taken.code(), "CONFLICT");
    let count = app.as_admin(
        r#"{ clusters(filter: {query: "Another Name", statuses: [DRAFT]}) { totalCount } }"#,
        json!({}),
    );
    assert_eq!(count.data()["clusters"]["totalCount"], 0, "nothing was written");
}

#[test]
fn members_of_a_cluster() {
    let app = TestApp::spawn();
    let cluster = create(&app, "Member Test Cluster");
    let cluster_id = cluster["id"].as_str().unwrap();
    let add = r#"mutation($input: CreateMemberInput!) { createMember(input: $input) {
        member { id name kind country website cluster { id } } } }"#;
    let mut ids = Vec::new();
    for (name, kind) in [
        ("Zeta Precision", "SME"),
        ("Alpha Robotics", "START_UP"),
        ("National Tech University", "UNIVERSITY"),
    ] {
        let reply = app.as_admin(
            add,
            json!({ "input": { "clusterId": cluster_id, "name": name, "kind": kind, "country": "TW", "website": "https://member.example.tw" } }),
        );
        let member = &reply.data()["createMember"]["member"];
        assert_eq!(member["cluster"]["id"], cluster_id);
        ids.push(member["id"].as_str().unwrap().to_owned());
    }
    let list = app.as_admin(
        "query($id: ID!) { cluster(id: $id) { members(first: 10) { totalCount nodes { name } } } }",
        json!({ "id": cluster_id }),
    );
    let names: Vec<_> = list.data()["cluster"]["members"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("Alpha Robotics"),
            json!("National Tech University"),
            json!("Zeta Precision")
        ]
    );

    let update =
        r#"mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { name kind website } } }"#;
    let updated = app.as_admin(
        update,
        json!({ "input": { "id": ids[0], "kind": "LARGE_COMPANY", "website": null } }),
    );
    assert_eq!(
        updated.data()["updateMember"]["member"],
        json!({ "name": "Zeta Precision", "kind": "LARGE_COMPANY", "website": null })
    );

    let bad = app.as_admin(update, json!({ "input": { "id": ids[0], "country": "ZZ" } }));
    assert_eq!(bad.bad_fields(), ["country"]);

    let delete = "mutation($id: ID!) { deleteMember(input: {id: $id}) { deletedMemberId } }";
    assert_eq!(
        app.as_admin(delete, json!({ "id": ids[1] })).data()["deleteMember"]["deletedMemberId"],
        ids[1].as_str()
    );
    let list = app.as_admin(
        "query($id: ID!) { cluster(id: $id) { members { totalCount } } }",
        json!({ "id": cluster_id }),
    );
    assert_eq!(list.data()["cluster"]["members"]["totalCount"], 2);

    // Deleting the cluster takes its members with it.
    app.as_admin(
        "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }",
        json!({ "id": cluster_id }),
    )
    .data();
    let orphan = app.as_admin("query($id: ID!) { node(id: $id) { id } }", json!({ "id": ids[0] }));
    assert_eq!(orphan.data()["node"], json!(null));
}
