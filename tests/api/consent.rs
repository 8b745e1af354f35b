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

const FOUND: &str = r#"mutation($input: CreatePartnershipInput!) { createPartnership(input: $input) {
    partnership { id version members { edges { invitationState node { id } } } } } }"#;
const RENAME: &str = r#"mutation($input: UpdatePartnershipInput!) { updatePartnership(input: $input) {
    partnership { name version } } }"#;
const ADD: &str = r#"mutation($input: AddPartnershipMemberInput!) { addPartnershipMember(input: $input) {
    partnership { version } } }"#;
const RESPOND: &str = r#"mutation($input: RespondToPartnershipInvitationInput!) {
    respondToPartnershipInvitation(input: $input) { partnership { version } } }"#;

fn id_of(value: &serde_json::Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_invited_cluster_governs_only_once_it_accepts() {
    let app = TestApp::spawn();
    let [a, b, c, d] = ["Inviting A", "Invited B", "Invited C", "Extra D"].map(|n| id_of(&create(&app, n)));
    let manager = |id: &str| TestApp::scoped_token(Role::ClusterManager, &[], &[id], &[]);
    // No coordinator: A founds it, B and C are invited.
    let founded = app.post(
        Some(&manager(&a)),
        FOUND,
        json!({ "input": { "name": "Seats without consent", "kind": "MOU",
                           "members": [{ "clusterId": a }, { "clusterId": b }, { "clusterId": c }] } }),
    );
    let p = &founded.data()["createPartnership"]["partnership"];
    let id = id_of(p);
    let seats = app.as_admin(
        "query($id: ID!) { partnership(id: $id) { members { edges { invitationState } } } }",
        json!({ "id": id }),
    );
    let edges = seats.data()["partnership"]["members"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        edges.iter().filter(|e| e["invitationState"] == "INVITED").count(),
        2,
        "{edges:?}"
    );

    let mut version = p["version"].as_i64().unwrap();
    for invited in [&b, &c] {
        let rename = app.post(
            Some(&manager(invited)),
            RENAME,
            json!({ "input": { "id": id, "version": version, "name": "Taken over" } }),
        );
        assert_eq!(
            rename.code(),
            "FORBIDDEN",
            "an invited seat does not govern: {}",
            rename.body
        );
        let add = app.post(
            Some(&manager(invited)),
            ADD,
            json!({ "input": { "partnershipId": id, "clusterId": d } }),
        );
        assert_eq!(add.code(), "FORBIDDEN", "{}", add.body);
    }
    // C declines: still no say. B accepts: now it governs beside A.
    let declined = app.post(
        Some(&manager(&c)),
        RESPOND,
        json!({ "input": { "partnershipId": id, "clusterId": c, "accept": false } }),
    );
    version = declined.data()["respondToPartnershipInvitation"]["partnership"]["version"]
        .as_i64()
        .unwrap();
    let rename = app.post(
        Some(&manager(&c)),
        RENAME,
        json!({ "input": { "id": id, "version": version, "name": "Declined" } }),
    );
    assert_eq!(rename.code(), "FORBIDDEN");
    let accepted = app.post(
        Some(&manager(&b)),
        RESPOND,
        json!({ "input": { "partnershipId": id, "clusterId": b, "accept": true } }),
    );
    version = accepted.data()["respondToPartnershipInvitation"]["partnership"]["version"]
        .as_i64()
        .unwrap();
    let rename = app.post(
        Some(&manager(&b)),
        RENAME,
        json!({ "input": { "id": id, "version": version, "name": "Agreed" } }),
    );
    assert_eq!(rename.data()["updatePartnership"]["partnership"]["name"], "Agreed");
}

const PROFILE: &str = "query($id: ID!) { cluster(id: $id) { partnerships { totalCount } } }";
const RECOMMENDED: &str =
    "query($id: ID!) { recommendedPartners(clusterId: $id, first: 10) { totalCount nodes { id } } }";

#[test]
fn invitations_stay_off_the_invited_profile_and_its_recommendations() {
    let app = TestApp::spawn();
    let x = app.query(
        "{ clusters(first: 1, filter: {countries: [\"TW\"]}) { nodes { id } } }",
        json!({}),
    );
    let x = id_of(&x.data()["clusters"]["nodes"][0]);
    let profile = app.query(PROFILE, json!({ "id": x })).data().clone();
    let recommended = app.query(RECOMMENDED, json!({ "id": x })).data().clone();
    let candidates = recommended["recommendedPartners"]["nodes"].as_array().unwrap().clone();
    assert!(candidates.len() >= 5, "{recommended}");

    // A stranger's cluster invites X together with everyone X would be recommended.
    let a = id_of(&create(&app, "Stranger A"));
    let mut seats = vec![
        json!({ "clusterId": a, "role": "COORDINATOR" }),
        json!({ "clusterId": x }),
    ];
    seats.extend(candidates.iter().map(|c| json!({ "clusterId": c["id"] })));
    let stranger = TestApp::scoped_token(Role::ClusterManager, &[], &[&a], &[]);
    let founded = app.post(
        Some(&stranger),
        FOUND,
        json!({ "input": { "name": "Everyone with X", "kind": "MOU", "members": seats } }),
    );
    let id = id_of(&founded.data()["createPartnership"]["partnership"]);
    assert_eq!(
        app.query(PROFILE, json!({ "id": x })).data(),
        &profile,
        "not on X's public profile"
    );
    assert_eq!(
        app.query(RECOMMENDED, json!({ "id": x })).data(),
        &recommended,
        "nothing removed"
    );
    // X's own manager sees the invitation, to answer it.
    let own = TestApp::scoped_token(Role::ClusterManager, &[], &[&x], &[]);
    let seen = app.post(Some(&own), PROFILE, json!({ "id": x }));
    let before = profile["cluster"]["partnerships"]["totalCount"].as_i64().unwrap();
    assert_eq!(seen.data()["cluster"]["partnerships"]["totalCount"], before + 1);

    app.post(
        Some(&own),
        RESPOND,
        json!({ "input": { "partnershipId": id, "clusterId": x, "accept": false } }),
    )
    .data();
    assert_eq!(app.query(PROFILE, json!({ "id": x })).data(), &profile);
    assert_eq!(
        app.query(RECOMMENDED, json!({ "id": x })).data(),
        &recommended,
        "declining removes nothing"
    );
}

const STORIES_OF: &str = "query($id: ID!) { cluster(id: $id) { successStories { totalCount } } }";
const CLUSTERS_OF: &str = "query($id: ID!) { successStory(id: $id) { clusters { nodes { id } } } }";
const TELL: &str = r#"mutation($input: CreateSuccessStoryInput!) { createSuccessStory(input: $input) {
    successStory { id } } }"#;
const ANSWER: &str = r#"mutation($input: RespondToSuccessStoryInput!) { respondToSuccessStory(input: $input) {
    successStory { version } } }"#;

fn count(reply: &crate::support::Reply) -> i64 {
    reply.data()["cluster"]["successStories"]["totalCount"]
        .as_i64()
        .unwrap()
}

fn ids(reply: &crate::support::Reply) -> usize {
    reply.data()["successStory"]["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_story_shows_on_a_cluster_that_did_not_tell_it_only_once_confirmed() {
    let app = TestApp::spawn();
    let two = app.query(
        "{ clusters(first: 2, filter: {countries: [\"TW\"]}) { nodes { id } } }",
        json!({}),
    );
    let (a, x) = (
        id_of(&two.data()["clusters"]["nodes"][0]),
        id_of(&two.data()["clusters"]["nodes"][1]),
    );
    let teller = TestApp::scoped_token(Role::ClusterManager, &[], &[&a], &[]);
    let named = TestApp::scoped_token(Role::ClusterManager, &[], &[&x], &[]);
    let before = count(&app.query(STORIES_OF, json!({ "id": x })));
    let tell = |title: &str| {
        let reply = app.post(
            Some(&teller),
            TELL,
            json!({ "input": { "title": title, "summary": "We did it together.", "outcome": "MOU", "clusterIds": [a, x] } }),
        );
        id_of(&reply.data()["createSuccessStory"]["successStory"])
    };
    let story = tell("Claimed cooperation");
    assert_eq!(
        count(&app.query(STORIES_OF, json!({ "id": x }))),
        before,
        "not on X before it confirms"
    );
    assert_eq!(
        ids(&app.post(Some(&teller), CLUSTERS_OF, json!({ "id": story }))),
        1,
        "X is not listed on the story"
    );
    // X's editors see it, to answer it.
    assert_eq!(
        count(&app.post(Some(&named), STORIES_OF, json!({ "id": x }))),
        before + 1
    );
    assert_eq!(ids(&app.post(Some(&named), CLUSTERS_OF, json!({ "id": story }))), 2);
    // The teller cannot confirm for X.
    let forged = app.post(
        Some(&teller),
        ANSWER,
        json!({ "input": { "successStoryId": story, "clusterId": x, "confirm": true } }),
    );
    assert_eq!(forged.code(), "FORBIDDEN");
    // Named but not yet agreed, X's editors have no hold on the story either.
    let hijack = app.post(
        Some(&named),
        "mutation($id: ID!) { updateSuccessStory(input: {id: $id, version: 1, title: \"Ours alone\"}) { successStory { id } } }",
        json!({ "id": story }),
    );
    assert_eq!(hijack.code(), "FORBIDDEN", "{}", hijack.body);

    app.post(
        Some(&named),
        ANSWER,
        json!({ "input": { "successStoryId": story, "clusterId": x, "confirm": true } }),
    )
    .data();
    assert_eq!(
        count(&app.query(STORIES_OF, json!({ "id": x }))),
        before,
        "confirmed, a DRAFT still shows on no cluster"
    );
    // Published, it shows on X for everyone.
    for step in [
        "mutation($id: ID!) { submitSuccessStory(input: {id: $id, version: 2}) { successStory { id } } }",
        "mutation($id: ID!) { publishSuccessStory(input: {id: $id, version: 3}) { successStory { id } } }",
    ] {
        app.as_admin(step, json!({ "id": story })).data();
    }
    assert_eq!(count(&app.query(STORIES_OF, json!({ "id": x }))), before + 1);
    assert_eq!(ids(&app.query(CLUSTERS_OF, json!({ "id": story }))), 2);
    let again = app.post(
        Some(&named),
        ANSWER,
        json!({ "input": { "successStoryId": story, "clusterId": x, "confirm": true } }),
    );
    assert_eq!(again.code(), "CONFLICT");

    // Declined: X leaves the story, for everyone.
    let other = tell("Another claim");
    app.post(
        Some(&named),
        ANSWER,
        json!({ "input": { "successStoryId": other, "clusterId": x, "confirm": false } }),
    )
    .data();
    assert_eq!(ids(&app.post(Some(&teller), CLUSTERS_OF, json!({ "id": other }))), 1);
    assert!(
        app.post(Some(&named), CLUSTERS_OF, json!({ "id": other })).data()["successStory"].is_null(),
        "out of the draft, X's editors no longer see it"
    );
    assert_eq!(
        count(&app.post(Some(&named), STORIES_OF, json!({ "id": x }))),
        before + 1
    );
}

#[test]
fn pending_invitations_are_capped_per_partnership_and_per_inviter() {
    let app = TestApp::spawn();
    let all = app.query("{ clusters(first: 40) { nodes { id } } }", json!({}));
    let others: Vec<String> = all.data()["clusters"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert!(others.len() >= 22, "enough demo clusters to invite");
    let a = id_of(&create(&app, "Eager Inviter"));
    let inviter = TestApp::scoped_token(Role::ClusterManager, &[], &[&a], &[]);
    let found = |name: &str, invited: &[String]| {
        let mut seats = vec![json!({ "clusterId": a, "role": "COORDINATOR" })];
        seats.extend(invited.iter().map(|id| json!({ "clusterId": id })));
        app.post(
            Some(&inviter),
            FOUND,
            json!({ "input": { "name": name, "kind": "MOU", "members": seats } }),
        )
    };
    let invite = |partnership: &str, cluster: &str| {
        app.post(
            Some(&inviter),
            ADD,
            json!({ "input": { "partnershipId": partnership, "clusterId": cluster } }),
        )
    };
    // Per partnership: 20 pending, then CONFLICT.
    let p1 = found("First", &others[..19]);
    let p1 = id_of(&p1.data()["createPartnership"]["partnership"]);
    invite(&p1, &others[19]).data();
    let over = invite(&p1, &others[20]);
    assert_eq!(over.code(), "CONFLICT");
    assert!(
        over.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("20 pending"),
        "{}",
        over.body
    );

    // Per inviting cluster: 50 pending across partnerships, then CONFLICT.
    let p2 = found("Second", &others[..19]);
    id_of(&p2.data()["createPartnership"]["partnership"]);
    let p3 = found("Third", &others[..11]);
    let p3 = id_of(&p3.data()["createPartnership"]["partnership"]);
    let over = invite(&p3, &others[11]);
    assert_eq!(over.code(), "CONFLICT");
    assert!(
        over.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("50 pending"),
        "{}",
        over.body
    );
    assert_eq!(found("Fourth", &others[..1]).code(), "CONFLICT");

    // An answer frees a place.
    let answering = TestApp::scoped_token(Role::ClusterManager, &[], &[&others[0]], &[]);
    app.post(
        Some(&answering),
        RESPOND,
        json!({ "input": { "partnershipId": p1, "clusterId": others[0], "accept": false } }),
    )
    .data();
    invite(&p3, &others[11]).data();
}
