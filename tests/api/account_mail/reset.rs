//! The password reset through its mailed link: once, ending every session, expiring, and asked
//! for alike (answer, throttle and time) whether or not an account has the address.

use clusterbridge::{
    auth::{LinkPurpose, Links},
    http::EndpointSettings,
    seed::DEMO_ACCOUNTS,
};
use serde_json::json;

use super::{deliver, login, register, token_in, LOGIN, ME, REFRESH};
use crate::{
    mail::SmtpServer,
    support::{uuid_of, TestApp},
};

const REQUEST_RESET: &str = r#"mutation($e: String!) { requestPasswordReset(input: {email: $e}) { accepted } }"#;
const RESET: &str = r#"mutation($t: String!, $p: String!) { resetPassword(input: {token: $t, newPassword: $p}) {
    signedOutEverywhere } }"#;

#[test]
fn a_password_is_reset_once_with_the_mailed_link_and_every_session_ends() {
    let app = TestApp::with_settings(EndpointSettings {
        revocation_delay: std::time::Duration::ZERO,
        ..EndpointSettings::default()
    });
    let smtp = SmtpServer::start(0);
    register(&app, "ana@example.eu", "Ana's old passphrase", None);
    let (access, refresh) = login(&app, "ana@example.eu", "Ana's old passphrase");
    app.sql("DELETE FROM outbox_mail");

    let known = app.query(REQUEST_RESET, json!({ "e": " ANA@example.eu " }));
    let unknown = app.query(REQUEST_RESET, json!({ "e": "nobody@example.eu" }));
    assert_eq!(known.body, unknown.body, "the same answer for an unknown address");
    assert_eq!(known.data()["requestPasswordReset"]["accepted"], true);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail"),
        1,
        "nothing queued for nobody"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE purpose = 'PASSWORD_RESET' AND recipient = 'ana@example.eu'"),
        1
    );
    let mails = deliver(&app, &smtp);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, "ana@example.eu");
    let token = token_in(&mails[0].text, "/account/reset-password");

    let weak = app.query(RESET, json!({ "t": token, "p": "short" }));
    assert_eq!(weak.bad_fields(), ["newPassword"]);
    assert_eq!(
        app.query(RESET, json!({ "t": "rp.forged", "p": "Ana's new passphrase" }))
            .code(),
        "LINK_INVALID"
    );
    let reset = app.query(RESET, json!({ "t": token, "p": "Ana's new passphrase" }));
    assert_eq!(reset.data()["resetPassword"]["signedOutEverywhere"], true);

    assert_eq!(
        app.query(RESET, json!({ "t": token, "p": "Ana's third passphrase" }))
            .code(),
        "LINK_INVALID"
    );
    assert_eq!(app.query(REFRESH, json!({ "t": refresh })).code(), "UNAUTHENTICATED");
    assert_eq!(app.post(Some(&access), ME, json!({})).code(), "UNAUTHENTICATED");
    assert_eq!(
        app.query(LOGIN, json!({ "e": "ana@example.eu", "p": "Ana's old passphrase" }))
            .code(),
        "UNAUTHENTICATED"
    );
    let (access, _) = login(&app, "ana@example.eu", "Ana's new passphrase");
    // The link came to the address: it is verified now.
    assert_eq!(
        app.post(Some(&access), ME, json!({})).data()["me"]["emailVerified"],
        true
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'RESET_PASSWORD'"),
        1
    );
}

#[test]
fn an_expired_reset_link_is_refused_like_any_bad_one() {
    let app = TestApp::spawn();
    let user = register(&app, "bo@example.eu", "Bo's own passphrase", None);
    let user_id = uuid_of(user["id"].as_str().expect("an id"));
    // A genuine link, signed by the server's key and bound to the current password, made two
    // hours ago: an hour past its life.
    let hash = password_hash(&app, user_id);
    let links = Links::default();
    let made = chrono::Utc::now() - chrono::Duration::hours(2);
    let expired = links.issue(
        LinkPurpose::ResetPassword,
        user_id,
        &hash,
        chrono::Duration::hours(1),
        made,
    );
    let fresh = links.issue(
        LinkPurpose::ResetPassword,
        user_id,
        &hash,
        chrono::Duration::hours(1),
        chrono::Utc::now(),
    );
    assert_eq!(
        app.query(RESET, json!({ "t": expired, "p": "Bo's new passphrase" }))
            .code(),
        "LINK_INVALID"
    );
    // A link for another purpose is refused alike.
    let other = links.issue(
        LinkPurpose::VerifyEmail,
        user_id,
        &hash,
        chrono::Duration::hours(1),
        chrono::Utc::now(),
    );
    assert_eq!(
        app.query(RESET, json!({ "t": other, "p": "Bo's new passphrase" }))
            .code(),
        "LINK_INVALID"
    );
    // The same link made now works: it was the expiry that refused it.
    assert_eq!(
        app.query(RESET, json!({ "t": fresh, "p": "Bo's new passphrase" }))
            .data()["resetPassword"]["signedOutEverywhere"],
        true
    );
}

/// The stored password hash of a user, read as the server reads it.
fn password_hash(app: &TestApp, user_id: uuid::Uuid) -> String {
    use sea_orm::EntityTrait;
    let url = app.database_url().to_owned();
    tokio::runtime::Runtime::new().expect("a runtime").block_on(async move {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let user = entity::user::Entity::find_by_id(user_id)
            .one(&db)
            .await
            .expect("read")
            .expect("the user");
        db.close().await.ok();
        user.password_hash
    })
}

#[test]
fn reset_requests_are_throttled_and_do_the_same_work_for_known_and_unknown_addresses() {
    let app = TestApp::spawn();
    // What a request costs is counted in SQL statements, not timed: a count is the same on a
    // loaded machine, and a path that skipped the work would show in it.
    let ask = |email: &str| {
        app.take_statement_count();
        let reply = app.query(REQUEST_RESET, json!({ "e": email }));
        (reply, app.take_statement_count())
    };
    // Demo accounts exist; the .invalid ones do not.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for round in 0..3 {
        for (i, (email, _, _)) in DEMO_ACCOUNTS.iter().take(3).enumerate() {
            let nobody = format!("nobody-{i}@example.invalid");
            let pair = [(*email, true), (nobody.as_str(), false)];
            let order = if (round + i) % 2 == 0 { [0, 1] } else { [1, 0] };
            for (email, exists) in order.map(|k| pair[k]) {
                let (reply, took) = ask(email);
                assert_eq!(reply.data()["requestPasswordReset"]["accepted"], true, "round {round}");
                if exists {
                    known.push(took)
                } else {
                    unknown.push(took)
                }
            }
        }
    }
    // A fourth request for one address in the window is refused, known or not.
    assert_eq!(ask(DEMO_ACCOUNTS[0].0).0.code(), "RATE_LIMITED");
    assert_eq!(ask("nobody-0@example.invalid").0.code(), "RATE_LIMITED");
    // 18 requests from this client so far; two more fit its 20, the next does not.
    for fresh in ["fresh-1@example.invalid", "fresh-2@example.invalid"] {
        assert_eq!(ask(fresh).0.data()["requestPasswordReset"]["accepted"], true);
    }
    assert_eq!(ask("fresh-3@example.invalid").0.code(), "RATE_LIMITED");
    // Three requests for each of three accounts, no sender running: each new mail took the
    // place of the one still waiting, so one an account.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE purpose = 'PASSWORD_RESET'"),
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE recipient LIKE '%example.invalid'"),
        0
    );
    eprintln!("requestPasswordReset statements: known {known:?}, unknown {unknown:?}");
    assert!(
        known.iter().chain(&unknown).all(|n| *n == known[0]),
        "the same statements for every address: known {known:?}, unknown {unknown:?}"
    );
}
