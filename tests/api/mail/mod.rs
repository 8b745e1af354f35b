//! The mail outbox and its sender (issue 16.6), against a real SMTP server process on loopback
//! (tests/api/fixtures/smtp_server.py) and the real `send-mail` command: delivery with headers
//! and body, retries after 451, no retry after 550, two senders at once, dedupe keys, and the
//! development folder of .eml files. The sender's deliveries are in `delivery`.

mod admin;
mod delivery;

use std::{
    collections::BTreeMap,
    io::BufRead,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

use clusterbridge::mail::{enqueue, NewMail};
use entity::outbox_mail::MailPurpose;

use crate::cli::clusterbridge;

/// The SMTP server of one test: a Python process storing what it accepts in a folder of its own.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl SmtpServer {
    /// A server that answers 451 to a `tempfail` recipient its first `tempfails` times.
    pub fn start(tempfails: u32) -> Self {
        let dir = scratch("smtp");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&dir)
            .arg(tempfails.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its port");
        let port = line.trim().parse().expect("a port number");
        SmtpServer { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages it accepted, as (envelope recipients, message text), in order.
    pub fn received(&self) -> Vec<(String, String)> {
        let mut numbers: Vec<u32> = std::fs::read_dir(&self.dir)
            .expect("its folder")
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".eml")?.parse().ok()
            })
            .collect();
        numbers.sort_unstable();
        numbers
            .into_iter()
            .map(|n| {
                let read =
                    |ext: &str| std::fs::read_to_string(self.dir.join(format!("{n}.{ext}"))).expect("a stored message");
                (read("rcpt"), read("eml"))
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh folder under the temporary directory.
pub fn scratch(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("clusterbridge-{what}-{}", uuid::Uuid::now_v7().simple()))
}

/// A mail to `recipient` with its own dedupe key.
pub fn mail(recipient: &str) -> NewMail {
    NewMail {
        purpose: MailPurpose::Digest,
        dedupe_key: format!("test:{}", uuid::Uuid::now_v7()),
        recipient: recipient.to_owned(),
        subject: format!("Weekly digest for {recipient}"),
        text_body: "Three new posts this week.\n".to_owned(),
        html_body: None,
        headers: BTreeMap::new(),
    }
}

/// Queues mails on the database at `url` as a producer would, in one transaction; what
/// `enqueue` answered for each.
pub fn queue(url: &str, mails: Vec<NewMail>) -> Vec<bool> {
    use sea_orm::TransactionTrait;
    tokio::runtime::Runtime::new().expect("a runtime").block_on(async {
        let db = clusterbridge::db::connect(url, 1).await.expect("connect");
        let txn = db.begin().await.expect("begin");
        let mut queued = Vec::new();
        for mail in mails {
            queued.push(enqueue(&txn, mail).await.expect("enqueue"));
        }
        txn.commit().await.expect("commit");
        db.close().await.ok();
        queued
    })
}

/// Runs `clusterbridge send-mail --once` on `url` with extra settings; its summary line.
pub fn send_once(url: &str, env: &[(&str, &str)]) -> String {
    let mut all = vec![("DATABASE_URL", url), ("MAIL_RETRY_BASE", "60")];
    all.extend_from_slice(env);
    let out = clusterbridge(&["send-mail", "--once"], &all);
    assert!(
        out.status.success(),
        "send-mail failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_owned()
}
