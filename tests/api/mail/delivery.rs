//! The sender's deliveries: what arrives, retries and refusals, two senders at once, dedupe
//! keys, and the development folder.

use std::collections::BTreeMap;

use super::{mail, queue, scratch, send_once, SmtpServer};
use crate::support::TestApp;

#[test]
fn a_queued_mail_arrives_with_its_headers_and_bodies() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    let mut digest = mail("ana@example.org");
    digest.html_body = Some("<p>Three new posts this week.</p>".to_owned());
    digest.headers = BTreeMap::from([(
        "List-Unsubscribe".to_owned(),
        "<https://clusterbridge.example/unsubscribe/abc>".to_owned(),
    )]);
    assert_eq!(queue(app.database_url(), vec![digest]), [true]);

    let summary = send_once(
        app.database_url(),
        &[("SMTP_URL", &smtp.url()), ("MAIL_FROM", "Hub <hub@example.eu>")],
    );
    assert_eq!(summary, "sent 1 retrying 0 failed 0");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let (recipients, message) = &received[0];
    assert_eq!(recipients, "ana@example.org");
    for expected in [
        "Subject: Weekly digest for ana@example.org",
        "From: Hub <hub@example.eu>",
        "To: ana@example.org",
        "List-Unsubscribe: <https://clusterbridge.example/unsubscribe/abc>",
        "Content-Type: multipart/alternative",
        "Three new posts this week.",
        "<p>Three new posts this week.</p>",
    ] {
        assert!(message.contains(expected), "{expected:?} missing from\n{message}");
    }
    let id =
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT' AND sent_at IS NOT NULL AND attempts = 1");
    assert_eq!(id, 1, "marked SENT after one attempt");
    // The Message-ID is the one fixed at queueing, so a second delivery would carry it too.
    let stored = app.count("SELECT COUNT(*) FROM outbox_mail WHERE message_id LIKE '<%@outbox.clusterbridge>'");
    assert_eq!(stored, 1);
    assert!(message.contains("@outbox.clusterbridge>"), "{message}");

    // Nothing is due any more: a second sender sends nothing.
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]),
        "sent 0 retrying 0 failed 0"
    );
    assert_eq!(smtp.received().len(), 1);
}

#[test]
fn a_temporary_failure_is_retried_after_the_backoff_and_then_delivered() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(1);
    queue(app.database_url(), vec![mail("tempfail@example.org")]);
    let smtp_url = smtp.url();
    let env = [("SMTP_URL", smtp_url.as_str()), ("MAIL_RETRY_BASE", "1")];

    assert_eq!(send_once(app.database_url(), &env), "sent 0 retrying 1 failed 0");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_mail WHERE status = 'QUEUED' AND attempts = 1 AND last_error LIKE '%451%'"
        ),
        1,
        "queued again with the server's answer"
    );
    // Not due before the back-off has passed.
    assert_eq!(send_once(app.database_url(), &env), "sent 0 retrying 0 failed 0");
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert_eq!(send_once(app.database_url(), &env), "sent 1 retrying 0 failed 0");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, "tempfail@example.org");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT' AND attempts = 2"),
        1
    );
}

#[test]
fn temporary_failures_stop_at_the_most_attempts() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(100);
    queue(app.database_url(), vec![mail("tempfail@example.org")]);
    // No back-off: the one run tries again at once until attempts run out.
    let smtp_url = smtp.url();
    let env = [
        ("SMTP_URL", smtp_url.as_str()),
        ("MAIL_RETRY_BASE", "0"),
        ("MAIL_MAX_ATTEMPTS", "3"),
    ];
    assert_eq!(send_once(app.database_url(), &env), "sent 0 retrying 2 failed 1");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'FAILED' AND attempts = 3"),
        1
    );
    assert!(smtp.received().is_empty());
}

#[test]
fn a_permanent_refusal_fails_at_once_without_retry() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    queue(
        app.database_url(),
        vec![mail("reject@example.org"), mail("bo@example.org")],
    );
    let smtp_url = smtp.url();
    let env = [("SMTP_URL", smtp_url.as_str()), ("MAIL_RETRY_BASE", "0")];
    assert_eq!(send_once(app.database_url(), &env), "sent 1 retrying 0 failed 1");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_mail WHERE status = 'FAILED' AND attempts = 1 AND last_error LIKE '%550%'"
        ),
        1
    );
    assert_eq!(
        send_once(app.database_url(), &env),
        "sent 0 retrying 0 failed 0",
        "never tried again"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, "bo@example.org");
}

#[test]
fn two_senders_at_once_deliver_each_mail_exactly_once() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    let recipients: Vec<String> = (0..24).map(|n| format!("member{n:02}@example.org")).collect();
    queue(app.database_url(), recipients.iter().map(|r| mail(r)).collect());
    let url = app.database_url().to_owned();
    let smtp_url = smtp.url();
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let (url, smtp_url) = (url.clone(), smtp_url.clone());
            std::thread::spawn(move || send_once(&url, &[("SMTP_URL", &smtp_url), ("MAIL_BATCH_SIZE", "3")]))
        })
        .collect();
    let sent: usize = senders
        .into_iter()
        .map(|s| {
            let summary = s.join().expect("a sender");
            summary
                .strip_prefix("sent ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("a summary, got {summary:?}"))
        })
        .sum();
    assert_eq!(sent, 24, "the two senders' counts add up to every mail");
    let mut delivered: Vec<String> = smtp.received().into_iter().map(|(to, _)| to).collect();
    delivered.sort();
    assert_eq!(delivered, recipients, "each mail once");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT'"), 24);
}

#[test]
fn a_dedupe_key_queued_twice_is_one_mail() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    let first = mail("ana@example.org");
    let mut again = mail("ana@example.org");
    again.dedupe_key = first.dedupe_key.clone();
    again.subject = "A second digest for the same week".to_owned();
    assert_eq!(queue(app.database_url(), vec![first]), [true]);
    assert_eq!(
        queue(app.database_url(), vec![again]),
        [false],
        "the second is not queued"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_mail"), 1);
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]),
        "sent 1 retrying 0 failed 0"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].1.contains("Subject: Weekly digest for ana@example.org"));
}

#[test]
fn without_smtp_settings_mails_are_written_as_eml_files() {
    let app = TestApp::empty();
    let out = scratch("mail-out");
    queue(app.database_url(), vec![mail("ana@example.org")]);
    let dir = out.display().to_string();
    assert_eq!(
        send_once(app.database_url(), &[("MAIL_OUT_DIR", &dir)]),
        "sent 1 retrying 0 failed 0"
    );
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("the folder")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let path = files[0].path();
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
    let text = std::fs::read_to_string(&path).expect("the file");
    assert!(text.contains("To: ana@example.org"), "{text}");
    assert!(text.contains("Three new posts this week."), "{text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT'"), 1);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_mail_whose_sender_died_is_sent_again_after_its_lease_with_the_same_message_id() {
    use clusterbridge::mail::{
        outbox::{claim, record, Outcome},
        MailSettings,
    };
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    queue(app.database_url(), vec![mail("ana@example.org")]);
    let url = app.database_url().to_owned();
    // A sender claims the mail for a second and dies before it marks it.
    let claimed = tokio::runtime::Runtime::new().expect("a runtime").block_on(async {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let claimed = claim(
            &db,
            "dead-sender",
            10,
            std::time::Duration::from_secs(1),
            chrono::Utc::now(),
        )
        .await
        .expect("claim");
        db.close().await.ok();
        claimed
    });
    assert_eq!(claimed.len(), 1);
    let smtp_url = smtp.url();
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp_url)]),
        "sent 0 retrying 0 failed 0",
        "held while its lease lasts"
    );
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp_url)]),
        "sent 1 retrying 0 failed 0"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .1
            .contains(&format!("Message-ID: {}", claimed[0].message_id)),
        "the Message-ID fixed when queued: {}",
        received[0].1
    );
    // The dead sender's late word no longer counts: the mail stays SENT.
    let backoff = <MailSettings as clap::FromArgMatches>::from_arg_matches(
        &<MailSettings as clap::Args>::augment_args(clap::Command::new("t")).get_matches_from(["t"]),
    )
    .expect("default settings")
    .backoff();
    tokio::runtime::Runtime::new().expect("a runtime").block_on(async {
        let db = clusterbridge::db::connect(&url, 1).await.expect("connect");
        let outcome = Outcome::Temporary("451 late".into());
        let recorded = record(&db, &claimed[0], "dead-sender", &outcome, &backoff, chrono::Utc::now())
            .await
            .expect("record");
        assert_eq!(recorded, None, "the lease is another sender's now");
        db.close().await.ok();
    });
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT' AND last_error IS NULL"),
        1
    );
}

#[test]
fn the_server_sends_the_outbox_in_the_background() {
    let app = TestApp::empty();
    let out = scratch("serve-mail-out");
    let dir = out.display().to_string();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .arg("serve")
        .env("DATABASE_URL", app.database_url())
        .env("LISTEN_ADDR", "127.0.0.1:0")
        // Production: no demo data is loaded into the empty database.
        .env("CLUSTERBRIDGE_ENV", "production")
        .env("JWT_SECRET", "a-production-secret-of-at-least-32-bytes")
        .env("MAIL_SEND_INTERVAL", "1")
        .env("MAIL_OUT_DIR", &dir)
        .env_remove("SMTP_URL")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    queue(app.database_url(), vec![mail("ana@example.org")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let sent = || app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT'");
    while sent() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(sent(), 1, "sent within the interval");
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 1, "and written to the folder");
    let _ = std::fs::remove_dir_all(&out);
}
