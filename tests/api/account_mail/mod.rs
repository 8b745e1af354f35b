//! Account mail end to end (issue 16.7): each flow over HTTP, its mail delivered by the real
//! `send-mail` command to the real SMTP server fixture, and the link read from the message that
//! arrived: an invitation accepted with the mailed token, verification gating contact details,
//! the password reset (old sessions refused, the link single use, expiry, no account
//! enumeration), and the interest mail carrying a link and not the message. The reset flows
//! are in `reset`.

mod reset;

use base64::Engine;
use clusterbridge::seed::DEMO_ACCOUNTS;
use serde_json::{json, Value};

use crate::{
    mail::{send_once, SmtpServer},
    support::TestApp,
};

const LOGIN: &str = r#"mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) {
    accessToken refreshToken } }"#;
const REFRESH: &str =
    r#"mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken refreshToken } }"#;
const REGISTER: &str = r#"mutation($i: RegisterInput!) { register(input: $i) { user { id email emailVerified } } }"#;
const CONTACT: &str = r#"{ clusterBySlug(slug: "tpca") { contact { email } } }"#;
const ME: &str = "{ me { emailVerified user { emailVerified } } }";

/// Signs in; (access token, refresh token).
fn login(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let reply = app.query(LOGIN, json!({ "e": email, "p": password }));
    let session = &reply.data()["login"];
    (
        session["accessToken"].as_str().expect("an access token").to_owned(),
        session["refreshToken"].as_str().expect("a refresh token").to_owned(),
    )
}

fn register(app: &TestApp, email: &str, password: &str, language: Option<&str>) -> Value {
    let input =
        json!({ "i": { "email": email, "displayName": "Mei-Ling Chen", "password": password, "language": language } });
    app.query(REGISTER, input).data()["register"]["user"].clone()
}

/// A message the SMTP server accepted: its envelope recipient, and its text part decoded.
struct Delivered {
    recipient: String,
    text: String,
    raw: String,
}

/// Runs the real sender once and returns what the SMTP server holds now.
fn deliver(app: &TestApp, smtp: &SmtpServer) -> Vec<Delivered> {
    send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]);
    smtp.received()
        .into_iter()
        .map(|(recipient, raw)| Delivered {
            recipient,
            text: text_part(&raw),
            raw,
        })
        .collect()
}

/// The `text/plain` part of a MIME message, its transfer encoding (quoted-printable, base64 or
/// none) undone.
fn text_part(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let start = raw.find("Content-Type: text/plain").expect("a text/plain part");
    let part = &raw[start..];
    let (headers, rest) = part.split_once("\n\n").expect("headers, then a body");
    let body = rest.split("\n--").next().unwrap_or(rest);
    let encoding = headers.to_ascii_lowercase();
    if encoding.contains("content-transfer-encoding: base64") {
        let compact: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .expect("base64");
        String::from_utf8(bytes).expect("UTF-8")
    } else if encoding.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let mut bytes = Vec::new();
        let mut chars = joined.as_bytes().iter();
        while let Some(&b) = chars.next() {
            if b == b'=' {
                let hex: Vec<u8> = chars.by_ref().take(2).copied().collect();
                let hex = std::str::from_utf8(&hex).expect("hex digits");
                bytes.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            } else {
                bytes.push(b);
            }
        }
        String::from_utf8(bytes).expect("UTF-8")
    } else {
        body.to_owned()
    }
}

/// The token of the link to `path` in a mail's text.
fn token_in(text: &str, path: &str) -> String {
    let prefix = format!("http://127.0.0.1:8080{path}?token=");
    let start = text.find(&prefix).unwrap_or_else(|| panic!("no {prefix} in\n{text}")) + prefix.len();
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .expect("a token")
        .to_owned()
}

fn only_mail_to<'a>(mails: &'a [Delivered], recipient: &str, purpose_word: &str) -> &'a Delivered {
    let found: Vec<&Delivered> = mails
        .iter()
        .filter(|m| m.recipient == recipient && m.text.contains(purpose_word))
        .collect();
    assert_eq!(found.len(), 1, "one {purpose_word:?} mail to {recipient}");
    found[0]
}

#[test]
fn an_invitation_is_accepted_with_the_token_of_the_mailed_link() {
    let app = TestApp::spawn();
    let smtp = SmtpServer::start(0);
    let (manager, _) = login(&app, DEMO_ACCOUNTS[2].0, DEMO_ACCOUNTS[2].2);
    let tpca = app.query(r#"{ clusterBySlug(slug: "tpca") { id } }"#, json!({})).data()["clusterBySlug"]["id"].clone();
    let invite = |selection: &str| {
        format!("mutation($c: ID!) {{ inviteClusterManager(input: {{clusterId: $c, email: \"Colleague@Example.TW\"}}) {{ {selection} }} }}")
    };
    // The token is in no answer any more.
    assert_eq!(
        app.post(Some(&manager), &invite("token"), json!({ "c": tpca })).code(),
        "GRAPHQL_VALIDATION_FAILED"
    );
    let invited = app.post(Some(&manager), &invite("invitation { email }"), json!({ "c": tpca }));
    assert_eq!(
        invited.data()["inviteClusterManager"]["invitation"]["email"],
        "colleague@example.tw"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_mail WHERE purpose = 'INVITATION' AND recipient = 'colleague@example.tw'"
        ),
        1
    );

    let mails = deliver(&app, &smtp);
    let mail = only_mail_to(&mails, "colleague@example.tw", "/invitations/accept");
    assert!(
        mail.text.contains("Taiwan Printed Circuit Association"),
        "{}",
        mail.text
    );
    assert!(mail.raw.contains("Subject: Invitation to manage"), "{}", mail.raw);
    let token = token_in(&mail.text, "/invitations/accept");

    register(&app, "colleague@example.tw", "a colleague's passphrase", None);
    let (colleague, refresh) = login(&app, "colleague@example.tw", "a colleague's passphrase");
    assert_eq!(
        app.post(Some(&colleague), ME, json!({})).data()["me"]["emailVerified"],
        false
    );
    let accept = r#"mutation($t: String!) { acceptInvitation(input: {token: $t}) { cluster { slug } } }"#;
    let accepted = app.post(Some(&colleague), accept, json!({ "t": token }));
    assert_eq!(accepted.data()["acceptInvitation"]["cluster"]["slug"], "tpca");
    // The mailed token proved the address; the next token says so and carries the new role.
    let refreshed = app.query(REFRESH, json!({ "t": refresh })).data()["refreshToken"].clone();
    let me = app.post(
        refreshed["accessToken"].as_str(),
        "{ me { role emailVerified user { emailVerified } } }",
        json!({}),
    );
    assert_eq!(
        me.data()["me"],
        json!({ "role": "CLUSTER_MANAGER", "emailVerified": true, "user": { "emailVerified": true } })
    );
}

#[test]
fn an_unverified_user_sees_no_contact_details_until_the_mailed_link_is_opened() {
    let app = TestApp::spawn();
    let smtp = SmtpServer::start(0);
    let user = register(&app, "mei@example.tw", "Mei-Ling's passphrase", Some("zh-TW"));
    assert_eq!(user["emailVerified"], Value::Null, "only for the person themself");
    let (access, refresh) = login(&app, "mei@example.tw", "Mei-Ling's passphrase");
    assert_eq!(
        app.post(Some(&access), ME, json!({})).data()["me"],
        json!({ "emailVerified": false, "user": { "emailVerified": false } })
    );
    assert!(app.post(Some(&access), CONTACT, json!({})).data()["clusterBySlug"]["contact"].is_null());
    // A demo account (made by the platform) sees them.
    let (admin, _) = login(&app, DEMO_ACCOUNTS[0].0, DEMO_ACCOUNTS[0].2);
    assert!(app.post(Some(&admin), CONTACT, json!({})).data()["clusterBySlug"]["contact"]["email"].is_string());

    let resend = "mutation { requestEmailVerification { queued } }";
    assert_eq!(app.query(resend, json!({})).code(), "UNAUTHENTICATED");
    assert_eq!(
        app.post(Some(&access), resend, json!({})).data()["requestEmailVerification"]["queued"],
        true
    );
    let mails = deliver(&app, &smtp);
    let to_mei: Vec<&Delivered> = mails.iter().filter(|m| m.recipient == "mei@example.tw").collect();
    assert_eq!(to_mei.len(), 2, "at registration and on request");
    // In the language given at registration.
    assert!(to_mei[0].text.contains("您好"), "{}", to_mei[0].text);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE recipient = 'mei@example.tw' AND html_body LIKE '%lang=\"zh-Hant\"%'"),
        2
    );
    let first = token_in(&to_mei[0].text, "/account/verify-email");
    let second = token_in(&to_mei[1].text, "/account/verify-email");

    let verify = r#"mutation($t: String!) { verifyEmail(input: {token: $t}) { user { id } } }"#;
    assert_eq!(app.query(verify, json!({ "t": "ve.garbage" })).code(), "LINK_INVALID");
    let verified = app.query(verify, json!({ "t": first }));
    assert_eq!(verified.data()["verifyEmail"]["user"]["id"], user["id"]);
    // Single use, and the other link it overtook is dead too.
    for token in [&first, &second] {
        assert_eq!(app.query(verify, json!({ "t": token })).code(), "LINK_INVALID");
    }
    // The access token in hand still says unverified; the next one does not.
    assert!(app.post(Some(&access), CONTACT, json!({})).data()["clusterBySlug"]["contact"].is_null());
    let refreshed = app.query(REFRESH, json!({ "t": refresh })).data()["refreshToken"].clone();
    let access = refreshed["accessToken"].as_str();
    assert_eq!(app.post(access, ME, json!({})).data()["me"]["emailVerified"], true);
    assert!(app.post(access, CONTACT, json!({})).data()["clusterBySlug"]["contact"]["email"].is_string());
    assert_eq!(
        app.post(access, resend, json!({})).data()["requestEmailVerification"]["queued"],
        false
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'VERIFY_EMAIL'"),
        1
    );
}

#[test]
fn the_poster_is_mailed_a_link_to_the_search_and_not_the_message() {
    let app = TestApp::spawn();
    let smtp = SmtpServer::start(0);
    let id = |slug: &str| {
        app.query(
            "query($s: String!) { clusterBySlug(slug: $s) { id } }",
            json!({ "s": slug }),
        )
        .data()["clusterBySlug"]["id"]
            .clone()
    };
    let (tpca, castra) = (id("tpca"), id("castra"));
    let (poster, _) = login(&app, DEMO_ACCOUNTS[2].0, DEMO_ACCOUNTS[2].2);
    let (answerer, _) = login(&app, DEMO_ACCOUNTS[3].0, DEMO_ACCOUNTS[3].2);
    let expires = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let posted = app.post(
        Some(&poster),
        r#"mutation($i: CreatePartnerSearchInput!) { createPartnerSearch(input: $i) { partnerSearch { id } } }"#,
        json!({ "i": { "clusterId": tpca, "kind": "REQUEST", "title": "PCB makers seek EU assemblers",
                       "description": "Looking for a partner in Europe.", "expiresOn": expires,
                       "ecosystems": ["ELECTRONICS"], "targetCountries": ["DE"] } }),
    );
    let search = posted.data()["createPartnerSearch"]["partnerSearch"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let interest = r#"mutation($s: ID!, $c: ID!) { expressInterest(input: {partnerSearchId: $s, clusterId: $c,
        message: "Confidential: our drone line has spare capacity"}) { expressionOfInterest { cluster { slug } } } }"#;
    let answered = app.post(Some(&answerer), interest, json!({ "s": search, "c": castra }));
    assert_eq!(
        answered.data()["expressInterest"]["expressionOfInterest"]["cluster"]["slug"],
        "castra"
    );
    // A burst of the same answer mails once.
    assert_eq!(
        app.post(Some(&answerer), interest, json!({ "s": search, "c": castra }))
            .code(),
        "CONFLICT"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE purpose = 'INTEREST'"),
        1
    );

    let mails = deliver(&app, &smtp);
    let mail = only_mail_to(&mails, DEMO_ACCOUNTS[2].0, "/partner-searches/");
    assert!(
        mail.text
            .contains(&format!("http://127.0.0.1:8080/partner-searches/{search}")),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("PCB makers seek EU assemblers"), "{}", mail.text);
    assert!(mail.text.contains("CASTRA"), "{}", mail.text);
    assert!(!mail.text.contains("Confidential"), "{}", mail.text);
    assert!(!mail.raw.contains("spare capacity"), "{}", mail.raw);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_mail WHERE text_body LIKE '%spare capacity%' OR html_body LIKE '%spare capacity%'"
        ),
        0
    );
}
