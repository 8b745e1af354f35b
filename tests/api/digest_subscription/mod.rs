//! Subscribing to the digest with double opt-in (issue 16.4), through the API and the link
//! pages as a subscriber and a mail client use them: the confirmation mail delivered by the real
//! sender to the SMTP server fixture, confirm by POST (never by GET), RFC 8058 one-click
//! unsubscribe, one answer for every address state, the per-address limit, and the admin list.
//! Bad tokens are in `tokens`.

mod tokens;

use serde_json::{json, Value};

use crate::{
    mail::{send_once, SmtpServer},
    support::{uuid_of, Reply, TestApp},
};

pub const SUBSCRIBE: &str = r#"mutation($input: SubscribeToDigestInput!) {
    subscribeToDigest(input: $input) { accepted message } }"#;
pub const CONFIRM: &str = r#"mutation($token: String!) {
    confirmDigestSubscription(input: {token: $token}) { status } }"#;
pub const UNSUBSCRIBE: &str = r#"mutation($token: String!) {
    unsubscribeFromDigest(input: {token: $token}) { status } }"#;
pub const SUBSCRIBERS: &str = r#"query($status: DigestSubscriberStatus) {
    digestSubscribers(first: 50, filter: {status: $status}) {
        totalCount
        nodes { id email language status ecosystems countries postKinds languages confirmedAt version }
    }
    digestSubscriberCounts { pending confirmed unsubscribed } }"#;

pub fn subscribe(app: &TestApp, email: &str) -> Reply {
    app.query(SUBSCRIBE, json!({ "input": { "email": email } }))
}

/// What the server queued for `recipient`, oldest first: (subject, text body).
pub fn mails_to(app: &TestApp, recipient: &str) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, Statement};
    let url = app.database_url().to_owned();
    let recipient = recipient.to_owned();
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                tokio::runtime::Runtime::new().expect("a runtime").block_on(async move {
                    let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
                    let backend = db.get_database_backend();
                    let sql = match backend {
                        sea_orm::DatabaseBackend::Postgres => {
                            "SELECT subject, text_body FROM outbox_mail WHERE recipient = $1 ORDER BY id"
                        }
                        _ => "SELECT subject, text_body FROM outbox_mail WHERE recipient = ? ORDER BY id",
                    };
                    let rows = db
                        .query_all_raw(Statement::from_sql_and_values(backend, sql, [recipient.into()]))
                        .await
                        .expect("read the outbox");
                    db.close().await.ok();
                    rows.iter()
                        .map(|r| {
                            (
                                r.try_get_by_index::<String>(0).expect("subject"),
                                r.try_get_by_index::<String>(1).expect("text body"),
                            )
                        })
                        .collect()
                })
            })
            .join()
            .expect("outbox reader")
    })
}

/// The `token` of the first link to `path` in `text`.
pub fn token_in(text: &str, path: &str) -> String {
    let start = text
        .find(&format!("{path}?token="))
        .unwrap_or_else(|| panic!("no {path} link in\n{text}"))
        + path.len()
        + "?token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// The confirmation token of the last mail to `recipient`.
pub fn confirm_token(app: &TestApp, recipient: &str) -> String {
    let mails = mails_to(app, recipient);
    let (_, text) = mails.last().expect("a mail");
    token_in(text, "/digest/confirm")
}

/// A form POST to one of the link pages: (status, body).
pub fn post_form(app: &TestApp, path: &str, form: &str) -> (u16, String) {
    let mut response = app
        .agent()
        .post(format!("{}{path}", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)
        .expect("request");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap_or_default())
}

/// The subscriber with this address, as an administrator reads it.
pub fn subscriber(app: &TestApp, email: &str) -> Value {
    let reply = app.as_admin(SUBSCRIBERS, json!({}));
    reply.data()["digestSubscribers"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["email"] == email)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Lets the per-address limit pass for every address, as if its interval had gone by.
pub fn age_limits(app: &TestApp) {
    app.sql("UPDATE digest_subscriber SET last_confirmation_at = NULL");
}

/// Unfolds RFC 5322 header lines and decodes quoted-printable bodies, as a mail client does.
fn readable(message: &str) -> String {
    let unfolded = message
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("=\r\n", "");
    let mut out = String::new();
    let mut rest = unfolded.as_str();
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte as char);
                rest = &rest[i + 3..];
            }
            None => {
                out.push('=');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_confirmation_mail_arrives_with_both_links_and_confirm_needs_a_post() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    let reply = app.query(
        SUBSCRIBE,
        json!({ "input": {
            "email": "  Ana.Silva@Example.ORG ",
            "language": "zh-TW",
            "ecosystems": ["DIGITAL", "AEROSPACE_DEFENCE", "DIGITAL"],
            "countries": ["tw", "EL"],
            "postKinds": ["CALL"],
            "languages": ["en", "zh_Hant"],
        } }),
    );
    assert_eq!(reply.data()["subscribeToDigest"]["accepted"], true, "{}", reply.body);

    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]),
        "sent 1 retrying 0 failed 0"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let (recipients, message) = &received[0];
    assert_eq!(recipients, "ana.silva@example.org");
    let message = readable(message);
    for expected in [
        "Subject: Confirm your subscription to the weekly digest",
        "List-Unsubscribe: <http://127.0.0.1:8080/digest/unsubscribe?token=us.",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "http://127.0.0.1:8080/digest/confirm?token=cs.",
        "Content-Type: multipart/alternative",
        // minijinja escapes the slashes of attribute values in HTML.
        "<a href=\"http:&#x2f;&#x2f;127.0.0.1:8080&#x2f;digest&#x2f;confirm?token=cs.",
    ] {
        assert!(message.contains(expected), "{expected:?} missing from\n{message}");
    }
    let confirm = token_in(&message, "/digest/confirm");
    let unsubscribe = token_in(&message, "/digest/unsubscribe");

    // Stored checked: the address in lower case, tags canonical, countries as ISO codes.
    let stored = subscriber(&app, "ana.silva@example.org");
    assert_eq!(stored["status"], "PENDING");
    assert_eq!(stored["language"], "zh-Hant-TW");
    assert_eq!(stored["ecosystems"], json!(["AEROSPACE_DEFENCE", "DIGITAL"]));
    assert_eq!(stored["countries"], json!(["GR", "TW"]));
    assert_eq!(stored["postKinds"], json!(["CALL"]));
    assert_eq!(stored["languages"], json!(["en", "zh-Hant"]));

    // GET shows a button and changes nothing, however often a scanner fetches it.
    for _ in 0..2 {
        let (status, page, headers) = app.get(&format!("/digest/confirm?token={confirm}"));
        let page = page.replace("&#x2f;", "/");
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("<form method=\"post\" action=\"/digest/confirm\">"),
            "{page}"
        );
        assert!(page.contains(&format!("value=\"{confirm}\"")), "{page}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    assert_eq!(subscriber(&app, "ana.silva@example.org")["status"], "PENDING");

    let (status, page) = post_form(&app, "/digest/confirm", &format!("token={confirm}"));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Subscription confirmed"), "{page}");
    assert_eq!(subscriber(&app, "ana.silva@example.org")["status"], "CONFIRMED");

    // Used: the page and the mutation refuse it alike.
    let (status, page) = post_form(&app, "/digest/confirm", &format!("token={confirm}"));
    assert_eq!(status, 400);
    assert!(page.contains("This link does not work"), "{page}");
    assert_eq!(app.query(CONFIRM, json!({ "token": confirm })).code(), "LINK_INVALID");
    let (status, _, _) = app.get(&format!("/digest/confirm?token={confirm}"));
    assert_eq!(status, 400);

    // RFC 8058: a POST to the List-Unsubscribe URL with the one-click body; again is the same.
    let (status, page, _) = app.get(&format!("/digest/unsubscribe?token={unsubscribe}"));
    assert_eq!(status, 200);
    assert!(page.contains("List-Unsubscribe"), "{page}");
    assert_eq!(subscriber(&app, "ana.silva@example.org")["status"], "CONFIRMED");
    for _ in 0..2 {
        let (status, page) = post_form(
            &app,
            &format!("/digest/unsubscribe?token={unsubscribe}"),
            "List-Unsubscribe=One-Click",
        );
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Unsubscribed"), "{page}");
    }
    assert_eq!(subscriber(&app, "ana.silva@example.org")["status"], "UNSUBSCRIBED");
    let again = app.query(UNSUBSCRIBE, json!({ "token": unsubscribe }));
    assert_eq!(again.data()["unsubscribeFromDigest"]["status"], "UNSUBSCRIBED");

    // Audited by an anonymous actor, under the subscriber's id and never its address.
    // (The only subscriber of this database, so the entity type names it.)
    assert!(stored["id"].as_str().is_some_and(|id| !uuid_of(id).is_nil()));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'DigestSubscriber' \
             AND actor_kind = 'ANONYMOUS' AND actor_label = 'anonymous' AND actor_id IS NULL \
             AND action IN ('SUBSCRIBE', 'CONFIRM', 'UNSUBSCRIBE')"
        ),
        3,
        "subscribe, confirm and one unsubscribe (the repeats changed nothing)"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE actor_label LIKE '%example.org%' OR changed_fields LIKE '%@%'"),
        0
    );
}

#[test]
fn every_address_state_gets_the_same_answer_and_at_most_one_mail_per_interval() {
    let app = TestApp::empty();
    // Stage a pending, a confirmed and an unsubscribed address.
    for email in ["pending@example.org", "confirmed@example.org", "gone@example.org"] {
        subscribe(&app, email).data();
    }
    let confirmed = app.query(
        CONFIRM,
        json!({ "token": confirm_token(&app, "confirmed@example.org") }),
    );
    assert_eq!(confirmed.data()["confirmDigestSubscription"]["status"], "CONFIRMED");
    let gone_token = confirm_token(&app, "gone@example.org");
    app.query(CONFIRM, json!({ "token": gone_token })).data();
    let unsubscribe_link = token_in(&mails_to(&app, "gone@example.org")[0].1, "/digest/unsubscribe");
    app.query(UNSUBSCRIBE, json!({ "token": unsubscribe_link })).data();
    let old_pending_token = confirm_token(&app, "pending@example.org");
    age_limits(&app);

    let states = [
        "new@example.org",
        "pending@example.org",
        "confirmed@example.org",
        "gone@example.org",
    ];
    let first: Vec<Value> = states
        .iter()
        .map(|email| {
            let body = app
                .query(
                    SUBSCRIBE,
                    json!({ "input": { "email": email, "ecosystems": ["HEALTH"], "countries": ["DE"] } }),
                )
                .body;
            assert!(body.get("errors").is_none(), "{body}");
            body
        })
        .collect();
    assert!(first.iter().all(|b| *b == first[0]), "answers differ: {first:?}");
    // Within the limit: the same answer again, and no mail.
    for email in states {
        assert_eq!(
            app.query(
                SUBSCRIBE,
                json!({ "input": { "email": email, "ecosystems": ["TOURISM"] } })
            )
            .body,
            first[0]
        );
    }
    let counts: Vec<usize> = states.iter().map(|e| mails_to(&app, e).len()).collect();
    assert_eq!(counts, [1, 2, 2, 2], "one mail per address per interval");

    // Re-subscribed addresses are PENDING with the topics of the mailed request.
    for email in ["new@example.org", "pending@example.org", "gone@example.org"] {
        let s = subscriber(&app, email);
        assert_eq!(s["status"], "PENDING", "{s}");
        assert_eq!(s["ecosystems"], json!(["HEALTH"]), "{s}");
        assert_eq!(s["countries"], json!(["DE"]), "{s}");
    }
    // The confirmed one keeps its topics (none: everything) and is told it is subscribed.
    let kept = subscriber(&app, "confirmed@example.org");
    assert_eq!(kept["status"], "CONFIRMED");
    assert_eq!(kept["ecosystems"], json!([]));
    let told = mails_to(&app, "confirmed@example.org");
    assert_eq!(told[1].0, "You are subscribed to the weekly digest already");
    assert!(!told[1].1.contains("/digest/confirm"), "{}", told[1].1);
    assert!(told[1].1.contains("/digest/unsubscribe?token="), "{}", told[1].1);

    // A re-subscription overtakes the older link; the newest one confirms.
    assert_eq!(
        app.query(CONFIRM, json!({ "token": old_pending_token })).code(),
        "LINK_INVALID"
    );
    let fresh = confirm_token(&app, "pending@example.org");
    assert_eq!(
        app.query(CONFIRM, json!({ "token": fresh })).data()["confirmDigestSubscription"]["status"],
        "CONFIRMED"
    );
}

#[test]
fn invalid_subscriptions_name_their_fields() {
    let app = TestApp::empty();
    let cases = [
        (json!({ "email": "not-an-address" }), vec!["email"]),
        (
            json!({ "email": format!("{}@example.org", "a".repeat(250)) }),
            vec!["email"],
        ),
        (json!({ "email": "" }), vec!["email"]),
        (
            json!({ "email": "ok@example.org", "language": "english!", "countries": ["XX"], "languages": ["en", "--"] }),
            vec!["language", "countries", "languages"],
        ),
        (
            json!({ "email": "ok@example.org", "languages": (0..21).map(|i| format!("en-{}", 1000 + i)).collect::<Vec<_>>() }),
            vec!["languages"],
        ),
    ];
    for (input, fields) in cases {
        let reply = app.query(SUBSCRIBE, json!({ "input": input }));
        assert_eq!(reply.bad_fields(), fields, "{input}");
    }
    // An ecosystem or post kind outside the taxonomy fails the schema itself.
    let reply = app.query(
        SUBSCRIBE,
        json!({ "input": { "email": "ok@example.org", "postKinds": ["BLOG"] } }),
    );
    assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED", "{}", reply.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM digest_subscriber"), 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_mail"), 0);
}

#[test]
fn only_administrators_read_the_subscribers() {
    let app = TestApp::empty();
    for email in ["one@example.org", "two@example.org"] {
        subscribe(&app, email).data();
    }
    app.query(CONFIRM, json!({ "token": confirm_token(&app, "two@example.org") }))
        .data();

    assert_eq!(app.query(SUBSCRIBERS, json!({})).code(), "UNAUTHENTICATED");
    for role in [
        clusterbridge::auth::Role::User,
        clusterbridge::auth::Role::ClusterManager,
        clusterbridge::auth::Role::Partner,
    ] {
        let token = TestApp::token(role);
        assert_eq!(app.post(Some(&token), SUBSCRIBERS, json!({})).code(), "FORBIDDEN");
        let counts = app.post(Some(&token), "{ digestSubscriberCounts { pending } }", json!({}));
        assert_eq!(counts.code(), "FORBIDDEN");
    }
    let all = app.as_admin(SUBSCRIBERS, json!({}));
    assert_eq!(all.data()["digestSubscribers"]["totalCount"], 2);
    assert_eq!(
        all.data()["digestSubscriberCounts"],
        json!({ "pending": 1, "confirmed": 1, "unsubscribed": 0 })
    );
    let confirmed = app.as_admin(SUBSCRIBERS, json!({ "status": "CONFIRMED" }));
    let nodes = &confirmed.data()["digestSubscribers"]["nodes"];
    assert_eq!(nodes.as_array().map(Vec::len), Some(1));
    assert_eq!(nodes[0]["email"], "two@example.org");
    assert!(nodes[0]["confirmedAt"].is_string());
}

#[test]
fn a_burst_for_one_new_address_makes_one_subscriber_and_one_mail() {
    let app = TestApp::empty();
    let answers: Vec<Value> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| subscribe(&app, "burst@example.org").body))
            .collect();
        workers.into_iter().map(|w| w.join().expect("a worker")).collect()
    });
    for answer in &answers {
        assert_eq!(answer["data"]["subscribeToDigest"]["accepted"], true, "{answer}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM digest_subscriber"), 1);
    assert_eq!(mails_to(&app, "burst@example.org").len(), 1);
}

#[test]
fn a_page_of_subscribers_reads_their_topics_in_one_statement() {
    let app = TestApp::empty();
    for i in 0..30 {
        app.query(
            SUBSCRIBE,
            json!({ "input": { "email": format!("reader{i}@example.org"), "ecosystems": ["HEALTH"],
                "countries": ["TW", "DE"], "postKinds": ["NEWS"], "languages": ["en"] } }),
        )
        .data();
    }
    let page = |n: i64| {
        app.take_statement_count();
        let reply = app.as_admin(
            "query($n: Int) { digestSubscribers(first: $n) { nodes { email ecosystems countries postKinds languages } } }",
            json!({ "n": n }),
        );
        let nodes = reply.data()["digestSubscribers"]["nodes"].as_array().map(Vec::len);
        assert_eq!(nodes, Some(n as usize));
        app.take_statement_count()
    };
    let (few, many) = (page(3), page(30));
    assert_eq!(
        few, many,
        "the topics of a page are one batched read, whatever its size"
    );
}

#[test]
fn a_retry_with_its_idempotency_key_is_answered_alike_and_mails_once() {
    let app = TestApp::empty();
    let send = || {
        let mut response = app
            .agent()
            .post(format!("{}/graphql", app.base))
            .header("Idempotency-Key", "subscribe-ana-1")
            .send_json(json!({ "query": SUBSCRIBE, "variables": { "input": { "email": "ana@example.org" } } }))
            .expect("request");
        response.body_mut().read_json::<Value>().expect("JSON")
    };
    let (first, second) = (send(), send());
    assert_eq!(first["data"], second["data"], "{first} {second}");
    assert_eq!(first["data"]["subscribeToDigest"]["accepted"], true);
    assert_eq!(mails_to(&app, "ana@example.org").len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SUBSCRIBE'"),
        1
    );
}
