//! Accounts end to end: sessions, refresh rotation, invitations, API keys, bulk registration,
//! the review workflow and the audit log.
//!
//! Why this file is long: these flows build on each other's accounts (a sign-in, then its refresh,
//! invitation, key and review), and each reads as one story from the first request to the last.

use clusterbridge::seed::DEMO_ACCOUNTS;
use serde_json::{json, Value};

use crate::{
    clusters::new_cluster,
    support::{Reply, TestApp},
};

const LOGIN: &str = r#"mutation($email: String!, $password: String!) {
    login(input: {email: $email, password: $password}) { accessToken refreshToken tokenType expiresIn user { id email } } }"#;
const REFRESH: &str =
    r#"mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken refreshToken } }"#;
const ME: &str = "{ me { subject role countries clusters { slug } partnerOrganisations { acronym } user { email } } }";

fn login(app: &TestApp, email: &str, password: &str) -> Value {
    app.query(LOGIN, json!({ "email": email, "password": password })).data()["login"].clone()
}

fn demo_login(app: &TestApp, index: usize) -> (String, String) {
    let (email, _, password) = DEMO_ACCOUNTS[index];
    let session = login(app, email, password);
    (
        session["accessToken"].as_str().unwrap().to_owned(),
        session["refreshToken"].as_str().unwrap().to_owned(),
    )
}

fn register(app: &TestApp, email: &str, password: &str) -> Reply {
    app.query(
        "mutation($i: RegisterInput!) { register(input: $i) { user { id displayName email } } }",
        json!({ "i": { "email": email, "displayName": "Mei-Ling Chen", "password": password } }),
    )
}

fn cluster_id(app: &TestApp, slug: &str) -> String {
    let reply = app.query(
        "query($s: String!) { clusterBySlug(slug: $s) { id } }",
        json!({ "s": slug }),
    );
    reply.data()["clusterBySlug"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn register_login_refresh_rotation_and_reuse_detection() {
    let app = TestApp::spawn();
    let created = register(&app, "Mei-Ling@Example.TW", "a long enough passphrase");
    assert_eq!(
        created.data()["register"]["user"]["email"],
        json!(null),
        "e-mail is private even to the new user"
    );
    assert_eq!(
        register(&app, "mei-ling@example.tw", "another long passphrase").code(),
        "CONFLICT"
    );
    assert_eq!(register(&app, "someone@example.tw", "short").bad_fields(), ["password"]);
    assert_eq!(
        register(&app, "not-an-address", "a long enough passphrase").bad_fields(),
        ["email"]
    );

    let wrong = app.query(
        LOGIN,
        json!({ "email": "mei-ling@example.tw", "password": "wrong password!!" }),
    );
    assert_eq!(wrong.code(), "UNAUTHENTICATED");
    let unknown = app.query(
        LOGIN,
        json!({ "email": "nobody@example.tw", "password": "wrong password!!" }),
    );
    assert_eq!(unknown.code(), "UNAUTHENTICATED");
    assert_eq!(
        wrong.body["errors"][0]["message"], unknown.body["errors"][0]["message"],
        "no account enumeration"
    );

    let session = login(&app, "MEI-LING@example.tw", "a long enough passphrase");
    assert_eq!(session["tokenType"], "Bearer");
    assert_eq!(session["expiresIn"], 900);
    let access = session["accessToken"].as_str().unwrap();
    let me = app.post(Some(access), ME, json!({}));
    assert_eq!(me.data()["me"]["role"], "USER");
    assert_eq!(me.data()["me"]["user"]["email"], "mei-ling@example.tw");

    // Rotation: the first refresh token buys a new pair and stops working.
    let first = session["refreshToken"].as_str().unwrap().to_owned();
    let rotated = app.query(REFRESH, json!({ "t": first })).data()["refreshToken"].clone();
    let second = rotated["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(
        app.post(rotated["accessToken"].as_str(), ME, json!({})).data()["me"]["role"],
        "USER"
    );
    // Reuse of the rotated token: refused, and the whole family with it.
    assert_eq!(app.query(REFRESH, json!({ "t": first })).code(), "UNAUTHENTICATED");
    assert_eq!(
        app.query(REFRESH, json!({ "t": second })).code(),
        "UNAUTHENTICATED",
        "family revoked"
    );

    // A fresh login is a new family; logout ends it.
    let session = login(&app, "mei-ling@example.tw", "a long enough passphrase");
    let token = session["refreshToken"].as_str().unwrap();
    let out = app.query(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { signedOut } }",
        json!({ "t": token }),
    );
    assert_eq!(out.data()["logout"]["signedOut"], true);
    assert_eq!(app.query(REFRESH, json!({ "t": token })).code(), "UNAUTHENTICATED");
    assert_eq!(app.query(REFRESH, json!({ "t": "made-up" })).code(), "UNAUTHENTICATED");
}

#[test]
fn change_password_signs_out_everywhere() {
    let app = TestApp::spawn();
    register(&app, "lin@example.tw", "the first passphrase").data();
    let session = login(&app, "lin@example.tw", "the first passphrase");
    let access = session["accessToken"].as_str();
    let change = r#"mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) {
        signedOutElsewhere } }"#;
    let wrong = app.post(
        access,
        change,
        json!({ "c": "not my password", "n": "the second passphrase" }),
    );
    assert_eq!(wrong.bad_fields(), ["currentPassword"]);
    let weak = app.post(access, change, json!({ "c": "the first passphrase", "n": "short" }));
    assert_eq!(weak.bad_fields(), ["newPassword"]);
    let done = app.post(
        access,
        change,
        json!({ "c": "the first passphrase", "n": "the second passphrase" }),
    );
    assert_eq!(done.data()["changePassword"]["signedOutElsewhere"], true);
    assert_eq!(
        app.query(REFRESH, json!({ "t": session["refreshToken"] })).code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.query(
            LOGIN,
            json!({ "email": "lin@example.tw", "password": "the first passphrase" })
        )
        .code(),
        "UNAUTHENTICATED"
    );
    login(&app, "lin@example.tw", "the second passphrase");
    assert_eq!(
        app.query(change, json!({ "c": "x", "n": "y" })).code(),
        "UNAUTHENTICATED"
    );
}

#[test]
fn demo_accounts_carry_their_scopes() {
    let app = TestApp::spawn();
    let expected = [
        json!({ "role": "ADMIN", "countries": [], "clusters": [], "partnerOrganisations": [] }),
        json!({ "role": "PARTNER", "countries": ["TW"], "clusters": [], "partnerOrganisations": [{ "acronym": "CNFI" }] }),
        json!({ "role": "CLUSTER_MANAGER", "countries": [], "clusters": [{ "slug": "tpca" }], "partnerOrganisations": [] }),
        json!({ "role": "CLUSTER_MANAGER", "countries": [], "clusters": [{ "slug": "castra" }], "partnerOrganisations": [] }),
    ];
    for (i, want) in expected.iter().enumerate() {
        let (access, _) = demo_login(&app, i);
        let me = app.post(Some(&access), ME, json!({}));
        let me = &me.data()["me"];
        for key in ["role", "countries", "clusters", "partnerOrganisations"] {
            assert_eq!(me[key], want[key], "{} {key}", DEMO_ACCOUNTS[i].0);
        }
        assert_eq!(me["user"]["email"], DEMO_ACCOUNTS[i].0);
    }
}

#[test]
fn a_manager_invites_a_colleague() {
    let app = TestApp::spawn();
    let tpca = cluster_id(&app, "tpca");
    let (manager, _) = demo_login(&app, 2);
    let invite = r#"mutation($c: ID!, $e: String!) { inviteClusterManager(input: {clusterId: $c, email: $e}) {
        invitation { email expiresAt cluster { slug } } } }"#;
    let castra = cluster_id(&app, "castra");
    assert_eq!(
        app.post(Some(&manager), invite, json!({ "c": castra, "e": "x@example.eu" }))
            .code(),
        "FORBIDDEN"
    );
    let invited = app.post(
        Some(&manager),
        invite,
        json!({ "c": tpca, "e": "Colleague@Example.TW" }),
    );
    let invitation = &invited.data()["inviteClusterManager"];
    assert_eq!(invitation["invitation"]["email"], "colleague@example.tw");
    assert_eq!(invitation["invitation"]["cluster"]["slug"], "tpca");
    // The token travels only in the mail (tests/api/account_mail.rs delivers it over SMTP).
    let token = mailed_invitation_token(&app, "colleague@example.tw");

    let accept = r#"mutation($t: String!) { acceptInvitation(input: {token: $t}) { cluster { slug } } }"#;
    assert_eq!(app.query(accept, json!({ "t": token })).code(), "UNAUTHENTICATED");
    register(&app, "stranger@example.tw", "a stranger's passphrase").data();
    let stranger = login(&app, "stranger@example.tw", "a stranger's passphrase");
    assert_eq!(
        app.post(stranger["accessToken"].as_str(), accept, json!({ "t": token }))
            .code(),
        "FORBIDDEN"
    );

    register(&app, "colleague@example.tw", "a colleague's passphrase").data();
    let colleague = login(&app, "colleague@example.tw", "a colleague's passphrase");
    let update = r#"mutation($id: ID!, $v: Int!) { updateCluster(input: {id: $id, version: $v, city: "Taoyuan"}) {
        cluster { city } } }"#;
    let version = app
        .query(
            "query($id: ID!) { cluster(id: $id) { version } }",
            json!({ "id": tpca }),
        )
        .data()["cluster"]["version"]
        .clone();
    assert_eq!(
        app.post(
            colleague["accessToken"].as_str(),
            update,
            json!({ "id": tpca, "v": version })
        )
        .code(),
        "FORBIDDEN"
    );
    let accepted = app.post(colleague["accessToken"].as_str(), accept, json!({ "t": token }));
    assert_eq!(accepted.data()["acceptInvitation"]["cluster"]["slug"], "tpca");
    assert_eq!(
        app.post(colleague["accessToken"].as_str(), accept, json!({ "t": token }))
            .code(),
        "CONFLICT"
    );
    // The new role arrives with the next token.
    let refreshed = app.query(REFRESH, json!({ "t": colleague["refreshToken"] })).data()["refreshToken"].clone();
    let access = refreshed["accessToken"].as_str();
    assert_eq!(
        app.post(access, ME, json!({})).data()["me"]["clusters"],
        json!([{ "slug": "tpca" }])
    );
    assert_eq!(
        app.post(access, update, json!({ "id": tpca, "v": version })).data()["updateCluster"]["cluster"]["city"],
        "Taoyuan"
    );
}

/// The token in the link of the invitation mail queued for `recipient`.
fn mailed_invitation_token(app: &TestApp, recipient: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let url = app.database_url().to_owned();
    let recipient = recipient.to_owned();
    let body = tokio::runtime::Runtime::new().expect("a runtime").block_on(async move {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let mail = entity::outbox_mail::Entity::find()
            .filter(entity::outbox_mail::Column::Recipient.eq(recipient))
            .filter(entity::outbox_mail::Column::Purpose.eq(entity::outbox_mail::MailPurpose::Invitation))
            .one(&db)
            .await
            .expect("read")
            .expect("an invitation mail");
        db.close().await.ok();
        mail.text_body
    });
    let start = body.find("?token=").expect("a link with a token") + "?token=".len();
    body[start..].split_whitespace().next().expect("a token").to_owned()
}

const CREATE_KEY: &str = r#"mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
    key apiKey { id name prefix countries expiresAt revokedAt partnerOrganisation { acronym } } } }"#;

fn cnfi_id(app: &TestApp) -> String {
    let reply = app.query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}));
    reply.data()["partnerOrganisations"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn api_key_life_cycle() {
    let app = TestApp::spawn();
    let cnfi = cnfi_id(&app);
    let (partner, _) = demo_login(&app, 1);
    let (manager, _) = demo_login(&app, 2);
    let input = |countries: Value| json!({ "i": { "name": "CNFI registry sync", "partnerOrganisationId": cnfi, "countries": countries } });
    assert_eq!(
        app.post(Some(&manager), CREATE_KEY, input(Value::Null)).code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.post(Some(&partner), CREATE_KEY, input(json!(["DE"]))).code(),
        "FORBIDDEN",
        "no wider than its creator"
    );

    let created = app.post(Some(&partner), CREATE_KEY, input(Value::Null));
    let created = &created.data()["createApiKey"];
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with(created["apiKey"]["prefix"].as_str().unwrap()));
    assert_eq!(created["apiKey"]["countries"], json!(["TW"]));
    assert_eq!(created["apiKey"]["partnerOrganisation"]["acronym"], "CNFI");
    let key_id = created["apiKey"]["id"].as_str().unwrap().to_owned();

    // The key itself as a bearer credential.
    let me = app.post(Some(&key), ME, json!({}));
    assert_eq!(me.data()["me"]["role"], "PARTNER");
    assert_eq!(me.data()["me"]["countries"], json!(["TW"]));
    let create = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { slug country representedBy { acronym } } } }";
    let made = app.post(
        Some(&key),
        create,
        json!({ "i": new_cluster("Key-Registered Cluster") }),
    );
    assert_eq!(
        made.data()["createCluster"]["cluster"]["representedBy"]["acronym"],
        "CNFI"
    );
    let mut german = new_cluster("Not Ours");
    german["country"] = json!("DE");
    assert_eq!(app.post(Some(&key), create, json!({ "i": german })).code(), "FORBIDDEN");

    // Or traded for a short-lived access token.
    let exchanged = app.query(
        "mutation($k: String!) { exchangeApiKey(input: {key: $k}) { accessToken expiresIn } }",
        json!({ "k": key }),
    );
    let access = exchanged.data()["exchangeApiKey"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.post(Some(&access), ME, json!({})).data()["me"]["countries"],
        json!(["TW"])
    );

    let list = app.post(
        Some(&partner),
        "query($o: ID!) { apiKeys(partnerOrganisationId: $o) { name lastUsedAt } }",
        json!({ "o": cnfi }),
    );
    assert!(list.data()["apiKeys"][0]["lastUsedAt"].is_string());

    let revoke = "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { revokedAt } } }";
    assert_eq!(
        app.post(Some(&manager), revoke, json!({ "id": key_id })).code(),
        "FORBIDDEN"
    );
    assert!(
        app.post(Some(&partner), revoke, json!({ "id": key_id })).data()["revokeApiKey"]["apiKey"]["revokedAt"]
            .is_string()
    );
    let refused = app.post(Some(&key), ME, json!({}));
    assert_eq!((refused.status, refused.code()), (401, "UNAUTHENTICATED"));
    let tampered = format!("{}x", &key[..key.len() - 1]);
    assert_eq!(app.post(Some(&tampered), ME, json!({})).status, 401);
}

#[test]
fn bulk_registration_is_all_or_nothing() {
    let app = TestApp::spawn();
    let (partner, _) = demo_login(&app, 1);
    let register = "mutation($rows: [CreateClusterInput!]!) { registerClusters(input: {clusters: $rows}) { clusters { slug status } } }";
    let count = || {
        app.as_admin(
            r#"{ clusters(filter: {countries: ["TW"], statuses: [DRAFT]}) { totalCount } }"#,
            json!({}),
        )
        .data()["clusters"]["totalCount"]
            .clone()
    };
    let rows = |bad: Option<usize>| {
        (0..13)
            .map(|i| {
                let mut row = new_cluster(&format!("Taiwanese Association {i}"));
                if Some(i) == bad {
                    row["country"] = json!("Formosa");
                }
                row
            })
            .collect::<Vec<_>>()
    };
    let before = count();
    let refused = app.post(Some(&partner), register, json!({ "rows": rows(Some(5)) }));
    assert_eq!(refused.bad_fields(), ["clusters[5].country"]);
    assert_eq!(count(), before, "nothing was written");

    let mut mixed = rows(None);
    mixed[7]["country"] = json!("DE");
    let forbidden = app.post(Some(&partner), register, json!({ "rows": mixed }));
    assert_eq!(forbidden.code(), "FORBIDDEN");
    assert!(forbidden.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("clusters[7]"));
    assert_eq!(count(), before);

    let done = app.post(Some(&partner), register, json!({ "rows": rows(None) }));
    assert_eq!(
        done.data()["registerClusters"]["clusters"].as_array().unwrap().len(),
        13
    );
    assert_eq!(count().as_u64().unwrap(), before.as_u64().unwrap() + 13);
}

#[test]
fn review_workflow_with_rules_waiver_and_rejection() {
    let app = TestApp::spawn();
    let (partner, _) = demo_login(&app, 1);
    let create = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id version status } } }";
    let mut small = new_cluster("Small New Cluster");
    small["memberCounts"] = json!({ "total": 8, "sme": 8 });
    small["website"] = Value::Null;
    let cluster = app.post(Some(&partner), create, json!({ "i": small })).data()["createCluster"]["cluster"].clone();
    assert_eq!(cluster["status"], "DRAFT");
    let id = cluster["id"].as_str().unwrap();

    let step = |name: &str, extra: &str, version: i64| {
        app.post(
            Some(&partner),
            &format!("mutation($id: ID!, $v: Int!) {{ {name}(input: {{id: $id, version: $v{extra}}}) {{ cluster {{ status version reviewNote }} }} }}"),
            json!({ "id": id, "v": version }),
        )
    };
    assert_eq!(
        step("publishCluster", "", 1).code(),
        "CONFLICT",
        "a draft must be submitted first"
    );
    let submitted = step("submitClusterForReview", "", 1);
    assert_eq!(
        submitted.data()["submitClusterForReview"]["cluster"]["status"],
        "NEEDS_REVIEW"
    );
    let refused = step("publishCluster", "", 2);
    let mut fields = refused.bad_fields();
    fields.sort();
    assert_eq!(fields, ["memberCounts", "memberCounts.total", "website"]);
    let rejected = step("rejectCluster", r#", reason: "Please list your members""#, 2);
    assert_eq!(
        rejected.data()["rejectCluster"]["cluster"],
        json!({ "status": "DRAFT", "version": 3, "reviewNote": "Please list your members" })
    );
    let public = app.query(
        "query($id: ID!) { cluster(id: $id) { reviewNote } }",
        json!({ "id": id }),
    );
    assert_eq!(public.data()["cluster"], json!(null), "drafts are not public");
    step("submitClusterForReview", "", 3).data();
    let waived = step(
        "publishCluster",
        r#", waiverReason: "Recognised by the national cluster programme""#,
        4,
    );
    assert_eq!(waived.data()["publishCluster"]["cluster"]["status"], "PUBLISHED");
    let public = app.query(
        "query($id: ID!) { cluster(id: $id) { status reviewNote } }",
        json!({ "id": id }),
    );
    assert_eq!(
        public.data()["cluster"],
        json!({ "status": "PUBLISHED", "reviewNote": null }),
        "notes are for editors"
    );

    let audit = app.post(
        Some(&partner),
        r#"query($id: ID!) { auditLog(filter: {entityId: $id}) { totalCount nodes { action actorKind changedFields country } } }"#,
        json!({ "id": id }),
    );
    let actions: Vec<_> = audit.data()["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].clone())
        .collect();
    assert_eq!(
        actions,
        [
            json!("PUBLISH"),
            json!("SUBMIT_FOR_REVIEW"),
            json!("REJECT"),
            json!("SUBMIT_FOR_REVIEW"),
            json!("CREATE")
        ]
    );
    assert!(audit.data()["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["actorKind"] == "USER" && n["country"] == "TW"));
}

#[test]
fn audit_log_records_changed_fields_and_partners_see_their_countries() {
    let app = TestApp::spawn();
    let castra = cluster_id(&app, "castra");
    let version = app
        .query(
            "query($id: ID!) { cluster(id: $id) { version } }",
            json!({ "id": castra }),
        )
        .data()["cluster"]["version"]
        .clone();
    app.as_admin(
        r#"mutation($id: ID!, $v: Int!) { updateCluster(input: {id: $id, version: $v, description: "New text", city: "Toulouse"}) { cluster { id } } }"#,
        json!({ "id": castra, "v": version }),
    )
    .data();
    let query = r#"{ auditLog(filter: {action: UPDATE}) { totalCount nodes { entityType entityId changedFields country actorKind } } }"#;
    let admin = app.as_admin(query, json!({}));
    let entry = &admin.data()["auditLog"]["nodes"][0];
    assert_eq!(entry["entityId"], castra.as_str());
    assert_eq!(entry["changedFields"], json!(["city", "description"]));
    assert_eq!(entry["actorKind"], "OPERATOR");
    let (partner, _) = demo_login(&app, 1);
    let theirs = app.post(Some(&partner), query, json!({}));
    assert_eq!(
        theirs.data()["auditLog"]["totalCount"],
        0,
        "a TW partner does not see a change in another country"
    );
    let all = app.post(
        Some(&partner),
        "{ auditLog(first: 100) { nodes { country } } }",
        json!({}),
    );
    assert!(all.data()["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["country"] == "TW"));
}
