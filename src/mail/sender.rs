//! The sender: claims due mails under a lease, sends each, records the outcome. Runs as a
//! background task of `serve` and as `clusterbridge send-mail [--once]`.
//!
//! Delivery is at least once: a sender that dies after the server accepted a mail and before
//! the mark leaves the mail SENDING; when its lease runs out another sender sends it again, with
//! the same Message-ID, so mail clients can drop the copy.

use std::time::Duration;

use chrono::Utc;
use entity::outbox_mail::MailStatus;
use sea_orm::DatabaseConnection;

use super::{outbox, settings::MailSettings, transport::Mailer};
use crate::{error::AppResult, shutdown::Shutdown};

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

pub struct Sender {
    pub mailer: Mailer,
    pub settings: MailSettings,
    /// Names this sender's leases, so a sender whose lease was taken over does not mark a mail.
    pub owner: String,
    /// Once begun, the sender claims nothing more and stops after the mail in hand.
    pub shutdown: Shutdown,
}

impl Sender {
    pub fn new(mailer: Mailer, settings: MailSettings) -> Self {
        Sender {
            mailer,
            settings,
            owner: crate::outbox::lease_owner(),
            shutdown: Shutdown::default(),
        }
    }

    /// This sender, stopping when `shutdown` begins.
    pub fn stopping_on(self, shutdown: Shutdown) -> Self {
        Sender { shutdown, ..self }
    }

    /// Sends batches until no mail is due.
    pub async fn drain(&self, db: &DatabaseConnection) -> AppResult<Pass> {
        let mut total = Pass::default();
        loop {
            let pass = self.pass(db).await?;
            total.sent += pass.sent;
            total.retrying += pass.retrying;
            total.failed += pass.failed;
            if pass == Pass::default() || self.shutdown.has_begun() {
                return Ok(total);
            }
        }
    }

    /// Claims one batch and sends it.
    pub async fn pass(&self, db: &DatabaseConnection) -> AppResult<Pass> {
        if self.shutdown.has_begun() {
            return Ok(Pass::default());
        }
        let lease = Duration::from_secs(self.settings.mail_lease.max(1));
        let claimed = outbox::claim(db, &self.owner, self.settings.mail_batch_size.max(1), lease, Utc::now()).await?;
        let backoff = self.settings.backoff();
        let mut pass = Pass::default();
        for mail in &claimed {
            if self.shutdown.has_begun() {
                // The mail in hand is finished and marked; the rest go back to the queue.
                let released = outbox::release(db, &self.owner, Utc::now()).await?;
                tracing::info!(released, "shutdown: mail sender gave back the mails it had not sent");
                break;
            }
            let outcome = self.mailer.send(mail).await;
            if let outbox::Outcome::Temporary(error) | outbox::Outcome::Permanent(error) = &outcome {
                tracing::warn!(mail = %mail.id, to = %mail.recipient, %error, "mail not sent");
            }
            match outbox::record(db, mail, &self.owner, &outcome, &backoff, Utc::now()).await? {
                Some(MailStatus::Sent) => pass.sent += 1,
                Some(MailStatus::Queued | MailStatus::Sending) => pass.retrying += 1,
                Some(MailStatus::Failed) => pass.failed += 1,
                // Its lease ran out while it was being sent and another sender has it now.
                None => tracing::warn!(mail = %mail.id, "lease lost before the mark"),
            }
        }
        Ok(pass)
    }

    /// The background task: a pass every MAIL_SEND_INTERVAL seconds, until shutdown begins.
    /// A failed pass (database away) is logged and tried again at the next tick.
    pub async fn run(self, db: DatabaseConnection) {
        let mut ticks = tokio::time::interval(Duration::from_secs(self.settings.mail_send_interval.max(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = self.shutdown.begun() => break,
            }
            if let Err(err) = self.drain(&db).await {
                tracing::warn!(%err, "mail pass failed");
            }
            if self.shutdown.has_begun() {
                break;
            }
        }
        tracing::info!("shutdown: mail sender stopped");
    }
}
