//! What administrators see and do: the FAILED mails (`failedMails`, administrators only) and
//! `retryMail`, which queues one again so the next sender delivers it.

use clusterbridge::auth::Role;
use serde_json::json;

use super::{mail, queue, send_once, SmtpServer};
use crate::support::TestApp;

const FAILED_MAILS: &str = r#"query($after: String) { failedMails(first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id recipient subject status attempts lastError messageId purpose version } } }"#;
const RETRY_MAIL: &str = r#"mutation($input: RetryMailInput!) { retryMail(input: $input) {
    mail { id status attempts version } } }"#;

#[test]
fn a_refused_mail_is_listed_for_admins_only_and_retried_by_them() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    queue(
        app.database_url(),
        vec![
            mail("reject-ana@example.org"),
            mail("reject-bo@example.org"),
            mail("cy@example.org"),
        ],
    );
    let smtp_url = smtp.url();
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp_url)]),
        "sent 1 retrying 0 failed 2"
    );

    // Two pages of one: the most recently failed first, then the other.
    let first = app.as_admin(FAILED_MAILS, json!({}));
    let page = &first.data()["failedMails"];
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let second = app.as_admin(FAILED_MAILS, json!({ "after": page["pageInfo"]["endCursor"] }));
    let rest = &second.data()["failedMails"];
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let mut recipients = vec![
        page["nodes"][0]["recipient"].as_str().unwrap().to_owned(),
        rest["nodes"][0]["recipient"].as_str().unwrap().to_owned(),
    ];
    recipients.sort();
    assert_eq!(recipients, ["reject-ana@example.org", "reject-bo@example.org"]);
    let failed = &page["nodes"][0];
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["attempts"], 1);
    assert_eq!(failed["purpose"], "DIGEST");
    assert!(failed["lastError"].as_str().unwrap().contains("550"), "{failed}");

    for role in [Role::Partner, Role::ClusterManager, Role::User] {
        let token = TestApp::token(role);
        assert_eq!(
            app.post(Some(&token), FAILED_MAILS, json!({})).code(),
            "FORBIDDEN",
            "{role:?}"
        );
        let refused = app.post(
            Some(&token),
            RETRY_MAIL,
            json!({ "input": { "id": failed["id"], "version": failed["version"] } }),
        );
        assert_eq!(refused.code(), "FORBIDDEN", "{role:?}");
    }
    assert_eq!(app.query(FAILED_MAILS, json!({})).code(), "UNAUTHENTICATED");

    // A stale version is refused; the current one queues the mail again, audited.
    let stale = app.as_admin(
        RETRY_MAIL,
        json!({ "input": { "id": failed["id"], "version": failed["version"].as_i64().unwrap() - 1 } }),
    );
    assert_eq!(stale.code(), "CONFLICT");
    let retried = app.as_admin(
        RETRY_MAIL,
        json!({ "input": { "id": failed["id"], "version": failed["version"] } }),
    );
    let queued = &retried.data()["retryMail"]["mail"];
    assert_eq!(queued["status"], "QUEUED");
    assert_eq!(queued["attempts"], 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'OutboxMail' AND action = 'RETRY'"),
        1
    );
    // Only a FAILED mail is retried.
    let again = app.as_admin(
        RETRY_MAIL,
        json!({ "input": { "id": queued["id"], "version": queued["version"] } }),
    );
    assert_eq!(again.code(), "TRANSITION_NOT_ALLOWED");

    // The next sender tries it once more: the server still refuses it, so it is FAILED again.
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp_url)]),
        "sent 0 retrying 0 failed 1"
    );
    assert_eq!(
        app.as_admin(FAILED_MAILS, json!({})).data()["failedMails"]["totalCount"],
        2
    );
    assert_eq!(smtp.received().len(), 1, "only the accepted mail arrived");
}
