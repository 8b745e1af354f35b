//! Running a week twice, one run after the other and two at once, through the real command and
//! the mutation: each subscriber is queued one mail a week; and the mails the sender delivers to
//! a real SMTP server carry the one-click unsubscribe headers.

use serde_json::json;

use super::{build, digest_mails, news_in_week, subscribe, Subscriber, WEEK};
use crate::{
    mail::{send_once, SmtpServer},
    support::TestApp,
};

/// More subscribers than one batch holds, so runs span several transactions.
const SUBSCRIBERS: usize = 450;

fn many(app: &TestApp) {
    let emails: Vec<String> = (0..SUBSCRIBERS).map(|i| format!("reader{i:03}@example.org")).collect();
    let subscribers: Vec<Subscriber<'_>> = emails.iter().map(|e| Subscriber::confirmed(e, "en", &[])).collect();
    subscribe(app, &subscribers);
}

fn digest(app: &TestApp, week: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"));
    command
        .args(["digest", "--week", week])
        .env_remove("JWT_SECRET")
        .env_remove("CLUSTERBRIDGE_ENV")
        .env("DATABASE_URL", app.database_url())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    command
}

fn summary(output: std::process::Output) -> String {
    assert!(
        output.status.success(),
        "digest failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned()
}

/// The number after `label` in a summary line.
fn number(summary: &str, label: &str) -> u64 {
    summary
        .split(&format!("{label} "))
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {label} in {summary:?}"))
}

#[test]
fn the_command_twice_and_twice_at_once_queue_one_mail_per_subscriber() {
    let app = TestApp::spawn();
    news_in_week(&app, "Cluster news of the week");
    many(&app);

    let first = summary(digest(&app, WEEK).output().expect("run digest"));
    assert_eq!(
        first,
        format!("week {WEEK} items 1 subscribers {SUBSCRIBERS} queued {SUBSCRIBERS} already queued 0 without items 0")
    );
    let again = summary(digest(&app, WEEK).output().expect("run digest"));
    assert_eq!(
        again,
        format!("week {WEEK} items 1 subscribers {SUBSCRIBERS} queued 0 already queued {SUBSCRIBERS} without items 0")
    );
    assert_eq!(digest_mails(&app).len(), SUBSCRIBERS);

    // A run that died after its first batch left the others unqueued: the next run queues
    // exactly those.
    app.sql("DELETE FROM outbox_mail WHERE recipient >= 'reader200@example.org'");
    let finished = summary(digest(&app, WEEK).output().expect("run digest"));
    assert_eq!(
        (number(&finished, "queued"), number(&finished, "already queued")),
        (SUBSCRIBERS as u64 - 200, 200),
        "{finished}"
    );
    assert_eq!(digest_mails(&app).len(), SUBSCRIBERS);

    // Two runs of the next week at once: between them, one mail each.
    app.sql("UPDATE post SET published_at = '2026-10-07 08:00:00+00:00' WHERE title = 'Cluster news of the week'");
    let (a, b) = (
        digest(&app, "2026-W41").spawn().expect("first run"),
        digest(&app, "2026-W41").spawn().expect("second run"),
    );
    let (a, b) = (
        summary(a.wait_with_output().expect("first run ends")),
        summary(b.wait_with_output().expect("second run ends")),
    );
    assert_eq!(
        number(&a, "queued") + number(&b, "queued"),
        SUBSCRIBERS as u64,
        "{a}\n{b}"
    );
    assert_eq!(
        number(&a, "already queued") + number(&b, "already queued"),
        SUBSCRIBERS as u64
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE dedupe_key LIKE 'digest:2026-W41:%'"),
        SUBSCRIBERS as i64
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM digest_issue WHERE week = '2026-W41'"),
        1
    );

    // The mutation after the command: nothing new either.
    let rerun = build(&app, TestApp::admin().as_deref(), "2026-W41");
    let rerun = &rerun.data()["buildDigest"];
    assert_eq!(
        (&rerun["mailsQueued"], &rerun["alreadyQueued"]),
        (&json!(0), &json!(SUBSCRIBERS))
    );
}

#[test]
fn bad_weeks_stop_the_command_with_exit_code_2() {
    let app = TestApp::empty();
    for bad in ["2026-W54", "tomorrow"] {
        let out = digest(&app, bad).output().expect("run digest");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("ISO 8601 week"), "{bad}");
    }
    let next_week = clusterbridge::domain::digest::Week::containing(chrono::Utc::now() + chrono::Duration::days(7));
    let out = digest(&app, &next_week.to_string()).output().expect("run digest");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has not ended yet"));
}

#[test]
fn delivered_digests_carry_the_one_click_unsubscribe_headers() {
    let app = TestApp::spawn();
    news_in_week(&app, "Cluster news of the week");
    let ids = subscribe(&app, &[Subscriber::confirmed("ana@example.org", "en", &[])]);
    build(&app, TestApp::admin().as_deref(), WEEK).data();

    let smtp = SmtpServer::start(0);
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]),
        "sent 1 retrying 0 failed 0"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let (recipient, message) = &received[0];
    assert_eq!(recipient, "ana@example.org");
    for expected in [
        "Subject: ECCP weekly digest 2026-W40",
        "List-Unsubscribe: <http",
        "/digest/unsubscribe?token=",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Content-Type: multipart/alternative",
        "Cluster news of the week",
    ] {
        assert!(message.contains(expected), "{expected:?} missing from\n{message}");
    }
    // Sent once: a rerun of the week queues nothing, so the sender has nothing to send.
    build(&app, TestApp::admin().as_deref(), WEEK).data();
    assert_eq!(
        send_once(app.database_url(), &[("SMTP_URL", &smtp.url())]),
        "sent 0 retrying 0 failed 0"
    );
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(digest_mails(&app)[0].dedupe_key, format!("digest:{WEEK}:{}", ids[0]));
}
