//! The webhook sender: claims due deliveries under a lease (the outbox's shared claiming and
//! back-off), signs and posts each, records the outcome, and disables an endpoint that has
//! failed for WEBHOOK_DISABLE_AFTER seconds without a success, mailing its partners. Runs as a
//! background task of `serve` and as `clusterbridge send-webhooks [--once]`.
//!
//! Delivery is at least once: a sender that dies after the receiver answered and before the mark
//! leaves the delivery SENDING; when its lease runs out another sender posts it again with the
//! same `webhook-id`, which receivers use to drop the copy.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{
    outbox_mail::MailPurpose,
    partner_organisation, user, user_grant,
    webhook_delivery::{self, DeliveryStatus},
    webhook_endpoint::{self, EndpointStatus},
};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    client::{Message, WebhookClient},
    settings::WebhookSettings,
};
use crate::{
    auth::Principal,
    domain::audit::{self, AuditAction, AuditEntityType, Entry},
    error::AppResult,
    mail::{self, template, NewMail},
    outbox::{self, Attempt, Mark, Outcome},
    shutdown::Shutdown,
};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub disabled: usize,
}

pub struct WebhookSender {
    pub client: WebhookClient,
    pub settings: WebhookSettings,
    /// Names this sender's leases.
    pub owner: String,
    /// Once begun, the sender claims nothing more and stops after the delivery in hand.
    pub shutdown: Shutdown,
}

impl WebhookSender {
    pub fn new(settings: WebhookSettings) -> AppResult<Self> {
        let client = WebhookClient::new(
            settings.rules().addresses,
            Duration::from_secs(settings.webhook_timeout.max(1)),
        )?;
        Ok(Self {
            client,
            settings,
            owner: outbox::lease_owner(),
            shutdown: Shutdown::default(),
        })
    }

    pub fn stopping_on(self, shutdown: Shutdown) -> Self {
        Self { shutdown, ..self }
    }

    /// Sends batches until nothing is due.
    pub async fn drain(&self, db: &DatabaseConnection) -> AppResult<Pass> {
        let mut total = Pass::default();
        loop {
            let pass = self.pass(db).await?;
            total.sent += pass.sent;
            total.retrying += pass.retrying;
            total.failed += pass.failed;
            total.disabled += pass.disabled;
            if pass == Pass::default() || self.shutdown.has_begun() {
                return Ok(total);
            }
        }
    }

    /// Claims one batch and delivers it.
    pub async fn pass(&self, db: &DatabaseConnection) -> AppResult<Pass> {
        if self.shutdown.has_begun() {
            return Ok(Pass::default());
        }
        let lease = Duration::from_secs(self.settings.webhook_lease.max(1));
        let batch = self.settings.webhook_batch_size.max(1);
        let claimed = outbox::claim::<webhook_delivery::Entity>(db, &self.owner, batch, lease, Utc::now()).await?;
        let ids: Vec<Uuid> = claimed.iter().map(|d| d.endpoint_id).collect();
        let endpoints: HashMap<Uuid, webhook_endpoint::Model> = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let backoff = self.settings.backoff();
        let mut pass = Pass::default();
        for delivery in &claimed {
            if self.shutdown.has_begun() {
                // The delivery in hand is finished and marked; the rest go back to the queue.
                let released = outbox::release::<webhook_delivery::Entity>(db, &self.owner, Utc::now()).await?;
                tracing::info!(
                    released,
                    "shutdown: webhook sender gave back the deliveries it had not sent"
                );
                break;
            }
            let now = Utc::now();
            let (outcome, response_code) = match endpoints.get(&delivery.endpoint_id) {
                Some(endpoint) if endpoint.status == EndpointStatus::Enabled => {
                    let attempted = self.client.deliver(message(endpoint, delivery, now)).await;
                    (attempted.outcome, attempted.response_code)
                }
                _ => (Outcome::Permanent("the endpoint is disabled".into()), None),
            };
            if let Outcome::Temporary(error) | Outcome::Permanent(error) = &outcome {
                tracing::warn!(delivery = %delivery.id, endpoint = %delivery.endpoint_id, %error, "webhook not delivered");
            }
            let attempt = Attempt {
                id: delivery.id,
                attempts: delivery.attempts,
                next_attempt_at: delivery.next_attempt_at,
                owner: &self.owner,
                outcome: &outcome,
            };
            let extra = vec![("response_code", response_code.map(i32::from).into())];
            let mark = outbox::record::<webhook_delivery::Entity>(db, attempt, &backoff, extra, Utc::now()).await?;
            match mark {
                Some(Mark::Sent) => pass.sent += 1,
                Some(Mark::Queued) => pass.retrying += 1,
                Some(Mark::Failed) => pass.failed += 1,
                None => tracing::warn!(delivery = %delivery.id, "lease lost before the mark"),
            }
            if let (Some(mark), Some(endpoint)) = (mark, endpoints.get(&delivery.endpoint_id)) {
                if endpoint.status == EndpointStatus::Enabled && self.follow_up(db, endpoint.id, mark, &outcome).await?
                {
                    pass.disabled += 1;
                }
            }
        }
        Ok(pass)
    }

    /// After an attempt: a success ends the endpoint's run of failures; a failure starts one, or
    /// disables the endpoint when the run has lasted WEBHOOK_DISABLE_AFTER. True when disabled.
    async fn follow_up(
        &self,
        db: &DatabaseConnection,
        endpoint: Uuid,
        mark: Mark,
        outcome: &Outcome,
    ) -> AppResult<bool> {
        let now = Utc::now();
        if mark == Mark::Sent {
            webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::FailingSince,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(webhook_endpoint::Column::Id.eq(endpoint))
                .filter(webhook_endpoint::Column::FailingSince.is_not_null())
                .exec(db)
                .await?;
            return Ok(false);
        }
        webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::FailingSince, Expr::value(Some(now)))
            .filter(webhook_endpoint::Column::Id.eq(endpoint))
            .filter(webhook_endpoint::Column::FailingSince.is_null())
            .exec(db)
            .await?;
        let limit = chrono::Duration::seconds(i64::try_from(self.settings.webhook_disable_after).unwrap_or(i64::MAX));
        let error = match outcome {
            Outcome::Temporary(e) | Outcome::Permanent(e) => e.as_str(),
            Outcome::Sent => "",
        };
        disable_if_failing(db, endpoint, now - limit, error).await
    }

    /// The background task: a pass every WEBHOOK_SEND_INTERVAL seconds, until shutdown begins.
    pub async fn run(self, db: DatabaseConnection) {
        let mut ticks = tokio::time::interval(Duration::from_secs(self.settings.webhook_send_interval.max(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = self.shutdown.begun() => break,
            }
            if let Err(err) = self.drain(&db).await {
                tracing::warn!(%err, "webhook pass failed");
            }
            if self.shutdown.has_begun() {
                break;
            }
        }
        tracing::info!("shutdown: webhook sender stopped");
    }
}

/// The message of `delivery`, signed with the endpoint's secret and, during its grace period,
/// the one before it.
fn message<'a>(
    endpoint: &'a webhook_endpoint::Model,
    delivery: &'a webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Message<'a> {
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_secret_until) {
        if until > now {
            secrets.push(previous.as_str());
        }
    }
    Message {
        url: &endpoint.url,
        id: format!("msg_{}", delivery.id.simple()),
        body: &delivery.payload,
        secrets,
    }
}

/// Disables `endpoint` if it has been failing since before `since`, in one transaction: its
/// waiting deliveries FAILED, the change audited, a mail queued to each partner of its
/// organisation. The UPDATE's WHERE decides, so two senders disable (and mail) once.
async fn disable_if_failing(
    db: &DatabaseConnection,
    endpoint: Uuid,
    since: DateTime<Utc>,
    last_error: &str,
) -> AppResult<bool> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let disabled = webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Status, Expr::value(EndpointStatus::Disabled))
        .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(Some(now)))
        .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
        .col_expr(webhook_endpoint::Column::Version, Expr::cust("version + 1"))
        .filter(webhook_endpoint::Column::Id.eq(endpoint))
        .filter(webhook_endpoint::Column::Status.eq(EndpointStatus::Enabled))
        .filter(webhook_endpoint::Column::FailingSince.lte(since))
        .exec(&txn)
        .await?;
    if disabled.rows_affected != 1 {
        return Ok(false);
    }
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(DeliveryStatus::Failed))
        .col_expr(
            webhook_delivery::Column::LastError,
            // A delivery that was tried keeps the receiver's last answer; one never tried says why.
            Expr::cust("COALESCE(last_error, 'the endpoint was disabled')"),
        )
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::Version, Expr::cust("version + 1"))
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Queued))
        .exec(&txn)
        .await?;
    let model = webhook_endpoint::Entity::find_by_id(endpoint)
        .one(&txn)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("a disabled endpoint cannot be read back"))?;
    audit::record(
        &txn,
        &Principal::operator(),
        Entry {
            entity_type: AuditEntityType::WebhookEndpoint,
            entity_id: endpoint,
            action: AuditAction::Disable,
            changed_fields: vec!["enabled"],
            country: None,
        },
    )
    .await?;
    mail_partners(&txn, &model, last_error).await?;
    txn.commit().await?;
    tracing::warn!(%endpoint, "webhook endpoint disabled after failing too long");
    Ok(true)
}

/// Queues the "endpoint disabled" mail to every partner of the endpoint's organisation.
async fn mail_partners(
    txn: &impl ConnectionTrait,
    endpoint: &webhook_endpoint::Model,
    last_error: &str,
) -> AppResult<u64> {
    let organisation = partner_organisation::Entity::find_by_id(endpoint.partner_organisation_id)
        .one(txn)
        .await?
        .map_or_else(|| "your organisation".to_owned(), |o| o.name);
    let users: Vec<Uuid> = user_grant::Entity::find()
        .filter(user_grant::Column::PartnerOrganisationId.eq(endpoint.partner_organisation_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    let recipients = user::Entity::find()
        .filter(user::Column::Id.is_in(users))
        .all(txn)
        .await?;
    let subject = format!("Webhook endpoint disabled: {}", endpoint.url);
    let failing_since = endpoint
        .failing_since
        .unwrap_or_else(Utc::now)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let context = minijinja::context! {
        title => subject.clone(),
        url => endpoint.url.clone(),
        organisation => organisation,
        failing_since => failing_since,
        last_error => last_error,
    };
    let text_body = template::render("webhook_disabled.txt", &context)?;
    let html_body = template::render("webhook_disabled.html", &context)?;
    let disabled_at = endpoint.disabled_at.unwrap_or_else(Utc::now).timestamp();
    let mails = recipients
        .into_iter()
        .map(|recipient| NewMail {
            purpose: MailPurpose::WebhookDisabled,
            dedupe_key: format!(
                "webhook-disabled:{}:{disabled_at}:{}",
                endpoint.id.simple(),
                recipient.id.simple()
            ),
            recipient: recipient.email,
            subject: subject.clone(),
            text_body: text_body.clone(),
            html_body: Some(html_body.clone()),
            headers: Default::default(),
        })
        .collect();
    mail::outbox::enqueue_many(txn, mails).await
}
