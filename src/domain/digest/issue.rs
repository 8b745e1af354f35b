//! Building a week's issue: the items of the week and the general web view stored once per
//! week (`digest_issue.week` is unique), then one mail per confirmed subscriber queued in the
//! outbox with the dedupe key `digest:{week}:{subscriber}`.
//!
//! Subscribers are queued in batches of [`BATCH`], one transaction each, the issue stored in the
//! first: SQLite has one writer, and a transaction over every subscriber would hold back every
//! other write of the service for as long as the whole list takes. The dedupe key makes this
//! safe: a rerun, or a second run at the same time, queues only what is missing, so a run that
//! died half-way is finished by the next, and no subscriber is queued a week twice. Every run
//! mails from the stored issue, so all mails of a week say the same. A subscriber none of whose
//! topics the week touched gets no mail.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::{
    digest_issue,
    digest_subscriber::{self, SubscriberStatus},
    digest_subscriber_topic,
    outbox_mail::{self, MailPurpose},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    build::{self, Topics},
    content::{self, Item},
    unsubscribe,
    week::Week,
};
use crate::{
    auth::{Links, Principal},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        locale::LanguageTag,
        policy,
    },
    error::{AppError, AppResult},
    mail::{outbox::enqueue_many, template, NewMail},
};

/// Subscribers queued per transaction.
pub const BATCH: u64 = 200;

/// The path of a week's web view.
pub fn web_path(week: &str) -> String {
    format!("/digest/{week}")
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Run {
    pub issue: digest_issue::Model,
    /// Confirmed subscribers looked at.
    pub subscribers: u64,
    /// Mails this run queued.
    pub queued: u64,
    /// Mails an earlier (or a parallel) run had queued already.
    pub already_queued: u64,
    /// Subscribers the week had nothing for: no mail.
    pub without_items: u64,
}

fn english() -> LanguageTag {
    LanguageTag::parse("en").unwrap_or_else(|| unreachable!("en is a language tag"))
}

/// The stored items of an issue.
pub fn items_of(issue: &digest_issue::Model) -> AppResult<Vec<Item>> {
    serde_json::from_str(&issue.items).map_err(AppError::internal)
}

/// The issue of `week` as it would be stored now: its items and the general view, in English
/// (where an item has an English text) for a reader with no topics.
async fn fresh_issue<C: ConnectionTrait>(
    db: &C,
    links: &Links,
    week: Week,
    now: DateTime<Utc>,
) -> AppResult<digest_issue::ActiveModel> {
    let items = content::load(db, week).await?;
    let name = week.to_string();
    let view = build::view(
        week,
        &items,
        &Topics::default(),
        &english(),
        links.url(&web_path(&name)),
        None,
    );
    Ok(digest_issue::ActiveModel {
        id: Set(Uuid::now_v7()),
        week: Set(name),
        starts_at: Set(week.starts_at()),
        ends_at: Set(week.ends_at()),
        built_at: Set(now),
        item_count: Set(i32::try_from(items.len()).map_err(AppError::internal)?),
        items: Set(serde_json::to_string(&items).map_err(AppError::internal)?),
        html: Set(template::render("digest.html", &view)?),
        text: Set(template::render("digest.txt", &view)?),
    })
}

/// Builds the issue of `week` (once) and queues the mails not queued yet. BAD_USER_INPUT on
/// `week` for a week that has not ended at `now`: an issue is built once, from the whole week.
pub async fn build<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    actor: &Principal,
    week: Week,
    now: DateTime<Utc>,
) -> AppResult<Run> {
    policy::may_build_digest(actor)?;
    if week.ends_at() > now {
        return Err(AppError::bad_field(
            "week",
            "has not ended yet: a week's digest is built once the week is over",
        ));
    }
    let fresh = fresh_issue(db, links, week, now).await?;
    let name = week.to_string();
    let mut run = Run {
        issue: digest_issue::Model {
            id: Uuid::nil(),
            week: name.clone(),
            starts_at: week.starts_at(),
            ends_at: week.ends_at(),
            built_at: now,
            item_count: 0,
            items: String::new(),
            html: String::new(),
            text: String::new(),
        },
        subscribers: 0,
        queued: 0,
        already_queued: 0,
        without_items: 0,
    };
    let mut items = Vec::new();
    let mut after: Option<Uuid> = None;
    loop {
        let txn = crate::db::begin_write(db).await?;
        if after.is_none() {
            // A parallel run may store the week first: then this one waits for it, stores
            // nothing, and mails from its issue.
            digest_issue::Entity::insert(fresh.clone())
                .on_conflict_do_nothing_on([digest_issue::Column::Week])
                .exec_without_returning(&txn)
                .await?;
            run.issue = digest_issue::Entity::find()
                .filter(digest_issue::Column::Week.eq(name.as_str()))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::internal("the digest issue just stored is not there"))?;
            items = items_of(&run.issue)?;
            audit::record(
                &txn,
                actor,
                Entry {
                    entity_type: AuditEntityType::DigestIssue,
                    entity_id: run.issue.id,
                    action: AuditAction::Build,
                    changed_fields: vec!["mails"],
                    country: None,
                },
            )
            .await?;
        }
        let batch = confirmed_after(&txn, after).await?;
        let topics = topics_of(&txn, batch.iter().map(|s| s.id)).await?;
        // What earlier runs queued is not rendered again; the insert below still skips any
        // key a parallel run queued in the meantime.
        let keys: Vec<String> = batch.iter().map(|s| dedupe_key(&name, s.id)).collect();
        let queued_before = queued_of(&txn, keys).await?;
        let mut mails = Vec::new();
        for subscriber in &batch {
            run.subscribers += 1;
            if queued_before.contains(&dedupe_key(&name, subscriber.id)) {
                run.already_queued += 1;
                continue;
            }
            let topics = topics.get(&subscriber.id).cloned().unwrap_or_default();
            match mail_for(links, week, &items, subscriber, &topics, now)? {
                Some(mail) => mails.push(mail),
                None => run.without_items += 1,
            }
        }
        let rendered = mails.len() as u64;
        let queued = enqueue_many(&txn, mails).await?;
        run.queued += queued;
        run.already_queued += rendered.saturating_sub(queued);
        txn.commit().await?;
        match batch.last() {
            Some(last) if batch.len() as u64 == BATCH => after = Some(last.id),
            _ => break,
        }
    }
    tracing::info!(
        week = %name,
        subscribers = run.subscribers,
        queued = run.queued,
        already_queued = run.already_queued,
        without_items = run.without_items,
        "digest built"
    );
    Ok(run)
}

/// A subscriber's key of a week in the outbox.
fn dedupe_key(week: &str, subscriber: Uuid) -> String {
    format!("digest:{week}:{subscriber}")
}

/// Which of `keys` the outbox holds.
async fn queued_of<C: ConnectionTrait>(db: &C, keys: Vec<String>) -> AppResult<BTreeSet<String>> {
    Ok(outbox_mail::Entity::find()
        .select_only()
        .column(outbox_mail::Column::DedupeKey)
        .filter(outbox_mail::Column::DedupeKey.is_in(keys))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The next batch of confirmed subscribers, by id.
async fn confirmed_after<C: ConnectionTrait>(db: &C, after: Option<Uuid>) -> AppResult<Vec<digest_subscriber::Model>> {
    let mut select = digest_subscriber::Entity::find()
        .filter(digest_subscriber::Column::Status.eq(SubscriberStatus::Confirmed))
        .order_by_asc(digest_subscriber::Column::Id)
        .limit(BATCH);
    if let Some(after) = after {
        select = select.filter(digest_subscriber::Column::Id.gt(after));
    }
    Ok(select.all(db).await?)
}

async fn topics_of<C: ConnectionTrait>(
    db: &C,
    subscribers: impl IntoIterator<Item = Uuid>,
) -> AppResult<BTreeMap<Uuid, Topics>> {
    let mut rows = BTreeMap::<Uuid, Vec<_>>::new();
    for row in digest_subscriber_topic::Entity::find()
        .filter(digest_subscriber_topic::Column::SubscriberId.is_in(subscribers))
        .all(db)
        .await?
    {
        rows.entry(row.subscriber_id).or_default().push((row.kind, row.value));
    }
    Ok(rows
        .into_iter()
        .map(|(id, rows)| (id, Topics::from_rows(rows)))
        .collect())
}

/// A subscriber's mail of the week, in its language; None when nothing of the week is for it.
pub fn mail_for(
    links: &Links,
    week: Week,
    items: &[Item],
    subscriber: &digest_subscriber::Model,
    topics: &Topics,
    now: DateTime<Utc>,
) -> AppResult<Option<NewMail>> {
    let language = LanguageTag::parse(&subscriber.language).unwrap_or_else(english);
    let name = week.to_string();
    let view = build::view(
        week,
        items,
        topics,
        &language,
        links.url(&web_path(&name)),
        Some(unsubscribe::unsubscribe_link(links, subscriber.id, now)),
    );
    if view.item_count == 0 {
        return Ok(None);
    }
    Ok(Some(NewMail {
        purpose: MailPurpose::Digest,
        dedupe_key: dedupe_key(&name, subscriber.id),
        recipient: subscriber.email.clone(),
        subject: view.title.clone(),
        text_body: template::render("digest.txt", &view)?,
        html_body: Some(template::render("digest.html", &view)?),
        headers: unsubscribe::headers(links, subscriber.id, now),
    }))
}

/// The stored issue of a week.
pub async fn find<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Option<digest_issue::Model>> {
    Ok(digest_issue::Entity::find()
        .filter(digest_issue::Column::Week.eq(week.to_string()))
        .one(db)
        .await?)
}

/// The issue of the latest week built.
pub async fn latest<C: ConnectionTrait>(db: &C) -> AppResult<Option<digest_issue::Model>> {
    Ok(digest_issue::Entity::find()
        .order_by_desc(digest_issue::Column::StartsAt)
        .one(db)
        .await?)
}
