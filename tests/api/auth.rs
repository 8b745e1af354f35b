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

fn sign_with(header: Header, claims: &serde_json::Value, key: &EncodingKey) -> String {
    encode(&header, claims, key).unwrap()
}

#[test]
fn keys_rotate_by_kid() {
    let app = TestApp::spawn();
    let hs = |kid: Option<&str>| Header {
        kid: kid.map(str::to_owned),
        ..Default::default()
    };
    let ours = EncodingKey::from_secret(SECRET.as_bytes());
    let retired = EncodingKey::from_secret(crate::support::RETIRED_SECRET.as_bytes());
    let cases = [
        (
            "current key by kid",
            sign_with(hs(Some("primary")), &claims(600), &ours),
            200,
        ),
        ("current key without kid", sign_with(hs(None), &claims(600), &ours), 200),
        (
            "retired key still verifies",
            sign_with(hs(Some("old")), &claims(600), &retired),
            200,
        ),
        (
            "retired key under the wrong kid",
            sign_with(hs(Some("primary")), &claims(600), &retired),
            401,
        ),
        (
            "unknown kid",
            sign_with(hs(Some("someone-elses")), &claims(600), &ours),
            401,
        ),
    ];
    for (name, token, status) in cases {
        assert_eq!(
            app.post(Some(&token), "{ me { role } }", json!({})).status,
            status,
            "{name}"
        );
    }
}

#[test]
fn a_partners_identity_provider_is_trusted_within_limits() {
    use crate::support::{IDP_ISSUER, IDP_PRIVATE_KEY, IDP_PUBLIC_KEY};
    use jsonwebtoken::Algorithm;
    let app = TestApp::spawn();
    let idp_key = EncodingKey::from_ed_pem(IDP_PRIVATE_KEY).unwrap();
    let idp = |role: &str, countries: serde_json::Value, iss: &str| {
        let mut c = claims(600);
        c["iss"] = json!(iss);
        c["role"] = json!(role);
        c["countries"] = countries;
        c["sub"] = json!("00000000-0000-7000-8000-000000000001");
        sign_with(Header::new(Algorithm::EdDSA), &c, &idp_key)
    };
    let good = app.post(
        Some(&idp("PARTNER", json!(["TW"]), IDP_ISSUER)),
        "{ me { role countries subject user { email } } }",
        json!({}),
    );
    let me = &good.data()["me"];
    assert_eq!(me["role"], "PARTNER");
    assert_eq!(me["countries"], json!(["TW"]));
    assert_eq!(
        me["user"],
        json!(null),
        "never one of our accounts, whatever its subject"
    );
    assert!(me["subject"].as_str().unwrap().starts_with(IDP_ISSUER));

    let refused = [
        ("claims ADMIN", idp("ADMIN", json!([]), IDP_ISSUER)),
        (
            "claims a country it does not cover",
            idp("PARTNER", json!(["DE"]), IDP_ISSUER),
        ),
        ("another issuer", idp("PARTNER", json!(["TW"]), "https://evil.example")),
        // Algorithm confusion: an HS256 token keyed with the provider's public key.
        (
            "HS256 signed with the public key",
            sign_with(
                Header::default(),
                &claims(600),
                &EncodingKey::from_secret(IDP_PUBLIC_KEY),
            ),
        ),
    ];
    for (name, token) in refused {
        let reply = app.post(Some(&token), "{ me { role } }", json!({}));
        assert_eq!((reply.status, reply.code()), (401, "UNAUTHENTICATED"), "{name}");
    }
}

#[test]
fn claims_in_the_future_or_missing_are_refused() {
    let app = TestApp::spawn();
    let mut not_yet = claims(7200);
    not_yet["nbf"] = json!(chrono::Utc::now().timestamp() + 3600);
    let mut no_iat = claims(600);
    no_iat.as_object_mut().unwrap().remove("iat");
    let mut no_exp = claims(600);
    no_exp.as_object_mut().unwrap().remove("exp");
    for (name, token) in [
        ("nbf ahead", sign(&not_yet, SECRET)),
        ("no iat", sign(&no_iat, SECRET)),
        ("no exp", sign(&no_exp, SECRET)),
    ] {
        assert_eq!(
            app.post(Some(&token), "{ me { role } }", json!({})).status,
            401,
            "{name}"
        );
    }
}

#[test]
fn operator_tokens_carry_their_scopes() {
    let app = TestApp::spawn();
    let tpca = app.query(r#"{ clusterBySlug(slug: "tpca") { id } }"#, json!({})).data()["clusterBySlug"]["id"].clone();
    let token = TestApp::scoped_token(Role::ClusterManager, &[], &[tpca.as_str().unwrap()], &[]);
    let me = app.post(Some(&token), "{ me { role countries clusters { slug } } }", json!({}));
    assert_eq!(
        me.data()["me"],
        json!({ "role": "CLUSTER_MANAGER", "countries": [], "clusters": [{ "slug": "tpca" }] })
    );
}
