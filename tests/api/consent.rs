//! Consent: labels and representation are awarded by partners or administrators, never by the
//! cluster itself.

use serde_json::json;

use crate::{clusters::create, support::TestApp};
use clusterbridge::auth::Role;

const UPDATE: &str = r#"mutation($input: UpdateClusterInput!) { updateCluster(input: $input) {
    cluster { version label labelExpiresOn representedBy { id } } } }"#;
const READ: &str = "query($id: ID!) { cluster(id: $id) { version label labelExpiresOn representedBy { id } } }";

#[test]
fn a_manager_cannot_award_its_cluster_a_label_or_a_partner() {
    let app = TestApp::spawn();
    let cluster = create(&app, "Self-Awarding Cluster");
    let id = cluster["id"].as_str().unwrap().to_owned();
    let manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&id], &[]);
    let partners = app.query("{ partnerOrganisations(first: 1) { nodes { id } } }", json!({}));
    let cnfi = partners.data()["partnerOrganisations"]["nodes"][0]["id"].clone();
    let represented = app.as_admin(
        UPDATE,
        json!({ "input": { "id": id, "version": cluster["version"], "representedById": cnfi } }),
    );
    assert_eq!(
        represented.data()["updateCluster"]["cluster"]["representedBy"]["id"],
        cnfi
    );
    let before = app.as_admin(READ, json!({ "id": id })).data()["cluster"].clone();
    for change in [
        json!({ "label": "GOLD" }),
        json!({ "labelExpiresOn": "2030-12-31" }),
        json!({ "labelExpiresOn": null }),
        json!({ "representedById": null }),
    ] {
        let mut input = json!({ "id": id, "version": before["version"] });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let reply = app.post(Some(&manager), UPDATE, json!({ "input": input }));
        assert_eq!(reply.code(), "FORBIDDEN", "{change}: {}", reply.body);
        assert_eq!(
            app.as_admin(READ, json!({ "id": id })).data()["cluster"],
            before,
            "{change}"
        );
    }
    // Its other fields it still edits, and the label it holds may be sent back unchanged.
    let same = app.post(
        Some(&manager),
        UPDATE,
        json!({ "input": { "id": id, "version": before["version"], "label": before["label"], "description": "Ours." } }),
    );
    assert_eq!(same.data()["updateCluster"]["cluster"]["label"], before["label"]);

    // The partner of its country awards the label.
    let partner = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[]);
    let version = same.data()["updateCluster"]["cluster"]["version"].clone();
    let awarded = app.post(
        Some(&partner),
        UPDATE,
        json!({ "input": { "id": id, "version": version, "label": "GOLD", "labelExpiresOn": "2030-12-31" } }),
    );
    assert_eq!(awarded.data()["updateCluster"]["cluster"]["label"], "GOLD");
}
