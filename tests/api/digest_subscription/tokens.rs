//! Link tokens the confirm and unsubscribe endpoints refuse, all with LINK_INVALID (and the
//! friendly page over HTTP): expired, made for the other purpose, tampered with, signed with
//! another key, not a token at all; and a subscriber that is gone.

use chrono::{Duration, Utc};
use clusterbridge::auth::{LinkPurpose, Links};
use serde_json::json;

use super::{confirm_token, post_form, subscribe, subscriber, CONFIRM, UNSUBSCRIBE};
use crate::support::{uuid_of, TestApp};

#[test]
fn bad_tokens_are_refused_with_one_code_and_change_nothing() {
    let app = TestApp::empty();
    subscribe(&app, "lena@example.org").data();
    let good = confirm_token(&app, "lena@example.org");
    let record = subscriber(&app, "lena@example.org");
    let id = uuid_of(record["id"].as_str().expect("id"));
    let version = record["version"].as_i64().expect("version").to_string();
    // The test server signs with the development key, as `Links::default()` does.
    let links = Links::default();
    let now = Utc::now();

    let expired = links.issue(
        LinkPurpose::ConfirmSubscription,
        id,
        &version,
        Duration::hours(72),
        now - Duration::hours(73),
    );
    let wrong_purpose = links.issue(LinkPurpose::Unsubscribe, id, "", Duration::days(1), now);
    let reset = links.issue(LinkPurpose::ResetPassword, id, &version, Duration::days(1), now);
    let foreign = Links::new("another-secret-of-at-least-thirty-two-bytes", "http://x.example").issue(
        LinkPurpose::ConfirmSubscription,
        id,
        &version,
        Duration::days(1),
        now,
    );
    // One character of the MAC changed, and one of its last characters (the head check).
    let swap = |c: char| if c == 'w' { 'g' } else { 'w' };
    let mut tampered = good.clone();
    let at = tampered.len() - 30;
    let c = tampered.remove(at);
    tampered.insert(at, swap(c));
    let mut tampered_tail = good.clone();
    let last = tampered_tail.pop().expect("a character");
    tampered_tail.push(swap(last));
    let other_subject = good.replacen(&id.simple().to_string(), &uuid::Uuid::now_v7().simple().to_string(), 1);

    for token in [
        expired.as_str(),
        wrong_purpose.as_str(),
        reset.as_str(),
        foreign.as_str(),
        tampered.as_str(),
        tampered_tail.as_str(),
        other_subject.as_str(),
        "",
        "cs.not-a-token",
        &"x".repeat(5000),
    ] {
        let reply = app.query(CONFIRM, json!({ "token": token }));
        assert_eq!(
            reply.body["errors"][0]["extensions"]["code"], "LINK_INVALID",
            "{token}: {}",
            reply.body
        );
        let (status, page) = post_form(&app, "/digest/confirm", &format!("token={token}"));
        assert_eq!(status, 400, "{token}");
        assert!(page.contains("This link does not work"), "{page}");
    }
    assert_eq!(subscriber(&app, "lena@example.org")["status"], "PENDING");

    // A confirmation token does not unsubscribe, nor does an expired unsubscribe token.
    let old_unsubscribe = links.issue(
        LinkPurpose::Unsubscribe,
        id,
        "",
        Duration::days(400),
        now - Duration::days(401),
    );
    for token in [good.as_str(), old_unsubscribe.as_str()] {
        assert_eq!(app.query(UNSUBSCRIBE, json!({ "token": token })).code(), "LINK_INVALID");
        let (status, _) = post_form(
            &app,
            &format!("/digest/unsubscribe?token={token}"),
            "List-Unsubscribe=One-Click",
        );
        assert_eq!(status, 400);
    }
    assert_eq!(subscriber(&app, "lena@example.org")["status"], "PENDING");

    // The good token still works after all that.
    let reply = app.query(CONFIRM, json!({ "token": good }));
    assert_eq!(reply.data()["confirmDigestSubscription"]["status"], "CONFIRMED");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'CONFIRM'"), 1);
}
