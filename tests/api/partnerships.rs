//! Partnerships with their members, and success stories: full write cycles.

use serde_json::json;

use crate::{clusters::create, support::TestApp};

const CREATE: &str = r#"mutation($input: CreatePartnershipInput!) { createPartnership(input: $input) {
    partnership { id name kind status version ecosystems targetMarkets fundingEur
                  members { totalCount edges { role invitationState node { id } } } } } }"#;

#[test]
fn partnership_life_cycle_with_members() {
    let app = TestApp::spawn();
    let a = create(&app, "Partnership Cluster A")["id"].as_str().unwrap().to_owned();
    let b = create(&app, "Partnership Cluster B")["id"].as_str().unwrap().to_owned();
    let c = create(&app, "Partnership Cluster C")["id"].as_str().unwrap().to_owned();

    let created = app.as_admin(
        CREATE,
        json!({ "input": { "name": "Smart Textiles Going International", "acronym": "STGI", "kind": "ESCP_4I",
            "startsOn": "2026-01-01", "endsOn": "2027-12-31", "fundingEur": 2500000000_i64,
            "ecosystems": ["TEXTILES"], "targetMarkets": ["tw", "JP"],
            "members": [{ "clusterId": a, "role": "COORDINATOR" }, { "clusterId": b }] } }),
    );
    let p = &created.data()["createPartnership"]["partnership"];
    assert_eq!(p["status"], "PROPOSED");
    assert_eq!(p["targetMarkets"], json!(["JP", "TW"]));
    assert_eq!(p["fundingEur"], 2_500_000_000_i64, "amounts beyond 32 bits survive");
    assert_eq!(p["members"]["totalCount"], 2);
    assert_eq!(p["members"]["edges"][0]["role"], "COORDINATOR");
    let id = p["id"].as_str().unwrap().to_owned();

    let add = r#"mutation($input: AddPartnershipMemberInput!) { addPartnershipMember(input: $input) {
        partnership { version members { totalCount } } } }"#;
    let added = app.as_admin(
        add,
        json!({ "input": { "partnershipId": id, "clusterId": c, "invitationState": "INVITED" } }),
    );
    assert_eq!(
        added.data()["addPartnershipMember"]["partnership"],
        json!({ "version": 2, "members": { "totalCount": 3 } })
    );
    let again = app.as_admin(add, json!({ "input": { "partnershipId": id, "clusterId": c } }));
    assert_eq!(again.code(), "CONFLICT");
    let second_coordinator = app.as_admin(
        add,
        json!({ "input": { "partnershipId": id, "clusterId": create(&app, "D")["id"], "role": "COORDINATOR" } }),
    );
    assert_eq!(second_coordinator.code(), "CONFLICT");

    let from_cluster = app.as_admin(
        "query($id: ID!) { cluster(id: $id) { partnerships { nodes { name } } } }",
        json!({ "id": c }),
    );
    assert_eq!(
        from_cluster.data()["cluster"]["partnerships"]["nodes"],
        json!([{ "name": "Smart Textiles Going International" }])
    );

    let remove = r#"mutation($input: RemovePartnershipMemberInput!) { removePartnershipMember(input: $input) {
        partnership { version members { totalCount } } } }"#;
    let removed = app.as_admin(remove, json!({ "input": { "partnershipId": id, "clusterId": b } }));
    assert_eq!(
        removed.data()["removePartnershipMember"]["partnership"],
        json!({ "version": 3, "members": { "totalCount": 2 } })
    );
    assert_eq!(
        app.as_admin(remove, json!({ "input": { "partnershipId": id, "clusterId": b } }))
            .code(),
        "NOT_FOUND"
    );

    let update = r#"mutation($input: UpdatePartnershipInput!) { updatePartnership(input: $input) {
        partnership { status version endsOn acronym } } }"#;
    let stale = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 1, "status": "ACTIVE" } }),
    );
    assert_eq!(stale.code(), "CONFLICT");
    let updated = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 3, "status": "ACTIVE", "endsOn": null, "acronym": null } }),
    );
    assert_eq!(
        updated.data()["updatePartnership"]["partnership"],
        json!({ "status": "ACTIVE", "version": 4, "endsOn": null, "acronym": null })
    );
    let backwards = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 4, "startsOn": "2026-01-01", "endsOn": "2025-01-01" } }),
    );
    assert_eq!(backwards.bad_fields(), ["endsOn"]);

    let delete = "mutation($id: ID!) { deletePartnership(input: {id: $id}) { deletedPartnershipId } }";
    assert_eq!(
        app.as_admin(delete, json!({ "id": id })).data()["deletePartnership"]["deletedPartnershipId"],
        id.as_str()
    );
    assert_eq!(
        app.as_admin("query($id: ID!) { partnership(id: $id) { id } }", json!({ "id": id }))
            .data()["partnership"],
        json!(null)
    );
}

#[test]
fn partnership_with_an_unknown_cluster_is_not_written() {
    let app = TestApp::spawn();
    let before = app.query("{ partnerships { totalCount } }", json!({})).data()["partnerships"]["totalCount"].clone();
    let missing = "Q2x1c3RlcjowMTlhMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"; // Cluster:019a0000-0000-7000-8000-000000000000
    let reply = app.as_admin(
        CREATE,
        json!({ "input": { "name": "Ghost partnership", "kind": "MOU", "members": [{ "clusterId": missing }] } }),
    );
    assert_eq!(reply.code(), "NOT_FOUND");
    assert_eq!(
        app.query("{ partnerships { totalCount } }", json!({})).data()["partnerships"]["totalCount"],
        before
    );
}

#[test]
fn success_story_life_cycle() {
    let app = TestApp::spawn();
    let a = create(&app, "Story Cluster A")["id"].as_str().unwrap().to_owned();
    let b = create(&app, "Story Cluster B")["id"].as_str().unwrap().to_owned();
    let create_story = r#"mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) {
        successStory { id title outcome beganIn version clusters { totalCount } partnership { id } } } }"#;
    let created = app.as_admin(
        create_story,
        json!({ "input": { "title": "From a matchmaking table to a joint lab", "summary": "Met in Taipei; now share a lab.",
                           "outcome": "JOINT_R_AND_D", "beganIn": 2018, "clusterIds": [a, b, a] } }),
    );
    let story = &created.data()["createSuccessStory"]["successStory"];
    assert_eq!(story["clusters"]["totalCount"], 2, "duplicates collapse");
    assert_eq!(story["outcome"], "JOINT_R_AND_D");
    let id = story["id"].as_str().unwrap().to_owned();

    let update = r#"mutation($input: UpdateSuccessStoryInput!) { updateSuccessStory(input: $input) {
        successStory { title version clusters { totalCount } } } }"#;
    let updated = app.as_admin(
        update,
        json!({ "input": { "id": id, "version": 1, "title": "A joint lab", "clusterIds": [a] } }),
    );
    assert_eq!(
        updated.data()["updateSuccessStory"]["successStory"],
        json!({ "title": "A joint lab", "version": 2, "clusters": { "totalCount": 1 } })
    );
    assert_eq!(
        app.as_admin(update, json!({ "input": { "id": id, "version": 1, "title": "x" } }))
            .code(),
        "CONFLICT"
    );
    let empty = app.as_admin(update, json!({ "input": { "id": id, "version": 2, "clusterIds": [] } }));
    assert_eq!(empty.bad_fields(), ["clusterIds"]);

    let from_cluster = app.as_admin(
        "query($id: ID!) { cluster(id: $id) { successStories { nodes { title } } } }",
        json!({ "id": a }),
    );
    assert_eq!(
        from_cluster.data()["cluster"]["successStories"]["nodes"],
        json!([{ "title": "A joint lab" }])
    );

    let delete = "mutation($id: ID!) { deleteSuccessStory(input: {id: $id}) { deletedSuccessStoryId } }";
    assert_eq!(
        app.as_admin(delete, json!({ "id": id })).data()["deleteSuccessStory"]["deletedSuccessStoryId"],
        id.as_str()
    );
    assert_eq!(app.as_admin(delete, json!({ "id": id })).code(), "NOT_FOUND");
}
