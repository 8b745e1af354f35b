//! Writes need an administrator's token; bad tokens are refused outright.

use clusterbridge::auth::{Role, TokenService};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

use crate::{
    clusters::{new_cluster, CREATE},
    support::{TestApp, SECRET},
};

fn cluster_count(app: &TestApp) -> u64 {
    let reply = app.as_admin(
        "{ clusters(filter: {statuses: [DRAFT, PUBLISHED, NEEDS_REVIEW, ARCHIVED]}) { totalCount } }",
        json!({}),
    );
    reply.data()["clusters"]["totalCount"].as_u64().unwrap()
}

#[test]
fn writes_without_a_token_are_unauthenticated() {
    let app = TestApp::spawn();
    let before = cluster_count(&app);
    let reply = app.query(CREATE, json!({ "input": new_cluster("Anonymous Cluster") }));
    assert_eq!(reply.code(), "UNAUTHENTICATED");
    assert_eq!(reply.body["data"], json!(null));
    assert_eq!(cluster_count(&app), before);
}

#[test]
fn writes_by_other_roles_are_forbidden() {
    let app = TestApp::spawn();
    let before = cluster_count(&app);
    for role in [Role::User, Role::ClusterManager, Role::Partner] {
        let token = TestApp::token(role);
        let reply = app.post(
            Some(&token),
            CREATE,
            json!({ "input": new_cluster("Forbidden Cluster") }),
        );
        assert_eq!(reply.code(), "FORBIDDEN", "{role:?}");
        let some_id = app.query("{ clusters(first: 1) { nodes { id } } }", json!({})).data()["clusters"]["nodes"][0]
            ["id"]
            .clone();
        let delete = app.post(
            Some(&token),
            "mutation($id: ID!) { deleteCluster(input: {id: $id}) { deletedClusterId } }",
            json!({ "id": some_id }),
        );
        assert_eq!(delete.code(), "FORBIDDEN", "{role:?}");
    }
    assert_eq!(cluster_count(&app), before);
}

fn claims(exp_offset: i64) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": "x", "role": "ADMIN", "iss": "clusterbridge", "aud": "clusterbridge-api",
            "iat": now, "nbf": now, "exp": now + exp_offset })
}

fn sign(claims: &serde_json::Value, secret: &str) -> String {
    encode(&Header::default(), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[test]
fn bad_tokens_are_refused_with_401() {
    let app = TestApp::spawn();
    let mut wrong_audience = claims(600);
    wrong_audience["aud"] = json!("another-api");
    let mut wrong_issuer = claims(600);
    wrong_issuer["iss"] = json!("someone-else");
    let mut string_exp = claims(600);
    string_exp["exp"] = json!((chrono::Utc::now().timestamp() + 600).to_string());
    let mut no_subject = claims(600);
    no_subject.as_object_mut().unwrap().remove("sub");
    let unsigned = {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims(600).to_string());
        format!("{header}.{body}.")
    };
    let cases = [
        ("garbage", "not.a.token".to_owned()),
        (
            "wrong secret",
            sign(&claims(600), "another-secret-another-secret-another"),
        ),
        ("expired", sign(&claims(-3600), SECRET)),
        ("wrong audience", sign(&wrong_audience, SECRET)),
        ("wrong issuer", sign(&wrong_issuer, SECRET)),
        ("string exp", sign(&string_exp, SECRET)),
        ("no subject", sign(&no_subject, SECRET)),
        ("alg none", unsigned),
    ];
    for (name, token) in cases {
        let reply = app.post(Some(&token), "{ clusters { totalCount } }", json!({}));
        assert_eq!(reply.status, 401, "{name}");
        assert_eq!(reply.code(), "UNAUTHENTICATED", "{name}");
    }
    // And the good one works, signed and verified for real.
    let good = TokenService::new(SECRET)
        .issue_for("ops", Role::Admin, std::time::Duration::from_secs(60))
        .unwrap();
    assert_eq!(
        app.post(Some(&good), "{ clusters { totalCount } }", json!({})).status,
        200
    );
}
