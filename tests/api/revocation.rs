//! Revocation reaches outstanding access tokens (issue 13, point 11): logout, changePassword,
//! revokeRole and revokeApiKey end the access tokens they concern within REVOCATION_DELAY, here
//! set to 0 s so the tests need not wait; and API keys cannot breed (point 6).

use std::time::Duration;

use clusterbridge::{http::EndpointSettings, seed::DEMO_ACCOUNTS};
use serde_json::{json, Value};

use crate::support::TestApp;

const LOGIN: &str = r#"mutation($e: String!, $p: String!) {
    login(input: {email: $e, password: $p}) { accessToken refreshToken user { id } } }"#;
const ME: &str = "{ me { role clusters { id } } }";
const CREATE_KEY: &str = r#"mutation($o: ID!) { createApiKey(input: {name: "sync", partnerOrganisationId: $o}) {
    key apiKey { id expiresAt } } }"#;
const REVOKE_KEY: &str = "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { revokedAt } } }";
const EXCHANGE: &str = "mutation($k: String!) { exchangeApiKey(input: {key: $k}) { accessToken expiresIn } }";

fn immediate() -> TestApp {
    TestApp::with_settings(EndpointSettings {
        revocation_delay: Duration::ZERO,
        ..EndpointSettings::default()
    })
}

fn sign_in(app: &TestApp, account: usize) -> Value {
    let (email, _, password) = DEMO_ACCOUNTS[account];
    app.query(LOGIN, json!({ "e": email, "p": password })).data()["login"].clone()
}

fn access(session: &Value) -> String {
    session["accessToken"].as_str().unwrap().to_owned()
}

/// Whether an access token still gets the caller's `me`.
fn works(app: &TestApp, token: &str) -> bool {
    let reply = app.post(Some(token), ME, json!({}));
    match reply.status {
        200 => true,
        401 => {
            assert_eq!(reply.code(), "UNAUTHENTICATED");
            false
        }
        other => panic!("{other}: {}", reply.body),
    }
}

fn cnfi(app: &TestApp) -> Value {
    let reply = app.query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}));
    reply.data()["partnerOrganisations"]["nodes"][0]["id"].clone()
}

#[test]
fn logout_ends_the_access_tokens_of_that_sign_in_only() {
    let app = immediate();
    let (one, other) = (sign_in(&app, 2), sign_in(&app, 2));
    assert!(works(&app, &access(&one)));
    let out = app.query(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { signedOut } }",
        json!({ "t": one["refreshToken"] }),
    );
    assert_eq!(out.data()["logout"]["signedOut"], true);
    assert!(
        !works(&app, &access(&one)),
        "the signed-out session's access token is dead"
    );
    assert!(works(&app, &access(&other)), "another sign-in goes on");
}

#[test]
fn change_password_ends_every_access_token() {
    let app = immediate();
    let (one, other) = (sign_in(&app, 2), sign_in(&app, 2));
    let (_, _, password) = DEMO_ACCOUNTS[2];
    let changed = app.post(
        Some(&access(&one)),
        "mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: \"a brand new passphrase\"}) { signedOutElsewhere } }",
        json!({ "c": password }),
    );
    assert_eq!(changed.data()["changePassword"]["signedOutElsewhere"], true);
    assert!(!works(&app, &access(&other)));
    assert!(!works(&app, &access(&one)));
}

#[test]
fn revoke_role_ends_the_tokens_that_carry_it() {
    let app = immediate();
    let manager = sign_in(&app, 2);
    let me = app.post(Some(&access(&manager)), ME, json!({}));
    assert_eq!(me.data()["me"]["role"], "CLUSTER_MANAGER");
    let cluster = me.data()["me"]["clusters"][0]["id"].clone();
    let revoked = app.as_admin(
        "mutation($u: ID!, $c: ID!) { revokeRole(input: {userId: $u, role: CLUSTER_MANAGER, clusterId: $c}) { user { id } } }",
        json!({ "u": manager["user"]["id"], "c": cluster }),
    );
    assert!(revoked.data()["revokeRole"]["user"]["id"].is_string());
    assert!(
        !works(&app, &access(&manager)),
        "the token that says CLUSTER_MANAGER is dead"
    );
    // The sign-in itself goes on, with what is left of the user's roles.
    let refreshed = app.query(
        "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken } }",
        json!({ "t": manager["refreshToken"] }),
    );
    let token = refreshed.data()["refreshToken"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.post(Some(&token), ME, json!({})).data()["me"]["role"], "USER");
}

#[test]
fn revoking_a_key_ends_its_exchanged_tokens_at_once() {
    let app = immediate();
    let partner = access(&sign_in(&app, 1));
    let created = app.post(Some(&partner), CREATE_KEY, json!({ "o": cnfi(&app) }));
    let key = created.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    let id = created.data()["createApiKey"]["apiKey"]["id"].clone();
    let exchanged = app.query(EXCHANGE, json!({ "k": key }));
    let token = exchanged.data()["exchangeApiKey"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(works(&app, &token));
    assert!(
        app.post(Some(&partner), REVOKE_KEY, json!({ "id": id })).data()["revokeApiKey"]["apiKey"]["revokedAt"]
            .is_string()
    );
    assert!(!works(&app, &token), "the exchanged token died with its key");
}

#[test]
fn keys_cannot_make_revoke_or_outlive_their_creators_authority() {
    let app = immediate();
    let partner_session = sign_in(&app, 1);
    let partner = access(&partner_session);
    let org = cnfi(&app);
    let created = app.post(Some(&partner), CREATE_KEY, json!({ "o": org }));
    let key = created.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    let id = created.data()["createApiKey"]["apiKey"]["id"].clone();
    let exchanged = app.query(EXCHANGE, json!({ "k": key }));
    let token = exchanged.data()["exchangeApiKey"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    for credential in [&key, &token] {
        assert_eq!(
            app.post(Some(credential), CREATE_KEY, json!({ "o": org })).code(),
            "FORBIDDEN"
        );
        assert_eq!(
            app.post(Some(credential), REVOKE_KEY, json!({ "id": id })).code(),
            "FORBIDDEN"
        );
    }

    // A key expiring in two minutes is exchanged for a token of two minutes at most.
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(2)).to_rfc3339();
    let short = app.post(
        Some(&partner),
        r#"mutation($o: ID!, $x: DateTime!) { createApiKey(input: {name: "brief", partnerOrganisationId: $o, expiresAt: $x}) { key } }"#,
        json!({ "o": org, "x": soon }),
    );
    let short = short.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    let lifetime = app.query(EXCHANGE, json!({ "k": short })).data()["exchangeApiKey"]["expiresIn"]
        .as_u64()
        .unwrap();
    assert!(lifetime <= 120, "{lifetime}");

    // The creator loses the PARTNER grant: the keys it made, and their tokens, stop working.
    let revoked = app.as_admin(
        "mutation($u: ID!, $o: ID!) { revokeRole(input: {userId: $u, role: PARTNER, partnerOrganisationId: $o}) { user { id } } }",
        json!({ "u": partner_session["user"]["id"], "o": org }),
    );
    assert!(revoked.data()["revokeRole"]["user"]["id"].is_string());
    assert!(!works(&app, &key), "the key died with its creator's grant");
    assert!(!works(&app, &token));
    assert!(!works(&app, &short));
}

#[test]
fn a_revocation_reaches_a_cached_token_within_the_delay() {
    let delay = Duration::from_secs(1);
    let app = TestApp::with_settings(EndpointSettings {
        revocation_delay: delay,
        ..EndpointSettings::default()
    });
    let session = sign_in(&app, 2);
    assert!(
        works(&app, &access(&session)),
        "checked once, then trusted for the delay"
    );
    app.query(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { signedOut } }",
        json!({ "t": session["refreshToken"] }),
    );
    std::thread::sleep(delay + Duration::from_millis(200));
    assert!(
        !works(&app, &access(&session)),
        "past the delay the sign-out has reached it"
    );
}
